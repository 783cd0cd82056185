//! The offline review pack (SOP §13): export a period, open it elsewhere
//! read-only with the audit chain verified, detect one tampered byte, and
//! bring the lead's review notes back to the source desk exactly once.

use crate::support::{Fixture, ANA, LEE};
use chrono::{NaiveDate, TimeZone, Utc};
use escalator_core::domain::{Priority, TicketSort};
use escalator_core::review_pack::ReviewPack;
use escalator_core::store::TicketQuery;
use escalator_core::{Command, Desk, ErrorKind};
use std::path::{Path, PathBuf};

const TAMPER_TARGET: &str = "Customer shared the gateway trace privately";

/// Two escalations in March 2026 (one with a known note), one ticket in
/// April, and the March pack exported by the lead.
struct Exported {
    f: Fixture,
    march: Vec<String>,
    april: String,
    pack: PathBuf,
}

fn exported() -> Exported {
    let mut f = Fixture::new();
    let first = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(
        ANA,
        &first,
        Command::AddNote {
            body: TAMPER_TARGET.into(),
        },
    );
    f.clock
        .set(Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap());
    let second = f.escalated("Globex", "Label printer prints blank pages", Priority::P3);
    f.clock
        .set(Utc.with_ymd_and_hms(2026, 4, 3, 9, 0, 0).unwrap());
    let april = f.open("Initech", "Invoices show the wrong VAT", Some(Priority::P3));
    let pack = f.dir.path().join("march.escpack");
    let report = f
        .desk
        .export_review_pack(LEE, day(2026, 3, 1), day(2026, 4, 1), &pack)
        .unwrap();
    assert_eq!(
        (report.info.tickets, report.info.exporter.as_str()),
        (2, LEE)
    );
    assert_eq!(report.info.attachments, 2);
    Exported {
        f,
        march: vec![first, second],
        april,
        pack,
    }
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The pack copied into a fresh directory, as a lead's laptop would get it.
fn carried(pack: &Path) -> (tempfile::TempDir, PathBuf) {
    let laptop = tempfile::tempdir().unwrap();
    let copy = laptop.path().join("review").join("march.escpack");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(pack, &copy).unwrap();
    (laptop, copy)
}

/// Changes one byte of the only occurrence of `needle` in the file.
fn flip_one_byte(path: &Path, needle: &[u8]) {
    let mut bytes = std::fs::read(path).unwrap();
    let found: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(offset, _)| offset)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{:?} occurs once",
        String::from_utf8_lossy(needle)
    );
    let at = found[0] + needle.len() - 3;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_review_pack_opens_in_a_fresh_directory_verified_and_matching_the_source() {
    let e = exported();
    let (_laptop, copy) = carried(&e.pack);
    let pack = ReviewPack::open(&copy).unwrap();

    let verification = pack.verification();
    assert!(verification.verified, "{verification:#?}");
    assert!(verification.chain.breaks.is_empty());
    assert_eq!(verification.chain.streams, 2);
    assert_eq!(verification.attachments_checked, 2);
    assert_eq!(pack.info().source_database, "escalator.db");
    assert_eq!(
        (pack.info().from, pack.info().to),
        (day(2026, 3, 1), day(2026, 4, 1))
    );

    let listed = pack.tickets().unwrap();
    let keys: Vec<&str> = listed.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, e.march, "only the period's tickets, by key");
    let query = TicketQuery {
        sort: Some(TicketSort::Key),
        ..TicketQuery::default()
    };
    let mut source = e.f.desk.tickets(&query, None).unwrap().items;
    source.retain(|t| e.march.contains(&t.key));
    source.reverse();
    assert_eq!(listed, source, "the list reads as on the source desk");
    assert!(
        pack.ticket(&e.april).is_err(),
        "{} is outside the period",
        e.april
    );

    for key in &e.march {
        assert_eq!(pack.history(key).unwrap(), e.f.desk.history(key).unwrap());
        let ticket = pack.ticket(key).unwrap();
        assert_eq!(ticket, e.f.desk.ticket(key).unwrap().ticket);
        assert!(!pack.timeline(key).unwrap().is_empty());
        for attachment in &ticket.attachments {
            let source = e.f.desk.attachment_path(&attachment.sha256).unwrap();
            assert_eq!(
                pack.attachment(&attachment.sha256).unwrap(),
                std::fs::read(source).unwrap(),
                "{key}: {} byte for byte",
                attachment.file_name
            );
        }
    }
}

#[test]
fn one_tampered_byte_in_an_event_payload_is_detected_naming_the_ticket() {
    let e = exported();
    let (_laptop, copy) = carried(&e.pack);
    // The payload as stored: `{"body":"..."}` (the projection's copy has more fields).
    flip_one_byte(
        &copy,
        format!("{{\"body\":\"{TAMPER_TARGET}\"}}").as_bytes(),
    );

    let pack = ReviewPack::open(&copy).expect("a tampered pack still opens, flagged");
    let verification = pack.verification();
    assert!(!verification.verified);
    assert_eq!(verification.chain.breaks.len(), 1, "{verification:#?}");
    let broken = &verification.chain.breaks[0];
    assert_eq!(broken.ticket_key.as_deref(), Some(e.march[0].as_str()));
    assert!(broken.problem.contains("altered"), "{}", broken.problem);
    assert!(verification.attachment_problems.is_empty());
}

#[test]
fn one_tampered_byte_in_an_attachment_is_detected_naming_the_ticket() {
    let e = exported();
    let (_laptop, copy) = carried(&e.pack);
    let log = format!("{}: ERROR 500 POST /checkout", e.march[1]);
    flip_one_byte(&copy, log.as_bytes());

    let pack = ReviewPack::open(&copy).unwrap();
    let verification = pack.verification();
    assert!(!verification.verified);
    assert!(verification.chain.is_intact(), "the events are untouched");
    assert_eq!(
        verification.attachment_problems.len(),
        1,
        "{verification:#?}"
    );
    let problem = &verification.attachment_problems[0];
    assert_eq!(problem.tickets, vec![e.march[1].clone()]);
    assert!(problem.problem.contains("altered"), "{}", problem.problem);
}

#[test]
fn a_review_pack_refuses_writes_and_opening_it_changes_nothing() {
    let e = exported();
    let (laptop, copy) = carried(&e.pack);
    let before = std::fs::read(&copy).unwrap();

    let pack = ReviewPack::open(&copy).unwrap();
    let write = pack
        .connection()
        .execute("INSERT INTO app_state (key, value) VALUES ('x', 'y')", []);
    assert!(write.is_err(), "the pack's connection is read-only");
    pack.add_note("lee", &e.march[0], "Looks fine", Utc::now())
        .unwrap();
    drop(pack);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "notes go beside the pack"
    );

    // Opened as a desk (on another copy), the file itself refuses commands.
    let as_desk = laptop.path().join("as-desk.db");
    std::fs::copy(&copy, &as_desk).unwrap();
    let refused = Desk::open(&as_desk)
        .and_then(|mut desk| desk.execute(LEE, &e.march[0], Command::AddNote { body: "x".into() }));
    let error = refused.expect_err("a pack is not a desk");
    assert!(
        error.to_string().contains("review pack: it is read-only"),
        "{error}"
    );
}

#[test]
fn review_notes_come_back_to_the_source_desk_as_internal_notes_once() {
    let mut e = exported();
    let (laptop, copy) = carried(&e.pack);
    let pack = ReviewPack::open(&copy).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 4, 6, 15, 30, 0).unwrap();
    pack.add_note(
        "lee",
        &e.march[0],
        "Escalated before the HAR file was attached",
        at,
    )
    .unwrap();
    pack.add_note(
        "lee",
        &e.march[1],
        "Good escalation: clear reproduction",
        at,
    )
    .unwrap();
    let notes_file = laptop.path().join("march-notes.json");
    let exported = pack.export_notes(&notes_file).unwrap();
    assert_eq!(exported.notes.len(), 2);
    assert_eq!(exported.pack_id, pack.info().pack_id);

    let before = e.f.desk.ticket(&e.march[0]).unwrap().ticket.notes.len();
    let import = e.f.desk.import_review_notes(LEE, &notes_file).unwrap();
    assert_eq!(import.imported, e.march);
    let notes = e.f.desk.ticket(&e.march[0]).unwrap().ticket.notes;
    assert_eq!(notes.len(), before + 1);
    let imported = &notes.last().unwrap().body;
    assert!(
        imported.starts_with("Review note from lee: Escalated before the HAR file was attached"),
        "{imported}"
    );

    let again = e.f.desk.import_review_notes(LEE, &notes_file).unwrap();
    assert!(again.imported.is_empty());
    assert_eq!(again.already_imported, 2);
    assert_eq!(
        e.f.desk.ticket(&e.march[0]).unwrap().ticket.notes.len(),
        before + 1
    );

    // Notes on another desk's pack are refused, and nothing is written.
    let mut foreign: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&notes_file).unwrap()).unwrap();
    foreign["source_desk_id"] = "0190aaaa-0000-7000-8000-000000000000".into();
    let foreign_file = laptop.path().join("foreign.json");
    std::fs::write(&foreign_file, serde_json::to_vec(&foreign).unwrap()).unwrap();
    let events = e.f.desk.verify().unwrap().events;
    let error =
        e.f.desk
            .import_review_notes(LEE, &foreign_file)
            .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert!(error.to_string().contains("another desk"), "{error}");
    assert_eq!(e.f.desk.verify().unwrap().events, events);
}

#[test]
fn only_a_lead_exports_a_period_that_ends_after_it_starts_to_a_new_file() {
    let mut e = exported();
    let other = e.f.dir.path().join("other.escpack");
    let error =
        e.f.desk
            .export_review_pack(ANA, day(2026, 3, 1), day(2026, 4, 1), &other)
            .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden, "{error}");
    let error =
        e.f.desk
            .export_review_pack(LEE, day(2026, 4, 1), day(2026, 3, 1), &other)
            .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    let error =
        e.f.desk
            .export_review_pack(LEE, day(2026, 3, 1), day(2026, 4, 1), &e.pack)
            .unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error}");
    assert!(!other.exists());
}

#[test]
fn a_stream_cut_short_verifies_as_a_chain_but_not_against_the_manifest() {
    let e = exported();
    let (_laptop, copy) = carried(&e.pack);
    {
        // A tamperer removes a ticket's last event with plain SQL: what is
        // left still chains from genesis, so only the manifest can tell.
        let store = escalator_core::store::Store::open(&copy).unwrap();
        let conn = store.read();
        conn.execute_batch(
            "DROP TRIGGER events_are_never_deleted;
             DELETE FROM events WHERE position = (SELECT MAX(position) FROM events);",
        )
        .unwrap();
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "DELETE", |row| row.get(0))
            .unwrap();
    }
    let exported = e.f.desk.history(&e.march[1]).unwrap().len();
    let pack = ReviewPack::open(&copy).unwrap();
    let verification = pack.verification();
    assert!(verification.chain.is_intact());
    assert!(!verification.verified);
    assert_eq!(
        verification.manifest_problems,
        vec![format!(
            "ticket {} has {} events; {exported} were exported",
            e.march[1],
            exported - 1
        )]
    );
}
