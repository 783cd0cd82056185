//! A deadline nobody can check is a deadline nobody trusts. Every deadline
//! can say how it was reached: which target and policy applied, which
//! business hours were counted, which closed hours and holidays were skipped
//! and which pauses stopped the clock.
//!
//! The explanation is built by the same walk that computes the deadline, so
//! the two cannot disagree. It serialises for the UI and renders as text for
//! `escalator-cli sla explain TICKET`.

use super::calendar::{Calendar, Holiday, OpenSpan};
use super::clock::{self, Pause, PauseReason, Run, Stretch};
use super::config::SlaTarget;
use super::duration::BusinessDuration;
use super::target::Target;
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub target: Target,
    pub within: BusinessDuration,
    pub policy: String,
    pub calendar: String,
    /// "Europe/Berlin, Mon–Fri 09:00–17:00".
    pub calendar_hours: String,
    pub time_zone: String,
    pub start: DateTime<Utc>,
    pub start_local: String,
    /// The business time that counted, in order.
    pub counted: Vec<Segment>,
    /// The closed stretches between them.
    pub closed: Vec<ClosedStretch>,
    /// Holidays that closed business hours on the way.
    pub holidays: Vec<Holiday>,
    /// Pauses that stopped this target's clock within the window.
    pub pauses: Vec<AppliedPause>,
    /// Pauses in the window that do not stop this target's clock.
    pub ignored_pauses: Vec<AppliedPause>,
    /// The business time counted; equals `within` once `due` is known.
    pub total: BusinessDuration,
    pub due: Option<DateTime<Utc>>,
    pub due_local: Option<String>,
    /// When `due` is None: the ongoing pause holding the clock since then.
    pub paused_since: Option<DateTime<Utc>>,
}

/// A stretch of counted business time within one local date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// "Fri 2026-03-06 15:00–17:00 CET".
    pub local: String,
    pub duration: BusinessDuration,
}

/// Closed time between two counted stretches (or before the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedStretch {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// "Fri 2026-03-06 17:00 → Tue 2026-03-10 09:00 CET".
    pub local: String,
    /// Wall-clock length.
    pub duration: BusinessDuration,
    /// Whole days inside it and why: "Sat–Sun closed", "Mon 2026-03-09
    /// holiday 'Carnival'"; empty for a night.
    pub days: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPause {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub reason: PauseReason,
    /// "Tue 2026-03-10 10:00 → 11:30 CET".
    pub local: String,
    /// The business time it took out of the window (alone, before other
    /// pauses); zero for a pause in closed hours.
    pub business_time: BusinessDuration,
}

impl Explanation {
    /// Explains the deadline of `applied.within` business time from `start`,
    /// given the pauses known so far; those that do not stop
    /// `applied.target` are listed as ignored.
    pub fn build(applied: &SlaTarget<'_>, start: DateTime<Utc>, pauses: &[Pause]) -> Self {
        let calendar = applied.calendar;
        let tz = calendar.time_zone();
        let (stopping, ignored): (Vec<Pause>, Vec<Pause>) = pauses
            .iter()
            .partition(|pause| applied.target.paused_by(pause.reason));
        let due = clock::deadline(calendar, start, applied.within.to_chrono(), &stopping);
        let paused_since = due
            .is_none()
            .then(|| ongoing_start(&stopping, start))
            .flatten();
        let until = due.or(paused_since).unwrap_or(start);

        let mut counted: Vec<OpenSpan> = Vec::new();
        let mut open: Vec<OpenSpan> = Vec::new();
        let mut holidays: Vec<Holiday> = Vec::new();
        if until > start {
            for stretch in Run::new(calendar, start, Some(until), &stopping) {
                match stretch {
                    Stretch::Holiday(date) => {
                        if holidays.last().is_none_or(|last| last.date != date) {
                            let name = calendar.holiday(date).unwrap_or_default();
                            holidays.push(Holiday::new(date, name));
                        }
                    }
                    Stretch::Open(span) => extend(&mut open, span),
                    Stretch::Counted(span) => extend(&mut counted, span),
                }
            }
        }
        let total = counted
            .iter()
            .map(|span| span.end - span.start)
            .sum::<TimeDelta>();
        let closed = closed_stretches(calendar, start, until, &open);
        let describe = |pause: &Pause| -> Option<AppliedPause> {
            let holds_clock = pause.end.is_none() && Some(pause.start.max(start)) == paused_since;
            let overlaps = pause.start < until && pause.end.is_none_or(|end| end > start);
            (overlaps || holds_clock).then(|| AppliedPause {
                start: pause.start,
                end: pause.end,
                reason: pause.reason,
                local: local_range(tz, pause.start, pause.end),
                business_time: BusinessDuration::from_chrono(clock::elapsed(
                    calendar,
                    pause.start.max(start),
                    pause.end.unwrap_or(until).min(until),
                    &[],
                )),
            })
        };
        Explanation {
            target: applied.target,
            within: applied.within,
            policy: applied.policy.to_string(),
            calendar: applied.calendar_name.to_string(),
            calendar_hours: calendar.summary(),
            time_zone: tz.name().to_string(),
            start,
            start_local: local_instant(tz, start),
            counted: counted
                .iter()
                .map(|span| Segment {
                    start: span.start,
                    end: span.end,
                    local: local_span(tz, span),
                    duration: BusinessDuration::from_chrono(span.end - span.start),
                })
                .collect(),
            closed,
            holidays,
            pauses: stopping.iter().filter_map(describe).collect(),
            ignored_pauses: ignored.iter().filter_map(describe).collect(),
            total: BusinessDuration::from_chrono(total),
            due,
            due_local: due.map(|due| local_instant(tz, due)),
            paused_since,
        }
    }

    /// The multi-line text of `escalator-cli sla explain`.
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

/// Where the ongoing pause that holds the clock starts (not before `start`).
fn ongoing_start(pauses: &[Pause], start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    pauses
        .iter()
        .filter(|pause| pause.end.is_none())
        .map(|pause| pause.start.max(start))
        .min()
}

/// Appends a span, joining it to the previous one when they touch on the
/// same local date (a date split at a DST change).
fn extend(spans: &mut Vec<OpenSpan>, span: OpenSpan) {
    match spans.last_mut() {
        Some(last) if last.date == span.date && last.end == span.start => last.end = span.end,
        _ => spans.push(span),
    }
}

fn closed_stretches(
    calendar: &Calendar,
    start: DateTime<Utc>,
    until: DateTime<Utc>,
    open: &[OpenSpan],
) -> Vec<ClosedStretch> {
    let mut gaps = Vec::new();
    let mut cursor = start;
    for span in open {
        if span.start > cursor {
            gaps.push((cursor, span.start));
        }
        cursor = cursor.max(span.end);
    }
    if until > cursor {
        gaps.push((cursor, until));
    }
    let tz = calendar.time_zone();
    gaps.into_iter()
        .map(|(from, to)| ClosedStretch {
            from,
            to,
            local: local_range(tz, from, Some(to)),
            duration: BusinessDuration::from_chrono(to - from),
            days: closed_days(calendar, from, to),
        })
        .collect()
}

/// The local dates `[from, to)` touches before `to`'s date that are closed
/// all day, grouped: runs of closed weekdays, and each holiday by name.
fn closed_days(calendar: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    let tz = calendar.time_zone();
    let first = from.with_timezone(&tz);
    let last = to.with_timezone(&tz);
    let mut day = first.date_naive();
    let end = last.date_naive();
    let mut lines = Vec::new();
    let mut closed_run: Option<(NaiveDate, NaiveDate)> = None;
    let flush = |run: &mut Option<(NaiveDate, NaiveDate)>, lines: &mut Vec<String>| {
        if let Some((a, b)) = run.take() {
            lines.push(if a == b {
                format!("{} closed", weekday_name(a))
            } else {
                format!("{}–{} closed", weekday_name(a), weekday_name(b))
            });
        }
    };
    while day < end {
        if let Some(name) = calendar.holiday(day) {
            flush(&mut closed_run, &mut lines);
            lines.push(format!("{} holiday '{name}'", day.format("%a %Y-%m-%d")));
        } else if calendar.week().day(day.weekday()).is_empty() {
            closed_run = Some(match closed_run {
                Some((a, _)) => (a, day),
                None => (day, day),
            });
        } else {
            flush(&mut closed_run, &mut lines);
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    flush(&mut closed_run, &mut lines);
    lines
}

fn weekday_name(date: NaiveDate) -> String {
    date.format("%a").to_string()
}

/// "15:00", or "15:00:30" when the seconds matter.
fn clock_text(hour: u32, minute: u32, second: u32) -> String {
    if second == 0 {
        format!("{hour:02}:{minute:02}")
    } else {
        format!("{hour:02}:{minute:02}:{second:02}")
    }
}

/// "Fri 2026-03-06 15:00 CET".
pub(crate) fn local_instant(tz: Tz, instant: DateTime<Utc>) -> String {
    let local = instant.with_timezone(&tz);
    format!(
        "{} {} {}",
        local.format("%a %Y-%m-%d"),
        clock_text(local.hour(), local.minute(), local.second()),
        local.format("%Z")
    )
}

/// "Fri 2026-03-06 15:00–17:00 CET"; "24:00" for the next midnight; both
/// zone names when a DST change falls inside.
fn local_span(tz: Tz, span: &OpenSpan) -> String {
    let from = span.start.with_timezone(&tz);
    let to = span.end.with_timezone(&tz);
    let end_clock = if to.date_naive() > span.date && to.time().num_seconds_from_midnight() == 0 {
        "24:00".to_string()
    } else {
        clock_text(to.hour(), to.minute(), to.second())
    };
    let (from_zone, to_zone) = (from.format("%Z").to_string(), to.format("%Z").to_string());
    let start_clock = clock_text(from.hour(), from.minute(), from.second());
    if from_zone == to_zone {
        format!(
            "{} {start_clock}–{end_clock} {to_zone}",
            span.date.format("%a %Y-%m-%d")
        )
    } else {
        format!(
            "{} {start_clock} {from_zone}–{end_clock} {to_zone}",
            span.date.format("%a %Y-%m-%d")
        )
    }
}

/// "Tue 2026-03-10 10:00 → 11:30 CET", "Fri 2026-03-06 17:00 → Tue
/// 2026-03-10 09:00 CET", "Tue 2026-03-10 10:00 CET → (ongoing)".
fn local_range(tz: Tz, from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> String {
    let Some(to) = to else {
        return format!("{} → (ongoing)", local_instant(tz, from));
    };
    let (a, b) = (from.with_timezone(&tz), to.with_timezone(&tz));
    let (zone_a, zone_b) = (a.format("%Z").to_string(), b.format("%Z").to_string());
    let a_text = format!(
        "{} {}",
        a.format("%a %Y-%m-%d"),
        clock_text(a.hour(), a.minute(), a.second())
    );
    let b_clock = clock_text(b.hour(), b.minute(), b.second());
    match (a.date_naive() == b.date_naive(), zone_a == zone_b) {
        (true, true) => format!("{a_text} → {b_clock} {zone_b}"),
        (true, false) => format!("{a_text} {zone_a} → {b_clock} {zone_b}"),
        (false, true) => format!("{a_text} → {} {b_clock} {zone_b}", b.format("%a %Y-%m-%d")),
        (false, false) => format!(
            "{a_text} {zone_a} → {} {b_clock} {zone_b}",
            b.format("%a %Y-%m-%d")
        ),
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Target:   {} within {} business time (policy {}, calendar {}: {})",
            self.target.label(),
            self.within,
            self.policy,
            self.calendar,
            self.calendar_hours
        )?;
        writeln!(f, "Start:    {}", self.start_local)?;
        if self.counted.is_empty() {
            match self.due {
                Some(_) => writeln!(f, "Counted:  0m of {}", self.within)?,
                None => writeln!(f, "Counted:  nothing yet")?,
            }
        } else {
            writeln!(f, "Counted:  {} of {}", self.total, self.within)?;
            for segment in &self.counted {
                writeln!(f, "  {}  ({})", segment.local, segment.duration)?;
            }
        }
        if !self.closed.is_empty() {
            writeln!(f, "Skipped:")?;
            for stretch in &self.closed {
                let why = if stretch.days.is_empty() {
                    "closed".to_string()
                } else {
                    format!("closed: {}", stretch.days.join("; "))
                };
                writeln!(f, "  {}  ({}, {why})", stretch.local, stretch.duration)?;
            }
        }
        if !self.holidays.is_empty() {
            let names = self
                .holidays
                .iter()
                .map(|holiday| format!("{} '{}'", holiday.date.format("%a %Y-%m-%d"), holiday.name))
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(f, "Holidays: {names}")?;
        }
        if !self.pauses.is_empty() {
            writeln!(f, "Paused:")?;
            for pause in &self.pauses {
                let effect = if pause.end.is_none() {
                    "ongoing, the clock is stopped".to_string()
                } else if pause.business_time.is_zero() {
                    "in closed hours, no effect".to_string()
                } else {
                    format!("{} of business time", pause.business_time)
                };
                writeln!(f, "  {}  {} ({effect})", pause.local, pause.reason.label())?;
            }
        }
        for pause in &self.ignored_pauses {
            writeln!(
                f,
                "Not paused: {}  {} (does not stop the {} clock)",
                pause.local,
                pause.reason.label(),
                self.target.label()
            )?;
        }
        match (&self.due_local, self.paused_since) {
            (Some(due_local), _) => {
                let due = self.due.unwrap_or(self.start);
                write!(
                    f,
                    "Due:      {due_local} ({} UTC)",
                    due.format("%Y-%m-%d %H:%M")
                )
            }
            (None, Some(since)) => write!(
                f,
                "Due:      unknown, paused since {}; {} left when the clock restarts",
                local_instant(self.time_zone.parse().unwrap_or(chrono_tz::UTC), since),
                BusinessDuration::seconds(self.within.as_seconds() - self.total.as_seconds())
            ),
            (None, None) => write!(f, "Due:      not within the search horizon"),
        }
    }
}
