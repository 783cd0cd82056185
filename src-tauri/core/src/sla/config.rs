//! SLA targets are a support lead's decision, not a developer's, so they live
//! in a TOML file a support lead can read and edit: named calendars, one
//! policy per priority, and the warning thresholds.
//!
//! The defaults ship as `config/sla.toml` and are compiled in, so
//! [`SlaConfig::default`] is exactly that file. Every value is checked on
//! load and a mistake names its key (`sla.policies.standard-p2.calendar`),
//! because a typo in an SLA file would otherwise surface as a wrong deadline
//! weeks later.

use super::calendar::{Calendar, Holiday, Opening, WeeklyHours};
use super::clock::Pause;
use super::duration::{BusinessDuration, MAX_TARGET};
use super::explain::Explanation;
use super::target::Target;
use super::thresholds::{Evaluation, Threshold, Thresholds};
use crate::commands::standard_sla_policy;
use crate::domain::Priority;
use crate::error::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shipped defaults, `src-tauri/core/config/sla.toml`.
pub const DEFAULT_SLA_TOML: &str = include_str!("../../config/sla.toml");

/// The four targets of a priority and the calendar they run on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicy {
    /// The name of a calendar in the same config.
    pub calendar: String,
    pub escalate_within: BusinessDuration,
    pub acknowledge_within: BusinessDuration,
    pub update_every: BusinessDuration,
    pub resolve_within: BusinessDuration,
    /// Overrides the config's warning thresholds for this policy.
    pub warnings: Option<Thresholds>,
}

impl SlaPolicy {
    pub fn within(&self, target: Target) -> BusinessDuration {
        match target {
            Target::Escalate => self.escalate_within,
            Target::Acknowledge => self.acknowledge_within,
            Target::CustomerUpdate => self.update_every,
            Target::Resolve => self.resolve_within,
        }
    }
}

/// Calendars, policies and warning thresholds, all checked together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaConfig {
    calendars: BTreeMap<String, Calendar>,
    policies: BTreeMap<String, SlaPolicy>,
    warnings: Thresholds,
}

impl Default for SlaConfig {
    /// The shipped `config/sla.toml`.
    fn default() -> Self {
        match Self::from_toml(DEFAULT_SLA_TOML) {
            Ok(config) => config,
            Err(error) => panic!("the shipped config/sla.toml is invalid: {error}"),
        }
    }
}

impl SlaConfig {
    /// Checks that every policy's calendar exists, that every priority's
    /// standard policy (`standard-p1` ...) is defined, and that every target
    /// is within [`MAX_TARGET`], with only `escalate_within` allowed to be
    /// zero (SOP §8: "immediate").
    pub fn new(
        calendars: BTreeMap<String, Calendar>,
        policies: BTreeMap<String, SlaPolicy>,
        warnings: Thresholds,
    ) -> Result<Self> {
        for name in calendars.keys() {
            check_name(name, "sla.calendars")?;
        }
        for (name, policy) in &policies {
            check_name(name, "sla.policies")?;
            let field = |key: &str| format!("sla.policies.{name}.{key}");
            if !calendars.contains_key(&policy.calendar) {
                return Err(Error::invalid(
                    field("calendar"),
                    format!(
                        "unknown calendar '{}'; the calendars are: {}",
                        policy.calendar,
                        calendars.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            for target in Target::ALL {
                let key = target_key(target);
                let within = policy.within(target);
                if within > MAX_TARGET {
                    return Err(Error::invalid(
                        field(key),
                        format!("{within} is longer than the longest target, {MAX_TARGET}"),
                    ));
                }
                if within.is_zero() && target != Target::Escalate {
                    return Err(Error::invalid(
                        field(key),
                        "must be longer than zero (only escalate_within may be '0m', for 'immediate')",
                    ));
                }
            }
        }
        for priority in Priority::ALL {
            let name = standard_sla_policy(*priority);
            if !policies.contains_key(&name) {
                return Err(Error::invalid(
                    "sla.policies",
                    format!("missing policy '{name}': tickets of priority {priority} use it"),
                ));
            }
        }
        Ok(Self {
            calendars,
            policies,
            warnings,
        })
    }

    /// Reads a config file's text; errors name the offending key.
    pub fn from_toml(text: &str) -> Result<Self> {
        let file: ConfigFile = toml::from_str(text)
            .map_err(|error| Error::invalid("sla", error.to_string().trim_end().to_string()))?;
        file.into_config()
    }

    /// The config as TOML that [`SlaConfig::from_toml`] reads back to an
    /// equal config. Comments are not kept; durations are written in hours
    /// and minutes.
    pub fn to_toml(&self) -> String {
        match toml::to_string(&ConfigFile::from_config(self)) {
            Ok(text) => text,
            Err(error) => panic!("an SLA config always serialises: {error}"),
        }
    }

    pub fn calendars(&self) -> &BTreeMap<String, Calendar> {
        &self.calendars
    }

    pub fn policies(&self) -> &BTreeMap<String, SlaPolicy> {
        &self.policies
    }

    /// The thresholds of policies that do not set their own.
    pub fn warnings(&self) -> &Thresholds {
        &self.warnings
    }

    pub fn policy(&self, name: &str) -> Result<&SlaPolicy> {
        self.policies.get(name).ok_or_else(|| Error::NotFound {
            entity: "SLA policy",
            id: name.to_string(),
        })
    }

    /// The standard policy of a priority; always present.
    pub fn policy_for(&self, priority: Priority) -> &SlaPolicy {
        &self.policies[&standard_sla_policy(priority)]
    }

    /// One target of a named policy, ready to compute deadlines, warnings
    /// and explanations.
    pub fn target(&self, policy: &str, target: Target) -> Result<SlaTarget<'_>> {
        let (policy_name, definition) =
            self.policies
                .get_key_value(policy)
                .ok_or_else(|| Error::NotFound {
                    entity: "SLA policy",
                    id: policy.to_string(),
                })?;
        let (calendar_name, calendar) = self
            .calendars
            .get_key_value(&definition.calendar)
            .ok_or_else(|| Error::Internal(format!("policy {policy} lost its calendar")))?;
        Ok(SlaTarget {
            policy: policy_name,
            target,
            within: definition.within(target),
            calendar_name,
            calendar,
            warnings: definition.warnings.as_ref().unwrap_or(&self.warnings),
        })
    }
}

/// One target of one policy: the clock a ticket runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaTarget<'a> {
    pub policy: &'a str,
    pub target: Target,
    pub within: BusinessDuration,
    pub calendar_name: &'a str,
    pub calendar: &'a Calendar,
    pub warnings: &'a Thresholds,
}

impl SlaTarget<'_> {
    /// The pauses that stop this target's clock ([`Target::paused_by`]).
    pub fn stopping(&self, pauses: &[Pause]) -> Vec<Pause> {
        pauses
            .iter()
            .filter(|pause| self.target.paused_by(pause.reason))
            .copied()
            .collect()
    }

    /// When the target falls due for a clock started at `start`; None while
    /// an ongoing pause holds it.
    pub fn due(&self, start: DateTime<Utc>, pauses: &[Pause]) -> Option<DateTime<Utc>> {
        super::clock::deadline(
            self.calendar,
            start,
            self.within.to_chrono(),
            &self.stopping(pauses),
        )
    }

    /// Business time run between `start` and `now`.
    pub fn elapsed(&self, start: DateTime<Utc>, now: DateTime<Utc>, pauses: &[Pause]) -> TimeDelta {
        super::clock::elapsed(self.calendar, start, now, &self.stopping(pauses))
    }

    /// Warnings and breach at `now`.
    pub fn evaluate(
        &self,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
        pauses: &[Pause],
    ) -> Evaluation {
        self.warnings.evaluate(
            self.calendar,
            start,
            self.within,
            now,
            &self.stopping(pauses),
        )
    }

    pub fn explain(&self, start: DateTime<Utc>, pauses: &[Pause]) -> Explanation {
        Explanation::build(self, start, pauses)
    }
}

fn target_key(target: Target) -> &'static str {
    match target {
        Target::Escalate => "escalate_within",
        Target::Acknowledge => "acknowledge_within",
        Target::CustomerUpdate => "update_every",
        Target::Resolve => "resolve_within",
    }
}

fn check_name(name: &str, section: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("{section}.{name}"),
            "a name uses only letters, digits, '-' and '_'",
        ))
    }
}

// The file's shape. Kept apart from the domain types so that the file can
// stay friendly ("4h", "09:00-17:00") while the domain keeps checked values.

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    warnings: WarningsFile,
    calendars: BTreeMap<String, CalendarFile>,
    policies: BTreeMap<String, PolicyFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WarningsFile {
    at: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    time_zone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    monday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tuesday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wednesday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    thursday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    friday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    saturday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sunday: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    holidays: Vec<HolidayFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    /// A TOML date (`2026-12-25`) or a string ("2026-12-25").
    date: toml::Value,
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    calendar: String,
    escalate_within: String,
    acknowledge_within: String,
    update_every: String,
    resolve_within: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    warnings: Option<Vec<String>>,
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "monday"),
    (Weekday::Tue, "tuesday"),
    (Weekday::Wed, "wednesday"),
    (Weekday::Thu, "thursday"),
    (Weekday::Fri, "friday"),
    (Weekday::Sat, "saturday"),
    (Weekday::Sun, "sunday"),
];

impl CalendarFile {
    fn day(&self, weekday: Weekday) -> &Option<Vec<String>> {
        match weekday {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }

    fn day_mut(&mut self, weekday: Weekday) -> &mut Option<Vec<String>> {
        match weekday {
            Weekday::Mon => &mut self.monday,
            Weekday::Tue => &mut self.tuesday,
            Weekday::Wed => &mut self.wednesday,
            Weekday::Thu => &mut self.thursday,
            Weekday::Fri => &mut self.friday,
            Weekday::Sat => &mut self.saturday,
            Weekday::Sun => &mut self.sunday,
        }
    }

    fn into_calendar(self, name: &str) -> Result<Calendar> {
        let field = |key: &str| format!("sla.calendars.{name}.{key}");
        let time_zone: Tz = self.time_zone.trim().parse().map_err(|_| {
            Error::invalid(
                field("time_zone"),
                format!(
                    "'{}' is not an IANA time zone; write e.g. 'Europe/Berlin', 'America/New_York' or 'UTC'",
                    self.time_zone
                ),
            )
        })?;
        let any_day = WEEKDAYS.iter().any(|(day, _)| self.day(*day).is_some());
        let week = match self.hours.as_deref().map(str::trim) {
            Some(hours) if hours.eq_ignore_ascii_case("24x7") => {
                if any_day {
                    return Err(Error::invalid(
                        field("hours"),
                        "a 24x7 calendar lists no weekday hours; remove either hours = \"24x7\" or the weekdays",
                    ));
                }
                WeeklyHours::always()
            }
            Some(other) => {
                return Err(Error::invalid(
                    field("hours"),
                    format!("'{other}' is not understood; the only value is \"24x7\" (otherwise list weekdays, e.g. monday = [\"09:00-17:00\"])"),
                ))
            }
            None => {
                let mut week = WeeklyHours::closed();
                for (day, key) in WEEKDAYS {
                    let mut openings = Vec::new();
                    for (index, text) in self.day(day).iter().flatten().enumerate() {
                        openings.push(Opening::parse(text, &field(&format!("{key}[{index}]")))?);
                    }
                    week = week.with_day(day, openings, &field(key))?;
                }
                week
            }
        };
        let mut holidays = Vec::new();
        let mut seen = BTreeMap::new();
        for (index, holiday) in self.holidays.into_iter().enumerate() {
            let at = field(&format!("holidays[{index}]"));
            let date = toml_date(&holiday.date, &format!("{at}.date"))?;
            if let Some(first) = seen.insert(date, index) {
                return Err(Error::invalid(
                    format!("{at}.date"),
                    format!("{date} is already listed as holidays[{first}]"),
                ));
            }
            if holiday.name.trim().is_empty() {
                return Err(Error::invalid(
                    format!("{at}.name"),
                    "a holiday needs a name",
                ));
            }
            holidays.push(Holiday::new(date, holiday.name));
        }
        Calendar::new(time_zone, week, holidays).map_err(|error| match error {
            Error::InvalidInput { message, .. } => Error::invalid(field("hours"), message),
            other => other,
        })
    }

    fn from_calendar(calendar: &Calendar) -> Self {
        let mut file = CalendarFile {
            time_zone: calendar.time_zone().name().to_string(),
            hours: None,
            monday: None,
            tuesday: None,
            wednesday: None,
            thursday: None,
            friday: None,
            saturday: None,
            sunday: None,
            holidays: calendar
                .holidays()
                .map(|holiday| HolidayFile {
                    date: toml::Value::Datetime(toml::value::Datetime {
                        date: Some(toml::value::Date {
                            year: holiday.date.year() as u16,
                            month: holiday.date.month() as u8,
                            day: holiday.date.day() as u8,
                        }),
                        time: None,
                        offset: None,
                    }),
                    name: holiday.name,
                })
                .collect(),
        };
        if calendar.week().is_always_open() {
            file.hours = Some("24x7".to_string());
        } else {
            for (day, _) in WEEKDAYS {
                let openings = calendar.week().day(day);
                if !openings.is_empty() {
                    *file.day_mut(day) = Some(
                        openings
                            .iter()
                            .map(|opening| opening.to_config_string())
                            .collect(),
                    );
                }
            }
        }
        file
    }
}

fn toml_date(value: &toml::Value, field: &str) -> Result<NaiveDate> {
    let invalid = || {
        Error::invalid(
            field,
            format!("{value} is not a date; write it like 2026-12-25"),
        )
    };
    match value {
        toml::Value::String(text) => {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| invalid())
        }
        toml::Value::Datetime(toml::value::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }) => NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .ok_or_else(invalid),
        _ => Err(invalid()),
    }
}

fn thresholds(texts: &[String], field: &str) -> Result<Thresholds> {
    let points = texts
        .iter()
        .enumerate()
        .map(|(index, text)| Threshold::parse(text, &format!("{field}[{index}]")))
        .collect::<Result<Vec<_>>>()?;
    Thresholds::new(points, field)
}

impl ConfigFile {
    fn into_config(self) -> Result<SlaConfig> {
        let warnings = thresholds(&self.warnings.at, "sla.warnings.at")?;
        let mut calendars = BTreeMap::new();
        for (name, calendar) in self.calendars {
            check_name(&name, "sla.calendars")?;
            let parsed = calendar.into_calendar(&name)?;
            calendars.insert(name, parsed);
        }
        let mut policies = BTreeMap::new();
        for (name, policy) in self.policies {
            check_name(&name, "sla.policies")?;
            let field = |key: &str| format!("sla.policies.{name}.{key}");
            let parsed = SlaPolicy {
                calendar: policy.calendar,
                escalate_within: BusinessDuration::parse(
                    &policy.escalate_within,
                    &field("escalate_within"),
                )?,
                acknowledge_within: BusinessDuration::parse(
                    &policy.acknowledge_within,
                    &field("acknowledge_within"),
                )?,
                update_every: BusinessDuration::parse(
                    &policy.update_every,
                    &field("update_every"),
                )?,
                resolve_within: BusinessDuration::parse(
                    &policy.resolve_within,
                    &field("resolve_within"),
                )?,
                warnings: policy
                    .warnings
                    .as_deref()
                    .map(|texts| thresholds(texts, &field("warnings")))
                    .transpose()?,
            };
            policies.insert(name, parsed);
        }
        SlaConfig::new(calendars, policies, warnings)
    }

    fn from_config(config: &SlaConfig) -> Self {
        let texts = |thresholds: &Thresholds| -> Vec<String> {
            thresholds
                .points()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        ConfigFile {
            warnings: WarningsFile {
                at: texts(&config.warnings),
            },
            calendars: config
                .calendars
                .iter()
                .map(|(name, calendar)| (name.clone(), CalendarFile::from_calendar(calendar)))
                .collect(),
            policies: config
                .policies
                .iter()
                .map(|(name, policy)| {
                    (
                        name.clone(),
                        PolicyFile {
                            calendar: policy.calendar.clone(),
                            escalate_within: policy.escalate_within.to_string(),
                            acknowledge_within: policy.acknowledge_within.to_string(),
                            update_every: policy.update_every.to_string(),
                            resolve_within: policy.resolve_within.to_string(),
                            warnings: policy.warnings.as_ref().map(texts),
                        },
                    )
                })
                .collect(),
        }
    }
}
