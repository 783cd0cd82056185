//! Printing results: readable text for people, JSON for scripts (`--json`).
//!
//! With `--json` everything goes to stdout as one JSON document, errors too
//! (`{"error": {"kind", "message", "violations"}}`), so a script parses one
//! stream and branches on `kind` and the exit code.

use escalator_core::desk::{Outcome, SlaSweep, TicketView};
use escalator_core::domain::{Ticket, User, UserId};
use escalator_core::review_pack::{NotesImport, PackReport, ReviewNote, ReviewNotes, ReviewPack};
use escalator_core::rules::SimilarEscalation;
use escalator_core::sla::{ClockView, SlaConfig};
use escalator_core::store::{RebuildReport, TicketSummary, VerifyReport};
use escalator_core::{Desk, Error, Event};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// `println!` that ends the process quietly when stdout is closed (as when
/// piped into `head`), instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to stdout: {error}");
            std::process::exit(6);
        }
    }};
}

pub struct Printer {
    json: bool,
}

impl Printer {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    fn emit(&self, value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => say!("{text}"),
            Err(error) => eprintln!("error: cannot print JSON: {error}"),
        }
    }

    pub fn error(&self, error: &Error) {
        if self.json {
            self.emit(&json!({ "error": {
                "kind": error.kind(),
                "message": error.to_string(),
                "violations": error.violations(),
            }}));
            return;
        }
        let kind = serde_json::to_value(error.kind())
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if error.violations().is_empty() {
            eprintln!("error [{kind}]: {error}");
        } else {
            eprintln!(
                "refused [{kind}]: {} SOP violation(s)",
                error.violations().len()
            );
            for v in error.violations() {
                eprintln!(
                    "  {:<34} {:<11} {:<24} {}",
                    v.rule, v.clause, v.field, v.message
                );
            }
        }
    }

    pub fn usage_error(&self, message: &str) {
        self.emit(&json!({ "error": { "kind": "validation", "message": message.trim(), "violations": [] } }));
    }

    pub fn user(&self, user: &User) {
        if self.json {
            return self.emit(user);
        }
        say!("{}", user_line(user));
    }

    pub fn users(&self, users: &[User]) {
        if self.json {
            return self.emit(&users);
        }
        for user in users {
            say!("{}", user_line(user));
        }
    }

    pub fn outcome(&self, desk: &Desk, outcome: &Outcome) -> Result<(), Error> {
        if self.json {
            self.emit(outcome);
            return Ok(());
        }
        let names = names(desk)?;
        for event in &outcome.events {
            say!("{}", event_line(event, &names));
        }
        let ticket = &outcome.ticket;
        say!(
            "{}: {} ({})",
            ticket.key,
            ticket.status.label(),
            ticket.level.code().to_uppercase()
        );
        Ok(())
    }

    pub fn ticket(&self, desk: &Desk, view: &TicketView) -> Result<(), Error> {
        if self.json {
            self.emit(view);
            return Ok(());
        }
        let names = names(desk)?;
        let name = |id: &UserId| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        let t: &Ticket = &view.ticket;
        let d = &t.documentation;
        let or_dash = |s: &str| {
            if s.trim().is_empty() {
                "—".to_string()
            } else {
                s.to_string()
            }
        };
        say!("{}  {}", t.key, d.summary);
        say!(
            "  status       {} ({}), version {}",
            t.status.label(),
            t.level.code().to_uppercase(),
            view.version
        );
        say!(
            "  customer     {}{}",
            t.customer,
            t.customer_contact
                .as_deref()
                .map(|c| format!(" <{c}>"))
                .unwrap_or_default()
        );
        say!(
            "  priority     {}",
            t.priority.map_or("untriaged", |p| p.label())
        );
        say!("  owner        {}", name(&t.owner));
        say!("  team         {}", t.team.map_or("—", |team| team.label()));
        say!(
            "  assignee     {}",
            t.assignee.as_ref().map_or("—".to_string(), name)
        );
        say!("  product      {}", or_dash(&d.product));
        say!("  impact       {}", or_dash(&d.impact));
        say!("  environment  {}", or_dash(&d.environment));
        say!("  steps        {}", or_dash(&d.steps_to_reproduce));
        for step in &t.troubleshooting {
            say!(
                "  tried        {} → {}",
                step.action,
                or_dash(&step.outcome)
            );
        }
        for file in &t.attachments {
            say!(
                "  attachment   {} ({}, {} bytes, sha256 {})",
                file.file_name,
                file.kind.label(),
                file.size,
                &file.sha256[..12]
            );
        }
        if let Some(e) = &t.escalation {
            let criteria: Vec<&str> = e.criteria.iter().map(|c| c.code()).collect();
            let reasons: Vec<&str> = e.reasons.iter().map(|r| r.code()).collect();
            say!(
                "  escalation   {} by {} at {}; SLA {}",
                e.escalation_type.label(),
                name(&e.by),
                e.at,
                e.sla_policy
            );
            say!("  criteria     {}", criteria.join(", "));
            say!("  reasons      {}", reasons.join(", "));
        }
        if let Some(m) = &t.management {
            let manager = m
                .manager
                .as_ref()
                .map_or("not yet taken".to_string(), |id| {
                    format!("taken by {}", name(id))
                });
            say!(
                "  management   raised by {} ({manager})",
                name(&m.raised_by)
            );
        }
        for x in &t.exceptions {
            let approver = x
                .approved_by
                .as_ref()
                .map_or("no approval needed".to_string(), |id| {
                    format!("approved by {}", name(id))
                });
            say!(
                "  exception    {} — {} ({approver})",
                x.kind.label(),
                x.reason
            );
        }
        for exchange in &t.info_exchanges {
            say!(
                "  asked        {} — {}",
                name(&exchange.asked_by),
                exchange.question
            );
            if let Some(answer) = &exchange.answer {
                say!("  answered     {answer}");
            }
        }
        if let Some(r) = &t.resolution {
            say!("  resolution   {} (by {})", r.summary, name(&r.proposed_by));
            say!(
                "  validated    {}",
                r.validated_at.map_or("no".to_string(), |at| at.to_string())
            );
            say!(
                "  confirmed    {}",
                r.customer_confirmed_at
                    .map_or("no".to_string(), |at| at.to_string())
            );
            say!("  notes        {}", r.notes.as_deref().unwrap_or("—"));
        }
        for note in &t.notes {
            say!("  note         {} — {}", name(&note.by), note.body);
        }
        for update in &t.customer_updates {
            say!("  to customer  [{}] {}", update.channel.code(), update.body);
        }
        Ok(())
    }

    pub fn tickets(&self, tickets: &[TicketSummary]) {
        if self.json {
            return self.emit(&tickets);
        }
        if tickets.is_empty() {
            say!("no tickets");
        }
        for t in tickets {
            say!(
                "{:<9} {:<3} {:<20} {:<10} {:<12} {}",
                t.key,
                t.priority.map_or("--", |p| p.code()),
                t.status.code(),
                t.owner,
                t.customer,
                t.summary
            );
        }
    }

    pub fn similar(&self, similar: &[SimilarEscalation]) {
        if self.json {
            return self.emit(&similar);
        }
        if similar.is_empty() {
            say!("no similar open escalation");
        }
        for s in similar {
            say!(
                "{:<9} {:>4.0}%  {:<20} {}",
                s.key,
                s.similarity * 100.0,
                s.status.code(),
                s.summary
            );
        }
    }

    pub fn history(&self, desk: &Desk, events: &[Event]) -> Result<(), Error> {
        if self.json {
            self.emit(&events);
            return Ok(());
        }
        print_timeline(&escalator_core::timeline::describe_all(
            events,
            &desk.users()?,
        ));
        Ok(())
    }

    pub fn verify(&self, report: &VerifyReport) {
        if self.json {
            return self.emit(report);
        }
        if report.is_intact() {
            say!(
                "audit chain intact: {} streams, {} events",
                report.streams,
                report.events
            );
        }
        for b in &report.breaks {
            say!(
                "BROKEN: ticket {} ({}) at seq {}: {}",
                b.ticket_key.as_deref().unwrap_or("?"),
                b.ticket_id,
                b.seq,
                b.problem
            );
        }
    }

    pub fn demo(&self, report: &escalator_core::demo::DemoReport) {
        if self.json {
            return self.emit(report);
        }
        say!(
            "demo desk loaded: {} tickets, {} people added",
            report.tickets_added,
            report.users_added
        );
    }

    pub fn clocks(&self, key: &str, clocks: &[ClockView]) {
        if self.json {
            return self.emit(&clocks);
        }
        if clocks.is_empty() {
            say!("{key} has no SLA clock: it has no priority yet");
            return;
        }
        for clock in clocks {
            let state = serde_json::to_value(clock.state)
                .ok()
                .and_then(|value| value.as_str().map(str::to_string))
                .unwrap_or_default();
            say!(
                "{key} {} (run {}): {state}, within {}",
                clock.label,
                clock.cycle,
                clock.within
            );
            for line in clock.explanation.lines() {
                say!("  {line}");
            }
            say!("");
        }
    }

    pub fn sweep(&self, desk: &Desk, sweep: &SlaSweep) -> Result<(), Error> {
        if self.json {
            self.emit(&json!({
                "recorded": sweep.recorded,
                "next_check": sweep.next_check,
            }));
            return Ok(());
        }
        for event in &sweep.recorded {
            let key = desk.ticket(&event.ticket_id.to_string())?.ticket.key;
            let told = escalator_core::timeline::describe_all(std::slice::from_ref(event), &[]);
            say!("{key}: {}", told[0].title);
        }
        say!(
            "{} recorded; next check {}",
            sweep.recorded.len(),
            sweep
                .next_check
                .map_or("none (no clock runs)".to_string(), |at| at.to_rfc3339())
        );
        Ok(())
    }

    pub fn sla_config(&self, path: &std::path::Path, config: &SlaConfig) {
        if self.json {
            return self.emit(&json!({
                "file": path,
                "file_exists": path.exists(),
                "toml": config.to_toml(),
            }));
        }
        if path.exists() {
            say!("# from {}", path.display());
        } else {
            say!("# the shipped defaults ({} does not exist)", path.display());
        }
        say!("{}", config.to_toml());
    }

    pub fn rebuild(&self, report: &RebuildReport) {
        if self.json {
            return self.emit(report);
        }
        say!(
            "rebuilt projections of {} tickets from {} events",
            report.tickets,
            report.events
        );
    }

    /// A rendered report: written to `out`, or to stdout as it is (the
    /// format is the report's own; `--json` only shapes the messages).
    pub fn report(&self, text: &str, out: Option<&std::path::Path>) -> Result<(), Error> {
        let Some(path) = out else {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            return match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                    std::process::exit(0)
                }
                result => result.map_err(Error::from),
            };
        };
        std::fs::write(path, text)?;
        if self.json {
            self.emit(&json!({ "written": path.display().to_string(), "bytes": text.len() }));
        } else {
            say!("wrote {} ({} bytes)", path.display(), text.len());
        }
        Ok(())
    }

    pub fn pack_exported(&self, report: &PackReport) {
        if self.json {
            return self.emit(report);
        }
        let info = &report.info;
        say!(
            "wrote review pack {}: {} to {} (end exclusive), {} tickets, {} events, {} attachments",
            report.path.display(),
            info.from,
            info.to,
            info.tickets,
            info.events,
            info.attachments
        );
        say!("pack id  {}", info.pack_id);
        say!("manifest sha256 {}", info.manifest_sha256);
        say!("(give the lead the manifest digest by another channel to compare with `review-pack verify`)");
    }

    /// The pack's origin and everything its verification found.
    pub fn pack_verification(&self, pack: &ReviewPack) {
        if self.json {
            return self.emit(&json!({
                "path": pack.path().display().to_string(),
                "info": pack.info(),
                "verification": pack.verification(),
            }));
        }
        let info = pack.info();
        let check = pack.verification();
        say!(
            "review pack {} from {} ({} to {}, exported {} by {})",
            info.pack_id,
            info.source_database,
            info.from,
            info.to,
            info.exported_at.format("%Y-%m-%d %H:%M UTC"),
            info.exporter
        );
        say!("manifest sha256 {}", info.manifest_sha256);
        if check.verified {
            say!(
                "verified: {} streams, {} events, {} attachments intact",
                check.chain.streams,
                check.chain.events,
                check.attachments_checked
            );
            return;
        }
        say!("NOT VERIFIED: this pack was altered after export");
        for b in &check.chain.breaks {
            say!(
                "BROKEN: ticket {} ({}) at seq {}: {}",
                b.ticket_key.as_deref().unwrap_or("?"),
                b.ticket_id,
                b.seq,
                b.problem
            );
        }
        for problem in &check.attachment_problems {
            say!(
                "BROKEN: attachment {} of {}: {}",
                problem.sha256,
                problem.tickets.join(", "),
                problem.problem
            );
        }
        for problem in &check.manifest_problems {
            say!("BROKEN: {problem}");
        }
    }

    /// A warning on stderr when a pack being read did not verify.
    pub fn pack_warning(&self, pack: &ReviewPack) {
        if !pack.is_verified() {
            eprintln!(
                "WARNING: review pack {} failed verification; run `review-pack verify` for details",
                pack.path().display()
            );
        }
    }

    pub fn pack_history(&self, pack: &ReviewPack, reference: &str) -> Result<(), Error> {
        if self.json {
            self.emit(&json!({
                "ticket": pack.ticket(reference)?,
                "events": pack.history(reference)?,
            }));
            return Ok(());
        }
        print_timeline(&pack.timeline(reference)?);
        Ok(())
    }

    pub fn review_note(&self, note: &ReviewNote, sidecar: &std::path::Path) {
        if self.json {
            return self.emit(note);
        }
        say!(
            "noted on {} by {} (kept in {})",
            note.ticket_key,
            note.reviewer,
            sidecar.display()
        );
    }

    pub fn review_notes_exported(&self, notes: &ReviewNotes, out: &std::path::Path) {
        if self.json {
            return self.emit(&json!({ "written": out.display().to_string(), "notes": notes }));
        }
        say!(
            "wrote {} review note(s) on pack {} to {}",
            notes.notes.len(),
            notes.pack_id,
            out.display()
        );
    }

    pub fn password_stored(&self, username: &str) {
        if self.json {
            return self.emit(&json!({ "stored": username }));
        }
        say!("stored the SMTP password of {username} in the OS keyring");
    }

    pub fn notes_imported(&self, import: &NotesImport) {
        if self.json {
            return self.emit(import);
        }
        say!(
            "imported {} review note(s) from pack {} ({} already imported)",
            import.imported.len(),
            import.pack_id,
            import.already_imported
        );
        for key in &import.imported {
            say!("  internal note added to {key}");
        }
    }
}

/// A ticket's history for people: one line per event, details indented.
fn print_timeline(entries: &[escalator_core::timeline::TimelineEntry]) {
    for entry in entries {
        say!(
            "#{:<3} {}  {:<16} {}",
            entry.seq,
            entry.at.format("%Y-%m-%d %H:%M:%S"),
            entry.actor_name,
            entry.title
        );
        for line in entry.detail.iter().flat_map(|d| d.lines()) {
            say!("{:30}  {line}", "");
        }
    }
}

fn names(desk: &Desk) -> Result<HashMap<UserId, String>, Error> {
    let mut names: HashMap<UserId, String> = desk
        .users()?
        .into_iter()
        .map(|u| (u.id, u.handle))
        .collect();
    names.insert(escalator_core::domain::User::system_id(), "system".into());
    Ok(names)
}

fn user_line(user: &User) -> String {
    format!(
        "{:<16} {:<24} {:<3} {:<10} {}",
        user.handle,
        user.display_name,
        user.role.code(),
        user.team.map_or("—", |t| t.code()),
        if user.active { "active" } else { "deactivated" }
    )
}

fn event_line(event: &Event, names: &HashMap<UserId, String>) -> String {
    let actor = names
        .get(&event.actor)
        .cloned()
        .unwrap_or_else(|| event.actor.to_string());
    let payload = event.body.payload_json().unwrap_or_default();
    let detail = if payload == "null" {
        String::new()
    } else {
        payload
    };
    format!(
        "#{:<3} {}  {:<12} {:<26} {}",
        event.seq,
        event.at.format("%Y-%m-%d %H:%M:%S"),
        actor,
        event.body.kind(),
        detail
    )
}
