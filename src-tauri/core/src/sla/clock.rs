//! Business-time arithmetic: how much SLA time has run, and when a target
//! falls due.
//!
//! The SLA clock runs only while the calendar is open and no pause holds it.
//! A pause is a UTC interval during which the team waits on someone else:
//! the customer, or L1 for information L2 asked for. A pause that is still
//! going on has no end yet, so a deadline that it holds up is unknown, not
//! late: [`deadline`] says `None` rather than guessing.
//!
//! Both functions walk the calendar's open spans (a day at a time) and cut
//! the pauses out of them, so their cost grows with the days crossed, not
//! the minutes.

use super::calendar::{Calendar, OpenSpan, Piece, Spans};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Why the SLA clock is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The team asked the customer for something and waits for the answer.
    WaitingOnCustomer,
    /// L2 asked L1 for more information (SOP §6 Step 5) and waits for it.
    WaitingOnL1,
}

impl PauseReason {
    pub fn label(self) -> &'static str {
        match self {
            PauseReason::WaitingOnCustomer => "waiting on customer",
            PauseReason::WaitingOnL1 => "waiting on L1 for information",
        }
    }
}

/// UTC `[start, end)` during which the SLA clock is stopped; `end` is None
/// while the pause goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub reason: PauseReason,
}

impl Pause {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>, reason: PauseReason) -> Self {
        Self {
            start,
            end: Some(end),
            reason,
        }
    }

    /// A pause that has not ended yet.
    pub fn ongoing(start: DateTime<Utc>, reason: PauseReason) -> Self {
        Self {
            start,
            end: None,
            reason,
        }
    }
}

/// Business time counted in `[from, to)`: open on the calendar and not
/// paused. Zero when `to` is not after `from`.
pub fn elapsed(
    calendar: &Calendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    pauses: &[Pause],
) -> TimeDelta {
    if to <= from {
        return TimeDelta::zero();
    }
    Run::new(calendar, from, Some(to), pauses)
        .filter_map(|stretch| match stretch {
            Stretch::Counted(span) => Some(span.end - span.start),
            _ => None,
        })
        .sum()
}

/// The earliest instant `t` with `elapsed(calendar, start, t, pauses) ==
/// target`: `start` itself for a zero target, otherwise the end of the last
/// business second, which may be a closing time.
///
/// None when the target cannot be known: an ongoing pause stops the clock
/// before the target is reached (pass only pauses known so far), or it lies
/// beyond the [`super::SEARCH_HORIZON_YEARS`] search horizon.
pub fn deadline(
    calendar: &Calendar,
    start: DateTime<Utc>,
    target: TimeDelta,
    pauses: &[Pause],
) -> Option<DateTime<Utc>> {
    reach(calendar, start, target, pauses, Landing::Exact)
}

/// Where a walk of `amount` business time may end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Landing {
    /// At the exact instant the amount is used up, even a closing time.
    Exact,
    /// At the first instant the clock is running once the amount is used
    /// up: warnings land here so they never fall outside business hours.
    Running,
}

pub(crate) fn reach(
    calendar: &Calendar,
    start: DateTime<Utc>,
    amount: TimeDelta,
    pauses: &[Pause],
    landing: Landing,
) -> Option<DateTime<Utc>> {
    if landing == Landing::Exact && amount <= TimeDelta::zero() {
        return Some(start);
    }
    let mut remaining = amount.max(TimeDelta::zero());
    for stretch in Run::new(calendar, start, None, pauses) {
        let Stretch::Counted(piece) = stretch else {
            continue;
        };
        let length = piece.end - piece.start;
        if remaining < length || (landing == Landing::Exact && remaining == length) {
            return Some(piece.start + remaining);
        }
        remaining -= length;
    }
    None
}

/// Pauses as sorted, disjoint stops; a stop without end never ends.
fn stops(pauses: &[Pause]) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut stops: Vec<_> = pauses
        .iter()
        .filter(|pause| pause.end.is_none_or(|end| end > pause.start))
        .map(|pause| (pause.start, pause.end))
        .collect();
    stops.sort_by_key(|(start, _)| *start);
    let mut merged: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::with_capacity(stops.len());
    for (start, end) in stops {
        match merged.last_mut() {
            Some((_, last_end)) if last_end.is_none_or(|last| start <= last) => {
                *last_end = match (*last_end, end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// What a walk of the SLA clock meets, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stretch {
    /// A holiday closed an opening here.
    Holiday(NaiveDate),
    /// The calendar is open here (pauses not yet taken out); the counted
    /// parts of it follow.
    Open(OpenSpan),
    /// Business time that counts: open and not paused.
    Counted(OpenSpan),
}

/// The calendar's open spans with the pauses cut out. Ends for good where an
/// ongoing pause stops the clock.
pub(crate) struct Run<'a> {
    spans: Spans<'a>,
    stops: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    next_stop: usize,
    queue: VecDeque<Stretch>,
    /// Set where an ongoing pause stopped the clock; the walk ends there.
    halted: bool,
}

impl<'a> Run<'a> {
    pub fn new(
        calendar: &'a Calendar,
        from: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        pauses: &[Pause],
    ) -> Self {
        Self {
            spans: calendar.spans(from, until),
            stops: stops(pauses),
            next_stop: 0,
            queue: VecDeque::new(),
            halted: false,
        }
    }

    fn cut(&mut self, span: OpenSpan) {
        self.queue.push_back(Stretch::Open(span));
        let mut cursor = span.start;
        while let Some(&(start, end)) = self.stops.get(self.next_stop) {
            if end.is_some_and(|end| end <= cursor) {
                self.next_stop += 1;
                continue;
            }
            if start >= span.end {
                break;
            }
            if start > cursor {
                self.count(span, cursor, start);
            }
            match end {
                None => {
                    self.halted = true;
                    return;
                }
                Some(end) if end >= span.end => return,
                Some(end) => {
                    cursor = end;
                    self.next_stop += 1;
                }
            }
        }
        self.count(span, cursor, span.end);
    }

    fn count(&mut self, span: OpenSpan, start: DateTime<Utc>, end: DateTime<Utc>) {
        if start < end {
            self.queue.push_back(Stretch::Counted(OpenSpan {
                date: span.date,
                start,
                end,
            }));
        }
    }
}

impl Iterator for Run<'_> {
    type Item = Stretch;

    fn next(&mut self) -> Option<Stretch> {
        loop {
            if let Some(stretch) = self.queue.pop_front() {
                return Some(stretch);
            }
            if self.halted {
                return None;
            }
            match self.spans.next()? {
                Piece::Holiday(date) => return Some(Stretch::Holiday(date)),
                Piece::Open(span) => self.cut(span),
            }
        }
    }
}
