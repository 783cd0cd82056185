//! The first thing a user sees: the app starts, shows its window and opens
//! the database it was pointed at. If this fails, no UI flow test can pass.

use serde_json::json;

use crate::harness::{AppWindow, WAIT};

#[test]
fn the_window_opens_with_a_fresh_database() {
    let window = AppWindow::launch();

    window.wait_for("body", WAIT);
    window.wait_until_rendered(WAIT);
    let title = window.title();
    assert!(
        title.starts_with("Escalator"),
        "the window's title should start with \"Escalator\", got {title:?}"
    );

    assert!(
        window.database().exists(),
        "the app should have created its database at ESCALATOR_DB ({})",
        window.database().display()
    );
    let info = window
        .invoke("app_info", json!({}))
        .unwrap_or_else(|err| panic!("app_info should answer, got {err}"));
    assert_eq!(
        info["database_path"],
        json!(window.database().display().to_string()),
        "the app should use the database the test gave it, not the user's"
    );

    let shot = window.screenshot("smoke");
    assert!(
        std::fs::metadata(&shot).map(|meta| meta.len()).unwrap_or(0) > 0,
        "the screenshot {} should not be empty",
        shot.display()
    );
}

#[test]
fn a_second_launch_hands_over_to_the_running_app() {
    let window = AppWindow::launch();
    window.wait_until_rendered(WAIT);
    let second = window.launch_again(std::time::Duration::from_secs(20));
    assert!(
        second.is_some_and(|status| status.success()),
        "a second Escalator should exit at once and leave the first in charge, got {second:?}"
    );
    // The first instance is still there and still answers.
    let info = window
        .invoke("app_info", json!({}))
        .expect("the first app still answers");
    assert_eq!(
        info["database_path"],
        json!(window.database().display().to_string())
    );
}
