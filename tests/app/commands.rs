//! The shell's commands, called through IPC with the app's real capabilities.

use serde_json::{json, Value};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

use crate::{invoke, start, LOCAL_ORIGIN};

#[test]
fn app_info_reports_the_version_and_the_database_it_opened() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A directory that does not exist yet: setup must create it.
    let database = dir.path().join("data").join("escalator.db");
    let app = start(&database);
    let main = app
        .get_webview_window("main")
        .expect("tauri.conf.json declares the main window");

    let info: Value = invoke(&main, "app_info", LOCAL_ORIGIN)
        .expect("the main window may call app_info")
        .deserialize()
        .expect("app_info returns JSON");

    assert_eq!(
        info,
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "database_path": database.display().to_string(),
            "problem": null,
        })
    );
    assert!(database.is_file(), "setup opened the desk at {database:?}");
}

#[test]
fn app_info_is_refused_outside_the_main_windows_local_pages() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let app = start(&dir.path().join("escalator.db"));
    let main = app.get_webview_window("main").expect("the main window");

    let remote = invoke(&main, "app_info", "https://example.com");
    assert!(remote.is_err(), "a remote page got {remote:?}");

    let other = WebviewWindowBuilder::new(&app, "other", WebviewUrl::default())
        .build()
        .expect("a second window");
    let from_other = invoke(&other, "app_info", LOCAL_ORIGIN);
    assert!(
        from_other.is_err(),
        "a window without a capability got {from_other:?}"
    );
}

/// Calls `command` from the main window and returns its JSON answer or error.
fn call(
    app: &tauri::App<tauri::test::MockRuntime>,
    command: &str,
    args: Value,
) -> Result<Value, Value> {
    let main = app.get_webview_window("main").expect("the main window");
    crate::invoke_with(&main, command, LOCAL_ORIGIN, args)
        .map(|body| body.deserialize().expect("JSON"))
}

#[test]
fn commands_act_as_the_signed_in_profile_and_refusals_carry_every_violation() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let app = start(&dir.path().join("escalator.db"));

    // Nobody is signed in yet: a classified refusal, not a crash.
    let error = call(
        &app,
        "open_ticket",
        json!({ "ticket": { "customer": "Acme", "summary": "Down" } }),
    )
    .unwrap_err();
    assert_eq!(error["kind"], "forbidden", "{error}");

    let ana = call(
        &app,
        "create_user",
        json!({ "handle": "ana", "displayName": "Ana Lopez", "role": "l1", "team": null }),
    )
    .unwrap();
    assert_eq!(ana["role"], "l1");
    call(&app, "sign_in", json!({ "handle": "ana" })).unwrap();
    let opened = call(
        &app,
        "open_ticket",
        json!({ "ticket": { "customer": "Acme Corp", "summary": "Checkout API returns 500 errors", "priority": "P1" } }),
    )
    .unwrap();
    assert_eq!(opened["ticket"]["key"], "ESC-1");
    assert_eq!(opened["ticket"]["owner"], ana["id"]);

    // The live checklist and the refusal say the same thing, in the one error shape.
    let escalate = json!({ "type": "escalate", "escalation_type": "software" });
    let checklist = call(
        &app,
        "check_command",
        json!({ "ticket": "ESC-1", "command": escalate }),
    )
    .unwrap();
    let error = call(
        &app,
        "execute_command",
        json!({ "ticket": "ESC-1", "command": escalate, "version": null }),
    )
    .unwrap_err();
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["violations"], checklist);
    let rules: Vec<&str> = checklist
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"SOP-6.2-logs") && rules.contains(&"SOP-4-criteria"),
        "{rules:?}"
    );
    assert_eq!(
        error.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["kind", "message", "violations"],
        "the error shape is closed"
    );

    // Unknown tickets, malformed commands and stale versions are classified too.
    let error = call(&app, "get_ticket", json!({ "ticket": "ESC-404" })).unwrap_err();
    assert_eq!(error["kind"], "not_found");
    let malformed = call(
        &app,
        "execute_command",
        json!({ "ticket": "ESC-1", "command": { "type": "teleport" }, "version": null }),
    );
    assert!(malformed.is_err(), "{malformed:?}");
    let detail = call(&app, "get_ticket", json!({ "ticket": "ESC-1" })).unwrap();
    let version = detail["version"].as_u64().unwrap();
    assert_eq!(detail["timeline"][0]["title"], "Opened ESC-1 for Acme Corp");
    let stale = json!({ "ticket": "ESC-1", "command": { "type": "add_note", "body": "hi" }, "version": version - 1 });
    assert_eq!(
        call(&app, "execute_command", stale).unwrap_err()["kind"],
        "conflict"
    );

    let counts = call(&app, "queue_counts", json!({})).unwrap();
    assert_eq!(counts[0]["queue"], "mine");
    assert_eq!(counts[0]["count"], 1);
}

#[test]
fn a_database_it_cannot_open_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = dir.path().join("future.db");
    escalator_core::Desk::open(&database).expect("a database");
    let conn = escalator_core::store::Store::open(&database).expect("reopen");
    conn.read()
        .pragma_update(None, "user_version", 99)
        .expect("pretend a newer schema");
    drop(conn);

    let app = start(&database);
    let info = call(&app, "app_info", json!({})).unwrap();
    assert!(
        info["problem"]
            .as_str()
            .unwrap()
            .contains("newer Escalator"),
        "{info}"
    );
    let error = call(&app, "list_users", json!({})).unwrap_err();
    assert_eq!(error["kind"], "storage", "{error}");
}

#[test]
fn sla_settings_and_alert_settings_answer_without_a_desktop_session() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let app = start(&dir.path().join("escalator.db"));
    call(
        &app,
        "create_user",
        json!({ "handle": "ana", "displayName": "Ana", "role": "l1", "team": null }),
    )
    .expect("a user");
    call(&app, "sign_in", json!({ "handle": "ana" })).expect("signed in");

    let view = call(&app, "get_sla_settings", json!({})).expect("the SLA settings");
    assert_eq!(view["settings"]["policies"][0]["policy"], "standard-p1");
    assert!(view["file"].as_str().unwrap().ends_with("sla.toml"));

    // SOP §3: an L1 engineer cannot change SLA policy; nothing is written.
    let refused = call(
        &app,
        "save_sla_settings",
        json!({ "settings": view["settings"] }),
    )
    .unwrap_err();
    assert_eq!(refused["kind"], "forbidden", "{refused}");
    assert_eq!(refused["violations"][0]["rule"], "SOP-3-role");
    assert!(!dir.path().join("sla.toml").exists());

    // The mock runtime has no scheduler and no autostart: it says so.
    let alerts = call(&app, "get_alert_settings", json!({})).expect("alert settings");
    assert_eq!(alerts["monitoring"], false);
    let snoozed = call(&app, "snooze_alerts", json!({ "minutes": 15 })).expect("snoozed");
    assert!(snoozed["snoozed_until"].is_string(), "{snoozed}");
    let autostart = call(&app, "set_autostart", json!({ "enabled": true })).unwrap_err();
    assert_eq!(autostart["kind"], "internal", "{autostart}");
}
