//! The SOP §13 review as a lead prints it: the HTML export of the demo
//! desk's month, rendered by headless Chromium (Debian's `chromium`, from
//! `.ci/setup`) to a PNG in target/e2e-screenshots/. The page is one file
//! with nothing to fetch, so it renders offline.

use std::path::PathBuf;
use std::process::Command;

use escalator_core::report::{ReportFormat, ReportMonth};
use escalator_core::Desk;

#[test]
fn the_monthly_review_prints_as_one_page_that_chromium_renders() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let desk = Desk::open(dir.path().join("escalator.db")).expect("a desk");
    desk.load_demo().expect("the demo desk");
    let month: ReportMonth = chrono::Utc::now()
        .format("%Y-%m")
        .to_string()
        .parse()
        .expect("this month");
    let report = desk.monthly_report(month).expect("the review");
    let html = report.render(ReportFormat::Html).expect("HTML");
    assert!(html.contains("<svg"), "the charts are inline SVG");
    assert!(
        !html.contains("<script") && !html.contains("http://") && !html.contains("https://"),
        "no script and nothing to fetch"
    );
    let page = dir.path().join("review.html");
    std::fs::write(&page, &html).expect("write the page");

    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
    std::fs::create_dir_all(&shots).expect("the screenshot folder");
    let png = shots.join("monthly-review.png");
    let _ = std::fs::remove_file(&png);
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok())
        .expect("chromium is installed (.ci/setup installs Debian's chromium)");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1240,3200",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .env("HOME", dir.path())
        .output()
        .expect("run chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = std::fs::read(&png).expect("the screenshot");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1240, 3200));
    assert!(bytes.len() > 50_000, "a rendered page, not a blank one");
}
