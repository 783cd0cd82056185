//! SLA time: when each target of an escalated ticket falls due, in business
//! time, and why.
//!
//! The SOP asks L1 to follow up when L2 does not respond within the SLA (§6
//! Step 5), to keep the customer updated (§7) and to escalate by priority
//! (§8). All of that hinges on one question, "how much SLA time has run?",
//! and the answer depends on business hours, time zones, DST, holidays and
//! pauses, which is where helpdesks get deadlines wrong. This module answers
//! it with pure functions: no clock is read (`now` is always an argument)
//! and nothing is stored, so the scheduler, the UI and the CLI can recompute
//! any deadline after a policy or calendar change.
//!
//! - [`Calendar`]: time zone, weekly hours, holidays ([`parse_ics`] imports
//!   them); its module doc states the DST rules.
//! - [`elapsed`] and [`deadline`]: business-time arithmetic with [`Pause`]s.
//! - [`SlaConfig`]: named calendars, a [`SlaPolicy`] per priority and the
//!   warning [`Thresholds`], read from `config/sla.toml`.
//! - [`SlaTarget`]: one [`Target`] of one policy, which computes the
//!   deadline, evaluates warnings ([`Evaluation`]) and explains itself
//!   ([`Explanation`]).
//! - [`TicketSla`]: a ticket's clocks read off its event stream, and what
//!   the scheduler must record when.

mod calendar;
mod clock;
mod config;
mod duration;
mod explain;
mod ics;
mod settings;
mod target;
mod thresholds;
mod ticket;
mod view;

pub use calendar::{Calendar, Holiday, Opening, WeeklyHours, SEARCH_HORIZON_YEARS};
pub use clock::{deadline, elapsed, Pause, PauseReason};
pub use config::{SlaConfig, SlaPolicy, SlaTarget, DEFAULT_SLA_TOML};
pub use duration::{BusinessDuration, MAX_TARGET};
pub use explain::{AppliedPause, ClosedStretch, Explanation, Segment};
pub use ics::parse_ics;
pub use settings::{import_holidays, CalendarSummary, PolicyTargets, SlaSettings};
pub use target::Target;
pub use thresholds::{Checkpoint, Evaluation, Threshold, Thresholds, Warning};
pub use ticket::{threshold_code, ClockRun, ClockState, ClockStatus, TicketSla, BREACH};
pub use view::ClockView;
