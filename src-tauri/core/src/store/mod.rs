//! SQLite, the one place Escalator keeps its state.
//!
//! Every connection is opened the same way (WAL, foreign keys, a busy
//! timeout), migrations are embedded and applied all or nothing, and every
//! write runs inside [`Store::write`]: one `BEGIN IMMEDIATE` transaction that
//! appends events and updates the projections together, or does neither.

mod log;
mod projection;
mod similarity;
mod sla;
mod users;

pub use log::{
    append, events_between, hex_digest, last_position, load_stream, stream_head, verify,
    ChainBreak, VerifyReport, GENESIS_HASH,
};
pub use projection::{
    find_ticket_id, load_ticket, next_ticket_number, project, queue_counts, rebuild,
    record_refusal, tickets, QueueCount, RebuildReport, TicketPage, TicketQuery, TicketSummary,
    MAX_PAGE,
};
pub use similarity::{significant_terms, similar_open_escalations, SIMILARITY_THRESHOLD};
pub use sla::{
    alert_counts, due_for_check, get_state, most_urgent, next_check, project_sla, set_state,
    unclosed_tickets, AlertedTicket, SlaRow,
};
pub use users::{find_user, insert_user, list_users, set_user_active, user_by_id};

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// Numbered, append-only migrations; schema N is `MIGRATIONS[N - 1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_sla.sql"),
    include_str!("../../migrations/0003_official.sql"),
    include_str!("../../migrations/0004_update_due.sql"),
];

/// Marks a database file as Escalator's (`PRAGMA application_id`, "ESC1").
const APPLICATION_ID: i64 = 0x4553_4331;

/// The schema this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open database. Not `Sync`: each thread or task opens its own, and
/// SQLite's locking (WAL + busy timeout) arbitrates between them.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up
    /// to date. Refuses a file written by a newer Escalator or by another app.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        Store::init(conn)
    }

    /// A private in-memory database, for unit tests of one layer.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Reports "memory" for in-memory databases, which is fine.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Runs `work` in one immediate transaction: commits if it returns `Ok`,
    /// rolls back otherwise, so a failed command leaves no partial write.
    pub fn write<T>(&mut self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Read-only access, for queries.
    pub fn read(&self) -> &Connection {
        &self.conn
    }
}

/// Applies the missing migrations in one transaction. A database whose schema
/// is newer than this build's is refused, untouched.
fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let application_id: i64 = tx.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let found: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if application_id != 0 && application_id != APPLICATION_ID {
        return Err(Error::invalid(
            "database",
            format!("this file is not an Escalator database (application_id {application_id:#x})"),
        ));
    }
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    if application_id == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.commit()?;
    Ok(())
}
