//! SOP §7 customer updates sent by e-mail from the desk, through a real SMTP
//! server on loopback (aiosmtpd) that requires a login: sent first, recorded
//! after, never recorded when not sent.

use crate::smtp_sink::{free_port, SmtpSink};
use crate::support::{assert_rule, Fixture, ANA, BOB, LEE};
use escalator_core::comms::TemplateKind;
use escalator_core::domain::{CommunicationChannel, Priority};
use escalator_core::mail::{CustomerMail, SmtpServer, SmtpTls};
use escalator_core::{Command, CustomerEmail, Desk, DeskConfig, Error, ErrorKind, EventBody};

const CUSTOMER: &str = "ops@acme.example";
const USER: &str = "support@desk.example";

/// The desk's mail settings for a server on `port`, logging in as [`USER`]
/// with the password in the environment variable `password_env`.
fn mail_config(port: u16, password_env: &str) -> CustomerMail {
    CustomerMail {
        from: "Example Support <support@desk.example>".into(),
        reply_to: Some("help@desk.example".into()),
        bcc: vec!["archive@desk.example".into()],
        smtp: SmtpServer {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: SmtpTls::None,
            username: Some(USER.into()),
            password_env: Some(password_env.into()),
        },
    }
}

/// A desk whose customer mail goes to `port` with `password` (each test its
/// own variable, so tests running in parallel do not share one).
fn desk_mailing(port: u16, variable: &str, password: &str) -> Fixture {
    std::env::set_var(variable, password);
    Fixture::with_config(DeskConfig {
        customer_mail: Some(mail_config(port, variable)),
        ..DeskConfig::default()
    })
}

fn email(body: &str) -> CustomerEmail {
    CustomerEmail {
        to: vec![CUSTOMER.into()],
        subject: "Update on your checkout issue".into(),
        body: body.into(),
        leak_override: None,
    }
}

const UPDATE: &str = "Hello, our engineers found the cause of the failed payments \
                      and are testing a fix. We will update you by 16:00 CET.";

fn updates(f: &Fixture, key: &str) -> usize {
    f.desk.ticket(key).unwrap().ticket.customer_updates.len()
}

#[test]
fn a_customer_update_is_emailed_to_the_customer_with_its_ticket_id_then_recorded() {
    let sink = SmtpSink::with_login(USER, "s3cret");
    let mut f = desk_mailing(sink.port, "ESCALATOR_TEST_SMTP_SENT", "s3cret");
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let impact = f.desk.ticket(&key).unwrap().ticket.documentation.impact;
    assert!(!impact.trim().is_empty());
    // The escalation notice (SOP §7 "inform customer about escalation"),
    // drafted from the template: it states the impact the customer reported.
    let draft = f
        .desk
        .draft_customer_message(ANA, &key, TemplateKind::EscalationNotice, None)
        .unwrap();
    let notice = CustomerEmail {
        to: vec![CUSTOMER.into()],
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        leak_override: None,
    };

    let outcome = f.desk.send_customer_email(ANA, &key, notice).unwrap();

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(
        mail["rcpt_tos"],
        serde_json::json!([CUSTOMER, "archive@desk.example"]),
        "the customer, and the archive copy as Bcc"
    );
    assert_eq!(mail["to"], CUSTOMER);
    assert_eq!(mail["from"], "Example Support <support@desk.example>");
    assert_eq!(mail["reply_to"], "help@desk.example");
    assert_eq!(mail["login"], USER, "logged in with the password");
    assert_eq!(mail["subject"], format!("{} [{key}]", draft.subject));
    assert_eq!(mail["ticket"], key.as_str(), "X-Escalator-Ticket");
    // SMTP carries CRLF line ends.
    let body = mail["body"].as_str().unwrap().replace("\r\n", "\n");
    assert_eq!(body.trim(), draft.body.trim());
    assert!(body.contains(&impact), "the impact: {body}");

    // Recorded after the server took it, with what it took.
    let [event] = outcome.events.as_slice() else {
        panic!("one event: {:?}", outcome.events)
    };
    let EventBody::CustomerUpdateSent(sent) = &event.body else {
        panic!("{event:?}")
    };
    assert_eq!(sent.channel, CommunicationChannel::Smtp);
    assert_eq!(sent.subject, draft.subject);
    let recorded = sent.email.as_ref().unwrap();
    assert_eq!(recorded.to, vec![CUSTOMER.to_string()]);
    assert_eq!(recorded.message_id, mail["message_id"].as_str().unwrap());
    let ticket = f.desk.ticket(&key).unwrap().ticket;
    assert_eq!(ticket.customer_updates[0].to, vec![CUSTOMER.to_string()]);
    let timeline = f.desk.ticket_detail(&key).unwrap().timeline;
    let entry = timeline.last().unwrap();
    assert_eq!(entry.title, format!("E-mailed the customer ({CUSTOMER})"));
}

#[test]
fn an_unreachable_mail_server_records_nothing() {
    // Nobody listens on this port.
    let mut f = desk_mailing(free_port(), "ESCALATOR_TEST_SMTP_DOWN", "s3cret");
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let before = f.desk.history(&key).unwrap().len();
    let error = f
        .desk
        .send_customer_email(ANA, &key, email(UPDATE))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Delivery, "{error}");
    assert!(error.to_string().contains("127.0.0.1"), "{error}");
    assert_eq!(f.desk.history(&key).unwrap().len(), before);
}

#[test]
fn a_mail_server_that_refuses_the_login_records_nothing() {
    let sink = SmtpSink::with_login(USER, "the-real-one");
    let mut f = desk_mailing(sink.port, "ESCALATOR_TEST_SMTP_WRONG", "a-wrong-one");
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let error = f
        .desk
        .send_customer_email(ANA, &key, email(UPDATE))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Delivery, "{error}");
    assert!(sink.messages().is_empty());
    assert_eq!(updates(&f, &key), 0);
}

#[test]
fn a_leaking_e_mail_is_refused_before_anything_is_sent() {
    let sink = SmtpSink::with_login(USER, "s3cret");
    let mut f = desk_mailing(sink.port, "ESCALATOR_TEST_SMTP_LEAK", "s3cret");
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let leaky = "Hello, we restarted db-prod-03.internal and payments work again.";

    let error = f
        .desk
        .send_customer_email(ANA, &key, email(leaky))
        .unwrap_err();
    assert_rule(&error, "SOP-7-leak", "§7");
    // Only the owner writes to the customer (SOP §9).
    let error = f
        .desk
        .send_customer_email(BOB, &key, email(UPDATE))
        .unwrap_err();
    assert_rule(&error, "SOP-9-customer-communication", "§9");
    assert!(sink.messages().is_empty());
    assert_eq!(updates(&f, &key), 0);

    // With an override reason it goes, and the reason is on the record.
    let mut overridden = email(leaky);
    overridden.leak_override = Some("The customer's own host name, they asked".into());
    f.desk.send_customer_email(ANA, &key, overridden).unwrap();
    assert_eq!(sink.messages().len(), 1);
}

#[test]
fn bad_recipients_and_a_desk_without_a_mail_server_name_the_field() {
    let sink = SmtpSink::with_login(USER, "s3cret");
    let mut f = desk_mailing(sink.port, "ESCALATOR_TEST_SMTP_FIELDS", "s3cret");
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let field = |error: Error| match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("{other}"),
    };
    let mut nobody = email(UPDATE);
    nobody.to = vec!["  ".into()];
    assert_eq!(
        field(f.desk.send_customer_email(ANA, &key, nobody).unwrap_err()),
        "to"
    );
    let mut bad = email(UPDATE);
    bad.to = vec!["ops at acme".into()];
    assert_eq!(
        field(f.desk.send_customer_email(ANA, &key, bad).unwrap_err()),
        "to"
    );
    let mut untitled = email(UPDATE);
    untitled.subject = " ".into();
    assert_eq!(
        field(f.desk.send_customer_email(ANA, &key, untitled).unwrap_err()),
        "subject"
    );
    assert!(sink.messages().is_empty());

    let mut plain = Fixture::new();
    let key = plain.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    assert_eq!(
        field(
            plain
                .desk
                .send_customer_email(ANA, &key, email(UPDATE))
                .unwrap_err()
        ),
        "channel"
    );
}

#[test]
fn sop_7_email_an_smtp_update_is_recorded_only_by_sending_it() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let claimed = Command::RecordCustomerUpdate {
        channel: CommunicationChannel::Smtp,
        body: UPDATE.into(),
        subject: "Update".into(),
        leak_override: None,
        email: None,
    };
    let error = f.refuse(ANA, &key, claimed);
    assert_rule(&error, "SOP-7-email", "§7");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(updates(&f, &key), 0);
}

#[test]
fn an_l3_lead_saves_the_mail_settings_beside_the_database_and_they_are_read_back() {
    let mut f = Fixture::new();
    let config = mail_config(2525, "ESCALATOR_SMTP_PASSWORD");
    let error = f
        .desk
        .set_customer_mail(ANA, config.clone(), None)
        .unwrap_err();
    assert_rule(&error, "SOP-3-role", "§3");
    assert!(!f.desk.file_beside("mail.toml").exists());

    let mut wrong = config.clone();
    wrong.reply_to = Some("help desk".into());
    match f.desk.set_customer_mail(LEE, wrong, None).unwrap_err() {
        Error::InvalidInput { field, .. } => assert_eq!(field, "reply_to"),
        other => panic!("{other}"),
    }
    assert!(!f.desk.file_beside("mail.toml").exists());

    f.desk.set_customer_mail(LEE, config.clone(), None).unwrap();
    assert_eq!(f.desk.customer_mail_settings().config, Some(config.clone()));
    let reopened = Desk::open(f.db_path()).unwrap();
    assert_eq!(reopened.customer_mail_settings().config, Some(config));
}
