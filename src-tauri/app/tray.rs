//! The tray icon: the desk's SLA state at a glance while the window is
//! closed or buried, and the few actions that need no window.
//!
//! The tray knows nothing of tickets or clocks. Callers hand [`show`] a plain
//! [`TrayState`] and get [`TrayAction`]s back through the handler given to
//! [`install`]; [`crate::monitor`] drives it from the SLA scheduler and
//! the alert settings.
//!
//! What Linux shows. Tauri's tray goes through the `tray-icon` crate, which
//! on Linux drives libayatana-appindicator. The item is a
//! StatusNotifierItem on the session bus, at
//! `/org/ayatana/NotificationItem/tray_icon_tray_app_escalator` (`Id` is
//! "tray-icon tray app escalator"), and its menu is a
//! `com.canonical.dbusmenu` object at `…/Menu` below it. On that path:
//! - the icon is written as a PNG into `$XDG_RUNTIME_DIR/tray-icon/`, and
//!   `IconName` carries that file's absolute path (with `IconThemePath` its
//!   folder). There is no `IconPixmap`.
//! - `set_title` sets the appindicator label, so it shows up in the
//!   `XAyatanaLabel` property, and `XAyatanaLabelGuide` stays empty. The SNI
//!   `Title` property is not ours to set, because `tray-icon` never sets it.
//!   Ayatana fills it with GLib's application name, which is "escalator".
//! - `set_tooltip` does nothing. Ayatana exports no `ToolTip` property.
//! - Clicks on the icon itself are not reported. Everything goes through the
//!   menu, which the host renders from dbusmenu.
//! - The item registers only once something owns
//!   `org.kde.StatusNotifierWatcher`. It passes its object path, not a bus
//!   name, to `RegisterStatusNotifierItem`. With no watcher, it falls back
//!   to a legacy XEmbed icon after a timeout.
//!
//! So on Linux the counts are in the label and in the menu's summary line.
//! The tooltip is for Windows and macOS.

use std::sync::{Mutex, PoisonError};

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The tray icon's id, for [`AppHandle::tray_by_id`].
const TRAY_ID: &str = "escalator";

/// How many urgent tickets the menu lists; the window has the rest.
const MAX_URGENT: usize = 5;

const NORMAL_ICON: &[u8] = include_bytes!("../icons/tray/normal.png");
const IMMINENT_ICON: &[u8] = include_bytes!("../icons/tray/imminent.png");
const BREACHED_ICON: &[u8] = include_bytes!("../icons/tray/breached.png");

/// Everything the tray shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrayState {
    /// Tickets whose SLA is about to be breached.
    pub imminent: usize,
    /// Tickets whose SLA is breached.
    pub breached: usize,
    /// The most urgent tickets, most urgent first. The menu lists the first
    /// five.
    pub urgent: Vec<UrgentEntry>,
    /// When snoozed alerts resume, as local "HH:MM".
    pub snoozed_until: Option<String>,
    /// Whether notifications are paused.
    pub paused: bool,
    /// Whether Escalator starts at login.
    pub autostart: bool,
}

/// One urgent ticket in the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentEntry {
    /// The ticket's key, such as "ESC-12".
    pub key: String,
    /// What the menu shows, such as "ESC-12 · Acme · breached 10m ago".
    pub label: String,
}

/// What the user picked in the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayAction {
    Open,
    OpenTicket(String),
    Snooze(u32),
    TogglePause,
    ToggleAutostart,
    Quit,
}

impl TrayAction {
    /// The id of the menu item for this action. Ids are stable, so tests and
    /// handlers can rely on them.
    fn menu_id(&self) -> String {
        match self {
            TrayAction::Open => "open".into(),
            TrayAction::OpenTicket(key) => format!("ticket:{key}"),
            TrayAction::Snooze(minutes) => format!("snooze:{minutes}"),
            TrayAction::TogglePause => "pause".into(),
            TrayAction::ToggleAutostart => "autostart".into(),
            TrayAction::Quit => "quit".into(),
        }
    }

    /// The action behind a menu item id, `None` for the informational items.
    fn from_menu_id(id: &str) -> Option<TrayAction> {
        match id {
            "open" => Some(TrayAction::Open),
            "pause" => Some(TrayAction::TogglePause),
            "autostart" => Some(TrayAction::ToggleAutostart),
            "quit" => Some(TrayAction::Quit),
            _ => {
                if let Some(key) = id.strip_prefix("ticket:") {
                    Some(TrayAction::OpenTicket(key.to_owned()))
                } else {
                    let minutes = id.strip_prefix("snooze:")?.parse().ok()?;
                    Some(TrayAction::Snooze(minutes))
                }
            }
        }
    }
}

/// The state the tray shows now, kept so a handler can change one field.
struct Shown(Mutex<TrayState>);

impl Shown {
    fn get(&self) -> TrayState {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, state: &TrayState) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = state.clone();
    }
}

/// Adds the tray icon, showing an empty desk, and calls `on_action` for
/// each menu item the user picks.
pub fn install<R: Runtime>(
    app: &AppHandle<R>,
    on_action: impl Fn(&AppHandle<R>, TrayAction) + Send + Sync + 'static,
) -> tauri::Result<()> {
    let state = TrayState::default();
    app.manage(Shown(Mutex::new(state.clone())));
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(&state)?)
        .menu(&menu(app, &state)?)
        .tooltip(tooltip(&state))
        .on_menu_event(move |app, event| {
            if let Some(action) = TrayAction::from_menu_id(event.id().as_ref()) {
                on_action(app, action);
            }
        })
        .build(app)?;
    Ok(())
}

/// Shows `state`: the icon, the tooltip, the label next to the icon (Linux
/// and macOS) and a menu rebuilt from it. Does nothing when the tray is not
/// installed, as on the mock runtime.
pub fn show<R: Runtime>(app: &AppHandle<R>, state: &TrayState) -> tauri::Result<()> {
    let (Some(tray), Some(shown)) = (app.tray_by_id(TRAY_ID), app.try_state::<Shown>()) else {
        return Ok(());
    };
    // A rebuilt menu gets new item ids under an open menu: leave it alone
    // when nothing changed.
    if shown.get() == *state {
        return Ok(());
    }
    // A new icon is a new file and a NewIcon signal; skip it when unchanged.
    if icon_bytes(&shown.get()) != icon_bytes(state) {
        tray.set_icon(Some(icon(state)?))?;
    }
    tray.set_tooltip(Some(tooltip(state)))?;
    tray.set_title(label(state))?;
    tray.set_menu(Some(menu(app, state)?))?;
    shown.set(state);
    Ok(())
}

/// Brings the main window to the front, also from minimised or hidden, and
/// opens `ticket` in it.
pub fn reveal<R: Runtime>(app: &AppHandle<R>, ticket: Option<String>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
    if let Some(key) = ticket {
        let _ = app.emit("open-ticket", key);
    }
}

/// The menu for `state`. Informational lines are disabled items; the others
/// carry their action's id.
fn menu<R: Runtime>(app: &AppHandle<R>, state: &TrayState) -> tauri::Result<Menu<R>> {
    let note = |id: &str, text: &str| MenuItem::with_id(app, id, text, false, None::<&str>);
    let action = |action: TrayAction, text: &str| {
        MenuItem::with_id(app, action.menu_id(), text, true, None::<&str>)
    };
    let toggle = |action: TrayAction, text: &str, checked: bool| {
        CheckMenuItem::with_id(app, action.menu_id(), text, true, checked, None::<&str>)
    };
    let separator = || PredefinedMenuItem::separator(app);

    let menu = Menu::with_items(
        app,
        &[
            &note("summary", &summary(state))?,
            &action(TrayAction::Open, "Open Escalator")?,
            &separator()?,
        ],
    )?;
    for entry in state.urgent.iter().take(MAX_URGENT) {
        let open = TrayAction::OpenTicket(entry.key.clone());
        menu.append(&action(open, &without_mnemonics(&entry.label))?)?;
    }
    if !state.urgent.is_empty() {
        menu.append(&separator()?)?;
    }
    match &state.snoozed_until {
        Some(until) => {
            let text = format!("Alerts snoozed until {until}");
            menu.append(&note("snoozed", &text)?)?;
            menu.append(&action(TrayAction::Snooze(0), "Resume alerts now")?)?;
        }
        None => menu.append_items(&[
            &action(TrayAction::Snooze(15), "Snooze alerts for 15 minutes")?,
            &action(TrayAction::Snooze(60), "Snooze alerts for 1 hour")?,
        ])?,
    }
    menu.append_items(&[
        &toggle(TrayAction::TogglePause, "Pause notifications", state.paused)?,
        &toggle(
            TrayAction::ToggleAutostart,
            "Start at login",
            state.autostart,
        )?,
        &separator()?,
        &action(TrayAction::Quit, "Quit Escalator")?,
    ])?;
    Ok(menu)
}

/// The menu's first line, such as "2 breached · 3 imminent".
fn summary(state: &TrayState) -> String {
    match (state.breached, state.imminent) {
        (0, 0) => "No SLA alerts".into(),
        (breached, 0) => format!("{breached} breached"),
        (0, imminent) => format!("{imminent} imminent"),
        (breached, imminent) => format!("{breached} breached · {imminent} imminent"),
    }
}

/// The tooltip (Windows, macOS), such as "Escalator — 2 breached, 3 imminent".
fn tooltip(state: &TrayState) -> String {
    if state.breached == 0 && state.imminent == 0 {
        "Escalator — no SLA alerts".into()
    } else {
        format!(
            "Escalator — {} breached, {} imminent",
            state.breached, state.imminent
        )
    }
}

/// The text next to the icon: the counts while anything is due, nothing on
/// a calm desk, since panel space is scarce.
fn label(state: &TrayState) -> Option<String> {
    (state.breached > 0 || state.imminent > 0).then(|| summary(state))
}

/// The PNG for the most urgent thing on the desk.
fn icon_bytes(state: &TrayState) -> &'static [u8] {
    if state.breached > 0 {
        BREACHED_ICON
    } else if state.imminent > 0 {
        IMMINENT_ICON
    } else {
        NORMAL_ICON
    }
}

fn icon(state: &TrayState) -> tauri::Result<Image<'static>> {
    Image::from_bytes(icon_bytes(state))
}

/// `text` as menu text: muda reads `&` as a mnemonic marker, and a ticket's
/// customer may well be "Smith & Sons".
fn without_mnemonics(text: &str) -> String {
    text.replace('&', "&&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip_to_actions() {
        for action in [
            TrayAction::Open,
            TrayAction::OpenTicket("ESC-12".into()),
            TrayAction::Snooze(15),
            TrayAction::Snooze(60),
            TrayAction::TogglePause,
            TrayAction::ToggleAutostart,
            TrayAction::Quit,
        ] {
            assert_eq!(TrayAction::from_menu_id(&action.menu_id()), Some(action));
        }
        assert_eq!(TrayAction::from_menu_id("summary"), None);
        assert_eq!(TrayAction::from_menu_id("snooze:soon"), None);
    }

    #[test]
    fn the_texts_count_what_is_due() {
        let calm = TrayState::default();
        assert_eq!(summary(&calm), "No SLA alerts");
        assert_eq!(label(&calm), None);
        let due = TrayState {
            breached: 2,
            imminent: 3,
            ..TrayState::default()
        };
        assert_eq!(summary(&due), "2 breached · 3 imminent");
        assert_eq!(tooltip(&due), "Escalator — 2 breached, 3 imminent");
        assert_eq!(label(&due).as_deref(), Some("2 breached · 3 imminent"));
        assert_eq!(icon_bytes(&due), BREACHED_ICON);
    }
}
