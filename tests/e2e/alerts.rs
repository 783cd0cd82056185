//! SLA alerts as people receive them: a real notification server (dunst on
//! the run's private bus) shows what the app's scheduler raised, and the
//! tray host sees the icon's label and menu follow the desk's counts.
//!
//! The desk is prepared before the app starts, with a clock set 35 minutes
//! back: a P1 escalated then has passed its 30-minute L2 acknowledgement
//! target (SOP §6 Step 5) when the app comes up. P1 runs 24x7, so quiet
//! hours never hold these alerts back, whatever the time of the test run.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use escalator_core::commands::{EscalationRequest, NewTicket};
use escalator_core::domain::{
    AttachmentKind, Category, Criterion, EscalationReason, EscalationType, Priority, Role, Team,
};
use escalator_core::{Command, Desk, DeskConfig, ManualClock};
use serde_json::json;

use crate::harness::{AppWindow, MenuEntry, WAIT};

/// How long the scheduler's first round, dunst and the tray may take.
const ALERT_WAIT: Duration = Duration::from_secs(30);

/// ESC-1: a P1 for Globex, escalated 35 minutes ago and not acknowledged.
fn unacknowledged_p1(database: &Path) {
    let clock = ManualClock::new(Utc::now() - chrono::Duration::minutes(35));
    let mut desk = Desk::open_with(database, Arc::new(clock), DeskConfig::default())
        .expect("a desk to prepare");
    desk.add_user("ana", "Ana Lopez", Role::L1Engineer, None)
        .unwrap();
    desk.add_user("sam", "Sam Ito", Role::L2Engineer, Some(Team::Software))
        .unwrap();
    let key = desk
        .open_ticket(
            "ana",
            NewTicket {
                customer: "Globex".into(),
                summary: "Payments fail for every card".into(),
                priority: Some(Priority::P1),
                product: "Checkout".into(),
                impact: "No customer can pay".into(),
                steps_to_reproduce: "Pay with any card".into(),
                environment: "Web shop 4.2.1, EU".into(),
                ..NewTicket::default()
            },
        )
        .unwrap()
        .ticket
        .key;
    desk.execute(
        "ana",
        &key,
        Command::RecordTroubleshooting {
            action: "Retried with three cards".into(),
            outcome: "All fail with error 500".into(),
        },
    )
    .unwrap();
    let log = database.with_file_name("gateway.log");
    std::fs::write(&log, "ERROR 500 POST /checkout").unwrap();
    desk.attach_file("ana", &key, &log, AttachmentKind::Log)
        .unwrap();
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Software),
        criteria: vec![Criterion::BeyondL1Capability],
        reasons: vec![EscalationReason::CrashOrBackendFailure],
        category: Some(Category::Software),
        team: Some(Team::Software),
        priority: Some(Priority::P1),
        troubleshooting_complete: true,
        cannot_resolve_at_l1: true,
        ..EscalationRequest::default()
    };
    desk.execute("ana", &key, Command::Escalate(request))
        .unwrap();
}

fn labels(menu: &[MenuEntry]) -> Vec<&str> {
    menu.iter()
        .filter(|entry| entry.visible && !entry.separator)
        .map(|entry| entry.label.as_str())
        .collect()
}

#[test]
fn a_missed_acknowledgement_notifies_and_the_tray_follows_the_counts() {
    let window = AppWindow::launch_with(unacknowledged_p1);

    // Clicking the notification opens the ticket in the window.
    window.click(".person[data-handle='ana']");
    window.wait_for("#profile-menu", WAIT);
    window
        .notifications()
        .click_displayed(ALERT_WAIT)
        .unwrap_or_else(|err| panic!("e2e: {err}"));
    window.wait_for("article.ticket[data-key='ESC-1']", WAIT);

    // The notification server received the follow-up, worded for people.
    let shown = window
        .notifications()
        .wait_for(
            |shown| shown.summary == "L2 follow-up due · ESC-1",
            ALERT_WAIT,
        )
        .unwrap_or_else(|err| panic!("e2e: {err}"));
    assert_eq!(shown.app_name, "Escalator");
    assert!(
        shown
            .body
            .starts_with("Globex · P1 L2 acknowledgement was due ")
            && shown.body.ends_with(" ago)"),
        "the body names the customer, priority, target and time: {:?}",
        shown.body
    );
    let history = window.notifications().history().unwrap();
    let follow_ups = history
        .iter()
        .filter(|shown| shown.summary.contains("ESC-1") && shown.summary.contains("follow-up"))
        .count();
    assert_eq!(
        follow_ups, 1,
        "one notification for four thresholds: {history:#?}"
    );

    // The tray shows the breach: label, summary line, and the ticket.
    let item = window
        .tray()
        .wait_for_item(ALERT_WAIT)
        .unwrap_or_else(|err| panic!("e2e: {err}"));
    let menu = item
        .wait_for_menu(|menu| labels(menu).contains(&"1 breached"), ALERT_WAIT)
        .unwrap_or_else(|err| panic!("e2e: {err}"));
    assert_eq!(
        item.property_string("XAyatanaLabel").as_deref(),
        Ok("1 breached")
    );
    let urgent = labels(&menu)
        .into_iter()
        .find(|label| label.starts_with("ESC-1 · Globex · P1 · "))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("the tray lists ESC-1: {:?}", labels(&menu)));
    assert!(urgent.contains("was due"), "{urgent}");
    let breached_icon = item.icon_name().unwrap();

    // L2 acknowledges: the acknowledgement clock stops, the desk is calm
    // again, and the tray says so without a restart.
    window
        .invoke("sign_in", json!({ "handle": "sam" }))
        .unwrap();
    window
        .invoke(
            "execute_command",
            json!({ "ticket": "ESC-1", "command": { "type": "acknowledge" } }),
        )
        .unwrap_or_else(|err| panic!("e2e: acknowledge: {err}"));
    item.wait_for_menu(|menu| labels(menu).contains(&"No SLA alerts"), ALERT_WAIT)
        .unwrap_or_else(|err| panic!("e2e: {err}"));
    assert_eq!(item.property_string("XAyatanaLabel").as_deref(), Ok(""));
    assert_ne!(
        item.icon_name().unwrap(),
        breached_icon,
        "the icon changed back"
    );
}
