//! The user flows of the escalation desk, driven in the real window.
//!
//! Each test starts from an empty database, as a new desk would. Two things
//! are not driven through the page, and say so where they happen: files are
//! attached by calling the same `attach_files` command the OS file dialog
//! feeds (a GTK dialog is outside the webview, where WebDriver cannot reach),
//! and some tests set up background tickets through the app's IPC to keep the
//! flow under test short.

mod customer;
mod desk;
mod duplicates;
mod escalation;
mod screens;
mod sla;
// The core's SMTP test server; the window's flow needs no login, so
// `SmtpSink::with_login` goes unused here.
#[allow(dead_code)]
#[path = "../../../src-tauri/core/tests/sop/smtp_sink.rs"]
mod smtp_sink;

use crate::harness::{AppWindow, WAIT};
use serde_json::{json, Value};

/// Clicks `selector` until `then` appears. Right after a dialog opens or a
/// wizard step renders, WebKit under load sometimes drops the first click
/// (seen on a busy 2-core CI machine); a person never clicks that fast, so
/// the test clicks again rather than fail on the harness's haste. It still
/// fails if `then` never appears.
pub fn click_for(window: &AppWindow, selector: &str, then: &str) {
    for _ in 0..3 {
        window.click(selector);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while std::time::Instant::now() < deadline {
            if window.count(then) > 0 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    window.wait_for(then, WAIT);
}

/// Ticks the checkbox at `selector`.
pub fn tick(window: &AppWindow, selector: &str) {
    click_for(window, selector, &format!("{selector}:checked"));
}

/// Wizard step 3 for a software crash: type, reason, category (and so the team).
pub fn assign_software(window: &AppWindow) {
    click_for(window, "[data-step='assign']", "#escalation_type");
    click_for(
        window,
        "#escalation_type [data-value='software']",
        "input[name='reason']",
    );
    tick(
        window,
        "input[name='reason'][value='crash_or_backend_failure']",
    );
    choose(window, "#category", "software");
}

/// Picks `value` in the `<select>` at `selector`, as a user choosing an option.
pub fn choose(window: &AppWindow, selector: &str, value: &str) {
    window.wait_for(selector, WAIT);
    let script = "const el = document.querySelector(arguments[0]);
                  el.value = arguments[1];
                  el.dispatchEvent(new Event('change', { bubbles: true }));
                  return el.value;";
    let chosen = window.execute(script, vec![json!(selector), json!(value)]);
    assert_eq!(chosen, json!(value), "{selector} has no option {value:?}");
}

/// The exact characters an element holds (`textContent`), whatever its styling.
pub fn content(window: &AppWindow, selector: &str) -> String {
    window.wait_for(selector, WAIT);
    let text = window.execute(
        "return document.querySelector(arguments[0]).textContent;",
        vec![json!(selector)],
    );
    text.as_str().unwrap_or_default().to_string()
}

/// Creates a profile on the first-run screen and waits for the workspace.
pub fn create_profile(window: &AppWindow, name: &str, role: &str, team: Option<&str>) {
    window.wait_for("#profile-name", WAIT);
    window.type_text("#profile-name", name);
    choose(window, "#profile-role", role);
    if let Some(team) = team {
        choose(window, "#profile-team", team);
    }
    window.click("#profile-create");
    window.wait_for("#profile-menu", WAIT);
}

/// Switches to another profile through the profile menu.
pub fn switch_to(window: &AppWindow, handle: &str) {
    window.click("#profile-menu");
    window.click("#switch-profile");
    window.click(&format!(".person[data-handle='{handle}']"));
    window.wait_for("#profile-menu", WAIT);
}

/// Opens a ticket from the list of the current queue.
pub fn select_ticket(window: &AppWindow, key: &str) {
    window.click(&format!(".row[data-key='{key}']"));
    window.wait_for(&format!("article.ticket[data-key='{key}']"), WAIT);
}

/// Waits until the open ticket shows `status` (its code).
pub fn wait_for_status(window: &AppWindow, key: &str, status: &str) {
    window.wait_for(
        &format!("article.ticket[data-key='{key}'][data-status='{status}']"),
        WAIT,
    );
}

/// Calls a backend command as the page would, failing the test on error.
pub fn invoke(window: &AppWindow, command: &str, args: Value) -> Value {
    window
        .invoke(command, args)
        .unwrap_or_else(|error| panic!("{command} failed: {error}"))
}

/// Attaches a log file to the ticket through the command the file dialog feeds.
pub fn attach_log(window: &AppWindow, key: &str, name: &str, contents: &str) {
    let path = window.sandbox_dir().join(name);
    std::fs::write(&path, contents).expect("write the log file");
    invoke(
        window,
        "attach_files",
        json!({ "ticket": key, "paths": [path], "kind": "log" }),
    );
}

/// A ticket opened, documented and escalated through IPC, for flows that need one in the background.
pub fn escalated_in_background(
    window: &AppWindow,
    customer: &str,
    summary: &str,
    priority: &str,
) -> String {
    let opened = invoke(
        window,
        "open_ticket",
        json!({ "ticket": { "customer": customer, "summary": summary, "priority": priority, "impact": "Payments fail" } }),
    );
    let key = opened["ticket"]["key"].as_str().expect("a key").to_string();
    document_in_background(window, &key);
    let escalate = json!({
        "type": "escalate", "escalation_type": "software", "criteria": ["beyond_l1_capability"],
        "reasons": ["crash_or_backend_failure"], "category": "software", "team": "software",
        "troubleshooting_complete": true, "cannot_resolve_at_l1": true,
        "l1_confirmation": "Reproduced", "justification": "Needs a fix",
    });
    invoke(
        window,
        "execute_command",
        json!({ "ticket": key, "command": escalate, "version": null }),
    );
    key
}

/// Adds every SOP §6 Step 2 item to a ticket through IPC.
pub fn document_in_background(window: &AppWindow, key: &str) {
    let change = json!({ "type": "update_documentation", "steps_to_reproduce": "Pay by card", "environment": "Web shop 4.2.1" });
    invoke(
        window,
        "execute_command",
        json!({ "ticket": key, "command": change, "version": null }),
    );
    let tried =
        json!({ "type": "record_troubleshooting", "action": "Retried", "outcome": "Fails" });
    invoke(
        window,
        "execute_command",
        json!({ "ticket": key, "command": tried, "version": null }),
    );
    attach_log(
        window,
        key,
        &format!("{key}.log"),
        "ERROR 500 POST /checkout",
    );
}
