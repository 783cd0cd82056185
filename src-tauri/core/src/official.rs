//! Official notifications: SOP §6 Step 4 ("P1 issues must also notify
//! management through official channels") and §8 ("P1: immediate escalation
//! + management notification").
//!
//! Telling management is part of the record, so it goes through the log like
//! everything else. Whenever a `ManagementEscalated` is appended (a P1
//! escalation, a management escalation, the SLA monitor's §5.3 raise), the
//! desk appends an `OfficialNotificationQueued` per configured channel in the
//! same transaction: the outbox. A delivery worker ([`crate::Desk::deliver_official`])
//! sends what is due and records each attempt as `OfficialNotificationDelivered`
//! or `OfficialNotificationFailed`, retrying with a backoff for 24 hours and
//! then marking it given up, still listed: nothing is lost silently, even
//! across restarts. The `official_outbox` table is a projection of those
//! events, so "what is due?" is one index probe.
//!
//! The channels come from `official.toml` beside the database (see
//! `docs/official-channels.md`). The SMTP password never sits in that file:
//! it is read from the OS keyring, or for CI and headless setups from an
//! environment variable the file names.

use crate::domain::{Priority, Ticket, TicketId, User};
use crate::error::{Error, Result};
use crate::events::{
    Event, EventBody, ManagementEscalated, OfficialNotificationDelivered,
    OfficialNotificationFailed, OfficialNotificationQueued,
};
pub use crate::mail::SmtpTls;
use crate::mail::{self, Mail, SmtpServer};
use crate::store;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The official channels' config file, beside the database; optional.
pub const OFFICIAL_FILE: &str = "official.toml";

/// How long a notification is retried before it is given up.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);

/// How many due deliveries one call of the worker sends at most.
pub(crate) const DELIVERY_BATCH: usize = 50;

/// Where an official notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OfficialChannel {
    Email,
    Webhook,
}

impl OfficialChannel {
    pub fn code(self) -> &'static str {
        match self {
            OfficialChannel::Email => "email",
            OfficialChannel::Webhook => "webhook",
        }
    }

    fn parse(code: &str) -> Result<OfficialChannel> {
        match code {
            "email" => Ok(OfficialChannel::Email),
            "webhook" => Ok(OfficialChannel::Webhook),
            other => Err(Error::Internal(format!(
                "unknown official channel {other} in the outbox"
            ))),
        }
    }
}

impl std::fmt::Display for OfficialChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

// ---- configuration ---------------------------------------------------------

/// The channels of `official.toml`. With neither, nothing is queued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialConfig {
    #[serde(default)]
    pub email: Option<EmailChannel>,
    #[serde(default)]
    pub webhook: Option<WebhookChannel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailChannel {
    pub host: String,
    /// Defaults to 25 without TLS, 587 with STARTTLS, 465 with TLS.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: SmtpTls,
    pub from: String,
    pub to: Vec<String>,
    /// The SMTP login; without it the server is used unauthenticated.
    #[serde(default)]
    pub username: Option<String>,
    /// For CI and headless setups: the environment variable holding the SMTP
    /// password, instead of the OS keyring.
    #[serde(default)]
    pub password_env: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookChannel {
    pub url: String,
    pub kind: WebhookKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookKind {
    Slack,
    Teams,
}

impl EmailChannel {
    /// The server part of the channel, in the shape [`crate::mail`] sends with.
    pub fn server(&self) -> SmtpServer {
        SmtpServer {
            host: self.host.clone(),
            port: self.port,
            tls: self.tls,
            username: self.username.clone(),
            password_env: self.password_env.clone(),
        }
    }
}

impl OfficialConfig {
    /// Reads `official.toml`. Every error names the key and the file.
    pub fn from_toml(text: &str, path: &Path) -> Result<OfficialConfig> {
        let config: OfficialConfig = crate::desk::parse_toml(text, path, "official")?;
        config.validate().map_err(|(key, message)| {
            Error::invalid(key, format!("{message} (in {})", path.display()))
        })?;
        Ok(config)
    }

    /// The channels in the order they are queued.
    pub fn channels(&self) -> Vec<OfficialChannel> {
        let mut channels = Vec::new();
        if self.email.is_some() {
            channels.push(OfficialChannel::Email);
        }
        if self.webhook.is_some() {
            channels.push(OfficialChannel::Webhook);
        }
        channels
    }

    fn validate(&self) -> std::result::Result<(), (String, String)> {
        if let Some(email) = &self.email {
            email.server().validate("email")?;
            email
                .from
                .parse::<lettre::message::Mailbox>()
                .map_err(|error| {
                    (
                        "email.from".to_string(),
                        format!("'{}': {error}", email.from),
                    )
                })?;
            if email.to.is_empty() {
                return Err(("email.to".into(), "name at least one recipient".into()));
            }
            for to in &email.to {
                to.parse::<lettre::message::Mailbox>()
                    .map_err(|error| ("email.to".to_string(), format!("'{to}': {error}")))?;
            }
        }
        if let Some(webhook) = &self.webhook {
            let url = webhook.url.trim();
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
                return Err((
                    "webhook.url".into(),
                    format!("'{url}' is not an http(s) URL"),
                ));
            }
        }
        Ok(())
    }
}

// ---- the message -----------------------------------------------------------

/// What management is told: the ticket key and the impact (§6 Step 4), the
/// customer, the priority, the reasons and who raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub text: String,
}

impl Notice {
    pub fn for_escalation(
        ticket: &Ticket,
        raised: &ManagementEscalated,
        raised_by: &str,
    ) -> Notice {
        let what = match ticket.priority {
            Some(Priority::P1) => "P1 escalation".to_string(),
            _ => "Management escalation".to_string(),
        };
        let subject = format!("[Escalator] {what} {} · {}", ticket.key, ticket.customer);
        let priority = ticket.priority.map_or("not set".to_string(), |p| {
            format!("{} ({})", p.code(), p.label())
        });
        let or_none = |text: &str| {
            if text.trim().is_empty() {
                "(not recorded)".to_string()
            } else {
                text.trim().to_string()
            }
        };
        let mut reasons: Vec<&str> = raised.reasons.iter().map(|reason| reason.label()).collect();
        if let Some(escalation) = &ticket.escalation {
            for reason in &escalation.reasons {
                if !raised.reasons.contains(reason) {
                    reasons.push(reason.label());
                }
            }
        }
        let mut text = format!(
            "{what} of {key} for {customer}.\n\n\
             Ticket: {key}\n\
             Customer: {customer}\n\
             Priority: {priority}\n\
             Impact: {impact}\n\
             Summary: {summary}\n\
             Product: {product}\n\
             Reasons: {reasons}\n\
             Raised by: {raised_by}\n",
            key = ticket.key,
            customer = ticket.customer,
            impact = or_none(&ticket.documentation.impact),
            summary = or_none(&ticket.documentation.summary),
            product = or_none(&ticket.documentation.product),
            reasons = if reasons.is_empty() {
                "(none given)".to_string()
            } else {
                reasons.join("; ")
            },
        );
        if let Some(team) = ticket.team {
            text.push_str(&format!("Escalated to: {} (L2)\n", team.label()));
        }
        if !raised.note.trim().is_empty() {
            text.push_str(&format!("Note: {}\n", raised.note.trim()));
        }
        text.push_str(
            "\nSent by Escalator as the official management notification \
             (Escalation SOP §6 Step 4, §8).\n",
        );
        Notice { subject, text }
    }
}

/// The JSON a webhook of `kind` is posted: `{"text"}` for Slack incoming
/// webhooks, `{"title", "text"}` for Teams incoming webhooks (legacy connector).
pub fn webhook_body(kind: WebhookKind, subject: &str, text: &str) -> serde_json::Value {
    match kind {
        WebhookKind::Slack => serde_json::json!({ "text": format!("*{subject}*\n\n{text}") }),
        WebhookKind::Teams => serde_json::json!({
            "title": subject,
            // The connector renders Markdown: a line break needs two spaces.
            "text": text.replace('\n', "  \n"),
        }),
    }
}

/// The `OfficialNotificationQueued` bodies for every `ManagementEscalated`
/// among `new`, one per configured channel.
pub(crate) fn queue_for(
    conn: &Connection,
    ticket: &Ticket,
    new: &[Event],
    config: &OfficialConfig,
) -> Result<Vec<EventBody>> {
    let channels = config.channels();
    let mut bodies = Vec::new();
    if channels.is_empty() {
        return Ok(bodies);
    }
    for event in new {
        let EventBody::ManagementEscalated(raised) = &event.body else {
            continue;
        };
        let raised_by = if event.actor == User::system_id() {
            "Escalator's SLA monitor (SOP §5.3)".to_string()
        } else {
            let user = store::user_by_id(conn, event.actor)?;
            format!("{} ({})", user.display_name, user.handle)
        };
        let notice = Notice::for_escalation(ticket, raised, &raised_by);
        for channel in &channels {
            bodies.push(EventBody::OfficialNotificationQueued(
                OfficialNotificationQueued {
                    channel: *channel,
                    subject: notice.subject.clone(),
                    text: notice.text.clone(),
                },
            ));
        }
    }
    Ok(bodies)
}

// ---- the outbox ------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    GivenUp,
}

impl DeliveryState {
    fn code(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::GivenUp => "given_up",
        }
    }

    fn parse(code: &str) -> Result<DeliveryState> {
        match code {
            "pending" => Ok(DeliveryState::Pending),
            "delivered" => Ok(DeliveryState::Delivered),
            "given_up" => Ok(DeliveryState::GivenUp),
            other => Err(Error::Internal(format!(
                "unknown delivery state {other} in the outbox"
            ))),
        }
    }
}

/// One queued notification on one channel, as its events leave it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Delivery {
    pub ticket_id: TicketId,
    /// The seq of its `OfficialNotificationQueued` event.
    pub queued_seq: u64,
    pub channel: OfficialChannel,
    pub state: DeliveryState,
    pub attempts: u32,
    /// Set while it is pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub queued_at: DateTime<Utc>,
}

/// The deliveries of one ticket's stream, in queue order.
pub fn deliveries(events: &[Event]) -> Vec<Delivery> {
    let mut found: Vec<Delivery> = Vec::new();
    for event in events {
        match &event.body {
            EventBody::OfficialNotificationQueued(queued) => found.push(Delivery {
                ticket_id: event.ticket_id,
                queued_seq: event.seq,
                channel: queued.channel,
                state: DeliveryState::Pending,
                attempts: 0,
                next_attempt_at: Some(event.at),
                last_error: None,
                queued_at: event.at,
            }),
            EventBody::OfficialNotificationDelivered(delivered) => {
                if let Some(delivery) = found.iter_mut().find(|d| d.queued_seq == delivered.queued)
                {
                    delivery.state = DeliveryState::Delivered;
                    delivery.attempts = delivered.attempt;
                    delivery.next_attempt_at = None;
                }
            }
            EventBody::OfficialNotificationFailed(failed) => {
                if let Some(delivery) = found.iter_mut().find(|d| d.queued_seq == failed.queued) {
                    delivery.attempts = failed.attempt;
                    delivery.last_error = Some(failed.error.clone());
                    delivery.next_attempt_at = failed.next_attempt_at;
                    delivery.state = match failed.next_attempt_at {
                        Some(_) => DeliveryState::Pending,
                        None => DeliveryState::GivenUp,
                    };
                }
            }
            _ => {}
        }
    }
    found
}

/// When to try again after `attempt` (1-based) failed at `now`: 1 min, 5 min,
/// 15 min, 1 h, then every hour; `None` (given up) past 24 h after queuing.
pub fn next_attempt(
    queued_at: DateTime<Utc>,
    attempt: u32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let delay = match attempt {
        0 | 1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        _ => Duration::hours(1),
    };
    Some(now + delay).filter(|next| *next <= queued_at + GIVE_UP_AFTER)
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| Error::Internal(format!("malformed timestamp {text} in the outbox")))
}

/// Rewrites the ticket's outbox rows from its whole stream.
pub(crate) fn project(conn: &Connection, ticket: TicketId, events: &[Event]) -> Result<()> {
    let found = deliveries(events);
    if found.is_empty() {
        return Ok(());
    }
    conn.execute(
        "DELETE FROM official_outbox WHERE ticket_id = ?1",
        [ticket.to_string()],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO official_outbox
         (ticket_id, queued_seq, channel, state, attempts, next_attempt_at, last_error, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for delivery in found {
        insert.execute(params![
            ticket.to_string(),
            delivery.queued_seq as i64,
            delivery.channel.code(),
            delivery.state.code(),
            delivery.attempts,
            delivery.next_attempt_at.map(timestamp),
            delivery.last_error,
            timestamp(delivery.queued_at),
        ])?;
    }
    Ok(())
}

const COLUMNS: &str =
    "ticket_id, queued_seq, channel, state, attempts, next_attempt_at, last_error, queued_at";

fn read_rows(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Delivery>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement
        .query_map(params, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, u32>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<String>>(6)?,
                row.get::<_, String>(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, seq, channel, state, attempts, next, error, queued)| {
            Ok(Delivery {
                ticket_id: id
                    .parse()
                    .map_err(|_| Error::Internal(format!("malformed ticket id {id}")))?,
                queued_seq: seq as u64,
                channel: OfficialChannel::parse(&channel)?,
                state: DeliveryState::parse(&state)?,
                attempts,
                next_attempt_at: next.as_deref().map(parse_time).transpose()?,
                last_error: error,
                queued_at: parse_time(&queued)?,
            })
        })
        .collect()
}

/// Up to `limit` pending deliveries due at or before `now`, earliest first.
pub(crate) fn due(conn: &Connection, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>> {
    read_rows(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM official_outbox
             WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?1
             ORDER BY next_attempt_at LIMIT ?2"
        ),
        params![timestamp(now), limit as i64],
    )
}

/// When the next pending delivery falls due.
pub(crate) fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let mut statement = conn.prepare_cached(
        "SELECT next_attempt_at FROM official_outbox WHERE next_attempt_at IS NOT NULL
         ORDER BY next_attempt_at LIMIT 1",
    )?;
    let next: Option<String> =
        rusqlite::OptionalExtension::optional(statement.query_row([], |row| row.get(0)))?;
    next.as_deref().map(parse_time).transpose()
}

/// Every delivery not delivered: pending or given up, oldest first.
pub(crate) fn undelivered(conn: &Connection) -> Result<Vec<Delivery>> {
    read_rows(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM official_outbox WHERE state <> 'delivered'
             ORDER BY queued_at, ticket_id, queued_seq, channel"
        ),
        [],
    )
}

// ---- sending ---------------------------------------------------------------

/// Sends official notifications. [`NetworkSender`] talks SMTP and HTTP;
/// tests may substitute their own. An `Err` is the reason, as recorded.
pub trait Sender {
    fn send_email(
        &self,
        channel: &EmailChannel,
        subject: &str,
        text: &str,
    ) -> std::result::Result<(), String>;
    fn post_webhook(&self, url: &str, json: &serde_json::Value) -> std::result::Result<(), String>;
}

/// SMTP through `lettre` (blocking; STARTTLS or TLS through rustls, or plain
/// for a local relay) and HTTP(S) POST through `ureq`.
#[derive(Debug, Clone)]
pub struct NetworkSender {
    pub timeout: std::time::Duration,
}

impl Default for NetworkSender {
    fn default() -> Self {
        NetworkSender {
            timeout: std::time::Duration::from_secs(30),
        }
    }
}

impl Sender for NetworkSender {
    fn send_email(
        &self,
        channel: &EmailChannel,
        subject: &str,
        text: &str,
    ) -> std::result::Result<(), String> {
        let mail = Mail {
            from: channel.from.clone(),
            to: channel.to.clone(),
            reply_to: None,
            bcc: Vec::new(),
            subject: subject.to_string(),
            text: text.to_string(),
            headers: Vec::new(),
        };
        mail::send(&channel.server(), "email", &mail, self.timeout).map(|_| ())
    }

    fn post_webhook(&self, url: &str, json: &serde_json::Value) -> std::result::Result<(), String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .build()
            .into();
        agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(json.to_string())
            .map(|_| ())
            .map_err(|error| format!("POST {url}: {error}"))
    }
}

/// What one run of the delivery worker did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct DeliveryReport {
    /// The attempts it recorded, as events.
    pub recorded: Vec<Event>,
    pub delivered: u32,
    pub failed: u32,
    /// Failures that were the last try.
    pub given_up: u32,
    /// When the worker must run again; None when nothing is pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// Sends one delivery with `config`'s channel. The error is what is recorded.
pub(crate) fn send(
    sender: &dyn Sender,
    config: &OfficialConfig,
    channel: OfficialChannel,
    subject: &str,
    text: &str,
) -> std::result::Result<(), String> {
    match channel {
        OfficialChannel::Email => match &config.email {
            Some(email) => sender.send_email(email, subject, text),
            None => Err(format!("no [email] channel in {OFFICIAL_FILE}")),
        },
        OfficialChannel::Webhook => match &config.webhook {
            Some(webhook) => {
                sender.post_webhook(&webhook.url, &webhook_body(webhook.kind, subject, text))
            }
            None => Err(format!("no [webhook] channel in {OFFICIAL_FILE}")),
        },
    }
}

/// The attempt's event, given how it went.
pub(crate) fn attempt_body(
    delivery: &Delivery,
    outcome: std::result::Result<(), String>,
    now: DateTime<Utc>,
) -> EventBody {
    let attempt = delivery.attempts + 1;
    match outcome {
        Ok(()) => EventBody::OfficialNotificationDelivered(OfficialNotificationDelivered {
            channel: delivery.channel,
            queued: delivery.queued_seq,
            attempt,
        }),
        Err(error) => EventBody::OfficialNotificationFailed(OfficialNotificationFailed {
            channel: delivery.channel,
            queued: delivery.queued_seq,
            attempt,
            error,
            next_attempt_at: next_attempt(delivery.queued_at, attempt, now),
        }),
    }
}

/// The queued notification a delivery sends.
pub(crate) fn queued_in(events: &[Event], seq: u64) -> Option<&OfficialNotificationQueued> {
    events.iter().find_map(|event| match &event.body {
        EventBody::OfficialNotificationQueued(queued) if event.seq == seq => Some(queued),
        _ => None,
    })
}
