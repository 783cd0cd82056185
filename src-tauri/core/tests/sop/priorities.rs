//! SOP §8, the accepted path for each priority.

use crate::support::*;
use escalator_core::domain::{EscalationReason, Level, Priority, Status, Team};
use escalator_core::EventBody;

fn kinds(events: &[escalator_core::Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.body.kind()).collect()
}

#[test]
fn p1_escalates_immediately_and_notifies_management() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P1);
    let outcome = f
        .desk
        .execute(ANA, &key, escalate(software(Priority::P1)))
        .unwrap();
    assert_eq!(kinds(&outcome.events), ["Escalated", "ManagementEscalated"]);
    let EventBody::ManagementEscalated(raised) = &outcome.events[1].body else {
        unreachable!()
    };
    assert!(raised.automatic);
    assert_eq!(raised.reasons, [EscalationReason::P1P2Issue]);
    let ticket = outcome.ticket;
    assert_eq!(
        (ticket.status, ticket.level, ticket.team),
        (Status::Escalated, Level::L3, Some(Team::Software))
    );
    assert_eq!(ticket.escalation.unwrap().sla_policy, "standard-p1");
    assert!(ticket.management.is_some_and(|m| m.manager.is_none()));
}

#[test]
fn p2_escalates_within_the_sla_to_the_l2_team() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let outcome = f
        .desk
        .execute(ANA, &key, escalate(software(Priority::P2)))
        .unwrap();
    assert_eq!(kinds(&outcome.events), ["Escalated"]);
    assert_eq!(
        (outcome.ticket.status, outcome.ticket.level),
        (Status::Escalated, Level::L2)
    );
    assert_eq!(outcome.ticket.escalation.unwrap().sla_policy, "standard-p2");
}

#[test]
fn p3_escalates_after_l1_confirmation() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Report export is slow", Priority::P3);
    let outcome = f
        .desk
        .execute(ANA, &key, escalate(software(Priority::P3)))
        .unwrap();
    let EventBody::Escalated(record) = &outcome.events[0].body else {
        unreachable!()
    };
    assert_eq!(
        record.l1_confirmation.as_deref(),
        Some("Reproduced on two accounts")
    );
    assert_eq!(outcome.ticket.status, Status::Escalated);
}

#[test]
fn p4_escalates_if_required_with_the_reason_why() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Typo on the invoice page", Priority::P4);
    let outcome = f
        .desk
        .execute(ANA, &key, escalate(software(Priority::P4)))
        .unwrap();
    let EventBody::Escalated(record) = &outcome.events[0].body else {
        unreachable!()
    };
    assert_eq!(record.justification.as_deref(), Some("Needs a code change"));
    assert_eq!(
        (outcome.ticket.status, outcome.ticket.priority),
        (Status::Escalated, Some(Priority::P4))
    );
}

#[test]
fn the_escalation_can_set_the_priority_of_an_untriaged_ticket() {
    let mut f = Fixture::new();
    let key = f.open("Acme Corp", "Checkout API returns 500 errors", None);
    f.document(&key);
    let outcome = f
        .desk
        .execute(ANA, &key, escalate(software(Priority::P2)))
        .unwrap();
    assert_eq!(outcome.ticket.priority, Some(Priority::P2));
}
