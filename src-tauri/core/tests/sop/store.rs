//! The store: hash chain, tamper detection, schema guard, rebuild,
//! optimistic concurrency and attachments, on a real database file.

use crate::support::*;
use escalator_core::desk::Desk;
use escalator_core::domain::{AttachmentKind, Priority};
use escalator_core::{Command, DeskConfig, Error, ErrorKind};
use rusqlite::Connection;

/// Every projection row, as text, to compare before and after.
pub fn projection_snapshot(conn: &Connection) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT t.id || '|' || t.key || '|' || t.status || '|' || t.level || '|' || COALESCE(t.team, '') || '|' || COALESCE(t.assignee_id, '') || '|' || t.updated_at || '|' || s.state
         FROM tickets t JOIN ticket_state s ON s.id = t.id ORDER BY t.number",
        "SELECT rowid || '|' || summary FROM ticket_search ORDER BY rowid",
    ] {
        let mut statement = conn.prepare(sql).unwrap();
        rows.extend(statement.query_map([], |row| row.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    rows
}

#[test]
fn events_chain_their_hashes_from_genesis() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let events = f.desk.history(&key).unwrap();
    assert_eq!(events[0].prev_hash, escalator_core::store::GENESIS_HASH);
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    let report = f.desk.verify().unwrap();
    assert!(report.is_intact());
    assert_eq!((report.streams, report.events), (1, events.len() as u64));
}

#[test]
fn editing_one_event_row_is_reported_by_verify_with_ticket_and_seq() {
    let mut f = Fixture::new();
    f.escalated("Globex", "Label printer jams", Priority::P3);
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let id = f.desk.ticket(&key).unwrap().ticket.id;
    let path = f.db_path();
    drop(f.desk);

    let conn = Connection::open(&path).unwrap();
    // The log refuses edits outright…
    let refused = conn.execute(
        "UPDATE events SET payload = '{}' WHERE ticket_id = ?1 AND seq = 3",
        [id.to_string()],
    );
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // …so a tamperer must first remove the guard; the chain still gives them away.
    conn.execute_batch("DROP TRIGGER events_are_never_updated")
        .unwrap();
    let changed = conn
        .execute(
            "UPDATE events SET payload = replace(payload, 'Cleared the cache', 'Reinstalled the app') WHERE ticket_id = ?1 AND seq = 3",
            [id.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(conn);

    let desk = Desk::open(&path).unwrap();
    let report = desk.verify().unwrap();
    assert_eq!(report.breaks.len(), 1, "{report:?}");
    let broken = &report.breaks[0];
    assert_eq!(
        (
            broken.ticket_key.as_deref(),
            broken.ticket_id.as_str(),
            broken.seq
        ),
        (Some(key.as_str()), id.to_string().as_str(), 3)
    );
    assert!(broken.problem.contains("altered"), "{}", broken.problem);
}

#[test]
fn a_database_from_a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    Desk::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);

    let error = Desk::open(&path).err().expect("refused");
    assert!(
        matches!(
            error,
            Error::SchemaTooNew {
                found: 99,
                supported: escalator_core::store::SCHEMA_VERSION
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), ErrorKind::Storage);
    assert!(error.to_string().contains("newer Escalator"), "{error}");
    let version: i64 = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn another_apps_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 42).unwrap();
    drop(conn);
    let error = Desk::open(&path).err().expect("refused");
    assert!(
        error.to_string().contains("not an Escalator database"),
        "{error}"
    );
}

#[test]
fn a_failed_migration_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clash.db");
    // A table in the way makes schema 1 fail half-way through.
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE tickets (x)")
        .unwrap();
    assert!(Desk::open(&path).is_err());
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let users: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!((version, users), (0, 0));
}

#[test]
fn projections_rebuilt_from_the_log_are_identical() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P1);
    f.run(
        ANA,
        &key,
        Command::ValidateFix {
            works: true,
            note: String::new(),
        },
    );
    f.escalated("Globex", "Label printer jams", Priority::P3);
    let refused = f.open("Initech", "TPS report crashes", Some(Priority::P2));
    f.refuse(ANA, &refused, escalate(software(Priority::P2)));
    let before = projection_snapshot(f.desk.connection());
    let refusals_before: i64 = f
        .desk
        .connection()
        .query_row("SELECT COUNT(*) FROM escalation_refusals", [], |r| r.get(0))
        .unwrap();

    let report = f.desk.rebuild_projections().unwrap();
    assert_eq!(report.tickets, 3);
    assert_eq!(projection_snapshot(f.desk.connection()), before);
    let refusals_after: i64 = f
        .desk
        .connection()
        .query_row("SELECT COUNT(*) FROM escalation_refusals", [], |r| r.get(0))
        .unwrap();
    assert_eq!((refusals_before, refusals_after), (1, 1));
}

#[test]
fn a_stale_writer_gets_a_conflict_and_writes_nothing() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let seen = f.desk.ticket(&key).unwrap().version;
    // A second desk on the same file (another window, the CLI) acts first.
    let mut other = Desk::open(f.db_path()).unwrap();
    other.execute(SAM, &key, Command::Acknowledge {}).unwrap();

    let error = f
        .desk
        .execute_at(
            ANA,
            &key,
            Command::AddNote {
                body: "late".into(),
            },
            seen,
        )
        .unwrap_err();
    assert!(
        matches!(error, Error::Conflict { expected, found, .. } if expected == seen && found == seen + 1),
        "{error:?}"
    );
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(f.desk.ticket(&key).unwrap().version, seen + 1);
    f.desk
        .execute_at(ANA, &key, Command::AddNote { body: "now".into() }, seen + 1)
        .unwrap();
}

#[test]
fn attachments_are_content_addressed_in_the_data_directory() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    let log = f.file("server.log", b"ERROR 500 POST /checkout");
    let outcome = f
        .desk
        .attach_file(ANA, &key, &log, AttachmentKind::Log)
        .unwrap();
    let attachment = &outcome.ticket.attachments[0];
    // sha256sum of the bytes above, computed outside Escalator.
    assert_eq!(
        attachment.sha256,
        "5b6469df644b24a57ad5e2ff8985ba02d53fb44584e719c6a3f80ba471bfa5a9"
    );
    let stored = f.desk.attachment_path(&attachment.sha256).unwrap();
    assert!(stored.starts_with(f.dir.path().join("attachments")));
    assert_eq!(std::fs::read(&stored).unwrap(), b"ERROR 500 POST /checkout");
    assert_eq!(
        (attachment.file_name.as_str(), attachment.size),
        ("server.log", 24)
    );
    // Same content again: one stored file.
    let copy = f.file("copy.log", b"ERROR 500 POST /checkout");
    let second = f
        .desk
        .attach_file(ANA, &key, &copy, AttachmentKind::Log)
        .unwrap();
    assert_eq!(second.ticket.attachments[1].sha256, attachment.sha256);
    let files = std::fs::read_dir(stored.parent().unwrap()).unwrap().count();
    assert_eq!(files, 1);
}

#[test]
fn an_oversized_attachment_is_refused_and_nothing_is_written() {
    let mut f = Fixture::with_config(DeskConfig {
        max_attachment_bytes: 1024,
        ..DeskConfig::default()
    });
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    let big = f.file("huge.log", &vec![b'x'; 4096]);
    let version = f.desk.ticket(&key).unwrap().version;
    let error = f
        .desk
        .attach_file(ANA, &key, &big, AttachmentKind::Log)
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { field, message } if field == "attachment" && message.contains("limited to 1.0 KiB")),
        "{error:?}"
    );
    assert_eq!(f.desk.ticket(&key).unwrap().version, version);
    assert_eq!(stored_files(&f), 0);
}

#[test]
fn a_refused_attachment_leaves_no_file_behind() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    let log = f.file("server.log", b"ERROR 500");
    let error = f
        .desk
        .attach_file(BOB, &key, &log, AttachmentKind::Log)
        .unwrap_err();
    assert_rule(&error, "SOP-9-owner", "§9");
    assert_eq!(stored_files(&f), 0);
}

#[test]
fn attachment_addresses_cannot_traverse_paths_or_name_missing_files() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    assert!(matches!(
        f.desk.attachment_path("../../etc/passwd"),
        Err(Error::InvalidInput { .. })
    ));
    let forged = Command::AddAttachment {
        sha256: "a".repeat(64),
        file_name: "x.log".into(),
        kind: AttachmentKind::Log,
        size: 1,
    };
    assert_eq!(
        f.desk.execute(ANA, &key, forged).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

fn stored_files(f: &Fixture) -> usize {
    walk(&f.dir.path().join("attachments"))
}

fn walk(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk(&p) } else { 1 })
        .sum()
}
