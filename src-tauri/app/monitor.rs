//! The SLA monitor: what keeps a support team out of breaches while the
//! window is closed.
//!
//! It runs the core's [`Scheduler`] on a thread of its own, with its own
//! database connection, and turns each round into native notifications
//! (notify-rust, so they come from the backend and work with the window
//! hidden), the tray's icon, label and menu, and an `sla-changed` event for
//! the window. Commands tell it when tickets or the SLA config changed.
//!
//! What the user decides about alerts lives here too, kept in the database
//! so it survives a restart:
//! - **snooze** (15 or 60 minutes): alerts wait and are shown when the
//!   snooze ends;
//! - **pause**: no notifications at all until resumed. The tray and the
//!   queues still show every alert;
//! - **quiet hours** follow the business calendar of the ticket's policy: a
//!   non-P1 alert outside business hours waits for the calendar to open
//!   (the core says until when), and a P1 always notifies.
//!
//! Alerts that wait are kept in memory; if the app quits meanwhile, the
//! tray and the SLA queues still show them when it starts again.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Local, Utc};
use escalator_core::alerts::{Alert, AlertKind};
use escalator_core::desk::SlaOverview;
use escalator_core::domain::Priority;
use escalator_core::scheduler::{Round, Scheduler, SchedulerHandle};
use escalator_core::Desk;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use ts_rs::TS;

use crate::tray::{self, TrayAction, TrayState, UrgentEntry};
use crate::OpenDesk;

const PAUSED: &str = "alerts.paused";
const SNOOZED_UNTIL: &str = "alerts.snoozed_until";
const TOLD_ABOUT_TRAY: &str = "window.told_about_tray";

/// More ready alerts than this at once are summed up in one notification.
const MAX_AT_ONCE: usize = 4;

/// The alert settings the window and the tray show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AlertSettings {
    pub paused: bool,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub autostart: bool,
    /// Whether the SLA scheduler runs (it does not in the test runtime, or
    /// when the database could not be opened).
    pub monitoring: bool,
}

#[derive(Default)]
struct State {
    scheduler: Option<SchedulerHandle>,
    paused: bool,
    snoozed_until: Option<DateTime<Utc>>,
    waiting: Vec<Alert>,
    overview: Option<SlaOverview>,
}

/// The app's alert state, managed by Tauri.
#[derive(Default)]
pub struct Alerts(Mutex<State>);

impl Alerts {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A command changed a ticket: its deadlines may have moved.
    pub fn tickets_changed(&self) {
        if let Some(scheduler) = &self.state().scheduler {
            scheduler.tickets_changed();
        }
    }

    /// The SLA config was saved.
    pub fn config_changed(&self) {
        if let Some(scheduler) = &self.state().scheduler {
            scheduler.config_changed();
        }
    }

    pub fn settings<R: Runtime>(&self, app: &AppHandle<R>) -> AlertSettings {
        let state = self.state();
        AlertSettings {
            paused: state.paused,
            snoozed_until: state.snoozed_until.filter(|until| *until > Utc::now()),
            autostart: autostart_enabled(app),
            monitoring: state.scheduler.is_some(),
        }
    }
}

/// Loads the saved alert settings and starts the scheduler thread. Without
/// a desk (the database could not be opened) there is nothing to monitor.
pub fn start<R: Runtime>(app: &AppHandle<R>, database: PathBuf) {
    let open = app.state::<OpenDesk>();
    if let Ok(desk) = open.lock() {
        let mut state = app.state::<Alerts>().inner().state();
        state.paused = desk.preference(PAUSED).ok().flatten().as_deref() == Some("true");
        state.snoozed_until = desk
            .preference(SNOOZED_UNTIL)
            .ok()
            .flatten()
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|until| until.with_timezone(&Utc));
    } else {
        return;
    }
    let desk = match Desk::open(&database) {
        Ok(desk) => desk,
        Err(error) => {
            eprintln!("SLA monitor not started: {error}");
            return;
        }
    };
    let (scheduler, handle) = Scheduler::new(desk);
    app.state::<Alerts>().inner().state().scheduler = Some(handle);
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("sla-scheduler".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => return eprintln!("SLA monitor not started: {error}"),
            };
            runtime.block_on(scheduler.run(|round| deliver(&app, round)));
        });
    if let Err(error) = spawned {
        eprintln!("SLA monitor not started: {error}");
    }
}

/// One scheduler round: notify what is ready, hold the rest, refresh the
/// tray and the window.
fn deliver<R: Runtime>(app: &AppHandle<R>, round: Round) {
    let now = Utc::now();
    let ready = {
        let alerts = app.state::<Alerts>();
        let mut state = alerts.inner().state();
        state.overview = Some(round.overview);
        state.waiting.extend(round.alerts);
        if state.paused {
            state.waiting.clear();
        }
        let snoozed = state.snoozed_until.is_some_and(|until| until > now);
        let (ready, waiting): (Vec<Alert>, Vec<Alert>) = std::mem::take(&mut state.waiting)
            .into_iter()
            .partition(|alert| !snoozed && alert.quiet_until.is_none_or(|until| until <= now));
        state.waiting = waiting;
        ready
    };
    notify_all(app, ready);
    refresh_tray(app);
    let _ = app.emit("sla-changed", ());
}

fn notify_all<R: Runtime>(app: &AppHandle<R>, mut ready: Vec<Alert>) {
    if ready.len() > MAX_AT_ONCE {
        // The most severe first; the rest are summed up.
        ready.sort_by_key(severity);
        let rest = ready.split_off(MAX_AT_ONCE - 1);
        let keys: Vec<&str> = rest.iter().map(|alert| alert.key.as_str()).collect();
        notify(
            app,
            &format!("{} more SLA alerts", rest.len()),
            &keys.join(", "),
            None,
            false,
        );
    }
    for alert in &ready {
        let urgent = alert.priority == Some(Priority::P1)
            || matches!(
                alert.kind,
                AlertKind::SlaBreached
                    | AlertKind::FollowUpDue
                    | AlertKind::ManagementEscalation
                    | AlertKind::OfficialDeliveryFailed
            );
        notify(app, &alert.summary, &alert.body, Some(&alert.key), urgent);
    }
}

/// Lower is more severe.
fn severity(alert: &Alert) -> (u8, u8) {
    let kind = match alert.kind {
        AlertKind::ManagementEscalation | AlertKind::OfficialDeliveryFailed => 0,
        AlertKind::SlaBreached | AlertKind::FollowUpDue => 1,
        AlertKind::CustomerUpdateDue => 2,
        AlertKind::SlaImminent => 3,
    };
    let priority = alert.priority.map_or(9, |priority| match priority {
        Priority::P1 => 1,
        Priority::P2 => 2,
        Priority::P3 => 3,
        Priority::P4 => 4,
    });
    (kind, priority)
}

/// Shows a desktop notification. Clicking it (the default action) opens
/// `ticket`, or the window.
pub fn notify<R: Runtime>(
    app: &AppHandle<R>,
    summary: &str,
    body: &str,
    ticket: Option<&str>,
    urgent: bool,
) {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("Escalator")
        .summary(summary)
        .body(body)
        .icon("dialog-warning")
        .action("default", "Open");
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.urgency(if urgent {
        notify_rust::Urgency::Critical
    } else {
        notify_rust::Urgency::Normal
    });
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = urgent;
    let handle = match notification.show() {
        Ok(handle) => handle,
        Err(error) => return eprintln!("notification not shown ({summary}): {error}"),
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let app = app.clone();
        let ticket = ticket.map(str::to_string);
        // Waiting for the click blocks, so each notification gets a thread
        // that ends when the notification is clicked or closed.
        let _ = std::thread::Builder::new()
            .name("notification".into())
            .spawn(move || {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        tray::reveal(&app, ticket);
                    }
                })
            });
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = (handle, app, ticket);
}

/// Redraws the tray from the last round and the alert settings.
pub fn refresh_tray<R: Runtime>(app: &AppHandle<R>) {
    let settings = app.state::<Alerts>().settings(app);
    let overview = app.state::<Alerts>().inner().state().overview.clone();
    let overview = overview.unwrap_or(SlaOverview {
        imminent: 0,
        breached: 0,
        urgent: Vec::new(),
    });
    let state = TrayState {
        imminent: overview.imminent as usize,
        breached: overview.breached as usize,
        urgent: overview
            .urgent
            .into_iter()
            .map(|ticket| UrgentEntry {
                key: ticket.key,
                label: ticket.label,
            })
            .collect(),
        snoozed_until: settings
            .snoozed_until
            .map(|until| until.with_timezone(&Local).format("%H:%M").to_string()),
        paused: settings.paused,
        autostart: settings.autostart,
    };
    let _ = tray::show(app, &state);
}

/// Snoozes alerts for `minutes` (0 ends a snooze).
pub fn snooze<R: Runtime>(
    app: &AppHandle<R>,
    minutes: u32,
) -> Result<AlertSettings, crate::error::AppError> {
    let until = (minutes > 0).then(|| Utc::now() + chrono::Duration::minutes(minutes.into()));
    app.state::<OpenDesk>().lock()?.set_preference(
        SNOOZED_UNTIL,
        &until.map(|until| until.to_rfc3339()).unwrap_or_default(),
    )?;
    app.state::<Alerts>().inner().state().snoozed_until = until;
    changed(app)
}

pub fn set_paused<R: Runtime>(
    app: &AppHandle<R>,
    paused: bool,
) -> Result<AlertSettings, crate::error::AppError> {
    app.state::<OpenDesk>()
        .lock()?
        .set_preference(PAUSED, if paused { "true" } else { "false" })?;
    app.state::<Alerts>().inner().state().paused = paused;
    changed(app)
}

pub fn set_autostart<R: Runtime>(
    app: &AppHandle<R>,
    enabled: bool,
) -> Result<AlertSettings, crate::error::AppError> {
    use tauri_plugin_autostart::ManagerExt;
    if app
        .try_state::<tauri_plugin_autostart::AutoLaunchManager>()
        .is_none()
    {
        return Err(crate::error::AppError::from(
            escalator_core::Error::Internal(
                "starting at login is not available in this build".into(),
            ),
        ));
    }
    let launcher = app.autolaunch();
    let result = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    result.map_err(|error| {
        crate::error::AppError::from(escalator_core::Error::Internal(format!(
            "cannot change starting at login: {error}"
        )))
    })?;
    changed(app)
}

fn autostart_enabled<R: Runtime>(app: &AppHandle<R>) -> bool {
    use tauri_plugin_autostart::ManagerExt;
    app.try_state::<tauri_plugin_autostart::AutoLaunchManager>()
        .is_some()
        && app.autolaunch().is_enabled().unwrap_or(false)
}

/// After a settings change: redraw the tray, tell the window, and let the
/// scheduler deliver what a snooze held back.
fn changed<R: Runtime>(app: &AppHandle<R>) -> Result<AlertSettings, crate::error::AppError> {
    refresh_tray(app);
    let settings = app.state::<Alerts>().settings(app);
    let _ = app.emit("alerts-changed", &settings);
    app.state::<Alerts>().tickets_changed();
    Ok(settings)
}

/// What the tray menu does.
pub fn on_tray_action<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    let outcome = match action {
        TrayAction::Open => return tray::reveal(app, None),
        TrayAction::OpenTicket(key) => return tray::reveal(app, Some(key)),
        TrayAction::Quit => return app.exit(0),
        TrayAction::Snooze(minutes) => snooze(app, minutes),
        TrayAction::TogglePause => {
            let paused = app.state::<Alerts>().inner().state().paused;
            set_paused(app, !paused)
        }
        TrayAction::ToggleAutostart => set_autostart(app, !autostart_enabled(app)),
    };
    if let Err(error) = outcome {
        eprintln!("tray: {}", error.message);
    }
}

/// Closing the window keeps the app, and the monitoring, running in the
/// tray; the first time, a notification says so.
pub fn hide_to_tray<R: Runtime>(window: &tauri::Window<R>) {
    let _ = window.hide();
    let app = window.app_handle();
    let open = app.state::<OpenDesk>();
    let Ok(mut desk) = open.lock() else {
        return;
    };
    if desk.preference(TOLD_ABOUT_TRAY).ok().flatten().is_none() {
        let _ = desk.set_preference(TOLD_ABOUT_TRAY, &Utc::now().to_rfc3339());
        drop(desk);
        notify(
            app,
            "Escalator is still running",
            "It keeps watching SLA deadlines from the tray. Open it again from the tray icon or by starting Escalator; quit from the tray menu.",
            None,
            false,
        );
    }
}
