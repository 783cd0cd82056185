//! A ticket's SLA clocks read off its events, and the sweep that records
//! warnings and breaches: through the real desk on a real SQLite file.
//!
//! The fixture's clock starts on Monday 2 March 2026 at 09:00 UTC (10:00 in
//! Berlin). A P2 runs on Berlin business hours (Mon–Fri 09:00–17:00):
//! acknowledgement within 2h, customer update every 4h, resolution within
//! 24h of business time; warnings at 75 %, 90 % and 15 minutes before.

use crate::support::{escalate, software, Fixture, ANA, LEE, SAM};
use chrono::{DateTime, Duration, TimeZone, Utc};
use escalator_core::alerts::{collapse, AlertKind};
use escalator_core::domain::{CommunicationChannel, Priority, Queue};
use escalator_core::sla::{ClockState, ClockView, SlaConfig, Target};
use escalator_core::store::TicketQuery;
use escalator_core::{Command, Desk, DeskConfig, EventBody, ManualClock};
use std::sync::Arc;

fn utc(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, minute, 0).unwrap()
}

fn clock_of(fixture: &Fixture, key: &str, target: Target) -> ClockView {
    fixture
        .desk
        .clocks(key)
        .unwrap()
        .into_iter()
        .find(|clock| clock.target == target)
        .unwrap_or_else(|| panic!("{key} has no {target} clock"))
}

/// The thresholds recorded on the ticket, as (kind, target, threshold).
fn recorded(fixture: &Fixture, key: &str) -> Vec<(String, Target, String)> {
    fixture
        .desk
        .history(key)
        .unwrap()
        .into_iter()
        .filter_map(|event| match event.body {
            EventBody::SlaWarned(alert) => Some(("warned".into(), alert.target, alert.threshold)),
            EventBody::SlaBreached(alert) => {
                Some(("breached".into(), alert.target, alert.threshold))
            }
            _ => None,
        })
        .collect()
}

fn in_queue(fixture: &Fixture, queue: Queue) -> Vec<String> {
    let query = TicketQuery {
        queue: Some(queue),
        ..TicketQuery::default()
    };
    let page = fixture.desk.tickets(&query, Some(ANA)).unwrap();
    page.items.into_iter().map(|ticket| ticket.key).collect()
}

fn p2_escalated(fixture: &mut Fixture) -> String {
    let key = fixture.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    fixture.clock.set(utc(2, 9, 0));
    key
}

#[test]
fn the_escalation_starts_the_l2_clocks_and_acknowledging_meets_its_target() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);

    let escalate = clock_of(&fixture, &key, Target::Escalate);
    assert_eq!(
        escalate.state,
        ClockState::Met,
        "escalated within 4h of opening"
    );
    let acknowledge = clock_of(&fixture, &key, Target::Acknowledge);
    assert_eq!(acknowledge.state, ClockState::Running);
    assert_eq!(acknowledge.policy, "standard-p2");
    assert_eq!(acknowledge.due, Some(utc(2, 11, 0)), "2 business hours");
    let resolve = clock_of(&fixture, &key, Target::Resolve);
    assert_eq!(
        resolve.due,
        Some(utc(5, 9, 0)),
        "24 business hours = three 8h days, so Thursday 10:00 Berlin"
    );
    assert!(acknowledge.explanation.contains("standard-p2"));

    fixture.clock.set(utc(2, 9, 30));
    fixture.run(SAM, &key, Command::Acknowledge {});
    let acknowledge = clock_of(&fixture, &key, Target::Acknowledge);
    assert_eq!(acknowledge.state, ClockState::Met);
    assert_eq!(acknowledge.stopped, Some(utc(2, 9, 30)));
    assert_eq!(acknowledge.next_checkpoint, None);
}

#[test]
fn waiting_on_the_customer_pauses_resolution_and_updates_but_never_the_first_response() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    fixture.clock.set(utc(2, 9, 10));
    fixture.run(
        ANA,
        &key,
        Command::WaitOnCustomer {
            reason: "Asked for the HAR file of a failed payment".into(),
        },
    );
    assert!(fixture
        .desk
        .ticket(&key)
        .unwrap()
        .ticket
        .waiting_on_customer
        .is_some());
    let paused = clock_of(&fixture, &key, Target::Resolve);
    assert_eq!(paused.state, ClockState::Paused);
    assert_eq!(
        paused.due, None,
        "unknown while the pause goes on, not late"
    );

    fixture.clock.set(utc(2, 10, 10));
    fixture.run(
        ANA,
        &key,
        Command::CustomerResponded {
            note: "HAR file received".into(),
        },
    );
    // The acknowledgement is L2's first response: the pause must not move it.
    assert_eq!(
        clock_of(&fixture, &key, Target::Acknowledge).due,
        Some(utc(2, 11, 0))
    );
    assert_eq!(
        clock_of(&fixture, &key, Target::Resolve).due,
        Some(utc(5, 10, 0))
    );
    assert_eq!(
        clock_of(&fixture, &key, Target::CustomerUpdate).due,
        Some(utc(2, 14, 0)),
        "4h from 09:00 UTC plus the hour paused"
    );

    let refused = fixture.refuse(
        ANA,
        &key,
        Command::CustomerResponded {
            note: String::new(),
        },
    );
    crate::support::assert_rule(&refused, "SOP-6-state", "§6");
    let refused = fixture.refuse(
        SAM,
        &key,
        Command::WaitOnCustomer {
            reason: "Logs".into(),
        },
    );
    crate::support::assert_rule(&refused, "SOP-9-customer-communication", "§9");
}

#[test]
fn l2_waiting_on_l1_pauses_the_resolution_but_the_customer_is_still_owed_updates() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    fixture.run(SAM, &key, Command::Acknowledge {});
    fixture.clock.set(utc(2, 10, 0));
    fixture.run(
        SAM,
        &key,
        Command::RequestInfo {
            question: "Which card brands fail?".into(),
        },
    );
    fixture.clock.set(utc(2, 12, 0));
    fixture.run(
        ANA,
        &key,
        Command::ProvideInfo {
            answer: "Only Amex".into(),
        },
    );
    assert_eq!(
        clock_of(&fixture, &key, Target::Resolve).due,
        Some(utc(5, 11, 0))
    );
    assert_eq!(
        clock_of(&fixture, &key, Target::CustomerUpdate).due,
        Some(utc(2, 13, 0))
    );
}

#[test]
fn each_customer_update_starts_the_next_update_interval() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    fixture.clock.set(utc(2, 12, 0));
    fixture.run(
        ANA,
        &key,
        Command::RecordCustomerUpdate {
            channel: CommunicationChannel::Email,
            body: "We are working on it with our engineers.".into(),
            subject: String::new(),
            leak_override: None,
            email: None,
        },
    );
    let update = clock_of(&fixture, &key, Target::CustomerUpdate);
    assert_eq!(update.cycle, 2);
    assert_eq!(update.start, utc(2, 12, 0));
    assert_eq!(
        update.due,
        Some(utc(2, 16, 0)),
        "13:00 to 17:00 Berlin: due at closing time, not at Tuesday's opening"
    );
}

#[test]
fn a_customer_update_falling_due_lists_the_ticket_as_update_due_until_one_is_sent() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    fixture.clock.set(utc(2, 9, 30));
    fixture.run(SAM, &key, Command::Acknowledge {});
    assert!(in_queue(&fixture, Queue::UpdateDue).is_empty());

    // 10 minutes before the update is due: its 75 %, 90 % and 15-minute
    // warnings are recorded; the acknowledgement was met and the
    // resolution (24h) is far off, so only the update clock is late.
    let due = clock_of(&fixture, &key, Target::CustomerUpdate)
        .due
        .unwrap();
    fixture.clock.set(due - Duration::minutes(10));
    fixture.desk.sweep_sla().unwrap();
    assert_eq!(in_queue(&fixture, Queue::UpdateDue), vec![key.clone()]);
    assert_eq!(in_queue(&fixture, Queue::SlaImminent), vec![key.clone()]);

    // The update starts the next interval: nothing is owed any more.
    fixture.run(
        ANA,
        &key,
        Command::RecordCustomerUpdate {
            channel: CommunicationChannel::Phone,
            body: "Our engineers found the cause and are testing a fix.".into(),
            subject: String::new(),
            leak_override: None,
            email: None,
        },
    );
    assert!(in_queue(&fixture, Queue::UpdateDue).is_empty());
    assert!(in_queue(&fixture, Queue::SlaImminent).is_empty());

    // Missing the next one lists it again, as breached.
    let next = clock_of(&fixture, &key, Target::CustomerUpdate)
        .due
        .unwrap();
    fixture.clock.set(next + Duration::minutes(1));
    fixture.desk.sweep_sla().unwrap();
    assert_eq!(in_queue(&fixture, Queue::UpdateDue), vec![key.clone()]);
    assert_eq!(in_queue(&fixture, Queue::Breached), vec![key]);
}

#[test]
fn the_sweep_records_each_threshold_once_even_after_a_restart() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    assert_eq!(
        fixture.desk.next_sla_check().unwrap(),
        Some(utc(2, 10, 30)),
        "75% of 2h"
    );

    fixture.clock.set(utc(2, 10, 31));
    let sweep = fixture.desk.sweep_sla().unwrap();
    assert_eq!(
        recorded(&fixture, &key),
        vec![("warned".into(), Target::Acknowledge, "75%".into())]
    );
    assert_eq!(
        sweep.next_check,
        Some(utc(2, 10, 45)),
        "15m before comes next"
    );
    assert_eq!(in_queue(&fixture, Queue::SlaImminent), vec![key.clone()]);
    assert!(
        fixture.desk.sweep_sla().unwrap().recorded.is_empty(),
        "nothing new"
    );

    // A restart: a second desk on the same file records nothing twice.
    let clock = ManualClock::new(utc(2, 10, 32));
    let mut reopened = Desk::open_with(
        fixture.db_path(),
        Arc::new(clock.clone()),
        DeskConfig::default(),
    )
    .unwrap();
    assert!(reopened.sweep_sla().unwrap().recorded.is_empty());

    clock.set(utc(2, 11, 0));
    let sweep = reopened.sweep_sla().unwrap();
    let kinds: Vec<_> = sweep
        .recorded
        .iter()
        .map(|event| event.body.kind())
        .collect();
    assert_eq!(kinds, ["SlaWarned", "SlaWarned", "SlaBreached"]);
    assert_eq!(
        recorded(&fixture, &key),
        vec![
            ("warned".into(), Target::Acknowledge, "75%".into()),
            ("warned".into(), Target::Acknowledge, "15m before".into()),
            ("warned".into(), Target::Acknowledge, "90%".into()),
            ("breached".into(), Target::Acknowledge, "breach".into()),
        ]
    );
    assert_eq!(in_queue(&fixture, Queue::Breached), vec![key.clone()]);
    assert!(in_queue(&fixture, Queue::SlaImminent).is_empty());
    assert!(fixture.desk.verify().unwrap().is_intact());
}

#[test]
fn a_p2_whose_sla_is_about_to_breach_is_raised_to_management_once() {
    // SOP §5.3: "SLA breach is imminent" is a management escalation.
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    fixture.clock.set(utc(2, 10, 31));
    fixture.desk.sweep_sla().unwrap();
    let ticket = fixture.desk.ticket(&key).unwrap().ticket;
    let management = ticket.management.expect("raised to management");
    assert_eq!(
        management.reasons,
        vec![escalator_core::domain::EscalationReason::SlaBreachImminent]
    );
    fixture.clock.set(utc(2, 11, 5));
    fixture.desk.sweep_sla().unwrap();
    let raised = fixture
        .desk
        .history(&key)
        .unwrap()
        .into_iter()
        .filter(|event| matches!(event.body, EventBody::ManagementEscalated(_)))
        .count();
    assert_eq!(raised, 1);
    // L3 can take it like any management escalation.
    fixture.run(LEE, &key, Command::TakeManagementEscalation {});
}

#[test]
fn a_p3_about_to_breach_is_not_raised_to_management() {
    let mut fixture = Fixture::new();
    let key = fixture.escalated("Acme Corp", "Export is slow", Priority::P3);
    fixture.clock.set(utc(4, 9, 0));
    assert!(!fixture.desk.sweep_sla().unwrap().recorded.is_empty());
    assert!(fixture
        .desk
        .ticket(&key)
        .unwrap()
        .ticket
        .management
        .is_none());
}

#[test]
fn an_unacknowledged_escalation_makes_an_l2_follow_up_due() {
    // SOP §6 Step 5: "If L2 does not respond within the SLA, L1 must follow up."
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    let cursor = fixture.desk.notifier_cursor().unwrap();
    fixture.clock.set(utc(2, 11, 0));
    fixture.desk.sweep_sla().unwrap();
    fixture.clock.set(utc(2, 11, 20));
    let (alerts, next) = fixture.desk.alerts_after(cursor, 100).unwrap();
    assert!(next > cursor);
    let alerts = collapse(alerts);
    let follow_up = alerts
        .iter()
        .find(|alert| alert.kind == AlertKind::FollowUpDue)
        .expect("a follow-up alert");
    assert_eq!(follow_up.summary, format!("L2 follow-up due · {key}"));
    assert_eq!(
        follow_up.body,
        "Acme Corp · P2 L2 acknowledgement was due 12:00 CET (20m ago)"
    );
    assert_eq!(follow_up.quiet_until, None, "within business hours");
    assert_eq!(
        alerts
            .iter()
            .filter(|alert| alert.target == Some(Target::Acknowledge))
            .count(),
        1,
        "75%, 90%, 15m before and the breach collapse into the breach"
    );
    assert!(alerts
        .iter()
        .any(|alert| alert.kind == AlertKind::ManagementEscalation));
    let (again, _) = fixture.desk.alerts_after(next, 100).unwrap();
    assert!(again.is_empty(), "each alert is read once");
}

#[test]
fn outside_business_hours_only_a_p1_notifies_at_once() {
    let mut fixture = Fixture::new();
    let p2 = p2_escalated(&mut fixture);
    let p1 = fixture.escalated("Globex", "Payments are down for everyone", Priority::P1);
    let cursor = fixture.desk.notifier_cursor().unwrap();
    // Monday 19:00 Berlin: the business calendar is closed.
    fixture.clock.set(utc(2, 18, 0));
    fixture.desk.sweep_sla().unwrap();
    let (alerts, _) = fixture.desk.alerts_after(cursor, 100).unwrap();
    let p2_alert = alerts.iter().find(|alert| alert.key == p2).unwrap();
    assert_eq!(
        p2_alert.quiet_until,
        Some(utc(3, 8, 0)),
        "Tuesday 09:00 Berlin"
    );
    let p1_alerts: Vec<_> = alerts.iter().filter(|alert| alert.key == p1).collect();
    assert!(!p1_alerts.is_empty());
    assert!(p1_alerts.iter().all(|alert| alert.quiet_until.is_none()));
}

#[test]
fn a_p1_escalation_is_an_alert_for_management() {
    let mut fixture = Fixture::new();
    let cursor = fixture.desk.notifier_cursor().unwrap();
    let key = fixture.escalated("Globex", "Payments are down for everyone", Priority::P1);
    let (alerts, _) = fixture.desk.alerts_after(cursor, 100).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].kind, AlertKind::ManagementEscalation);
    assert_eq!(
        alerts[0].summary,
        format!("P1 escalation to management · {key}")
    );
    assert!(alerts[0].body.starts_with("Globex · P1 · "));
}

#[test]
fn closing_stops_every_clock() {
    let mut fixture = Fixture::new();
    let key = fixture.proposed(Priority::P2);
    fixture.validate_and_confirm(&key);
    fixture.run(
        ANA,
        &key,
        Command::WriteResolutionNotes {
            notes: "Gateway config rolled back".into(),
        },
    );
    fixture.run(
        ANA,
        &key,
        Command::Close {
            note: String::new(),
        },
    );
    assert_eq!(fixture.desk.next_sla_check().unwrap(), None);
    assert!(fixture
        .desk
        .clocks(&key)
        .unwrap()
        .iter()
        .all(|clock| matches!(clock.state, ClockState::Met | ClockState::Missed)));
}

#[test]
fn a_new_sla_config_is_saved_beside_the_database_and_moves_the_deadlines() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    let text = SlaConfig::default()
        .to_toml()
        .replace("acknowledge_within = \"2h\"", "acknowledge_within = \"1h\"");
    let config = SlaConfig::from_toml(&text).unwrap();
    fixture.desk.set_sla_config(config.clone()).unwrap();
    assert_eq!(
        clock_of(&fixture, &key, Target::Acknowledge).due,
        Some(utc(2, 10, 0))
    );
    assert_eq!(fixture.desk.next_sla_check().unwrap(), Some(utc(2, 9, 45)));

    // The CLI and the next start read the file.
    let saved = std::fs::read_to_string(fixture.desk.sla_config_path()).unwrap();
    assert_eq!(SlaConfig::from_toml(&saved).unwrap(), config);
    let reopened = Desk::open(fixture.db_path()).unwrap();
    assert_eq!(reopened.sla_config(), &config);
}

#[test]
fn a_broken_sla_file_is_refused_with_the_key_and_the_file_named() {
    let fixture = Fixture::new();
    let path = fixture.dir.path().join("sla.toml");
    let text = SlaConfig::default()
        .to_toml()
        .replace("calendar = \"business-hours\"", "calendar = \"office\"");
    std::fs::write(&path, text).unwrap();
    let error = Desk::open(fixture.db_path()).err().expect("refused");
    let message = error.to_string();
    assert!(
        message.contains("sla.policies.standard-p2.calendar"),
        "{message}"
    );
    assert!(message.contains("sla.toml"), "{message}");
}

#[test]
fn rebuilding_the_projections_keeps_the_sla_state() {
    let mut fixture = Fixture::new();
    let key = p2_escalated(&mut fixture);
    fixture.clock.set(utc(2, 11, 1));
    fixture.desk.sweep_sla().unwrap();
    let before = in_queue(&fixture, Queue::Breached);
    fixture.desk.rebuild_projections().unwrap();
    assert_eq!(in_queue(&fixture, Queue::Breached), before);
    assert_eq!(before, vec![key]);
    assert_eq!(
        fixture.desk.next_sla_check().unwrap(),
        Some(utc(2, 12, 0)),
        "the customer update's 75% (3h of 4h)"
    );
}

#[test]
fn the_escalate_target_runs_at_l1_from_the_opening() {
    let mut fixture = Fixture::new();
    let key = fixture.open("Acme Corp", "Checkout fails", Some(Priority::P2));
    let clock = clock_of(&fixture, &key, Target::Escalate);
    assert_eq!(
        clock.due,
        Some(utc(2, 13, 0)),
        "4 business hours from 10:00 Berlin"
    );
    fixture.clock.set(utc(2, 13, 0) + Duration::seconds(1));
    fixture.desk.sweep_sla().unwrap();
    assert_eq!(
        recorded(&fixture, &key).last(),
        Some(&(
            "breached".to_string(),
            Target::Escalate,
            "breach".to_string()
        ))
    );
    // Escalating stops it; the management escalation rule is about L2's targets.
    fixture.document(&key);
    fixture
        .desk
        .execute(ANA, &key, escalate(software(Priority::P2)))
        .unwrap();
    assert_eq!(
        clock_of(&fixture, &key, Target::Escalate).state,
        ClockState::Missed
    );
    assert!(fixture
        .desk
        .ticket(&key)
        .unwrap()
        .ticket
        .management
        .is_none());
}
