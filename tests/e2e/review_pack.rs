//! SOP §13 offline review in the real window: a lead with no profile opens a
//! review pack from the first-run screen, sees it verified, reads a ticket's
//! timeline, writes a review note and exports the notes, which the source
//! desk then imports. A copy of the pack with one flipped byte opens "not
//! verified", naming the ticket.
//!
//! The pack is typed into the path field, as a lead pasting it would; the
//! OS save dialog is outside the webview, where WebDriver cannot reach, so
//! the notes are exported through the `export_review_notes` command that the
//! dialog's answer feeds (as the flows attach files through `attach_files`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Duration, Utc};
use escalator_core::domain::TicketSort;
use escalator_core::review_pack::{ReviewNotes, ReviewPack};
use escalator_core::store::TicketQuery;
use escalator_core::{Command, Desk};
use serde_json::json;

use crate::flows::{click_for, content, invoke};
use crate::harness::{AppWindow, WAIT};

/// A note written on the source desk before the export: its payload is the
/// one place in the pack where these bytes occur, so flipping one of them
/// alters exactly one event.
const MARKER: &str = "Customer shared the gateway trace privately";

/// What the source desk exported, in the sandbox beside its database.
struct Packs {
    good: PathBuf,
    tampered: PathBuf,
    /// The ticket whose note the tampered copy alters.
    target: String,
}

/// The demo desk, a marked note on its first ticket (the lowest key), the
/// lead's export of the last 60 days, and a copy of it with one byte of that
/// note flipped.
fn export_packs(database: &Path) -> Packs {
    let mut desk = Desk::open(database).expect("the source desk");
    desk.load_demo().expect("the demo desk");
    let query = TicketQuery {
        sort: Some(TicketSort::Key),
        ..TicketQuery::default()
    };
    // Sorted by key, newest first: the last is the first ticket.
    let target = desk
        .tickets(&query, None)
        .expect("the tickets")
        .items
        .last()
        .expect("demo tickets")
        .key
        .clone();
    desk.execute(
        "lee",
        &target,
        Command::AddNote {
            body: MARKER.into(),
        },
    )
    .expect("the marked note");
    let today = Utc::now().date_naive();
    let dir = database.parent().expect("the sandbox");
    let good = dir.join("review.escpack");
    desk.export_review_pack(
        "lee",
        today - Duration::days(60),
        today + Duration::days(1),
        &good,
    )
    .expect("the lead exports the pack");
    let tampered = dir.join("tampered.escpack");
    std::fs::copy(&good, &tampered).expect("a copy of the pack");
    flip_one_byte(&tampered, format!("{{\"body\":\"{MARKER}\"}}").as_bytes());
    Packs {
        good,
        tampered,
        target,
    }
}

/// Changes one byte of the only occurrence of `needle` in the file.
fn flip_one_byte(path: &Path, needle: &[u8]) {
    let mut bytes = std::fs::read(path).expect("the pack's bytes");
    let found: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(offset, _)| offset)
        .collect();
    assert_eq!(found.len(), 1, "the marked note's payload occurs once");
    let at = found[0] + needle.len() - 3;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(path, bytes).expect("the tampered pack");
}

/// Types `path` into the open screen's path field and opens it.
fn open_pack(window: &AppWindow, path: &Path) {
    window.replace_text("#pack-path", &path.display().to_string());
    window.click("#open-pack-path");
}

#[test]
fn a_lead_opens_a_review_pack_without_a_profile_notes_it_and_sees_tampering() {
    let started = Instant::now();
    let mut packs = None;
    let window = AppWindow::launch_with(|database| packs = Some(export_packs(database)));
    let Packs {
        good,
        tampered,
        target,
    } = packs.expect("the packs were exported");
    let expected = ReviewPack::open(&good).expect("the pack opens here too");
    assert!(expected.is_verified());
    let timeline = expected.timeline(&target).expect("the timeline");

    // The first-run screen: nobody is signed in, and none is needed.
    click_for(&window, "#open-review-pack", "#pack-path");
    assert_eq!(window.count("#profile-menu"), 0, "no profile is signed in");
    window.screenshot("review-pack-open");

    // Something that is not a pack is refused, naming why.
    open_pack(&window, &window.database());
    let refused = window.wait_for_text("#pack-error", "not an Escalator review pack", WAIT);
    assert!(refused.contains("validation"), "{refused}");

    open_pack(&window, &good);
    let banner = window.wait_for_text("#pack-verification[data-verified='true']", "Verified", WAIT);
    let info = expected.info();
    assert!(
        banner.contains(&format!(
            "{} events in {} tickets",
            info.events, info.tickets
        )),
        "{banner}"
    );
    assert_eq!(content(&window, "#pack-digest"), info.manifest_sha256);
    assert_eq!(window.count(".pack-row"), info.tickets as usize);
    assert_eq!(window.count(".pack-row.flagged"), 0);

    // The marked ticket's timeline, read from the pack's event log.
    window.click(&format!(".pack-row[data-key='{target}']"));
    let ticket = format!(".pack-ticket[data-key='{target}']");
    window.wait_for(&format!("{ticket} .timeline li"), WAIT);
    assert_eq!(
        window.count(&format!("{ticket} .timeline li")),
        timeline.len()
    );
    let note = window.text(&format!(
        "{ticket} .timeline li[data-kind='NoteAdded']:first-child"
    ));
    assert!(note.contains(MARKER), "{note}");

    // A review note, kept beside the pack.
    let body = "Escalated before the HAR file was attached; remind L1 of §6 Step 2.";
    window.replace_text("#reviewer", "lee");
    window.type_text("#review-note-body", body);
    click_for(&window, "#add-review-note:not(:disabled)", ".review-note");
    assert!(window.text(".review-note").contains(body));
    window.wait_for_text("#pack-notes-total", "1 review note", WAIT);
    window.wait_for_text(
        &format!(".pack-row[data-key='{target}'] .notes-count"),
        "1",
        WAIT,
    );
    let sidecar = expected.notes_path();
    let kept = std::fs::read_to_string(&sidecar).expect("the notes beside the pack");
    assert!(kept.contains(body), "{kept}");
    window.wait_until_gone(".toast", std::time::Duration::from_secs(10));
    window.screenshot("review-pack");

    // Export: the dialog's answer goes to the command behind the button.
    window.wait_for("#export-review-notes:not(:disabled)", WAIT);
    let out = window.sandbox_dir().join("review-notes.json");
    let exported = invoke(&window, "export_review_notes", json!({ "path": out }));
    assert_eq!(exported["notes"].as_array().map(Vec::len), Some(1));
    let notes: ReviewNotes =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("the exported notes"))
            .expect("a review notes file");
    assert_eq!(notes.format, "escalator-review-notes/1");
    assert_eq!(notes.pack_id, info.pack_id);
    assert_eq!(notes.notes.len(), 1);
    let (note, reviewer) = (&notes.notes[0], notes.notes[0].reviewer.as_str());
    assert_eq!(
        (note.ticket_key.as_str(), reviewer),
        (target.as_str(), "lee")
    );
    assert_eq!(note.body, body);
    let refused = window
        .invoke("export_review_notes", json!({ "path": good }))
        .expect_err("the pack itself is not overwritten");
    assert_eq!(refused["kind"], "validation", "{refused}");

    // The source desk takes the notes back as an internal note, once.
    let mut desk = Desk::open(window.database()).expect("the source desk");
    let import = desk
        .import_review_notes("lee", &out)
        .expect("the desk imports the notes");
    assert_eq!(import.imported, vec![target.clone()]);
    let last = desk.ticket(&target).expect("the ticket").ticket.notes;
    let last = &last.last().expect("the imported note").body;
    assert!(
        last.starts_with(&format!("Review note from lee: {body}")),
        "{last}"
    );

    // A copy with one flipped byte: not verified, naming the ticket.
    window.click("#open-another-pack");
    open_pack(&window, &tampered);
    let banner = window.wait_for_text(
        "#pack-verification[data-verified='false']",
        "Not verified",
        WAIT,
    );
    assert!(banner.contains(&target), "{banner}");
    window.wait_for(
        &format!(".pack-problem[data-tickets='{target}'] .ticket-link"),
        WAIT,
    );
    window.wait_for(&format!(".pack-row.flagged[data-key='{target}']"), WAIT);
    assert_eq!(window.count(".pack-row.flagged"), 1);
    let problems =
        window.wait_for_text(&format!("{ticket} #pack-ticket-problems"), "altered", WAIT);
    assert!(problems.contains("event #"), "{problems}");
    window.screenshot("review-pack-tampered");

    // From the workspace, the sidebar opens it too.
    window.click(".dialog .close");
    window.wait_until_gone(".dialog", WAIT);
    window.click(".person[data-handle='lee']");
    window.wait_for("#profile-menu", WAIT);
    click_for(&window, "#open-review-pack", "#pack-path");
    window.click(".dialog .close");
    window.wait_until_gone(".dialog", WAIT);

    // The desk's side, in the app: an L3 lead exports this month's pack
    // from the monthly review, and importing the same notes again adds none.
    click_for(&window, "#open-review", "#export-review-pack");
    window.wait_for("#import-review-notes:not(:disabled)", WAIT);
    let month = Utc::now().format("%Y-%m").to_string();
    let monthly = window.sandbox_dir().join("monthly.escpack");
    let exported = invoke(
        &window,
        "export_review_pack",
        json!({ "month": month, "path": monthly }),
    );
    let pack = ReviewPack::open(&monthly).expect("the exported pack opens");
    assert!(pack.is_verified(), "{:?}", pack.verification());
    assert_eq!(exported["pack_id"], pack.info().pack_id.as_str());
    assert_eq!(exported["from"], format!("{month}-01"));
    let again = invoke(&window, "import_review_notes", json!({ "path": out }));
    assert_eq!(again["imported"], json!([]), "{again}");
    assert_eq!(again["already_imported"], 1, "{again}");
    eprintln!(
        "e2e: review pack test took {:.1}s",
        started.elapsed().as_secs_f64()
    );
}
