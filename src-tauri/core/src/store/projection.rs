//! Projections: the read tables the UI and the CLI query, derived from the log.
//!
//! [`project`] writes one ticket's row (and its search entry) from the folded
//! [`Ticket`]; it runs in the same transaction as the append that changed it.
//! [`rebuild`] throws every projection away and derives it again from the
//! log, which is how a projection bug is repaired and how tests prove the
//! projections hold nothing the log does not.

use super::log::{load_stream, timestamp};
use crate::domain::{
    Level, Priority, Queue, Role, Status, Team, Ticket, TicketId, TicketSort, User, UserId,
};
use crate::error::{Error, Result};
use crate::events::{Event, EventBody};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
             level, owner_id, team, assignee_id, category, escalation_type, management, manager_id, opened_at,
             escalated_at, updated_at, closed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
         ON CONFLICT (id) DO UPDATE SET
             customer = excluded.customer, customer_norm = excluded.customer_norm,
             summary = excluded.summary, product = excluded.product, priority = excluded.priority,
             status = excluded.status, level = excluded.level, team = excluded.team,
             assignee_id = excluded.assignee_id, category = excluded.category,
             escalation_type = excluded.escalation_type, management = excluded.management,
             manager_id = excluded.manager_id,
             escalated_at = excluded.escalated_at, updated_at = excluded.updated_at,
             closed_at = excluded.closed_at",
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
            ticket.management.as_ref().and_then(|m| m.manager).map(|id| id.to_string()),
            timestamp(ticket.opened_at),
            escalated_at,
            timestamp(ticket.updated_at),
            ticket.closed_at.map(timestamp),
        ],
    )?;
    conn.execute(
        "INSERT INTO ticket_state (id, state) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state",
        params![ticket.id.to_string(), serde_json::to_string(ticket)?],
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RebuildReport {
    pub tickets: u64,
    pub events: u64,
}

/// Drops every projection row and derives them again from the log.
pub fn rebuild(conn: &Connection) -> Result<RebuildReport> {
    conn.execute_batch(
        "DELETE FROM ticket_state; DELETE FROM tickets; DELETE FROM ticket_search; DELETE FROM escalation_refusals;",
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
            "SELECT state FROM ticket_state WHERE id = ?1",
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct TicketQuery {
    /// A queue as seen by the viewer passed to [`tickets`].
    pub queue: Option<Queue>,
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub owner: Option<UserId>,
    pub team: Option<Team>,
    /// Words to find in summaries (prefix match, all words), or a key, or part of a customer name.
    pub text: Option<String>,
    pub sort: Option<TicketSort>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// One row of a ticket list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
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
    pub sla_state: String,
    pub opened_at: String,
    pub updated_at: String,
}

/// A page of a ticket list, with the total the filter matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    pub total: u64,
    pub offset: u32,
}

/// How many tickets a queue holds for the viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QueueCount {
    pub queue: Queue,
    pub label: String,
    pub count: u64,
}

/// The largest page a caller can ask for.
pub const MAX_PAGE: u32 = 500;

/// A WHERE clause under construction, with its bound values.
struct Filter {
    sql: String,
    values: Vec<Value>,
}

impl Filter {
    fn new() -> Self {
        Self {
            sql: String::from("1 = 1"),
            values: Vec::new(),
        }
    }

    fn and(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) {
        self.sql.push_str(" AND (");
        self.sql.push_str(clause);
        self.sql.push(')');
        self.values.extend(values);
    }

    fn any_of(&mut self, column: &str, codes: &[&str]) {
        if !codes.is_empty() {
            let marks = vec!["?"; codes.len()].join(", ");
            self.and(
                &format!("{column} IN ({marks})"),
                codes.iter().map(|c| Value::Text(c.to_string())),
            );
        }
    }
}

fn text(value: impl ToString) -> Value {
    Value::Text(value.to_string())
}

const ESCALATED: &str = "t.status IN ('escalated', 'investigating', 'awaiting_info', 'resolution_proposed', 'fix_validated', 'customer_confirmed')";
const ACTIVE: &str = "t.status NOT IN ('monitoring', 'closed')";

/// The tickets a role is responsible for: the owner's, the team's, or (L3) all.
fn relevant(filter: &mut Filter, viewer: &User) {
    match (viewer.role, viewer.team) {
        (Role::L1Engineer, _) => filter.and("t.owner_id = ?", [text(viewer.id)]),
        (Role::L2Engineer, Some(team)) => filter.and(
            "t.team = ? OR t.assignee_id = ?",
            [text(team.code()), text(viewer.id)],
        ),
        _ => {}
    }
}

fn queue_filter(filter: &mut Filter, queue: Queue, viewer: &User) {
    let me = || text(viewer.id);
    match queue {
        Queue::Mine => match viewer.role {
            Role::L1Engineer => filter.and(&format!("t.owner_id = ? AND {ACTIVE}"), [me()]),
            Role::L2Engineer => filter.and(&format!("t.assignee_id = ? AND {ACTIVE}"), [me()]),
            Role::L3Lead => filter.and(&format!("t.manager_id = ? AND {ACTIVE}"), [me()]),
        },
        Queue::Team => {
            filter.and(ESCALATED, []);
            if let (Role::L2Engineer, Some(team)) = (viewer.role, viewer.team) {
                filter.and("t.team = ?", [text(team.code())]);
            }
        }
        Queue::WaitingOnMe => match (viewer.role, viewer.team) {
            (Role::L1Engineer, _) => filter.and(
                "t.owner_id = ? AND t.status IN ('awaiting_info', 'resolution_proposed', 'fix_validated', 'customer_confirmed')",
                [me()],
            ),
            (Role::L2Engineer, team) => filter.and(
                "(t.team = ? AND t.status = 'escalated') OR (t.assignee_id = ? AND t.status = 'investigating')",
                [text(team.map_or("", |t| t.code())), me()],
            ),
            (Role::L3Lead, _) => filter.and("t.management = 'pending'", []),
        },
        Queue::SlaImminent => {
            filter.and(&format!("t.sla_state = 'imminent' AND {ACTIVE}"), []);
            relevant(filter, viewer);
        }
        Queue::Breached => {
            filter.and(&format!("t.sla_state = 'breached' AND {ACTIVE}"), []);
            relevant(filter, viewer);
        }
        Queue::UpdateDue => {
            filter.and(
                &format!("t.update_due = 1 AND {ACTIVE}"),
                [],
            );
            relevant(filter, viewer);
        }
        Queue::Monitoring => {
            filter.and("t.status = 'monitoring'", []);
            relevant(filter, viewer);
        }
        Queue::Closed => {
            filter.and("t.status = 'closed'", []);
            relevant(filter, viewer);
        }
    }
}

fn build_filter(query: &TicketQuery, viewer: Option<&User>) -> Result<Filter> {
    let mut filter = Filter::new();
    if let Some(queue) = query.queue {
        let viewer = viewer
            .ok_or_else(|| Error::invalid("queue", "a queue is seen by a user: sign in first"))?;
        queue_filter(&mut filter, queue, viewer);
    }
    filter.any_of(
        "t.status",
        &query.statuses.iter().map(|s| s.code()).collect::<Vec<_>>(),
    );
    filter.any_of(
        "t.priority",
        &query
            .priorities
            .iter()
            .map(|p| p.code())
            .collect::<Vec<_>>(),
    );
    if let Some(owner) = query.owner {
        filter.and("t.owner_id = ?", [text(owner)]);
    }
    if let Some(team) = query.team {
        filter.and("t.team = ?", [text(team.code())]);
    }
    if let Some(words) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let terms: Vec<String> = words
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\"*"))
            .collect();
        let escaped = words
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let mut values = vec![text(words), text(format!("%{escaped}%"))];
        let mut clause = String::from("t.key = ? COLLATE NOCASE OR t.customer LIKE ? ESCAPE '\\'");
        if !terms.is_empty() {
            clause.push_str(
                " OR t.number IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)",
            );
            values.push(text(terms.join(" AND ")));
        }
        filter.and(&clause, values);
    }
    Ok(filter)
}

/// One page of the tickets matching the query. `viewer` is who is looking,
/// needed for queues.
pub fn tickets(
    conn: &Connection,
    query: &TicketQuery,
    viewer: Option<&User>,
) -> Result<TicketPage> {
    let filter = build_filter(query, viewer)?;
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM tickets t WHERE {}", filter.sql),
        params_from_iter(filter.values.iter()),
        |row| row.get(0),
    )?;
    let order = match query.sort.unwrap_or(TicketSort::Updated) {
        TicketSort::Updated => "t.updated_at DESC, t.number DESC",
        TicketSort::Priority => "COALESCE(t.priority, 'P9') ASC, t.updated_at DESC, t.number DESC",
        TicketSort::Opened => "t.opened_at DESC, t.number DESC",
        TicketSort::Key => "t.number DESC",
    };
    let limit = query.limit.unwrap_or(200).min(MAX_PAGE);
    let offset = query.offset.unwrap_or(0);
    // The page's rows are picked by the inner query, which the queue indexes
    // answer alone (skipping `offset` entries costs no table reads); only
    // those rows are then read in full.
    let sql = format!(
        "SELECT t.id, t.key, t.customer, t.summary, t.priority, t.status, t.level, o.handle, t.team, a.handle,
                t.sla_state, t.opened_at, t.updated_at
         FROM tickets t JOIN users o ON o.id = t.owner_id LEFT JOIN users a ON a.id = t.assignee_id
         WHERE t.rowid IN (SELECT t.rowid FROM tickets t WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {offset})
         ORDER BY {order}",
        filter.sql
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(filter.values.iter()), |row| {
        Ok(RawSummary {
            id: row.get(0)?,
            key: row.get(1)?,
            customer: row.get(2)?,
            summary: row.get(3)?,
            priority: row.get(4)?,
            status: row.get(5)?,
            level: row.get(6)?,
            owner: row.get(7)?,
            team: row.get(8)?,
            assignee: row.get(9)?,
            sla_state: row.get(10)?,
            opened_at: row.get(11)?,
            updated_at: row.get(12)?,
        })
    })?;
    let items = rows.map(|row| row?.parse()).collect::<Result<Vec<_>>>()?;
    Ok(TicketPage {
        items,
        total: total as u64,
        offset,
    })
}

/// Every queue's count for the viewer, in display order.
pub fn queue_counts(conn: &Connection, viewer: &User) -> Result<Vec<QueueCount>> {
    Queue::ALL
        .iter()
        .map(|&queue| {
            let mut filter = Filter::new();
            queue_filter(&mut filter, queue, viewer);
            let count: i64 = conn.query_row(
                &format!("SELECT COUNT(*) FROM tickets t WHERE {}", filter.sql),
                params_from_iter(filter.values.iter()),
                |row| row.get(0),
            )?;
            Ok(QueueCount {
                queue,
                label: queue.label().to_string(),
                count: count as u64,
            })
        })
        .collect()
}

struct RawSummary {
    id: String,
    key: String,
    customer: String,
    summary: String,
    priority: Option<String>,
    status: String,
    level: String,
    owner: String,
    team: Option<String>,
    assignee: Option<String>,
    sla_state: String,
    opened_at: String,
    updated_at: String,
}

impl RawSummary {
    fn parse(self) -> Result<TicketSummary> {
        let key = self.key;
        let bad = |what: &str| Error::Internal(format!("ticket {key}: bad {what} in projection"));
        Ok(TicketSummary {
            id: self.id.parse().map_err(|_| bad("id"))?,
            priority: self
                .priority
                .map(|p| p.parse())
                .transpose()
                .map_err(|_| bad("priority"))?,
            status: self.status.parse().map_err(|_| bad("status"))?,
            level: self.level.parse().map_err(|_| bad("level"))?,
            team: self
                .team
                .map(|t| t.parse())
                .transpose()
                .map_err(|_| bad("team"))?,
            customer: self.customer,
            summary: self.summary,
            owner: self.owner,
            assignee: self.assignee,
            sla_state: self.sla_state,
            opened_at: self.opened_at,
            updated_at: self.updated_at,
            key,
        })
    }
}

/// SOP §11 compares customers case- and space-insensitively.
pub(crate) fn normalize_customer(customer: &str) -> String {
    customer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
