//! The oracle: business time counted the slow, obvious way.
//!
//! It steps minute by minute along UTC, converts each minute to local time
//! with chrono-tz and asks "does the wall clock show an opening on a
//! non-holiday, and is no pause on?". It shares no code with the engine's
//! interval walk. It is exact when every boundary lies on the UTC minute
//! grid: openings are whole local minutes, the zones used shift by whole or
//! half hours at whole UTC minutes, and generated pauses are whole minutes.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use escalator_core::sla::{Calendar, Holiday, Opening, Pause, WeeklyHours};
use std::collections::BTreeSet;

/// A calendar described plainly: per weekday (Monday first), openings as
/// minutes after local midnight `[start, end)`, end up to 1440.
#[derive(Debug, Clone)]
pub struct CalendarSpec {
    pub tz: Tz,
    pub week: [Vec<(u32, u32)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

impl CalendarSpec {
    pub fn new(tz: Tz, week: [Vec<(u32, u32)>; 7]) -> Self {
        Self {
            tz,
            week,
            holidays: BTreeSet::new(),
        }
    }

    pub fn office(tz: Tz) -> Self {
        let day = vec![(9 * 60, 17 * 60)];
        Self::new(
            tz,
            [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                vec![],
                vec![],
            ],
        )
    }

    pub fn around_the_clock(tz: Tz) -> Self {
        Self::new(tz, std::array::from_fn(|_| vec![(0, 1440)]))
    }

    /// The engine's calendar, built through its public API from the
    /// "HH:MM" spellings.
    pub fn calendar(&self) -> Calendar {
        let days = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        let mut week = WeeklyHours::closed();
        for (index, day) in days.into_iter().enumerate() {
            let openings = self.week[index]
                .iter()
                .map(|&(start, end)| Opening::new(&hhmm(start), &hhmm(end), "test").unwrap())
                .collect();
            week = week.with_day(day, openings, "test").unwrap();
        }
        Calendar::new(
            self.tz,
            week,
            self.holidays
                .iter()
                .map(|date| Holiday::new(*date, format!("Holiday {date}"))),
        )
        .unwrap()
    }

    /// Is the minute starting at `minute` (on the UTC minute grid) open?
    pub fn open_minute(&self, minute: DateTime<Utc>) -> bool {
        let local = minute.with_timezone(&self.tz);
        if self.holidays.contains(&local.date_naive()) {
            return false;
        }
        let of_day = local.hour() * 60 + local.minute();
        self.week[local.weekday().num_days_from_monday() as usize]
            .iter()
            .any(|&(start, end)| start <= of_day && of_day < end)
    }
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub fn paused_minute(pauses: &[Pause], minute: DateTime<Utc>) -> bool {
    pauses
        .iter()
        .any(|pause| pause.start <= minute && pause.end.is_none_or(|end| minute < end))
}

fn floor_minute(instant: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = instant.timestamp().div_euclid(60) * 60;
    DateTime::from_timestamp(seconds, 0).unwrap()
}

const MINUTE: TimeDelta = TimeDelta::minutes(1);

/// Business time in `[from, to)`, minute by minute.
pub fn elapsed(
    spec: &CalendarSpec,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    pauses: &[Pause],
) -> TimeDelta {
    let mut total = TimeDelta::zero();
    let mut minute = floor_minute(from);
    while minute < to {
        if spec.open_minute(minute) && !paused_minute(pauses, minute) {
            let lo = minute.max(from);
            let hi = (minute + MINUTE).min(to);
            if lo < hi {
                total += hi - lo;
            }
        }
        minute += MINUTE;
    }
    total
}

/// What the oracle found for a deadline search limited to `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    At(DateTime<Utc>),
    /// An ongoing pause stopped the clock first.
    Paused,
    /// Not reached before the limit.
    Beyond(DateTime<Utc>),
}

/// The earliest instant at which `target` business time has run.
pub fn deadline(
    spec: &CalendarSpec,
    start: DateTime<Utc>,
    target: TimeDelta,
    pauses: &[Pause],
    limit: DateTime<Utc>,
) -> Found {
    if target <= TimeDelta::zero() {
        return Found::At(start);
    }
    let ongoing = pauses
        .iter()
        .filter(|p| p.end.is_none())
        .map(|p| p.start)
        .min();
    let mut remaining = target;
    let mut minute = floor_minute(start);
    while minute < limit {
        if ongoing.is_some_and(|since| minute >= since) {
            return Found::Paused;
        }
        if spec.open_minute(minute) && !paused_minute(pauses, minute) {
            let from = minute.max(start);
            let available = minute + MINUTE - from;
            if remaining <= available {
                return Found::At(from + remaining);
            }
            remaining -= available;
        }
        minute += MINUTE;
    }
    Found::Beyond(limit)
}

/// The earliest instant that is open and unpaused at which `used` business
/// time has run: where a warning must land.
pub fn first_running_after(
    spec: &CalendarSpec,
    start: DateTime<Utc>,
    used: TimeDelta,
    pauses: &[Pause],
    limit: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut counted = TimeDelta::zero();
    let mut minute = floor_minute(start);
    while minute < limit {
        if spec.open_minute(minute) && !paused_minute(pauses, minute) {
            let from = minute.max(start);
            let available = minute + MINUTE - from;
            if counted + available > used {
                return Some(from + (used - counted).max(TimeDelta::zero()));
            }
            counted += available;
        }
        minute += MINUTE;
    }
    None
}

/// The instants in `year` at which `tz` changes its UTC offset, found by
/// comparing offsets an hour apart (to the hour).
pub fn offset_changes(tz: Tz, year: i32) -> Vec<DateTime<Utc>> {
    let mut changes = Vec::new();
    let mut at = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).unwrap();
    let offset = |instant: DateTime<Utc>| instant.with_timezone(&tz).format("%z").to_string();
    while at < end {
        let next = at + TimeDelta::hours(1);
        if offset(at) != offset(next) {
            changes.push(next);
        }
        at = next;
    }
    changes
}
