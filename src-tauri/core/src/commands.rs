//! Commands: what a person asks the desk to do to a ticket.
//!
//! A command is a request, not a fact. [`crate::rules::decide`] turns it into
//! events or refuses it with every violation at once. Commands deserialize
//! from JSON (`{"type": "acknowledge"}`), the same shape the UI and the CLI's
//! `--request` files use.

use crate::domain::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    ExceptionKind, Priority, Team, TicketId,
};
use crate::events::{DocumentationChange, SentEmail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The intake form: everything L1 knows when a ticket is opened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub customer: String,
    #[serde(default)]
    pub customer_contact: Option<String>,
    pub summary: String,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub impact: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub steps_to_reproduce: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Owner: edit the §6 Step 2 documentation.
    UpdateDocumentation(DocumentationChange),
    /// Owner: §6 Step 1, one troubleshooting step performed and its outcome.
    RecordTroubleshooting { action: String, outcome: String },
    /// Anyone on the ticket: a file already copied into the attachment store.
    AddAttachment {
        sha256: String,
        file_name: String,
        kind: AttachmentKind,
        size: u64,
    },
    /// Owner (while at L1) or an L3 lead: set the priority (§8).
    ChangePriority { priority: Priority, reason: String },
    /// L3: §12 approve an emergency bypass of the standard timelines.
    ApproveException { kind: ExceptionKind, reason: String },
    /// Owner: §6 Steps 1–4, or a §5.3 management escalation.
    Escalate(EscalationRequest),
    /// L3: take a management escalation (§5.3).
    TakeManagementEscalation {},
    /// L2 of the assigned team, or L3: §6 Step 5, the team picked it up.
    /// (Empty braces, not a unit variant, so unknown fields are refused.)
    Acknowledge {},
    /// The L2 assignee or L3: ask L1 for more information (§6 Step 5).
    RequestInfo { question: String },
    /// Owner: answer the pending request (§6 Step 5).
    ProvideInfo { answer: String },
    /// L2/L3 (or the owner of a ticket never escalated): §9, §10.
    ProposeResolution { summary: String },
    /// Owner: §10 step 1, validate the fix; `works: false` sends it back.
    ValidateFix {
        works: bool,
        #[serde(default)]
        note: String,
    },
    /// Owner: §10 step 2.
    ConfirmWithCustomer {
        #[serde(default)]
        note: String,
    },
    /// Owner: §10 step 3.
    WriteResolutionNotes { notes: String },
    /// Owner: §10 step 4.
    Close {
        #[serde(default)]
        note: String,
    },
    /// Owner: §10 step 4, watch for recurrence before closing.
    MoveToMonitoring {
        #[serde(default)]
        until: Option<DateTime<Utc>>,
        #[serde(default)]
        note: String,
    },
    /// Owner or L3: the fix did not hold.
    Reopen { reason: String },
    /// Anyone: an internal note, never shown to the customer.
    AddNote { body: String },
    /// Owner only (§9): record an update sent to the customer (§7).
    RecordCustomerUpdate {
        channel: CommunicationChannel,
        body: String,
        #[serde(default)]
        subject: String,
        /// SOP §7: why the message goes out although the leak check found
        /// internal details in it.
        #[serde(default)]
        leak_override: Option<String>,
        /// Channel `smtp` only: the message as the mail server accepted it.
        /// Set by [`crate::Desk::send_customer_email`], which sends first.
        #[serde(default)]
        email: Option<SentEmail>,
    },
    /// Owner (§9): the team waits on the customer; SLA clocks that wait on
    /// the customer stop.
    WaitOnCustomer { reason: String },
    /// Owner: the customer answered; the stopped clocks run again.
    CustomerResponded {
        #[serde(default)]
        note: String,
    },
}

impl Command {
    /// The `verb_noun` name used in logs and errors.
    pub fn name(&self) -> &'static str {
        match self {
            Command::UpdateDocumentation(_) => "update_documentation",
            Command::RecordTroubleshooting { .. } => "record_troubleshooting",
            Command::AddAttachment { .. } => "add_attachment",
            Command::ChangePriority { .. } => "change_priority",
            Command::ApproveException { .. } => "approve_exception",
            Command::Escalate(_) => "escalate",
            Command::TakeManagementEscalation {} => "take_management_escalation",
            Command::Acknowledge {} => "acknowledge",
            Command::RequestInfo { .. } => "request_info",
            Command::ProvideInfo { .. } => "provide_info",
            Command::ProposeResolution { .. } => "propose_resolution",
            Command::ValidateFix { .. } => "validate_fix",
            Command::ConfirmWithCustomer { .. } => "confirm_with_customer",
            Command::WriteResolutionNotes { .. } => "write_resolution_notes",
            Command::Close { .. } => "close",
            Command::MoveToMonitoring { .. } => "move_to_monitoring",
            Command::Reopen { .. } => "reopen",
            Command::AddNote { .. } => "add_note",
            Command::RecordCustomerUpdate { .. } => "record_customer_update",
            Command::WaitOnCustomer { .. } => "wait_on_customer",
            Command::CustomerResponded { .. } => "customer_responded",
        }
    }
}

/// SOP §6 Steps 1–4 in one request. Missing pieces are violations, not parse
/// errors, so a half-filled wizard gets every problem listed at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EscalationRequest {
    pub escalation_type: Option<EscalationType>,
    /// §4: at least one.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// §5: reasons of the chosen type.
    #[serde(default)]
    pub reasons: Vec<EscalationReason>,
    /// §6 Step 3.
    #[serde(default)]
    pub category: Option<Category>,
    #[serde(default)]
    pub team: Option<Team>,
    /// Defaults to the ticket's priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Defaults to the priority's standard policy (`standard-p2`, …).
    #[serde(default)]
    pub sla_policy: Option<String>,
    /// §6 Step 1: "Complete all L1 troubleshooting steps".
    #[serde(default)]
    pub troubleshooting_complete: bool,
    /// §6 Step 1: "Ensure issue cannot be resolved at L1".
    #[serde(default)]
    pub cannot_resolve_at_l1: bool,
    /// §8 P3: "Escalate after L1 confirmation".
    #[serde(default)]
    pub l1_confirmation: Option<String>,
    /// §8 P4: "Escalate if required": why it is.
    #[serde(default)]
    pub justification: Option<String>,
    /// §11: link to this open escalation instead of duplicating it.
    #[serde(default)]
    pub link_to: Option<TicketId>,
    /// §11: escalate although a similar one is open, and why.
    #[serde(default)]
    pub duplicate_override: Option<String>,
    /// §12: the exception claimed, if any.
    #[serde(default)]
    pub exception: Option<ExceptionClaim>,
    /// §5.3: a note for management on a management escalation.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ExceptionClaim {
    /// §12: escalate at once with the information available.
    MajorOutage { description: String },
    /// §12: use the emergency approval an L3 manager recorded on the ticket.
    Emergency,
}

/// The standard SLA policy name for a priority, e.g. `standard-p1`.
pub fn standard_sla_policy(priority: Priority) -> String {
    format!("standard-{}", priority.code().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_through_the_json_the_ui_sends() {
        let escalate = Command::Escalate(EscalationRequest {
            escalation_type: Some(EscalationType::Software),
            criteria: vec![Criterion::BusinessCritical],
            exception: Some(ExceptionClaim::MajorOutage {
                description: "All down".into(),
            }),
            ..EscalationRequest::default()
        });
        for command in [
            escalate,
            Command::Acknowledge {},
            Command::Close {
                note: "done".into(),
            },
        ] {
            let json = serde_json::to_string(&command).unwrap();
            assert_eq!(
                serde_json::from_str::<Command>(&json).unwrap(),
                command,
                "{json}"
            );
        }
        let minimal: Command =
            serde_json::from_str(r#"{"type": "validate_fix", "works": true}"#).unwrap();
        assert_eq!(
            minimal,
            Command::ValidateFix {
                works: true,
                note: String::new()
            }
        );
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        for bad in [
            r#"{"type": "escalate", "criterion": ["business_critical"]}"#,
            r#"{"type": "acknowledge", "by": "sam"}"#,
            r#"{"type": "escalate", "escalation_type": "plumbing"}"#,
            r#"{"type": "teleport"}"#,
        ] {
            assert!(
                serde_json::from_str::<Command>(bad).is_err(),
                "accepted {bad}"
            );
        }
    }
}
