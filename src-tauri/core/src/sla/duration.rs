//! SLA targets are written by support leads as "4h", "30m" or "1h30m", and
//! read back by engineers in explanations, so a duration has one spelling in
//! both directions.
//!
//! A [`BusinessDuration`] is an amount of time on the SLA clock: whole seconds
//! that only run while the calendar is open and the clock is not paused. `d`
//! is 24 hours of such time, so on a Mon–Fri 09:00–17:00 calendar `1d` is
//! three working days; one working day there is `8h`.

use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Whole seconds of SLA clock time; never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusinessDuration {
    seconds: i64,
}

/// The longest target the config accepts, 366 days of SLA clock time: far
/// beyond any real SLA, and it keeps every deadline search short.
pub const MAX_TARGET: BusinessDuration = BusinessDuration {
    seconds: 366 * 86_400,
};

impl BusinessDuration {
    pub const ZERO: BusinessDuration = BusinessDuration { seconds: 0 };

    pub const fn seconds(seconds: i64) -> Self {
        Self {
            seconds: if seconds < 0 { 0 } else { seconds },
        }
    }

    pub const fn minutes(minutes: i64) -> Self {
        Self::seconds(minutes * 60)
    }

    pub const fn hours(hours: i64) -> Self {
        Self::seconds(hours * 3_600)
    }

    pub const fn as_seconds(self) -> i64 {
        self.seconds
    }

    pub const fn is_zero(self) -> bool {
        self.seconds == 0
    }

    pub fn to_chrono(self) -> chrono::Duration {
        chrono::Duration::seconds(self.seconds)
    }

    /// The whole seconds of a chrono duration; negative durations become zero
    /// and fractions of a second are dropped.
    pub fn from_chrono(duration: chrono::Duration) -> Self {
        Self::seconds(duration.num_seconds())
    }

    /// Parses "4h", "30m", "1h30m", "2d", "90s" or "0m" (units d, h, m, s;
    /// spaces between parts are allowed). `field` names the config key in
    /// the error.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        let hint = "write it like '4h', '30m', '1h30m' or '2d' (d = 24 hours of SLA clock time)";
        let invalid = |why: &str| Error::invalid(field, format!("'{text}' {why}; {hint}"));
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(invalid("is empty"));
        }
        let mut seconds: i64 = 0;
        let mut number = String::new();
        let mut parts = 0;
        for ch in trimmed.chars() {
            match ch {
                '0'..='9' => number.push(ch),
                ' ' if number.is_empty() => {}
                'd' | 'h' | 'm' | 's' | 'D' | 'H' | 'M' | 'S' => {
                    if number.is_empty() {
                        return Err(invalid("has a unit without a number"));
                    }
                    let unit = match ch.to_ascii_lowercase() {
                        'd' => 86_400,
                        'h' => 3_600,
                        'm' => 60,
                        _ => 1,
                    };
                    let value: i64 = number.parse().map_err(|_| invalid("is too long"))?;
                    seconds = value
                        .checked_mul(unit)
                        .and_then(|part| seconds.checked_add(part))
                        .ok_or_else(|| invalid("is too long"))?;
                    number.clear();
                    parts += 1;
                }
                _ => return Err(invalid("is not a duration")),
            }
        }
        if !number.is_empty() {
            return Err(invalid("has a number without a unit"));
        }
        if parts == 0 {
            return Err(invalid("is not a duration"));
        }
        Ok(Self { seconds })
    }
}

impl From<BusinessDuration> for chrono::Duration {
    fn from(duration: BusinessDuration) -> Self {
        duration.to_chrono()
    }
}

/// Hours, minutes and seconds, largest first, zero parts left out: "2h",
/// "1h30m", "45s", "0m". Days are never shown, because a business "day" is
/// ambiguous to a reader; 48 hours stay "48h".
impl fmt::Display for BusinessDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hours, rest) = (self.seconds / 3_600, self.seconds % 3_600);
        let (minutes, seconds) = (rest / 60, rest % 60);
        if self.seconds == 0 {
            return f.write_str("0m");
        }
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        if seconds > 0 {
            write!(f, "{seconds}s")?;
        }
        Ok(())
    }
}

impl FromStr for BusinessDuration {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text, "duration")
    }
}

impl Serialize for BusinessDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BusinessDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
