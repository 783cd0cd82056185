//! The SOP §13 offline review in the window: a lead opens a review pack
//! (`.escpack`), sees whether it verified, reads its tickets and timelines,
//! writes review notes and exports them for the source desk to import.
//!
//! A pack is not a desk. It needs no profile and no database of this app's
//! own, so it lives in its own managed state ([`OpenPack`]) beside the desk
//! and works even when the desk could not be opened. Everything it shows and
//! writes comes from [`escalator_core::review_pack::ReviewPack`]; these
//! commands only hold the open pack and map errors.

use crate::error::AppError;
use escalator_core::domain::{Ticket, User};
use escalator_core::review_pack::{
    PackInfo, PackVerification, ReviewNote, ReviewNotes, ReviewPack,
};
use escalator_core::store::TicketSummary;
use escalator_core::timeline::TimelineEntry;
use escalator_core::Error;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use tauri::State;
use ts_rs::TS;

type Answer<T> = Result<T, AppError>;

/// The review pack open in this window, if any. Opening another replaces
/// it; closing the review drops it, which releases the file.
#[derive(Default)]
pub struct OpenPack(Mutex<Option<ReviewPack>>);

impl OpenPack {
    /// The open pack, held for one command. A panic while it was held
    /// leaves nothing half-done: the pack is read-only and notes are
    /// replaced atomically.
    fn lock(&self) -> MutexGuard<'_, Option<ReviewPack>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs `read` on the open pack, or refuses when none is open.
fn with_pack<T>(
    state: &OpenPack,
    read: impl FnOnce(&ReviewPack) -> escalator_core::Result<T>,
) -> Answer<T> {
    let guard = state.lock();
    let pack = guard
        .as_ref()
        .ok_or_else(|| Error::invalid("pack", "open a review pack first"))?;
    Ok(read(pack)?)
}

/// What the review screen shows of a pack once it is open.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackView {
    /// The pack file, as opened.
    pub path: String,
    pub info: PackInfo,
    /// Every check made on opening; `verified` is false if any failed.
    pub verification: PackVerification,
    /// Every ticket in the pack, by key.
    pub tickets: Vec<TicketSummary>,
    /// The people of the source desk, to name owners and assignees.
    pub users: Vec<User>,
    /// The review notes written on this pack so far, oldest first.
    pub notes: Vec<ReviewNote>,
    /// The sidecar file the notes are kept in, beside the pack.
    pub notes_path: String,
    /// Why the notes could not be read (a sidecar of another pack), if so.
    pub notes_problem: Option<String>,
}

impl PackView {
    fn of(pack: &ReviewPack) -> escalator_core::Result<PackView> {
        let (notes, notes_problem) = match pack.notes() {
            Ok(notes) => (notes.notes, None),
            Err(problem) => (Vec::new(), Some(problem.to_string())),
        };
        Ok(PackView {
            path: pack.path().display().to_string(),
            info: pack.info().clone(),
            verification: pack.verification().clone(),
            tickets: pack.tickets()?,
            users: pack.users()?,
            notes,
            notes_path: pack.notes_path().display().to_string(),
            notes_problem,
        })
    }
}

/// One ticket of the pack, as projected there, and its history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackTicket {
    pub ticket: Ticket,
    /// The ticket's events told for people, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// Opens the pack at `path` read-only and verifies it. A tampered pack
/// opens with its problems listed; a file that is not a pack is refused
/// (field `pack`), and the pack open before, if any, stays open.
#[tauri::command(async)]
pub fn open_review_pack(state: State<'_, OpenPack>, path: PathBuf) -> Answer<PackView> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid("path", "choose the review pack file (.escpack)").into());
    }
    let pack = ReviewPack::open(&path)?;
    let view = PackView::of(&pack)?;
    *state.lock() = Some(pack);
    Ok(view)
}

/// One ticket of the open pack (`ESC-12`, `12` or its id) with its timeline.
#[tauri::command(async)]
pub fn review_pack_ticket(state: State<'_, OpenPack>, ticket: String) -> Answer<PackTicket> {
    with_pack(&state, |pack| {
        Ok(PackTicket {
            ticket: pack.ticket(&ticket)?,
            timeline: pack.timeline(&ticket)?,
        })
    })
}

/// Writes a review note by `reviewer` on a ticket of the open pack, in the
/// sidecar file beside it; the pack itself is never written.
#[tauri::command(async)]
pub fn add_review_note(
    state: State<'_, OpenPack>,
    ticket: String,
    reviewer: String,
    body: String,
) -> Answer<ReviewNote> {
    with_pack(&state, |pack| {
        pack.add_note(&reviewer, &ticket, &body, chrono::Utc::now())
    })
}

/// Writes the open pack's review notes to `path` (from the save dialog) for
/// the source desk's `import-review-notes`. Refuses to write over the pack.
#[tauri::command(async)]
pub fn export_review_notes(state: State<'_, OpenPack>, path: PathBuf) -> Answer<ReviewNotes> {
    with_pack(&state, |pack| {
        if path.as_os_str().is_empty() {
            return Err(Error::invalid("path", "choose where to save the notes"));
        }
        if same_file(&path, pack.path()) {
            return Err(Error::invalid(
                "path",
                "that is the review pack itself; choose another file for the notes",
            ));
        }
        pack.export_notes(&path)
    })
}

/// Closes the open pack, if any, releasing its file.
#[tauri::command(async)]
pub fn close_review_pack(state: State<'_, OpenPack>) {
    state.lock().take();
}

/// Whether `a` and `b` name the same file (an existing file by its
/// canonical path, otherwise by the path as written).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::{same_file, with_pack, OpenPack};
    use escalator_core::ErrorKind;

    #[test]
    fn every_pack_command_is_refused_until_a_pack_is_open() {
        let error = with_pack(&OpenPack::default(), |_| Ok(())).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Validation);
        assert_eq!(error.message, "invalid pack: open a review pack first");
    }

    #[test]
    fn the_pack_itself_is_recognised_through_another_spelling_of_its_path() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let pack = dir.path().join("march.escpack");
        std::fs::write(&pack, b"pack").expect("a file");
        let roundabout = dir.path().join(".").join("march.escpack");
        assert!(same_file(&roundabout, &pack));
        assert!(!same_file(&dir.path().join("march-notes.json"), &pack));
    }
}
