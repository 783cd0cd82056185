//! A ticket's clocks as the ticket view and `escalator-cli sla explain` show
//! them: one line per target with its state and deadline, and the full
//! explanation of how the deadline was reached.

use super::ticket::{ClockState, TicketSla};
use super::{SlaConfig, Target};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ClockView {
    pub target: Target,
    /// "L2 acknowledgement", "Customer update".
    pub label: String,
    /// Which run of the target; a customer update or a reopening starts the next.
    pub cycle: u32,
    pub policy: String,
    pub state: ClockState,
    pub start: DateTime<Utc>,
    /// When the target was met or stopped applying.
    pub stopped: Option<DateTime<Utc>>,
    /// None while an ongoing pause holds the clock.
    pub due: Option<DateTime<Utc>>,
    /// The deadline on the calendar's wall clock: "Fri 2026-03-06 17:00 CET".
    pub due_local: Option<String>,
    /// The target as configured: "4h".
    pub within: String,
    #[ts(type = "number")]
    pub within_seconds: i64,
    /// Business time used, at now or at the stop.
    #[ts(type = "number")]
    pub elapsed_seconds: i64,
    /// The next warning or breach not reached yet.
    pub next_checkpoint: Option<DateTime<Utc>>,
    /// The multi-line explanation: segments counted, closed hours and
    /// holidays skipped, pauses, and the policy that applied.
    pub explanation: String,
}

impl TicketSla {
    /// The latest run of each target that has run, in SOP order.
    pub fn views(&self, config: &SlaConfig, now: DateTime<Utc>) -> Vec<ClockView> {
        Target::ALL
            .into_iter()
            .filter_map(|target| {
                let run = self.runs.iter().rev().find(|run| run.target == target)?;
                let status = self.status(run, config, now)?;
                let explanation = status.applied.explain(run.start, &self.pauses);
                Some(ClockView {
                    target,
                    label: capitalized(target.label()),
                    cycle: run.cycle,
                    policy: status.applied.policy.to_string(),
                    state: status.state,
                    start: run.start,
                    stopped: run.stopped,
                    due: status.evaluation.due,
                    due_local: explanation.due_local.clone(),
                    within: status.applied.within.to_string(),
                    within_seconds: status.applied.within.as_seconds(),
                    elapsed_seconds: status.evaluation.elapsed.as_seconds(),
                    next_checkpoint: run
                        .is_running()
                        .then(|| status.evaluation.next_at())
                        .flatten(),
                    explanation: explanation.to_text(),
                })
            })
            .collect()
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
