//! The whole SOP in the window: a profile, a ticket, an escalation refused
//! for missing documentation, fixed and escalated at P1, then L2 and L1 take
//! turns until the ticket closes (SOP §6, §9, §10).

use super::*;

#[test]
fn a_ticket_goes_from_intake_to_closure_by_the_sop() {
    let window = AppWindow::launch();

    // First run: Ana creates her L1 profile.
    create_profile(&window, "Ana Lopez", "l1", None);
    window.wait_for_text(".sidebar .who strong", "Ana Lopez", WAIT);

    // L1 intake.
    window.click("#new-ticket");
    window.type_text("#customer", "Acme Corp");
    window.type_text("#summary", "Checkout API returns 500 errors");
    choose(&window, "#priority", "P1");
    window.type_text("#impact", "All web checkouts fail");
    window.screenshot("new-ticket");
    window.click("#new-ticket-submit");
    wait_for_status(&window, "ESC-1", "open");
    assert_eq!(
        content(&window, ".row[data-key='ESC-1'] .summary"),
        "Checkout API returns 500 errors"
    );

    // The escalation wizard: steps 1 and 3 filled, documentation missing.
    click_for(&window, "[data-action='escalate']", "#wizard-submit");
    tick(&window, "#troubleshooting_complete");
    tick(&window, "#cannot_resolve_at_l1");
    tick(
        &window,
        "input[name='criterion'][value='business_critical']",
    );
    window.wait_for("[data-check='confirm'][data-ok='true']", WAIT);
    window.wait_for("[data-check='criteria'][data-ok='true']", WAIT);
    assign_software(&window);
    window.wait_for("[data-check='routing'][data-ok='true']", WAIT);
    window.wait_for("[data-check='documentation'][data-ok='false']", WAIT);

    // Submitting anyway is refused, with the clause shown beside the problem.
    window.click("#wizard-submit");
    window.wait_for_text(".toast", "Refused by the SOP · validation", WAIT);
    let why = window.text("[data-check='documentation'] .why[data-rule='SOP-6.2-logs']");
    assert_eq!(
        why,
        "Attach at least one log, screenshot or diagnostic report"
    );
    assert!(window
        .text("[data-check='documentation']")
        .contains("§6 Step 2"));
    click_for(&window, "[data-step='document']", "#steps_to_reproduce");
    window.wait_for_text("[data-field='attachments'] .violation", "§6 Step 2", WAIT);
    window.screenshot("escalation-refused");
    let refused = invoke(&window, "get_ticket", json!({ "ticket": "ESC-1" }));
    assert_eq!(
        refused["ticket"]["status"], "open",
        "nothing changed but the refusal record"
    );
    assert!(refused["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "EscalationRefused"));

    // Fix the documentation in the wizard (the log arrives as from the file dialog).
    window.type_text(
        "#steps_to_reproduce",
        "1. Add an item to the cart\n2. Pay by card",
    );
    window.type_text("#environment", "Web shop 4.2.1, EU region");
    attach_log(
        &window,
        "ESC-1",
        "gateway.log",
        "2026-03-02T09:01:12Z ERROR 500 POST /checkout",
    );
    window.type_text("#troubleshooting", "Restarted the payment worker");
    window.type_text("#troubleshooting-outcome", "No change");
    window.click("#add-troubleshooting");
    window.wait_for("[data-check='documentation'][data-ok='true']", WAIT);
    window.wait_for_text("[data-field='attachments'] .done", "gateway.log", WAIT);

    // Everything is in place: escalate at P1.
    click_for(&window, "[data-step='notify']", ".mail");
    window.wait_for_text(".mail", "Management (official channel)", WAIT);
    window.wait_for_text("#wizard-submit", "Escalate", WAIT);
    window.click("#wizard-submit");
    wait_for_status(&window, "ESC-1", "escalated");
    window.wait_for_text("article.ticket .chip.mgmt", "Management", WAIT);
    window.wait_for_text(".timeline", "Escalated to the Software team (P1", WAIT);

    // Sam, L2 Software, acknowledges and asks for information.
    window.click("#profile-menu");
    window.click("#switch-profile");
    create_profile(&window, "Sam Ito", "l2", Some("software"));
    window.wait_for("[data-queue='waiting_on_me'][aria-current='page']", WAIT);
    select_ticket(&window, "ESC-1");
    window.click("[data-action='acknowledge']");
    wait_for_status(&window, "ESC-1", "investigating");
    window.click("[data-action='request_info']");
    window.type_text("#prompt-question", "Which payment provider and region?");
    window.click("#prompt-submit");
    wait_for_status(&window, "ESC-1", "awaiting_info");

    // Ana sees the question and answers it.
    switch_to(&window, "ana");
    select_ticket(&window, "ESC-1");
    window.wait_for_text(".banner", "Which payment provider and region?", WAIT);
    window.click("[data-action='provide_info']");
    window.type_text("#prompt-answer", "Stripe, EU account only");
    window.click("#prompt-submit");
    wait_for_status(&window, "ESC-1", "investigating");

    // Sam proposes the resolution.
    switch_to(&window, "sam");
    select_ticket(&window, "ESC-1");
    window.click("[data-action='propose']");
    window.type_text("#prompt-summary", "Rolled back the gateway configuration");
    window.click("#prompt-submit");
    wait_for_status(&window, "ESC-1", "resolution_proposed");
    assert_eq!(
        window.count("[data-action='closure']"),
        0,
        "L2 cannot close (SOP §9)"
    );

    // Ana closes through SOP §10: validate, confirm, notes, close.
    switch_to(&window, "ana");
    select_ticket(&window, "ESC-1");
    window.click("[data-action='closure']");
    window.type_text("#closure-note", "Test payment passes");
    window.click("#closure-next");
    window.wait_for("li.done[data-step='validate']", WAIT);
    window.type_text("#closure-note", "Customer confirmed by phone");
    window.click("#closure-next");
    window.wait_for("li.done[data-step='confirm']", WAIT);
    window.type_text(
        "#resolution-notes",
        "Gateway config rollback; change 8812 reverted",
    );
    window.click("#closure-next");
    window.wait_for("li.current[data-step='finish']", WAIT);
    window.screenshot("closure");
    window.click("#closure-next");
    wait_for_status(&window, "ESC-1", "closed");
    window.wait_for_text(".timeline", "Closed the ticket", WAIT);
    window.screenshot("ticket-closed");

    // The audit trail holds every step and verifies.
    let detail = invoke(&window, "get_ticket", json!({ "ticket": "ESC-1" }));
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "EscalationRefused",
        "Escalated",
        "ManagementEscalated",
        "Acknowledged",
        "InfoRequested",
        "InfoProvided",
        "ResolutionProposed",
        "FixValidated",
        "CustomerConfirmed",
        "ResolutionNotesWritten",
        "Closed",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let verify = invoke(&window, "verify_audit_chain", json!({}));
    assert_eq!(verify["breaks"], json!([]));
}

#[test]
fn a_major_outage_escalates_at_once_with_what_is_known() {
    let window = AppWindow::launch();
    create_profile(&window, "Ana Lopez", "l1", None);
    window.click("#new-ticket");
    window.type_text("#customer", "Northwind Health");
    window.type_text("#summary", "Every hospital dashboard is down");
    choose(&window, "#priority", "P1");
    window.type_text("#impact", "No clinician can see live vitals");
    window.click("#new-ticket-submit");
    wait_for_status(&window, "ESC-1", "open");

    click_for(&window, "[data-action='escalate']", "#wizard-submit");
    tick(
        &window,
        "input[name='criterion'][value='business_critical']",
    );
    assign_software(&window);
    click_for(&window, "[data-step='notify']", ".mail");
    window.wait_for("[data-check='documentation'][data-ok='false']", WAIT);
    window.click("#exception-outage");
    window.type_text(
        "#outage_description",
        "All dashboards return 502 since 09:02",
    );
    // The exception waives the documentation and the L1 timeline, visibly.
    window.wait_for("[data-check='documentation'][data-ok='true']", WAIT);
    window.wait_for("[data-check='confirm'][data-ok='true']", WAIT);
    window.screenshot("major-outage");
    window.click("#wizard-submit");
    wait_for_status(&window, "ESC-1", "escalated");
    window.wait_for_text(
        "article.ticket .chip.exception",
        "Major outage exception",
        WAIT,
    );
    window.wait_for_text(".timeline", "under the major outage exception", WAIT);

    let ticket = &invoke(&window, "get_ticket", json!({ "ticket": "ESC-1" }))["ticket"];
    assert_eq!(ticket["exceptions"][0]["kind"], "major_outage");
    assert_eq!(
        ticket["exceptions"][0]["reason"],
        "All dashboards return 502 since 09:02"
    );
    assert!(ticket["exceptions"][0]["waived_rules"]
        .as_array()
        .unwrap()
        .contains(&json!("SOP-6.2-logs")));
}
