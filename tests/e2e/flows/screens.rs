//! The README's screenshots, taken from the real window with the demo desk:
//! the queue, the escalation wizard with violations, a ticket's timeline and
//! the closure. They land in target/e2e-screenshots/.

use super::*;

#[test]
fn the_demo_desk_screens() {
    let window = AppWindow::launch();
    window.click("#load-demo");
    window.wait_for_text(".toast", "Demo desk loaded", Duration::from_secs(60));
    window.click(".toast button");
    window.click(".person[data-handle='ana']");
    window.wait_for("#profile-menu", WAIT);
    window.wait_for(".row[data-key]", WAIT);
    let total: u64 = window
        .text(".list .total")
        .replace(',', "")
        .parse()
        .expect("a count");
    assert!(total >= 5, "Ana owns several demo tickets, found {total}");
    window.screenshot("queue");

    // A ticket waiting on Ana to close: its timeline.
    window.click("[data-queue='waiting_on_me']");
    window.click(".row:has(.status.fix_validated)");
    window.wait_for("article.ticket[data-status='fix_validated']", WAIT);
    window.wait_for(".timeline li", WAIT);
    window.screenshot("ticket-timeline");
    window.click("[data-action='closure']");
    window.wait_for("li.current[data-step='confirm']", WAIT);
    window.screenshot("closure-wizard");
    window.click(".dialog .close");

    // A ticket still at intake: the wizard lists what the SOP still needs.
    window.click("[data-queue='mine']");
    window.click(".row:has(.status.open)");
    window.wait_for("article.ticket[data-status='open']", WAIT);
    click_for(&window, "[data-action='escalate']", "#wizard-submit");
    window.wait_for("[data-check='documentation'][data-ok='false']", WAIT);
    tick(
        &window,
        "input[name='criterion'][value='business_critical']",
    );
    click_for(&window, "[data-step='document']", "#steps_to_reproduce");
    window.wait_for("[data-field='attachments'] .violation", WAIT);
    window.screenshot("escalation-wizard");
}

use std::time::Duration;
