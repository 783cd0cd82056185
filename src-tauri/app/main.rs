//! The `escalator` binary: starts the desktop app. Everything else lives in
//! the `escalator_app` library so tests can build the same app.

// Release builds on Windows open no console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    escalator_app::run();
}
