//! SOP §7: the leak check on customer messages. One table per kind of
//! finding, each with messages that must be flagged (and exactly where) and
//! look-alikes that must not; then realistic updates, clean and dirty, the
//! configuration errors, and robustness on odd and huge input.

use crate::support::*;
use escalator_core::comms::leak::{self, Finding, LeakCheck, LeakKind, LeakRules};
use escalator_core::{Error, ErrorKind};
use proptest::prelude::*;
use std::sync::LazyLock;

/// The ticket's internal note the tables copy from.
const NOTE: &str = "Customer reports checkout failures since the 3.4 rollout. Root cause \
    is the connection pool exhausting under the Black Friday load; Sam raised the pool size \
    on the payments cluster and will backport the retry fix tonight.";

/// The desk of `support.rs` (display names and handles), a customer contact
/// and company, the note above and two project code names.
fn rules() -> LeakRules {
    let mut rules = LeakRules::standard();
    rules.names.extend(
        [
            "Ana Lopez",
            "ana",
            "Sam Ito",
            "sam",
            "s.ito",
            "Hana Berg",
            "hana",
            "Lee Park",
            "lee",
        ]
        .map(String::from),
    );
    rules.allowed_names = vec!["Maria Keller".into(), "Acme GmbH".into()];
    rules.internal_notes = vec![NOTE.into()];
    rules
        .deny_list
        .extend(["Project Bluefin", "Nightjar"].map(String::from));
    rules
}

fn check_with(rules: &LeakRules, text: &str) -> Vec<Finding> {
    let findings = leak::check(text, rules).expect("valid rules");
    assert_consistent(text, &findings);
    findings
}

/// Every finding's range is in characters and holds its text; findings are
/// sorted and never overlap.
fn assert_consistent(text: &str, findings: &[Finding]) {
    // The byte offset of every character, and of the end.
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut previous_end = 0;
    for finding in findings {
        assert!(finding.start < finding.end, "{finding:?}");
        assert!(
            finding.start >= previous_end,
            "overlap or disorder: {findings:#?}"
        );
        assert!(finding.end < bytes.len(), "{finding:?} is past the end");
        let slice = &text[bytes[finding.start]..bytes[finding.end]];
        assert_eq!(slice, finding.text, "range of {finding:?}");
        assert_eq!(finding.message, finding.kind.message());
        previous_end = finding.end;
    }
}

/// Each positive case is flagged with exactly `expected` texts, all of `kind`;
/// each negative case produces no finding of any kind.
fn assert_table(kind: LeakKind, positives: &[(&str, &[&str])], negatives: &[&str]) {
    let rules = rules();
    for (text, expected) in positives {
        let found: Vec<(LeakKind, String)> = check_with(&rules, text)
            .into_iter()
            .map(|f| (f.kind, f.text))
            .collect();
        let wanted: Vec<(LeakKind, String)> =
            expected.iter().map(|t| (kind, (*t).to_owned())).collect();
        assert_eq!(found, wanted, "in {text:?}");
    }
    for text in negatives {
        let found = check_with(&rules, text);
        assert!(found.is_empty(), "false positive in {text:?}: {found:#?}");
    }
}

#[test]
fn internal_names_are_flagged_in_full_but_first_names_are_not() {
    assert_table(
        LeakKind::InternalName,
        &[
            ("Sam Ito is looking into it.", &["Sam Ito"]),
            ("I spoke to sam ito this morning.", &["sam ito"]),
            (
                "Our Software team has reproduced the issue.",
                &["Software team"],
            ),
            (
                "The hardware  team will replace the unit.",
                &["hardware  team"],
            ),
            (
                "Hana Berg and the Validation team confirmed the fix.",
                &["Hana Berg", "Validation team"],
            ),
            ("Please reply to s.ito when convenient.", &["s.ito"]),
            ("I have asked @hana to call you.", &["@hana"]),
            ("Thanks,\nAna Lopez", &["Ana Lopez"]),
        ],
        &[
            "Sam from Acme said the error started on Monday.",
            "Hi Maria Keller, thanks for your patience.",
            "Could your software team share the client version?",
            "Please ask Acme's Hardware team to check the cabling.",
            "Lee will be happy to hear that; Ana will call you at 10:00.",
            "Write to support@lee-industries.com for spare parts.",
            "Our engineering team is investigating.",
            "Samito and Hanami are new product names.",
        ],
    );
}

#[test]
fn a_customer_who_shares_an_engineers_name_is_not_flagged() {
    let mut rules = rules();
    rules.allowed_names = vec!["Lee Park".into()];
    assert!(check_with(&rules, "Dear Lee Park, the fix is live.").is_empty());

    // Allowing a first name does not hide a full internal name.
    rules.allowed_names = vec!["Sam".into()];
    let found = check_with(&rules, "Sam Ito fixed it.");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].kind, found[0].text.as_str()),
        (LeakKind::InternalName, "Sam Ito")
    );

    // A customer whose full name contains an engineer's keeps it.
    rules.allowed_names = vec!["Sam Ito-Berg".into()];
    assert!(check_with(&rules, "Hello Sam Ito-Berg,").is_empty());
}

#[test]
fn names_come_from_the_users_table() {
    let fixture = Fixture::new();
    let users = fixture.desk.users().unwrap();
    let rules = LeakRules::standard().with_users(&users);
    assert!(rules.names.iter().any(|n| n == "Hana Berg"));
    assert!(rules.names.iter().any(|n| n == "hana"));
    assert!(!rules.names.iter().any(|n| n == "system"));
    let found = check_with(&rules, "Hana Berg from the Hardware team will call.");
    let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["Hana Berg", "Hardware team"]);
}

#[test]
fn support_levels_are_flagged_but_not_hardware_or_pricing_tiers() {
    assert_table(
        LeakKind::SupportLevel,
        &[
            ("Your ticket has been escalated to L2.", &["L2"]),
            ("The L3 team is reviewing the logs.", &["L3"]),
            ("Escalated to L2/L3 for review.", &["L2/L3"]),
            ("An l1 agent will call you back.", &["l1"]),
            ("It is now with tier 2 support.", &["tier 2 support"]),
            ("Support level 2 is handling it.", &["Support level 2"]),
            ("We have escalated this to level 3 today.", &["level 3"]),
            (
                "Our second-line support engineers are on it.",
                &["second-line support"],
            ),
            (
                "Our on-call engineer restarted the service.",
                &["on-call engineer"],
            ),
        ],
        &[
            "The L2 cache on the controller was replaced.",
            "Configure the port as an L3 switch.",
            "Layer 2 (L2) forwarding is enabled on the uplink.",
            "Tier 1 pricing applies to your plan.",
            "Set the fan speed to level 2 and restart.",
            "Our engineering team is on call tonight if anything changes.",
            "The model XL2 ships in May.",
        ],
    );
}

#[test]
fn text_copied_from_an_internal_note_is_flagged_from_eight_words() {
    assert_table(
        LeakKind::InternalNote,
        &[
            (
                "Root cause is the connection pool exhausting under the Black Friday load.",
                &["Root cause is the connection pool exhausting under the Black Friday load"],
            ),
            (
                "ROOT CAUSE — is the connection pool exhausting under the\nblack friday load!",
                &["ROOT CAUSE — is the connection pool exhausting under the\nblack friday load"],
            ),
            (
                "Good news: we raised the pool size on the payments cluster.",
                &["raised the pool size on the payments cluster"],
            ),
            (
                "We raised the pool size on the payments cluster and will call you.",
                &["raised the pool size on the payments cluster and will"],
            ),
        ],
        &[
            // Seven shared words are an ordinary phrase.
            "We checked the pool size on the payments cluster today.",
            "The payments cluster pool size was raised on the weekend.",
            "Please let us know if you have any further questions.",
            "Customer reports are welcome.",
        ],
    );
}

#[test]
fn internal_ticket_keys_are_flagged_but_public_codes_are_not() {
    assert_table(
        LeakKind::TicketKey,
        &[
            ("This is tracked as ESC-42.", &["ESC-42"]),
            ("Related to PAY-1234 and OPS-7.", &["PAY-1234", "OPS-7"]),
            ("See INFRA2-88 for the rollout plan.", &["INFRA2-88"]),
            ("(ESC-3) is closed.", &["ESC-3"]),
            ("Duplicate of ABC-123", &["ABC-123"]),
        ],
        &[
            "We are ISO-9001 certified.",
            "This addresses CVE-2024-12345.",
            "Files are saved as UTF-8 and ISO-8859-1.",
            "Checksums use SHA-256.",
            "Per RFC-7231 the server may return 503.",
            "Travel was limited during COVID-19.",
            "The access point supports Wi-Fi 6.",
            "Our US office is on UTC-5.",
            "Please ship it back under RMA-20931.",
            "Targets for Q3-2026 are unchanged.",
        ],
    );
}

#[test]
fn internal_hostnames_are_flagged_but_public_names_and_times_are_not() {
    assert_table(
        LeakKind::Hostname,
        &[
            ("It runs on db-prod-03.internal.", &["db-prod-03.internal"]),
            (
                "Artifacts come from build01.corp.example.com nightly.",
                &["build01.corp.example.com"],
            ),
            (
                "Connect to db-prod-03:5432 to verify.",
                &["db-prod-03:5432"],
            ),
            (
                "The cache on redis-2.lan:6379 was full.",
                &["redis-2.lan:6379"],
            ),
            ("Print it on printer.local, please.", &["printer.local"]),
            ("We moved the wiki to jira.corp.", &["jira.corp"]),
        ],
        &[
            "Live updates are on status.example.com.",
            "The meeting is at 16:00 CET.",
            "Use version 3.4.1 or later.",
            "Email us at support@example.com.",
            "The screen ratio is 16:9.",
            "Dates follow ISO-8601:2004.",
            "We are open Mon-Fri 09:00-17:00.",
            "Our local team, i.e. the one in Berlin, will visit.",
            "Open report.pdf and check page 2.",
        ],
    );
}

#[test]
fn configured_internal_domains_cover_their_subdomains_only() {
    let mut rules = rules();
    rules.internal_domains.push("acme-ops.net".into());
    let found = check_with(&rules, "See metrics.acme-ops.net or acme-ops.net.");
    let texts: Vec<(LeakKind, &str)> = found.iter().map(|f| (f.kind, f.text.as_str())).collect();
    assert_eq!(texts, [(LeakKind::Hostname, "metrics.acme-ops.net")]);
}

#[test]
fn internal_urls_are_flagged_but_public_links_are_not() {
    assert_table(
        LeakKind::InternalUrl,
        &[
            // The key in the path is part of the one URL finding.
            (
                "See http://jira/browse/ESC-9 for details.",
                &["http://jira/browse/ESC-9"],
            ),
            (
                "Dashboard: https://grafana.corp.example.com/d/abc?from=now-1h.",
                &["https://grafana.corp.example.com/d/abc?from=now-1h"],
            ),
            (
                "Try http://10.1.2.3:8080/health",
                &["http://10.1.2.3:8080/health"],
            ),
            (
                "(http://localhost:3000/admin)",
                &["http://localhost:3000/admin"],
            ),
            (
                "Raw: http://203.0.113.7/status.",
                &["http://203.0.113.7/status"],
            ),
            (
                "IPv6: http://[fe80::1]:8080/x",
                &["http://[fe80::1]:8080/x"],
            ),
        ],
        &[
            "Follow https://status.example.com/incidents/123 for updates.",
            "The guide is at https://docs.example.com/guide#step-2.",
            "Our website http://www.acme.com has the details.",
            "Our status page (https://status.example.com) shows green.",
        ],
    );
}

#[test]
fn private_ips_are_flagged_but_public_ones_and_versions_are_not() {
    assert_table(
        LeakKind::PrivateIp,
        &[
            ("The gateway 10.0.4.17 dropped packets.", &["10.0.4.17"]),
            ("Connect to 192.168.1.20:5432.", &["192.168.1.20:5432"]),
            ("The range 172.16.0.0/12 is ours.", &["172.16.0.0/12"]),
            ("It binds to 127.0.0.1 only.", &["127.0.0.1"]),
            ("It got 169.254.10.1 from nowhere.", &["169.254.10.1"]),
            ("The ULA fd12:3456:789a::1 is ours.", &["fd12:3456:789a::1"]),
            (
                "Link-local fe80::1ff:fe23:4567:890a here.",
                &["fe80::1ff:fe23:4567:890a"],
            ),
            ("It listens on ::1.", &["::1"]),
        ],
        &[
            "Use Google's resolver 8.8.8.8 for now.",
            "Our public endpoint is 203.0.113.10.",
            "Firmware 10.2.0.1 fixes this.",
            "172.32.0.1 is outside the private range.",
            "The error appeared at 10:22:01 CET.",
            "999.10.10.10 is not an address.",
            "Version 1.10.0.0.1 is a long version string.",
        ],
    );
}

#[test]
fn stack_traces_are_flagged_as_one_block() {
    let java = "Exception in thread \"main\" java.lang.NullPointerException: cart is null\n\
                \tat com.acme.checkout.Cart.total(Cart.java:42)\n\
                \tat com.acme.checkout.Main.main(Main.java:10)";
    let python = "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    main()\nValueError: invalid literal for int()";
    let caused = "Caused by: java.sql.SQLTimeoutException: timeout\n\t... 12 more";
    assert_table(
        LeakKind::StackTrace,
        &[
            (java, &[java]),
            (python, &[python]),
            (
                &format!("We saw this:\n\n{python}\n\nWe are on it."),
                &[python],
            ),
            (
                "thread 'main' panicked at src/main.rs:3:5:\ncalled `Option::unwrap()` on a `None` value",
                &["thread 'main' panicked at src/main.rs:3:5:"],
            ),
            (
                "Hi,\n\nhere is the frame:\n\tat com.acme.Foo.bar(Foo.java:42)\n\nRegards",
                &["at com.acme.Foo.bar(Foo.java:42)"],
            ),
            ("    at Object.<anonymous> (/app/index.js:10:5)", &["at Object.<anonymous> (/app/index.js:10:5)"]),
            (caused, &[caused]),
            (
                "The log says: Traceback (most recent call last):",
                &["The log says: Traceback (most recent call last):"],
            ),
        ],
        &[
            "at our London office (Building 2) on Monday.",
            "The app crashed with a NullPointerException when saving.",
            "The service panicked at startup, so we restarted it.",
            "Caused by a power cut, the outage lasted 10 minutes.",
            "Please see the attached file; line 3 shows the total.",
        ],
    );
}

#[test]
fn log_lines_are_flagged_line_by_line() {
    assert_table(
        LeakKind::LogLine,
        &[
            (
                "2026-11-27 10:22:01 ERROR payment declined for order 5521",
                &["2026-11-27 10:22:01 ERROR payment declined for order 5521"],
            ),
            ("[ERROR] Connection refused", &["[ERROR] Connection refused"]),
            (
                "2026-11-27T10:22:01.123Z [worker-3] WARN retrying",
                &["2026-11-27T10:22:01.123Z [worker-3] WARN retrying"],
            ),
            ("WARN: disk usage at 91%", &["WARN: disk usage at 91%"]),
            ("DEBUG cart=5521 total=0", &["DEBUG cart=5521 total=0"]),
            (
                "ts=2026-11-27T10:22:01Z level=error msg=\"timeout\"",
                &["ts=2026-11-27T10:22:01Z level=error msg=\"timeout\""],
            ),
            (
                "Nov 27 10:22:01 web-01 nginx[2231]: upstream timed out",
                &["Nov 27 10:22:01 web-01 nginx[2231]: upstream timed out"],
            ),
            (
                "Hi,\nwe saw this:\n  2026-11-27 10:22:01 ERROR timeout\n  2026-11-27 10:22:02 INFO retry\nThanks",
                &["2026-11-27 10:22:01 ERROR timeout", "2026-11-27 10:22:02 INFO retry"],
            ),
        ],
        &[
            "On 2026-11-27 at 10:22 the error rate went up.",
            "2026-11-27 10:00 CET: the maintenance window starts.",
            "Error 504 appeared in your browser.",
            "We logged a warning in your portal.",
            "Debugging showed the cause.",
            "Warning: the maintenance window is on Saturday.",
            "ERROR codes E-101 to E-120 are listed in the manual.",
        ],
    );
}

#[test]
fn deny_listed_terms_are_flagged_as_whole_words() {
    assert_table(
        LeakKind::DenyListed,
        &[
            ("Project Bluefin ships the fix.", &["Project Bluefin"]),
            ("nightjar will include it.", &["nightjar"]),
            ("This is internal only.", &["internal only"]),
            ("Don’t tell the customer yet.", &["Don’t tell the customer"]),
            ("Marked as wontfix.", &["wontfix"]),
        ],
        &[
            "The nightjars were loud last night.",
            "Our internal testing passed.",
            "Bluefin tuna is on the menu.",
            "Please tell the customer service desk.",
        ],
    );
}

/// Updates an L1 engineer would really send: none may be flagged.
const CLEAN: &[&str] = &[
    "Hi Maria,\n\nOur engineers have identified the cause of the checkout errors you reported \
     on Tuesday and are deploying a fix. We expect to confirm by 16:00 CET today.\n\nKind regards,\nAna",
    "Your issue has been escalated to our engineering team for further investigation.\n\
     We will keep you informed of progress.",
    "Hello Mr. Keller, thank you for the logs. Our engineering team is reviewing them and we \
     will send you an update by Thursday 12:00 CET at the latest.",
    "Hi Sam, thanks for confirming that the error also occurs on Wi-Fi 6 access points. We have \
     reproduced it in our lab and will update you tomorrow.",
    "Good news: version 3.4.2 fixes the timeout. It is available from \
     https://downloads.example.com/releases/3.4.2 and on our status page. Please update at \
     your convenience and let us know whether checkout works again.",
    "Dear Ms. Ito, while we investigate we recommend pointing the device to a public resolver \
     such as 8.8.8.8 or 1.1.1.1.",
    "Our data centre is ISO-9001 and ISO-27001 certified, and all transfers use TLS 1.3 with \
     SHA-256 certificates. The advisory you mentioned, CVE-2024-12345, does not affect your version.",
    "The replacement unit has shipped under RMA-20931 and should arrive on Friday. Please return \
     the faulty controller in the same box; the L2 cache module can stay in place.",
    "Hi Priya, could your software team send us the client version and the time the error \
     appeared (e.g. 10:22 CET)? That will help us narrow it down.",
    "We have not been able to reproduce the issue yet. To help us, please send a screenshot of \
     the error message and of Settings → Help → Diagnostics.",
    "Grüße aus München! The fix was deployed at 09:30 CET; error rates are back to normal. We \
     will keep monitoring for 48 hours before closing the case.",
    "Hi Tom, the outage on 2026-11-27 between 10:00 and 10:40 CET was caused by a failed \
     database upgrade. We rolled it back and are adding checks so it cannot happen again. A \
     full report follows by Monday.",
    "Sam from Acme GmbH said the error started after Monday's update, so we are checking that \
     release first and will call you at 14:00.",
];

#[test]
fn realistic_customer_updates_are_not_flagged() {
    let rules = rules();
    for text in CLEAN {
        let found = check_with(&rules, text);
        assert!(found.is_empty(), "false positive in {text:?}: {found:#?}");
    }
}

#[test]
fn realistic_dirty_updates_are_flagged_at_character_offsets() {
    type Expected<'a> = &'a [(LeakKind, usize, usize, &'a str)];
    let cases: &[(&str, Expected)] = &[
        (
            // "Grüße" is 5 characters and 7 bytes: offsets count characters.
            "Grüße, Maria! Sam Ito from our Software team traced it to db-prod-03.internal; see ESC-1042.",
            &[
                (LeakKind::InternalName, 14, 21, "Sam Ito"),
                (LeakKind::InternalName, 31, 44, "Software team"),
                (LeakKind::Hostname, 58, 77, "db-prod-03.internal"),
                (LeakKind::TicketKey, 83, 91, "ESC-1042"),
            ],
        ),
        (
            // The private IP inside the log line is one finding with it.
            "Hallo Jürgen,\n\nunser L2-Team hat den Fehler gefunden. Our logs show:\n\
             2026-11-27 10:22:01 ERROR upstream 10.0.4.17:8443 timed out\n\
             The fix ships with Project Bluefin.\n\nViele Grüße",
            &[
                (LeakKind::SupportLevel, 21, 23, "L2"),
                (
                    LeakKind::LogLine,
                    69,
                    128,
                    "2026-11-27 10:22:01 ERROR upstream 10.0.4.17:8443 timed out",
                ),
                (LeakKind::DenyListed, 148, 163, "Project Bluefin"),
            ],
        ),
        (
            // An emoji is one character (two UTF-16 units, four bytes).
            "🙂 Update: raised the pool size on the payments cluster and will backport the retry \
             fix tonight. Details: http://jira/browse/ESC-7",
            &[
                (
                    LeakKind::InternalNote,
                    10,
                    94,
                    "raised the pool size on the payments cluster and will backport the retry fix tonight",
                ),
                (LeakKind::InternalUrl, 105, 129, "http://jira/browse/ESC-7"),
            ],
        ),
    ];
    let rules = rules();
    for (text, expected) in cases {
        let found: Vec<(LeakKind, usize, usize, String)> = check_with(&rules, text)
            .into_iter()
            .map(|f| (f.kind, f.start, f.end, f.text))
            .collect();
        let expected: Vec<(LeakKind, usize, usize, String)> = expected
            .iter()
            .map(|(kind, start, end, text)| (*kind, *start, *end, (*text).to_owned()))
            .collect();
        assert_eq!(found, expected, "in {text:?}");
    }
}

#[test]
fn findings_serialise_for_the_ui() {
    let found = check_with(&rules(), "Ask Sam Ito.");
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(json["kind"], "internal_name");
    assert_eq!(json["start"], 4);
    assert_eq!(json["end"], 11);
    assert_eq!(json["text"], "Sam Ito");
    assert!(json["message"].as_str().unwrap().contains("SOP §7"));
    for kind in LeakKind::ALL {
        assert!(kind.message().ends_with("(SOP §7)"), "{kind:?}");
    }
}

#[test]
fn rules_are_configurable_and_partial_settings_keep_the_defaults() {
    let mut rules = rules();
    rules.key_patterns.push(r"\bINC[0-9]{7}\b".into());
    rules.key_allow.push("ABC".into());
    let found = check_with(
        &rules,
        "See INC0012345; ABC-123 is the customer's part number.",
    );
    let texts: Vec<(LeakKind, &str)> = found.iter().map(|f| (f.kind, f.text.as_str())).collect();
    assert_eq!(texts, [(LeakKind::TicketKey, "INC0012345")]);

    let partial: LeakRules = serde_json::from_str(r#"{ "deny_list": ["Falcon"] }"#).unwrap();
    assert_eq!(partial.deny_list, ["Falcon"]);
    assert_eq!(partial.key_patterns, LeakRules::standard().key_patterns);
    let found = check_with(&partial, "Falcon ships with ESC-4.");
    let kinds: Vec<LeakKind> = found.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [LeakKind::DenyListed, LeakKind::TicketKey]);
}

fn invalid_field(rules: &LeakRules) -> String {
    match rules.compile() {
        Err(error @ Error::InvalidInput { .. }) => {
            assert_eq!(error.kind(), ErrorKind::Validation);
            let Error::InvalidInput { field, .. } = error else {
                unreachable!()
            };
            field
        }
        Err(other) => panic!("expected invalid input, got {other:?}"),
        Ok(_) => panic!("expected invalid input, the rules compiled"),
    }
}

#[test]
fn invalid_rules_name_the_entry_at_fault() {
    let mut rules = LeakRules::standard();
    rules.key_patterns = vec!["ESC-(".into()];
    assert_eq!(invalid_field(&rules), "leak.key_patterns[0]");

    rules.key_patterns = vec![r"\bESC-[0-9]+\b".into(), "[A-Z]*".into()];
    assert_eq!(invalid_field(&rules), "leak.key_patterns[1]");

    let mut rules = LeakRules::standard();
    rules.internal_domains.push("corp..example".into());
    let last = rules.internal_domains.len() - 1;
    assert_eq!(
        invalid_field(&rules),
        format!("leak.internal_domains[{last}]")
    );
    assert!(leak::check("any text", &rules).is_err());
}

#[test]
fn empty_and_unusual_text_is_handled() {
    let rules = rules();
    assert!(check_with(&rules, "").is_empty());
    assert!(check_with(&rules, " \n\r\n\t").is_empty());
    assert!(check_with(&rules, "日本語のテキスト、絵文字 🙂🙂 と Grüße").is_empty());
    let found = check_with(&rules, "日本語 ESC-1\r\n[ERROR] 失敗\r\n");
    let texts: Vec<(LeakKind, usize, usize)> =
        found.iter().map(|f| (f.kind, f.start, f.end)).collect();
    assert_eq!(
        texts,
        [(LeakKind::TicketKey, 4, 9), (LeakKind::LogLine, 11, 21)]
    );
}

#[test]
fn a_256_kib_message_is_checked_whole() {
    let paragraph = "Grüße! Our engineering team deployed the fix at 09:30 CET; Sam Ito checked \
                     db-prod-03.internal and 10.0.4.17 afterwards.\n\
                     2026-11-27 10:22:01 ERROR upstream timed out\n\n";
    let per_paragraph = 4;
    let count = (256 * 1024) / paragraph.len() + 1;
    let text = paragraph.repeat(count);
    assert!(text.len() >= 256 * 1024);
    let mut rules = rules();
    // A long note too, sharing nothing with the message.
    rules
        .internal_notes
        .push("the quick brown fox jumps over the lazy dog ".repeat(4000));
    let found = check_with(&rules, &text);
    assert_eq!(found.len(), count * per_paragraph);
    assert!(found.iter().all(|f| f.kind != LeakKind::InternalNote));
}

/// [`rules`], compiled once for the property tests.
static COMPILED: LazyLock<LeakCheck> = LazyLock::new(|| rules().compile().unwrap());

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever the text, the check returns consistent character ranges and
    /// never panics.
    #[test]
    fn any_text_gives_consistent_findings(
        text in r"[a-zA-Z0-9 .:/@\-\[\]()'\n\tüß€🙂日]{0,300}",
    ) {
        assert_consistent(&text, &COMPILED.check(&text));
    }

    /// Text built from the check's own vocabulary, to reach its corners.
    #[test]
    fn leak_shaped_text_gives_consistent_findings(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "ESC-1", "L2", "/", "Sam Ito", " ", "\n", "db.internal", ":5432", "10.0.0.1",
                "fe80::1", "http://", "jira", "at ", "com.acme.Foo.bar(Foo.java:42)", "\t",
                "Traceback (most recent call last):", "2026-11-27 10:22:01 ", "ERROR ", "Grüße",
                "🙂", ".", "-", "@sam", "tier 2 support", "Project Bluefin", "'", "’",
                "raised the pool size on the payments cluster and will",
            ]),
            0..40,
        ),
    ) {
        let text = parts.concat();
        assert_consistent(&text, &COMPILED.check(&text));
    }
}
