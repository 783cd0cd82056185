//! Holidays come from wherever a team already keeps them: a public-holiday
//! feed or a calendar export, almost always as iCalendar (.ics). Importing
//! that file beats retyping dates into the config.
//!
//! Only what a holiday needs is read: each VEVENT's DTSTART, DTEND (or a
//! DURATION in days or weeks) and SUMMARY, after unfolding long lines (RFC
//! 5545 §3.1). A date-time DTSTART counts as its date, as written. A
//! recurring event (RRULE/RDATE) is refused rather than half-imported, and so
//! is anything malformed, with the line number, so the team can fix the file.

use super::calendar::Holiday;
use crate::error::{Error, Result};
use chrono::{NaiveDate, TimeDelta};

/// The longest event imported as a holiday, in days.
const MAX_HOLIDAY_DAYS: i64 = 366;

/// The holidays an .ics file declares, one per date (a multi-day event gives
/// each of its dates; DTEND is exclusive).
///
/// Errors are `Error::invalid("ics", "line N: ...")`.
pub fn parse_ics(text: &str) -> Result<Vec<Holiday>> {
    let mut holidays = Vec::new();
    let mut components: Vec<(String, usize)> = Vec::new();
    let mut event: Option<EventLines> = None;
    let mut seen_calendar = false;
    for line in unfold(text) {
        let property = Property::parse(&line)?;
        match property.name.as_str() {
            "BEGIN" => {
                let component = property.value.trim().to_ascii_uppercase();
                if components.is_empty() && component != "VCALENDAR" {
                    return Err(at(
                        line.number,
                        format!("expected BEGIN:VCALENDAR, found BEGIN:{component}"),
                    ));
                }
                if component == "VCALENDAR" {
                    seen_calendar = true;
                }
                if component == "VEVENT" && components.len() == 1 {
                    event = Some(EventLines::new(line.number));
                }
                components.push((component, line.number));
            }
            "END" => {
                let component = property.value.trim().to_ascii_uppercase();
                match components.pop() {
                    Some((open, _)) if open == component => {}
                    Some((open, opened_at)) => {
                        return Err(at(
                            line.number,
                            format!(
                                "END:{component} does not close BEGIN:{open} from line {opened_at}"
                            ),
                        ))
                    }
                    None => {
                        return Err(at(line.number, format!("END:{component} without a BEGIN")))
                    }
                }
                if component == "VEVENT" && components.len() == 1 {
                    if let Some(finished) = event.take() {
                        holidays.extend(finished.into_holidays()?);
                    }
                }
            }
            _ if components.is_empty() => {
                return Err(at(
                    line.number,
                    "content outside BEGIN:VCALENDAR … END:VCALENDAR",
                ));
            }
            _ => {
                // Properties of the event itself, not of an alarm inside it.
                if let (Some(event), 2) = (event.as_mut(), components.len()) {
                    event.take(property, line.number)?;
                }
            }
        }
    }
    if let Some((open, opened_at)) = components.pop() {
        return Err(at(
            opened_at,
            format!("BEGIN:{open} is never closed with END:{open}"),
        ));
    }
    if !seen_calendar {
        return Err(Error::invalid(
            "ics",
            "not an iCalendar file: no BEGIN:VCALENDAR",
        ));
    }
    Ok(holidays)
}

fn at(line: usize, message: impl AsRef<str>) -> Error {
    Error::invalid("ics", format!("line {line}: {}", message.as_ref()))
}

/// A logical line and the physical line it starts on.
struct Line {
    number: usize,
    text: String,
}

/// RFC 5545 §3.1: a line that starts with a space or a tab continues the one
/// before it, without that first character. CRLF and bare LF both end lines.
fn unfold(text: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let number = index + 1;
        match (raw.chars().next(), lines.last_mut()) {
            (Some(' ' | '\t'), Some(last)) => last.text.push_str(&raw[1..]),
            _ if raw.trim().is_empty() => {}
            _ => lines.push(Line {
                number,
                text: raw.to_string(),
            }),
        }
    }
    lines
}

/// `NAME;PARAM=VALUE;...:VALUE`, with quoted parameter values that may hold
/// colons.
struct Property {
    name: String,
    parameters: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn parse(line: &Line) -> Result<Self> {
        let mut quoted = false;
        let mut colon = None;
        for (index, ch) in line.text.char_indices() {
            match ch {
                '"' => quoted = !quoted,
                ':' if !quoted => {
                    colon = Some(index);
                    break;
                }
                _ => {}
            }
        }
        let Some(colon) = colon else {
            return Err(at(
                line.number,
                format!("'{}' is not a property (NAME:VALUE)", shorten(&line.text)),
            ));
        };
        let (head, value) = (&line.text[..colon], &line.text[colon + 1..]);
        let mut parts = head.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_uppercase();
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            return Err(at(
                line.number,
                format!("'{}' is not a property (NAME:VALUE)", shorten(&line.text)),
            ));
        }
        let parameters = parts
            .map(|parameter| {
                let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
                (
                    key.trim().to_ascii_uppercase(),
                    value.trim().trim_matches('"').to_string(),
                )
            })
            .collect();
        Ok(Self {
            name,
            parameters,
            value: value.to_string(),
        })
    }

    fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// A date or date-time value reduced to its date, and whether it was a bare
/// date (VALUE=DATE) or a date-time at midnight (both end a day cleanly).
struct DateValue {
    date: NaiveDate,
    midnight: bool,
}

fn parse_date_value(property: &Property, line: usize) -> Result<DateValue> {
    let value = property.value.trim();
    let bad = || {
        at(
            line,
            format!(
                "{} '{}' is not a date (expected YYYYMMDD or YYYYMMDDTHHMMSS)",
                property.name,
                shorten(value)
            ),
        )
    };
    let wants_date = property
        .parameter("VALUE")
        .is_some_and(|kind| kind.eq_ignore_ascii_case("DATE"));
    let (date_part, time_part) = match value.split_once(['T', 't']) {
        Some((date, time)) if !wants_date => (date, Some(time)),
        Some(_) => return Err(bad()),
        None => (value, None),
    };
    if date_part.len() != 8 || !date_part.chars().all(|ch| ch.is_ascii_digit()) {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(date_part, "%Y%m%d").map_err(|_| bad())?;
    let midnight = match time_part {
        None => true,
        Some(time) => {
            let digits = time.strip_suffix(['Z', 'z']).unwrap_or(time);
            if digits.len() != 6 || !digits.chars().all(|ch| ch.is_ascii_digit()) {
                return Err(bad());
            }
            chrono::NaiveTime::parse_from_str(digits, "%H%M%S").map_err(|_| bad())?;
            digits == "000000"
        }
    };
    Ok(DateValue { date, midnight })
}

/// "P1D", "P2W", "P1DT0H": whole days only.
fn parse_day_duration(value: &str, line: usize) -> Result<i64> {
    let bad = || {
        at(
            line,
            format!("DURATION '{value}' is not a whole number of days or weeks (e.g. P1D, P2W)"),
        )
    };
    let text = value.trim().to_ascii_uppercase();
    let body = text.strip_prefix('P').ok_or_else(bad)?;
    let body = body
        .strip_suffix("T0H")
        .or_else(|| body.strip_suffix("T0H0M0S"))
        .unwrap_or(body);
    let (number, unit) = body.split_at(body.len().saturating_sub(1));
    let count: i64 = number.parse().map_err(|_| bad())?;
    match unit {
        "D" => Ok(count),
        "W" => Ok(count * 7),
        _ => Err(bad()),
    }
}

/// The properties of one VEVENT seen so far.
struct EventLines {
    begins_at: usize,
    start: Option<(DateValue, usize)>,
    end: Option<(DateValue, usize)>,
    days: Option<(i64, usize)>,
    summary: Option<String>,
}

impl EventLines {
    fn new(begins_at: usize) -> Self {
        Self {
            begins_at,
            start: None,
            end: None,
            days: None,
            summary: None,
        }
    }

    fn take(&mut self, property: Property, line: usize) -> Result<()> {
        match property.name.as_str() {
            "DTSTART" => self.start = Some((parse_date_value(&property, line)?, line)),
            "DTEND" => self.end = Some((parse_date_value(&property, line)?, line)),
            "DURATION" => self.days = Some((parse_day_duration(&property.value, line)?, line)),
            "SUMMARY" => self.summary = Some(unescape(&property.value)),
            "RRULE" | "RDATE" => {
                return Err(at(
                    line,
                    "recurring events are not supported; export each holiday as its own event",
                ))
            }
            _ => {}
        }
        Ok(())
    }

    fn into_holidays(self) -> Result<Vec<Holiday>> {
        let Some((start, _)) = self.start else {
            return Err(at(self.begins_at, "VEVENT has no DTSTART"));
        };
        let name = self
            .summary
            .map(|summary| summary.trim().to_string())
            .filter(|summary| !summary.is_empty())
            .unwrap_or_else(|| "Holiday".to_string());
        let (days, line) = match (self.end, self.days) {
            (Some(_), Some((_, line))) => {
                return Err(at(line, "an event has either DTEND or DURATION, not both"))
            }
            (Some((end, line)), None) => {
                let mut days = (end.date - start.date).num_days();
                if !end.midnight {
                    days += 1;
                }
                (days, line)
            }
            (None, Some((days, line))) => (days, line),
            (None, None) => (1, self.begins_at),
        };
        if days < 1 {
            return Err(at(
                line,
                "the event ends before it starts (DTEND is exclusive)",
            ));
        }
        if days > MAX_HOLIDAY_DAYS {
            return Err(at(
                line,
                format!("an event of {days} days is not a holiday (at most {MAX_HOLIDAY_DAYS})"),
            ));
        }
        Ok((0..days)
            .filter_map(|offset| start.date.checked_add_signed(TimeDelta::days(offset)))
            .map(|date| Holiday::new(date, name.clone()))
            .collect())
    }
}

/// RFC 5545 §3.3.11 TEXT escapes; a newline becomes a space in a name.
fn unescape(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            text.push(ch);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => text.push(' '),
            Some(other) => text.push(other),
            None => text.push('\\'),
        }
    }
    text
}
