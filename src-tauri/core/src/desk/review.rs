//! SOP §13: the monthly report and the offline review pack.

use super::{active_user, Desk};
use crate::commands::Command;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::store;
use std::path::Path;

const DESK_ID: &str = "desk.id";
/// Followed by a pack id: the info of a review pack this desk exported.
const REVIEW_PACK_PREFIX: &str = "review_pack.";

impl Desk {
    /// The SOP §13 review of `month` (a UTC month), as of now; see [`crate::report`].
    pub fn monthly_report(
        &self,
        month: crate::report::ReportMonth,
    ) -> Result<crate::report::MonthlyReport> {
        let now = self.clock.now();
        crate::report::MonthlyReport::load(self.store.read(), month, &self.sla, now)
    }

    // ---- review packs (SOP §13) -------------------------------------------

    /// This desk's identity, made on first use: review packs carry it, and
    /// review notes are imported only into the desk that exported them.
    pub fn desk_id(&mut self) -> Result<String> {
        self.store.write(|tx| match store::get_state(tx, DESK_ID)? {
            Some(id) => Ok(id),
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                store::set_state(tx, DESK_ID, &id)?;
                Ok(id)
            }
        })
    }

    /// Writes the review pack of `[from, to)` (UTC days) to `out`: every
    /// ticket with an event in the period, whole, with its attachments (see
    /// [`crate::review_pack`]). An L3 lead's export: the pack holds internal
    /// notes. Refuses an existing `out`.
    pub fn export_review_pack(
        &mut self,
        actor: &str,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        out: &Path,
    ) -> Result<crate::review_pack::PackReport> {
        let exporter = active_user(self.store.read(), actor)?;
        if exporter.role != Role::L3Lead {
            return Err(Error::Rejected(vec![crate::Rule::Role.violation_with(
                "Only an L3 lead exports a review pack for the SOP §13 review",
            )]));
        }
        let desk_id = self.desk_id()?;
        let info = crate::review_pack::PackInfo {
            format: crate::review_pack::PACK_FORMAT.to_string(),
            pack_id: uuid::Uuid::now_v7().to_string(),
            source_desk_id: desk_id,
            source_database: self
                .database_path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            from,
            to,
            exported_at: self.clock.now(),
            exporter: exporter.handle,
            tickets: 0,
            events: 0,
            attachments: 0,
            manifest_sha256: String::new(),
        };
        let attachments = &self.attachments;
        let report = crate::review_pack::export(
            self.store.read(),
            |sha256| {
                let path = attachments.path_of(sha256)?;
                std::fs::read(&path).map_err(|error| {
                    Error::invalid(
                        "attachment",
                        format!(
                            "cannot read attachment {sha256} ({}): {error}",
                            path.display()
                        ),
                    )
                })
            },
            info,
            out,
        )?;
        let key = format!("{REVIEW_PACK_PREFIX}{}", report.info.pack_id);
        let info = serde_json::to_string(&report.info)?;
        self.store.write(|tx| store::set_state(tx, &key, &info))?;
        Ok(report)
    }

    /// Records a lead's review notes (a file from `review-pack export-notes`)
    /// as internal notes by `actor` on the original tickets. Refuses notes on
    /// a pack this desk did not export; a note already imported is skipped.
    pub fn import_review_notes(
        &mut self,
        actor: &str,
        path: &Path,
    ) -> Result<crate::review_pack::NotesImport> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            Error::invalid("notes", format!("cannot read {}: {error}", path.display()))
        })?;
        let notes = crate::review_pack::ReviewNotes::parse(&text, path)?;
        let conn = self.store.read();
        active_user(conn, actor)?;
        let ours = store::get_state(conn, DESK_ID)?;
        let exported = store::get_state(conn, &format!("{REVIEW_PACK_PREFIX}{}", notes.pack_id))?;
        if ours.as_deref() != Some(notes.source_desk_id.as_str()) || exported.is_none() {
            return Err(Error::invalid(
                "notes",
                format!(
                    "these notes are on review pack {} of another desk ({}); import them there",
                    notes.pack_id, notes.source_database
                ),
            ));
        }
        let mut targets = Vec::with_capacity(notes.notes.len());
        for note in &notes.notes {
            let id = store::find_ticket_id(conn, &note.ticket_id)?;
            let ticket = store::load_ticket(conn, id)?;
            if ticket.key != note.ticket_key {
                return Err(Error::invalid(
                    "notes",
                    format!(
                        "note {} names {} but that ticket is {} here",
                        note.id, note.ticket_key, ticket.key
                    ),
                ));
            }
            let already = ticket
                .notes
                .iter()
                .any(|existing| existing.body.contains(&note.marker()));
            targets.push((ticket.key, already));
        }
        let mut import = crate::review_pack::NotesImport {
            pack_id: notes.pack_id.clone(),
            imported: Vec::new(),
            already_imported: 0,
        };
        for (note, (key, already)) in notes.notes.iter().zip(targets) {
            if already {
                import.already_imported += 1;
                continue;
            }
            let body = note.as_internal_note(&notes.pack_id);
            self.execute(actor, &key, Command::AddNote { body })?;
            import.imported.push(key);
        }
        Ok(import)
    }
}
