//! Escalator's core: everything the Escalation Management SOP says, as code.
//!
//! The desktop shell and the command-line front end are thin; every rule, every
//! state change and every byte written to disk goes through this crate. It has
//! no GUI dependency, so `cargo test -p escalator-core` runs on a bare machine.
//!
//! The shape, from the outside in:
//! - [`Desk`] is the one entry point: it opens the database, resolves the actor,
//!   runs a [`Command`] through the rules and commits the resulting events.
//! - [`rules::decide`] is a pure function `(ticket, actor, command, context) ->
//!   events | violations`. Every refusal names its rule, SOP clause and field.
//! - [`store`] keeps the append-only, hash-chained event log in SQLite and the
//!   projections the UI reads, updated in the same transaction.

pub mod alerts;
pub mod attachments;
pub mod clock;
pub mod commands;
pub mod comms;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod error;
pub mod events;
pub mod mail;
pub mod official;
pub mod report;
pub mod review_pack;
pub mod rules;
pub mod scheduler;
pub mod sla;
pub mod store;
pub mod timeline;

pub use clock::{Clock, ManualClock, SystemClock};
pub use commands::Command;
pub use desk::{CustomerEmail, Desk, DeskConfig};
pub use error::{Error, ErrorKind, Result};
pub use events::{Event, EventBody};
pub use rules::{Rule, Violation};

/// The application identifier shared with `tauri.conf.json`; the default data
/// directory is named after it so the app and the CLI open the same file.
pub const APP_IDENTIFIER: &str = "dev.escalator.desk";

/// Where the app and the CLI keep their data when nothing else is configured:
/// the OS app-data directory (`~/.local/share/dev.escalator.desk` on Linux).
pub fn default_data_dir() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER))
}
