//! The SLA side of the desk: config, sweeps, the tray's overview, the notifier's cursor.

use super::config::{write_atomically, DeskConfig, SLA_FILE};
use super::Desk;
use crate::alerts::{self, Alert, AlertSubject};
use crate::domain::{Priority, Ticket, TicketId, User};
use crate::error::{Error, Result};
use crate::events::Event;
use crate::official;
use crate::sla::{self, ClockView, SlaConfig, SlaSettings, TicketSla};
use crate::store;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

/// How many tickets one SLA sweep transaction handles.
const SWEEP_BATCH: usize = 100;

/// The `app_state` keys the desk keeps.
const NOTIFIED_UP_TO: &str = "notifier.notified_up_to";
const SLA_FINGERPRINT: &str = "sla.config_fingerprint";

/// What one SLA sweep did.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaSweep {
    /// The warnings, breaches and management escalations it recorded.
    pub recorded: Vec<Event>,
    /// When the scheduler must sweep again; None when no clock runs.
    pub next_check: Option<DateTime<Utc>>,
}

/// The desk's SLA alerts at a glance: the tray's icon, tooltip and menu.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlaOverview {
    pub imminent: u64,
    pub breached: u64,
    /// Breached first, then imminent; nearest deadline first.
    pub urgent: Vec<UrgentTicket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UrgentTicket {
    pub key: String,
    pub customer: String,
    pub priority: Option<Priority>,
    pub breached: bool,
    pub next_due: Option<DateTime<Utc>>,
    /// "ESC-12 · Acme GmbH · P2 · due 14:30 (in 12m)".
    pub label: String,
}

/// What an accepted command did: the ticket after it, and the new events.
impl Desk {
    // ---- SLA ---------------------------------------------------------------

    pub fn sla_config(&self) -> &SlaConfig {
        &self.sla
    }

    /// Where the SLA config file of this desk lives (it may not exist yet).
    pub fn sla_config_path(&self) -> PathBuf {
        self.file_beside(SLA_FILE)
    }

    /// Saves `config` to the SLA file and recomputes every open ticket's
    /// deadlines with it. The file is replaced atomically, and the old one
    /// stays if anything fails.
    pub fn set_sla_config(&mut self, config: SlaConfig) -> Result<()> {
        let path = self.sla_config_path();
        let fingerprint = sla_fingerprint(&config);
        self.store.write(|tx| {
            reproject_sla(tx, &config)?;
            store::set_state(tx, SLA_FINGERPRINT, &fingerprint)?;
            // Last, so a failed write rolls the recomputed deadlines back.
            write_atomically(&path, sla_file_text(&config).as_bytes())
        })?;
        self.sla = config;
        Ok(())
    }

    /// The settings screen's view of the SLA config.
    pub fn sla_settings(&self) -> SlaSettings {
        SlaSettings::from_config(&self.sla)
    }

    /// Saves edited targets and warning points. SLA policy is a lead's
    /// decision (SOP §3, §6 Step 3): only L3 may change it.
    pub fn update_sla_settings(&mut self, actor: &str, settings: &SlaSettings) -> Result<()> {
        self.require_lead(actor)?;
        let config = settings.apply(&self.sla)?;
        self.set_sla_config(config)
    }

    /// Adds the all-day events of an iCalendar file to a calendar as
    /// holidays (L3 only, like every SLA change).
    pub fn import_holidays(&mut self, actor: &str, calendar: &str, ics: &str) -> Result<()> {
        self.require_lead(actor)?;
        let config = sla::import_holidays(&self.sla, calendar, ics)?;
        self.set_sla_config(config)
    }

    /// Records every SLA warning and breach that has fallen due by now, and
    /// the SOP §5.3 management escalations they raise. Only the tickets the
    /// index says are due are read. Each threshold is recorded once.
    pub fn sweep_sla(&mut self) -> Result<SlaSweep> {
        let now = self.clock.now();
        let sla = &self.sla;
        let official = &self.official;
        let mut recorded = Vec::new();
        loop {
            let (looked_at, appended) = self.store.write(|tx| {
                let due = store::due_for_check(tx, now, SWEEP_BATCH)?;
                let mut appended = Vec::new();
                for id in &due {
                    let mut events = store::load_stream(tx, *id)?;
                    let bodies = TicketSla::from_events(&events).due_alerts(sla, now);
                    if !bodies.is_empty() {
                        let mut ticket = Ticket::replay(&events).ok_or_else(|| {
                            Error::Internal(format!("stream {id} has no opening"))
                        })?;
                        let head = events.last().map_or(0, |event| event.seq);
                        let mut new = store::append(
                            tx,
                            *id,
                            &ticket.key,
                            head,
                            User::system_id(),
                            now,
                            bodies,
                        )?;
                        for event in &new {
                            ticket.apply(event);
                        }
                        // SOP §6 Step 4: a §5.3 raise notifies management officially too.
                        let notices = official::queue_for(tx, &ticket, &new, official)?;
                        if !notices.is_empty() {
                            let seq = head + new.len() as u64;
                            let queued = store::append(
                                tx,
                                *id,
                                &ticket.key,
                                seq,
                                User::system_id(),
                                now,
                                notices,
                            )?;
                            for event in &queued {
                                ticket.apply(event);
                            }
                            new.extend(queued);
                        }
                        store::project(tx, &ticket)?;
                        events.extend(new.iter().cloned());
                        official::project(tx, *id, &events)?;
                        appended.extend(new);
                    }
                    project_sla(tx, *id, &events, sla)?;
                }
                Ok((due.len(), appended))
            })?;
            let progressed = !appended.is_empty();
            recorded.extend(appended);
            if looked_at < SWEEP_BATCH || !progressed {
                break;
            }
        }
        Ok(SlaSweep {
            recorded,
            next_check: store::next_check(self.store.read())?,
        })
    }

    /// When the scheduler must next look at the desk.
    pub fn next_sla_check(&self) -> Result<Option<DateTime<Utc>>> {
        store::next_check(self.store.read())
    }

    /// The ticket's SLA clocks as of now, with their explanations.
    pub fn clocks(&self, reference: &str) -> Result<Vec<ClockView>> {
        let conn = self.store.read();
        let events = store::load_stream(conn, store::find_ticket_id(conn, reference)?)?;
        Ok(TicketSla::from_events(&events).views(&self.sla, self.clock.now()))
    }

    /// Counts and the most urgent tickets, for the tray.
    pub fn sla_overview(&self, limit: usize) -> Result<SlaOverview> {
        let conn = self.store.read();
        let (imminent, breached) = store::alert_counts(conn)?;
        let now = self.clock.now();
        let urgent = store::most_urgent(conn, limit)?
            .into_iter()
            .map(|ticket| {
                let zone = ticket
                    .priority
                    .and_then(|priority| {
                        let policy = self.sla.policy_for(priority);
                        self.sla.calendars().get(&policy.calendar)
                    })
                    .map_or(chrono_tz::UTC, |calendar| calendar.time_zone());
                let when = ticket
                    .next_due
                    .map(|due| alerts::due_phrase(due, now, &zone))
                    .unwrap_or_else(|| "paused".into());
                let priority = ticket.priority.map_or("", Priority::code);
                UrgentTicket {
                    label: format!("{} · {} · {priority} · {when}", ticket.key, ticket.customer),
                    key: ticket.key,
                    customer: ticket.customer,
                    priority: ticket.priority,
                    breached: ticket.breached,
                    next_due: ticket.next_due,
                }
            })
            .collect();
        Ok(SlaOverview {
            imminent,
            breached,
            urgent,
        })
    }

    /// A setting of the desktop app kept with the desk (snooze, pause...).
    pub fn preference(&self, key: &str) -> Result<Option<String>> {
        store::get_state(self.store.read(), &format!("app.{key}"))
    }

    pub fn set_preference(&mut self, key: &str, value: &str) -> Result<()> {
        self.store
            .write(|tx| store::set_state(tx, &format!("app.{key}"), value))
    }

    /// Where the notifier stopped reading the log. The first time, that is
    /// the end of the log: a new install does not replay old alerts.
    pub fn notifier_cursor(&mut self) -> Result<i64> {
        self.store
            .write(|tx| match store::get_state(tx, NOTIFIED_UP_TO)? {
                Some(value) => value
                    .parse()
                    .map_err(|_| Error::Internal(format!("malformed notifier cursor {value}"))),
                None => {
                    let end = store::last_position(tx)?;
                    store::set_state(tx, NOTIFIED_UP_TO, &end.to_string())?;
                    Ok(end)
                }
            })
    }

    pub fn set_notifier_cursor(&mut self, position: i64) -> Result<()> {
        self.store
            .write(|tx| store::set_state(tx, NOTIFIED_UP_TO, &position.to_string()))
    }

    /// The alerts logged after `position`, worded as of now, oldest first,
    /// and the position to read on from next time.
    pub fn alerts_after(&self, position: i64, limit: usize) -> Result<(Vec<Alert>, i64)> {
        let conn = self.store.read();
        let now = self.clock.now();
        // Every event up to the log's end as read now is committed, so
        // nothing can appear behind the new cursor later.
        let end = store::last_position(conn)?;
        let found = store::events_between(conn, position, end, alerts::ALERT_KINDS, limit)?;
        let cursor = match found.last() {
            Some((last, _)) if found.len() == limit => *last,
            _ => end,
        };
        let mut alerts = Vec::new();
        for (position, event) in found {
            let ticket = store::load_ticket(conn, event.ticket_id)?;
            let subject = AlertSubject {
                key: ticket.key,
                customer: ticket.customer,
                priority: ticket.priority,
            };
            alerts.extend(Alert::from_event(
                position, &event, &subject, &self.sla, now,
            ));
        }
        Ok((alerts, cursor.max(position)))
    }

    /// Reads the SLA file again (after the app saved it), recomputing the
    /// deadlines if it changed.
    pub fn reload_sla_config(&mut self) -> Result<()> {
        let config = DeskConfig::for_database(&self.database_path)?.sla;
        self.store.write(|tx| reproject_if_changed(tx, &config))?;
        self.sla = config;
        Ok(())
    }
}

/// Rewrites a ticket's SLA projection row from its whole stream.
pub(super) fn project_sla(
    conn: &Connection,
    id: TicketId,
    events: &[Event],
    config: &SlaConfig,
) -> Result<()> {
    let sla = TicketSla::from_events(events);
    store::project_sla(
        conn,
        id,
        &store::SlaRow {
            state: sla.recorded_state(),
            next_check: sla.next_check(config),
            next_due: sla.next_due(config),
            update_due: sla.update_due(),
        },
    )
}

/// Bumped when the SLA projection gains a column (schema 4: `update_due`),
/// so every desk recomputes it once on its first open after the upgrade.
const PROJECTION_VERSION: u32 = 2;

/// What the SLA projection was computed from: its shape and the config.
fn sla_fingerprint(config: &SlaConfig) -> String {
    let basis = format!("projection {PROJECTION_VERSION}\n{}", config.to_toml());
    store::hex_digest(basis.as_bytes())
}

/// Recomputes every open ticket's SLA projection unless it was computed
/// from this config (and this projection version) already.
pub(super) fn reproject_if_changed(conn: &Connection, config: &SlaConfig) -> Result<()> {
    let fingerprint = sla_fingerprint(config);
    if store::get_state(conn, SLA_FINGERPRINT)?.as_deref() != Some(&fingerprint) {
        reproject_sla(conn, config)?;
        store::set_state(conn, SLA_FINGERPRINT, &fingerprint)?;
    }
    Ok(())
}

/// Recomputes the SLA projection of every ticket not closed (a closed
/// ticket's clocks have all stopped).
pub(super) fn reproject_sla(conn: &Connection, config: &SlaConfig) -> Result<()> {
    for id in store::unclosed_tickets(conn)? {
        project_sla(conn, id, &store::load_stream(conn, id)?, config)?;
    }
    Ok(())
}

/// The text written to `sla.toml`: a header pointing at the documentation,
/// then the config.
fn sla_file_text(config: &SlaConfig) -> String {
    format!(
        "# Escalator SLA policies, calendars and warning points.\n\
         # Saved by Escalator; edit here or in the app (Settings → SLA policies).\n\
         # The shipped defaults, with comments on every key, are in docs/sla.md.\n\n{}",
        config.to_toml()
    )
}
