//! Domain events: the append-only record of everything that happened to a
//! ticket. The log is the source of truth; every projection is derived from it.
//!
//! An event's payload is stored as the JSON of its [`EventBody`] (without the
//! `kind` tag, which has its own column). Fields are only ever added, with
//! serde defaults, so old streams keep replaying.

use crate::domain::{
    AttachmentKind, Category, CommunicationChannel, Criterion, Documentation, EscalationReason,
    EscalationType, EventId, ExceptionKind, Priority, Team, TicketId, UserId,
};
use crate::official::OfficialChannel;
use crate::rules::Violation;
use crate::sla::Target;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One stored event, with its place in the ticket's hash chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Event {
    pub id: EventId,
    pub ticket_id: TicketId,
    /// 1-based position in the ticket's stream.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: UserId,
    #[serde(flatten)]
    pub body: EventBody,
    pub prev_hash: String,
    pub hash: String,
}

/// What happened. The variant name is the event `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "payload")]
pub enum EventBody {
    TicketOpened(TicketOpened),
    DocumentationUpdated(DocumentationChange),
    TroubleshootingRecorded(TroubleshootingRecorded),
    AttachmentAdded(AttachmentAdded),
    PriorityChanged(PriorityChanged),
    /// An escalation the rules refused, kept so refusals can be reported on
    /// (SOP §6 Step 2: "Incomplete tickets must not be escalated").
    EscalationRefused(EscalationRefused),
    ExceptionApproved(ExceptionApproved),
    Escalated(EscalationRecord),
    ManagementEscalated(ManagementEscalated),
    ManagementEscalationTaken,
    Acknowledged,
    InfoRequested(InfoRequested),
    InfoProvided(InfoProvided),
    ResolutionProposed(ResolutionProposed),
    FixRejected(FixRejected),
    FixValidated(Remark),
    CustomerConfirmed(Remark),
    ResolutionNotesWritten(ResolutionNotesWritten),
    MovedToMonitoring(MovedToMonitoring),
    Closed(Remark),
    Reopened(Reopened),
    NoteAdded(NoteAdded),
    CustomerUpdateSent(CustomerUpdateSent),
    /// The team asked the customer for something; the SLA clocks that wait
    /// on the customer stop until they answer.
    WaitingOnCustomer(WaitingOnCustomer),
    CustomerResponded(Remark),
    /// An SLA warning point was reached (recorded once, by the scheduler).
    SlaWarned(SlaAlert),
    /// An SLA target's deadline passed before it was met.
    SlaBreached(SlaAlert),
    /// SOP §6 Step 4 / §8 P1: management is told through an official channel.
    /// Recorded with the `ManagementEscalated` it announces: the outbox.
    OfficialNotificationQueued(OfficialNotificationQueued),
    /// One delivery attempt of a queued official notification succeeded.
    OfficialNotificationDelivered(OfficialNotificationDelivered),
    /// One delivery attempt failed; retried at `next_attempt_at`, or given up.
    OfficialNotificationFailed(OfficialNotificationFailed),
}

impl EventBody {
    /// The `kind` column value, e.g. `Escalated`.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::TicketOpened(_) => "TicketOpened",
            EventBody::DocumentationUpdated(_) => "DocumentationUpdated",
            EventBody::TroubleshootingRecorded(_) => "TroubleshootingRecorded",
            EventBody::AttachmentAdded(_) => "AttachmentAdded",
            EventBody::PriorityChanged(_) => "PriorityChanged",
            EventBody::EscalationRefused(_) => "EscalationRefused",
            EventBody::ExceptionApproved(_) => "ExceptionApproved",
            EventBody::Escalated(_) => "Escalated",
            EventBody::ManagementEscalated(_) => "ManagementEscalated",
            EventBody::ManagementEscalationTaken => "ManagementEscalationTaken",
            EventBody::Acknowledged => "Acknowledged",
            EventBody::InfoRequested(_) => "InfoRequested",
            EventBody::InfoProvided(_) => "InfoProvided",
            EventBody::ResolutionProposed(_) => "ResolutionProposed",
            EventBody::FixRejected(_) => "FixRejected",
            EventBody::FixValidated(_) => "FixValidated",
            EventBody::CustomerConfirmed(_) => "CustomerConfirmed",
            EventBody::ResolutionNotesWritten(_) => "ResolutionNotesWritten",
            EventBody::MovedToMonitoring(_) => "MovedToMonitoring",
            EventBody::Closed(_) => "Closed",
            EventBody::Reopened(_) => "Reopened",
            EventBody::NoteAdded(_) => "NoteAdded",
            EventBody::CustomerUpdateSent(_) => "CustomerUpdateSent",
            EventBody::WaitingOnCustomer(_) => "WaitingOnCustomer",
            EventBody::CustomerResponded(_) => "CustomerResponded",
            EventBody::SlaWarned(_) => "SlaWarned",
            EventBody::SlaBreached(_) => "SlaBreached",
            EventBody::OfficialNotificationQueued(_) => "OfficialNotificationQueued",
            EventBody::OfficialNotificationDelivered(_) => "OfficialNotificationDelivered",
            EventBody::OfficialNotificationFailed(_) => "OfficialNotificationFailed",
        }
    }

    /// The payload as stored: the JSON of the variant's data (`null` for none).
    pub fn payload_json(&self) -> serde_json::Result<String> {
        let tagged = serde_json::to_value(self)?;
        let payload = tagged
            .get("payload")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        serde_json::to_string(&payload)
    }

    /// Rebuilds a body from its stored `kind` and payload.
    pub fn from_stored(kind: &str, payload: &str) -> serde_json::Result<Self> {
        let payload: serde_json::Value = serde_json::from_str(payload)?;
        let mut tagged = serde_json::Map::new();
        tagged.insert("kind".into(), kind.into());
        if !payload.is_null() {
            tagged.insert("payload".into(), payload);
        }
        serde_json::from_value(serde_json::Value::Object(tagged))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketOpened {
    pub key: String,
    pub number: u64,
    pub customer: String,
    #[serde(default)]
    pub customer_contact: Option<String>,
    pub priority: Option<Priority>,
    pub documentation: Documentation,
}

/// Only the fields that changed are present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DocumentationChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_to_reproduce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_contact: Option<String>,
}

impl DocumentationChange {
    pub fn is_empty(&self) -> bool {
        self == &DocumentationChange::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TroubleshootingRecorded {
    pub action: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttachmentAdded {
    pub sha256: String,
    pub file_name: String,
    pub kind: AttachmentKind,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PriorityChanged {
    pub from: Option<Priority>,
    pub to: Priority,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EscalationRefused {
    pub escalation_type: Option<EscalationType>,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExceptionApproved {
    pub kind: ExceptionKind,
    pub reason: String,
}

/// The accepted L1 → L2 hand-over, with everything §6 Step 3 set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EscalationRecord {
    pub escalation_type: EscalationType,
    pub criteria: Vec<Criterion>,
    pub reasons: Vec<EscalationReason>,
    pub category: Category,
    pub team: Team,
    pub priority: Priority,
    pub sla_policy: String,
    /// SOP §8 P3: the L1 confirmation, when given.
    #[serde(default)]
    pub l1_confirmation: Option<String>,
    /// SOP §8 P4: why escalation is required, when given.
    #[serde(default)]
    pub justification: Option<String>,
    /// SOP §11: the open escalation this one was linked to.
    #[serde(default)]
    pub linked_to: Option<TicketId>,
    /// SOP §11: why a similar open escalation was overridden.
    #[serde(default)]
    pub duplicate_override: Option<String>,
    /// SOP §12: the exception this escalation used.
    #[serde(default)]
    pub exception: Option<ExceptionUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExceptionUse {
    pub kind: ExceptionKind,
    pub reason: String,
    /// Rule ids that would have refused the escalation without the exception.
    pub waived_rules: Vec<String>,
}

/// SOP §5.3 (and §8 P1: "management notification").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ManagementEscalated {
    pub reasons: Vec<EscalationReason>,
    pub note: String,
    /// Raised by the SOP itself (a P1 escalation) rather than by a person.
    #[serde(default)]
    pub automatic: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InfoRequested {
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InfoProvided {
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResolutionProposed {
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FixRejected {
    pub reason: String,
}

/// A closure step with an optional comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Remark {
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResolutionNotesWritten {
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MovedToMonitoring {
    pub until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Reopened {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NoteAdded {
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerUpdateSent {
    pub channel: CommunicationChannel,
    pub body: String,
    #[serde(default)]
    pub subject: String,
    /// SOP §7: the leak check's findings that were overridden, and why.
    #[serde(default)]
    pub leak_override: Option<LeakOverride>,
    /// Sent by Escalator over SMTP: to whom, and the Message-ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<SentEmail>,
}

/// A customer e-mail the mail server accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SentEmail {
    pub to: Vec<String>,
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LeakOverride {
    pub reason: String,
    /// What was found: "hostname: db-prod-03.internal".
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WaitingOnCustomer {
    /// What the team asked the customer for.
    pub reason: String,
}

/// One warning point or breach of one run of an SLA target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SlaAlert {
    pub target: Target,
    /// Which run of the target (a customer update or a reopening starts a new one).
    pub cycle: u32,
    /// The warning point as configured ("75%", "15m before"); "breach" for a breach.
    pub threshold: String,
    pub policy: String,
    /// When the point was reached; the event itself is dated when it was recorded.
    pub reached_at: DateTime<Utc>,
    /// The target's deadline.
    pub due: DateTime<Utc>,
}

/// An official notification to send (see `docs/official-channels.md`). The
/// text is fixed when it is queued, so what was sent is what the log says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfficialNotificationQueued {
    pub channel: OfficialChannel,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfficialNotificationDelivered {
    pub channel: OfficialChannel,
    /// The seq of the `OfficialNotificationQueued` event delivered.
    pub queued: u64,
    /// 1-based.
    pub attempt: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfficialNotificationFailed {
    pub channel: OfficialChannel,
    /// The seq of the `OfficialNotificationQueued` event attempted.
    pub queued: u64,
    /// 1-based.
    pub attempt: u32,
    /// What the mail server, the webhook or the configuration said.
    pub error: String,
    /// When it is tried again; `None` once it is given up (24 hours after it
    /// was queued). A given-up notification stays listed, never dropped.
    pub next_attempt_at: Option<DateTime<Utc>>,
}
