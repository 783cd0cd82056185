//! Property tests: random sequences of commands by random actors on two
//! tickets, checking the SOP's invariants after every step.
//!
//! - §9: the L1 owner never changes;
//! - a refused command leaves no trace in the projections;
//! - every hash chain verifies afterwards, and a rebuild reproduces the projections;
//! - §10: a ticket is never closed before its fix is validated and confirmed
//!   (checked on the raw event history, not on the folded state).

use crate::store::projection_snapshot;
use crate::support::*;
use escalator_core::commands::EscalationRequest;
use escalator_core::domain::{
    AttachmentKind, CommunicationChannel, EscalationReason, EscalationType, ExceptionKind,
    Priority, Status,
};
use escalator_core::events::DocumentationChange;
use escalator_core::{Command, Event, EventBody};
use proptest::prelude::*;

const ACTORS: [&str; 5] = [ANA, BOB, SAM, HANA, LEE];

#[derive(Debug, Clone)]
enum Step {
    /// The next step of the happy path from wherever the ticket is.
    Advance,
    Document,
    Troubleshoot,
    Attach,
    Escalate,
    EscalateWithOverride,
    EscalateBare,
    Approve,
    Manage,
    TakeManagement,
    Acknowledge,
    RequestInfo,
    ProvideInfo,
    Propose,
    Validate(bool),
    Confirm,
    Notes,
    Close,
    Monitor,
    Reopen,
    Note,
    CustomerUpdate,
    Reprioritize(Priority),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => Just(Step::Advance),
        1 => Just(Step::Document),
        1 => Just(Step::Troubleshoot),
        1 => Just(Step::Attach),
        3 => Just(Step::Escalate),
        1 => Just(Step::EscalateWithOverride),
        1 => Just(Step::EscalateBare),
        1 => Just(Step::Approve),
        1 => Just(Step::Manage),
        1 => Just(Step::TakeManagement),
        3 => Just(Step::Acknowledge),
        1 => Just(Step::RequestInfo),
        1 => Just(Step::ProvideInfo),
        3 => Just(Step::Propose),
        3 => any::<bool>().prop_map(Step::Validate),
        3 => Just(Step::Confirm),
        3 => Just(Step::Notes),
        3 => Just(Step::Close),
        1 => Just(Step::Monitor),
        1 => Just(Step::Reopen),
        1 => Just(Step::Note),
        1 => Just(Step::CustomerUpdate),
        1 => prop::sample::select(vec![Priority::P1, Priority::P2, Priority::P3, Priority::P4]).prop_map(Step::Reprioritize),
    ]
}

/// The happy-path step for the ticket's status.
fn advance(f: &Fixture, key: &str) -> Step {
    let ticket = f.desk.ticket(key).unwrap().ticket;
    match ticket.status {
        Status::Open => Step::EscalateWithOverride,
        Status::Escalated => Step::Acknowledge,
        Status::Investigating => Step::Propose,
        Status::AwaitingInfo => Step::ProvideInfo,
        Status::ResolutionProposed => Step::Validate(true),
        Status::FixValidated => Step::Confirm,
        Status::CustomerConfirmed if ticket.resolution.is_some_and(|r| r.notes.is_none()) => {
            Step::Notes
        }
        Status::CustomerConfirmed | Status::Monitoring => Step::Close,
        Status::Closed => Step::Reopen,
    }
}

/// Who would normally take this step: the owner, the Software L2 team or the L3 lead.
fn natural_actor(step: &Step, owner: &'static str) -> &'static str {
    match step {
        Step::Acknowledge | Step::RequestInfo | Step::Propose | Step::Manage | Step::Note => SAM,
        Step::Approve | Step::TakeManagement => LEE,
        _ => owner,
    }
}

/// Mostly the natural actor, so sequences get far into the workflow; a
/// random one a quarter of the time, so the role checks are exercised too.
fn actor() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![3 => Just(None), 1 => (0..ACTORS.len()).prop_map(Some)]
}

fn command(f: &Fixture, key: &str, step: &Step) -> Command {
    let priority = f
        .desk
        .ticket(key)
        .unwrap()
        .ticket
        .priority
        .unwrap_or(Priority::P2);
    match step {
        Step::Document => Command::UpdateDocumentation(DocumentationChange {
            steps_to_reproduce: Some("Pay by card".into()),
            environment: Some("Web shop 4.2.1".into()),
            ..Default::default()
        }),
        Step::Troubleshoot => Command::RecordTroubleshooting {
            action: "Retried".into(),
            outcome: "Fails".into(),
        },
        Step::Attach | Step::Advance => unreachable!("resolved before building a command"),
        Step::Escalate => escalate(software(priority)),
        Step::EscalateWithOverride => escalate(EscalationRequest {
            duplicate_override: Some("Separate system".into()),
            ..software(priority)
        }),
        Step::EscalateBare => escalate(EscalationRequest::default()),
        Step::Approve => Command::ApproveException {
            kind: ExceptionKind::Emergency,
            reason: "Board meeting".into(),
        },
        Step::Manage => escalate(EscalationRequest {
            escalation_type: Some(EscalationType::Management),
            reasons: vec![EscalationReason::HighCustomerImpact],
            ..Default::default()
        }),
        Step::TakeManagement => Command::TakeManagementEscalation {},
        Step::Acknowledge => Command::Acknowledge {},
        Step::RequestInfo => Command::RequestInfo {
            question: "Which region?".into(),
        },
        Step::ProvideInfo => Command::ProvideInfo {
            answer: "EU".into(),
        },
        Step::Propose => Command::ProposeResolution {
            summary: "Rolled back".into(),
        },
        Step::Validate(works) => Command::ValidateFix {
            works: *works,
            note: "checked".into(),
        },
        Step::Confirm => Command::ConfirmWithCustomer {
            note: String::new(),
        },
        Step::Notes => Command::WriteResolutionNotes {
            notes: "Rollback".into(),
        },
        Step::Close => Command::Close {
            note: String::new(),
        },
        Step::Monitor => Command::MoveToMonitoring {
            until: None,
            note: String::new(),
        },
        Step::Reopen => Command::Reopen {
            reason: "Back again".into(),
        },
        Step::Note => Command::AddNote { body: "FYI".into() },
        Step::CustomerUpdate => Command::RecordCustomerUpdate {
            channel: CommunicationChannel::Phone,
            body: "Update".into(),
            subject: String::new(),
            leak_override: None,
            email: None,
        },
        Step::Reprioritize(to) => Command::ChangePriority {
            priority: *to,
            reason: "Re-triaged".into(),
        },
    }
}

/// §10 on the raw history: each `Closed` follows a validation, a customer
/// confirmation and notes for the resolution proposed since the last reopen.
fn assert_closed_only_after_validation_and_confirmation(events: &[Event]) {
    for (index, event) in events.iter().enumerate() {
        if !matches!(event.body, EventBody::Closed(_)) {
            continue;
        }
        let before = &events[..index];
        let since_proposal = before
            .iter()
            .rposition(|e| matches!(e.body, EventBody::ResolutionProposed(_)))
            .map(|at| &before[at..])
            .unwrap_or_else(|| {
                panic!(
                    "closed at seq {} without any proposed resolution",
                    event.seq
                )
            });
        let has = |kind: &str| since_proposal.iter().any(|e| e.body.kind() == kind);
        assert!(
            has("FixValidated"),
            "closed at seq {} before the fix was validated",
            event.seq
        );
        assert!(
            has("CustomerConfirmed"),
            "closed at seq {} before the customer confirmed",
            event.seq
        );
        assert!(
            has("ResolutionNotesWritten"),
            "closed at seq {} without resolution notes",
            event.seq
        );
        assert!(
            !has("FixRejected") && !has("Reopened"),
            "closed at seq {} on a stale validation",
            event.seq
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_by_random_actors_keep_the_sop_invariants(
        steps in prop::collection::vec((actor(), 0..2usize, step()), 1..80)
    ) {
        let mut f = Fixture::new();
        // Two tickets of one customer about one problem, owned by different L1s.
        let first = f.open("Acme Corp", "Checkout API returns 500 errors", Some(Priority::P2));
        let second = {
            let new = escalator_core::commands::NewTicket {
                customer: "Acme Corp".into(),
                summary: "Checkout API returning 500 error".into(),
                priority: Some(Priority::P3),
                impact: "Some payments fail".into(),
                ..Default::default()
            };
            f.desk.open_ticket(BOB, new).unwrap().ticket.key
        };
        f.document_as(ANA, &first);
        f.document_as(BOB, &second);
        let keys = [first, second];
        let key_owners = [ANA, BOB];
        let owners: Vec<_> = keys.iter().map(|k| f.desk.ticket(k).unwrap().ticket.owner).collect();
        let log = f.file("evidence.log", b"ERROR 500");

        for (actor, ticket, step) in steps {
            let key = &keys[ticket];
            let step = if matches!(step, Step::Advance) { advance(&f, key) } else { step };
            let actor = actor.map_or_else(|| natural_actor(&step, key_owners[ticket]), |i| ACTORS[i]);
            let before = projection_snapshot(f.desk.connection());
            let version = f.desk.ticket(key).unwrap().version;
            let result = match step {
                Step::Attach => f.desk.attach_file(actor, key, &log, AttachmentKind::Log),
                _ => {
                    let command = command(&f, key, &step);
                    f.desk.execute(actor, key, command)
                }
            };
            if let Err(error) = result {
                prop_assert!(!error.violations().is_empty(), "{step:?} by {actor} failed outside the rules: {error}");
                prop_assert_eq!(projection_snapshot(f.desk.connection()), before, "a refused {:?} changed a projection", step);
                let after = f.desk.ticket(key).unwrap().version;
                let recorded = matches!(step, Step::Escalate | Step::EscalateWithOverride | Step::EscalateBare | Step::Manage);
                prop_assert_eq!(after, version + u64::from(recorded), "only a refused escalation is logged");
            }
            for (key, owner) in keys.iter().zip(&owners) {
                prop_assert_eq!(&f.desk.ticket(key).unwrap().ticket.owner, owner, "§9: the owner of {} changed", key);
            }
        }

        for key in &keys {
            assert_closed_only_after_validation_and_confirmation(&f.desk.history(key).unwrap());
        }
        let report = f.desk.verify().unwrap();
        prop_assert!(report.is_intact(), "{:?}", report.breaks);
        let projected = projection_snapshot(f.desk.connection());
        f.desk.rebuild_projections().unwrap();
        prop_assert_eq!(projection_snapshot(f.desk.connection()), projected);
    }
}
