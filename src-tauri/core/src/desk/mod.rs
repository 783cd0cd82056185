//! The desk: the one entry point the app and the CLI use.
//!
//! Every command follows the same path: resolve the acting user, load the
//! ticket's stream, look up what the rules need, [`decide`], then append the
//! events and update the projections in one immediate transaction. A refusal
//! writes nothing, except that a refused escalation is itself recorded (SOP
//! §6 Step 2, reported on in the §13 review).

use crate::attachments::{AttachmentStore, StagedFile};
use crate::clock::{Clock, SystemClock};
use crate::commands::{Command, NewTicket};
use crate::comms::LeakRules;
use crate::domain::{AttachmentKind, Role, Team, Ticket, TicketId, User, UserId};
use crate::error::{Error, Result};
use crate::events::{EscalationRefused, Event, EventBody};
use crate::mail::CustomerMail;
use crate::official::OfficialConfig;
use crate::rules::{decide, decide_open, Context, LinkTarget, SimilarEscalation, Violation};
use crate::sla::{ClockView, SlaConfig, TicketSla};
use crate::store::{self, QueueCount, RebuildReport, Store, TicketPage, TicketQuery, VerifyReport};
use crate::timeline::{describe_all, TimelineEntry};
use chrono::{DateTime, Utc};
use comms::leak_check;
use rusqlite::Connection;
use serde::Serialize;
use sla::{project_sla, reproject_if_changed, reproject_sla};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ts_rs::TS;

/// The largest command accepted, as JSON; ticket text beyond this is abuse.
const MAX_COMMAND_BYTES: usize = 256 * 1024;

pub struct Desk {
    store: Store,
    clock: Arc<dyn Clock>,
    attachments: AttachmentStore,
    database_path: PathBuf,
    sla: SlaConfig,
    leak: LeakRules,
    official: OfficialConfig,
    customer_mail: Option<CustomerMail>,
}

mod comms;
mod config;
mod official;
mod review;
mod sla;

pub use comms::{CustomerEmail, CustomerMailSettings, Draft, TEMPLATES_FILE, TICKET_HEADER};
pub(crate) use config::{parse_toml, write_atomically};
pub use config::{DeskConfig, LEAK_FILE, SLA_FILE};
pub use sla::{SlaOverview, SlaSweep, UrgentTicket};

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
            customer_mail: config.customer_mail,
        };
        // Written with another config, or by an older build.
        desk.store.write(|tx| reproject_if_changed(tx, &desk.sla))?;
        Ok(desk)
    }

    pub fn database_path(&self) -> &Path {
        &self.database_path
    }

    /// A config file beside the database (it may not exist).
    pub fn file_beside(&self, name: &str) -> PathBuf {
        self.database_path
            .parent()
            .unwrap_or(Path::new("."))
            .join(name)
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
            let notices = crate::official::queue_for(tx, &ticket, &appended, official)?;
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
            crate::official::project(tx, id, &stream)?;
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

    /// SLA policy, calendars and templates are a lead's decision (SOP §3).
    fn require_lead(&self, actor: &str) -> Result<()> {
        let user = active_user(self.store.read(), actor)?;
        if user.role == Role::L3Lead {
            return Ok(());
        }
        Err(Error::Rejected(vec![crate::Rule::Role.violation_with(
            "Only an L3 lead or manager changes SLA policies and calendars (SOP §3)",
        )]))
    }

    /// Raw read access for reports and tests.
    pub fn connection(&self) -> &Connection {
        self.store.read()
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
