//! Projections: the read tables the UI and the CLI query, derived from the log.
//!
//! [`project`] writes one ticket's row (and its search entry) from the folded
//! [`Ticket`]; it runs in the same transaction as the append that changed it.
//! [`rebuild`] throws every projection away and derives it again from the
//! log, which is how a projection bug is repaired and how tests prove the
//! projections hold nothing the log does not.

use super::log::{load_stream, timestamp};
use crate::domain::{Level, Priority, Status, Team, Ticket, TicketId, UserId};
use crate::error::{Error, Result};
use crate::events::{Event, EventBody};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Writes the ticket's projection rows, replacing any previous version.
pub fn project(conn: &Connection, ticket: &Ticket) -> Result<()> {
    let escalated_at = ticket.escalation.as_ref().map(|e| timestamp(e.at));
    let management = ticket.management.as_ref().map(|m| {
        if m.manager.is_some() {
            "taken"
        } else {
            "pending"
        }
    });
    conn.execute(
        "INSERT INTO tickets (id, number, key, customer, customer_norm, summary, product, priority, status,
             level, owner_id, team, assignee_id, category, escalation_type, management, opened_at,
             escalated_at, updated_at, closed_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
         ON CONFLICT (id) DO UPDATE SET
             customer = excluded.customer, customer_norm = excluded.customer_norm,
             summary = excluded.summary, product = excluded.product, priority = excluded.priority,
             status = excluded.status, level = excluded.level, team = excluded.team,
             assignee_id = excluded.assignee_id, category = excluded.category,
             escalation_type = excluded.escalation_type, management = excluded.management,
             escalated_at = excluded.escalated_at, updated_at = excluded.updated_at,
             closed_at = excluded.closed_at, state = excluded.state",
        params![
            ticket.id.to_string(),
            ticket.number as i64,
            ticket.key,
            ticket.customer,
            normalize_customer(&ticket.customer),
            ticket.documentation.summary,
            ticket.documentation.product,
            ticket.priority.map(Priority::code),
            ticket.status.code(),
            ticket.level.code(),
            ticket.owner.to_string(),
            ticket.team.map(Team::code),
            ticket.assignee.map(|id| id.to_string()),
            ticket.category.map(|c| c.code()),
            ticket.escalation.as_ref().map(|e| e.escalation_type.code()),
            management,
            timestamp(ticket.opened_at),
            escalated_at,
            timestamp(ticket.updated_at),
            ticket.closed_at.map(timestamp),
            serde_json::to_string(ticket)?,
        ],
    )?;
    conn.execute(
        "DELETE FROM ticket_search WHERE rowid = ?1",
        [ticket.number as i64],
    )?;
    conn.execute(
        "INSERT INTO ticket_search (rowid, summary) VALUES (?1, ?2)",
        params![ticket.number as i64, ticket.documentation.summary],
    )?;
    Ok(())
}

/// Records a refused escalation in the SOP §13 reporting table.
pub fn record_refusal(conn: &Connection, event: &Event) -> Result<()> {
    let EventBody::EscalationRefused(refused) = &event.body else {
        return Ok(());
    };
    let rules: Vec<&str> = refused.violations.iter().map(|v| v.rule.as_str()).collect();
    conn.execute(
        "INSERT INTO escalation_refusals (ticket_id, seq, actor, at, rules) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            event.ticket_id.to_string(),
            event.seq as i64,
            event.actor.to_string(),
            timestamp(event.at),
            serde_json::to_string(&rules)?
        ],
    )?;
    Ok(())
}

/// What [`rebuild`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RebuildReport {
    pub tickets: u64,
    pub events: u64,
}

/// Drops every projection row and derives them again from the log.
pub fn rebuild(conn: &Connection) -> Result<RebuildReport> {
    conn.execute_batch(
        "DELETE FROM tickets; DELETE FROM ticket_search; DELETE FROM escalation_refusals;",
    )?;
    let streams: Vec<String> = conn
        .prepare("SELECT ticket_id FROM events GROUP BY ticket_id ORDER BY MIN(position)")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut report = RebuildReport {
        tickets: 0,
        events: 0,
    };
    for stream in streams {
        let id: TicketId = stream.parse().map_err(|_| {
            Error::Internal(format!(
                "the log holds a stream with a malformed id: {stream}"
            ))
        })?;
        let events = load_stream(conn, id)?;
        report.events += events.len() as u64;
        let ticket = Ticket::replay(&events).ok_or_else(|| {
            Error::Internal(format!("stream {stream} does not start with TicketOpened"))
        })?;
        project(conn, &ticket)?;
        for event in &events {
            record_refusal(conn, event)?;
        }
        report.tickets += 1;
    }
    Ok(report)
}

/// The next free ticket number (`ESC-<number>`).
pub fn next_ticket_number(conn: &Connection) -> Result<u64> {
    let max: Option<i64> =
        conn.query_row("SELECT MAX(number) FROM tickets", [], |row| row.get(0))?;
    Ok(max.unwrap_or(0) as u64 + 1)
}

/// Resolves `ESC-12`, `12` or a ticket UUID to the ticket's id.
pub fn find_ticket_id(conn: &Connection, reference: &str) -> Result<TicketId> {
    let reference = reference.trim();
    let not_found = || Error::NotFound {
        entity: "ticket",
        id: reference.to_string(),
    };
    if let Ok(id) = reference.parse::<TicketId>() {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1)",
            [id.to_string()],
            |r| r.get(0),
        )?;
        return if exists { Ok(id) } else { Err(not_found()) };
    }
    let digits = reference
        .strip_prefix("ESC-")
        .or_else(|| reference.strip_prefix("esc-"))
        .unwrap_or(reference);
    let number: i64 = digits.parse().map_err(|_| not_found())?;
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM tickets WHERE number = ?1",
            [number],
            |row| row.get(0),
        )
        .optional()?;
    id.and_then(|id| id.parse().ok()).ok_or_else(not_found)
}

/// The ticket as projected (the same value a replay of its log gives).
pub fn load_ticket(conn: &Connection, id: TicketId) -> Result<Ticket> {
    let state: Option<String> = conn
        .query_row(
            "SELECT state FROM tickets WHERE id = ?1",
            [id.to_string()],
            |row| row.get(0),
        )
        .optional()?;
    let state = state.ok_or_else(|| Error::NotFound {
        entity: "ticket",
        id: id.to_string(),
    })?;
    Ok(serde_json::from_str(&state)?)
}

/// A filter over the tickets projection. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TicketQuery {
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub owner: Option<UserId>,
    pub team: Option<Team>,
    pub assignee: Option<UserId>,
    /// Full-text search over summaries (FTS5 syntax is not exposed: words are ANDed).
    pub text: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// One row of a ticket list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: TicketId,
    pub key: String,
    pub customer: String,
    pub summary: String,
    pub priority: Option<Priority>,
    pub status: Status,
    pub level: Level,
    pub owner: String,
    pub team: Option<Team>,
    pub assignee: Option<String>,
    pub opened_at: String,
    pub updated_at: String,
}

/// Tickets matching the query, most recently updated first.
pub fn tickets(conn: &Connection, query: &TicketQuery) -> Result<Vec<TicketSummary>> {
    let mut sql = String::from(
        "SELECT t.id, t.key, t.customer, t.summary, t.priority, t.status, t.level, o.handle, t.team, a.handle,
                t.opened_at, t.updated_at
         FROM tickets t JOIN users o ON o.id = t.owner_id LEFT JOIN users a ON a.id = t.assignee_id WHERE 1 = 1",
    );
    let mut values: Vec<String> = Vec::new();
    let mut any_of = |sql: &mut String, column: &str, codes: Vec<&str>| {
        if !codes.is_empty() {
            let marks = vec!["?"; codes.len()].join(", ");
            sql.push_str(&format!(" AND {column} IN ({marks})"));
            values.extend(codes.into_iter().map(str::to_string));
        }
    };
    any_of(
        &mut sql,
        "t.status",
        query.statuses.iter().map(|s| s.code()).collect(),
    );
    any_of(
        &mut sql,
        "t.priority",
        query.priorities.iter().map(|p| p.code()).collect(),
    );
    if let Some(owner) = query.owner {
        any_of(&mut sql, "t.owner_id", vec![&owner.to_string()]);
    }
    if let Some(team) = query.team {
        any_of(&mut sql, "t.team", vec![team.code()]);
    }
    if let Some(assignee) = query.assignee {
        any_of(&mut sql, "t.assignee_id", vec![&assignee.to_string()]);
    }
    if let Some(text) = query.text.as_deref() {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\"*"))
            .collect();
        if !words.is_empty() {
            sql.push_str(
                " AND (t.number IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)
                       OR t.key = ? COLLATE NOCASE OR t.customer LIKE ? ESCAPE '\\')",
            );
            values.push(words.join(" AND "));
            values.push(text.trim().to_string());
            values.push(format!(
                "%{}%",
                text.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            ));
        }
    }
    sql.push_str(" ORDER BY t.updated_at DESC, t.number DESC LIMIT ? OFFSET ?");
    values.push(query.limit.unwrap_or(200).to_string());
    values.push(query.offset.unwrap_or(0).to_string());
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(values.iter()), |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, String>(7)?,
            row.get::<_, Option<String>>(8)?,
            row.get::<_, Option<String>>(9)?,
            row.get::<_, String>(10)?,
            row.get::<_, String>(11)?,
        ))
    })?;
    rows.map(|row| {
        let (
            id,
            key,
            customer,
            summary,
            priority,
            status,
            level,
            owner,
            team,
            assignee,
            opened_at,
            updated_at,
        ) = row?;
        let bad = |what: &str| Error::Internal(format!("ticket {key}: bad {what} in projection"));
        Ok(TicketSummary {
            id: id.parse().map_err(|_| bad("id"))?,
            priority: priority
                .map(|p| p.parse())
                .transpose()
                .map_err(|_| bad("priority"))?,
            status: status.parse().map_err(|_| bad("status"))?,
            level: level.parse().map_err(|_| bad("level"))?,
            team: team
                .map(|t| t.parse())
                .transpose()
                .map_err(|_| bad("team"))?,
            key,
            customer,
            summary,
            owner,
            assignee,
            opened_at,
            updated_at,
        })
    })
    .collect()
}

/// SOP §11 compares customers case- and space-insensitively.
pub(crate) fn normalize_customer(customer: &str) -> String {
    customer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
