//! When the SLA clock may run: a team's business hours, in the team's own
//! time zone, minus its holidays.
//!
//! Business hours are read off the wall clock. An instant is business time
//! when the clock on the wall in the calendar's zone shows a time inside one
//! of that weekday's openings, on a date that is not a holiday. Everything
//! about daylight saving time follows from that one rule:
//!
//! - a 09:00–17:00 day is 09:00–17:00 on the wall on a DST day too, so it
//!   still holds 8 real hours when the change happens at night;
//! - an opening edge inside the hour skipped in spring moves to the first
//!   instant after the gap (02:30–05:00 opens at 03:00, 1½ hours that night);
//! - an hour repeated in autumn counts twice when it lies inside an opening
//!   (00:00–05:00 holds 6 real hours that night); an edge inside the repeated
//!   hour is passed twice, so the wall clock is inside the opening, leaves it,
//!   and comes back, and the engine follows it exactly;
//! - "24:00" ends an opening at the next midnight, and a 24x7 calendar is
//!   open every instant: days touch end to end and no minute is lost.
//!
//! [`Calendar::spans`] turns this into real UTC intervals a day at a time,
//! without stepping minute by minute: it finds the zone's offset changes by
//! probing the offset hourly and bisecting to the second, so it assumes two
//! offset changes are never less than an hour apart.

use crate::error::{Error, Result};
use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Timelike,
    Utc, Weekday,
};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::fmt;

const DAY: u32 = 86_400;

/// One opening of a business day, wall-clock `[start, end)` in seconds after
/// local midnight; `end` may be 24:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Opening {
    start: u32,
    end: u32,
}

impl Opening {
    /// `start` and `end` as "HH:MM"; `end` may be "24:00", and must come
    /// after `start` (an overnight shift is two openings on two days).
    pub fn new(start: &str, end: &str, field: &str) -> Result<Self> {
        let start_seconds = parse_clock(start, field)?;
        let end_seconds = parse_clock(end, field)?;
        if start_seconds >= DAY {
            return Err(Error::invalid(field, "an opening cannot start at 24:00"));
        }
        if end_seconds <= start_seconds {
            return Err(Error::invalid(
                field,
                format!(
                    "'{start}-{end}' ends before it starts; an overnight shift is two openings, \
                     e.g. '22:00-24:00' on one day and '00:00-06:00' on the next"
                ),
            ));
        }
        Ok(Self {
            start: start_seconds,
            end: end_seconds,
        })
    }

    /// Parses "09:00-17:00" (an en dash works too).
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        let normalized = text.trim().replace('–', "-");
        let Some((start, end)) = normalized.split_once('-') else {
            return Err(Error::invalid(
                field,
                format!("'{text}' is not an opening; write it like '09:00-17:00'"),
            ));
        };
        Self::new(start.trim(), end.trim(), field)
    }

    /// The whole day, 00:00–24:00.
    pub const fn all_day() -> Self {
        Self { start: 0, end: DAY }
    }

    /// Seconds after local midnight.
    pub fn start_seconds(self) -> u32 {
        self.start
    }

    /// Seconds after local midnight; 86 400 means 24:00.
    pub fn end_seconds(self) -> u32 {
        self.end
    }

    /// The config spelling, "09:00-17:00".
    pub fn to_config_string(self) -> String {
        format!("{}-{}", clock_text(self.start), clock_text(self.end))
    }

    fn contains(self, seconds_after_midnight: u32) -> bool {
        self.start <= seconds_after_midnight && seconds_after_midnight < self.end
    }
}

/// "09:00–17:00".
impl fmt::Display for Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", clock_text(self.start), clock_text(self.end))
    }
}

fn parse_clock(text: &str, field: &str) -> Result<u32> {
    let invalid = || {
        Error::invalid(
            field,
            format!("'{text}' is not a time of day; write it like '09:00' (or '24:00' to end at midnight)"),
        )
    };
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(invalid)?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return Err(invalid());
    }
    let hours: u32 = hours.parse().map_err(|_| invalid())?;
    let minutes: u32 = minutes.parse().map_err(|_| invalid())?;
    if minutes > 59 || hours > 24 || (hours == 24 && minutes != 0) {
        return Err(invalid());
    }
    Ok(hours * 3_600 + minutes * 60)
}

fn clock_text(seconds: u32) -> String {
    format!("{:02}:{:02}", seconds / 3_600, seconds % 3_600 / 60)
}

/// The openings of each weekday, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WeeklyHours {
    days: [Vec<Opening>; 7],
}

impl WeeklyHours {
    /// Closed every day; add days with [`WeeklyHours::with_day`].
    pub fn closed() -> Self {
        Self::default()
    }

    /// Open around the clock, every day.
    pub fn always() -> Self {
        Self {
            days: std::array::from_fn(|_| vec![Opening::all_day()]),
        }
    }

    /// The same openings Monday to Friday, closed at the weekend.
    pub fn weekdays(openings: &[Opening]) -> Result<Self> {
        let mut week = Self::closed();
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            week = week.with_day(day, openings.to_vec(), "hours")?;
        }
        Ok(week)
    }

    /// Replaces one weekday's openings. They are sorted; overlapping
    /// openings are refused, touching ones are kept as written.
    pub fn with_day(
        mut self,
        day: Weekday,
        mut openings: Vec<Opening>,
        field: &str,
    ) -> Result<Self> {
        openings.sort();
        for pair in openings.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(Error::invalid(
                    field,
                    format!("openings {} and {} overlap", pair[0], pair[1]),
                ));
            }
        }
        self.days[day.num_days_from_monday() as usize] = openings;
        Ok(self)
    }

    pub fn day(&self, day: Weekday) -> &[Opening] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Open every instant of every day.
    pub fn is_always_open(&self) -> bool {
        self.days
            .iter()
            .all(|openings| openings.as_slice() == [Opening::all_day()])
    }

    fn is_never_open(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// "Mon–Fri 09:00–17:00", "Mon–Thu 08:00–12:00, 13:00–17:00; Fri 08:00–12:00",
/// or "24x7".
impl fmt::Display for WeeklyHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_always_open() {
            return f.write_str("24x7");
        }
        if self.is_never_open() {
            return f.write_str("never open");
        }
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let mut groups: Vec<String> = Vec::new();
        let mut index = 0;
        while index < 7 {
            let mut last = index;
            while last + 1 < 7 && self.days[last + 1] == self.days[index] {
                last += 1;
            }
            if !self.days[index].is_empty() {
                let days = if last == index {
                    names[index].to_string()
                } else {
                    format!("{}–{}", names[index], names[last])
                };
                let hours = self.days[index]
                    .iter()
                    .map(Opening::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                groups.push(format!("{days} {hours}"));
            }
            index = last + 1;
        }
        f.write_str(&groups.join("; "))
    }
}

/// A local date on which the calendar is closed all day.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

impl Holiday {
    pub fn new(date: NaiveDate, name: impl Into<String>) -> Self {
        Self {
            date,
            name: name.into(),
        }
    }
}

/// A time zone, weekly business hours and holidays: when the SLA clock runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    time_zone: Tz,
    week: WeeklyHours,
    holidays: BTreeMap<NaiveDate, String>,
}

impl Calendar {
    /// A calendar must be open at some time of the week, or no deadline on
    /// it could ever fall due. Two holidays on one date keep both names.
    pub fn new(
        time_zone: Tz,
        week: WeeklyHours,
        holidays: impl IntoIterator<Item = Holiday>,
    ) -> Result<Self> {
        if week.is_never_open() {
            return Err(Error::invalid(
                "hours",
                "the calendar is never open; give at least one weekday an opening such as '09:00-17:00'",
            ));
        }
        Ok(Self {
            time_zone,
            week,
            holidays: BTreeMap::new(),
        }
        .with_holidays(holidays))
    }

    /// Open every instant, no holidays: the P1 calendar.
    pub fn around_the_clock(time_zone: Tz) -> Self {
        Self {
            time_zone,
            week: WeeklyHours::always(),
            holidays: BTreeMap::new(),
        }
    }

    /// The same calendar with more holidays (for example from an .ics file).
    pub fn with_holidays(mut self, holidays: impl IntoIterator<Item = Holiday>) -> Self {
        for holiday in holidays {
            let name = holiday.name.trim().to_string();
            self.holidays
                .entry(holiday.date)
                .and_modify(|existing| {
                    if !existing.split(" / ").any(|known| known == name) {
                        existing.push_str(" / ");
                        existing.push_str(&name);
                    }
                })
                .or_insert(name);
        }
        self
    }

    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    pub fn week(&self) -> &WeeklyHours {
        &self.week
    }

    /// Holidays in date order.
    pub fn holidays(&self) -> impl Iterator<Item = Holiday> + '_ {
        self.holidays
            .iter()
            .map(|(date, name)| Holiday::new(*date, name.clone()))
    }

    /// The holiday's name, if `date` is one.
    pub fn holiday(&self, date: NaiveDate) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    /// The openings that apply on a local date: none on a holiday.
    pub fn openings_on(&self, date: NaiveDate) -> &[Opening] {
        if self.holidays.contains_key(&date) {
            &[]
        } else {
            self.week.day(date.weekday())
        }
    }

    /// Whether the wall clock at `instant` shows business time.
    pub fn is_open(&self, instant: DateTime<Utc>) -> bool {
        let local = instant.with_timezone(&self.time_zone).naive_local();
        let seconds = local.time().num_seconds_from_midnight();
        self.openings_on(local.date())
            .iter()
            .any(|opening| opening.contains(seconds))
    }

    /// The first business instant at or after `instant` (None only past the
    /// search horizon, which a valid calendar never reaches).
    pub fn next_open(&self, instant: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.spans(instant, None).find_map(|piece| match piece {
            Piece::Open(span) => Some(span.start),
            Piece::Holiday(_) => None,
        })
    }

    /// "Europe/Berlin, Mon–Fri 09:00–17:00" (plus the number of holidays).
    pub fn summary(&self) -> String {
        let holidays = match self.holidays.len() {
            0 => String::new(),
            1 => ", 1 holiday".to_string(),
            n => format!(", {n} holidays"),
        };
        format!("{}, {}{}", self.time_zone.name(), self.week, holidays)
    }

    /// Business time from `from` on, in order, as UTC intervals no longer
    /// than one local date, plus the holidays that closed an opening on the
    /// way. Stops at `until`, or after [`SEARCH_HORIZON_YEARS`] when None.
    pub(crate) fn spans(&self, from: DateTime<Utc>, until: Option<DateTime<Utc>>) -> Spans<'_> {
        let horizon = from
            .checked_add_signed(TimeDelta::days(365 * SEARCH_HORIZON_YEARS))
            .unwrap_or(DateTime::<Utc>::MAX_UTC - TimeDelta::days(2));
        Spans {
            calendar: self,
            cursor: from,
            until: until.map_or(horizon, |until| until.min(horizon)),
            pending: std::collections::VecDeque::new(),
        }
    }
}

/// How far ahead a deadline search looks before it gives up.
pub const SEARCH_HORIZON_YEARS: i64 = 200;

/// A stretch of business time within one local date, UTC `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenSpan {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Open(OpenSpan),
    /// A holiday whose openings would otherwise have counted here.
    Holiday(NaiveDate),
}

/// Walks a calendar chunk by chunk: a chunk is the rest of one local date
/// under one UTC offset, so within it local time is UTC plus a constant.
pub(crate) struct Spans<'a> {
    calendar: &'a Calendar,
    cursor: DateTime<Utc>,
    until: DateTime<Utc>,
    pending: std::collections::VecDeque<Piece>,
}

impl Spans<'_> {
    fn step(&mut self) {
        let tz = self.calendar.time_zone;
        let from = self.cursor;
        let offset = offset_at(tz, from);
        let local_from = from.naive_utc() + offset;
        let date = local_from.date();
        let Some(next_date) = date.succ_opt() else {
            self.cursor = self.until;
            return;
        };
        let day_end = utc(next_date.and_time(NaiveTime::MIN) - offset);
        let mut to = day_end.min(self.until);
        if let Some(change) = next_offset_change(tz, from, offset, to) {
            to = change;
        }
        let local_to = to.naive_utc() + offset;
        let midnight = date.and_time(NaiveTime::MIN);
        let overlaps = |opening: &Opening| {
            let start = midnight + TimeDelta::seconds(opening.start.into());
            let end = midnight + TimeDelta::seconds(opening.end.into());
            let (lo, hi) = (start.max(local_from), end.min(local_to));
            (lo < hi).then_some((lo, hi))
        };
        if self.calendar.holidays.contains_key(&date) {
            if self
                .calendar
                .week
                .day(date.weekday())
                .iter()
                .any(|o| overlaps(o).is_some())
            {
                self.pending.push_back(Piece::Holiday(date));
            }
        } else {
            for opening in self.calendar.week.day(date.weekday()) {
                if let Some((lo, hi)) = overlaps(opening) {
                    self.pending.push_back(Piece::Open(OpenSpan {
                        date,
                        start: utc(lo - offset),
                        end: utc(hi - offset),
                    }));
                }
            }
        }
        self.cursor = to;
    }
}

impl Iterator for Spans<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        loop {
            if let Some(piece) = self.pending.pop_front() {
                return Some(piece);
            }
            if self.cursor >= self.until {
                return None;
            }
            self.step();
        }
    }
}

fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    naive.and_utc()
}

/// The zone's offset from UTC at an instant.
fn offset_at(tz: Tz, instant: DateTime<Utc>) -> TimeDelta {
    TimeDelta::seconds(
        tz.offset_from_utc_datetime(&instant.naive_utc())
            .fix()
            .local_minus_utc()
            .into(),
    )
}

fn offset_at_second(tz: Tz, timestamp: i64) -> TimeDelta {
    match DateTime::from_timestamp(timestamp, 0) {
        Some(instant) => offset_at(tz, instant),
        None => TimeDelta::zero(),
    }
}

/// The first instant in `(from, before)` at which the offset differs from
/// `offset`. Offsets change on whole seconds, so the search runs over whole
/// seconds: hourly probes, then bisection.
fn next_offset_change(
    tz: Tz,
    from: DateTime<Utc>,
    offset: TimeDelta,
    before: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let first = from.timestamp();
    let last = if before.timestamp_subsec_nanos() == 0 {
        before.timestamp() - 1
    } else {
        before.timestamp()
    };
    let mut probe = first;
    while probe < last {
        let next = (probe + 3_600).min(last);
        if offset_at_second(tz, next) != offset {
            let (mut same, mut changed) = (probe, next);
            while changed - same > 1 {
                let middle = same + (changed - same) / 2;
                if offset_at_second(tz, middle) == offset {
                    same = middle;
                } else {
                    changed = middle;
                }
            }
            return DateTime::from_timestamp(changed, 0);
        }
        probe = next;
    }
    None
}
