//! Tests of the desktop shell on Tauri's mock runtime.
//!
//! They build the real app: the setup that finds and opens the database, the
//! windows from `tauri.conf.json` and the capabilities compiled by the build
//! script. Commands are then invoked through IPC the way the webview would
//! call them. No display and no WebKit are needed; the end-to-end suite drives
//! the real window.

mod bindings;
mod commands;

use std::path::Path;

use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

/// The origin of the app's own pages on this platform.
const LOCAL_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

/// Builds the app on the mock runtime with its database at `database`, and
/// runs its setup.
fn start(database: &Path) -> App<MockRuntime> {
    let mut app = escalator_app::builder(mock_builder(), Some(database.to_path_buf()))
        .build(escalator_app::context())
        .expect("the app builds");
    // Setup runs on the first event-loop turn. `run_iteration` is deprecated
    // because looping on it busy-waits; one call is exactly what a test needs.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

/// Calls `command` without arguments from `window`, as a page at `origin` would.
fn invoke(
    window: &WebviewWindow<MockRuntime>,
    command: &str,
    origin: &str,
) -> Result<InvokeResponseBody, serde_json::Value> {
    invoke_with(window, command, origin, serde_json::json!({}))
}

/// Calls `command` with JSON arguments from `window`.
fn invoke_with(
    window: &WebviewWindow<MockRuntime>,
    command: &str,
    origin: &str,
    args: serde_json::Value,
) -> Result<InvokeResponseBody, serde_json::Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: command.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: origin.parse().expect("a valid origin"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
}
