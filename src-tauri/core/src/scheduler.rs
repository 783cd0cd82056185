//! The SLA scheduler: one task that sleeps until the next instant something
//! falls due, records it, and hands the new alerts to whoever shows them.
//!
//! It never scans tickets on a timer. Each round is a sweep
//! ([`Desk::sweep_sla`]) that reads only the tickets the index says are
//! due, then the alerts logged since the last round
//! ([`Desk::alerts_after`]), then one index probe for the next instant. It
//! wakes early when told that tickets or the SLA config changed
//! ([`SchedulerHandle`]). Each round also delivers the official management
//! notifications that are due (SOP §6 Step 4), with their retries.
//!
//! Sleeping is measured on tokio's monotonic clock, but deadlines are wall
//! clock instants. After a system suspend or a wall-clock change the two
//! disagree, so a nap never lasts longer than [`MAX_NAP`]: the scheduler
//! looks at the wall clock again at least that often and catches up on
//! whatever fell due meanwhile. A jump is logged when it is noticed.

use crate::alerts::{collapse, Alert};
use crate::desk::{Desk, SlaOverview};
use crate::error::Result;
use crate::official::{NetworkSender, Sender};
use std::time::Duration;
use tokio::sync::mpsc;

/// The longest the scheduler sleeps without looking at the wall clock.
pub const MAX_NAP: Duration = Duration::from_secs(60);

/// The shortest nap: what fell due during a sweep waits this long, rather
/// than the scheduler spinning.
const MIN_NAP: Duration = Duration::from_millis(1);

/// A difference between wall-clock and monotonic time this large over one
/// nap is reported as a clock jump (suspend, NTP step, manual change).
const JUMP: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// How many tickets the tray lists as most urgent.
pub const URGENT_LIMIT: usize = 5;

/// How many alerts one round reads; the rest follow in the next round.
const ALERT_BATCH: usize = 500;

/// What one round found, for the notifier and the tray.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// New alerts since the last round, one per ticket and target.
    pub alerts: Vec<Alert>,
    pub overview: SlaOverview,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    TicketsChanged,
    ConfigChanged,
}

/// Tells a running scheduler to look again. Cheap to clone; the scheduler
/// stops once every handle is gone.
#[derive(Debug, Clone)]
pub struct SchedulerHandle(mpsc::UnboundedSender<Signal>);

impl SchedulerHandle {
    /// A ticket changed (a command ran): its deadlines may have moved.
    pub fn tickets_changed(&self) {
        let _ = self.0.send(Signal::TicketsChanged);
    }

    /// The SLA file was saved: read it again and recompute.
    pub fn config_changed(&self) {
        let _ = self.0.send(Signal::ConfigChanged);
    }
}

pub struct Scheduler {
    desk: Desk,
    signals: mpsc::UnboundedReceiver<Signal>,
    /// Delivers the official management notifications (SOP §6 Step 4).
    sender: Box<dyn Sender + Send>,
}

impl Scheduler {
    /// A scheduler over its own [`Desk`] (its own database connection; SQLite
    /// arbitrates with the app's).
    pub fn new(desk: Desk) -> (Scheduler, SchedulerHandle) {
        let (handle, signals) = mpsc::unbounded_channel();
        let scheduler = Scheduler {
            desk,
            signals,
            sender: Box::new(NetworkSender::default()),
        };
        (scheduler, SchedulerHandle(handle))
    }

    /// Runs rounds until every [`SchedulerHandle`] is dropped, calling
    /// `deliver` after each. A round that fails (a locked or broken
    /// database) is logged and retried after a nap.
    pub async fn run(mut self, mut deliver: impl FnMut(Round)) {
        let mut cursor = None;
        loop {
            let nap = match self.round(&mut cursor) {
                Ok((round, nap)) => {
                    deliver(round);
                    nap
                }
                Err(error) => {
                    eprintln!("SLA scheduler: {error}; trying again in {MAX_NAP:?}");
                    MAX_NAP
                }
            };
            let wall = self.desk.now();
            let slept_from = tokio::time::Instant::now();
            tokio::select! {
                () = tokio::time::sleep(nap) => {}
                signal = self.signals.recv() => match signal {
                    None => return,
                    Some(Signal::TicketsChanged) => {}
                    Some(Signal::ConfigChanged) => {
                        if let Err(error) = self.desk.reload_sla_config() {
                            eprintln!("SLA scheduler: keeping the previous SLA config: {error}");
                        }
                    }
                },
            }
            let monotonic = chrono::TimeDelta::from_std(slept_from.elapsed()).unwrap_or_default();
            let drift = (self.desk.now() - wall) - monotonic;
            if drift.abs() > JUMP {
                eprintln!(
                    "SLA scheduler: the wall clock moved {}s more than the time slept (suspend or clock change); checking again",
                    drift.num_seconds()
                );
            }
        }
    }

    /// Records what fell due, reads the new alerts, and says how long to
    /// sleep.
    fn round(&mut self, cursor: &mut Option<i64>) -> Result<(Round, Duration)> {
        // Read (or start) the cursor before sweeping, so the alerts the first
        // sweep records come after it.
        let from = match *cursor {
            Some(position) => position,
            None => self.desk.notifier_cursor()?,
        };
        let sweep = self.desk.sweep_sla()?;
        // A delivery that fails is recorded on the ticket and retried; only
        // a store error stops the round.
        let delivery = self.desk.deliver_official(self.sender.as_ref())?;
        let (alerts, next) = self.desk.alerts_after(from, ALERT_BATCH)?;
        if next != from {
            self.desk.set_notifier_cursor(next)?;
        }
        *cursor = Some(next);
        let now = self.desk.now();
        let nap = [sweep.next_check, delivery.next_attempt_at]
            .into_iter()
            .flatten()
            .min()
            .map_or(MAX_NAP, |at| (at - now).to_std().unwrap_or(Duration::ZERO))
            .clamp(MIN_NAP, MAX_NAP);
        let overview = self.desk.sla_overview(URGENT_LIMIT)?;
        Ok((
            Round {
                alerts: collapse(alerts),
                overview,
            },
            nap,
        ))
    }
}
