//! A ticket's SLA clocks, read off its event stream.
//!
//! When each clock runs is SOP policy, so it is written down once, here:
//!
//! - **escalate** (§8) runs from the ticket's opening until it is escalated,
//!   or until L1 proposes a fix itself;
//! - **acknowledge** (§6 Step 5) runs from the escalation until L2
//!   acknowledges it;
//! - **customer update** (§7) runs from the escalation and starts again at
//!   every update sent, until the customer confirms the fix;
//! - **resolve** runs from the escalation until a fix is proposed; a rejected
//!   fix sets it running again, since the customer still has no fix.
//!
//! A reopening starts a new run (`cycle`) of the clocks that follow an
//! escalation. Monitoring and closing stop every clock. The pauses are L2
//! waiting on L1 (`InfoRequested` → `InfoProvided`) and the team waiting on
//! the customer (`WaitingOnCustomer` → `CustomerResponded`); [`Target`]
//! decides which of them stop which clock.
//!
//! The warnings and breaches already recorded (`SlaWarned`, `SlaBreached`)
//! are read back onto their run, which is how each fires once per run and
//! target, even across restarts. [`TicketSla::due_alerts`] says what the
//! scheduler must record at a given instant, including the SOP §5.3
//! management escalation of a P1/P2 whose SLA is about to breach.

use super::{Evaluation, Pause, PauseReason, SlaConfig, SlaTarget, Target, Threshold, Warning};
use crate::commands::standard_sla_policy;
use crate::domain::{EscalationReason, Priority};
use crate::events::{Event, EventBody, ManagementEscalated, SlaAlert};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

/// The threshold text recorded for a breach.
pub const BREACH: &str = "breach";

/// One run of one target: from its start until it is met or stops applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRun {
    pub target: Target,
    /// 1 for the first run of this target on the ticket.
    pub cycle: u32,
    pub start: DateTime<Utc>,
    /// When the target was met or stopped applying; None while it runs.
    pub stopped: Option<DateTime<Utc>>,
    /// The thresholds already recorded for this run ("75%", "breach").
    pub recorded: Vec<String>,
}

impl ClockRun {
    pub fn is_running(&self) -> bool {
        self.stopped.is_none()
    }

    fn has_recorded(&self, threshold: &str) -> bool {
        self.recorded.iter().any(|recorded| recorded == threshold)
    }
}

/// Everything the SLA needs to know about a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketSla {
    pub priority: Option<Priority>,
    /// The policy set at escalation (§6 Step 3); it follows the priority.
    pub escalation_policy: Option<String>,
    pub escalated: bool,
    /// A management escalation (§5.3) has been raised.
    pub management_raised: bool,
    /// Every run, in the order they started.
    pub runs: Vec<ClockRun>,
    pub pauses: Vec<Pause>,
}

/// Where one run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    /// Held by an ongoing pause: the deadline is unknown until it ends.
    Paused,
    /// A warning point has been reached.
    Imminent,
    Breached,
    /// Stopped before its deadline.
    Met,
    /// Stopped after its deadline.
    Missed,
}

/// One run evaluated against the config at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockStatus<'a> {
    pub run: &'a ClockRun,
    pub applied: SlaTarget<'a>,
    /// At `now`, or at the stop for a run that stopped.
    pub evaluation: Evaluation,
    pub state: ClockState,
}

impl TicketSla {
    /// Folds a ticket's stream. An empty stream gives a ticket with no clocks.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut sla = TicketSla::default();
        for event in events {
            sla.apply(event);
        }
        sla
    }

    fn apply(&mut self, event: &Event) {
        let at = event.at;
        match &event.body {
            EventBody::TicketOpened(opened) => {
                self.priority = opened.priority;
                self.start(Target::Escalate, at);
            }
            EventBody::PriorityChanged(change) => {
                self.priority = Some(change.to);
                if self.escalated {
                    self.escalation_policy = Some(standard_sla_policy(change.to));
                }
            }
            EventBody::Escalated(record) => {
                self.stop(Target::Escalate, at);
                self.escalated = true;
                self.priority = Some(record.priority);
                self.escalation_policy = Some(record.sla_policy.clone());
                for target in [Target::Acknowledge, Target::CustomerUpdate, Target::Resolve] {
                    self.start(target, at);
                }
            }
            EventBody::ManagementEscalated(_) => self.management_raised = true,
            EventBody::Acknowledged => self.stop(Target::Acknowledge, at),
            EventBody::InfoRequested(_) => self.pause(PauseReason::WaitingOnL1, at),
            EventBody::InfoProvided(_) => self.resume(PauseReason::WaitingOnL1, at),
            EventBody::WaitingOnCustomer(_) => self.pause(PauseReason::WaitingOnCustomer, at),
            EventBody::CustomerResponded(_) => self.resume(PauseReason::WaitingOnCustomer, at),
            EventBody::CustomerUpdateSent(_) => {
                if self.current(Target::CustomerUpdate).is_some() {
                    self.stop(Target::CustomerUpdate, at);
                    self.start(Target::CustomerUpdate, at);
                }
            }
            EventBody::ResolutionProposed(_) => {
                let target = if self.escalated {
                    Target::Resolve
                } else {
                    Target::Escalate
                };
                self.stop(target, at);
            }
            EventBody::FixRejected(_) => {
                let target = if self.escalated {
                    Target::Resolve
                } else {
                    Target::Escalate
                };
                if let Some(run) = self.runs.iter_mut().rev().find(|run| run.target == target) {
                    run.stopped = None;
                }
            }
            EventBody::CustomerConfirmed(_) => self.stop(Target::CustomerUpdate, at),
            EventBody::MovedToMonitoring(_) | EventBody::Closed(_) => {
                for target in Target::ALL {
                    self.stop(target, at);
                }
                for reason in [PauseReason::WaitingOnL1, PauseReason::WaitingOnCustomer] {
                    self.resume(reason, at);
                }
            }
            EventBody::Reopened(_) => {
                for target in Target::ALL {
                    self.stop(target, at);
                }
                if self.escalated {
                    for target in [Target::Acknowledge, Target::CustomerUpdate, Target::Resolve] {
                        self.start(target, at);
                    }
                } else {
                    self.start(Target::Escalate, at);
                }
            }
            EventBody::SlaWarned(alert) | EventBody::SlaBreached(alert) => {
                if let Some(run) = self
                    .runs
                    .iter_mut()
                    .find(|run| run.target == alert.target && run.cycle == alert.cycle)
                {
                    run.recorded.push(alert.threshold.clone());
                }
            }
            EventBody::DocumentationUpdated(_)
            | EventBody::TroubleshootingRecorded(_)
            | EventBody::AttachmentAdded(_)
            | EventBody::EscalationRefused(_)
            | EventBody::ExceptionApproved(_)
            | EventBody::ManagementEscalationTaken
            | EventBody::FixValidated(_)
            | EventBody::ResolutionNotesWritten(_)
            | EventBody::NoteAdded(_)
            | EventBody::OfficialNotificationQueued(_)
            | EventBody::OfficialNotificationDelivered(_)
            | EventBody::OfficialNotificationFailed(_) => {}
        }
    }

    fn start(&mut self, target: Target, at: DateTime<Utc>) {
        self.stop(target, at);
        let cycle = self.runs.iter().filter(|run| run.target == target).count() as u32 + 1;
        self.runs.push(ClockRun {
            target,
            cycle,
            start: at,
            stopped: None,
            recorded: Vec::new(),
        });
    }

    fn stop(&mut self, target: Target, at: DateTime<Utc>) {
        if let Some(run) = self
            .runs
            .iter_mut()
            .find(|run| run.target == target && run.is_running())
        {
            run.stopped = Some(at);
        }
    }

    fn pause(&mut self, reason: PauseReason, at: DateTime<Utc>) {
        let ongoing = self
            .pauses
            .iter()
            .any(|pause| pause.reason == reason && pause.end.is_none());
        if !ongoing {
            self.pauses.push(Pause::ongoing(at, reason));
        }
    }

    fn resume(&mut self, reason: PauseReason, at: DateTime<Utc>) {
        for pause in &mut self.pauses {
            if pause.reason == reason && pause.end.is_none() {
                pause.end = Some(at);
            }
        }
    }

    /// The running run of `target`, if any.
    pub fn current(&self, target: Target) -> Option<&ClockRun> {
        self.runs
            .iter()
            .find(|run| run.target == target && run.is_running())
    }

    /// The policy a target runs under: the escalation's (§6 Step 3), or the
    /// priority's standard policy before the escalation. None without a
    /// priority, when no SLA applies yet.
    pub fn policy(&self, target: Target) -> Option<String> {
        match (target, &self.escalation_policy) {
            (Target::Escalate, _) | (_, None) => self.priority.map(standard_sla_policy),
            (_, Some(policy)) => Some(policy.clone()),
        }
    }

    /// One run against `config` at `now`. None when no policy applies.
    pub fn status<'a>(
        &self,
        run: &'a ClockRun,
        config: &'a SlaConfig,
        now: DateTime<Utc>,
    ) -> Option<ClockStatus<'a>> {
        let policy = self.policy(run.target)?;
        // A policy removed from the config falls back to the priority's standard one.
        let applied = match config.target(&policy, run.target) {
            Ok(applied) => applied,
            Err(_) => config
                .target(&standard_sla_policy(self.priority?), run.target)
                .ok()?,
        };
        let at = run.stopped.map_or(now, |stopped| stopped.min(now));
        let evaluation = applied.evaluate(run.start, at, &self.pauses);
        let state = match (run.stopped, evaluation.due) {
            (Some(stopped), Some(due)) if stopped > due => ClockState::Missed,
            (Some(_), _) => ClockState::Met,
            (None, _) if evaluation.is_breached() => ClockState::Breached,
            (None, _) if evaluation.crossed().next().is_some() => ClockState::Imminent,
            (None, None) => ClockState::Paused,
            (None, Some(_)) => ClockState::Running,
        };
        Some(ClockStatus {
            run,
            applied,
            evaluation,
            state,
        })
    }

    /// Every running clock that has a policy, at `now`.
    pub fn running<'a>(
        &'a self,
        config: &'a SlaConfig,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = ClockStatus<'a>> + 'a {
        self.runs
            .iter()
            .filter(|run| run.is_running())
            .filter_map(move |run| self.status(run, config, now))
    }

    /// What the scheduler records at `now`: every warning and breach reached
    /// and not yet recorded, oldest first, and the SOP §5.3 management
    /// escalation when the SLA of an escalated P1/P2 is about to breach (a
    /// warning or breach on the acknowledgement or the resolution) and none
    /// has been raised.
    pub fn due_alerts(&self, config: &SlaConfig, now: DateTime<Utc>) -> Vec<EventBody> {
        let mut alerts: Vec<(DateTime<Utc>, EventBody)> = Vec::new();
        let mut imminent = false;
        for status in self.running(config, now) {
            let run = status.run;
            let Some(due) = status.evaluation.due else {
                continue;
            };
            for checkpoint in &status.evaluation.checkpoints {
                let (true, Some(reached_at)) = (checkpoint.crossed, checkpoint.at) else {
                    continue;
                };
                if matches!(run.target, Target::Acknowledge | Target::Resolve) {
                    imminent = true;
                }
                let threshold = threshold_code(checkpoint.warning);
                if run.has_recorded(&threshold) {
                    continue;
                }
                let alert = SlaAlert {
                    target: run.target,
                    cycle: run.cycle,
                    threshold,
                    policy: status.applied.policy.to_string(),
                    reached_at,
                    due,
                };
                let body = if checkpoint.warning == Warning::Breach {
                    EventBody::SlaBreached(alert)
                } else {
                    EventBody::SlaWarned(alert)
                };
                alerts.push((reached_at, body));
            }
        }
        alerts.sort_by_key(|(reached_at, _)| *reached_at);
        let mut bodies: Vec<EventBody> = alerts.into_iter().map(|(_, body)| body).collect();
        let urgent = matches!(self.priority, Some(Priority::P1 | Priority::P2));
        if imminent && urgent && self.escalated && !self.management_raised {
            bodies.push(EventBody::ManagementEscalated(ManagementEscalated {
                reasons: vec![EscalationReason::SlaBreachImminent],
                note:
                    "Raised by Escalator: the SLA of this escalation is about to breach (SOP §5.3)."
                        .to_string(),
                automatic: true,
            }));
        }
        bodies
    }

    /// The next instant the scheduler must look at this ticket: the earliest
    /// warning or breach of a running clock not yet recorded. It does not
    /// depend on the time now, so it can live in a projection.
    pub fn next_check(&self, config: &SlaConfig) -> Option<DateTime<Utc>> {
        self.runs
            .iter()
            .filter(|run| run.is_running())
            .filter_map(|run| {
                let status = self.status(run, config, run.start)?;
                status
                    .evaluation
                    .checkpoints
                    .iter()
                    .filter(|checkpoint| !run.has_recorded(&threshold_code(checkpoint.warning)))
                    .filter_map(|checkpoint| checkpoint.at)
                    .min()
            })
            .min()
    }

    /// The nearest deadline of a running clock: how urgent the ticket is.
    pub fn next_due(&self, config: &SlaConfig) -> Option<DateTime<Utc>> {
        self.runs
            .iter()
            .filter(|run| run.is_running())
            .filter_map(|run| self.status(run, config, run.start)?.evaluation.due)
            .min()
    }

    /// What the queues show: `breached` when a running clock has a recorded
    /// breach, `imminent` when it has a recorded warning, else `ok`.
    pub fn recorded_state(&self) -> &'static str {
        let running = || self.runs.iter().filter(|run| run.is_running());
        if running().any(|run| run.has_recorded(BREACH)) {
            "breached"
        } else if running().any(|run| !run.recorded.is_empty()) {
            "imminent"
        } else {
            "ok"
        }
    }

    /// Whether the customer is owed an update (SOP §7): the running customer
    /// update clock has a recorded warning or breach. It is cleared by the
    /// next update, which starts a new run.
    pub fn update_due(&self) -> bool {
        self.runs.iter().any(|run| {
            run.target == Target::CustomerUpdate && run.is_running() && !run.recorded.is_empty()
        })
    }
}

/// The text a warning is recorded under: the configured threshold ("75%",
/// "15m before"), or [`BREACH`].
pub fn threshold_code(warning: Warning) -> String {
    match warning {
        Warning::Percent(percent) => Threshold::Percent(percent).to_string(),
        Warning::Before(lead) => Threshold::Before(lead).to_string(),
        Warning::Breach => BREACH.to_string(),
    }
}
