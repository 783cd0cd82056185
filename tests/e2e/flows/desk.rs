//! The desk as text: ticket text is always rendered as text, never as HTML.

use super::*;

#[test]
fn a_stored_script_injection_in_a_summary_renders_inertly() {
    let window = AppWindow::launch();
    create_profile(&window, "Ana Lopez", "l1", None);
    let payload =
        r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> Login fails"#;
    window.click("#new-ticket");
    window.type_text("#customer", "<b>Evil</b> Corp");
    window.type_text("#summary", payload);
    window.click("#new-ticket-submit");
    wait_for_status(&window, "ESC-1", "open");

    // Shown character for character, in the list, the heading and the timeline…
    assert_eq!(content(&window, ".row[data-key='ESC-1'] .summary"), payload);
    assert_eq!(window.text("#ticket-title"), payload);
    window.wait_for_text(".timeline .detail", payload, WAIT);
    assert_eq!(
        content(&window, ".row[data-key='ESC-1'] .customer"),
        "<b>Evil</b> Corp"
    );
    // …with no element created from it and no script run.
    assert_eq!(
        window.count(".row img, article.ticket img, .timeline img, .row b, #ticket-title script"),
        0
    );
    assert_eq!(
        window.execute("return window.__pwned === undefined;", vec![]),
        json!(true)
    );
    window.screenshot("injection-inert");
}
