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
