//! SOP §7 customer communication: the leak check, templates and drafts.

use super::config::{read_beside, write_atomically};
use super::{active_user, Desk};
use crate::comms::templates::{self, Template, TemplateKind, TemplateValues};
use crate::comms::{Finding, LeakCheck, LeakRules};
use crate::domain::Ticket;
use crate::error::{Error, Result};
use crate::sla::{Target, TicketSla};
use crate::store;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

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

impl Desk {
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
}

/// SOP §7: the leak check for a message about `ticket`. Every person at the
/// desk is internal except the owner, who signs it; the customer's own names
/// are not internal; the ticket's notes and L1–L2 exchanges are.
pub(super) fn leak_check(
    conn: &Connection,
    ticket: &Ticket,
    rules: &LeakRules,
) -> Result<LeakCheck> {
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
