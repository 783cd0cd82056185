//! The SLA config as the app's settings screen edits it: the four targets
//! of each priority's policy and the warning points, as the text a lead
//! types ("4h", "75%"), plus the calendars to read and to import holidays
//! into. Everything else in the file (extra policies, per-policy warnings,
//! weekly hours) is kept as it is; the file stays the place for those.
//!
//! [`SlaSettings::apply`] goes through the same checks as the file, so a
//! mistake names its field and nothing is saved.

use super::{parse_ics, BusinessDuration, SlaConfig, SlaPolicy, Target, Threshold, Thresholds};
use crate::commands::standard_sla_policy;
use crate::domain::Priority;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SlaSettings {
    /// One row per priority, P1 first.
    pub policies: Vec<PolicyTargets>,
    /// "75%", "15m before".
    pub warnings: Vec<String>,
    /// Read-only here: edited in the file, or by importing holidays.
    #[serde(default)]
    pub calendars: Vec<CalendarSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyTargets {
    pub priority: Priority,
    /// "standard-p2".
    pub policy: String,
    pub calendar: String,
    pub escalate_within: String,
    pub acknowledge_within: String,
    pub update_every: String,
    pub resolve_within: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CalendarSummary {
    pub name: String,
    /// "Europe/Berlin, Mon–Fri 09:00–17:00, 2 holidays".
    pub summary: String,
    /// "2026-12-25 Christmas Day".
    pub holidays: Vec<String>,
}

impl SlaSettings {
    pub fn from_config(config: &SlaConfig) -> Self {
        let policies = Priority::ALL
            .iter()
            .map(|priority| {
                let name = standard_sla_policy(*priority);
                let policy = config.policy_for(*priority);
                PolicyTargets {
                    priority: *priority,
                    calendar: policy.calendar.clone(),
                    escalate_within: policy.within(Target::Escalate).to_string(),
                    acknowledge_within: policy.within(Target::Acknowledge).to_string(),
                    update_every: policy.within(Target::CustomerUpdate).to_string(),
                    resolve_within: policy.within(Target::Resolve).to_string(),
                    policy: name,
                }
            })
            .collect();
        let calendars = config
            .calendars()
            .iter()
            .map(|(name, calendar)| CalendarSummary {
                name: name.clone(),
                summary: calendar.summary(),
                holidays: calendar
                    .holidays()
                    .map(|holiday| format!("{} {}", holiday.date, holiday.name))
                    .collect(),
            })
            .collect();
        Self {
            policies,
            warnings: config
                .warnings()
                .points()
                .iter()
                .map(ToString::to_string)
                .collect(),
            calendars,
        }
    }

    /// `base` with these targets and warnings; refused, naming the field,
    /// when one does not parse or breaks a rule of the file.
    pub fn apply(&self, base: &SlaConfig) -> Result<SlaConfig> {
        let mut policies = base.policies().clone();
        for row in &self.policies {
            let name = standard_sla_policy(row.priority);
            let field = |key: &str| format!("policies.{name}.{key}");
            let duration = |text: &str, key: &str| BusinessDuration::parse(text, &field(key));
            let policy = SlaPolicy {
                calendar: row.calendar.trim().to_string(),
                escalate_within: duration(&row.escalate_within, "escalate_within")?,
                acknowledge_within: duration(&row.acknowledge_within, "acknowledge_within")?,
                update_every: duration(&row.update_every, "update_every")?,
                resolve_within: duration(&row.resolve_within, "resolve_within")?,
                warnings: policies.get(&name).and_then(|old| old.warnings.clone()),
            };
            policies.insert(name, policy);
        }
        let points = self
            .warnings
            .iter()
            .enumerate()
            .map(|(index, text)| Threshold::parse(text, &format!("warnings[{index}]")))
            .collect::<Result<Vec<_>>>()?;
        let warnings = Thresholds::new(points, "warnings")?;
        SlaConfig::new(base.calendars().clone(), policies, warnings)
    }
}

/// `base` with the holidays of an iCalendar file added to `calendar`.
pub fn import_holidays(base: &SlaConfig, calendar: &str, ics: &str) -> Result<SlaConfig> {
    let holidays = parse_ics(ics)?;
    if holidays.is_empty() {
        return Err(Error::invalid(
            "ics",
            "the file holds no all-day events to use as holidays",
        ));
    }
    let mut calendars = base.calendars().clone();
    let target = calendars.get_mut(calendar).ok_or_else(|| Error::NotFound {
        entity: "calendar",
        id: calendar.to_string(),
    })?;
    *target = target.clone().with_holidays(holidays);
    SlaConfig::new(calendars, base.policies().clone(), base.warnings().clone())
}
