//! SOP §6 Step 4 and §8 P1: management is notified through official channels,
//! delivered over real SMTP and HTTP on loopback, retried, never lost.

use crate::smtp_sink::{free_port, SmtpSink};
use crate::support::{escalate, software, Fixture, ANA};
use chrono::Duration;
use escalator_core::alerts::AlertKind;
use escalator_core::domain::Priority;
use escalator_core::events::EventBody;
use escalator_core::official::{
    DeliveryState, EmailChannel, NetworkSender, OfficialChannel, OfficialConfig, SmtpTls,
    WebhookChannel, WebhookKind,
};
use escalator_core::{Desk, DeskConfig, Error};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;

const IMPACT: &str = "Customers cannot pay";

fn with_official(official: OfficialConfig) -> Fixture {
    Fixture::with_config(DeskConfig {
        official,
        ..DeskConfig::default()
    })
}

fn webhook(url: String, kind: WebhookKind) -> OfficialConfig {
    OfficialConfig {
        webhook: Some(WebhookChannel { url, kind }),
        ..OfficialConfig::default()
    }
}

/// A P1 escalation of a documented ticket; returns its key.
fn p1(f: &mut Fixture) -> String {
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P1);
    f.desk
        .execute(ANA, &key, escalate(software(Priority::P1)))
        .unwrap();
    key
}

#[test]
fn a_p1_escalation_emails_management_with_the_ticket_and_its_impact() {
    let sink = SmtpSink::start();
    let mut f = with_official(OfficialConfig {
        email: Some(EmailChannel {
            host: "127.0.0.1".into(),
            port: Some(sink.port),
            tls: SmtpTls::None,
            from: "Escalator <escalator@support.example>".into(),
            to: vec!["duty-manager@support.example".into()],
            username: None,
            password_env: None,
        }),
        ..OfficialConfig::default()
    });
    let key = p1(&mut f);

    // Queued in the same transaction as the escalation, with the §8 notification.
    let kinds: Vec<&str> = f
        .desk
        .history(&key)
        .unwrap()
        .iter()
        .map(|event| event.body.kind())
        .collect();
    let tail = &kinds[kinds.len() - 3..];
    assert_eq!(
        tail,
        [
            "Escalated",
            "ManagementEscalated",
            "OfficialNotificationQueued"
        ]
    );

    let report = f.desk.deliver_official(&NetworkSender::default()).unwrap();
    assert_eq!((report.delivered, report.failed), (1, 0), "{report:?}");
    assert_eq!(report.next_attempt_at, None);

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(
        mail["rcpt_tos"],
        serde_json::json!(["duty-manager@support.example"])
    );
    assert_eq!(mail["to"], "duty-manager@support.example");
    assert_eq!(mail["mail_from"], "escalator@support.example");
    assert_eq!(
        mail["subject"],
        format!("[Escalator] P1 escalation {key} · Acme Corp")
    );
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains(&format!("Ticket: {key}")), "{body}");
    assert!(body.contains(&format!("Impact: {IMPACT}")), "{body}");
    assert!(body.contains("Customer: Acme Corp"), "{body}");
    assert!(body.contains("Priority: P1"), "{body}");
    assert!(body.contains("Raised by: Ana Lopez (ana)"), "{body}");

    let deliveries = f.desk.official_deliveries(&key).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].state, DeliveryState::Delivered);
    assert_eq!(deliveries[0].attempts, 1);
    assert!(f.desk.undelivered_official().unwrap().is_empty());
    // Delivering again sends nothing twice.
    let again = f.desk.deliver_official(&NetworkSender::default()).unwrap();
    assert!(again.recorded.is_empty());
    assert_eq!(sink.messages().len(), 1);
}

// ---- a real HTTP server: one thread, a list of answers ---------------------

/// Answers one request per status in `statuses`, sending each body it reads.
fn http_server(statuses: Vec<u16>) -> (String, mpsc::Receiver<serde_json::Value>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/official", listener.local_addr().unwrap());
    let (bodies, received) = mpsc::channel();
    let server = std::thread::spawn(move || {
        for status in statuses {
            let (stream, _) = listener.accept().unwrap();
            let body = answer(stream, status);
            bodies.send(serde_json::from_slice(&body).unwrap()).unwrap();
        }
    });
    (url, received, server)
}

fn answer(stream: TcpStream, status: u16) -> Vec<u8> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let reason = if status == 200 {
        "OK"
    } else {
        "Internal Server Error"
    };
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    )
    .unwrap();
    stream.flush().unwrap();
    body
}

#[test]
fn a_p1_escalation_posts_the_ticket_and_its_impact_to_the_webhook() {
    let (url, received, server) = http_server(vec![200, 200]);
    let mut f = with_official(webhook(url.clone(), WebhookKind::Slack));
    let key = p1(&mut f);
    let report = f.desk.deliver_official(&NetworkSender::default()).unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    let slack = received.recv().unwrap();
    let text = slack["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("P1 escalation {key} · Acme Corp")),
        "{text}"
    );
    assert!(text.contains(&format!("Impact: {IMPACT}")), "{text}");
    assert_eq!(
        slack.as_object().unwrap().len(),
        1,
        "Slack takes {{\"text\"}}"
    );

    // Teams: the same text, with a title.
    let mut f = with_official(webhook(url, WebhookKind::Teams));
    let key = p1(&mut f);
    f.desk.deliver_official(&NetworkSender::default()).unwrap();
    let teams = received.recv().unwrap();
    assert_eq!(
        teams["title"],
        format!("[Escalator] P1 escalation {key} · Acme Corp")
    );
    assert!(teams["text"].as_str().unwrap().contains(IMPACT));
    server.join().unwrap();
}

#[test]
fn a_failed_delivery_is_recorded_and_retried_after_the_backoff_even_after_a_restart() {
    let (url, received, server) = http_server(vec![500, 200]);
    let config = webhook(url, WebhookKind::Slack);
    let mut f = with_official(config.clone());
    let key = p1(&mut f);
    let queued_at = f.desk.now();

    let report = f.desk.deliver_official(&NetworkSender::default()).unwrap();
    assert_eq!((report.delivered, report.failed), (0, 1), "{report:?}");
    let EventBody::OfficialNotificationFailed(failed) = &report.recorded[0].body else {
        panic!("expected a failure, got {:?}", report.recorded);
    };
    assert_eq!(failed.channel, OfficialChannel::Webhook);
    assert_eq!(failed.attempt, 1);
    assert!(failed.error.contains("500"), "{}", failed.error);
    assert_eq!(
        failed.next_attempt_at,
        Some(queued_at + Duration::minutes(1))
    );
    assert_eq!(report.next_attempt_at, failed.next_attempt_at);
    assert!(received.recv().unwrap()["text"]
        .as_str()
        .unwrap()
        .contains(IMPACT));

    // Pending and listed; not due before its time.
    let pending = f.desk.undelivered_official().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state, DeliveryState::Pending);
    assert!(pending[0].last_error.as_deref().unwrap().contains("500"));
    f.clock.advance(Duration::seconds(30));
    assert!(f
        .desk
        .deliver_official(&NetworkSender::default())
        .unwrap()
        .recorded
        .is_empty());

    // The outbox lives in the database: a restarted desk delivers it.
    f.desk = Desk::open_with(
        f.db_path(),
        Arc::new(f.clock.clone()),
        DeskConfig {
            official: config,
            ..DeskConfig::default()
        },
    )
    .unwrap();
    f.clock.advance(Duration::seconds(30));
    let report = f.desk.deliver_official(&NetworkSender::default()).unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    let EventBody::OfficialNotificationDelivered(delivered) = &report.recorded[0].body else {
        panic!("expected a delivery, got {:?}", report.recorded);
    };
    assert_eq!(delivered.attempt, 2);
    assert_eq!(report.next_attempt_at, None);
    assert!(f.desk.undelivered_official().unwrap().is_empty());
    let timeline = f.desk.ticket_detail(&key).unwrap().timeline;
    assert!(timeline
        .iter()
        .any(|entry| entry.title.contains("notification delivered (attempt 2)")));
    server.join().unwrap();
}

#[test]
fn an_undeliverable_notification_is_given_up_after_a_day_and_stays_listed() {
    // Nothing listens on this port.
    let url = format!("http://127.0.0.1:{}/hooks/official", free_port());
    let mut f = with_official(webhook(url, WebhookKind::Teams));
    let key = p1(&mut f);
    let cursor = f.desk.notifier_cursor().unwrap();
    let queued_at = f.desk.now();
    let mut delays = Vec::new();
    let mut attempts = 0;
    loop {
        let before = f.desk.now();
        let report = f.desk.deliver_official(&NetworkSender::default()).unwrap();
        assert_eq!(report.failed, 1, "{report:?}");
        attempts += 1;
        match report.next_attempt_at {
            Some(next) => {
                delays.push((next - before).num_minutes());
                f.clock.set(next);
            }
            None => {
                assert_eq!(report.given_up, 1);
                break;
            }
        }
        assert!(attempts < 100, "never given up");
    }
    assert_eq!(delays[..5], [1, 5, 15, 60, 60]);
    assert!(f.desk.now() <= queued_at + Duration::hours(24));

    let listed = f.desk.undelivered_official().unwrap();
    assert_eq!(listed.len(), 1, "a given-up notification stays listed");
    assert_eq!(listed[0].state, DeliveryState::GivenUp);
    assert_eq!(listed[0].attempts, attempts);
    assert_eq!(listed[0].next_attempt_at, None);
    assert!(listed[0].last_error.is_some());
    let timeline = f.desk.ticket_detail(&key).unwrap().timeline;
    assert!(timeline
        .iter()
        .any(|entry| entry.title.contains("NOT delivered: given up")));

    // The desk is told twice, not at every retry: at the first failure and
    // when it gives up (SOP §6 Step 4: never lost silently).
    let (alerts, _) = f.desk.alerts_after(cursor, 500).unwrap();
    let failed: Vec<&str> = alerts
        .iter()
        .filter(|alert| alert.kind == AlertKind::OfficialDeliveryFailed)
        .map(|alert| alert.summary.as_str())
        .collect();
    assert_eq!(
        failed,
        [
            format!("Management notification failed · {key}"),
            format!("Management not notified · {key}"),
        ]
    );
    let given_up = alerts
        .iter()
        .rfind(|alert| alert.kind == AlertKind::OfficialDeliveryFailed)
        .unwrap();
    assert!(given_up.body.contains("webhook: POST"), "{}", given_up.body);
    assert!(
        given_up
            .body
            .contains(&format!("given up after {attempts} attempts")),
        "{}",
        given_up.body
    );
    f.clock.advance(Duration::hours(2));
    assert!(f
        .desk
        .deliver_official(&NetworkSender::default())
        .unwrap()
        .recorded
        .is_empty());
}

#[test]
fn official_toml_is_read_beside_the_database_and_errors_name_the_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("escalator.db");
    let file = dir.path().join("official.toml");

    // No file: no channels.
    let config = DeskConfig::for_database(&database).unwrap();
    assert!(config.official.channels().is_empty());

    std::fs::write(
        &file,
        r#"
[email]
host = "smtp.example.com"
tls = "starttls"
from = "escalator@example.com"
to = ["duty-manager@example.com", "cto@example.com"]
username = "escalator@example.com"
password_env = "ESCALATOR_SMTP_PASSWORD"

[webhook]
url = "https://hooks.slack.com/services/T000/B000/XXXX"
kind = "slack"
"#,
    )
    .unwrap();
    let official = DeskConfig::for_database(&database).unwrap().official;
    let email = official.email.as_ref().unwrap();
    assert_eq!(email.server().port(), 587);
    assert_eq!(email.to.len(), 2);
    assert_eq!(official.webhook.as_ref().unwrap().kind, WebhookKind::Slack);
    assert_eq!(
        official.channels(),
        [OfficialChannel::Email, OfficialChannel::Webhook]
    );

    for (text, key) in [
        (
            "[email]\nhost = \"h\"\ntls = \"ssl\"\nfrom = \"a@b.c\"\nto = [\"d@e.f\"]\n",
            "email.tls",
        ),
        (
            "[email]\nhost = \"h\"\nfrom = \"a@b.c\"\nto = []\n",
            "email.to",
        ),
        (
            "[email]\nhost = \"h\"\nfrom = \"not an address\"\nto = [\"d@e.f\"]\n",
            "email.from",
        ),
        (
            "[webhook]\nurl = \"ftp://x\"\nkind = \"slack\"\n",
            "webhook.url",
        ),
        (
            "[webhook]\nurl = \"https://x.example\"\nkind = \"irc\"\n",
            "webhook.kind",
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        match DeskConfig::for_database(&database) {
            Err(Error::InvalidInput { field, message }) => {
                assert_eq!(field, key, "{message}");
                assert!(message.contains("official.toml"), "{message}");
            }
            other => panic!("expected an error on {key}, got {other:?}"),
        }
    }
}

/// Records what it is asked to send; never touches the network.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(String, String)>>);

impl escalator_core::official::Sender for Recorder {
    fn send_email(&self, _: &EmailChannel, subject: &str, text: &str) -> Result<(), String> {
        self.0.lock().unwrap().push((subject.into(), text.into()));
        Ok(())
    }

    fn post_webhook(&self, _: &str, json: &serde_json::Value) -> Result<(), String> {
        Err(format!("unexpected webhook {json}"))
    }
}

#[test]
fn the_sla_monitors_management_raise_is_notified_officially_too() {
    // SOP §5.3: a P2 about to breach is raised to management by the monitor.
    let mut f = with_official(OfficialConfig {
        email: Some(EmailChannel {
            host: "127.0.0.1".into(),
            port: None,
            tls: SmtpTls::None,
            from: "escalator@support.example".into(),
            to: vec!["duty-manager@support.example".into()],
            username: None,
            password_env: None,
        }),
        ..OfficialConfig::default()
    });
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    assert!(f.desk.official_deliveries(&key).unwrap().is_empty());
    f.clock.advance(Duration::minutes(91));
    let sweep = f.desk.sweep_sla().unwrap();
    let kinds: Vec<&str> = sweep.recorded.iter().map(|e| e.body.kind()).collect();
    assert!(kinds.contains(&"ManagementEscalated"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"OfficialNotificationQueued"));

    let recorder = Recorder::default();
    let report = f.desk.deliver_official(&recorder).unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    let sent = recorder.0.into_inner().unwrap();
    let (subject, text) = &sent[0];
    assert_eq!(
        subject,
        &format!("[Escalator] Management escalation {key} · Acme Corp")
    );
    assert!(text.contains("Priority: P2"), "{text}");
    assert!(text.contains(&format!("Impact: {IMPACT}")), "{text}");
    assert!(
        text.contains("Raised by: Escalator's SLA monitor (SOP §5.3)"),
        "{text}"
    );
}
