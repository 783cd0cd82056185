//! E-mail over SMTP, for the two kinds of mail the desk sends: official
//! notifications to management (SOP §6 Step 4, [`crate::official`]) and
//! updates to the customer (SOP §7, `mail.toml`, sent from the composer).
//!
//! One [`SmtpServer`] shape serves both, so a desk configures a server the
//! same way in `official.toml` and `mail.toml`. The password is never in a
//! file or the database (DESIGN: secrets go in the OS keyring): it is read
//! from the keyring under [`KEYRING_SERVICE`] and the SMTP user name, or, for
//! CI and headless setups, from the environment variable `password_env`
//! names.

use crate::error::{Error, Result};
use lettre::message::{header::ContentType, Mailbox, Message};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The customer e-mail config file, beside the database; optional.
pub const MAIL_FILE: &str = "mail.toml";

/// The OS keyring service SMTP passwords are stored under (the user is the
/// SMTP user name).
pub const KEYRING_SERVICE: &str = crate::APP_IDENTIFIER;

/// How long one customer e-mail's SMTP conversation may take.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// An SMTP server and how to log in to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SmtpServer {
    pub host: String,
    /// Defaults to 25 without TLS, 587 with STARTTLS, 465 with TLS.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: SmtpTls,
    /// The SMTP login; without it the server is used unauthenticated.
    #[serde(default)]
    pub username: Option<String>,
    /// For CI and headless setups: the environment variable holding the
    /// password, instead of the OS keyring.
    #[serde(default)]
    pub password_env: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain SMTP: only for a relay on the same machine.
    None,
    #[default]
    Starttls,
    /// Implicit TLS (SMTPS).
    Tls,
}

impl SmtpServer {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        })
    }

    /// The login, if the server has one: the password comes from
    /// `password_env` when set, else from the OS keyring. `section` is where
    /// the server is configured, for the error: "email" or "smtp".
    pub fn credentials(
        &self,
        section: &str,
    ) -> std::result::Result<Option<(String, String)>, String> {
        let Some(username) = &self.username else {
            return Ok(None);
        };
        let password = match &self.password_env {
            Some(variable) => std::env::var(variable).map_err(|_| {
                format!("the SMTP password variable {variable} ({section}.password_env) is not set")
            })?,
            None => keyring::Entry::new(KEYRING_SERVICE, username)
                .and_then(|entry| entry.get_password())
                .map_err(|error| {
                    format!(
                        "no SMTP password for {username} in the OS keyring \
                         (service {KEYRING_SERVICE}): {error}"
                    )
                })?,
        };
        Ok(Some((username.clone(), password)))
    }

    /// The first mistake, as (key under `section`, message).
    pub fn validate(&self, section: &str) -> std::result::Result<(), (String, String)> {
        let key = |name: &str| format!("{section}.{name}");
        if self.host.trim().is_empty() {
            return Err((key("host"), "the SMTP server's host name is empty".into()));
        }
        if self.port == Some(0) {
            return Err((key("port"), "the port must be 1–65535".into()));
        }
        if self.password_env.is_some() && self.username.is_none() {
            return Err((
                key("username"),
                "password_env is set but there is no username to log in with".into(),
            ));
        }
        Ok(())
    }
}

/// Stores the SMTP password of `username` in the OS keyring, where
/// [`SmtpServer::credentials`] finds it.
pub fn store_password(username: &str, password: &str) -> Result<()> {
    let username = username.trim();
    if username.is_empty() {
        return Err(Error::invalid("username", "name the SMTP user first"));
    }
    if password.is_empty() {
        return Err(Error::invalid("password", "the password is empty"));
    }
    keyring::Entry::new(KEYRING_SERVICE, username)
        .and_then(|entry| entry.set_password(password))
        .map_err(|error| {
            Error::Delivery(format!(
                "the OS keyring did not store the password for {username}: {error}"
            ))
        })
}

/// Whether the OS keyring holds a password for `username`.
pub fn has_stored_password(username: &str) -> bool {
    keyring::Entry::new(KEYRING_SERVICE, username.trim())
        .and_then(|entry| entry.get_password())
        .is_ok()
}

/// A plain-text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub reply_to: Option<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    /// Extra headers, such as `X-Escalator-Ticket`.
    pub headers: Vec<(String, String)>,
}

/// Parses an address ("Name <a@b.example>" or "a@b.example"), naming `field`.
pub fn mailbox(address: &str, field: &str) -> Result<Mailbox> {
    address.trim().parse::<Mailbox>().map_err(|error| {
        Error::invalid(
            field,
            format!("'{}' is not an e-mail address: {error}", address.trim()),
        )
    })
}

/// Sends `mail` through `server` and returns its Message-ID. The error is
/// what went wrong, worded for the person or the record.
pub fn send(
    server: &SmtpServer,
    section: &str,
    mail: &Mail,
    timeout: std::time::Duration,
) -> std::result::Result<String, String> {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{SmtpTransport, Transport};

    let message = build(mail).map_err(|error| error.to_string())?;
    let message_id = message
        .headers()
        .get_raw("Message-ID")
        .unwrap_or_default()
        .to_string();
    let host = server.host.trim();
    let mut transport = match server.tls {
        SmtpTls::None => SmtpTransport::builder_dangerous(host),
        SmtpTls::Starttls => {
            SmtpTransport::starttls_relay(host).map_err(|error| format!("SMTP {host}: {error}"))?
        }
        SmtpTls::Tls => {
            SmtpTransport::relay(host).map_err(|error| format!("SMTP {host}: {error}"))?
        }
    }
    .port(server.port())
    .timeout(Some(timeout));
    if let Some((username, password)) = server.credentials(section)? {
        transport = transport.credentials(Credentials::new(username, password));
    }
    transport
        .build()
        .send(&message)
        .map(|_| message_id)
        .map_err(|error| format!("SMTP {host}:{}: {error}", server.port()))
}

fn build(mail: &Mail) -> Result<Message> {
    let from = mailbox(&mail.from, "from")?;
    let domain = from.email.domain().to_string();
    let mut builder = Message::builder()
        .from(from)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{domain}>", uuid::Uuid::now_v7())));
    for to in &mail.to {
        builder = builder.to(mailbox(to, "to")?);
    }
    for bcc in &mail.bcc {
        builder = builder.bcc(mailbox(bcc, "bcc")?);
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(mailbox(reply_to, "reply_to")?);
    }
    for (name, value) in &mail.headers {
        builder = builder.raw_header(lettre::message::header::HeaderValue::new(
            lettre::message::header::HeaderName::new_from_ascii(name.clone())
                .map_err(|_| Error::Internal(format!("bad header name {name}")))?,
            value.clone(),
        ));
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone())
        .map_err(|error| Error::invalid("mail", format!("cannot build the message: {error}")))
}

// ---- customer e-mail (mail.toml) ------------------------------------------

/// `mail.toml`: how customer updates are sent by e-mail (SOP §7).
///
/// ```toml
/// from = "Example Support <support@example.com>"
/// reply_to = "support@example.com"         # optional
/// bcc = ["escalations@example.com"]        # optional: an archive copy
/// [smtp]
/// host = "smtp.example.com"
/// tls = "starttls"
/// username = "support@example.com"         # password in the OS keyring
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CustomerMail {
    pub from: String,
    #[serde(default)]
    pub reply_to: Option<String>,
    #[serde(default)]
    pub bcc: Vec<String>,
    pub smtp: SmtpServer,
}

impl CustomerMail {
    /// Reads `mail.toml`. Every error names the key and the file.
    pub fn from_toml(text: &str, path: &Path) -> Result<CustomerMail> {
        let config: CustomerMail = crate::desk::parse_toml(text, path, "mail")?;
        config.validate().map_err(|(key, message)| {
            Error::invalid(key, format!("{message} (in {})", path.display()))
        })?;
        Ok(config)
    }

    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        let address = |value: &str, key: &str| {
            mailbox(value, key)
                .map(|_| ())
                .map_err(|error| (key.to_string(), error.to_string()))
        };
        address(&self.from, "from")?;
        if let Some(reply_to) = &self.reply_to {
            address(reply_to, "reply_to")?;
        }
        for bcc in &self.bcc {
            address(bcc, "bcc")?;
        }
        self.smtp.validate("smtp")
    }

    /// The text written to `mail.toml`.
    pub fn to_file_text(&self) -> String {
        let toml = toml::to_string(self).unwrap_or_default();
        format!(
            "# Escalator: customer e-mail (SOP §7). Saved by Escalator; edit here or in\n\
             # the app (Settings → Customer e-mail). The SMTP password is in the OS\n\
             # keyring, under the service {KEYRING_SERVICE} and the SMTP user name.\n\n{toml}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> Mail {
        Mail {
            from: "Example Support <support@example.com>".into(),
            to: vec!["ops@globex.example".into()],
            reply_to: Some("support@example.com".into()),
            bcc: vec!["archive@example.com".into()],
            subject: "Update on your issue [ESC-7]".into(),
            text: "Hello".into(),
            headers: vec![("X-Escalator-Ticket".into(), "ESC-7".into())],
        }
    }

    #[test]
    fn a_message_carries_its_headers_and_a_message_id_on_the_senders_domain() {
        let message = build(&mail()).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("X-Escalator-Ticket: ESC-7"), "{raw}");
        assert!(raw.contains("Reply-To: support@example.com"), "{raw}");
        assert!(
            !raw.contains("archive@example.com"),
            "Bcc is not a header: {raw}"
        );
        let id = message.headers().get_raw("Message-ID").unwrap();
        assert!(id.starts_with('<') && id.ends_with("@example.com>"), "{id}");
    }

    #[test]
    fn a_bad_recipient_names_the_field() {
        let mut bad = mail();
        bad.to = vec!["not an address".into()];
        let error = build(&bad).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field, .. } if field == "to"),
            "{error}"
        );
    }

    #[test]
    fn the_customer_mail_file_round_trips_and_names_the_wrong_key() {
        let config = CustomerMail {
            from: "Support <support@example.com>".into(),
            reply_to: None,
            bcc: vec![],
            smtp: SmtpServer {
                host: "smtp.example.com".into(),
                port: Some(2525),
                tls: SmtpTls::Starttls,
                username: Some("support".into()),
                password_env: None,
            },
        };
        let path = Path::new("mail.toml");
        assert_eq!(
            CustomerMail::from_toml(&config.to_file_text(), path).unwrap(),
            config
        );
        let error = CustomerMail::from_toml(
            "from = \"support@example.com\"\n[smtp]\nhost = \"x\"\ntls = \"ssl\"\n",
            path,
        )
        .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field, .. } if field == "smtp.tls"),
            "{error}"
        );
        let error =
            CustomerMail::from_toml("from = \"nobody\"\n[smtp]\nhost = \"x\"\n", path).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field, .. } if field == "from"),
            "{error}"
        );
    }
}
