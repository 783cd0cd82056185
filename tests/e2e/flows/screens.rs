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

    // The SOP §13 review of this month, with its charts.
    click_for(&window, "#open-review", "#review-month");
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    window.execute(
        "const input = document.querySelector('#review-month');
         input.value = arguments[0];
         input.dispatchEvent(new Event('input', { bubbles: true }));
         input.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![serde_json::json!(this_month)],
    );
    window.wait_for(
        "section[data-section='escalations'] svg.chart rect.bar",
        WAIT,
    );
    window.settle();
    window.screenshot("monthly-review");
    window.click(".dialog .close");

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
