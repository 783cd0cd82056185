//! SOP §7 in the window: a customer update that names an internal host is
//! blocked, with the host highlighted, and goes out once the owner edits it
//! out. The update lands in the ticket's customer-communication log. With a
//! mail server configured, "Send e-mail" delivers it over SMTP (a real
//! aiosmtpd on loopback) before it is recorded.

use super::smtp_sink::SmtpSink;
use super::*;

#[test]
fn a_customer_update_naming_an_internal_host_is_blocked_until_edited() {
    let window = AppWindow::launch();
    create_profile(&window, "Ana Lopez", "l1", None);
    let key = escalated_in_background(
        &window,
        "Acme Corp",
        "Checkout API returns 500 errors",
        "P2",
    );
    window.click("[data-queue='mine']");
    select_ticket(&window, &key);

    click_for(&window, "[data-action='customer_update']", "#message-body");
    window.replace_text(
        "#message-body",
        "Hello, we restarted db-prod-03.internal and payments work again.",
    );
    let flagged = window.wait_for_text(
        "#message-preview mark.leak[data-kind='hostname']",
        "db-prod-03.internal",
        WAIT,
    );
    assert_eq!(flagged, "db-prod-03.internal");
    window.wait_for("#leak-findings li[data-kind='hostname']", WAIT);
    assert_eq!(
        window.count("button.send-message[data-channel='email']:disabled"),
        1,
        "sending is blocked while the message leaks"
    );
    window.settle();
    window.screenshot("customer-update-blocked");

    // The backend refuses it too, whatever the page does.
    let refused = window
        .invoke(
            "send_customer_message",
            json!({ "ticket": key, "channel": "email", "to": "", "subject": "Update",
                    "body": "We restarted db-prod-03.internal.", "leakOverride": null }),
        )
        .expect_err("a leaking message is refused");
    assert_eq!(refused["violations"][0]["rule"], "SOP-7-leak", "{refused}");

    window.replace_text(
        "#message-body",
        "Hello, we restarted the payment database and payments work again.",
    );
    window.wait_for("#leak-clear", WAIT);
    click_for(
        &window,
        "button.send-message[data-channel='email']:not(:disabled)",
        ".toast.ok",
    );
    window.wait_for_text(".toast.ok", "Customer update sent", WAIT);
    let detail = invoke(&window, "get_ticket", json!({ "ticket": key }));
    let updates = detail["ticket"]["customer_updates"]
        .as_array()
        .expect("the communication log");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["channel"], "email");
    assert_eq!(
        updates[0]["body"],
        "Hello, we restarted the payment database and payments work again."
    );
}

#[test]
fn a_customer_update_is_e_mailed_through_the_desks_mail_server() {
    let sink = SmtpSink::start();
    let port = sink.port;
    let window = AppWindow::launch_with(|database| {
        let mail = format!(
            "from = \"Example Support <support@desk.example>\"\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"
        );
        std::fs::write(database.with_file_name("mail.toml"), mail).expect("write mail.toml");
    });
    create_profile(&window, "Ana Lopez", "l1", None);
    let key = escalated_in_background(
        &window,
        "Acme Corp",
        "Checkout API returns 500 errors",
        "P2",
    );
    window.click("[data-queue='mine']");
    select_ticket(&window, &key);

    click_for(&window, "[data-action='customer_update']", "#message-body");
    window.wait_for("button.send-message[data-channel='smtp']", WAIT);
    window.replace_text("#message-to", "ops@acme.example");
    window.replace_text("#message-subject", "Update on your checkout issue");
    let update =
        "Hello, our engineers found the cause of the failed payments and are testing a fix.";
    window.replace_text("#message-body", update);
    window.wait_for("#leak-clear", WAIT);
    window.settle();
    window.screenshot("customer-email");
    click_for(
        &window,
        "button.send-message[data-channel='smtp']:not(:disabled)",
        ".toast.ok",
    );
    window.wait_for_text(".toast.ok", "Customer update e-mailed", WAIT);

    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let mail = &messages[0];
    assert_eq!(mail["rcpt_tos"], json!(["ops@acme.example"]));
    assert_eq!(mail["from"], "Example Support <support@desk.example>");
    assert_eq!(
        mail["subject"],
        format!("Update on your checkout issue [{key}]")
    );
    assert_eq!(mail["ticket"], key.as_str());
    assert_eq!(mail["body"].as_str().map(str::trim), Some(update));

    let entry = window.wait_for_text(
        ".timeline li[data-kind='CustomerUpdateSent']",
        "E-mailed the customer (ops@acme.example)",
        WAIT,
    );
    assert!(entry.contains(update), "{entry}");
    let detail = invoke(&window, "get_ticket", json!({ "ticket": key }));
    assert_eq!(detail["ticket"]["customer_updates"][0]["channel"], "smtp");

    // Settings shows the server from mail.toml, read-only for an L1.
    click_for(&window, "#open-settings", "#settings-mail");
    window.wait_for("#mail-lead-only", WAIT);
    let value = |selector: &str| {
        window.execute(
            "return document.querySelector(arguments[0]).value;",
            vec![json!(selector)],
        )
    };
    assert_eq!(value("#mail-smtp-host"), "127.0.0.1");
    assert_eq!(value("#mail-smtp-port"), port.to_string());
    assert_eq!(
        value("#mail-from"),
        "Example Support <support@desk.example>"
    );
    window.execute(
        "document.querySelector('#settings-mail').scrollIntoView();",
        vec![],
    );
    window.settle();
    window.screenshot("customer-email-settings");
}
