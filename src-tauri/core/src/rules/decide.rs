//! `decide`: the pure function at the heart of the desk.
//!
//! Given a ticket (folded from its log), the acting user, a command and the
//! facts the store looked up for it, it returns the events to append or every
//! violation at once. It reads no clock, no database and no file: the
//! [`Context`] carries whatever the store had to look up, so every rule is
//! testable on its own and the same inputs always give the same answer.

use super::{Rule, Violation};
use crate::commands::{standard_sla_policy, Command, EscalationRequest, ExceptionClaim, NewTicket};
use crate::comms::Finding;
use crate::domain::{
    Documentation, EscalationReason, EscalationType, ExceptionKind, Priority, Role, Status, Ticket,
    TicketId, User,
};
use crate::events::{
    EscalationRecord, EventBody, ExceptionApproved, ExceptionUse, FixRejected, InfoProvided,
    InfoRequested, ManagementEscalated, MovedToMonitoring, NoteAdded, PriorityChanged, Remark,
    Reopened, ResolutionNotesWritten, ResolutionProposed, TicketOpened, TroubleshootingRecorded,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the store looked up for a command, so `decide` stays pure.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// SOP §11: open escalations of the same customer with a similar summary.
    pub similar: Vec<SimilarEscalation>,
    /// SOP §11: the ticket an escalation asks to be linked to, if it exists.
    pub link_target: Option<LinkTarget>,
    /// SOP §7: what the leak check found in a customer message.
    pub leaks: Vec<Finding>,
}

/// An open escalation that looks like the one being raised (SOP §11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimilarEscalation {
    pub id: TicketId,
    pub key: String,
    pub customer: String,
    pub summary: String,
    pub status: Status,
    /// Share of the shorter summary's terms that the two summaries have in common, 0–1.
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkTarget {
    pub id: TicketId,
    pub key: String,
    pub status: Status,
}

type Decision = Result<Vec<EventBody>, Vec<Violation>>;

/// Collects violations so a refusal lists every one of them.
#[derive(Default)]
struct Checks(Vec<Violation>);

impl Checks {
    fn require(&mut self, ok: bool, violation: impl FnOnce() -> Violation) {
        if !ok {
            self.0.push(violation());
        }
    }

    fn text(&mut self, value: &str, rule: Rule, field: &str, message: &str) {
        self.require(!value.trim().is_empty(), || {
            rule.violation_on(field, message)
        });
    }

    fn finish(self, events: impl FnOnce() -> Vec<EventBody>) -> Decision {
        if self.0.is_empty() {
            Ok(events())
        } else {
            Err(self.0)
        }
    }
}

/// SOP §3 and §9: opening a ticket makes the L1 engineer its owner.
pub fn decide_open(
    actor: &User,
    new: &NewTicket,
    number: u64,
) -> Result<TicketOpened, Vec<Violation>> {
    let mut checks = Checks::default();
    checks.require(actor.role == Role::L1Engineer, || {
        Rule::Role.violation_with("Tickets are opened and owned by L1 support engineers (§9)")
    });
    checks.text(
        &new.customer,
        Rule::AuditText,
        "customer",
        "Name the customer",
    );
    checks.text(
        &new.summary,
        Rule::Summary,
        "summary",
        Rule::Summary.default_message(),
    );
    let opened = TicketOpened {
        key: format!("ESC-{number}"),
        number,
        customer: new.customer.trim().to_string(),
        customer_contact: new
            .customer_contact
            .clone()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        priority: new.priority,
        documentation: Documentation {
            summary: new.summary.trim().to_string(),
            product: new.product.trim().to_string(),
            impact: new.impact.trim().to_string(),
            steps_to_reproduce: new.steps_to_reproduce.trim().to_string(),
            environment: new.environment.trim().to_string(),
        },
    };
    checks.finish(Vec::new).map(|_| opened)
}

/// Decides one command against a ticket. See the module docs.
pub fn decide(ticket: &Ticket, actor: &User, command: &Command, context: &Context) -> Decision {
    let mut checks = Checks::default();
    let is_owner = actor.id == ticket.owner;
    let status = ticket.status;

    // Only notes and reopening make sense on a closed ticket.
    if status == Status::Closed
        && !matches!(command, Command::AddNote { .. } | Command::Reopen { .. })
    {
        checks.0.push(
            Rule::WorkflowState
                .violation_with(format!("{} is closed: reopen it first", ticket.key)),
        );
        return Err(checks.0);
    }

    match command {
        Command::UpdateDocumentation(change) => {
            owner_only(&mut checks, ticket, actor);
            checks.require(!change.is_empty(), || {
                Rule::AuditText.violation_on("documentation", "Nothing to change")
            });
            if let Some(summary) = &change.summary {
                checks.text(
                    summary,
                    Rule::Summary,
                    "summary",
                    "The summary cannot be emptied",
                );
            }
            checks.finish(|| vec![EventBody::DocumentationUpdated(change.clone())])
        }
        Command::RecordTroubleshooting { action, outcome } => {
            owner_only(&mut checks, ticket, actor);
            checks.text(
                action,
                Rule::TroubleshootingRecorded,
                "action",
                "Describe the troubleshooting step performed",
            );
            checks.finish(|| {
                vec![EventBody::TroubleshootingRecorded(
                    TroubleshootingRecorded {
                        action: action.trim().to_string(),
                        outcome: outcome.trim().to_string(),
                    },
                )]
            })
        }
        Command::AddAttachment {
            sha256,
            file_name,
            kind,
            size,
        } => {
            checks.require(is_owner || actor.role != Role::L1Engineer, || {
                Rule::OwnerOnly
                    .violation_with("Only the owner, the L2 team or an L3 lead can attach files")
            });
            checks.text(file_name, Rule::AuditText, "file_name", "Name the file");
            checks.finish(|| {
                vec![EventBody::AttachmentAdded(crate::events::AttachmentAdded {
                    sha256: sha256.clone(),
                    file_name: file_name.clone(),
                    kind: *kind,
                    size: *size,
                })]
            })
        }
        Command::ChangePriority { priority, reason } => {
            let allowed = actor.role == Role::L3Lead || (is_owner && status == Status::Open);
            checks.require(allowed, || {
                if is_owner {
                    Rule::Role.violation_with(
                        "Once escalated, only an L3 lead can change the priority (§3)",
                    )
                } else {
                    Rule::Role.violation_with(
                        "Only the owner (before escalation) or an L3 lead can change the priority",
                    )
                }
            });
            checks.require(ticket.priority != Some(*priority), || {
                Rule::Priority
                    .violation_with(format!("The priority is already {}", priority.code()))
            });
            checks.text(
                reason,
                Rule::AuditText,
                "reason",
                "Say why the priority changes",
            );
            checks.finish(|| {
                vec![EventBody::PriorityChanged(PriorityChanged {
                    from: ticket.priority,
                    to: *priority,
                    reason: reason.trim().to_string(),
                })]
            })
        }
        Command::ApproveException { kind, reason } => {
            checks.require(actor.role == Role::L3Lead, || {
                Rule::Role
                    .violation_with("Only an L3 lead or manager can approve an emergency (§12)")
            });
            checks.require(*kind == ExceptionKind::Emergency, || {
                Rule::EmergencyApproval.violation_on(
                    "kind",
                    "A major outage needs no approval: claim it when escalating; approvals are for emergencies",
                )
            });
            checks.require(status == Status::Open, || {
                Rule::WorkflowState
                    .violation_with("An emergency approval applies to a ticket not yet escalated")
            });
            checks.require(
                ticket.unused_approval(ExceptionKind::Emergency).is_none(),
                || {
                    Rule::WorkflowState
                        .violation_with("An emergency approval is already on this ticket")
                },
            );
            checks.text(
                reason,
                Rule::ExceptionReason,
                "reason",
                Rule::ExceptionReason.default_message(),
            );
            checks.finish(|| {
                vec![EventBody::ExceptionApproved(ExceptionApproved {
                    kind: *kind,
                    reason: reason.trim().to_string(),
                })]
            })
        }
        Command::Escalate(request) => match status {
            Status::Open => escalate(checks, ticket, actor, request, context),
            Status::Escalated
            | Status::Investigating
            | Status::AwaitingInfo
            | Status::ResolutionProposed => escalate_to_management(checks, ticket, actor, request),
            _ => {
                checks.0.push(Rule::WorkflowState.violation_with(format!(
                    "{} is {}: there is nothing left to escalate",
                    ticket.key,
                    status.label().to_lowercase()
                )));
                Err(checks.0)
            }
        },
        Command::TakeManagementEscalation {} => {
            checks.require(actor.role == Role::L3Lead, || {
                Rule::Role.violation_with(
                    "Only an L3 lead or manager takes a management escalation (§5.3)",
                )
            });
            let pending = ticket
                .management
                .as_ref()
                .is_some_and(|m| m.manager.is_none());
            checks.require(pending, || {
                Rule::WorkflowState
                    .violation_with("There is no untaken management escalation on this ticket")
            });
            checks.finish(|| vec![EventBody::ManagementEscalationTaken])
        }
        Command::Acknowledge {} => {
            team_or_lead(&mut checks, ticket, actor, "acknowledge the escalation");
            require_status(&mut checks, ticket, &[Status::Escalated], "acknowledged");
            checks.finish(|| vec![EventBody::Acknowledged])
        }
        Command::RequestInfo { question } => {
            team_or_lead(&mut checks, ticket, actor, "request information");
            if status == Status::Escalated {
                checks
                    .0
                    .push(Rule::WorkflowState.violation_with(
                        "Acknowledge the escalation before requesting information",
                    ));
            } else {
                require_status(
                    &mut checks,
                    ticket,
                    &[Status::Investigating],
                    "asked for information",
                );
            }
            checks.text(
                question,
                Rule::AuditText,
                "question",
                "Say what information is needed",
            );
            checks.finish(|| {
                vec![EventBody::InfoRequested(InfoRequested {
                    question: question.trim().to_string(),
                })]
            })
        }
        Command::ProvideInfo { answer } => {
            owner_only(&mut checks, ticket, actor);
            checks.require(status == Status::AwaitingInfo, || {
                Rule::NoPendingRequest.violation()
            });
            checks.text(
                answer,
                Rule::AuditText,
                "answer",
                "Write the information requested",
            );
            checks.finish(|| {
                vec![EventBody::InfoProvided(InfoProvided {
                    answer: answer.trim().to_string(),
                })]
            })
        }
        Command::ProposeResolution { summary } => {
            if ticket.escalation.is_some() {
                if actor.role == Role::L1Engineer {
                    checks.0.push(Rule::ResolutionByL2.violation());
                } else {
                    team_or_lead(&mut checks, ticket, actor, "propose a resolution");
                }
                if status == Status::Escalated {
                    checks.0.push(Rule::WorkflowState.violation_with(
                        "Acknowledge the escalation before proposing a resolution",
                    ));
                } else {
                    require_status(
                        &mut checks,
                        ticket,
                        &[Status::Investigating],
                        "given a resolution",
                    );
                }
            } else {
                // Resolved at L1: the owner records the fix and closes through §10 too.
                owner_only(&mut checks, ticket, actor);
            }
            checks.text(
                summary,
                Rule::AuditText,
                "summary",
                "Describe the resolution",
            );
            checks.finish(|| {
                vec![EventBody::ResolutionProposed(ResolutionProposed {
                    summary: summary.trim().to_string(),
                })]
            })
        }
        Command::ValidateFix { works, note } => {
            owner_only(&mut checks, ticket, actor);
            closure_steps(&mut checks, ticket, ClosureStep::Validate);
            if !works {
                checks.text(
                    note,
                    Rule::AuditText,
                    "note",
                    "Say why the fix does not work",
                );
            }
            checks.finish(|| {
                let note = note.trim().to_string();
                if *works {
                    vec![EventBody::FixValidated(Remark { note })]
                } else {
                    vec![EventBody::FixRejected(FixRejected { reason: note })]
                }
            })
        }
        Command::ConfirmWithCustomer { note } => {
            owner_only(&mut checks, ticket, actor);
            closure_steps(&mut checks, ticket, ClosureStep::Confirm);
            checks.finish(|| {
                vec![EventBody::CustomerConfirmed(Remark {
                    note: note.trim().to_string(),
                })]
            })
        }
        Command::WriteResolutionNotes { notes } => {
            owner_only(&mut checks, ticket, actor);
            closure_steps(&mut checks, ticket, ClosureStep::Notes);
            checks.text(
                notes,
                Rule::ResolutionNotes,
                "resolution_notes",
                "Write the resolution notes",
            );
            checks.finish(|| {
                vec![EventBody::ResolutionNotesWritten(ResolutionNotesWritten {
                    notes: notes.trim().to_string(),
                })]
            })
        }
        Command::Close { note } => {
            owner_only(&mut checks, ticket, actor);
            if status != Status::Monitoring {
                closure_steps(&mut checks, ticket, ClosureStep::Finish);
            }
            checks.finish(|| {
                vec![EventBody::Closed(Remark {
                    note: note.trim().to_string(),
                })]
            })
        }
        Command::MoveToMonitoring { until, note } => {
            owner_only(&mut checks, ticket, actor);
            if status == Status::Monitoring {
                checks.0.push(
                    Rule::WorkflowState.violation_with("The ticket is already being monitored"),
                );
            } else {
                closure_steps(&mut checks, ticket, ClosureStep::Finish);
            }
            checks.finish(|| {
                vec![EventBody::MovedToMonitoring(MovedToMonitoring {
                    until: *until,
                    note: note.trim().to_string(),
                })]
            })
        }
        Command::Reopen { reason } => {
            checks.require(is_owner || actor.role == Role::L3Lead, || {
                Rule::OwnerOnly.violation_with("Only the owner or an L3 lead can reopen a ticket")
            });
            require_status(
                &mut checks,
                ticket,
                &[Status::Closed, Status::Monitoring],
                "reopened",
            );
            checks.text(
                reason,
                Rule::AuditText,
                "reason",
                "Say why the ticket is reopened",
            );
            checks.finish(|| {
                vec![EventBody::Reopened(Reopened {
                    reason: reason.trim().to_string(),
                })]
            })
        }
        Command::AddNote { body } => {
            checks.text(body, Rule::AuditText, "body", "Write the note");
            checks.finish(|| {
                vec![EventBody::NoteAdded(NoteAdded {
                    body: body.trim().to_string(),
                })]
            })
        }
        Command::RecordCustomerUpdate {
            channel,
            body,
            subject,
            leak_override,
            email,
        } => {
            checks.require(is_owner, || Rule::CustomerCommunication.violation());
            checks.require(
                (*channel == crate::domain::CommunicationChannel::Smtp) == email.is_some(),
                || Rule::CustomerEmail.violation(),
            );
            checks.text(
                body,
                Rule::AuditText,
                "body",
                "Write the update sent to the customer",
            );
            let reason = leak_override
                .as_deref()
                .map(str::trim)
                .filter(|reason| !reason.is_empty());
            if reason.is_none() {
                for finding in &context.leaks {
                    checks.0.push(
                        Rule::CustomerLeak
                            .violation_with(format!("{} “{}”", finding.message, finding.text)),
                    );
                }
            }
            checks.finish(|| {
                let leak_override = reason.filter(|_| !context.leaks.is_empty()).map(|reason| {
                    crate::events::LeakOverride {
                        reason: reason.to_string(),
                        findings: context
                            .leaks
                            .iter()
                            .map(|finding| format!("{}: {}", finding.kind.code(), finding.text))
                            .collect(),
                    }
                });
                vec![EventBody::CustomerUpdateSent(
                    crate::events::CustomerUpdateSent {
                        channel: *channel,
                        body: body.trim().to_string(),
                        subject: subject.trim().to_string(),
                        leak_override,
                        email: email.clone(),
                    },
                )]
            })
        }
        Command::WaitOnCustomer { reason } => {
            checks.require(is_owner, || Rule::CustomerCommunication.violation());
            checks.require(!status.is_resolved(), || {
                Rule::WorkflowState.violation_with(format!(
                    "{} is resolved: there is nothing to wait on the customer for",
                    ticket.key
                ))
            });
            checks.require(ticket.waiting_on_customer.is_none(), || {
                Rule::WorkflowState
                    .violation_with(format!("{} is already waiting on the customer", ticket.key))
            });
            checks.text(
                reason,
                Rule::AuditText,
                "reason",
                "Say what the customer was asked for",
            );
            checks.finish(|| {
                vec![EventBody::WaitingOnCustomer(
                    crate::events::WaitingOnCustomer {
                        reason: reason.trim().to_string(),
                    },
                )]
            })
        }
        Command::CustomerResponded { note } => {
            checks.require(is_owner, || Rule::CustomerCommunication.violation());
            checks.require(ticket.waiting_on_customer.is_some(), || {
                Rule::WorkflowState
                    .violation_with(format!("{} is not waiting on the customer", ticket.key))
            });
            checks.finish(|| {
                vec![EventBody::CustomerResponded(Remark {
                    note: note.trim().to_string(),
                })]
            })
        }
    }
}

fn owner_only(checks: &mut Checks, ticket: &Ticket, actor: &User) {
    checks.require(actor.id == ticket.owner, || {
        Rule::OwnerOnly.violation_with(format!(
            "Only the ticket owner (L1) can do this on {}",
            ticket.key
        ))
    });
}

/// L2 work: an engineer of the assigned team, or an L3 lead.
fn team_or_lead(checks: &mut Checks, ticket: &Ticket, actor: &User, action: &str) {
    match actor.role {
        Role::L3Lead => {}
        Role::L2Engineer => {
            checks.require(actor.team.is_some() && actor.team == ticket.team, || {
                let team = ticket.team.map_or("no", |t| t.label());
                Rule::AssignedTeam.violation_with(format!(
                    "{} is assigned to the {team} team: only that team or an L3 lead can {action}",
                    ticket.key
                ))
            })
        }
        Role::L1Engineer => checks.0.push(Rule::Role.violation_with(format!(
            "L1 engineers cannot {action}: the L2 team does (§3)"
        ))),
    }
}

fn require_status(checks: &mut Checks, ticket: &Ticket, allowed: &[Status], done: &str) {
    checks.require(allowed.contains(&ticket.status), || {
        Rule::WorkflowState.violation_with(format!(
            "{} cannot be {done} while {}",
            ticket.key,
            ticket.status.label().to_lowercase()
        ))
    });
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ClosureStep {
    Validate,
    Confirm,
    Notes,
    Finish,
}

/// SOP §10 runs in order: every earlier step that is missing is a violation.
fn closure_steps(checks: &mut Checks, ticket: &Ticket, step: ClosureStep) {
    let Some(resolution) = &ticket.resolution else {
        checks
            .0
            .push(Rule::ResolutionProposed.violation_with(format!(
            "{} has no proposed resolution to validate (§10: once resolution is provided by L2/L3)",
            ticket.key
        )));
        return;
    };
    if step == ClosureStep::Validate {
        require_status(checks, ticket, &[Status::ResolutionProposed], "validated");
        return;
    }
    checks.require(resolution.validated_at.is_some(), || {
        Rule::FixValidated.violation()
    });
    if step == ClosureStep::Confirm {
        checks.require(resolution.customer_confirmed_at.is_none(), || {
            Rule::WorkflowState.violation_with("The customer has already confirmed the fix")
        });
        return;
    }
    checks.require(resolution.customer_confirmed_at.is_some(), || {
        Rule::CustomerConfirmed.violation()
    });
    if step == ClosureStep::Finish {
        checks.require(resolution.notes.is_some(), || {
            Rule::ResolutionNotes.violation()
        });
    }
}

/// SOP §6 Steps 1–4 with §4, §5, §8, §11 and §12: the L1 → L2 hand-over.
fn escalate(
    mut checks: Checks,
    ticket: &Ticket,
    actor: &User,
    request: &EscalationRequest,
    context: &Context,
) -> Decision {
    owner_only(&mut checks, ticket, actor);
    let mut waivable = Checks::default();
    let doc = &ticket.documentation;
    let priority = request.priority.or(ticket.priority);

    // §4
    checks.require(!request.criteria.is_empty(), || Rule::Criteria.violation());
    // §5
    check_type_and_reasons(&mut checks, request, priority);
    // §6 Step 1 (waived by either exception: it is the "standard timeline")
    waivable.require(request.troubleshooting_complete, || {
        Rule::TroubleshootingComplete.violation()
    });
    waivable.require(request.cannot_resolve_at_l1, || {
        Rule::CannotResolveAtL1.violation()
    });
    // §6 Step 2 (waived only by a major outage: "with available information")
    waivable.text(
        &doc.summary,
        Rule::Summary,
        "summary",
        Rule::Summary.default_message(),
    );
    waivable.text(
        &doc.steps_to_reproduce,
        Rule::StepsToReproduce,
        "steps_to_reproduce",
        Rule::StepsToReproduce.default_message(),
    );
    waivable.require(ticket.has_evidence(), || Rule::Logs.violation());
    waivable.text(
        &doc.environment,
        Rule::Environment,
        "environment",
        Rule::Environment.default_message(),
    );
    waivable.require(!ticket.troubleshooting.is_empty(), || {
        Rule::TroubleshootingRecorded.violation()
    });
    // §6 Step 3
    checks.require(request.category.is_some(), || Rule::Category.violation());
    match (request.category, request.team) {
        (_, None) => checks
            .0
            .push(Rule::Team.violation_with("Assign the ticket to an L2 team")),
        (Some(category), Some(team)) if category.team() != team => {
            checks.0.push(Rule::Team.violation_with(format!(
                "A {} ticket goes to the {} team, not {}",
                category.label(),
                category.team().label(),
                team.label()
            )))
        }
        _ => {}
    }
    if let (Some(kind), Some(category)) = (request.escalation_type, request.category) {
        checks.require(kind.fits_category(category), || {
            Rule::TypeCategory.violation_with(format!(
                "A {} escalation cannot be filed under the {} category",
                kind.code(),
                category.label()
            ))
        });
    }
    checks.require(priority.is_some(), || Rule::Priority.violation());
    if let (Some(policy), Some(priority)) = (&request.sla_policy, priority) {
        let expected = standard_sla_policy(priority);
        checks.require(*policy == expected, || {
            Rule::SlaPolicy.violation_with(format!(
                "A {} escalation uses the {expected} SLA policy, not {policy}",
                priority.code()
            ))
        });
    }
    // §6 Step 4
    checks.text(
        &doc.impact,
        Rule::Impact,
        "impact",
        Rule::Impact.default_message(),
    );
    // §8
    match priority {
        Some(Priority::P3) => waivable.text(
            request.l1_confirmation.as_deref().unwrap_or(""),
            Rule::P3Confirmation,
            "l1_confirmation",
            Rule::P3Confirmation.default_message(),
        ),
        Some(Priority::P4) => waivable.text(
            request.justification.as_deref().unwrap_or(""),
            Rule::P4Justification,
            "justification",
            Rule::P4Justification.default_message(),
        ),
        _ => {}
    }
    // §11
    check_duplicates(&mut checks, ticket, request, context);
    // §12
    let exception = claimed_exception(&mut checks, ticket, request);
    let waived: Vec<Violation> = match &exception {
        Some((kind, _)) => waivable
            .0
            .iter()
            .filter(|v| waived_by(*kind, &v.rule))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    checks
        .0
        .extend(waivable.0.into_iter().filter(|v| !waived.contains(v)));

    let (Some(escalation_type), Some(category), Some(team), Some(priority)) = (
        request.escalation_type,
        request.category,
        request.team,
        priority,
    ) else {
        return Err(checks.0);
    };
    checks.finish(|| {
        let mut events = vec![EventBody::Escalated(EscalationRecord {
            escalation_type,
            criteria: request.criteria.clone(),
            reasons: request.reasons.clone(),
            category,
            team,
            priority,
            sla_policy: request
                .sla_policy
                .clone()
                .unwrap_or_else(|| standard_sla_policy(priority)),
            l1_confirmation: clean(&request.l1_confirmation),
            justification: clean(&request.justification),
            linked_to: request.link_to,
            duplicate_override: clean(&request.duplicate_override),
            exception: exception.map(|(kind, reason)| ExceptionUse {
                kind,
                reason,
                waived_rules: waived.iter().map(|v| v.rule.clone()).collect(),
            }),
        })];
        // §8 P1: "Immediate escalation + management notification"; §5.3 for the rest.
        if escalation_type == EscalationType::Management || priority == Priority::P1 {
            let mut reasons: Vec<EscalationReason> = request
                .reasons
                .iter()
                .copied()
                .filter(|r| r.escalation_type() == EscalationType::Management)
                .collect();
            if priority == Priority::P1 && !reasons.contains(&EscalationReason::P1P2Issue) {
                reasons.insert(0, EscalationReason::P1P2Issue);
            }
            events.push(EventBody::ManagementEscalated(ManagementEscalated {
                reasons,
                note: request.note.trim().to_string(),
                automatic: escalation_type != EscalationType::Management,
            }));
        }
        events
    })
}

/// SOP §5.3 on a ticket already at L2: raise it to an L3 lead or manager.
fn escalate_to_management(
    mut checks: Checks,
    ticket: &Ticket,
    actor: &User,
    request: &EscalationRequest,
) -> Decision {
    let on_team =
        actor.role == Role::L2Engineer && actor.team.is_some() && actor.team == ticket.team;
    checks.require(actor.id == ticket.owner || on_team, || {
        Rule::OwnerOnly.violation_with(
            "Only the owner or the assigned L2 team can raise a management escalation",
        )
    });
    match request.escalation_type {
        Some(EscalationType::Management) => {}
        Some(_) => checks.0.push(Rule::WorkflowState.violation_with(format!(
            "{} is already escalated to the {} team: only a management escalation (§5.3) can follow",
            ticket.key,
            ticket.team.map_or("L2", |t| t.label())
        ))),
        None => checks.0.push(Rule::EscalationType.violation()),
    }
    checks.require(ticket.management.is_none(), || {
        Rule::WorkflowState
            .violation_with(format!("{} is already escalated to management", ticket.key))
    });
    check_type_and_reasons(&mut checks, request, ticket.priority);
    checks.finish(|| {
        vec![EventBody::ManagementEscalated(ManagementEscalated {
            reasons: request.reasons.clone(),
            note: request.note.trim().to_string(),
            automatic: false,
        })]
    })
}

/// §5: the type is set and every reason is one of that type's.
fn check_type_and_reasons(
    checks: &mut Checks,
    request: &EscalationRequest,
    priority: Option<Priority>,
) {
    let Some(kind) = request.escalation_type else {
        checks.0.push(Rule::EscalationType.violation());
        return;
    };
    let rule = match kind {
        EscalationType::Software => Rule::SoftwareReasons,
        EscalationType::Hardware => Rule::HardwareReasons,
        EscalationType::Management => Rule::ManagementReasons,
    };
    let foreign: Vec<&str> = request
        .reasons
        .iter()
        .filter(|r| r.escalation_type() != kind)
        .map(|r| r.label())
        .collect();
    if request.reasons.is_empty() {
        checks.0.push(rule.violation());
    } else if !foreign.is_empty() {
        checks.0.push(rule.violation_with(format!(
            "Not a reason for a {} escalation ({}): {}",
            kind.code(),
            kind.clause(),
            foreign.join("; ")
        )));
    }
    if request.reasons.contains(&EscalationReason::P1P2Issue) {
        checks.require(
            matches!(priority, Some(Priority::P1 | Priority::P2)),
            || Rule::ManagementPriority.violation(),
        );
    }
}

/// §11: a similar open escalation blocks this one unless linked or overridden.
fn check_duplicates(
    checks: &mut Checks,
    ticket: &Ticket,
    request: &EscalationRequest,
    context: &Context,
) {
    if let Some(link) = request.link_to {
        let valid = context.link_target.as_ref().is_some_and(|target| {
            target.id == link && target.id != ticket.id && target.status.is_open_escalation()
        });
        checks.require(valid, || {
            let what = match &context.link_target {
                Some(target) if target.id == ticket.id => {
                    "a ticket cannot be linked to itself".to_string()
                }
                Some(target) => format!("{} is not an open escalation", target.key),
                None => format!("no ticket {link}"),
            };
            Rule::DuplicateLink.violation_with(format!("Cannot link: {what}"))
        });
    }
    let overridden = request
        .duplicate_override
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    let blocking: Vec<&SimilarEscalation> = context
        .similar
        .iter()
        .filter(|similar| similar.id != ticket.id && Some(similar.id) != request.link_to)
        .collect();
    if !overridden && request.link_to.is_none() && !blocking.is_empty() {
        let list: Vec<String> = blocking
            .iter()
            .map(|s| {
                format!(
                    "{} \u{201c}{}\u{201d} ({})",
                    s.key,
                    s.summary,
                    s.status.label().to_lowercase()
                )
            })
            .collect();
        checks.0.push(Rule::Duplicate.violation_with(format!(
            "A similar escalation for {} is already open: {}. Link to it or record an override reason",
            ticket.customer,
            list.join("; ")
        )));
    }
}

/// §12: the exception claimed, if it is valid, with its recorded reason.
fn claimed_exception(
    checks: &mut Checks,
    ticket: &Ticket,
    request: &EscalationRequest,
) -> Option<(ExceptionKind, String)> {
    match request.exception.as_ref()? {
        ExceptionClaim::MajorOutage { description } => {
            if description.trim().is_empty() {
                checks.0.push(Rule::OutageDescription.violation());
                return None;
            }
            Some((ExceptionKind::MajorOutage, description.trim().to_string()))
        }
        ExceptionClaim::Emergency => match ticket.unused_approval(ExceptionKind::Emergency) {
            Some(approval) => Some((ExceptionKind::Emergency, approval.reason.clone())),
            None => {
                checks.0.push(Rule::EmergencyApproval.violation());
                None
            }
        },
    }
}

/// §12: what each exception sets aside. A major outage escalates "with
/// available information"; an emergency only bypasses the standard timelines
/// (finishing L1 troubleshooting first, §8's P3/P4 gates).
fn waived_by(kind: ExceptionKind, rule_id: &str) -> bool {
    let timeline = [
        Rule::TroubleshootingComplete,
        Rule::CannotResolveAtL1,
        Rule::P3Confirmation,
        Rule::P4Justification,
    ];
    let documentation = [
        Rule::Summary,
        Rule::StepsToReproduce,
        Rule::Logs,
        Rule::Environment,
        Rule::TroubleshootingRecorded,
    ];
    let in_set = |set: &[Rule]| set.iter().any(|rule| rule.id() == rule_id);
    match kind {
        ExceptionKind::MajorOutage => in_set(&timeline) || in_set(&documentation),
        ExceptionKind::Emergency => in_set(&timeline),
    }
}

fn clean(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}
