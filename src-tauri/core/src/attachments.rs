//! Attachments (SOP §6 Step 2: logs, screenshots, diagnostic reports) are
//! copied into the data directory and addressed by their SHA-256.
//!
//! A file is staged first (copied to a temporary file while hashing, with the
//! size limit enforced as it streams), then kept under `ab/abcdef…` only when
//! the command that references it is accepted. The stored name never comes
//! from the user, so there is no path to traverse; the original file name is
//! kept in the event for display only.

use crate::error::{Error, Result};
use crate::store::GENESIS_HASH;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The default per-file limit: 25 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct AttachmentStore {
    root: PathBuf,
    max_bytes: u64,
}

/// A file copied and hashed, not yet kept.
#[derive(Debug)]
pub struct StagedFile {
    pub sha256: String,
    pub size: u64,
    /// The original base name, for display.
    pub file_name: String,
    temp: NamedTempFile,
}

impl AttachmentStore {
    pub fn new(root: impl Into<PathBuf>, max_bytes: u64) -> Self {
        Self {
            root: root.into(),
            max_bytes,
        }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Copies `source` into a temporary file beside the store, hashing it.
    /// Refuses directories, missing files and files over the limit.
    pub fn stage(&self, source: &Path) -> Result<StagedFile> {
        let field = "attachment";
        let metadata = std::fs::metadata(source)
            .map_err(|e| Error::invalid(field, format!("cannot read {}: {e}", source.display())))?;
        if !metadata.is_file() {
            return Err(Error::invalid(
                field,
                format!("{} is not a file", source.display()),
            ));
        }
        self.check_size(metadata.len())?;
        let file_name = display_name(source);
        std::fs::create_dir_all(&self.root)?;
        let mut temp = NamedTempFile::new_in(&self.root)?;
        let mut input = File::open(source)
            .map_err(|e| Error::invalid(field, format!("cannot open {}: {e}", source.display())))?;
        let mut digest = Sha256::new();
        let mut size = 0u64;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = input.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            size += read as u64;
            // The file may grow while it is copied: enforce the limit on what is read.
            self.check_size(size)?;
            digest.update(&buffer[..read]);
            temp.write_all(&buffer[..read])?;
        }
        temp.flush()?;
        Ok(StagedFile {
            sha256: crate::store::hex_digest(&digest.finalize()),
            size,
            file_name,
            temp,
        })
    }

    /// Keeps a staged file under its content address. Idempotent: a file
    /// with the same content is already there and stays as it is.
    pub fn keep(&self, staged: StagedFile) -> Result<PathBuf> {
        let path = self.path_of(&staged.sha256)?;
        if path.exists() {
            return Ok(path);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        staged.temp.as_file().sync_all()?;
        staged.temp.persist(&path).map_err(|e| Error::Io(e.error))?;
        Ok(path)
    }

    /// Where the file with this SHA-256 lives. Anything but 64 hex digits is
    /// refused, so no input can name a path outside the store.
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        let valid = sha256.len() == GENESIS_HASH.len()
            && sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid {
            return Err(Error::invalid(
                "sha256",
                "expected 64 lower-case hex digits",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    fn check_size(&self, size: u64) -> Result<()> {
        if size > self.max_bytes {
            return Err(Error::invalid(
                "attachment",
                format!(
                    "the file is {} but attachments are limited to {}",
                    human_size(size),
                    human_size(self.max_bytes)
                ),
            ));
        }
        Ok(())
    }
}

/// The base name of a path, without control characters, at most 255 chars.
fn display_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "attachment".into());
    let clean: String = name.chars().filter(|c| !c.is_control()).take(255).collect();
    if clean.trim().is_empty() {
        "attachment".into()
    } else {
        clean
    }
}

pub fn human_size(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}
