//! The offline review pack: one period of the desk in one file, for a lead
//! to review on a laptop with no access to the source desktop (SOP §13).
//!
//! A pack is an Escalator SQLite database (same schema, same event rows byte
//! for byte) holding the users, the *full* event stream of every ticket with
//! an event in the period (so every chain verifies from genesis), the
//! projections rebuilt from them, the attachments as BLOBs in
//! `pack_attachments`, and a `pack_info` table: where the pack comes from and
//! a manifest (each stream's length and head hash, each attachment's SHA-256
//! and size) with its SHA-256. Triggers make the file refuse writes even when
//! someone opens it as a desk, and [`ReviewPack::open`] opens it read-only.
//!
//! Opening a pack verifies everything: every hash chain, every attachment's
//! content against its address, and the manifest against the contents (which
//! catches a stream cut short or removed). A tampered pack still opens, with
//! `verified: false` and every problem listed, because the lead must *see*
//! that it was tampered with. None of this is a signature: someone who
//! rewrites the whole file consistently defeats it, which is why the export
//! prints the manifest's SHA-256 for the lead to compare out of band.
//!
//! The lead's review notes cannot go in the read-only pack: they live in a
//! sidecar JSON file beside it (`<pack>.notes.json`), are exported as one
//! notes file, and the source desk imports them as internal notes
//! ([`crate::Desk::import_review_notes`]), each one once.

use crate::desk::write_atomically;
use crate::domain::TicketSort;
use crate::domain::{Ticket, User};
use crate::error::{Error, Result};
use crate::events::Event;
use crate::store::{self, Store, TicketQuery, TicketSummary, VerifyReport};
use crate::timeline::{describe_all, TimelineEntry};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The `format` of a pack's info; a pack of another format is refused.
pub const PACK_FORMAT: &str = "escalator-review-pack/1";
/// The `format` of a review notes file.
pub const NOTES_FORMAT: &str = "escalator-review-notes/1";
/// The customary extension of a pack file.
pub const PACK_EXTENSION: &str = "escpack";
/// The longest review note accepted.
const MAX_NOTE_CHARS: usize = 20_000;

/// The tables only a pack has.
const PACK_TABLES: &str = "
CREATE TABLE pack_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE pack_attachments (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL);
";

/// Added to a pack after its contents: the file refuses writes to the log,
/// the users and the desk state, even when opened read-write as a desk.
const LOCK_TRIGGERS: &[(&str, &str)] = &[
    ("pack_refuses_events", "INSERT ON events"),
    ("pack_refuses_new_users", "INSERT ON users"),
    ("pack_refuses_user_changes", "UPDATE ON users"),
    ("pack_refuses_ticket_changes", "UPDATE ON tickets"),
    ("pack_refuses_state", "INSERT ON app_state"),
    ("pack_refuses_state_changes", "UPDATE ON app_state"),
    ("pack_refuses_attachments", "INSERT ON pack_attachments"),
    (
        "pack_refuses_attachment_changes",
        "UPDATE ON pack_attachments",
    ),
    ("pack_refuses_info_changes", "UPDATE ON pack_info"),
];

/// The message every refused write of a pack carries.
pub const READ_ONLY_MESSAGE: &str =
    "this is an Escalator review pack: it is read-only (write review notes with `review-pack note`)";

/// Where a pack comes from and what it holds; the `pack_info` row `info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackInfo {
    pub format: String,
    /// Unique per export; review notes name it.
    pub pack_id: String,
    /// The exporting desk's identity; notes are imported only there.
    pub source_desk_id: String,
    /// The source database's file name.
    pub source_database: String,
    /// The period, `[from, to)` in UTC days.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub exported_at: DateTime<Utc>,
    /// The handle of the user who exported it.
    pub exporter: String,
    pub tickets: u64,
    pub events: u64,
    pub attachments: u64,
    /// SHA-256 of the manifest JSON stored beside this info.
    pub manifest_sha256: String,
}

/// What a pack holds, for checking it was not cut short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Manifest {
    streams: Vec<ManifestStream>,
    attachments: Vec<ManifestAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ManifestStream {
    ticket_id: String,
    events: u64,
    head_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ManifestAttachment {
    sha256: String,
    size: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackReport {
    pub path: PathBuf,
    pub info: PackInfo,
}

/// An attachment of the pack that is not what its events say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AttachmentProblem {
    pub sha256: String,
    /// The keys of the tickets it is attached to.
    pub tickets: Vec<String>,
    pub problem: String,
}

/// Everything [`ReviewPack::open`] checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PackVerification {
    /// True only when the chains, the attachments and the manifest all hold.
    pub verified: bool,
    pub chain: VerifyReport,
    pub attachments_checked: u64,
    pub attachment_problems: Vec<AttachmentProblem>,
    /// Differences between the manifest and the pack's contents.
    pub manifest_problems: Vec<String>,
}

/// Copies the streams of every ticket with an event in `[from, to)` from
/// `source` into a new pack at `out`. `attachment` reads an attachment's
/// bytes by SHA-256. Refuses an existing `out`; writes nothing on failure.
pub(crate) fn export(
    source: &Connection,
    attachment: impl Fn(&str) -> Result<Vec<u8>>,
    mut info: PackInfo,
    out: &Path,
) -> Result<PackReport> {
    if info.from >= info.to {
        return Err(Error::invalid(
            "period",
            format!(
                "the period must end after it starts ({} to {})",
                info.from, info.to
            ),
        ));
    }
    if out.exists() {
        return Err(Error::invalid(
            "out",
            format!("{} already exists; choose another file name", out.display()),
        ));
    }
    let dir = match out.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let staged = tempfile::Builder::new()
        .prefix(".review-pack-")
        .tempfile_in(&dir)?;
    let mut pack = Store::open(staged.path())?;
    // Free space is zeroed, so the file holds each row once: what verifies
    // is all there is to read.
    pack.read().pragma_update(None, "secure_delete", true)?;
    let streams: Vec<String> = source
        .prepare(
            "SELECT ticket_id FROM events GROUP BY ticket_id
             HAVING SUM(at >= ?1 AND at < ?2) > 0 ORDER BY MIN(position)",
        )?
        .query_map(params![day_start(info.from), day_start(info.to)], |row| {
            row.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let streams_json = serde_json::to_string(&streams)?;
    info = pack.write(|tx| {
        copy_rows(
            source,
            tx,
            "SELECT id, handle, display_name, role, team, active, created_at FROM users",
            [],
            "INSERT OR IGNORE INTO users (id, handle, display_name, role, team, active, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        copy_rows(
            source,
            tx,
            "SELECT id, ticket_id, seq, kind, payload, actor, at, prev_hash, hash FROM events
             WHERE ticket_id IN (SELECT value FROM json_each(?1)) ORDER BY position",
            [&streams_json],
            "INSERT INTO events (id, ticket_id, seq, kind, payload, actor, at, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let rebuilt = store::rebuild(tx)?;
        // The SLA state as the source desk computed it with its own config.
        copy_rows(
            source,
            tx,
            "SELECT sla_state, sla_next_at, sla_due_at, id FROM tickets
             WHERE id IN (SELECT value FROM json_each(?1))",
            [&streams_json],
            "UPDATE tickets SET sla_state = ?1, sla_next_at = ?2, sla_due_at = ?3 WHERE id = ?4",
        )?;
        tx.execute_batch(PACK_TABLES)?;
        let mut insert = tx.prepare("INSERT INTO pack_attachments (sha256, bytes) VALUES (?1, ?2)")?;
        let referenced = referenced_attachments(tx)?;
        for (sha256, tickets) in &referenced {
            let bytes = attachment(sha256)?;
            if store::hex_digest(&Sha256::digest(&bytes)) != *sha256 {
                return Err(Error::Internal(format!(
                    "attachment {sha256} of {} does not match its SHA-256 in the data directory",
                    tickets.join(", ")
                )));
            }
            insert.execute(params![sha256, bytes])?;
        }
        let manifest = manifest_of(tx)?;
        let manifest_json = serde_json::to_string(&manifest)?;
        let info = PackInfo {
            tickets: rebuilt.tickets,
            events: rebuilt.events,
            attachments: referenced.len() as u64,
            manifest_sha256: store::hex_digest(&Sha256::digest(manifest_json.as_bytes())),
            ..info
        };
        tx.execute(
            "INSERT INTO pack_info (key, value) VALUES ('info', ?1), ('manifest', ?2)",
            params![serde_json::to_string(&info)?, manifest_json],
        )?;
        for (name, on) in LOCK_TRIGGERS {
            tx.execute_batch(&format!(
                "CREATE TRIGGER {name} BEFORE {on} BEGIN SELECT RAISE(ABORT, '{READ_ONLY_MESSAGE}'); END;"
            ))?;
        }
        Ok(info)
    })?;
    // One self-contained, compact file: no write-ahead log beside it, and no
    // stale copies of rows left in free space by page splits.
    let _mode: String =
        pack.read()
            .pragma_update_and_check(None, "journal_mode", "DELETE", |row| row.get(0))?;
    pack.read().execute_batch("VACUUM")?;
    drop(pack);
    staged
        .persist_noclobber(out)
        .map_err(|error| Error::Io(error.error))?;
    Ok(PackReport {
        path: out.to_path_buf(),
        info,
    })
}

/// A review pack, open read-only and verified.
pub struct ReviewPack {
    conn: Connection,
    path: PathBuf,
    info: PackInfo,
    verification: PackVerification,
}

impl ReviewPack {
    /// Opens the pack at `path` read-only and verifies it. A tampered pack
    /// opens with the problems in [`ReviewPack::verification`]; a file that
    /// is not a pack at all is refused.
    pub fn open(path: impl AsRef<Path>) -> Result<ReviewPack> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(Error::NotFound {
                entity: "review pack",
                id: path.display().to_string(),
            });
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "query_only", true)?;
        let not_a_pack = || {
            Error::invalid(
                "pack",
                format!("{} is not an Escalator review pack", path.display()),
            )
        };
        let has_info: bool = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'pack_info'",
                [],
                |row| row.get::<_, i64>(0),
            )
            .map_err(|_| not_a_pack())?
            > 0;
        if !has_info {
            return Err(not_a_pack());
        }
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version > store::SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found: version,
                supported: store::SCHEMA_VERSION,
            });
        }
        let info_json = pack_value(&conn, "info")?.ok_or_else(not_a_pack)?;
        let info: PackInfo = serde_json::from_str(&info_json).map_err(|_| not_a_pack())?;
        if info.format != PACK_FORMAT {
            return Err(Error::invalid(
                "pack",
                format!(
                    "{} is a {} pack; this Escalator reads {PACK_FORMAT}",
                    path.display(),
                    info.format
                ),
            ));
        }
        let verification = verify_pack(&conn, &info)?;
        Ok(ReviewPack {
            conn,
            path,
            info,
            verification,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn info(&self) -> &PackInfo {
        &self.info
    }

    pub fn verification(&self) -> &PackVerification {
        &self.verification
    }

    pub fn is_verified(&self) -> bool {
        self.verification.verified
    }

    /// Every ticket in the pack, by key.
    pub fn tickets(&self) -> Result<Vec<TicketSummary>> {
        let mut all = Vec::new();
        loop {
            let query = TicketQuery {
                sort: Some(TicketSort::Key),
                limit: Some(store::MAX_PAGE),
                offset: Some(all.len() as u32),
                ..TicketQuery::default()
            };
            let page = store::tickets(&self.conn, &query, None)?;
            let done = page.items.len() < store::MAX_PAGE as usize;
            all.extend(page.items);
            if done {
                break;
            }
        }
        all.reverse();
        Ok(all)
    }

    /// The ticket (`ESC-12`, `12` or its id) as projected in the pack.
    pub fn ticket(&self, reference: &str) -> Result<Ticket> {
        store::load_ticket(&self.conn, store::find_ticket_id(&self.conn, reference)?)
    }

    /// The ticket's full event stream, oldest first.
    pub fn history(&self, reference: &str) -> Result<Vec<Event>> {
        store::load_stream(&self.conn, store::find_ticket_id(&self.conn, reference)?)
    }

    /// The ticket's history told for people.
    pub fn timeline(&self, reference: &str) -> Result<Vec<TimelineEntry>> {
        Ok(describe_all(&self.history(reference)?, &self.users()?))
    }

    pub fn users(&self) -> Result<Vec<User>> {
        store::list_users(&self.conn)
    }

    /// An attachment's bytes, as stored in the pack (see the verification
    /// for whether they match their SHA-256).
    pub fn attachment(&self, sha256: &str) -> Result<Vec<u8>> {
        self.conn
            .query_row(
                "SELECT bytes FROM pack_attachments WHERE sha256 = ?1",
                [sha256],
                |row| row.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound {
                entity: "attachment",
                id: sha256.to_string(),
            })
    }

    /// Raw read-only access, for tests and reports.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The sidecar file the lead's notes are kept in, beside the pack.
    pub fn notes_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".notes.json");
        self.path.with_file_name(name)
    }

    /// The notes written on this pack so far, oldest first.
    pub fn notes(&self) -> Result<ReviewNotes> {
        let path = self.notes_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let notes = ReviewNotes::parse(&text, &path)?;
                if notes.pack_id != self.info.pack_id {
                    return Err(Error::invalid(
                        "notes",
                        format!(
                            "{} holds notes on another pack ({}); move it away",
                            path.display(),
                            notes.pack_id
                        ),
                    ));
                }
                Ok(notes)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(ReviewNotes {
                format: NOTES_FORMAT.to_string(),
                pack_id: self.info.pack_id.clone(),
                source_desk_id: self.info.source_desk_id.clone(),
                source_database: self.info.source_database.clone(),
                from: self.info.from,
                to: self.info.to,
                notes: Vec::new(),
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// Writes a review note by `reviewer` on a ticket of the pack, in the
    /// sidecar file (replaced atomically). The pack itself is not touched.
    pub fn add_note(
        &self,
        reviewer: &str,
        reference: &str,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<ReviewNote> {
        let reviewer = reviewer.trim();
        if reviewer.is_empty() || reviewer.chars().count() > 64 {
            return Err(Error::invalid(
                "reviewer",
                "name the reviewer (--as REVIEWER), at most 64 characters",
            ));
        }
        let body = body.trim();
        if body.is_empty() || body.chars().count() > MAX_NOTE_CHARS {
            return Err(Error::invalid(
                "body",
                format!("write the note, at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        let ticket = self.ticket(reference)?;
        let mut notes = self.notes()?;
        let note = ReviewNote {
            id: uuid::Uuid::now_v7().to_string(),
            ticket_id: ticket.id.to_string(),
            ticket_key: ticket.key,
            reviewer: reviewer.to_string(),
            body: body.to_string(),
            written_at: at,
        };
        notes.notes.push(note.clone());
        write_atomically(&self.notes_path(), &serde_json::to_vec_pretty(&notes)?)?;
        Ok(note)
    }

    /// Writes the notes to `out`, for the source desk to import.
    pub fn export_notes(&self, out: &Path) -> Result<ReviewNotes> {
        let notes = self.notes()?;
        write_atomically(out, &serde_json::to_vec_pretty(&notes)?)?;
        Ok(notes)
    }
}

/// A lead's notes on one pack: the sidecar file and the exported file alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewNotes {
    pub format: String,
    pub pack_id: String,
    pub source_desk_id: String,
    pub source_database: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub notes: Vec<ReviewNote>,
}

/// One review note by the lead on a ticket of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewNote {
    /// Unique; an imported note is recognised by it, so it is imported once.
    pub id: String,
    pub ticket_id: String,
    pub ticket_key: String,
    pub reviewer: String,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

impl ReviewNotes {
    /// Reads a notes file, refusing anything else.
    pub fn parse(text: &str, path: &Path) -> Result<ReviewNotes> {
        let notes: ReviewNotes = serde_json::from_str(text).map_err(|error| {
            Error::invalid(
                "notes",
                format!("{} is not a review notes file: {error}", path.display()),
            )
        })?;
        if notes.format != NOTES_FORMAT {
            return Err(Error::invalid(
                "notes",
                format!(
                    "{} is a {} file; this Escalator reads {NOTES_FORMAT}",
                    path.display(),
                    notes.format
                ),
            ));
        }
        Ok(notes)
    }
}

impl ReviewNote {
    /// The internal note recorded on the source ticket. Its last line names
    /// the note's id, which is how a second import recognises it.
    pub fn as_internal_note(&self, pack_id: &str) -> String {
        format!(
            "Review note from {}: {}\n(written {} on review pack {pack_id}; {})",
            self.reviewer,
            self.body,
            self.written_at.format("%Y-%m-%d %H:%M UTC"),
            self.marker()
        )
    }

    /// What identifies the note inside the internal note's text.
    pub fn marker(&self) -> String {
        format!("review note {}", self.id)
    }
}

/// What importing a notes file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NotesImport {
    pub pack_id: String,
    /// The keys of the tickets each imported note went to, in order.
    pub imported: Vec<String>,
    /// Notes already on their ticket from an earlier import.
    pub already_imported: u64,
}

fn day_start(day: NaiveDate) -> String {
    format!("{}T00:00:00.000Z", day.format("%Y-%m-%d"))
}

fn pack_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM pack_info WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Copies every row `select` returns through `insert`, column for column.
fn copy_rows(
    from: &Connection,
    to: &Connection,
    select: &str,
    select_params: impl rusqlite::Params,
    insert: &str,
) -> Result<()> {
    let mut statement = from.prepare(select)?;
    let columns = statement.column_count();
    let mut rows = statement.query(select_params)?;
    let mut insert = to.prepare(insert)?;
    while let Some(row) = rows.next()? {
        let values = (0..columns)
            .map(|index| row.get::<_, Value>(index))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        insert.execute(params_from_iter(values))?;
    }
    Ok(())
}

/// Each attachment the pack's events reference, with the keys of its
/// tickets. Read from the raw payloads, so an altered event cannot hide one.
fn referenced_attachments(conn: &Connection) -> Result<BTreeMap<String, Vec<String>>> {
    let mut statement = conn.prepare(
        "SELECT json_extract(e.payload, '$.sha256'), COALESCE(t.key, e.ticket_id)
         FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id
         WHERE e.kind = 'AttachmentAdded' AND json_valid(e.payload)
         ORDER BY e.position",
    )?;
    let mut referenced: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, Option<String>>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (Some(sha256), key) = row? else { continue };
        let keys = referenced.entry(sha256).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(referenced)
}

fn manifest_of(conn: &Connection) -> Result<Manifest> {
    let streams = conn
        .prepare(
            "SELECT e.ticket_id, COUNT(*),
                    (SELECT h.hash FROM events h WHERE h.ticket_id = e.ticket_id ORDER BY h.seq DESC LIMIT 1)
             FROM events e GROUP BY e.ticket_id ORDER BY e.ticket_id",
        )?
        .query_map([], |row| {
            Ok(ManifestStream {
                ticket_id: row.get(0)?,
                events: row.get::<_, i64>(1)? as u64,
                head_hash: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let attachments = conn
        .prepare("SELECT sha256, length(bytes) FROM pack_attachments ORDER BY sha256")?
        .query_map([], |row| {
            Ok(ManifestAttachment {
                sha256: row.get(0)?,
                size: row.get::<_, i64>(1)? as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Manifest {
        streams,
        attachments,
    })
}

fn verify_pack(conn: &Connection, info: &PackInfo) -> Result<PackVerification> {
    let chain = store::verify(conn)?;
    let referenced = referenced_attachments(conn)?;
    let mut attachment_problems = Vec::new();
    let mut attachments_checked = 0;
    {
        let mut statement =
            conn.prepare("SELECT sha256, bytes FROM pack_attachments ORDER BY sha256")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let sha256: String = row.get(0)?;
            let bytes: Vec<u8> = row.get(1)?;
            attachments_checked += 1;
            if store::hex_digest(&Sha256::digest(&bytes)) != sha256 {
                attachment_problems.push(AttachmentProblem {
                    tickets: referenced.get(&sha256).cloned().unwrap_or_default(),
                    sha256,
                    problem: "the content does not match its SHA-256: the attachment was altered"
                        .into(),
                });
            }
        }
    }
    for (sha256, tickets) in &referenced {
        let present: bool = conn.query_row(
            "SELECT COUNT(*) FROM pack_attachments WHERE sha256 = ?1",
            [sha256],
            |row| row.get::<_, i64>(0),
        )? > 0;
        if !present {
            attachment_problems.push(AttachmentProblem {
                sha256: sha256.clone(),
                tickets: tickets.clone(),
                problem: "missing from the pack".into(),
            });
        }
    }
    let manifest_problems = check_manifest(conn, info)?;
    Ok(PackVerification {
        verified: chain.is_intact()
            && attachment_problems.is_empty()
            && manifest_problems.is_empty(),
        chain,
        attachments_checked,
        attachment_problems,
        manifest_problems,
    })
}

/// The manifest must hash to the info's digest and describe the contents.
fn check_manifest(conn: &Connection, info: &PackInfo) -> Result<Vec<String>> {
    let Some(stored) = pack_value(conn, "manifest")? else {
        return Ok(vec!["the pack has no manifest".into()]);
    };
    let mut problems = Vec::new();
    if store::hex_digest(&Sha256::digest(stored.as_bytes())) != info.manifest_sha256 {
        problems.push("the manifest does not match the digest recorded at export".to_string());
    }
    let Ok(expected) = serde_json::from_str::<Manifest>(&stored) else {
        problems.push("the manifest cannot be read".into());
        return Ok(problems);
    };
    let found = manifest_of(conn)?;
    let key = |ticket_id: &str| -> Result<String> {
        Ok(conn
            .query_row(
                "SELECT key FROM tickets WHERE id = ?1",
                [ticket_id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or_else(|| ticket_id.to_string()))
    };
    let found_streams: BTreeMap<_, _> = found
        .streams
        .iter()
        .map(|stream| (stream.ticket_id.as_str(), stream))
        .collect();
    for stream in &expected.streams {
        match found_streams.get(stream.ticket_id.as_str()) {
            None => problems.push(format!(
                "ticket {} is missing from the pack",
                key(&stream.ticket_id)?
            )),
            Some(found) if found.events != stream.events => problems.push(format!(
                "ticket {} has {} events; {} were exported",
                key(&stream.ticket_id)?,
                found.events,
                stream.events
            )),
            Some(found) if found.head_hash != stream.head_hash => problems.push(format!(
                "ticket {}'s last event is not the one exported",
                key(&stream.ticket_id)?
            )),
            Some(_) => {}
        }
    }
    for stream in &found.streams {
        if !expected
            .streams
            .iter()
            .any(|exported| exported.ticket_id == stream.ticket_id)
        {
            problems.push(format!(
                "ticket {} was not exported in this pack",
                key(&stream.ticket_id)?
            ));
        }
    }
    if expected.attachments != found.attachments {
        problems.push("the pack's attachments are not the ones exported".into());
    }
    Ok(problems)
}
