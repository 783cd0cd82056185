//! The desktop shell, and the only Rust code that imports `tauri`.
//!
//! The SOP rules, the SLA clocks and the event log live in `escalator-core`,
//! which builds and tests without WebKit. This crate only puts that core
//! behind a window. It finds the database, opens one [`Desk`] for the life of
//! the app, remembers who is signed in, and exposes thin commands
//! ([`commands`]): each one takes the actor, calls the core once and maps the
//! error to the one shape the UI knows ([`error::AppError`]).
//!
//! [`builder`] is generic over [`tauri::Runtime`], as in Tauri's
//! `examples/api`. The integration tests pass `tauri::test::mock_builder()` to
//! drive the same setup and commands without a display. [`run`] adds what
//! only a real desktop session has: a single instance, remembered window
//! geometry, starting at login, the tray icon ([`tray`]), closing to the
//! tray, and the SLA monitor with its notifications ([`monitor`]).

pub mod commands;
pub mod error;
pub mod monitor;
pub mod review_pack;
pub mod tray;

use std::error::Error;
use std::fs;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use error::AppError;
use escalator_core::Desk;
use serde::Serialize;
use tauri::{App, Manager, Runtime};
use ts_rs::TS;

/// Names a database file to use instead of the one in the app-data directory.
pub const DATABASE_ENV: &str = "ESCALATOR_DB";

/// The database's file name inside the OS app-data directory.
const DATABASE_FILE: &str = "escalator.db";

/// Started at login: go straight to the tray.
const START_HIDDEN: &str = "--hidden";

/// The database file this instance uses, for the SLA monitor's own connection.
struct DatabasePath(PathBuf);

/// The desk the whole app shares, opened once at startup, or why it could
/// not be opened (a database from a newer Escalator, an unwritable folder).
/// The app starts either way, so the window can say what is wrong.
pub struct OpenDesk(Result<Mutex<Desk>, AppError>);

impl OpenDesk {
    /// Locks the desk for one command, or returns why there is none.
    ///
    /// A panic while the lock was held does not make the desk unusable: the
    /// core applies every write in a single SQLite transaction, so a command
    /// that died left nothing half-written.
    pub fn lock(&self) -> Result<MutexGuard<'_, Desk>, AppError> {
        match &self.0 {
            Ok(desk) => Ok(desk.lock().unwrap_or_else(PoisonError::into_inner)),
            Err(problem) => Err(problem.clone()),
        }
    }
}

/// Who is working at this window. A shared desk switches often, so this is
/// the app's state, not the database's; the UI remembers the last profile.
#[derive(Default)]
pub struct Session(Mutex<Option<String>>);

impl Session {
    pub fn set(&self, handle: &str) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle.to_string());
    }

    /// The signed-in user's handle, or the "choose a profile" error.
    pub fn actor(&self) -> Result<String, AppError> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(AppError::signed_out)
    }
}

/// What `app_info` returns: which build is running and which database it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    /// The app's version, as Tauri reports it (from `Cargo.toml`).
    pub version: String,
    /// The database file this instance opened.
    pub database_path: String,
    /// Why the database could not be opened, if it could not.
    pub problem: Option<String>,
}

/// Adds Escalator's setup, plugins and commands to `base`.
///
/// `database` overrides where the database lives; `None` means
/// `escalator.db` in the OS app-data directory. Setup fails, and the app does
/// not start, when the directory cannot be created or the desk cannot be
/// opened.
pub fn builder<R: Runtime>(
    base: tauri::Builder<R>,
    database: Option<PathBuf>,
) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(move |app| {
            let path = database_path(app, database)?;
            let desk = Desk::open(&path).map_err(AppError::from);
            app.manage(AppInfo {
                version: app.package_info().version.to_string(),
                database_path: path.display().to_string(),
                problem: desk.as_ref().err().map(|problem| problem.message.clone()),
            });
            app.manage(OpenDesk(desk.map(Mutex::new)));
            app.manage(Session::default());
            app.manage(monitor::Alerts::default());
            app.manage(DatabasePath(path));
            app.manage(review_pack::OpenPack::default());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::get_glossary,
            commands::list_users,
            commands::create_user,
            commands::sign_in,
            commands::queue_counts,
            commands::list_tickets,
            commands::get_ticket,
            commands::open_ticket,
            commands::execute_command,
            commands::check_command,
            commands::similar_escalations,
            commands::attach_files,
            commands::open_attachment,
            commands::load_demo_data,
            commands::verify_audit_chain,
            commands::check_customer_message,
            commands::draft_customer_message,
            commands::send_customer_message,
            commands::get_monthly_report,
            commands::save_monthly_report,
            commands::export_review_pack,
            commands::import_review_notes,
            commands::send_customer_email,
            commands::get_customer_mail,
            commands::save_customer_mail,
            commands::get_templates,
            commands::save_templates,
            commands::get_sla_settings,
            commands::save_sla_settings,
            commands::import_holidays,
            commands::open_sla_file,
            commands::get_alert_settings,
            commands::snooze_alerts,
            commands::set_notifications_paused,
            commands::set_autostart,
            review_pack::open_review_pack,
            review_pack::review_pack_ticket,
            review_pack::add_review_note,
            review_pack::export_review_notes,
            review_pack::close_review_pack,
        ])
}

/// The context compiled from `tauri.conf.json`: config, embedded UI assets,
/// icons and the capabilities resolved by the build script.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Starts the desktop app. Blocks until the app exits.
pub fn run() {
    let database = std::env::var_os(DATABASE_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    // A second launch hands over to the first, which comes to the front.
    let base = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![START_HIDDEN]),
        ))
        // A plugin, because `builder` takes the app's one setup hook. Plugins
        // set up before the app does, so the monitor, which needs the open
        // desk, starts when the app is ready.
        .plugin(
            tauri::plugin::Builder::<_, ()>::new("escalator-desktop")
                .setup(|app, _api| Ok(tray::install(app, monitor::on_tray_action)?))
                .on_event(|app, event| {
                    if let tauri::RunEvent::Ready = event {
                        let database = app.state::<DatabasePath>().0.clone();
                        monitor::start(app, database);
                        monitor::refresh_tray(app);
                        if std::env::args().any(|arg| arg == START_HIDDEN) {
                            if let Some(window) = app.get_webview_window("main") {
                                let _ = window.hide();
                            }
                        }
                    }
                })
                .build(),
        )
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                monitor::hide_to_tray(window);
            }
        });
    if let Err(error) = builder(base, database).run(context()) {
        eprintln!("Escalator could not start: {error}");
        std::process::exit(1);
    }
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
