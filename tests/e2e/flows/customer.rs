//! SOP §7 in the window: a customer update that names an internal host is
//! blocked, with the host highlighted, and goes out once the owner edits it
//! out. The update lands in the ticket's customer-communication log.

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
            json!({ "ticket": key, "channel": "email", "subject": "Update",
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
