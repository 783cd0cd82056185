//! What the desk tells people without being asked: SLA warnings and
//! breaches, an L2 follow-up due (SOP §6 Step 5), a customer update due
//! (§7), escalations to management (§5.3, §8 P1), and an official
//! notification to management that failed (§6 Step 4).
//!
//! Alerts are not a second source of truth. Each one is an event in the log
//! (`SlaWarned`, `SlaBreached`, `ManagementEscalated`,
//! `OfficialNotificationFailed`), and the notifier
//! reads the log from where it last stopped (a cursor kept in the database),
//! so an alert is shown once, even across restarts, and alerts raised by
//! another process (the CLI) are shown too. The wording lives here, so the
//! desktop notification, the tray and any future channel say the same thing.

use crate::domain::{Priority, TicketId};
use crate::events::{Event, EventBody, SlaAlert};
use crate::sla::{SlaConfig, Target, BREACH};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashSet;
use ts_rs::TS;

/// The event kinds that are alerts.
pub const ALERT_KINDS: &[&str] = &[
    "SlaWarned",
    "SlaBreached",
    "ManagementEscalated",
    "OfficialNotificationFailed",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A warning point of the escalation or resolution target.
    SlaImminent,
    /// The escalation or resolution deadline passed.
    SlaBreached,
    /// L2 did not acknowledge within the SLA: L1 follows up (SOP §6 Step 5).
    /// Its warnings are "SLA imminent" on the acknowledgement.
    FollowUpDue,
    /// The next regular customer update is due or overdue (SOP §7).
    CustomerUpdateDue,
    /// Raised to an L3 lead or manager (SOP §5.3; every P1 under §8).
    ManagementEscalation,
    /// The official notification to management failed (SOP §6 Step 4): on
    /// the first failure, while it is retried, and when it is given up.
    OfficialDeliveryFailed,
}

/// One alert, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Alert {
    /// The event's position in the log: the notifier's cursor.
    pub position: i64,
    pub kind: AlertKind,
    pub ticket_id: TicketId,
    pub key: String,
    pub customer: String,
    pub priority: Option<Priority>,
    pub target: Option<Target>,
    pub due: Option<DateTime<Utc>>,
    /// "SLA breached · ESC-12".
    pub summary: String,
    /// "Acme GmbH · P2 resolution was due 14:30 CET (35m ago)".
    pub body: String,
    /// Outside business hours a non-P1 alert waits for the calendar to open
    /// (quiet hours); None to show it now.
    pub quiet_until: Option<DateTime<Utc>>,
}

/// What the notifier needs to know about the alerted ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSubject {
    pub key: String,
    pub customer: String,
    pub priority: Option<Priority>,
}

impl Alert {
    /// The alert an event raises, worded at `now`; None for other events.
    pub fn from_event(
        position: i64,
        event: &Event,
        subject: &AlertSubject,
        config: &SlaConfig,
        now: DateTime<Utc>,
    ) -> Option<Alert> {
        let (kind, target, due, summary, body) = match &event.body {
            EventBody::SlaWarned(alert) | EventBody::SlaBreached(alert) => {
                let kind = sla_kind(alert);
                let title = match kind {
                    AlertKind::FollowUpDue => "L2 follow-up due",
                    AlertKind::CustomerUpdateDue if alert.threshold == BREACH => {
                        "Customer update overdue"
                    }
                    AlertKind::CustomerUpdateDue => "Customer update due",
                    AlertKind::SlaBreached => "SLA breached",
                    _ => "SLA imminent",
                };
                let when = due_phrase(alert.due, now, &zone_of(config, &alert.policy));
                let body = format!(
                    "{} · {} {} {}",
                    subject.customer,
                    priority_text(subject.priority),
                    alert.target.label(),
                    when,
                );
                (
                    kind,
                    Some(alert.target),
                    Some(alert.due),
                    format!("{title} · {}", subject.key),
                    body,
                )
            }
            EventBody::ManagementEscalated(raised) => {
                let title = if subject.priority == Some(Priority::P1) {
                    "P1 escalation to management"
                } else {
                    "Management escalation"
                };
                let reasons: Vec<&str> = raised.reasons.iter().map(|r| r.label()).collect();
                (
                    AlertKind::ManagementEscalation,
                    None,
                    None,
                    format!("{title} · {}", subject.key),
                    format!(
                        "{} · {} · {}",
                        subject.customer,
                        priority_text(subject.priority),
                        reasons.join(", ")
                    ),
                )
            }
            EventBody::OfficialNotificationFailed(failed)
                if failed.attempt == 1 || failed.next_attempt_at.is_none() =>
            {
                let channel = match failed.channel {
                    crate::official::OfficialChannel::Email => "e-mail",
                    crate::official::OfficialChannel::Webhook => "webhook",
                };
                let (title, next) = match failed.next_attempt_at {
                    Some(next) => (
                        "Management notification failed",
                        format!("retrying in {}", span(next - now)),
                    ),
                    None => (
                        "Management not notified",
                        format!(
                            "given up after {} attempts: tell management another way",
                            failed.attempt
                        ),
                    ),
                };
                (
                    AlertKind::OfficialDeliveryFailed,
                    None,
                    None,
                    format!("{title} · {}", subject.key),
                    format!(
                        "{} · {} · {channel}: {} · {next}",
                        subject.customer,
                        priority_text(subject.priority),
                        failed.error,
                    ),
                )
            }
            _ => return None,
        };
        Some(Alert {
            position,
            kind,
            ticket_id: event.ticket_id,
            key: subject.key.clone(),
            customer: subject.customer.clone(),
            priority: subject.priority,
            target,
            due,
            summary,
            body,
            quiet_until: quiet_until(event, subject.priority, config, now),
        })
    }
}

/// Keeps one alert per ticket and target (the latest, which is the most
/// severe: thresholds are recorded in time order), so an app that was off
/// while a ticket went from 75 % to breached shows the breach, not three
/// notifications. Management escalations are always kept.
pub fn collapse(alerts: Vec<Alert>) -> Vec<Alert> {
    let mut seen = HashSet::new();
    let mut kept: Vec<Alert> = alerts
        .into_iter()
        .rev()
        .filter(|alert| match alert.target {
            Some(target) => seen.insert((alert.ticket_id, target)),
            None => true,
        })
        .collect();
    kept.reverse();
    kept
}

fn sla_kind(alert: &SlaAlert) -> AlertKind {
    let breached = alert.threshold == BREACH;
    match alert.target {
        Target::Acknowledge if breached => AlertKind::FollowUpDue,
        Target::CustomerUpdate => AlertKind::CustomerUpdateDue,
        _ if breached => AlertKind::SlaBreached,
        _ => AlertKind::SlaImminent,
    }
}

/// SOP quiet hours: a P1 always notifies; anything else waits while its
/// policy's calendar is closed.
fn quiet_until(
    event: &Event,
    priority: Option<Priority>,
    config: &SlaConfig,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if priority == Some(Priority::P1) {
        return None;
    }
    let policy = match &event.body {
        EventBody::SlaWarned(alert) | EventBody::SlaBreached(alert) => {
            config.policy(&alert.policy).ok()
        }
        _ => priority.map(|priority| config.policy_for(priority)),
    }?;
    let calendar = config.calendars().get(&policy.calendar)?;
    if calendar.is_open(now) {
        None
    } else {
        calendar.next_open(now)
    }
}

fn zone_of(config: &SlaConfig, policy: &str) -> chrono_tz::Tz {
    config
        .policy(policy)
        .ok()
        .and_then(|policy| config.calendars().get(&policy.calendar))
        .map_or(chrono_tz::UTC, |calendar| calendar.time_zone())
}

fn priority_text(priority: Option<Priority>) -> &'static str {
    priority.map_or("no priority", Priority::code)
}

/// "due 14:30 CET (in 12m)", "was due Mon 09:00 CET (2h 5m ago)".
pub fn due_phrase(due: DateTime<Utc>, now: DateTime<Utc>, zone: &chrono_tz::Tz) -> String {
    let local = due.with_timezone(zone);
    let same_day = local.date_naive() == now.with_timezone(zone).date_naive();
    let clock = if same_day {
        local.format("%H:%M %Z").to_string()
    } else {
        local.format("%a %d %b %H:%M %Z").to_string()
    };
    let distance = span((due - now).abs());
    if distance == "0m" {
        return format!("due {clock} (now)");
    }
    if due > now {
        format!("due {clock} (in {distance})")
    } else {
        format!("was due {clock} ({distance} ago)")
    }
}

/// Wall-clock time for people, to the minute: "45m", "2h 5m", "3d 4h".
pub fn span(duration: chrono::TimeDelta) -> String {
    let minutes = duration.num_minutes().max(0);
    let (days, hours, minutes) = (minutes / 1_440, minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, minutes) => format!("{minutes}m"),
        (0, hours, 0) => format!("{hours}h"),
        (0, hours, minutes) => format!("{hours}h {minutes}m"),
        (days, 0, _) => format!("{days}d"),
        (days, hours, _) => format!("{days}d {hours}h"),
    }
}
