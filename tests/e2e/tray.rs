//! The tray icon as the desktop's panel sees it. The app registers a
//! StatusNotifierItem with the watcher the harness plays. The item has an
//! icon and the menu an engineer uses without opening the window, and a
//! menu click reaches the app through dbusmenu, as a real click does.

use std::fs;

use crate::harness::{AppWindow, MenuEntry, TrayItem, WAIT};

/// The menu of an empty desk, top to bottom; "--" is a separator.
const EMPTY_DESK_MENU: [&str; 9] = [
    "No SLA alerts",
    "Open Escalator",
    "--",
    "Snooze alerts for 15 minutes",
    "Snooze alerts for 1 hour",
    "Pause notifications",
    "Start at login",
    "--",
    "Quit Escalator",
];

#[test]
fn the_tray_icon_shows_an_empty_desk_and_its_menu_acts() {
    let window = AppWindow::launch();
    let item = window
        .tray()
        .wait_for_item(WAIT)
        .unwrap_or_else(|err| panic!("e2e: the app's tray icon should register: {err}"));

    // Ayatana publishes the icon as a PNG file's path in IconName; other
    // implementations send pixels in IconPixmap.
    let icon = item.icon_name().unwrap_or_default();
    let pixmap = item.icon_pixmap().unwrap_or_default();
    assert!(
        !icon.is_empty() || !pixmap.is_empty(),
        "the tray item should have an icon (IconName or IconPixmap)"
    );
    if icon.starts_with('/') {
        let png = fs::read(&icon).unwrap_or_default();
        assert!(
            png.starts_with(b"\x89PNG"),
            "the tray icon {icon} should be a PNG file"
        );
    }
    assert_eq!(
        item.property_string("XAyatanaLabel").as_deref(),
        Ok(""),
        "a calm desk should put no text next to the icon"
    );

    let menu = item
        .menu()
        .unwrap_or_else(|err| panic!("e2e: the tray menu should be readable: {err}"));
    let shown: Vec<&str> = menu
        .iter()
        .filter(|entry| entry.visible)
        .map(|entry| {
            if entry.separator {
                "--"
            } else {
                entry.label.as_str()
            }
        })
        .collect();
    assert_eq!(shown, EMPTY_DESK_MENU, "the tray menu of an empty desk");
    assert!(
        !entry(&menu, "No SLA alerts").enabled,
        "the summary line is information, not an action"
    );
    assert_eq!(
        entry(&menu, "Pause notifications").toggle_state,
        Some(0),
        "notifications start unpaused, as a check item"
    );

    click(&item, "Pause notifications");
    let menu = item
        .wait_for_menu(
            |menu| find(menu, "Pause notifications").and_then(|e| e.toggle_state) == Some(1),
            WAIT,
        )
        .unwrap_or_else(|err| panic!("e2e: clicking Pause should check it: {err}"));
    assert_eq!(
        entry(&menu, "Start at login").toggle_state,
        Some(0),
        "pausing should leave Start at login alone"
    );

    // Snoozing swaps the two snooze entries for the time alerts resume.
    click(&item, "Snooze alerts for 15 minutes");
    let menu = item
        .wait_for_menu(
            |menu| {
                menu.iter()
                    .any(|e| e.label.starts_with("Alerts snoozed until "))
            },
            WAIT,
        )
        .unwrap_or_else(|err| panic!("e2e: clicking Snooze should snooze: {err}"));
    assert!(
        find(&menu, "Snooze alerts for 1 hour").is_none(),
        "a snoozed desk offers no second snooze"
    );
    // The menu acted on the app, not only on itself.
    let alerts = window
        .invoke("get_alert_settings", serde_json::json!({}))
        .unwrap_or_else(|err| panic!("e2e: {err}"));
    assert_eq!(alerts["paused"], true, "{alerts}");
    assert!(alerts["snoozed_until"].is_string(), "{alerts}");

    click(&item, "Resume alerts now");
    item.wait_for_menu(
        |menu| find(menu, "Snooze alerts for 15 minutes").is_some(),
        WAIT,
    )
    .unwrap_or_else(|err| panic!("e2e: resuming should offer snoozing again: {err}"));

    // Start at login writes an XDG autostart entry that starts in the tray.
    click(&item, "Start at login");
    item.wait_for_menu(
        |menu| find(menu, "Start at login").and_then(|e| e.toggle_state) == Some(1),
        WAIT,
    )
    .unwrap_or_else(|err| panic!("e2e: clicking Start at login should check it: {err}"));
    let autostart = window.sandbox_dir().join("home/.config/autostart");
    let entries: Vec<String> = fs::read_dir(&autostart)
        .map(|dir| {
            dir.filter_map(|entry| fs::read_to_string(entry.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        entries
            .iter()
            .any(|entry| entry.contains("[Desktop Entry]") && entry.contains("--hidden")),
        "an autostart entry in {}: {entries:?}",
        autostart.display()
    );

    let shown = window
        .notifications()
        .history()
        .unwrap_or_else(|err| panic!("e2e: dunst should answer: {err}"));
    assert!(
        shown
            .iter()
            .all(|notification| !notification.summary.is_empty()),
        "whatever dunst has shown should have a summary: {shown:#?}"
    );
}

/// Clicks the entry labelled `label` in the menu as it is now. The app
/// rebuilds its menu when the desk changes, which renumbers the entries, so
/// a click that lands on a stale id reads the menu again and retries.
#[track_caller]
fn click(item: &TrayItem, label: &str) {
    let mut last = String::new();
    for _ in 0..5 {
        let menu = item.menu().unwrap_or_else(|err| panic!("e2e: {err}"));
        match item.click(entry(&menu, label).id) {
            Ok(()) => return,
            Err(err) => last = err,
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("e2e: cannot click {label:?} in the tray menu: {last}");
}

fn find<'m>(menu: &'m [MenuEntry], label: &str) -> Option<&'m MenuEntry> {
    menu.iter().find(|entry| entry.label == label)
}

#[track_caller]
fn entry<'m>(menu: &'m [MenuEntry], label: &str) -> &'m MenuEntry {
    find(menu, label).unwrap_or_else(|| panic!("the tray menu has no {label:?}: {menu:#?}"))
}
