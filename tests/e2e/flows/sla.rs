//! The SLA in the window: a ticket's clocks explain their deadlines, waiting
//! on the customer pauses the clocks it should and not the first response,
//! and an L3 lead edits a target, where a mistake names its field.

use super::*;

/// The state chip of `key`'s clock for `target`, in the open ticket.
fn clock(target: &str, state: &str) -> String {
    format!("li.clock[data-target='{target}'] .clock-state[data-state='{state}']")
}

#[test]
fn clocks_explain_themselves_and_waiting_on_the_customer_pauses_them() {
    let window = AppWindow::launch();
    create_profile(&window, "Ana Lopez", "l1", None);
    let key = escalated_in_background(
        &window,
        "Acme Corp",
        "Checkout API returns 500 errors",
        "P1",
    );
    window.click("[data-queue='mine']");
    select_ticket(&window, &key);
    window.wait_for(&clock("acknowledge", "running"), WAIT);
    window.wait_for(&clock("escalate", "met"), WAIT);

    // "Why this deadline?" is the backend's own explanation.
    window.click("li.clock[data-target='resolve'] details > summary");
    let explanation = window.text("li.clock[data-target='resolve'] pre.explanation");
    assert!(
        explanation.contains("policy standard-p1") && explanation.contains("24x7"),
        "{explanation}"
    );
    window.execute(
        "document.querySelector(\"section[aria-label='SLA clocks']\").scrollIntoView();",
        vec![],
    );
    window.settle();
    window.screenshot("sla-clocks");

    // SOP §7: the team waits on the customer.
    click_for(
        &window,
        "[data-action='wait_on_customer']",
        "#prompt-reason",
    );
    window.type_text(
        "#prompt-reason",
        "Asked for the HAR file of a failed payment",
    );
    window.click("#prompt-submit");
    window.wait_for_text("#waiting-banner", "HAR file", WAIT);
    window.wait_for(&clock("resolve", "paused"), WAIT);
    window.wait_for(&clock("customer_update", "paused"), WAIT);
    // The acknowledgement is L2's first response: it never pauses.
    window.wait_for(&clock("acknowledge", "running"), WAIT);

    click_for(
        &window,
        "[data-action='customer_responded']",
        "#prompt-submit",
    );
    window.click("#prompt-submit");
    window.wait_until_gone("#waiting-banner", WAIT);
    window.wait_for(&clock("resolve", "running"), WAIT);

    // Only an L3 lead changes SLA policies (SOP §3).
    click_for(&window, "#open-settings", "#settings-sla");
    window.wait_for("#sla-lead-only", WAIT);
    assert_eq!(window.count("button.save-sla:disabled"), 1);
}

#[test]
fn an_l3_lead_changes_an_sla_target_and_a_mistake_names_its_field() {
    let window = AppWindow::launch();
    create_profile(&window, "Lee Park", "l3", None);
    click_for(&window, "#open-settings", "#settings-sla");
    window.wait_for("#sla-P2-acknowledge_within", WAIT);

    window.replace_text("#sla-P2-acknowledge_within", "two hours");
    window.click("button.save-sla");
    window.wait_for_text(
        "#sla-error",
        "policies.standard-p2.acknowledge_within",
        WAIT,
    );
    window.wait_for("#sla-P2-acknowledge_within[aria-invalid='true']", WAIT);
    let unchanged = invoke(&window, "get_sla_settings", json!({}));
    assert_eq!(
        unchanged["settings"]["policies"][1]["acknowledge_within"],
        "2h"
    );

    window.replace_text("#sla-P2-acknowledge_within", "1h30m");
    window.click("button.save-sla");
    window.wait_for_text(".toast.ok", "SLA policies saved", WAIT);
    let saved = invoke(&window, "get_sla_settings", json!({}));
    assert_eq!(
        saved["settings"]["policies"][1]["acknowledge_within"],
        "1h30m"
    );
    let file = saved["file"].as_str().expect("the file's path").to_string();
    let text = std::fs::read_to_string(&file).expect("the SLA file was written");
    assert!(text.contains("acknowledge_within = \"1h30m\""), "{text}");
    window.settle();
    window.screenshot("sla-settings");

    // Pausing notifications is kept for the next start.
    tick(&window, "#notifications-paused");
    let alerts = invoke(&window, "get_alert_settings", json!({}));
    assert_eq!(alerts["paused"], json!(true));
}
