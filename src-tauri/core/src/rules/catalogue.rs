//! Every rule the SOP imposes, with its id, clause, field and default message.

use super::Violation;

macro_rules! rules {
    ($( $(#[$meta:meta])* $variant:ident => ($id:literal, $clause:literal, $field:literal, $message:literal), )+) => {
        /// A rule of the SOP. See `docs/sop-rules.md` for the tests of each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $( $(#[$meta])* $variant, )+
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),+ }
            }

            pub fn clause(self) -> &'static str {
                match self { $(Rule::$variant => $clause),+ }
            }

            /// The field a violation of this rule names unless told otherwise.
            pub fn field(self) -> &'static str {
                match self { $(Rule::$variant => $field),+ }
            }

            pub fn default_message(self) -> &'static str {
                match self { $(Rule::$variant => $message),+ }
            }
        }
    };
}

rules! {
    Role => ("SOP-3-role", "§3", "actor", "Your role does not allow this action"),
    WorkflowState => ("SOP-6-state", "§6", "status", "This action is not possible in the ticket's current status"),
    Criteria => ("SOP-4-criteria", "§4", "criteria", "Select at least one escalation criterion"),
    EscalationType => ("SOP-5-type", "§5", "escalation_type", "Choose the escalation type: software, hardware or management"),
    TypeCategory => ("SOP-5-category", "§5", "category", "The category does not fit the escalation type"),
    SoftwareReasons => ("SOP-5.1-reasons", "§5.1", "reasons", "Give at least one software escalation reason"),
    HardwareReasons => ("SOP-5.2-reasons", "§5.2", "reasons", "Give at least one hardware escalation reason"),
    ManagementReasons => ("SOP-5.3-reasons", "§5.3", "reasons", "Give at least one management escalation reason"),
    ManagementPriority => ("SOP-5.3-priority", "§5.3", "reasons", "The P1 / P2 reason needs a P1 or P2 priority"),
    TroubleshootingComplete => ("SOP-6.1-troubleshooting-complete", "§6 Step 1", "troubleshooting_complete", "Confirm that all L1 troubleshooting steps are complete"),
    CannotResolveAtL1 => ("SOP-6.1-cannot-resolve", "§6 Step 1", "cannot_resolve_at_l1", "Confirm that the issue cannot be resolved at L1"),
    Summary => ("SOP-6.2-summary", "§6 Step 2", "summary", "Write a clear issue summary"),
    StepsToReproduce => ("SOP-6.2-steps", "§6 Step 2", "steps_to_reproduce", "Describe the steps to reproduce"),
    Logs => ("SOP-6.2-logs", "§6 Step 2", "attachments", "Attach at least one log, screenshot or diagnostic report"),
    Environment => ("SOP-6.2-environment", "§6 Step 2", "environment", "Give the environment and version details"),
    TroubleshootingRecorded => ("SOP-6.2-troubleshooting", "§6 Step 2", "troubleshooting", "Record the troubleshooting steps already performed"),
    Category => ("SOP-6.3-category", "§6 Step 3", "category", "Set the ticket category: Software, Hardware or Validation"),
    Team => ("SOP-6.3-team", "§6 Step 3", "team", "Assign the ticket to the L2 team of its category"),
    AssignedTeam => ("SOP-6.3-assigned-team", "§6 Step 3", "actor", "Only the assigned L2 team (or an L3 lead) can work this escalation"),
    Priority => ("SOP-6.3-priority", "§6 Step 3", "priority", "Set the priority"),
    SlaPolicy => ("SOP-6.3-sla", "§6 Step 3", "sla_policy", "The SLA policy must match the priority"),
    Impact => ("SOP-6.4-impact", "§6 Step 4", "impact", "State the impact clearly: the escalation team is notified with the ticket ID and impact"),
    NoPendingRequest => ("SOP-6.5-no-pending-request", "§6 Step 5", "answer", "There is no open request for information to answer"),
    P3Confirmation => ("SOP-8-p3-confirmation", "§8", "l1_confirmation", "A P3 escalates only after L1 confirmation: record it"),
    P4Justification => ("SOP-8-p4-justification", "§8", "justification", "A P4 escalates only if required: say why it is"),
    CustomerLeak => ("SOP-7-leak", "§7", "body", "The message contains internal details: edit them out or record why it must go out as it is"),
    CustomerEmail => ("SOP-7-email", "§7", "channel", "Only an e-mail Escalator sent is recorded as sent by Escalator: send it, or record the channel it went out on"),
    OwnerOnly => ("SOP-9-owner", "§9", "actor", "Only the ticket owner (L1) can do this"),
    CustomerCommunication => ("SOP-9-customer-communication", "§9", "actor", "Only the ticket owner communicates with the customer"),
    ResolutionByL2 => ("SOP-9-resolution", "§9", "actor", "L2 and L3 provide the technical resolution of an escalated ticket"),
    ResolutionProposed => ("SOP-10-resolution", "§10", "resolution", "No resolution has been provided yet"),
    FixValidated => ("SOP-10.1-validate", "§10 step 1", "fix_validated", "Validate the fix first"),
    CustomerConfirmed => ("SOP-10.2-confirm", "§10 step 2", "customer_confirmed", "Confirm the fix with the customer first"),
    ResolutionNotes => ("SOP-10.3-notes", "§10 step 3", "resolution_notes", "Write the resolution notes first"),
    AuditText => ("SOP-11-required", "§11", "reason", "Required for audit-ready documentation"),
    Duplicate => ("SOP-11-duplicate", "§11", "duplicate", "A similar escalation for this customer is already open: link to it or record an override reason"),
    DuplicateLink => ("SOP-11-link", "§11", "link_to", "Link only to an open escalation of another ticket"),
    OutageDescription => ("SOP-12-outage-description", "§12", "exception", "Describe the major outage"),
    EmergencyApproval => ("SOP-12-emergency-approval", "§12", "exception", "An emergency bypass needs the approval of an L3 manager on this ticket"),
    ExceptionReason => ("SOP-12-reason", "§12", "reason", "Record why the exception is approved"),
}

impl Rule {
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id)
    }

    /// Rules about who may act: a refusal made only of these is "forbidden".
    pub fn is_permission(self) -> bool {
        matches!(
            self,
            Rule::Role
                | Rule::OwnerOnly
                | Rule::CustomerCommunication
                | Rule::ResolutionByL2
                | Rule::AssignedTeam
        )
    }

    /// A violation with the rule's own field and message.
    pub fn violation(self) -> Violation {
        self.violation_with(self.default_message())
    }

    /// A violation with a specific message.
    pub fn violation_with(self, message: impl Into<String>) -> Violation {
        self.violation_on(self.field(), message)
    }

    /// A violation naming another field, for rules that apply to several.
    pub fn violation_on(self, field: &str, message: impl Into<String>) -> Violation {
        Violation {
            rule: self.id().to_string(),
            clause: self.clause().to_string(),
            field: field.to_string(),
            message: message.into(),
        }
    }
}
