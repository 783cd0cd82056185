//! Where the desk's settings come from: the files beside the database.

use crate::attachments::DEFAULT_MAX_BYTES;
use crate::comms::LeakRules;
use crate::error::{Error, Result};
use crate::mail::{CustomerMail, MAIL_FILE};
use crate::official::{self, OfficialConfig};
use crate::sla::SlaConfig;
use std::path::{Path, PathBuf};

/// The SLA config's file name, beside the database.
pub const SLA_FILE: &str = "sla.toml";

/// The leak check's settings (deny-list, key patterns, internal domains),
/// beside the database; optional.
pub const LEAK_FILE: &str = "leak.toml";

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
    /// SOP §7: the mail server customer updates are sent through, if any.
    pub customer_mail: Option<CustomerMail>,
}

impl Default for DeskConfig {
    fn default() -> Self {
        Self {
            max_attachment_bytes: DEFAULT_MAX_BYTES,
            sla: SlaConfig::default(),
            leak: LeakRules::standard(),
            official: OfficialConfig::default(),
            customer_mail: None,
        }
    }
}

impl DeskConfig {
    /// The defaults, with whichever of these files are beside the database:
    /// `sla.toml` (see `docs/sla.md`), `leak.toml`, `official.toml` (see
    /// `docs/official-channels.md`) and `mail.toml` (customer e-mail).
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
        let customer_mail = read_beside(database, MAIL_FILE)?
            .map(|(path, text)| CustomerMail::from_toml(&text, &path))
            .transpose()?;
        Ok(DeskConfig {
            sla,
            leak,
            official,
            customer_mail,
            ..DeskConfig::default()
        })
    }
}

/// The text of `name` beside the database, if the file exists.
pub(super) fn read_beside(database: &Path, name: &str) -> Result<Option<(PathBuf, String)>> {
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

/// Parses a TOML config file. A mistake is an [`Error::InvalidInput`] naming
/// the dotted key (`smtp.tls`; `root` when there is none) and the file.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    root: &str,
) -> Result<T> {
    toml::from_str(text).map_err(|error| {
        let key = error
            .span()
            .map(|span| key_at(text, span.start, root))
            .unwrap_or_else(|| root.into());
        Error::invalid(
            key,
            format!("{} (in {})", error.message().trim(), path.display()),
        )
    })
}

/// The dotted key at byte `offset` of a TOML text: `email.tls` for the value
/// of `tls` under `[email]`, `email` for the table itself.
fn key_at(text: &str, offset: usize, root: &str) -> String {
    let mut table = String::new();
    let mut position = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let within = offset < position + line.len();
        if trimmed.starts_with('[') {
            table = trimmed
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
        } else if within {
            if let Some((key, _)) = trimmed.split_once('=') {
                let key = key.trim().trim_matches('"');
                return if table.is_empty() {
                    key.to_string()
                } else {
                    format!("{table}.{key}")
                };
            }
        }
        if within {
            break;
        }
        position += line.len();
    }
    if table.is_empty() {
        root.into()
    } else {
        table
    }
}
