//! The CLI as a script or an admin uses it: the real binary against a
//! database file on disk, checking output, JSON and exit codes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

struct Desk {
    dir: TempDir,
}

impl Desk {
    fn new() -> Desk {
        let desk = Desk {
            dir: tempfile::tempdir().unwrap(),
        };
        desk.ok(&["user", "add", "ana", "--name", "Ana Lopez", "--role", "l1"]);
        desk.ok(&[
            "user", "add", "sam", "--name", "Sam Ito", "--role", "l2", "--team", "software",
        ]);
        desk.ok(&["user", "add", "lee", "--name", "Lee Park", "--role", "l3"]);
        desk
    }

    /// Ana opens ESC-1, a P2 for Acme Corp.
    fn open_checkout_p2(&self) -> Value {
        self.json_as(
            "ana",
            &[
                "open",
                "--customer",
                "Acme Corp",
                "--summary",
                "Checkout fails",
                "--priority",
                "P2",
            ],
        )
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("escalator.db")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_escalator-cli"))
            .args(args)
            .env("ESCALATOR_DB", self.db())
            .env_remove("ESCALATOR_USER")
            .output()
            .expect("run escalator-cli")
    }

    /// Runs as `user` with `--json`, expecting success, and returns the JSON.
    fn json_as(&self, user: &str, args: &[&str]) -> Value {
        let mut all = vec!["--as", user, "--json"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        assert!(
            output.status.success(),
            "{args:?}: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON output")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?}: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    }

    fn event_count(&self) -> u64 {
        self.json_as("ana", &["verify"])["events"].as_u64().unwrap()
    }

    fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path.display().to_string()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a clean failure: the exit code, no panic, and (with `--json`) the kind.
fn assert_fails(output: &Output, code: i32, kind: &str) -> Value {
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {} stderr: {stderr}",
        text(&output.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let error: Value = serde_json::from_slice(&output.stdout).expect("a JSON error on stdout");
    assert_eq!(error["error"]["kind"], kind, "{error}");
    error
}

fn kinds(history: &Value) -> Vec<String> {
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_full_lifecycle_runs_from_the_cli_against_a_file_on_disk() {
    let desk = Desk::new();
    let opened = desk.json_as(
        "ana",
        &[
            "open",
            "--customer",
            "Acme Corp",
            "--summary",
            "Checkout API returns 500 errors",
            "--priority",
            "P1",
            "--impact",
            "All web checkouts fail",
            "--product",
            "Web shop",
        ],
    );
    let key = opened["ticket"]["key"].as_str().unwrap().to_string();
    assert_eq!(key, "ESC-1");
    let log = desk.file(
        "gateway.log",
        b"2026-03-02T09:01:12Z ERROR 500 POST /checkout",
    );
    let steps: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "ana",
            vec![
                "document",
                &key,
                "--steps",
                "1. Add to cart 2. Pay",
                "--environment",
                "Web shop 4.2.1, EU",
            ],
            "open",
        ),
        (
            "ana",
            vec![
                "troubleshoot",
                &key,
                "--action",
                "Restarted the payment worker",
                "--outcome",
                "No change",
            ],
            "open",
        ),
        ("ana", vec!["attach", &key, &log, "--kind", "log"], "open"),
        (
            "ana",
            vec![
                "escalate",
                &key,
                "--type",
                "software",
                "--criterion",
                "business_critical",
                "--reason",
                "crash_or_backend_failure",
                "--category",
                "software",
                "--team",
                "software",
                "--troubleshooting-complete",
                "--cannot-resolve",
            ],
            "escalated",
        ),
        ("sam", vec!["acknowledge", &key], "investigating"),
        (
            "sam",
            vec![
                "request-info",
                &key,
                "--question",
                "Which payment provider?",
            ],
            "awaiting_info",
        ),
        (
            "ana",
            vec!["provide-info", &key, "--answer", "Stripe, EU account"],
            "investigating",
        ),
        (
            "sam",
            vec![
                "propose",
                &key,
                "--summary",
                "Rolled back the gateway config",
            ],
            "resolution_proposed",
        ),
        (
            "ana",
            vec!["validate", &key, "--note", "Test payment passes"],
            "fix_validated",
        ),
        (
            "ana",
            vec!["confirm", &key, "--note", "Customer confirmed"],
            "customer_confirmed",
        ),
        (
            "ana",
            vec![
                "resolution-notes",
                &key,
                "--notes",
                "Gateway config rollback",
            ],
            "customer_confirmed",
        ),
        ("ana", vec!["close", &key], "closed"),
    ];
    for (user, args, status) in steps {
        let outcome = desk.json_as(user, &args);
        assert_eq!(outcome["ticket"]["status"], status, "after {args:?}");
        assert_eq!(
            outcome["ticket"]["owner"], opened["ticket"]["owner"],
            "§9 owner after {args:?}"
        );
    }

    let verify = desk.run(&["verify"]);
    assert!(verify.status.success());
    assert!(
        text(&verify.stdout).contains("audit chain intact: 1 streams, 14 events"),
        "{}",
        text(&verify.stdout)
    );

    let history = desk.json_as("ana", &["history", &key]);
    assert_eq!(
        kinds(&history),
        [
            "TicketOpened",
            "DocumentationUpdated",
            "TroubleshootingRecorded",
            "AttachmentAdded",
            "Escalated",
            "ManagementEscalated",
            "Acknowledged",
            "InfoRequested",
            "InfoProvided",
            "ResolutionProposed",
            "FixValidated",
            "CustomerConfirmed",
            "ResolutionNotesWritten",
            "Closed",
        ]
    );
    let text_history = desk.ok(&["history", &key]);
    assert!(
        text_history.lines().filter(|l| l.starts_with('#')).count() == 14
            && text_history.contains("Sam Ito")
            && text_history.contains("Acknowledged the escalation")
            && text_history.contains("Which payment provider?"),
        "{text_history}"
    );
    assert!(desk.db().exists());
}

#[test]
fn a_refused_command_exits_non_zero_and_prints_every_violation() {
    let desk = Desk::new();
    desk.open_checkout_p2();
    let output = desk.run(&[
        "--as", "ana", "--json", "escalate", "ESC-1", "--type", "software",
    ]);
    let error = assert_fails(&output, 1, "validation");
    let rules: Vec<&str> = error["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "SOP-4-criteria",
        "SOP-5.1-reasons",
        "SOP-6.2-logs",
        "SOP-6.2-steps",
        "SOP-6.3-category",
        "SOP-6.4-impact",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let logs = error["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["rule"] == "SOP-6.2-logs")
        .unwrap();
    assert_eq!(
        (logs["clause"].as_str(), logs["field"].as_str()),
        (Some("§6 Step 2"), Some("attachments"))
    );

    // Without --json: every violation on stderr, one per line.
    let output = desk.run(&["--as", "ana", "escalate", "ESC-1", "--type", "software"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("SOP-6.2-logs")
            && stderr.contains("§6 Step 2")
            && stderr.contains("Attach at least one log"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.trim_start().starts_with("SOP-"))
            .count(),
        rules.len()
    );
}

#[test]
fn a_permission_refusal_exits_with_the_forbidden_code() {
    let desk = Desk::new();
    desk.open_checkout_p2();
    let output = desk.run(&[
        "--as",
        "sam",
        "--json",
        "customer-update",
        "ESC-1",
        "--channel",
        "email",
        "--body",
        "On it",
    ]);
    let error = assert_fails(&output, 3, "forbidden");
    assert_eq!(
        error["error"]["violations"][0]["rule"],
        "SOP-9-customer-communication"
    );
}

#[test]
fn bad_input_gives_a_clear_error_and_writes_nothing() {
    let desk = Desk::new();
    desk.open_checkout_p2();
    let before = desk.event_count();

    // Malformed JSON request.
    let junk = desk.file("request.json", b"{\"escalation_type\": \"software\", ");
    let error = assert_fails(
        &desk.run(&[
            "--as",
            "ana",
            "--json",
            "escalate",
            "ESC-1",
            "--request",
            &junk,
        ]),
        1,
        "validation",
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("malformed JSON"),
        "{error}"
    );
    // Well-formed JSON with an unknown field or value.
    let unknown = desk.file("unknown.json", br#"{"escalation_type": "plumbing"}"#);
    let error = assert_fails(
        &desk.run(&[
            "--as",
            "ana",
            "--json",
            "escalate",
            "ESC-1",
            "--request",
            &unknown,
        ]),
        1,
        "validation",
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("plumbing"),
        "{error}"
    );

    // Unknown ticket and unknown user.
    assert_fails(
        &desk.run(&["--as", "ana", "--json", "acknowledge", "ESC-404"]),
        4,
        "not_found",
    );
    let error = assert_fails(
        &desk.run(&["--as", "ghost", "--json", "note", "ESC-1", "--body", "hi"]),
        4,
        "not_found",
    );
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ghost"));

    // Missing actor.
    let error = assert_fails(
        &desk.run(&["--json", "note", "ESC-1", "--body", "hi"]),
        1,
        "validation",
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--as USER"),
        "{error}"
    );

    // An oversized attachment (sparse: 26 MiB on paper, nothing on disk).
    let big = desk.dir.path().join("huge.log");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(26 * 1024 * 1024)
        .unwrap();
    let error = assert_fails(
        &desk.run(&[
            "--as",
            "ana",
            "--json",
            "attach",
            "ESC-1",
            big.to_str().unwrap(),
        ]),
        1,
        "validation",
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limited to 25.0 MiB"),
        "{error}"
    );
    assert!(
        !desk.db().parent().unwrap().join("attachments").exists()
            || count_files(&desk.db().parent().unwrap().join("attachments")) == 0
    );

    // Invalid enum values: clap's usage error, exit 2, as JSON with --json.
    let error = assert_fails(
        &desk.run(&[
            "--as", "ana", "--json", "priority", "ESC-1", "P7", "--reason", "x",
        ]),
        2,
        "validation",
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("P1, P2, P3, P4"),
        "{error}"
    );
    let output = desk.run(&["--as", "ana", "escalate", "ESC-1", "--type", "plumbing"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("software, hardware, management"),
        "{}",
        text(&output.stderr)
    );

    assert_eq!(desk.event_count(), before, "nothing was written");
}

#[test]
fn a_broken_chain_makes_verify_exit_8_naming_ticket_and_seq() {
    let desk = Desk::new();
    desk.open_checkout_p2();
    desk.json_as("ana", &["note", "ESC-1", "--body", "Called the customer"]);
    tamper_with_event_2(&desk.db());
    let output = desk.run(&["verify"]);
    assert_eq!(output.status.code(), Some(8));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("BROKEN: ticket ESC-1") && stdout.contains("at seq 2"),
        "{stdout}"
    );
}

/// Edits event 2's payload with plain SQL, as a tamperer with the file would:
/// the CLI has no way to edit history, by design.
fn tamper_with_event_2(db: &Path) {
    let store = escalator_core::store::Store::open(db).expect("open");
    store
        .read()
        .execute_batch(
            "DROP TRIGGER events_are_never_updated;
             UPDATE events SET payload = replace(payload, 'Called', 'Ignored') WHERE seq = 2;",
        )
        .expect("tamper");
}

#[test]
fn the_database_and_actor_come_from_the_environment_and_help_lists_commands() {
    let desk = Desk::new();
    let output = Command::new(env!("CARGO_BIN_EXE_escalator-cli"))
        .args([
            "--json",
            "open",
            "--customer",
            "Acme Corp",
            "--summary",
            "Checkout fails",
        ])
        .env("ESCALATOR_DB", desk.db())
        .env("ESCALATOR_USER", "ana")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let users = desk.json_as("ana", &["user", "list"]);
    assert_eq!(users.as_array().unwrap().len(), 3);

    let help = desk.ok(&["--help"]);
    for command in [
        "user",
        "open",
        "show",
        "list",
        "document",
        "troubleshoot",
        "attach",
        "escalate",
        "acknowledge",
        "request-info",
        "provide-info",
        "propose",
        "validate",
        "confirm",
        "resolution-notes",
        "close",
        "monitor",
        "reopen",
        "approve-exception",
        "verify",
        "history",
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "--help lacks {command}:\n{help}"
        );
    }
}

#[test]
fn report_monthly_writes_the_review_as_json_csv_or_one_html_page() {
    let desk = Desk::new();
    let month_before = chrono::Utc::now().format("%Y-%m").to_string();
    let opened = desk.json_as(
        "ana",
        &[
            "open",
            "--customer",
            "Acme, Inc.",
            "--summary",
            "Checkout <script>alert(1)</script> fails, \"always\"",
            "--priority",
            "P2",
            "--impact",
            "No web sales",
            "--product",
            "Web shop",
            "--steps",
            "Pay by card",
            "--environment",
            "Web shop 4.2.1",
        ],
    );
    let key = opened["ticket"]["key"].as_str().unwrap().to_string();
    let log = desk.file("report.log", b"ERROR 500 POST /checkout");
    desk.json_as(
        "ana",
        &["troubleshoot", &key, "--action", "Restarted the worker"],
    );
    desk.json_as("ana", &["attach", &key, &log, "--kind", "log"]);
    desk.json_as(
        "ana",
        &[
            "escalate",
            &key,
            "--type",
            "software",
            "--criterion",
            "business_critical",
            "--reason",
            "crash_or_backend_failure",
            "--category",
            "software",
            "--team",
            "software",
            "--troubleshooting-complete",
            "--cannot-resolve",
        ],
    );
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    // At the turn of a month the escalation may belong to either; then
    // only the formats are checked.
    let counted = month == month_before;

    let json = desk.ok(&["report", "monthly", "--month", &month, "--format", "json"]);
    let report: Value = serde_json::from_str(&json).expect("the report as JSON");
    assert_eq!(report["month"], month.as_str());
    if counted {
        assert_eq!(report["escalations"]["total"], 1);
        assert_eq!(report["causes"]["by_product"][0]["label"], "Web shop");
    }

    let csv = desk.ok(&["report", "monthly", "--month", &month, "--format", "csv"]);
    assert!(csv.starts_with("section,group,metric,value\r\n"), "{csv}");
    assert!(csv.contains(&format!("report,,month,{month}\r\n")));
    if counted {
        assert!(csv.contains("escalations,,total,1\r\n"));
        assert!(
            csv.contains("\"Checkout <script>alert(1)</script> fails, \"\"always\"\"\""),
            "customer text is quoted: {csv}"
        );
    }

    let out = desk.dir.path().join("review.html");
    let written = desk.json_as(
        "ana",
        &[
            "report",
            "monthly",
            "--month",
            &month,
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(written["written"], out.display().to_string());
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written["bytes"], html.len());
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(
        !html.to_lowercase().contains("<script"),
        "ticket text is inert"
    );
    if counted {
        assert!(html.contains("Checkout &lt;script&gt;alert(1)&lt;/script&gt; fails"));
    }

    // A month or a format that does not exist is a usage error.
    let bad = desk.run(&[
        "--json", "report", "monthly", "--month", "2026-13", "--format", "html",
    ]);
    assert_fails(&bad, 2, "validation");
    let bad = desk.run(&["report", "monthly", "--month", "2026-03", "--format", "pdf"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { count_files(&p) } else { 1 })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn review_pack_exports_verifies_anywhere_and_brings_notes_back_once() {
    let desk = Desk::new();
    desk.open_checkout_p2();
    desk.json_as("ana", &["note", "ESC-1", "--body", "Called the customer"]);
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (
        (today - chrono::Days::new(1)).to_string(),
        (today + chrono::Days::new(2)).to_string(),
    );
    let pack = desk.dir.path().join("review.escpack");
    let pack_arg = pack.display().to_string();
    let export = desk.run(&[
        "--as",
        "ana",
        "--json",
        "review-pack",
        "export",
        "--from",
        &from,
        "--to",
        &to,
        "--out",
        &pack_arg,
    ]);
    assert_fails(&export, 3, "forbidden");
    let exported = desk.json_as(
        "lee",
        &[
            "review-pack",
            "export",
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            &pack_arg,
        ],
    );
    assert_eq!(exported["info"]["tickets"], 1);

    // On the lead's laptop: no desk at all, and none is created.
    let laptop = tempfile::tempdir().unwrap();
    let no_desk = laptop.path().join("none").join("escalator.db");
    let on_laptop = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_escalator-cli"))
            .args(args)
            .env("ESCALATOR_DB", &no_desk)
            .env_remove("ESCALATOR_USER")
            .output()
            .expect("run escalator-cli")
    };
    let verified = on_laptop(&["review-pack", "verify", &pack_arg]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stdout)
    );
    assert!(text(&verified.stdout).contains("verified: 1 streams, 2 events"));
    let listed = text(&on_laptop(&["review-pack", "show", &pack_arg]).stdout);
    assert!(
        listed.contains("ESC-1") && listed.contains("Checkout fails"),
        "{listed}"
    );
    let history = text(&on_laptop(&["review-pack", "show", &pack_arg, "ESC-1"]).stdout);
    assert!(history.contains("#2"), "{history}");
    let noted = on_laptop(&[
        "--as",
        "lee",
        "review-pack",
        "note",
        &pack_arg,
        "ESC-1",
        "--body",
        "Good call",
    ]);
    assert!(noted.status.success(), "{}", text(&noted.stderr));
    let notes = laptop.path().join("notes.json").display().to_string();
    let written = on_laptop(&["review-pack", "export-notes", &pack_arg, "--out", &notes]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(!no_desk.exists(), "reading a pack opens no desk");

    // Back on the source desk, each note is recorded once.
    let imported = desk.json_as("lee", &["import-review-notes", &notes]);
    assert_eq!(imported["imported"], serde_json::json!(["ESC-1"]));
    let again = desk.json_as("lee", &["import-review-notes", &notes]);
    assert_eq!(again["imported"], serde_json::json!([]));
    assert_eq!(again["already_imported"], 1);

    // One byte changed in an event of a copy: verify exits 8 naming the ticket.
    let tampered = laptop.path().join("tampered.escpack");
    let mut bytes = std::fs::read(&pack).unwrap();
    let needle = b"{\"body\":\"Called the customer\"}";
    let at = bytes
        .windows(needle.len())
        .position(|window| window == needle)
        .expect("the payload is in the file");
    bytes[at + 10] = b'K';
    std::fs::write(&tampered, bytes).unwrap();
    let output = on_laptop(&["review-pack", "verify", &tampered.display().to_string()]);
    assert_eq!(output.status.code(), Some(8));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("NOT VERIFIED") && stdout.contains("BROKEN: ticket ESC-1"),
        "{stdout}"
    );
}
