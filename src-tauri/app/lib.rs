//! The desktop shell, and the only Rust code that imports `tauri`.
//!
//! The SOP rules, the SLA clocks and the event log live in `escalator-core`,
//! which builds and tests without WebKit. This crate only puts that core
//! behind a window. It finds the database, opens one [`Desk`] for the life of
//! the app, and exposes thin commands: each one parses its input, calls the
//! core once and returns a serialisable answer.
//!
//! [`builder`] is generic over [`tauri::Runtime`], as in Tauri's
//! `examples/api`. The integration tests pass `tauri::test::mock_builder()` to
//! drive the same setup and commands without a display.

use std::error::Error;
use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use escalator_core::Desk;
use serde::Serialize;
use tauri::{App, Manager, Runtime, State};

/// Names a database file to use instead of the one in the app-data directory.
pub const DATABASE_ENV: &str = "ESCALATOR_DB";

/// The database's file name inside the OS app-data directory.
const DATABASE_FILE: &str = "escalator.db";

/// The desk the whole app shares, opened once at startup.
pub struct OpenDesk(Mutex<Desk>);

impl OpenDesk {
    /// Locks the desk for one command.
    ///
    /// A panic while the lock was held does not make the desk unusable: the
    /// core applies every write in a single SQLite transaction, so a command
    /// that died left nothing half-written.
    pub fn lock(&self) -> MutexGuard<'_, Desk> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What `app_info` returns: which build is running and which database it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    /// The app's version, as Tauri reports it (from `Cargo.toml`).
    pub version: String,
    /// The database file this instance opened.
    pub database_path: String,
}

/// Tells the UI which build is running and where its data lives.
#[tauri::command]
fn app_info(info: State<'_, AppInfo>) -> AppInfo {
    info.inner().clone()
}

/// Adds Escalator's setup and commands to `base`.
///
/// `database` overrides where the database lives; `None` means
/// `escalator.db` in the OS app-data directory. Setup fails, and the app does
/// not start, when the directory cannot be created or the desk cannot be
/// opened.
pub fn builder<R: Runtime>(
    base: tauri::Builder<R>,
    database: Option<PathBuf>,
) -> tauri::Builder<R> {
    base.setup(move |app| {
        let path = database_path(app, database)?;
        let desk = Desk::open(&path)?;
        app.manage(OpenDesk(Mutex::new(desk)));
        app.manage(AppInfo {
            version: app.package_info().version.to_string(),
            database_path: path.display().to_string(),
        });
        Ok(())
    })
    .invoke_handler(tauri::generate_handler![app_info])
}

/// The context compiled from `tauri.conf.json`: config, embedded `ui/` assets,
/// icons and the capabilities resolved by the build script.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Starts the desktop app. Blocks until the app exits.
pub fn run() {
    let database = std::env::var_os(DATABASE_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    builder(tauri::Builder::default(), database)
        .run(context())
        .expect("Escalator failed to start");
}

/// Resolves the database file and makes sure its directory exists.
fn database_path<R: Runtime>(
    app: &App<R>,
    configured: Option<PathBuf>,
) -> Result<PathBuf, Box<dyn Error>> {
    let path = match configured {
        Some(path) => path,
        None => app.path().app_data_dir()?.join(DATABASE_FILE),
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    Ok(path)
}
