//! A ticket's history told as people read it: who did what, and when.
//!
//! The UI's timeline and the CLI's `history` both render events through
//! [`describe`], so there is one wording for each kind of event. Internal
//! notes and customer communication are marked, so the UI can keep them apart
//! (SOP §7: avoid internal details in customer communication).

use crate::domain::{EscalationReason, User, UserId};
use crate::events::{Event, EventBody};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;

/// Who sees an entry's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Part of the ticket's record for everyone at the desk.
    Record,
    /// An internal note: never sent to the customer.
    Internal,
    /// Something said to the customer.
    Customer,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TimelineEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: UserId,
    /// The actor's display name (or handle, for a user no longer listed).
    pub actor_name: String,
    pub kind: &'static str,
    /// One line: "Escalated to the Software team (P1)".
    pub title: String,
    /// The text the event carries, if any: a question, an answer, a note.
    pub detail: Option<String>,
    pub audience: Audience,
}

/// Renders a stream for display, oldest first.
pub fn describe_all(events: &[Event], users: &[User]) -> Vec<TimelineEntry> {
    let names: HashMap<UserId, &User> = users.iter().map(|user| (user.id, user)).collect();
    events.iter().map(|event| describe(event, &names)).collect()
}

pub fn describe(event: &Event, users: &HashMap<UserId, &User>) -> TimelineEntry {
    let name = |id: &UserId| {
        users
            .get(id)
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| {
                if *id == User::system_id() {
                    "Escalator".into()
                } else {
                    id.to_string()
                }
            })
    };
    let text = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
    let mut audience = Audience::Record;
    let (title, detail) = match &event.body {
        EventBody::TicketOpened(opened) => (
            format!("Opened {} for {}", opened.key, opened.customer),
            text(&opened.documentation.summary),
        ),
        EventBody::DocumentationUpdated(change) => {
            let mut fields = Vec::new();
            for (present, label) in [
                (change.summary.is_some(), "summary"),
                (change.product.is_some(), "product"),
                (change.impact.is_some(), "impact"),
                (change.steps_to_reproduce.is_some(), "steps to reproduce"),
                (change.environment.is_some(), "environment"),
                (change.customer_contact.is_some(), "customer contact"),
            ] {
                if present {
                    fields.push(label);
                }
            }
            (format!("Updated the {}", fields.join(", ")), None)
        }
        EventBody::TroubleshootingRecorded(step) => (
            "Recorded a troubleshooting step".into(),
            Some(match step.outcome.trim() {
                "" => step.action.clone(),
                outcome => format!("{} → {outcome}", step.action),
            }),
        ),
        EventBody::AttachmentAdded(file) => (
            format!(
                "Attached {} ({})",
                file.file_name,
                file.kind.label().to_lowercase()
            ),
            None,
        ),
        EventBody::PriorityChanged(change) => (
            format!(
                "Changed the priority {} → {}",
                change.from.map_or("untriaged", |p| p.code()),
                change.to.code()
            ),
            text(&change.reason),
        ),
        EventBody::EscalationRefused(refused) => (
            format!(
                "Escalation refused: {} SOP rule(s) not met",
                refused.violations.len()
            ),
            Some(
                refused
                    .violations
                    .iter()
                    .map(|v| format!("{} ({})", v.message, v.clause))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ),
        EventBody::ExceptionApproved(approval) => (
            format!("Approved an exception: {}", approval.kind.label()),
            text(&approval.reason),
        ),
        EventBody::Escalated(record) => {
            let exception = record
                .exception
                .as_ref()
                .map(|e| format!(" under the {} exception", e.kind.code().replace('_', " ")))
                .unwrap_or_default();
            (
                format!(
                    "Escalated to the {} team ({}, {}){exception}",
                    record.team.label(),
                    record.priority.code(),
                    record.escalation_type.label()
                ),
                Some(
                    record
                        .criteria
                        .iter()
                        .map(|c| c.label())
                        .chain(record.reasons.iter().map(|r| r.label()))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            )
        }
        EventBody::ManagementEscalated(raised) => (
            if raised.automatic
                && raised
                    .reasons
                    .contains(&EscalationReason::SlaBreachImminent)
            {
                "Escalated to management: the SLA is about to breach (SOP §5.3)".to_string()
            } else if raised.automatic {
                "Management notified (P1, SOP §8)".to_string()
            } else {
                "Escalated to management (SOP §5.3)".to_string()
            },
            Some(
                raised
                    .reasons
                    .iter()
                    .map(|r| r.label().to_string())
                    .chain(text(&raised.note))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
        EventBody::ManagementEscalationTaken => ("Took the management escalation".into(), None),
        EventBody::Acknowledged => ("Acknowledged the escalation".into(), None),
        EventBody::InfoRequested(request) => {
            ("Asked L1 for information".into(), text(&request.question))
        }
        EventBody::InfoProvided(reply) => (
            "Provided the information requested".into(),
            text(&reply.answer),
        ),
        EventBody::ResolutionProposed(proposal) => {
            ("Proposed a resolution".into(), text(&proposal.summary))
        }
        EventBody::FixRejected(rejected) => (
            "The fix did not work: sent back".into(),
            text(&rejected.reason),
        ),
        EventBody::FixValidated(remark) => ("Validated the fix".into(), text(&remark.note)),
        EventBody::CustomerConfirmed(remark) => {
            ("The customer confirmed the fix".into(), text(&remark.note))
        }
        EventBody::ResolutionNotesWritten(notes) => {
            ("Wrote the resolution notes".into(), text(&notes.notes))
        }
        EventBody::MovedToMonitoring(monitoring) => (
            match monitoring.until {
                Some(until) => format!(
                    "Moved to monitoring until {}",
                    until.format("%Y-%m-%d %H:%M UTC")
                ),
                None => "Moved to monitoring".into(),
            },
            text(&monitoring.note),
        ),
        EventBody::Closed(remark) => ("Closed the ticket".into(), text(&remark.note)),
        EventBody::Reopened(reopened) => ("Reopened the ticket".into(), text(&reopened.reason)),
        EventBody::NoteAdded(note) => {
            audience = Audience::Internal;
            ("Added an internal note".into(), text(&note.body))
        }
        EventBody::CustomerUpdateSent(update) => {
            audience = Audience::Customer;
            (
                match &update.email {
                    Some(email) => format!("E-mailed the customer ({})", email.to.join(", ")),
                    None => format!(
                        "Updated the customer ({})",
                        update.channel.label().to_lowercase()
                    ),
                },
                text(&update.body),
            )
        }
        EventBody::WaitingOnCustomer(wait) => (
            "Waiting on the customer: SLA clocks paused".into(),
            text(&wait.reason),
        ),
        EventBody::CustomerResponded(remark) => (
            "The customer responded: SLA clocks running again".into(),
            text(&remark.note),
        ),
        EventBody::SlaWarned(alert) => (
            format!(
                "SLA warning: {} {} (due {})",
                alert.target.label(),
                describe_threshold(&alert.threshold),
                alert.due.format("%Y-%m-%d %H:%M UTC")
            ),
            None,
        ),
        EventBody::SlaBreached(alert) => (
            format!(
                "SLA breached: {} was due {}",
                alert.target.label(),
                alert.due.format("%Y-%m-%d %H:%M UTC")
            ),
            None,
        ),
        EventBody::OfficialNotificationQueued(queued) => (
            format!(
                "Official {} notification to management queued (SOP §6 Step 4)",
                queued.channel
            ),
            text(&queued.subject),
        ),
        EventBody::OfficialNotificationDelivered(delivered) => (
            format!(
                "Official {} notification delivered (attempt {})",
                delivered.channel, delivered.attempt
            ),
            None,
        ),
        EventBody::OfficialNotificationFailed(failed) => (
            match failed.next_attempt_at {
                Some(next) => format!(
                    "Official {} notification failed (attempt {}); retrying at {}",
                    failed.channel,
                    failed.attempt,
                    next.format("%Y-%m-%d %H:%M UTC")
                ),
                None => format!(
                    "Official {} notification NOT delivered: given up after {} attempts",
                    failed.channel, failed.attempt
                ),
            },
            text(&failed.error),
        ),
    };
    TimelineEntry {
        seq: event.seq,
        at: event.at,
        actor: event.actor,
        actor_name: name(&event.actor),
        kind: event.body.kind(),
        title,
        detail,
        audience,
    }
}

/// "75%" → "75% of the time used"; "15m before" → "15m before the deadline".
fn describe_threshold(threshold: &str) -> String {
    if threshold.ends_with('%') {
        format!("{threshold} of the time used")
    } else {
        format!("{threshold} the deadline")
    }
}
