//! SOP §12: a major outage escalates with what is known; an emergency
//! bypasses the standard timelines with an L3 manager's approval. Both are
//! recorded with who, why and when.

use crate::support::*;
use escalator_core::commands::{EscalationRequest, ExceptionClaim};
use escalator_core::domain::{ExceptionKind, Priority, Status};
use escalator_core::{Command, EventBody};

#[test]
fn a_major_outage_escalates_with_whatever_information_is_available() {
    let mut f = Fixture::new();
    // Intake only: no steps, no logs, no environment, no troubleshooting.
    let key = f.open("Acme Corp", "All stores offline", Some(Priority::P1));
    let request = EscalationRequest {
        exception: Some(ExceptionClaim::MajorOutage {
            description: "Every store's POS lost the backend at 09:02".into(),
        }),
        troubleshooting_complete: false,
        cannot_resolve_at_l1: false,
        ..software(Priority::P1)
    };
    let outcome = f.desk.execute(ANA, &key, escalate(request)).unwrap();
    let EventBody::Escalated(record) = &outcome.events[0].body else {
        panic!()
    };
    let used = record.exception.as_ref().unwrap();
    assert_eq!(used.kind, ExceptionKind::MajorOutage);
    assert_eq!(
        used.waived_rules,
        [
            "SOP-6.1-troubleshooting-complete",
            "SOP-6.1-cannot-resolve",
            "SOP-6.2-steps",
            "SOP-6.2-logs",
            "SOP-6.2-environment",
            "SOP-6.2-troubleshooting"
        ]
    );
    let exception = &outcome.ticket.exceptions[0];
    assert_eq!(
        (exception.kind, exception.approved_by, exception.used),
        (ExceptionKind::MajorOutage, None, true)
    );
    assert_eq!(
        exception.reason,
        "Every store's POS lost the backend at 09:02"
    );
    assert_eq!(exception.at, f.desk.now());
    assert_eq!(outcome.ticket.status, Status::Escalated);
}

#[test]
fn a_major_outage_still_needs_routing_and_impact() {
    let mut f = Fixture::new();
    let key = f.open("Acme Corp", "All stores offline", Some(Priority::P1));
    let request = EscalationRequest {
        exception: Some(ExceptionClaim::MajorOutage {
            description: "POS backend down".into(),
        }),
        team: None,
        ..software(Priority::P1)
    };
    assert_eq!(
        rule_ids(&f.refuse(ANA, &key, escalate(request))),
        ["SOP-6.3-team"]
    );
}

#[test]
fn an_emergency_bypasses_the_timelines_with_the_approvers_name_and_reason() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Report export is slow", Priority::P3);
    f.run(
        LEE,
        &key,
        Command::ApproveException {
            kind: ExceptionKind::Emergency,
            reason: "Board meeting at noon depends on it".into(),
        },
    );
    let request = EscalationRequest {
        exception: Some(ExceptionClaim::Emergency),
        troubleshooting_complete: false,
        l1_confirmation: None,
        ..software(Priority::P3)
    };
    let outcome = f.desk.execute(ANA, &key, escalate(request)).unwrap();
    let lee = f.desk.user(LEE).unwrap();
    let exception = &outcome.ticket.exceptions[0];
    assert_eq!(exception.approved_by, Some(lee.id));
    assert_eq!(exception.reason, "Board meeting at noon depends on it");
    assert!(exception.used);
    assert_eq!(
        exception.waived_rules,
        ["SOP-6.1-troubleshooting-complete", "SOP-8-p3-confirmation"]
    );
}

#[test]
fn an_emergency_does_not_waive_the_documentation() {
    let mut f = Fixture::new();
    let key = f.open("Acme Corp", "Report export is slow", Some(Priority::P3));
    f.run(
        LEE,
        &key,
        Command::ApproveException {
            kind: ExceptionKind::Emergency,
            reason: "Board meeting".into(),
        },
    );
    let request = EscalationRequest {
        exception: Some(ExceptionClaim::Emergency),
        ..software(Priority::P3)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(
        rule_ids(&error),
        [
            "SOP-6.2-environment",
            "SOP-6.2-logs",
            "SOP-6.2-steps",
            "SOP-6.2-troubleshooting"
        ]
    );
}

#[test]
fn a_major_outage_needs_no_approval_and_l2_cannot_approve() {
    let mut f = Fixture::new();
    let key = f.open("Acme Corp", "All stores offline", Some(Priority::P1));
    let error = f.refuse(
        LEE,
        &key,
        Command::ApproveException {
            kind: ExceptionKind::MajorOutage,
            reason: "Outage".into(),
        },
    );
    assert_rule(&error, "SOP-12-emergency-approval", "§12");
    let error = f.refuse(
        SAM,
        &key,
        Command::ApproveException {
            kind: ExceptionKind::Emergency,
            reason: "Outage".into(),
        },
    );
    assert_rule(&error, "SOP-3-role", "§3");
}
