//! SOP §7 through the desk: a customer message with internal details is
//! refused until edited or overridden with a reason; templates draft from
//! customer-safe fields only.

use crate::support::{assert_rule, Fixture, ANA, LEE, SAM};
use escalator_core::comms::{LeakKind, Template, TemplateKind};
use escalator_core::domain::{CommunicationChannel, Priority};
use escalator_core::{Command, EventBody};

fn update(body: &str, leak_override: Option<&str>) -> Command {
    Command::RecordCustomerUpdate {
        channel: CommunicationChannel::Email,
        body: body.into(),
        subject: "Your checkout issue".into(),
        leak_override: leak_override.map(str::to_string),
        email: None,
    }
}

#[test]
fn sop_7_leak_a_message_with_an_internal_hostname_is_refused_until_edited() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let leaky = "Hello, our engineers restarted db-prod-03.internal and payments work again.";
    let found = f.desk.check_customer_message(&key, leaky).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, LeakKind::Hostname);
    assert_eq!(found[0].text, "db-prod-03.internal");

    let error = f.refuse(ANA, &key, update(leaky, None));
    assert_rule(&error, "SOP-7-leak", "§7");
    assert!(error.to_string().contains("db-prod-03.internal"), "{error}");
    assert!(f
        .desk
        .ticket(&key)
        .unwrap()
        .ticket
        .customer_updates
        .is_empty());

    let mut subject_leak = update("Payments work again", None);
    if let Command::RecordCustomerUpdate { subject, .. } = &mut subject_leak {
        *subject = "ESC-1 fixed on db-prod-03.internal".into();
    }
    let error = f.refuse(ANA, &key, subject_leak);
    assert_rule(&error, "SOP-7-leak", "§7");

    let edited = "Hello, our engineers restarted the payment database and payments work again.";
    assert!(f
        .desk
        .check_customer_message(&key, edited)
        .unwrap()
        .is_empty());
    f.run(ANA, &key, update(edited, None));
    assert_eq!(
        f.desk.ticket(&key).unwrap().ticket.customer_updates.len(),
        1
    );
}

#[test]
fn sop_7_leak_an_override_reason_sends_it_and_is_recorded() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(SAM, &key, Command::Acknowledge {});
    // The L2 engineer's name is internal; the owner's own name is not.
    let body = "Sam Ito from our side fixed it. Kind regards, Ana Lopez";
    let error = f.refuse(ANA, &key, update(body, Some("  ")));
    assert_rule(&error, "SOP-7-leak", "§7");
    f.run(
        ANA,
        &key,
        update(body, Some("The customer asked who fixed it; Sam agreed")),
    );
    let sent = f
        .desk
        .history(&key)
        .unwrap()
        .into_iter()
        .find_map(|event| match event.body {
            EventBody::CustomerUpdateSent(sent) => Some(sent),
            _ => None,
        })
        .expect("the update was recorded");
    let recorded = sent.leak_override.expect("the override is on record");
    assert_eq!(
        recorded.reason,
        "The customer asked who fixed it; Sam agreed"
    );
    assert_eq!(recorded.findings, ["internal_name: Sam Ito"]);
}

#[test]
fn sop_7_leak_text_copied_from_an_internal_note_is_found() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(
        SAM,
        &key,
        Command::AddNote {
            body:
                "Root cause is the expired gateway certificate that nobody renewed after the audit"
                    .into(),
        },
    );
    let body = "Update: the root cause is the expired gateway certificate that nobody renewed after the audit.";
    let found = f.desk.check_customer_message(&key, body).unwrap();
    assert!(
        found
            .iter()
            .any(|finding| finding.kind == LeakKind::InternalNote),
        "{found:?}"
    );
}

#[test]
fn templates_draft_from_customer_safe_fields_with_the_sla_update_time() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let draft = f
        .desk
        .draft_customer_message(
            ANA,
            &key,
            TemplateKind::EscalationNotice,
            Some("America/New_York"),
        )
        .unwrap();
    assert_eq!(draft.subject, "Your Checkout issue is with our specialists");
    // P2 escalated Monday 10:00 Berlin: the update is due at 14:00 Berlin, 08:00 in New York.
    assert!(
        draft.body.contains("Monday 2 March, 08:00 EST"),
        "{}",
        draft.body
    );
    assert!(draft.body.contains("Ana Lopez"));
    assert!(
        !draft.body.contains(&key),
        "the internal key is not a placeholder"
    );
    assert!(
        f.desk
            .check_customer_message(&key, &draft.body)
            .unwrap()
            .is_empty(),
        "{}",
        draft.body
    );
    let error = f
        .desk
        .draft_customer_message(
            ANA,
            &key,
            TemplateKind::ProgressUpdate,
            Some("Mars/Olympus"),
        )
        .unwrap_err();
    assert!(error.to_string().contains("time_zone"), "{error}");
}

#[test]
fn edited_templates_are_saved_by_a_lead_and_unknown_placeholders_are_refused() {
    let mut f = Fixture::new();
    let mut templates = f.desk.templates().unwrap();
    assert_eq!(templates.len(), 4);
    let progress = templates
        .iter_mut()
        .find(|template| template.kind == TemplateKind::ProgressUpdate)
        .unwrap();
    progress.body = "Hi {contact}, still on it. Next update by {next_update}. {sender}".into();
    let edited = templates.clone();
    let refused = f.desk.set_templates(ANA, edited.clone()).unwrap_err();
    assert_rule(&refused, "SOP-3-role", "§3");
    f.desk.set_templates(LEE, edited.clone()).unwrap();
    assert_eq!(f.desk.templates().unwrap(), edited);

    let broken = vec![Template {
        kind: TemplateKind::Closure,
        subject: "Closed".into(),
        body: "Your ticket {ticket_key} is closed".into(),
    }];
    let error = f.desk.set_templates(LEE, broken).unwrap_err().to_string();
    assert!(error.contains("templates.closure.body"), "{error}");
    assert!(error.contains("{ticket_key}"), "{error}");
}
