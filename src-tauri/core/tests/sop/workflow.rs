//! The SOP §6/§9/§10 workflow end to end, with role checks.

use crate::support::*;
use escalator_core::commands::EscalationRequest;
use escalator_core::domain::{
    CommunicationChannel, EscalationReason, EscalationType, Level, Priority, Status,
};
use escalator_core::{Command, Error, ErrorKind};

fn status(f: &Fixture, key: &str) -> Status {
    f.desk.ticket(key).unwrap().ticket.status
}

#[test]
fn the_full_lifecycle_keeps_l1_as_owner_and_closes_in_sop_order() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let owner = f.desk.user(ANA).unwrap().id;
    let steps: Vec<(&str, Command, Status)> = vec![
        (SAM, Command::Acknowledge {}, Status::Investigating),
        (
            SAM,
            Command::RequestInfo {
                question: "Which payment provider?".into(),
            },
            Status::AwaitingInfo,
        ),
        (
            ANA,
            Command::ProvideInfo {
                answer: "Stripe, EU account".into(),
            },
            Status::Investigating,
        ),
        (
            ANA,
            Command::RecordCustomerUpdate {
                channel: CommunicationChannel::Email,
                body: "Our engineers are on it".into(),
                subject: String::new(),
                leak_override: None,
                email: None,
            },
            Status::Investigating,
        ),
        (
            SAM,
            Command::AddNote {
                body: "Gateway config changed yesterday".into(),
            },
            Status::Investigating,
        ),
        (
            SAM,
            Command::ProposeResolution {
                summary: "Rolled back the gateway config".into(),
            },
            Status::ResolutionProposed,
        ),
        (
            ANA,
            Command::ValidateFix {
                works: true,
                note: "Test payment passes".into(),
            },
            Status::FixValidated,
        ),
        (
            ANA,
            Command::ConfirmWithCustomer {
                note: "Customer confirmed by phone".into(),
            },
            Status::CustomerConfirmed,
        ),
        (
            ANA,
            Command::WriteResolutionNotes {
                notes: "Gateway config rollback; see change 8812".into(),
            },
            Status::CustomerConfirmed,
        ),
        (
            ANA,
            Command::Close {
                note: String::new(),
            },
            Status::Closed,
        ),
    ];
    for (actor, command, expected) in steps {
        let name = command.name();
        let outcome = f
            .desk
            .execute(actor, &key, command)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(outcome.ticket.status, expected, "after {name}");
        assert_eq!(
            outcome.ticket.owner, owner,
            "§9: the owner stays L1 after {name}"
        );
    }
    let ticket = f.desk.ticket(&key).unwrap().ticket;
    assert_eq!(ticket.assignee, Some(f.desk.user(SAM).unwrap().id));
    assert_eq!(
        ticket.info_exchanges[0].answer.as_deref(),
        Some("Stripe, EU account")
    );
    assert_eq!(ticket.notes.len(), 1);
    assert_eq!(ticket.customer_updates.len(), 1);
    assert!(ticket.closed_at.is_some());
    assert!(f.desk.verify().unwrap().is_intact());
}

#[test]
fn a_rejected_fix_goes_back_to_l2() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    f.run(
        ANA,
        &key,
        Command::ValidateFix {
            works: false,
            note: "Still fails for EU cards".into(),
        },
    );
    let ticket = f.desk.ticket(&key).unwrap().ticket;
    assert_eq!(ticket.status, Status::Investigating);
    assert!(ticket.resolution.is_none());
    let error = f.refuse(
        ANA,
        &key,
        Command::ValidateFix {
            works: false,
            note: String::new(),
        },
    );
    assert_rule(&error, "SOP-10-resolution", "§10");
}

#[test]
fn monitoring_then_close_and_reopen_back_to_the_l2_team() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    f.validate_and_confirm(&key);
    f.run(
        ANA,
        &key,
        Command::WriteResolutionNotes {
            notes: "Rollback".into(),
        },
    );
    f.run(
        ANA,
        &key,
        Command::MoveToMonitoring {
            until: None,
            note: "Watch for a week".into(),
        },
    );
    assert_eq!(status(&f, &key), Status::Monitoring);
    f.run(
        ANA,
        &key,
        Command::Reopen {
            reason: "Errors are back".into(),
        },
    );
    let ticket = f.desk.ticket(&key).unwrap().ticket;
    assert_eq!(
        (ticket.status, ticket.level, ticket.reopen_count),
        (Status::Escalated, Level::L2, 1)
    );
    assert!(ticket.resolution.is_none() && ticket.assignee.is_none());
    // The team picks it up again and the closure runs in full once more.
    f.run(SAM, &key, Command::Acknowledge {});
    f.run(
        SAM,
        &key,
        Command::ProposeResolution {
            summary: "Patched the gateway".into(),
        },
    );
    assert_eq!(
        rule_ids(&f.refuse(
            ANA,
            &key,
            Command::Close {
                note: String::new()
            }
        ))
        .len(),
        3
    );
}

#[test]
fn a_closed_ticket_accepts_only_notes_and_reopening() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Password reset e-mail not received",
        Some(Priority::P4),
    );
    // Resolved at L1: the owner records the fix and still closes through §10.
    f.run(
        ANA,
        &key,
        Command::ProposeResolution {
            summary: "Mail was in spam".into(),
        },
    );
    f.validate_and_confirm(&key);
    f.run(
        ANA,
        &key,
        Command::WriteResolutionNotes {
            notes: "Allow-listed our sender".into(),
        },
    );
    f.run(
        ANA,
        &key,
        Command::Close {
            note: String::new(),
        },
    );
    assert_rule(
        &f.refuse(
            ANA,
            &key,
            Command::RecordTroubleshooting {
                action: "x".into(),
                outcome: "y".into(),
            },
        ),
        "SOP-6-state",
        "§6",
    );
    f.run(
        SAM,
        &key,
        Command::AddNote {
            body: "Seen this before".into(),
        },
    );
    f.run(
        LEE,
        &key,
        Command::Reopen {
            reason: "Customer says it happened again".into(),
        },
    );
    assert_eq!(status(&f, &key), Status::Open);
}

#[test]
fn l2_can_raise_a_management_escalation_and_l3_takes_it() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(SAM, &key, Command::Acknowledge {});
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Management),
        reasons: vec![EscalationReason::CrossTeamDelay],
        note: "Waiting on the payments team for 3 days".into(),
        ..EscalationRequest::default()
    };
    f.run(SAM, &key, escalate(request.clone()));
    let ticket = f.desk.ticket(&key).unwrap().ticket;
    assert_eq!(ticket.level, Level::L3);
    assert_eq!(
        ticket.status,
        Status::Investigating,
        "L2 keeps investigating"
    );
    assert_rule(&f.refuse(SAM, &key, escalate(request)), "SOP-6-state", "§6");
    assert_rule(
        &f.refuse(SAM, &key, Command::TakeManagementEscalation {}),
        "SOP-3-role",
        "§3",
    );
    f.run(LEE, &key, Command::TakeManagementEscalation {});
    let management = f.desk.ticket(&key).unwrap().ticket.management.unwrap();
    assert_eq!(management.manager, Some(f.desk.user(LEE).unwrap().id));
    assert_eq!(management.raised_by, f.desk.user(SAM).unwrap().id);
}

#[test]
fn an_l1_engineer_cannot_do_l2_work() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let error = f.refuse(ANA, &key, Command::Acknowledge {});
    assert_rule(&error, "SOP-3-role", "§3");
    assert_eq!(error.kind(), ErrorKind::Forbidden);
}

#[test]
fn priority_changes_before_escalation_by_the_owner_and_after_only_by_l3() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P3);
    f.run(
        ANA,
        &key,
        Command::ChangePriority {
            priority: Priority::P2,
            reason: "Affects all EU customers".into(),
        },
    );
    f.run(ANA, &key, escalate(software(Priority::P2)));
    let error = f.refuse(
        ANA,
        &key,
        Command::ChangePriority {
            priority: Priority::P1,
            reason: "Worse".into(),
        },
    );
    assert_rule(&error, "SOP-3-role", "§3");
    f.run(
        LEE,
        &key,
        Command::ChangePriority {
            priority: Priority::P1,
            reason: "Production down".into(),
        },
    );
    let ticket = f.desk.ticket(&key).unwrap().ticket;
    assert_eq!(ticket.priority, Some(Priority::P1));
    assert_eq!(
        ticket.escalation.unwrap().sla_policy,
        "standard-p1",
        "§6 Step 3: the SLA follows the priority"
    );
}

#[test]
fn unknown_and_deactivated_actors_are_refused_with_their_kind() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    let note = || Command::AddNote { body: "hi".into() };
    assert!(matches!(
        f.desk.execute("nobody", &key, note()),
        Err(Error::NotFound { entity: "user", .. })
    ));
    assert!(
        matches!(f.desk.execute("", &key, note()), Err(Error::InvalidInput { ref field, .. }) if field == "actor")
    );
    f.desk.set_user_active(BOB, false).unwrap();
    assert_eq!(
        f.desk.execute(BOB, &key, note()).unwrap_err().kind(),
        ErrorKind::Forbidden
    );
    assert_eq!(
        f.desk.execute(ANA, "ESC-999", note()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn tickets_are_found_by_key_number_or_id_and_listed_by_status() {
    let mut f = Fixture::new();
    let first = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let second = f.open("Globex", "Label printer jams", Some(Priority::P3));
    let id = f.desk.ticket(&first).unwrap().ticket.id;
    assert_eq!(f.desk.ticket("1").unwrap().ticket.id, id);
    assert_eq!(f.desk.ticket(&id.to_string()).unwrap().ticket.key, first);
    let query = escalator_core::store::TicketQuery {
        statuses: vec![Status::Open],
        ..Default::default()
    };
    let open: Vec<String> = f
        .desk
        .tickets(&query, None)
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.key)
        .collect();
    assert_eq!(open, vec![second.clone()]);
    let query = escalator_core::store::TicketQuery {
        text: Some("printer".into()),
        ..Default::default()
    };
    assert_eq!(f.desk.tickets(&query, None).unwrap().items[0].key, second);
}

#[test]
fn events_carry_the_injected_utc_time() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    f.clock.advance(chrono::Duration::minutes(90));
    let outcome = f
        .desk
        .execute(
            ANA,
            &key,
            Command::AddNote {
                body: "Called the customer".into(),
            },
        )
        .unwrap();
    let expected = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 2, 10, 30, 0).unwrap();
    assert_eq!(outcome.events[0].at, expected);
    assert_eq!(
        f.desk.history(&key).unwrap()[1].at,
        expected,
        "the stored timestamp reads back the same"
    );
    assert_eq!(outcome.ticket.updated_at, expected);
}

#[test]
fn queues_show_each_role_what_is_theirs_and_what_waits_on_them() {
    use escalator_core::domain::Queue;
    let mut f = Fixture::new();
    let waiting_on_l2 = f.escalated("Umbrella", "Label printer firmware crashes", Priority::P2);
    let hardware = f.documented("Globex", "Scanner does not power on", Priority::P2);
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Hardware),
        reasons: vec![EscalationReason::NoPower],
        category: Some(escalator_core::domain::Category::Hardware),
        team: Some(escalator_core::domain::Team::Hardware),
        ..software(Priority::P2)
    };
    f.run(ANA, &hardware, escalate(request));
    let waiting_on_l1 = f.proposed(Priority::P3);
    let p1 = f.escalated("Initech", "Core banking API down", Priority::P1);
    let keys = |f: &Fixture, queue: Queue, viewer: &str| -> Vec<String> {
        let query = escalator_core::store::TicketQuery {
            queue: Some(queue),
            ..Default::default()
        };
        let mut keys: Vec<String> = f
            .desk
            .tickets(&query, Some(viewer))
            .unwrap()
            .items
            .into_iter()
            .map(|t| t.key)
            .collect();
        keys.sort();
        keys
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&f, Queue::WaitingOnMe, ANA),
        vec![waiting_on_l1.clone()]
    );
    assert_eq!(
        keys(&f, Queue::WaitingOnMe, SAM),
        sorted(vec![&waiting_on_l2, &p1]),
        "software team acknowledgements"
    );
    assert_eq!(keys(&f, Queue::WaitingOnMe, HANA), vec![hardware.clone()]);
    assert_eq!(
        keys(&f, Queue::WaitingOnMe, LEE),
        vec![p1.clone()],
        "the P1's management escalation is untaken"
    );
    assert_eq!(keys(&f, Queue::Team, HANA), vec![hardware.clone()]);
    assert_eq!(
        keys(&f, Queue::Mine, SAM),
        vec![waiting_on_l1.clone()],
        "sam acknowledged it"
    );
    assert!(keys(&f, Queue::Mine, BOB).is_empty());
    let counts = f.desk.queue_counts(SAM).unwrap();
    let count = |queue: Queue| counts.iter().find(|c| c.queue == queue).unwrap().count;
    assert_eq!(
        (
            count(Queue::WaitingOnMe),
            count(Queue::Team),
            count(Queue::Mine)
        ),
        (2, 3, 1)
    );
    assert_eq!(
        counts.iter().map(|c| c.queue).collect::<Vec<_>>(),
        Queue::ALL
    );
}
