//! SOP §7 customer communication: the leak check, templates, drafts, and
//! e-mail sent through the desk's own mail server (`mail.toml`).
//!
//! An e-mail is sent first and recorded after: the rules (owner only, the
//! leak check) are checked without writing, the server must accept the
//! message, and only then is `CustomerUpdateSent` appended with the
//! recipients and the Message-ID. A refused or unreachable server records
//! nothing. The subject carries the ticket key (`… [ESC-12]`) and the
//! `X-Escalator-Ticket` header names it, so a reply finds its ticket; in the
//! text itself a key is still flagged, as prose about our tracker means
//! nothing to the customer.

use super::config::{read_beside, write_atomically};
use super::Outcome;
use super::{active_user, Desk};
use crate::commands::Command;
use crate::comms::templates::{self, Template, TemplateKind, TemplateValues};
use crate::comms::{Finding, LeakCheck, LeakRules};
use crate::domain::{CommunicationChannel, Ticket};
use crate::error::{Error, Result};
use crate::events::SentEmail;
use crate::mail::{self, CustomerMail, Mail, MAIL_FILE};
use crate::sla::{Target, TicketSla};
use crate::store;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
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

/// A customer update to send by e-mail, as the composer has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerEmail {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// SOP §7: why it goes out although the leak check found something.
    #[serde(default)]
    pub leak_override: Option<String>,
}

/// The customer e-mail settings as the settings screen shows them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerMailSettings {
    pub config: Option<CustomerMail>,
    /// Whether the OS keyring holds the SMTP user's password.
    pub password_stored: bool,
    /// Where `mail.toml` is (it may not exist yet).
    pub path: String,
}

/// The header naming the ticket in every customer e-mail.
pub const TICKET_HEADER: &str = "X-Escalator-Ticket";

impl Desk {
    // ---- customer communication (SOP §7) ----------------------------------

    /// Sends a customer update by e-mail through `mail.toml`'s server, then
    /// records it on the ticket (channel `smtp`, with the recipients and the
    /// Message-ID). Owner only, leak-checked like every update; nothing is
    /// recorded unless the server accepted the message.
    pub fn send_customer_email(
        &mut self,
        actor: &str,
        reference: &str,
        email: CustomerEmail,
    ) -> Result<Outcome> {
        let config = self.customer_mail.clone().ok_or_else(|| {
            Error::invalid(
                "channel",
                format!(
                    "no mail server for customer e-mail: an L3 lead sets one in \
                     Settings → Customer e-mail ({MAIL_FILE} beside the database)"
                ),
            )
        })?;
        let to: Vec<String> = email
            .to
            .iter()
            .map(|address| address.trim().to_string())
            .filter(|address| !address.is_empty())
            .collect();
        if to.is_empty() {
            return Err(Error::invalid("to", "name the customer's e-mail address"));
        }
        for address in &to {
            mail::mailbox(address, "to")?;
        }
        if email.subject.trim().is_empty() {
            return Err(Error::invalid("subject", "an e-mail needs a subject"));
        }
        let mut command = Command::RecordCustomerUpdate {
            channel: CommunicationChannel::Smtp,
            body: email.body.clone(),
            subject: email.subject.clone(),
            leak_override: email.leak_override,
            email: Some(SentEmail {
                to: to.clone(),
                message_id: String::new(),
            }),
        };
        let violations = self.check(actor, reference, &command)?;
        if !violations.is_empty() {
            return Err(Error::Rejected(violations));
        }
        let key = self.ticket(reference)?.ticket.key;
        let message = Mail {
            from: config.from,
            to,
            reply_to: config.reply_to,
            bcc: config.bcc,
            subject: format!("{} [{key}]", email.subject.trim()),
            text: email.body.trim().to_string(),
            headers: vec![(TICKET_HEADER.to_string(), key)],
        };
        let message_id = mail::send(&config.smtp, "smtp", &message, mail::SEND_TIMEOUT)
            .map_err(Error::Delivery)?;
        if let Command::RecordCustomerUpdate {
            email: Some(sent), ..
        } = &mut command
        {
            sent.message_id = message_id;
        }
        self.execute(actor, reference, command)
    }

    /// The customer e-mail settings, for the settings screen.
    pub fn customer_mail_settings(&self) -> CustomerMailSettings {
        let password_stored = self
            .customer_mail
            .as_ref()
            .and_then(|config| config.smtp.username.as_deref())
            .is_some_and(mail::has_stored_password);
        CustomerMailSettings {
            config: self.customer_mail.clone(),
            password_stored,
            path: self.file_beside(MAIL_FILE).display().to_string(),
        }
    }

    /// Saves the customer e-mail settings to `mail.toml` (an L3 lead's
    /// decision), and the SMTP password, if given, to the OS keyring. A
    /// mistake names its key and nothing is saved.
    pub fn set_customer_mail(
        &mut self,
        actor: &str,
        config: CustomerMail,
        password: Option<&str>,
    ) -> Result<()> {
        self.require_lead(actor)?;
        config
            .validate()
            .map_err(|(key, message)| Error::invalid(key, message))?;
        if let Some(password) = password.filter(|password| !password.is_empty()) {
            let username = config.smtp.username.as_deref().ok_or_else(|| {
                Error::invalid(
                    "smtp.username",
                    "a password needs the SMTP user name it logs in as",
                )
            })?;
            mail::store_password(username, password)?;
        }
        write_atomically(
            &self.file_beside(MAIL_FILE),
            config.to_file_text().as_bytes(),
        )?;
        self.customer_mail = Some(config);
        Ok(())
    }

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
        write_atomically(&self.file_beside(TEMPLATES_FILE), text.as_bytes())
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
