//! Warnings give the team a chance to act before an SLA breaks, not a record
//! that it broke.
//!
//! A threshold is either a share of the target used ("75%") or an amount of
//! business time left ("15m before"). Both are measured on the SLA clock, so
//! "15m before" means fifteen minutes of business time before the deadline:
//! with a 09:10 Monday deadline on a 09:00–17:00 calendar, it fires at 16:55
//! on Friday, while someone can still act, not at 08:55 on Monday.
//!
//! A warning falls due at the first instant the clock is running once its
//! share is used, so it never lands outside business hours or inside a
//! pause: when 75 % is reached exactly at closing time, the warning waits
//! for the next opening. The breach itself is the deadline, which may be a
//! closing time ("due by Friday 17:00"); whether to notify then is the
//! notifier's quiet-hours decision. Thresholds that would fire at the very
//! start (a lead time at least as long as the target) are dropped.

use super::clock::{self, Landing, Pause};
use super::duration::BusinessDuration;
use super::Calendar;
use crate::error::{Error, Result};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One configured warning point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Threshold {
    /// This share of the target's business time has run (1–99).
    Percent(u8),
    /// This much business time is left before the deadline.
    Before(BusinessDuration),
}

impl Threshold {
    /// "75%" or "15m before".
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        let trimmed = text.trim();
        if let Some(number) = trimmed.strip_suffix('%') {
            let percent: u8 = number.trim().parse().map_err(|_| {
                Error::invalid(
                    field,
                    format!("'{text}' is not a percentage; write e.g. '75%'"),
                )
            })?;
            if !(1..=99).contains(&percent) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "'{text}': a warning percentage is between 1% and 99% (100% is the breach)"
                    ),
                ));
            }
            return Ok(Threshold::Percent(percent));
        }
        if let Some(lead) = trimmed.strip_suffix("before") {
            let lead = BusinessDuration::parse(lead.trim(), field)?;
            if lead.is_zero() {
                return Err(Error::invalid(
                    field,
                    format!("'{text}': a warning comes some time before the deadline, not at it"),
                ));
            }
            return Ok(Threshold::Before(lead));
        }
        Err(Error::invalid(
            field,
            format!("'{text}' is not a warning point; write a share of the target like '75%' or a lead time like '15m before'"),
        ))
    }
}

/// "75%", "15m before".
impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Percent(percent) => write!(f, "{percent}%"),
            Threshold::Before(lead) => write!(f, "{lead} before"),
        }
    }
}

/// The warning points of a policy, in the order configured; each distinct.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Thresholds {
    points: Vec<Threshold>,
}

impl Thresholds {
    /// Refuses a point listed twice (it would notify twice).
    pub fn new(points: Vec<Threshold>, field: &str) -> Result<Self> {
        for (index, point) in points.iter().enumerate() {
            if points[..index].contains(point) {
                return Err(Error::invalid(
                    format!("{field}[{index}]"),
                    format!("'{point}' is listed twice"),
                ));
            }
        }
        Ok(Self { points })
    }

    /// The defaults of the design: 75 %, 90 % and 15 minutes before.
    pub fn standard() -> Self {
        Self {
            points: vec![
                Threshold::Percent(75),
                Threshold::Percent(90),
                Threshold::Before(BusinessDuration::minutes(15)),
            ],
        }
    }

    pub fn points(&self) -> &[Threshold] {
        &self.points
    }

    /// Where a target stands at `now`: its deadline, each warning's instant
    /// and the breach, and which of them `now` has reached. `pauses` are the
    /// pauses known at `now` that stop this target's clock; an ongoing one
    /// leaves every later instant unknown.
    pub fn evaluate(
        &self,
        calendar: &Calendar,
        start: DateTime<Utc>,
        target: BusinessDuration,
        now: DateTime<Utc>,
        pauses: &[Pause],
    ) -> Evaluation {
        let within = target.to_chrono();
        let due = clock::deadline(calendar, start, within, pauses);
        let mut checkpoints: Vec<Checkpoint> = self
            .points
            .iter()
            .filter_map(|point| {
                let used = match *point {
                    Threshold::Percent(percent) => share(within, percent),
                    Threshold::Before(lead) => within - lead.to_chrono(),
                };
                (used > TimeDelta::zero()).then(|| {
                    let at = clock::reach(calendar, start, used, pauses, Landing::Running);
                    Checkpoint::new(Warning::from(*point), at, now)
                })
            })
            .collect();
        checkpoints.sort_by_key(|checkpoint| (checkpoint.at.is_none(), checkpoint.at));
        checkpoints.push(Checkpoint::new(Warning::Breach, due, now));
        let elapsed = clock::elapsed(calendar, start, now, pauses);
        Evaluation {
            due,
            elapsed: BusinessDuration::from_chrono(elapsed),
            remaining: BusinessDuration::from_chrono(within - elapsed),
            checkpoints,
        }
    }
}

/// `percent` % of `within`, to the nanosecond.
fn share(within: TimeDelta, percent: u8) -> TimeDelta {
    let nanos =
        i128::from(within.num_seconds()) * 1_000_000_000 + i128::from(within.subsec_nanos());
    let part = nanos * i128::from(percent) / 100;
    TimeDelta::seconds((part / 1_000_000_000) as i64)
        + TimeDelta::nanoseconds((part % 1_000_000_000) as i64)
}

/// A level a target's clock can cross.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    Percent(u8),
    Before(BusinessDuration),
    /// The deadline passed.
    Breach,
}

impl From<Threshold> for Warning {
    fn from(threshold: Threshold) -> Self {
        match threshold {
            Threshold::Percent(percent) => Warning::Percent(percent),
            Threshold::Before(lead) => Warning::Before(lead),
        }
    }
}

/// "75% used", "15m left", "breached".
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Percent(percent) => write!(f, "{percent}% used"),
            Warning::Before(lead) => write!(f, "{lead} left"),
            Warning::Breach => f.write_str("breached"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub warning: Warning,
    /// When it falls due; None while an ongoing pause holds the clock first.
    pub at: Option<DateTime<Utc>>,
    /// `now` has reached `at`.
    pub crossed: bool,
}

impl Checkpoint {
    fn new(warning: Warning, at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        Self {
            warning,
            at,
            crossed: at.is_some_and(|at| at <= now),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The deadline; None while an ongoing pause holds the clock first.
    pub due: Option<DateTime<Utc>>,
    /// Business time run so far.
    pub elapsed: BusinessDuration,
    /// Business time left; zero once the target is used up.
    pub remaining: BusinessDuration,
    /// The warnings in time order, the breach last.
    pub checkpoints: Vec<Checkpoint>,
}

impl Evaluation {
    /// The levels `now` has reached, in time order.
    pub fn crossed(&self) -> impl Iterator<Item = Warning> + '_ {
        self.checkpoints
            .iter()
            .filter(|checkpoint| checkpoint.crossed)
            .map(|checkpoint| checkpoint.warning)
    }

    pub fn is_breached(&self) -> bool {
        self.crossed().any(|warning| warning == Warning::Breach)
    }

    /// The next instant something falls due: when a scheduler should wake.
    pub fn next_at(&self) -> Option<DateTime<Utc>> {
        self.checkpoints
            .iter()
            .filter(|checkpoint| !checkpoint.crossed)
            .filter_map(|checkpoint| checkpoint.at)
            .min()
    }
}
