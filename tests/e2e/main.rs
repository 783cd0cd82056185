//! End-to-end tests: the real Escalator window under Xvfb, driven through
//! tauri-driver and WebKitWebDriver, the way a user would drive it.
//!
//! The WebDriver client is `fantoccini`, built without TLS: every request goes
//! to tauri-driver on the loopback address, so neither OpenSSL nor rustls is
//! needed, and its hyper/tokio stack is the one the app already builds.
//! Writing our own W3C client would mean re-doing element references, error
//! codes and actions, which the UI flow tests will want. The harness wraps it
//! in a blocking, selector-based API ([`harness::AppWindow`]) so tests stay
//! plain `#[test]` functions and teardown can run in `Drop`.
//!
//! Run with `.ci/e2e`, or `cargo test --test e2e -- --test-threads=1` once
//! tauri-driver is installed: each test starts its own display, bus, driver
//! and app, and WebKit on two cores is happier with one at a time.

mod alerts;
mod flows;
mod harness;
mod report;
mod review_pack;
mod smoke;
mod tray;
