//! SOP §11 in the window: the duplicate check runs before submit, blocks the
//! escalation, and linking to the open escalation lets it through.

use super::*;

#[test]
fn a_duplicate_is_blocked_before_submit_and_then_linked() {
    let window = AppWindow::launch();
    create_profile(&window, "Ana Lopez", "l1", None);
    let first = escalated_in_background(
        &window,
        "Acme Corp",
        "Checkout API returns 500 errors",
        "P2",
    );
    let opened = invoke(
        &window,
        "open_ticket",
        json!({ "ticket": { "customer": "ACME Corp", "summary": "Checkout API returning HTTP 500 error", "priority": "P2", "impact": "Some payments fail" } }),
    );
    let second = opened["ticket"]["key"].as_str().unwrap().to_string();
    document_in_background(&window, &second);

    // Tickets made in the background show after the next refresh, as on a shared desk.
    switch_to(&window, "ana");
    select_ticket(&window, &second);
    click_for(&window, "[data-action='escalate']", "#wizard-submit");
    tick(&window, "#troubleshooting_complete");
    tick(&window, "#cannot_resolve_at_l1");
    tick(
        &window,
        "input[name='criterion'][value='repeated_occurrence']",
    );
    assign_software(&window);
    click_for(&window, "[data-step='notify']", ".mail");

    // Before submitting, the wizard already names the open escalation.
    window.wait_for_text(
        &format!("[data-link='{first}']"),
        "Link to the existing escalation",
        WAIT,
    );
    window.wait_for(
        "[data-check='duplicates'][data-ok='false'] .why[data-rule='SOP-11-duplicate']",
        WAIT,
    );
    window.screenshot("duplicate-found");

    // Submitting is blocked by §11.
    window.click("#wizard-submit");
    window.wait_for_text(".toast", "Refused by the SOP · validation", WAIT);
    assert_eq!(
        invoke(&window, "get_ticket", json!({ "ticket": second }))["ticket"]["status"],
        "open"
    );

    // Linking to the existing escalation lets it through.
    window.click(&format!("[data-link='{first}']"));
    window.wait_for("[data-check='duplicates'][data-ok='true']", WAIT);
    window.click("#wizard-submit");
    wait_for_status(&window, &second, "escalated");
    let linked = invoke(&window, "get_ticket", json!({ "ticket": second }));
    let first_id =
        invoke(&window, "get_ticket", json!({ "ticket": first }))["ticket"]["id"].clone();
    assert_eq!(linked["ticket"]["linked_to"], json!([first_id]));
}
