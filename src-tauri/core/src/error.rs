//! One error type for the core, with a closed set of kinds.
//!
//! The shell serialises [`Error::kind`] and the CLI maps it to an exit code,
//! so both branch on the kind, never on message text.

use crate::rules::Violation;
use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The classes of failure a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input or the SOP refused the request; nothing was changed.
    Validation,
    /// The actor may not do this.
    Forbidden,
    /// A named ticket, user or file does not exist.
    NotFound,
    /// Someone else changed the ticket first (optimistic concurrency).
    Conflict,
    /// The database or the disk failed, or the database is not ours.
    Storage,
    /// A mail server, webhook or the OS keyring refused or could not be
    /// reached; nothing was recorded.
    Delivery,
    /// A bug: an invariant the code relies on did not hold.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SOP refused the command; every broken rule is listed.
    #[error("refused: {}", summarize(.0))]
    Rejected(Vec<Violation>),
    /// Input that cannot be understood at all (bad JSON, an unknown value).
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },
    #[error("unknown {entity}: {id}")]
    NotFound { entity: &'static str, id: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{ticket} changed meanwhile: expected version {expected}, found {found}; reload and try again")]
    Conflict {
        ticket: String,
        expected: u64,
        found: u64,
    },
    #[error("this database was written by a newer Escalator (schema {found}; this build knows up to {supported}); upgrade Escalator to open it")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("not sent: {0}")]
    Delivery(String),
    #[error("internal error: {0}")]
    Internal(String),
}

fn summarize(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("[{} {}] {}: {}", v.rule, v.clause, v.field, v.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Rejected(violations) if violations.iter().all(Violation::is_permission) => {
                ErrorKind::Forbidden
            }
            Error::Rejected(_) | Error::InvalidInput { .. } => ErrorKind::Validation,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::SchemaTooNew { .. } | Error::Database(_) | Error::Io(_) => ErrorKind::Storage,
            Error::Delivery(_) => ErrorKind::Delivery,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The violations of a refusal; empty for every other error.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Error::Rejected(violations) => violations,
            _ => &[],
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::Internal(format!("stored JSON could not be read: {error}"))
    }
}
