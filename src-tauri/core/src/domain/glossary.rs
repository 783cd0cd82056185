//! Every SOP vocabulary with its codes and labels, in one value the UI loads
//! once: the wizard's option lists and every label come from here, so the
//! wording lives in one place (the Rust vocabularies).

use super::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    Priority, Queue, Role, Status, Team,
};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Term<T> {
    pub code: T,
    pub label: String,
}

/// A §5 reason with the escalation type it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReasonTerm {
    pub code: EscalationReason,
    pub label: String,
    pub escalation_type: EscalationType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Glossary {
    pub priorities: Vec<Term<Priority>>,
    pub statuses: Vec<Term<Status>>,
    pub roles: Vec<Term<Role>>,
    pub teams: Vec<Term<Team>>,
    pub categories: Vec<Term<Category>>,
    pub criteria: Vec<Term<Criterion>>,
    pub escalation_types: Vec<Term<EscalationType>>,
    pub reasons: Vec<ReasonTerm>,
    pub attachment_kinds: Vec<Term<AttachmentKind>>,
    pub channels: Vec<Term<CommunicationChannel>>,
    pub queues: Vec<Term<Queue>>,
}

macro_rules! terms {
    ($ty:ty) => {
        <$ty>::ALL
            .iter()
            .map(|&code| Term {
                code,
                label: code.label().to_string(),
            })
            .collect()
    };
}

impl Glossary {
    pub fn new() -> Self {
        Glossary {
            priorities: terms!(Priority),
            statuses: terms!(Status),
            roles: terms!(Role),
            teams: terms!(Team),
            categories: terms!(Category),
            criteria: terms!(Criterion),
            escalation_types: terms!(EscalationType),
            reasons: EscalationReason::ALL
                .iter()
                .map(|&code| ReasonTerm {
                    code,
                    label: code.label().to_string(),
                    escalation_type: code.escalation_type(),
                })
                .collect(),
            attachment_kinds: terms!(AttachmentKind),
            channels: terms!(CommunicationChannel),
            queues: terms!(Queue),
        }
    }
}

impl Default for Glossary {
    fn default() -> Self {
        Self::new()
    }
}
