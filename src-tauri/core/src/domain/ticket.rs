//! A ticket as the SOP sees it, folded from its event stream.
//!
//! [`Ticket::replay`] is the only way a ticket comes to be: the projections,
//! the rules and the tests all derive it from the log, so there is one
//! definition of what each event means.

use super::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    ExceptionKind, Level, Priority, Status, Team, TicketId, UserId,
};
use crate::commands::standard_sla_policy;
use crate::events::{EscalationRecord, Event, EventBody};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Ticket {
    pub id: TicketId,
    /// The human key, `ESC-42`.
    pub key: String,
    pub number: u64,
    /// SOP §9: the L1 engineer who opened the ticket owns it to the end.
    pub owner: UserId,
    pub customer: String,
    pub customer_contact: Option<String>,
    pub priority: Option<Priority>,
    pub documentation: Documentation,
    pub troubleshooting: Vec<TroubleshootingStep>,
    pub attachments: Vec<Attachment>,
    pub status: Status,
    pub level: Level,
    pub category: Option<Category>,
    pub team: Option<Team>,
    /// The L2 engineer who acknowledged the escalation.
    pub assignee: Option<UserId>,
    pub escalation: Option<Escalation>,
    pub management: Option<ManagementEscalation>,
    pub info_exchanges: Vec<InfoExchange>,
    pub resolution: Option<Resolution>,
    pub exceptions: Vec<ExceptionRecord>,
    /// SOP §11: open escalations this ticket was linked to instead of duplicating.
    pub linked_to: Vec<TicketId>,
    pub notes: Vec<InternalNote>,
    pub customer_updates: Vec<CustomerUpdate>,
    /// The team waits on the customer (SOP §7); some SLA clocks stop meanwhile.
    #[serde(default)]
    pub waiting_on_customer: Option<CustomerWait>,
    pub reopen_count: u32,
    pub monitoring_until: Option<DateTime<Utc>>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// SOP §6 Step 2: what the escalation documentation must contain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Documentation {
    pub summary: String,
    pub product: String,
    pub impact: String,
    pub steps_to_reproduce: String,
    pub environment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TroubleshootingStep {
    pub action: String,
    pub outcome: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// A file copied into the data directory, addressed by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Attachment {
    pub sha256: String,
    pub file_name: String,
    pub kind: AttachmentKind,
    pub size: u64,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Escalation {
    pub escalation_type: EscalationType,
    pub criteria: Vec<Criterion>,
    pub reasons: Vec<EscalationReason>,
    pub sla_policy: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// SOP §5.3: the ticket has been raised to an L3 lead or manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ManagementEscalation {
    pub reasons: Vec<EscalationReason>,
    pub note: String,
    pub raised_by: UserId,
    pub raised_at: DateTime<Utc>,
    /// The L3 user who took it, once taken.
    pub manager: Option<UserId>,
    pub taken_at: Option<DateTime<Utc>>,
}

/// SOP §6 Step 5: L2 asked L1 for more, and L1's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InfoExchange {
    pub question: String,
    pub asked_by: UserId,
    pub asked_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// SOP §10: the proposed fix and each closure step, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Resolution {
    pub summary: String,
    pub proposed_by: UserId,
    pub proposed_at: DateTime<Utc>,
    pub validated_at: Option<DateTime<Utc>>,
    pub customer_confirmed_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
}

/// SOP §12: an exception used or approved, with who, why and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExceptionRecord {
    pub kind: ExceptionKind,
    pub reason: String,
    /// The L3 approver of an emergency; `None` for a major outage.
    pub approved_by: Option<UserId>,
    pub at: DateTime<Utc>,
    /// Whether an escalation has used it (an approval is used once).
    pub used: bool,
    /// The rules the exception set aside when it was used.
    pub waived_rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InternalNote {
    pub body: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerWait {
    pub reason: String,
    pub by: UserId,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerUpdate {
    pub channel: CommunicationChannel,
    pub subject: String,
    pub body: String,
    /// The recipients, when Escalator sent it by e-mail.
    pub to: Vec<String>,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

impl Ticket {
    /// Folds a stream into the ticket it describes. `None` for an empty stream
    /// or one that does not start with `TicketOpened`.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Option<Ticket> {
        let mut events = events.into_iter();
        let mut ticket = Ticket::opened(events.next()?)?;
        for event in events {
            ticket.apply(event);
        }
        Some(ticket)
    }

    fn opened(event: &Event) -> Option<Ticket> {
        let EventBody::TicketOpened(opened) = &event.body else {
            return None;
        };
        Some(Ticket {
            id: event.ticket_id,
            key: opened.key.clone(),
            number: opened.number,
            owner: event.actor,
            customer: opened.customer.clone(),
            customer_contact: opened.customer_contact.clone(),
            priority: opened.priority,
            documentation: opened.documentation.clone(),
            troubleshooting: Vec::new(),
            attachments: Vec::new(),
            status: Status::Open,
            level: Level::L1,
            category: None,
            team: None,
            assignee: None,
            escalation: None,
            management: None,
            info_exchanges: Vec::new(),
            resolution: None,
            exceptions: Vec::new(),
            linked_to: Vec::new(),
            notes: Vec::new(),
            customer_updates: Vec::new(),
            waiting_on_customer: None,
            reopen_count: 0,
            monitoring_until: None,
            opened_at: event.at,
            updated_at: event.at,
            closed_at: None,
        })
    }

    /// Applies one event. Events were accepted by the rules, so this never
    /// refuses; it only records what happened.
    pub fn apply(&mut self, event: &Event) {
        let (by, at) = (event.actor, event.at);
        // A refused escalation is audit history only: it changes nothing about
        // the ticket, so a refused command leaves the projections untouched.
        // SLA alerts are read by the SLA fold (`sla::TicketSla`), not here.
        // Official notifications are the outbox's (`official`), not the ticket's.
        if matches!(
            event.body,
            EventBody::EscalationRefused(_)
                | EventBody::SlaWarned(_)
                | EventBody::SlaBreached(_)
                | EventBody::OfficialNotificationQueued(_)
                | EventBody::OfficialNotificationDelivered(_)
                | EventBody::OfficialNotificationFailed(_)
        ) {
            return;
        }
        self.updated_at = at;
        match &event.body {
            EventBody::TicketOpened(_)
            | EventBody::EscalationRefused(_)
            | EventBody::SlaWarned(_)
            | EventBody::SlaBreached(_)
            | EventBody::OfficialNotificationQueued(_)
            | EventBody::OfficialNotificationDelivered(_)
            | EventBody::OfficialNotificationFailed(_) => {}
            EventBody::DocumentationUpdated(change) => {
                let doc = &mut self.documentation;
                let fields = [
                    (&change.summary, &mut doc.summary),
                    (&change.product, &mut doc.product),
                    (&change.impact, &mut doc.impact),
                    (&change.steps_to_reproduce, &mut doc.steps_to_reproduce),
                    (&change.environment, &mut doc.environment),
                ];
                for (new, old) in fields {
                    if let Some(new) = new {
                        old.clone_from(new);
                    }
                }
                if let Some(contact) = &change.customer_contact {
                    self.customer_contact = Some(contact.clone()).filter(|c| !c.is_empty());
                }
            }
            EventBody::TroubleshootingRecorded(step) => {
                self.troubleshooting.push(TroubleshootingStep {
                    action: step.action.clone(),
                    outcome: step.outcome.clone(),
                    by,
                    at,
                })
            }
            EventBody::AttachmentAdded(file) => self.attachments.push(Attachment {
                sha256: file.sha256.clone(),
                file_name: file.file_name.clone(),
                kind: file.kind,
                size: file.size,
                by,
                at,
            }),
            EventBody::PriorityChanged(change) => {
                self.priority = Some(change.to);
                // §6 Step 3: the SLA follows the priority.
                if let Some(escalation) = &mut self.escalation {
                    escalation.sla_policy = standard_sla_policy(change.to);
                }
            }
            EventBody::ExceptionApproved(approval) => self.exceptions.push(ExceptionRecord {
                kind: approval.kind,
                reason: approval.reason.clone(),
                approved_by: Some(by),
                at,
                used: false,
                waived_rules: Vec::new(),
            }),
            EventBody::Escalated(escalated) => self.escalated(escalated, by, at),
            EventBody::ManagementEscalated(raised) => {
                self.level = Level::L3;
                self.management = Some(ManagementEscalation {
                    reasons: raised.reasons.clone(),
                    note: raised.note.clone(),
                    raised_by: by,
                    raised_at: at,
                    manager: None,
                    taken_at: None,
                });
            }
            EventBody::ManagementEscalationTaken => {
                if let Some(management) = &mut self.management {
                    management.manager = Some(by);
                    management.taken_at = Some(at);
                }
            }
            EventBody::Acknowledged => {
                self.status = Status::Investigating;
                self.assignee = Some(by);
                if let Some(escalation) = &mut self.escalation {
                    escalation.acknowledged_at.get_or_insert(at);
                }
            }
            EventBody::InfoRequested(request) => {
                self.status = Status::AwaitingInfo;
                self.info_exchanges.push(InfoExchange {
                    question: request.question.clone(),
                    asked_by: by,
                    asked_at: at,
                    answer: None,
                    answered_at: None,
                });
            }
            EventBody::InfoProvided(reply) => {
                self.status = Status::Investigating;
                if let Some(open) = self.pending_info_request_mut() {
                    open.answer = Some(reply.answer.clone());
                    open.answered_at = Some(at);
                }
            }
            EventBody::ResolutionProposed(proposal) => {
                self.status = Status::ResolutionProposed;
                self.resolution = Some(Resolution {
                    summary: proposal.summary.clone(),
                    proposed_by: by,
                    proposed_at: at,
                    validated_at: None,
                    customer_confirmed_at: None,
                    notes: None,
                });
            }
            EventBody::FixRejected(_) => {
                self.status = if self.escalation.is_some() {
                    Status::Investigating
                } else {
                    Status::Open
                };
                self.resolution = None;
            }
            EventBody::FixValidated(_) => {
                self.status = Status::FixValidated;
                if let Some(resolution) = &mut self.resolution {
                    resolution.validated_at = Some(at);
                }
            }
            EventBody::CustomerConfirmed(_) => {
                self.status = Status::CustomerConfirmed;
                if let Some(resolution) = &mut self.resolution {
                    resolution.customer_confirmed_at = Some(at);
                }
            }
            EventBody::ResolutionNotesWritten(notes) => {
                if let Some(resolution) = &mut self.resolution {
                    resolution.notes = Some(notes.notes.clone());
                }
            }
            EventBody::MovedToMonitoring(monitoring) => {
                self.status = Status::Monitoring;
                self.monitoring_until = monitoring.until;
            }
            EventBody::Closed(_) => {
                self.status = Status::Closed;
                self.waiting_on_customer = None;
                self.closed_at = Some(at);
                self.monitoring_until = None;
            }
            EventBody::Reopened(_) => {
                self.reopen_count += 1;
                self.resolution = None;
                self.closed_at = None;
                self.monitoring_until = None;
                self.status = if self.escalation.is_some() {
                    Status::Escalated
                } else {
                    Status::Open
                };
                if let Some(escalation) = &mut self.escalation {
                    escalation.acknowledged_at = None;
                }
                if self.escalation.is_some() {
                    self.assignee = None;
                }
            }
            EventBody::NoteAdded(note) => self.notes.push(InternalNote {
                body: note.body.clone(),
                by,
                at,
            }),
            EventBody::CustomerUpdateSent(update) => self.customer_updates.push(CustomerUpdate {
                channel: update.channel,
                subject: update.subject.clone(),
                body: update.body.clone(),
                to: update
                    .email
                    .as_ref()
                    .map(|email| email.to.clone())
                    .unwrap_or_default(),
                by,
                at,
            }),
            EventBody::WaitingOnCustomer(wait) => {
                self.waiting_on_customer = Some(CustomerWait {
                    reason: wait.reason.clone(),
                    by,
                    since: at,
                })
            }
            EventBody::CustomerResponded(_) => self.waiting_on_customer = None,
        }
    }

    fn escalated(&mut self, escalated: &EscalationRecord, by: UserId, at: DateTime<Utc>) {
        self.status = Status::Escalated;
        self.level = Level::L2;
        self.priority = Some(escalated.priority);
        self.category = Some(escalated.category);
        self.team = Some(escalated.team);
        self.assignee = None;
        self.escalation = Some(Escalation {
            escalation_type: escalated.escalation_type,
            criteria: escalated.criteria.clone(),
            reasons: escalated.reasons.clone(),
            sla_policy: escalated.sla_policy.clone(),
            by,
            at,
            acknowledged_at: None,
        });
        if let Some(linked) = escalated.linked_to {
            if !self.linked_to.contains(&linked) {
                self.linked_to.push(linked);
            }
        }
        if let Some(exception) = &escalated.exception {
            let approved = self
                .exceptions
                .iter_mut()
                .find(|record| record.kind == exception.kind && !record.used);
            match approved {
                Some(record) => {
                    record.used = true;
                    record.waived_rules.clone_from(&exception.waived_rules);
                }
                None => self.exceptions.push(ExceptionRecord {
                    kind: exception.kind,
                    reason: exception.reason.clone(),
                    approved_by: None,
                    at,
                    used: true,
                    waived_rules: exception.waived_rules.clone(),
                }),
            }
        }
    }

    /// SOP §6 Step 5: the question L2 is waiting on L1 to answer.
    pub fn pending_info_request(&self) -> Option<&InfoExchange> {
        self.info_exchanges
            .iter()
            .rev()
            .find(|exchange| exchange.answer.is_none())
    }

    fn pending_info_request_mut(&mut self) -> Option<&mut InfoExchange> {
        self.info_exchanges
            .iter_mut()
            .rev()
            .find(|exchange| exchange.answer.is_none())
    }

    /// SOP §12: an emergency approval not yet used by an escalation.
    pub fn unused_approval(&self, kind: ExceptionKind) -> Option<&ExceptionRecord> {
        self.exceptions
            .iter()
            .find(|record| record.kind == kind && !record.used && record.approved_by.is_some())
    }

    pub fn has_evidence(&self) -> bool {
        self.attachments.iter().any(|file| file.kind.is_evidence())
    }
}
