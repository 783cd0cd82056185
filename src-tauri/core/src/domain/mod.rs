//! The nouns of the SOP: tickets, users, levels, teams, priorities, criteria,
//! escalation types and reasons, exceptions.
//!
//! Every closed set of values is a [`vocabulary!`] enum with one stable
//! snake-case code used on the wire, in the database and on the command line.

#[macro_use]
mod vocabulary;
mod glossary;
mod ids;
mod queue;
mod sop;
mod ticket;
mod user;

pub use glossary::{Glossary, ReasonTerm, Term};
pub use ids::{EventId, TicketId, UserId};
pub use queue::{Queue, TicketSort};
pub use sop::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    ExceptionKind, Level, Priority, Role, Status, Team,
};
pub use ticket::{
    Attachment, CustomerUpdate, CustomerWait, Documentation, Escalation, ExceptionRecord,
    InfoExchange, InternalNote, ManagementEscalation, Resolution, Ticket, TroubleshootingStep,
};
pub use user::User;
pub use vocabulary::UnknownValue;
