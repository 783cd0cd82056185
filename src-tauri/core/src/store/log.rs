//! The event log: append with optimistic concurrency, load, and verify.
//!
//! Each ticket's events form a chain: an event's `hash` is the SHA-256 of its
//! own fields and the previous event's `hash`, the first event chaining to
//! [`GENESIS_HASH`]. Editing, reordering or removing any stored event breaks
//! the chain at that point, which [`verify`] reports.

use crate::domain::{EventId, TicketId, UserId};
use crate::error::{Error, Result};
use crate::events::{Event, EventBody};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// The `prev_hash` of a stream's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The seq of a stream's last event; 0 for a stream with none.
pub fn stream_head(conn: &Connection, ticket: TicketId) -> Result<u64> {
    let head: Option<i64> = conn.query_row(
        "SELECT MAX(seq) FROM events WHERE ticket_id = ?1",
        [ticket.to_string()],
        |row| row.get(0),
    )?;
    Ok(head.unwrap_or(0) as u64)
}

/// Appends `bodies` to the ticket's stream, which must currently end at
/// `expected_head` (optimistic concurrency: a writer that read an older head
/// gets [`Error::Conflict`] and nothing is written).
pub fn append(
    conn: &Connection,
    ticket: TicketId,
    ticket_label: &str,
    expected_head: u64,
    actor: UserId,
    at: DateTime<Utc>,
    bodies: Vec<EventBody>,
) -> Result<Vec<Event>> {
    let found = stream_head(conn, ticket)?;
    if found != expected_head {
        return Err(Error::Conflict {
            ticket: ticket_label.to_string(),
            expected: expected_head,
            found,
        });
    }
    let mut prev_hash = match found {
        0 => GENESIS_HASH.to_string(),
        seq => conn.query_row(
            "SELECT hash FROM events WHERE ticket_id = ?1 AND seq = ?2",
            params![ticket.to_string(), seq as i64],
            |row| row.get(0),
        )?,
    };
    let at = at.trunc_subsecs(3);
    let mut appended = Vec::with_capacity(bodies.len());
    for (offset, body) in bodies.into_iter().enumerate() {
        let seq = found + 1 + offset as u64;
        let row = StoredRow {
            id: EventId::new().to_string(),
            ticket_id: ticket.to_string(),
            seq,
            kind: body.kind().to_string(),
            payload: body.payload_json()?,
            actor: actor.to_string(),
            at: timestamp(at),
            prev_hash: prev_hash.clone(),
        };
        let hash = row.hash();
        conn.execute(
            "INSERT INTO events (id, ticket_id, seq, kind, payload, actor, at, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                row.id,
                row.ticket_id,
                seq as i64,
                row.kind,
                row.payload,
                row.actor,
                row.at,
                row.prev_hash,
                hash
            ],
        )?;
        prev_hash.clone_from(&hash);
        appended.push(row.into_event(hash)?);
    }
    Ok(appended)
}

/// The ticket's events in order. An unknown ticket has an empty stream.
pub fn load_stream(conn: &Connection, ticket: TicketId) -> Result<Vec<Event>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, ticket_id, seq, kind, payload, actor, at, prev_hash, hash
         FROM events WHERE ticket_id = ?1 ORDER BY seq",
    )?;
    let rows = statement.query_map([ticket.to_string()], StoredRow::read)?;
    rows.map(|row| {
        let (row, hash) = row?;
        row.into_event(hash)
    })
    .collect()
}

/// Events of the given kinds logged in `(after, up_to]` (positions are the
/// log's own order, across tickets), oldest first, with their positions:
/// how the notifier reads what happened since it last looked.
pub fn events_between(
    conn: &Connection,
    after: i64,
    up_to: i64,
    kinds: &[&str],
    limit: usize,
) -> Result<Vec<(i64, Event)>> {
    let kinds = serde_json::to_string(kinds)?;
    let mut statement = conn.prepare_cached(
        "SELECT id, ticket_id, seq, kind, payload, actor, at, prev_hash, hash, position
         FROM events
         WHERE position > ?1 AND position <= ?2 AND kind IN (SELECT value FROM json_each(?3))
         ORDER BY position LIMIT ?4",
    )?;
    let rows = statement.query_map(params![after, up_to, kinds, limit as i64], |row| {
        Ok((StoredRow::read(row)?, row.get::<_, i64>(9)?))
    })?;
    rows.map(|row| {
        let ((row, hash), position) = row?;
        Ok((position, row.into_event(hash)?))
    })
    .collect()
}

/// The position of the last event logged; 0 for an empty log.
pub fn last_position(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(position), 0) FROM events", [], |row| {
            row.get(0)
        })?,
    )
}

/// Every stream's first break, if any, after walking every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VerifyReport {
    pub streams: u64,
    pub events: u64,
    /// One entry per broken stream: its first broken link. Empty when intact.
    pub breaks: Vec<ChainBreak>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.breaks.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainBreak {
    pub ticket_id: String,
    /// The ticket's key, when its projection still names it.
    pub ticket_key: Option<String>,
    pub seq: u64,
    pub problem: String,
}

/// Walks every stream in append order, recomputing each hash and link.
pub fn verify(conn: &Connection) -> Result<VerifyReport> {
    let mut statement = conn.prepare(
        "SELECT id, ticket_id, seq, kind, payload, actor, at, prev_hash, hash
         FROM events ORDER BY ticket_id, seq",
    )?;
    let mut rows = statement.query([])?;
    let mut report = VerifyReport {
        streams: 0,
        events: 0,
        breaks: Vec::new(),
    };
    let mut current: Option<String> = None;
    let mut expected_seq = 1;
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut broken = false;
    while let Some(row) = rows.next()? {
        let (stored, hash) = StoredRow::read(row)?;
        report.events += 1;
        if current.as_deref() != Some(stored.ticket_id.as_str()) {
            report.streams += 1;
            current = Some(stored.ticket_id.clone());
            expected_seq = 1;
            expected_prev = GENESIS_HASH.to_string();
            broken = false;
        }
        if broken {
            continue;
        }
        let problem = if stored.seq != expected_seq {
            Some(format!(
                "expected seq {expected_seq}, found seq {}",
                stored.seq
            ))
        } else if stored.prev_hash != expected_prev {
            Some("prev_hash does not match the previous event's hash".to_string())
        } else if stored.hash() != hash {
            Some("hash does not match the event's content: the event was altered".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            broken = true;
            report.breaks.push(ChainBreak {
                ticket_key: ticket_key(conn, &stored.ticket_id)?,
                ticket_id: stored.ticket_id,
                seq: stored.seq.min(expected_seq),
                problem,
            });
        }
        expected_seq += 1;
        expected_prev = hash;
    }
    Ok(report)
}

fn ticket_key(conn: &Connection, ticket_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT key FROM tickets WHERE id = ?1",
            [ticket_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// An event row as stored, before its hash.
struct StoredRow {
    id: String,
    ticket_id: String,
    seq: u64,
    kind: String,
    payload: String,
    actor: String,
    at: String,
    prev_hash: String,
}

impl StoredRow {
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<(StoredRow, String)> {
        Ok((
            StoredRow {
                id: row.get(0)?,
                ticket_id: row.get(1)?,
                seq: row.get::<_, i64>(2)? as u64,
                kind: row.get(3)?,
                payload: row.get(4)?,
                actor: row.get(5)?,
                at: row.get(6)?,
                prev_hash: row.get(7)?,
            },
            row.get(8)?,
        ))
    }

    /// SHA-256 over every field, newline-separated; only the payload (last,
    /// JSON-escaped) can hold arbitrary text, so the encoding is unambiguous.
    fn hash(&self) -> String {
        let mut digest = Sha256::new();
        for field in [
            "escalator-event-v1",
            &self.id,
            &self.ticket_id,
            &self.seq.to_string(),
            &self.kind,
            &self.actor,
            &self.at,
            &self.prev_hash,
        ] {
            digest.update(field.as_bytes());
            digest.update(b"\n");
        }
        digest.update(self.payload.as_bytes());
        hex_digest(&digest.finalize())
    }

    fn into_event(self, hash: String) -> Result<Event> {
        let corrupt = |what: &str| {
            Error::Internal(format!(
                "event {} of ticket {}: bad {what}",
                self.seq, self.ticket_id
            ))
        };
        Ok(Event {
            id: self.id.parse().map_err(|_| corrupt("id"))?,
            ticket_id: self.ticket_id.parse().map_err(|_| corrupt("ticket id"))?,
            seq: self.seq,
            at: DateTime::parse_from_rfc3339(&self.at)
                .map_err(|_| corrupt("timestamp"))?
                .with_timezone(&Utc),
            actor: self.actor.parse().map_err(|_| corrupt("actor"))?,
            body: EventBody::from_stored(&self.kind, &self.payload)?,
            prev_hash: self.prev_hash,
            hash,
        })
    }
}

/// The one timestamp format in the database: RFC 3339, UTC, milliseconds.
pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn hex_digest(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
