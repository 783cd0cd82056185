//! Where the desk's settings come from: the files beside the database.

use crate::attachments::DEFAULT_MAX_BYTES;
use crate::comms::LeakRules;
use crate::error::{Error, Result};
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

pub(super) fn sla_file_beside(database: &Path) -> PathBuf {
    database.parent().unwrap_or(Path::new(".")).join(SLA_FILE)
}
