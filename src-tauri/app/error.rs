//! The one error shape the UI receives: `{ kind, message, violations }`.
//!
//! `kind` is a closed set (validation, forbidden, not_found, conflict,
//! storage, internal); the UI branches on it, never on the message. SOP
//! refusals carry their violations so the UI can show each beside its field.

use escalator_core::rules::Violation;
use escalator_core::{Error, ErrorKind};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    pub violations: Vec<Violation>,
}

impl AppError {
    /// No profile is signed in on this window yet.
    pub fn signed_out() -> Self {
        AppError {
            kind: ErrorKind::Forbidden,
            message: "choose a profile first".into(),
            violations: Vec::new(),
        }
    }
}

impl From<Error> for AppError {
    fn from(error: Error) -> Self {
        AppError {
            kind: error.kind(),
            message: error.to_string(),
            violations: error.violations().to_vec(),
        }
    }
}

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        AppError {
            kind: ErrorKind::Internal,
            message: error.to_string(),
            violations: Vec::new(),
        }
    }
}
