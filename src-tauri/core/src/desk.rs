//! The desk: the one entry point the app and the CLI use.
//!
//! Every command follows the same path: resolve the acting user, load the
//! ticket's stream, look up what the rules need, [`decide`], then append the
//! events and update the projections in one immediate transaction. A refusal
//! writes nothing, except that a refused escalation is itself recorded (SOP
//! §6 Step 2, reported on in the §13 review).

use crate::alerts::{self, Alert, AlertSubject};
use crate::attachments::{AttachmentStore, StagedFile, DEFAULT_MAX_BYTES};
use crate::clock::{Clock, SystemClock};
use crate::commands::{Command, NewTicket};
use crate::comms::templates::{self, Template, TemplateKind, TemplateValues};
use crate::comms::{Finding, LeakCheck, LeakRules};
use crate::domain::{AttachmentKind, Priority, Role, Team, Ticket, TicketId, User, UserId};
use crate::error::{Error, Result};
use crate::events::{EscalationRefused, Event, EventBody};
use crate::official::{self, Delivery, DeliveryReport, OfficialConfig, Sender};
use crate::rules::{decide, decide_open, Context, LinkTarget, SimilarEscalation, Violation};
use crate::sla::{self, ClockView, SlaConfig, SlaSettings, Target, TicketSla};
use crate::store::{self, QueueCount, RebuildReport, Store, TicketPage, TicketQuery, VerifyReport};
use crate::timeline::{describe_all, TimelineEntry};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ts_rs::TS;

/// The largest command accepted, as JSON; ticket text beyond this is abuse.
const MAX_COMMAND_BYTES: usize = 256 * 1024;

/// The customer message templates, beside the database; optional.
pub const TEMPLATES_FILE: &str = "templates.toml";

#[derive(Debug, Serialize, serde::Deserialize)]
struct TemplatesFile {
    templates: Vec<Template>,
}

/// A customer message ready to edit, check and send (SOP §7).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Draft {
    pub kind: TemplateKind,
    pub subject: String,
    pub body: String,
    /// The customer's e-mail address, when the contact is one.
    pub to: Option<String>,
    /// The SLA update deadline the message promises, if a clock runs.
    pub next_update: Option<DateTime<Utc>>,
    pub time_zone: String,
}

/// The SLA config's file name, beside the database.
pub const SLA_FILE: &str = "sla.toml";

/// The leak check's settings (deny-list, key patterns, internal domains),
/// beside the database; optional.
pub const LEAK_FILE: &str = "leak.toml";

/// How many tickets one SLA sweep transaction handles.
const SWEEP_BATCH: usize = 100;

/// The `app_state` keys the desk keeps.
const NOTIFIED_UP_TO: &str = "notifier.notified_up_to";
const SLA_FINGERPRINT: &str = "sla.config_fingerprint";
const DESK_ID: &str = "desk.id";
/// Followed by a pack id: the info of a review pack this desk exported.
const REVIEW_PACK_PREFIX: &str = "review_pack.";

#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// Per-file attachment limit in bytes.
    pub max_attachment_bytes: u64,
    pub sla: SlaConfig,
    /// SOP §7: what the leak check treats as internal, beyond the desk's
    /// people and the ticket's notes.
    pub leak: LeakRules,
    /// SOP §6 Step 4: the official channels management is notified on.
    pub official: OfficialConfig,
}

impl Default for DeskConfig {
    fn default() -> Self {
        Self {
            max_attachment_bytes: DEFAULT_MAX_BYTES,
            sla: SlaConfig::default(),
            leak: LeakRules::standard(),
            official: OfficialConfig::default(),
        }
    }
}

impl DeskConfig {
    /// The defaults, with the SLA config from `sla.toml` (see `docs/sla.md`)
    /// and the leak check's settings from `leak.toml` beside the database,
    /// when they are there.
    pub fn for_database(database: &Path) -> Result<DeskConfig> {
        let sla = match read_beside(database, SLA_FILE)? {
            Some((path, text)) => {
                SlaConfig::from_toml(&text).map_err(|error| in_file(error, &path))?
            }
            None => SlaConfig::default(),
        };
        let leak = match read_beside(database, LEAK_FILE)? {
            Some((path, text)) => {
                let rules: LeakRules = toml::from_str(&text).map_err(|error| {
                    Error::invalid(
                        "leak",
                        format!("{} (in {})", error.message(), path.display()),
                    )
                })?;
                rules.compile().map_err(|error| in_file(error, &path))?;
                rules
            }
            None => LeakRules::standard(),
        };
        let official = match read_beside(database, official::OFFICIAL_FILE)? {
            Some((path, text)) => OfficialConfig::from_toml(&text, &path)?,
            None => OfficialConfig::default(),
        };
        Ok(DeskConfig {
            sla,
            leak,
            official,
            ..DeskConfig::default()
        })
    }
}

/// The text of `name` beside the database, if the file exists.
fn read_beside(database: &Path, name: &str) -> Result<Option<(PathBuf, String)>> {
    let path = database.parent().unwrap_or(Path::new(".")).join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Replaces `path` with `bytes` through a temporary file beside it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut staged = tempfile::NamedTempFile::new_in(&dir)?;
    std::io::Write::write_all(&mut staged, bytes)?;
    staged.as_file().sync_all()?;
    staged
        .persist(path)
        .map_err(|error| Error::Io(error.error))?;
    Ok(())
}

/// A config error, with the file it came from.
fn in_file(error: Error, path: &Path) -> Error {
    match error {
        Error::InvalidInput { field, message } => Error::InvalidInput {
            field,
            message: format!("{message} (in {})", path.display()),
        },
        other => other,
    }
}

fn sla_file_beside(database: &Path) -> PathBuf {
    database.parent().unwrap_or(Path::new(".")).join(SLA_FILE)
}

pub struct Desk {
    store: Store,
    clock: Arc<dyn Clock>,
    attachments: AttachmentStore,
    database_path: PathBuf,
    sla: SlaConfig,
    leak: LeakRules,
    official: OfficialConfig,
}

/// What one SLA sweep did.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaSweep {
    /// The warnings, breaches and management escalations it recorded.
    pub recorded: Vec<Event>,
    /// When the scheduler must sweep again; None when no clock runs.
    pub next_check: Option<DateTime<Utc>>,
}

/// The desk's SLA alerts at a glance: the tray's icon, tooltip and menu.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlaOverview {
    pub imminent: u64,
    pub breached: u64,
    /// Breached first, then imminent; nearest deadline first.
    pub urgent: Vec<UrgentTicket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UrgentTicket {
    pub key: String,
    pub customer: String,
    pub priority: Option<Priority>,
    pub breached: bool,
    pub next_due: Option<DateTime<Utc>>,
    /// "ESC-12 · Acme GmbH · P2 · due 14:30 (in 12m)".
    pub label: String,
}

/// What an accepted command did: the ticket after it, and the new events.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Outcome {
    pub ticket: Ticket,
    pub events: Vec<Event>,
}

/// What the ticket view shows: the ticket, its version, its timeline and its SLA clocks.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub version: u64,
    pub timeline: Vec<TimelineEntry>,
    /// The SLA clocks as of now.
    pub clocks: Vec<ClockView>,
}

/// A ticket with its stream version, for optimistic concurrency.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketView {
    pub ticket: Ticket,
    pub version: u64,
}

impl Desk {
    /// Opens the database at `path` with the system clock, default limits
    /// and the SLA config in `sla.toml` beside it (the shipped defaults when
    /// there is none). Attachments live in `attachments/` beside the file.
    pub fn open(path: impl AsRef<Path>) -> Result<Desk> {
        let config = DeskConfig::for_database(path.as_ref())?;
        Desk::open_with(path, Arc::new(SystemClock), config)
    }

    pub fn open_with(
        path: impl AsRef<Path>,
        clock: Arc<dyn Clock>,
        config: DeskConfig,
    ) -> Result<Desk> {
        let path = path.as_ref().to_path_buf();
        let store = Store::open(&path)?;
        let root = path.parent().unwrap_or(Path::new(".")).join("attachments");
        let mut desk = Desk {
            store,
            clock,
            attachments: AttachmentStore::new(root, config.max_attachment_bytes),
            database_path: path,
            sla: config.sla,
            leak: config.leak,
            official: config.official,
        };
        desk.store.write(|tx| {
            let fingerprint = store::hex_digest(desk.sla.to_toml().as_bytes());
            if store::get_state(tx, SLA_FINGERPRINT)?.as_deref() != Some(&fingerprint) {
                // Written by another config (or by a build before SLA projections).
                reproject_sla(tx, &desk.sla)?;
                store::set_state(tx, SLA_FINGERPRINT, &fingerprint)?;
            }
            Ok(())
        })?;
        Ok(desk)
    }

    pub fn database_path(&self) -> &Path {
        &self.database_path
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    // ---- users -------------------------------------------------------------

    /// Adds a person. Handles are short, lower-case and unique; an L2
    /// engineer belongs to a team (SOP §3).
    pub fn add_user(
        &mut self,
        handle: &str,
        display_name: &str,
        role: Role,
        team: Option<Team>,
    ) -> Result<User> {
        let handle = handle.trim().to_lowercase();
        let valid = !handle.is_empty()
            && handle.len() <= 32
            && handle
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !valid {
            return Err(Error::invalid(
                "handle",
                "use 1–32 characters: letters, digits, '.', '_' or '-'",
            ));
        }
        if handle == User::SYSTEM_HANDLE {
            return Err(Error::invalid("handle", "'system' is reserved"));
        }
        if role == Role::L2Engineer && team.is_none() {
            return Err(Error::invalid(
                "team",
                "an L2 engineer belongs to a team: software, hardware or validation",
            ));
        }
        let display_name = match display_name.trim() {
            "" => handle.clone(),
            name => name.to_string(),
        };
        let user = User {
            id: UserId::new(),
            handle,
            display_name,
            role,
            team,
            active: true,
            created_at: self.clock.now(),
        };
        self.store.write(|tx| store::insert_user(tx, &user))?;
        Ok(user)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        store::list_users(self.store.read())
    }

    pub fn user(&self, handle: &str) -> Result<User> {
        store::find_user(self.store.read(), handle)
    }

    /// The user who is about to work at this desk: they must exist and be active.
    pub fn sign_in(&self, handle: &str) -> Result<User> {
        active_user(self.store.read(), handle)
    }

    pub fn set_user_active(&mut self, handle: &str, active: bool) -> Result<User> {
        self.store
            .write(|tx| store::set_user_active(tx, handle, active))
    }

    // ---- tickets -----------------------------------------------------------

    /// L1 intake: opens a ticket owned by `actor`.
    pub fn open_ticket(&mut self, actor: &str, new: NewTicket) -> Result<Outcome> {
        check_size(&new)?;
        let now = self.clock.now();
        let sla = &self.sla;
        self.store.write(|tx| {
            let actor = active_user(tx, actor)?;
            let number = store::next_ticket_number(tx)?;
            let opened = decide_open(&actor, &new, number).map_err(Error::Rejected)?;
            let key = opened.key.clone();
            let events = store::append(
                tx,
                TicketId::new(),
                &key,
                0,
                actor.id,
                now,
                vec![EventBody::TicketOpened(opened)],
            )?;
            let ticket = Ticket::replay(&events)
                .ok_or_else(|| Error::Internal("a new stream did not open".into()))?;
            store::project(tx, &ticket)?;
            project_sla(tx, ticket.id, &events, sla)?;
            Ok(Outcome { ticket, events })
        })
    }

    /// Runs `command` on the ticket (`ESC-12`, `12` or its id) as `actor`.
    pub fn execute(&mut self, actor: &str, ticket: &str, command: Command) -> Result<Outcome> {
        self.run(actor, ticket, vec![(command, None)], None)
    }

    /// Like [`Desk::execute`], refused with [`Error::Conflict`] unless the
    /// ticket is still at `version` (what the user was looking at).
    pub fn execute_at(
        &mut self,
        actor: &str,
        ticket: &str,
        command: Command,
        version: u64,
    ) -> Result<Outcome> {
        self.run(actor, ticket, vec![(command, None)], Some(version))
    }

    /// Copies the file into the attachment store and records it on the ticket.
    /// The file is kept only if the command is accepted.
    pub fn attach_file(
        &mut self,
        actor: &str,
        ticket: &str,
        path: &Path,
        kind: AttachmentKind,
    ) -> Result<Outcome> {
        self.attach_files(actor, ticket, &[path], kind)
    }

    /// Attaches several files at once: all of them, or none if one is refused.
    pub fn attach_files(
        &mut self,
        actor: &str,
        ticket: &str,
        paths: &[&Path],
        kind: AttachmentKind,
    ) -> Result<Outcome> {
        if paths.is_empty() {
            return Err(Error::invalid("attachment", "choose at least one file"));
        }
        let mut batch = Vec::with_capacity(paths.len());
        for path in paths {
            let staged = self.attachments.stage(path)?;
            let command = Command::AddAttachment {
                sha256: staged.sha256.clone(),
                file_name: staged.file_name.clone(),
                kind,
                size: staged.size,
            };
            batch.push((command, Some(staged)));
        }
        self.run(actor, ticket, batch, None)
    }

    /// The stored file of an attachment, to open with the OS.
    pub fn attachment_path(&self, sha256: &str) -> Result<PathBuf> {
        let path = self.attachments.path_of(sha256)?;
        if path.is_file() {
            Ok(path)
        } else {
            Err(Error::NotFound {
                entity: "attachment",
                id: sha256.to_string(),
            })
        }
    }

    /// Decides each command in turn against the ticket as the previous ones
    /// left it, then commits all their events in one transaction, or none.
    fn run(
        &mut self,
        actor: &str,
        reference: &str,
        batch: Vec<(Command, Option<StagedFile>)>,
        expected: Option<u64>,
    ) -> Result<Outcome> {
        for (command, staged) in &batch {
            check_size(command)?;
            if let (Command::AddAttachment { sha256, .. }, None) = (command, staged) {
                // Only a file already in the store can be referenced without staging it.
                self.attachment_path(sha256)?;
            }
        }
        let now = self.clock.now();
        let attachments = &self.attachments;
        let sla = &self.sla;
        let leak = &self.leak;
        let official = &self.official;
        let decided = self.store.write(|tx| {
            let actor = active_user(tx, actor)?;
            let id = store::find_ticket_id(tx, reference)?;
            let events = store::load_stream(tx, id)?;
            let mut ticket = Ticket::replay(&events)
                .ok_or_else(|| Error::Internal(format!("stream {id} has no opening")))?;
            let head = events.last().map_or(0, |event| event.seq);
            if let Some(expected) = expected.filter(|expected| *expected != head) {
                return Err(Error::Conflict {
                    ticket: ticket.key.clone(),
                    expected,
                    found: head,
                });
            }
            let mut appended = Vec::new();
            let mut keep = Vec::new();
            for (command, staged) in batch {
                let context = context_for(tx, &ticket, &command, leak)?;
                match decide(&ticket, &actor, &command, &context) {
                    Ok(bodies) => {
                        let seq = head + appended.len() as u64;
                        let events =
                            store::append(tx, id, &ticket.key, seq, actor.id, now, bodies)?;
                        for event in &events {
                            ticket.apply(event);
                        }
                        appended.extend(events);
                        keep.extend(staged);
                    }
                    Err(violations) => {
                        let (Command::Escalate(request), true) = (&command, appended.is_empty())
                        else {
                            return Err(Error::Rejected(violations));
                        };
                        // A refused escalation is recorded (SOP §6 Step 2), when it is all the batch did.
                        let refused = EventBody::EscalationRefused(EscalationRefused {
                            escalation_type: request.escalation_type,
                            violations: violations.clone(),
                        });
                        for event in
                            store::append(tx, id, &ticket.key, head, actor.id, now, vec![refused])?
                        {
                            store::record_refusal(tx, &event)?;
                        }
                        return Ok(Err(violations));
                    }
                }
            }
            // SOP §6 Step 4: the official notifications go in the same transaction.
            let notices = official::queue_for(tx, &ticket, &appended, official)?;
            if !notices.is_empty() {
                let seq = head + appended.len() as u64;
                let queued = store::append(tx, id, &ticket.key, seq, actor.id, now, notices)?;
                for event in &queued {
                    ticket.apply(event);
                }
                appended.extend(queued);
            }
            store::project(tx, &ticket)?;
            let stream: Vec<Event> = events.into_iter().chain(appended.iter().cloned()).collect();
            project_sla(tx, id, &stream, sla)?;
            official::project(tx, id, &stream)?;
            for staged in keep {
                attachments.keep(staged)?;
            }
            Ok(Ok(Outcome {
                ticket,
                events: appended,
            }))
        })?;
        decided.map_err(Error::Rejected)
    }

    pub fn ticket(&self, reference: &str) -> Result<TicketView> {
        let conn = self.store.read();
        let id = store::find_ticket_id(conn, reference)?;
        Ok(TicketView {
            ticket: store::load_ticket(conn, id)?,
            version: store::stream_head(conn, id)?,
        })
    }

    /// The ticket with its version and its history told for people.
    pub fn ticket_detail(&self, reference: &str) -> Result<TicketDetail> {
        let conn = self.store.read();
        let id = store::find_ticket_id(conn, reference)?;
        let events = store::load_stream(conn, id)?;
        Ok(TicketDetail {
            ticket: store::load_ticket(conn, id)?,
            version: events.last().map_or(0, |event| event.seq),
            timeline: describe_all(&events, &store::list_users(conn)?),
            clocks: TicketSla::from_events(&events).views(&self.sla, self.clock.now()),
        })
    }

    /// The ticket's full event stream, oldest first.
    pub fn history(&self, reference: &str) -> Result<Vec<Event>> {
        let conn = self.store.read();
        let id = store::find_ticket_id(conn, reference)?;
        store::load_stream(conn, id)
    }

    /// A page of tickets. Queues are seen from `viewer`'s seat.
    pub fn tickets(&self, query: &TicketQuery, viewer: Option<&str>) -> Result<TicketPage> {
        let conn = self.store.read();
        let viewer = viewer.map(|handle| active_user(conn, handle)).transpose()?;
        store::tickets(conn, query, viewer.as_ref())
    }

    /// How many tickets each queue holds for `viewer`.
    pub fn queue_counts(&self, viewer: &str) -> Result<Vec<QueueCount>> {
        let conn = self.store.read();
        store::queue_counts(conn, &active_user(conn, viewer)?)
    }

    /// What the rules would say to `command`, without doing it: the wizard's
    /// live checklist. Empty when the command would be accepted.
    pub fn check(&self, actor: &str, ticket: &str, command: &Command) -> Result<Vec<Violation>> {
        check_size(command)?;
        let conn = self.store.read();
        let actor = active_user(conn, actor)?;
        let id = store::find_ticket_id(conn, ticket)?;
        let ticket = Ticket::replay(&store::load_stream(conn, id)?)
            .ok_or_else(|| Error::Internal(format!("stream {id} has no opening")))?;
        let context = context_for(conn, &ticket, command, &self.leak)?;
        Ok(decide(&ticket, &actor, command, &context)
            .err()
            .unwrap_or_default())
    }

    /// SOP §11, before submitting: open escalations this one would duplicate.
    pub fn similar_escalations(
        &self,
        customer: &str,
        summary: &str,
        exclude: Option<TicketId>,
    ) -> Result<Vec<SimilarEscalation>> {
        store::similar_open_escalations(self.store.read(), customer, summary, exclude)
    }

    /// SOP §11 for an existing ticket: the open escalations it would duplicate.
    pub fn similar_to(&self, reference: &str) -> Result<Vec<SimilarEscalation>> {
        let conn = self.store.read();
        let ticket = store::load_ticket(conn, store::find_ticket_id(conn, reference)?)?;
        store::similar_open_escalations(
            conn,
            &ticket.customer,
            &ticket.documentation.summary,
            Some(ticket.id),
        )
    }

    /// Adds the demo desk (see [`crate::demo`]) to this database, dated up to now.
    pub fn load_demo(&self) -> Result<crate::demo::DemoReport> {
        crate::demo::seed(&self.database_path, self.clock.now())
    }

    /// Walks every hash chain; see [`store::verify`].
    pub fn verify(&self) -> Result<VerifyReport> {
        store::verify(self.store.read())
    }

    /// Derives every projection again from the log.
    pub fn rebuild_projections(&mut self) -> Result<RebuildReport> {
        let sla = &self.sla;
        self.store.write(|tx| {
            let report = store::rebuild(tx)?;
            reproject_sla(tx, sla)?;
            Ok(report)
        })
    }

    /// The SOP §13 review of `month` (a UTC month), as of now; see [`crate::report`].
    pub fn monthly_report(
        &self,
        month: crate::report::ReportMonth,
    ) -> Result<crate::report::MonthlyReport> {
        let now = self.clock.now();
        crate::report::MonthlyReport::load(self.store.read(), month, &self.sla, now)
    }

    // ---- customer communication (SOP §7) ----------------------------------

    /// What the leak check finds in a message about `ticket`, as it is typed.
    pub fn check_customer_message(&self, ticket: &str, text: &str) -> Result<Vec<Finding>> {
        let conn = self.store.read();
        let ticket = store::load_ticket(conn, store::find_ticket_id(conn, ticket)?)?;
        Ok(leak_check(conn, &ticket, &self.leak)?.check(text))
    }

    /// The desk's message templates: `templates.toml` beside the database,
    /// or the shipped ones.
    pub fn templates(&self) -> Result<Vec<Template>> {
        let mut templates = templates::defaults();
        if let Some((path, text)) = read_beside(&self.database_path, TEMPLATES_FILE)? {
            let file: TemplatesFile = toml::from_str(&text).map_err(|error| {
                Error::invalid(
                    "templates",
                    format!("{} (in {})", error.message(), path.display()),
                )
            })?;
            for template in file.templates {
                templates.insert(template.kind, template);
            }
        }
        Ok(templates.into_values().collect())
    }

    /// Saves edited templates (an L3 lead's decision, like SLA policy).
    /// Every placeholder must be known; nothing is saved otherwise.
    pub fn set_templates(&mut self, actor: &str, edited: Vec<Template>) -> Result<()> {
        self.require_lead(actor)?;
        for template in &edited {
            let field = |part: &str| format!("templates.{}.{part}", template.kind.code());
            templates::validate(&template.subject, &field("subject"))?;
            templates::validate(&template.body, &field("body"))?;
        }
        let text = toml::to_string(&TemplatesFile { templates: edited })
            .map_err(|error| Error::Internal(format!("templates do not serialise: {error}")))?;
        let path = self
            .database_path
            .parent()
            .unwrap_or(Path::new("."))
            .join(TEMPLATES_FILE);
        write_atomically(&path, text.as_bytes())
    }

    /// A message drafted from the `kind` template with customer-safe fields
    /// only. The next update time is the ticket's SLA update deadline, on
    /// the wall clock of `time_zone` (the customer's; default: the policy
    /// calendar's).
    pub fn draft_customer_message(
        &self,
        actor: &str,
        reference: &str,
        kind: TemplateKind,
        time_zone: Option<&str>,
    ) -> Result<Draft> {
        let conn = self.store.read();
        let sender = active_user(conn, actor)?;
        let id = store::find_ticket_id(conn, reference)?;
        let ticket = store::load_ticket(conn, id)?;
        let sla = TicketSla::from_events(&store::load_stream(conn, id)?);
        let now = self.clock.now();
        let update = sla
            .current(Target::CustomerUpdate)
            .and_then(|run| sla.status(run, &self.sla, now));
        let zone: chrono_tz::Tz = match time_zone.map(str::trim).filter(|zone| !zone.is_empty()) {
            Some(zone) => zone.parse().map_err(|_| {
                Error::invalid(
                    "time_zone",
                    format!("'{zone}' is not an IANA time zone, such as 'Europe/Paris' or 'America/Chicago'"),
                )
            })?,
            None => update
                .as_ref()
                .map_or(chrono_tz::UTC, |status| status.applied.calendar.time_zone()),
        };
        let next_update = update.and_then(|status| status.evaluation.due);
        let contact = ticket
            .customer_contact
            .clone()
            .filter(|contact| !contact.contains('@'))
            .unwrap_or_else(|| "there".to_string());
        let values = TemplateValues {
            customer: ticket.customer.clone(),
            contact,
            // "Update on your reported issue" rather than "your  issue".
            product: Some(ticket.documentation.product.trim())
                .filter(|product| !product.is_empty())
                .unwrap_or("reported")
                .to_string(),
            impact: ticket.documentation.impact.clone(),
            sender: sender.display_name.clone(),
            next_update: next_update.map_or_else(
                || "as soon as we have news".to_string(),
                |due| {
                    due.with_timezone(&zone)
                        .format("%A %-d %B, %H:%M %Z")
                        .to_string()
                },
            ),
            resolution: ticket
                .resolution
                .as_ref()
                .map(|resolution| resolution.summary.clone())
                .unwrap_or_default(),
        };
        let template = self
            .templates()?
            .into_iter()
            .find(|template| template.kind == kind)
            .ok_or_else(|| Error::Internal(format!("no {kind:?} template")))?;
        Ok(Draft {
            kind,
            subject: templates::fill(&template.subject, &values, "subject")?,
            body: templates::fill(&template.body, &values, "body")?,
            to: ticket
                .customer_contact
                .clone()
                .filter(|contact| contact.contains('@')),
            next_update,
            time_zone: zone.name().to_string(),
        })
    }

    // ---- SLA ---------------------------------------------------------------

    pub fn sla_config(&self) -> &SlaConfig {
        &self.sla
    }

    /// Where the SLA config file of this desk lives (it may not exist yet).
    pub fn sla_config_path(&self) -> PathBuf {
        sla_file_beside(&self.database_path)
    }

    /// Saves `config` to the SLA file and recomputes every open ticket's
    /// deadlines with it. The file is replaced atomically, and the old one
    /// stays if anything fails.
    pub fn set_sla_config(&mut self, config: SlaConfig) -> Result<()> {
        let path = self.sla_config_path();
        let fingerprint = store::hex_digest(config.to_toml().as_bytes());
        self.store.write(|tx| {
            reproject_sla(tx, &config)?;
            store::set_state(tx, SLA_FINGERPRINT, &fingerprint)?;
            // Last, so a failed write rolls the recomputed deadlines back.
            write_atomically(&path, sla_file_text(&config).as_bytes())
        })?;
        self.sla = config;
        Ok(())
    }

    /// The settings screen's view of the SLA config.
    pub fn sla_settings(&self) -> SlaSettings {
        SlaSettings::from_config(&self.sla)
    }

    /// Saves edited targets and warning points. SLA policy is a lead's
    /// decision (SOP §3, §6 Step 3): only L3 may change it.
    pub fn update_sla_settings(&mut self, actor: &str, settings: &SlaSettings) -> Result<()> {
        self.require_lead(actor)?;
        let config = settings.apply(&self.sla)?;
        self.set_sla_config(config)
    }

    /// Adds the all-day events of an iCalendar file to a calendar as
    /// holidays (L3 only, like every SLA change).
    pub fn import_holidays(&mut self, actor: &str, calendar: &str, ics: &str) -> Result<()> {
        self.require_lead(actor)?;
        let config = sla::import_holidays(&self.sla, calendar, ics)?;
        self.set_sla_config(config)
    }

    fn require_lead(&self, actor: &str) -> Result<()> {
        let user = active_user(self.store.read(), actor)?;
        if user.role == Role::L3Lead {
            return Ok(());
        }
        Err(Error::Rejected(vec![crate::Rule::Role.violation_with(
            "Only an L3 lead or manager changes SLA policies and calendars (SOP §3)",
        )]))
    }

    /// Records every SLA warning and breach that has fallen due by now, and
    /// the SOP §5.3 management escalations they raise. Only the tickets the
    /// index says are due are read. Each threshold is recorded once.
    pub fn sweep_sla(&mut self) -> Result<SlaSweep> {
        let now = self.clock.now();
        let sla = &self.sla;
        let official = &self.official;
        let mut recorded = Vec::new();
        loop {
            let (looked_at, appended) = self.store.write(|tx| {
                let due = store::due_for_check(tx, now, SWEEP_BATCH)?;
                let mut appended = Vec::new();
                for id in &due {
                    let mut events = store::load_stream(tx, *id)?;
                    let bodies = TicketSla::from_events(&events).due_alerts(sla, now);
                    if !bodies.is_empty() {
                        let mut ticket = Ticket::replay(&events).ok_or_else(|| {
                            Error::Internal(format!("stream {id} has no opening"))
                        })?;
                        let head = events.last().map_or(0, |event| event.seq);
                        let mut new = store::append(
                            tx,
                            *id,
                            &ticket.key,
                            head,
                            User::system_id(),
                            now,
                            bodies,
                        )?;
                        for event in &new {
                            ticket.apply(event);
                        }
                        // SOP §6 Step 4: a §5.3 raise notifies management officially too.
                        let notices = official::queue_for(tx, &ticket, &new, official)?;
                        if !notices.is_empty() {
                            let seq = head + new.len() as u64;
                            let queued = store::append(
                                tx,
                                *id,
                                &ticket.key,
                                seq,
                                User::system_id(),
                                now,
                                notices,
                            )?;
                            for event in &queued {
                                ticket.apply(event);
                            }
                            new.extend(queued);
                        }
                        store::project(tx, &ticket)?;
                        events.extend(new.iter().cloned());
                        official::project(tx, *id, &events)?;
                        appended.extend(new);
                    }
                    project_sla(tx, *id, &events, sla)?;
                }
                Ok((due.len(), appended))
            })?;
            let progressed = !appended.is_empty();
            recorded.extend(appended);
            if looked_at < SWEEP_BATCH || !progressed {
                break;
            }
        }
        Ok(SlaSweep {
            recorded,
            next_check: store::next_check(self.store.read())?,
        })
    }

    /// When the scheduler must next look at the desk.
    pub fn next_sla_check(&self) -> Result<Option<DateTime<Utc>>> {
        store::next_check(self.store.read())
    }

    /// The ticket's SLA clocks as of now, with their explanations.
    pub fn clocks(&self, reference: &str) -> Result<Vec<ClockView>> {
        let conn = self.store.read();
        let events = store::load_stream(conn, store::find_ticket_id(conn, reference)?)?;
        Ok(TicketSla::from_events(&events).views(&self.sla, self.clock.now()))
    }

    /// Counts and the most urgent tickets, for the tray.
    pub fn sla_overview(&self, limit: usize) -> Result<SlaOverview> {
        let conn = self.store.read();
        let (imminent, breached) = store::alert_counts(conn)?;
        let now = self.clock.now();
        let urgent = store::most_urgent(conn, limit)?
            .into_iter()
            .map(|ticket| {
                let zone = ticket
                    .priority
                    .and_then(|priority| {
                        let policy = self.sla.policy_for(priority);
                        self.sla.calendars().get(&policy.calendar)
                    })
                    .map_or(chrono_tz::UTC, |calendar| calendar.time_zone());
                let when = ticket
                    .next_due
                    .map(|due| alerts::due_phrase(due, now, &zone))
                    .unwrap_or_else(|| "paused".into());
                let priority = ticket.priority.map_or("", Priority::code);
                UrgentTicket {
                    label: format!("{} · {} · {priority} · {when}", ticket.key, ticket.customer),
                    key: ticket.key,
                    customer: ticket.customer,
                    priority: ticket.priority,
                    breached: ticket.breached,
                    next_due: ticket.next_due,
                }
            })
            .collect();
        Ok(SlaOverview {
            imminent,
            breached,
            urgent,
        })
    }

    /// A setting of the desktop app kept with the desk (snooze, pause...).
    pub fn preference(&self, key: &str) -> Result<Option<String>> {
        store::get_state(self.store.read(), &format!("app.{key}"))
    }

    pub fn set_preference(&mut self, key: &str, value: &str) -> Result<()> {
        self.store
            .write(|tx| store::set_state(tx, &format!("app.{key}"), value))
    }

    /// Where the notifier stopped reading the log. The first time, that is
    /// the end of the log: a new install does not replay old alerts.
    pub fn notifier_cursor(&mut self) -> Result<i64> {
        self.store
            .write(|tx| match store::get_state(tx, NOTIFIED_UP_TO)? {
                Some(value) => value
                    .parse()
                    .map_err(|_| Error::Internal(format!("malformed notifier cursor {value}"))),
                None => {
                    let end = store::last_position(tx)?;
                    store::set_state(tx, NOTIFIED_UP_TO, &end.to_string())?;
                    Ok(end)
                }
            })
    }

    pub fn set_notifier_cursor(&mut self, position: i64) -> Result<()> {
        self.store
            .write(|tx| store::set_state(tx, NOTIFIED_UP_TO, &position.to_string()))
    }

    /// The alerts logged after `position`, worded as of now, oldest first,
    /// and the position to read on from next time.
    pub fn alerts_after(&self, position: i64, limit: usize) -> Result<(Vec<Alert>, i64)> {
        let conn = self.store.read();
        let now = self.clock.now();
        // Every event up to the log's end as read now is committed, so
        // nothing can appear behind the new cursor later.
        let end = store::last_position(conn)?;
        let found = store::events_between(conn, position, end, alerts::ALERT_KINDS, limit)?;
        let cursor = match found.last() {
            Some((last, _)) if found.len() == limit => *last,
            _ => end,
        };
        let mut alerts = Vec::new();
        for (position, event) in found {
            let ticket = store::load_ticket(conn, event.ticket_id)?;
            let subject = AlertSubject {
                key: ticket.key,
                customer: ticket.customer,
                priority: ticket.priority,
            };
            alerts.extend(Alert::from_event(
                position, &event, &subject, &self.sla, now,
            ));
        }
        Ok((alerts, cursor.max(position)))
    }

    /// Reads the SLA file again (after the app saved it), recomputing the
    /// deadlines if it changed.
    pub fn reload_sla_config(&mut self) -> Result<()> {
        let config = DeskConfig::for_database(&self.database_path)?.sla;
        let fingerprint = store::hex_digest(config.to_toml().as_bytes());
        self.store.write(|tx| {
            if store::get_state(tx, SLA_FINGERPRINT)?.as_deref() != Some(&fingerprint) {
                reproject_sla(tx, &config)?;
                store::set_state(tx, SLA_FINGERPRINT, &fingerprint)?;
            }
            Ok(())
        })?;
        self.sla = config;
        Ok(())
    }

    // ---- official notifications (SOP §6 Step 4) ------------------------------

    pub fn official_config(&self) -> &OfficialConfig {
        &self.official
    }

    /// Sends every official notification due by now and records each attempt
    /// on its ticket: `OfficialNotificationDelivered`, or
    /// `OfficialNotificationFailed` with the error and the next attempt (none
    /// once given up). Only the outbox index is read to find what is due. The
    /// sending happens outside any transaction; a delivery another worker
    /// recorded meanwhile is not recorded twice.
    pub fn deliver_official(&mut self, sender: &dyn Sender) -> Result<DeliveryReport> {
        let now = self.clock.now();
        let due = official::due(self.store.read(), now, official::DELIVERY_BATCH)?;
        let mut report = DeliveryReport::default();
        for delivery in due {
            let events = store::load_stream(self.store.read(), delivery.ticket_id)?;
            let outcome = match official::queued_in(&events, delivery.queued_seq) {
                Some(queued) => official::send(
                    sender,
                    &self.official,
                    delivery.channel,
                    &queued.subject,
                    &queued.text,
                ),
                None => Err(format!(
                    "the queued notification (event {}) is missing",
                    delivery.queued_seq
                )),
            };
            let body = official::attempt_body(&delivery, outcome, now);
            let recorded = self.store.write(|tx| {
                let mut events = store::load_stream(tx, delivery.ticket_id)?;
                let current = official::deliveries(&events).into_iter().find(|found| {
                    found.queued_seq == delivery.queued_seq && found.channel == delivery.channel
                });
                if !matches!(current, Some(found) if found.attempts == delivery.attempts) {
                    return Ok(None);
                }
                let ticket = Ticket::replay(&events).ok_or_else(|| {
                    Error::Internal(format!("stream {} has no opening", delivery.ticket_id))
                })?;
                let head = events.last().map_or(0, |event| event.seq);
                let new = store::append(
                    tx,
                    delivery.ticket_id,
                    &ticket.key,
                    head,
                    User::system_id(),
                    now,
                    vec![body],
                )?;
                events.extend(new.iter().cloned());
                official::project(tx, delivery.ticket_id, &events)?;
                Ok(new.into_iter().next())
            })?;
            let Some(event) = recorded else { continue };
            match &event.body {
                EventBody::OfficialNotificationDelivered(_) => report.delivered += 1,
                EventBody::OfficialNotificationFailed(failed) => {
                    report.failed += 1;
                    if failed.next_attempt_at.is_none() {
                        report.given_up += 1;
                    }
                }
                _ => {}
            }
            report.recorded.push(event);
        }
        report.next_attempt_at = official::next_due(self.store.read())?;
        Ok(report)
    }

    /// When the delivery worker must next run; None when nothing is pending.
    pub fn next_official_attempt(&self) -> Result<Option<DateTime<Utc>>> {
        official::next_due(self.store.read())
    }

    /// Every official notification not delivered, pending or given up,
    /// oldest first: what the desk must show until someone acts.
    pub fn undelivered_official(&self) -> Result<Vec<Delivery>> {
        official::undelivered(self.store.read())
    }

    /// The official notifications of one ticket, delivered or not.
    pub fn official_deliveries(&self, reference: &str) -> Result<Vec<Delivery>> {
        let conn = self.store.read();
        let events = store::load_stream(conn, store::find_ticket_id(conn, reference)?)?;
        Ok(official::deliveries(&events))
    }

    /// Raw read access for reports and tests.
    pub fn connection(&self) -> &Connection {
        self.store.read()
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

/// The acting user, who must exist and be active.
fn active_user(conn: &Connection, handle: &str) -> Result<User> {
    if handle.trim().is_empty() {
        return Err(Error::invalid(
            "actor",
            "no acting user: pass --as USER or set ESCALATOR_USER",
        ));
    }
    let user = store::find_user(conn, handle)?;
    if !user.active {
        return Err(Error::Forbidden(format!(
            "user '{}' is deactivated",
            user.handle
        )));
    }
    Ok(user)
}

/// What the rules need looked up for this command (see [`Context`]).
fn context_for(
    conn: &Connection,
    ticket: &Ticket,
    command: &Command,
    leak: &LeakRules,
) -> Result<Context> {
    if let Command::RecordCustomerUpdate { subject, body, .. } = command {
        let check = leak_check(conn, ticket, leak)?;
        let mut leaks = check.check(subject);
        leaks.extend(check.check(body));
        return Ok(Context {
            leaks,
            ..Context::default()
        });
    }
    let Command::Escalate(request) = command else {
        return Ok(Context::default());
    };
    if ticket.escalation.is_some() {
        return Ok(Context::default());
    }
    let similar = store::similar_open_escalations(
        conn,
        &ticket.customer,
        &ticket.documentation.summary,
        Some(ticket.id),
    )?;
    let link_target = match request.link_to {
        Some(id) => match store::load_ticket(conn, id) {
            Ok(target) => Some(LinkTarget {
                id: target.id,
                key: target.key,
                status: target.status,
            }),
            Err(Error::NotFound { .. }) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    Ok(Context {
        similar,
        link_target,
        ..Context::default()
    })
}

/// SOP §7: the leak check for a message about `ticket`. Every person at the
/// desk is internal except the owner, who signs it; the customer's own names
/// are not internal; the ticket's notes and L1–L2 exchanges are.
fn leak_check(conn: &Connection, ticket: &Ticket, rules: &LeakRules) -> Result<LeakCheck> {
    let users = store::list_users(conn)?;
    let mut rules = rules.clone().with_users(&users);
    if let Some(owner) = users.iter().find(|user| user.id == ticket.owner) {
        rules.allowed_names.push(owner.display_name.clone());
        rules.allowed_names.push(owner.handle.clone());
    }
    rules.allowed_names.push(ticket.customer.clone());
    rules.allowed_names.extend(ticket.customer_contact.clone());
    rules
        .internal_notes
        .extend(ticket.notes.iter().map(|note| note.body.clone()));
    for exchange in &ticket.info_exchanges {
        rules.internal_notes.push(exchange.question.clone());
        rules.internal_notes.extend(exchange.answer.clone());
    }
    rules.compile()
}

/// Rewrites a ticket's SLA projection row from its whole stream.
fn project_sla(
    conn: &Connection,
    id: TicketId,
    events: &[Event],
    config: &SlaConfig,
) -> Result<()> {
    let sla = TicketSla::from_events(events);
    store::project_sla(
        conn,
        id,
        &store::SlaRow {
            state: sla.recorded_state(),
            next_check: sla.next_check(config),
            next_due: sla.next_due(config),
        },
    )
}

/// Recomputes the SLA projection of every ticket not closed (a closed
/// ticket's clocks have all stopped).
fn reproject_sla(conn: &Connection, config: &SlaConfig) -> Result<()> {
    for id in store::unclosed_tickets(conn)? {
        project_sla(conn, id, &store::load_stream(conn, id)?, config)?;
    }
    Ok(())
}

/// The text written to `sla.toml`: a header pointing at the documentation,
/// then the config.
fn sla_file_text(config: &SlaConfig) -> String {
    format!(
        "# Escalator SLA policies, calendars and warning points.\n\
         # Saved by Escalator; edit here or in the app (Settings → SLA policies).\n\
         # The shipped defaults, with comments on every key, are in docs/sla.md.\n\n{}",
        config.to_toml()
    )
}

fn check_size(value: &impl Serialize) -> Result<()> {
    let size = serde_json::to_vec(value)?.len();
    if size > MAX_COMMAND_BYTES {
        return Err(Error::invalid(
            "text",
            format!("the request is {size} bytes; the limit is {MAX_COMMAND_BYTES} bytes"),
        ));
    }
    Ok(())
}
