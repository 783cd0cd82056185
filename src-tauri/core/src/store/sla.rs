//! The SLA projection: per ticket, its alert state, the next instant the
//! scheduler must look at it and its nearest deadline.
//!
//! The scheduler never scans tickets. "What falls due next?" is
//! `MIN(sla_next_at)` on a partial index, and "what is due now?" is a range
//! scan of the same index, so both cost O(log n) in the number of tickets
//! (see `BENCHMARKS.md`). The values are derived from the log and the SLA
//! config by [`crate::sla::TicketSla`]; they are rewritten whenever a
//! ticket's stream grows, and for every open ticket when the config changes.

use super::log::timestamp;
use crate::domain::{Priority, TicketId};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// A ticket's row of the SLA projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaRow {
    /// `ok`, `imminent` or `breached`.
    pub state: &'static str,
    pub next_check: Option<DateTime<Utc>>,
    pub next_due: Option<DateTime<Utc>>,
    /// Whether the customer is owed an update (SOP §7): the running customer
    /// update clock has a recorded warning or breach.
    pub update_due: bool,
}

pub fn project_sla(conn: &Connection, ticket: TicketId, row: &SlaRow) -> Result<()> {
    conn.execute(
        "UPDATE tickets SET sla_state = ?2, sla_next_at = ?3, sla_due_at = ?4, update_due = ?5
         WHERE id = ?1",
        params![
            ticket.to_string(),
            row.state,
            row.next_check.map(timestamp),
            row.next_due.map(timestamp),
            row.update_due,
        ],
    )?;
    Ok(())
}

/// Up to `limit` tickets with something due at or before `now`, earliest first.
pub fn due_for_check(conn: &Connection, now: DateTime<Utc>, limit: usize) -> Result<Vec<TicketId>> {
    let mut statement = conn.prepare_cached(
        "SELECT id FROM tickets WHERE sla_next_at IS NOT NULL AND sla_next_at <= ?1
         ORDER BY sla_next_at LIMIT ?2",
    )?;
    let ids = statement
        .query_map(params![timestamp(now), limit as i64], |row| {
            row.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// The earliest instant any ticket needs the scheduler.
pub fn next_check(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn
        .prepare_cached(
            "SELECT sla_next_at FROM tickets WHERE sla_next_at IS NOT NULL
             ORDER BY sla_next_at LIMIT 1",
        )?
        .query_row([], |row| row.get(0))
        .optional()?;
    next.map(|text| parse_time(&text)).transpose()
}

/// Every ticket still open, for recomputing the projection after a config change.
pub fn unclosed_tickets(conn: &Connection) -> Result<Vec<TicketId>> {
    let mut statement = conn.prepare("SELECT id FROM tickets WHERE status <> 'closed'")?;
    let ids = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| parse_id(id)).collect()
}

/// How many tickets have a warning, and how many a breach.
pub fn alert_counts(conn: &Connection) -> Result<(u64, u64)> {
    let mut statement = conn.prepare_cached(
        "SELECT sla_state, COUNT(*) FROM tickets WHERE sla_state <> 'ok' GROUP BY sla_state",
    )?;
    let mut counts = (0, 0);
    for row in statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })? {
        match row? {
            (state, count) if state == "imminent" => counts.0 = count as u64,
            (state, count) if state == "breached" => counts.1 = count as u64,
            _ => {}
        }
    }
    Ok(counts)
}

/// A ticket with an SLA alert, for the tray's "most urgent" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertedTicket {
    pub id: TicketId,
    pub key: String,
    pub customer: String,
    pub priority: Option<Priority>,
    pub breached: bool,
    pub next_due: Option<DateTime<Utc>>,
}

/// Breached tickets first, then imminent ones, nearest deadline first.
pub fn most_urgent(conn: &Connection, limit: usize) -> Result<Vec<AlertedTicket>> {
    let mut found = Vec::new();
    for state in ["breached", "imminent"] {
        let mut statement = conn.prepare_cached(
            "SELECT id, key, customer, priority, sla_due_at FROM tickets
             WHERE sla_state = ?1 ORDER BY sla_due_at LIMIT ?2",
        )?;
        let rows = statement.query_map(params![state, (limit - found.len()) as i64], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, key, customer, priority, due) = row?;
            found.push(AlertedTicket {
                id: parse_id(&id)?,
                key,
                customer,
                priority: priority.and_then(|code| code.parse().ok()),
                breached: state == "breached",
                next_due: due.map(|text| parse_time(&text)).transpose()?,
            });
        }
        if found.len() >= limit {
            break;
        }
    }
    Ok(found)
}

pub fn get_state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM app_state WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

pub fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO app_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn parse_id(id: &str) -> Result<TicketId> {
    id.parse()
        .map_err(|_| Error::Internal(format!("malformed ticket id {id}")))
}

fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| Error::Internal(format!("malformed timestamp {text} in the SLA projection")))
}
