//! SOP §13: the monthly review, checked against a month of realistic tickets
//! driven through the real desk on a real SQLite file.
//!
//! March 2026 is the month under review, with February and April tickets
//! around it that must not count (and whose own reports are checked too).
//! Every expected figure is computed here from the scenario itself: what
//! was done to which ticket and when. Counts come from the steps; SLA
//! outcomes come from a model of the clocks as `docs/sla.md` defines them,
//! with its own minute-by-minute business-hours arithmetic; clusters and
//! known fixes come from the cause and fix families the text was written
//! in. None of it calls the report code.
//!
//! The business calendar is Berlin, Mon–Fri 09:00–17:00: 08:00–16:00 UTC
//! until the clocks change on 29 March, 07:00–15:00 UTC after.

use crate::support::{Fixture, ANA, BOB, HANA, LEE, SAM};
use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};
use escalator_core::commands::{EscalationRequest, ExceptionClaim, NewTicket};
use escalator_core::domain::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    ExceptionKind, Priority, Role, Team,
};
use escalator_core::events::DocumentationChange;
use escalator_core::report::{MonthlyReport, ReportFormat, ReportMonth};
use escalator_core::sla::Target;
use escalator_core::{Command, Error};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// An L2 engineer of the Validation team, besides the fixture's cast.
const VERA: &str = "vera";

fn feb(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, day, hour, minute, 0).unwrap()
}

fn mar(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, minute, 0).unwrap()
}

fn apr(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, day, hour, minute, 0).unwrap()
}

/// When the reports are generated.
fn as_of() -> DateTime<Utc> {
    apr(3, 10, 0)
}

fn february() -> ReportMonth {
    "2026-02".parse().unwrap()
}

fn march() -> ReportMonth {
    "2026-03".parse().unwrap()
}

fn april() -> ReportMonth {
    "2026-04".parse().unwrap()
}

// ---- the scenario ----------------------------------------------------------

/// A fix as L2 proposes it and L1 writes it up; `family` names the fix, so
/// tickets with the same family had the same fix.
#[derive(Debug, Clone, Copy)]
struct Fix {
    family: &'static str,
    proposal: &'static str,
    notes: &'static str,
}

impl Fix {
    fn text(&self) -> String {
        format!("{}\n{}", self.proposal, self.notes)
    }
}

const LOGIN: Fix = Fix {
    family: "login",
    proposal: "Flushed the stale session token cache on the auth gateway",
    notes: "Auth gateway session token cache flushed; app login works again.",
};
const GATEWAY: Fix = Fix {
    family: "gateway",
    proposal: "Rolled back the payment gateway config to 4.2.0",
    notes: "Gateway config rollback to 4.2.0; card payments succeed.",
};
const POWERBOARD: Fix = Fix {
    family: "powerboard",
    proposal: "Rolled back the terminal firmware to 7.1 and replaced the power board",
    notes: "Firmware 7.1 restored, power board swapped; terminal boots.",
};
/// The same fix as [`POWERBOARD`], written up in other words.
const POWERBOARD_AGAIN: Fix = Fix {
    family: "powerboard",
    proposal: "Replaced the power board and rolled the terminal firmware back to 7.1",
    notes: "Power board swapped and firmware 7.1 restored; the terminal boots again.",
};
const MAINBOARD: Fix = Fix {
    family: "mainboard",
    proposal: "Replaced the terminal mainboard",
    notes: "Mainboard swapped.",
};
const INDEX: Fix = Fix {
    family: "index",
    proposal: "Added an index on sales.created_at; the export finishes in 40 s",
    notes: "Index on sales.created_at added.",
};
const INDEX_AGAIN: Fix = Fix {
    family: "index",
    proposal: "Added the missing index on sales.created_at; export now finishes in 40 s",
    notes: "Missing index on sales.created_at added; export works for large stores.",
};
const RECEIPT: Fix = Fix {
    family: "receipt",
    proposal: "Replaced the thermal paper roll with the right grade",
    notes: "Wrong paper grade; swapped the roll.",
};
const PRINTHEAD: Fix = Fix {
    family: "printhead",
    proposal: "Replaced the thermal print head of the label printer",
    notes: "Print head swapped; labels print clearly.",
};
const SCANNER_SWAP: Fix = Fix {
    family: "scanner-swap",
    proposal: "Shipped a replacement scanner with firmware 3.2",
    notes: "Replacement scanner on firmware 3.2 delivered.",
};
const HOUSING: Fix = Fix {
    family: "housing",
    proposal: "Replaced the cracked scanner housing under warranty",
    notes: "Housing replaced under warranty.",
};
const RECAL: Fix = Fix {
    family: "recalibration",
    proposal: "Recalibrated the sensor against the reference probe",
    notes: "Sensor recalibrated; readings stable.",
};
const RETRAIN: Fix = Fix {
    family: "retrain",
    proposal: "Retrained the category classifier with the March catalogue",
    notes: "Classifier retrained and deployed.",
};
/// Customer text with a quote, a comma and a line break, for the CSV.
const ESCAPE: Fix = Fix {
    family: "escape",
    proposal: "Escaped webhook payloads in the admin panel",
    notes: "Payloads are now HTML-escaped.\nCustomer said \"works, thanks\".",
};
const FAILOVER: Fix = Fix {
    family: "failover",
    proposal: "Failed over the POS backend to the standby region",
    notes: "Failover done; stores trading again.",
};
const CONTACTLESS: Fix = Fix {
    family: "certificate",
    proposal: "Renewed the expired payment gateway certificate",
    notes: "Certificate renewed; contactless payments accepted.",
};
const POOL: Fix = Fix {
    family: "pool",
    proposal: "Raised the card tokenizer connection pool to 200",
    notes: "Tokenizer pool raised to 200 connections.",
};
const WATCHDOG: Fix = Fix {
    family: "watchdog",
    proposal: "Disabled the watchdog timer",
    notes: "",
};
const PSU: Fix = Fix {
    family: "psu",
    proposal: "Replaced the gateway power supply",
    notes: "Power supply swapped; gateway stable.",
};
const PDF: Fix = Fix {
    family: "pdf",
    proposal: "Fixed the PDF renderer's font path",
    notes: "Font path corrected in the PDF renderer.",
};
const LEDGER: Fix = Fix {
    family: "ledger",
    proposal: "Restored the points from the nightly ledger backup",
    notes: "Points restored from the ledger backup.",
};

#[derive(Debug, Clone, Copy)]
enum Exception {
    MajorOutage(&'static str),
    Emergency,
}

/// An escalation request, as the scenario states it.
#[derive(Debug, Clone)]
struct Esc {
    kind: EscalationType,
    team: Team,
    criteria: &'static [Criterion],
    reasons: &'static [EscalationReason],
    link_to: Option<&'static str>,
    override_reason: Option<&'static str>,
    exception: Option<Exception>,
    /// A P3 escalated without the §8 L1 confirmation.
    unconfirmed: bool,
}

fn esc(
    kind: EscalationType,
    team: Team,
    criteria: &'static [Criterion],
    reasons: &'static [EscalationReason],
) -> Esc {
    Esc {
        kind,
        team,
        criteria,
        reasons,
        link_to: None,
        override_reason: None,
        exception: None,
        unconfirmed: false,
    }
}

fn software(
    team: Team,
    criteria: &'static [Criterion],
    reasons: &'static [EscalationReason],
) -> Esc {
    esc(EscalationType::Software, team, criteria, reasons)
}

fn hardware(
    team: Team,
    criteria: &'static [Criterion],
    reasons: &'static [EscalationReason],
) -> Esc {
    esc(EscalationType::Hardware, team, criteria, reasons)
}

impl Esc {
    fn link(self, to: &'static str) -> Esc {
        Esc {
            link_to: Some(to),
            ..self
        }
    }

    fn overriding(self, reason: &'static str) -> Esc {
        Esc {
            override_reason: Some(reason),
            ..self
        }
    }

    fn exception(self, exception: Exception) -> Esc {
        Esc {
            exception: Some(exception),
            ..self
        }
    }

    fn unconfirmed(self) -> Esc {
        Esc {
            unconfirmed: true,
            ..self
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// Steps to reproduce, environment, a troubleshooting step and a log.
    Document,
    /// An escalation the SOP refuses, with the rule ids it must name.
    Refuse(Esc, &'static [&'static str]),
    Escalate(Esc),
    /// An L3 lead approves an emergency (§12), with the reason.
    Approve(&'static str),
    /// The assigned team's L2 engineer acknowledges.
    Ack,
    /// L2 asks L1 for information; L1 answers.
    Ask,
    Answer,
    /// L1 sends the customer an update (§7).
    Update,
    /// L2 proposes a fix (L1 when the ticket was never escalated).
    Propose(Fix),
    /// L1 finds the fix does not work.
    Reject,
    Validate,
    Confirm,
    /// The resolution notes of the fix proposed last.
    Notes,
    Close,
    Monitor,
    Reopen,
}

#[derive(Debug, Clone)]
struct Plan {
    name: &'static str,
    owner: &'static str,
    customer: &'static str,
    summary: &'static str,
    product: &'static str,
    priority: Priority,
    /// The §13 cause the summary describes: tickets of one cause are written
    /// to cluster together, tickets of different causes not.
    cause: &'static str,
    opened: DateTime<Utc>,
    /// Opened with every §6 Step 2 item; otherwise with the intake only.
    documented: bool,
    steps: Vec<(DateTime<Utc>, Step)>,
}

/// Propose, validate, confirm, write the notes and close (or monitor).
fn closure(fix: Fix, at: [DateTime<Utc>; 4], last: Step) -> Vec<(DateTime<Utc>, Step)> {
    vec![
        (at[0], Step::Propose(fix)),
        (at[1], Step::Validate),
        (at[2], Step::Confirm),
        (at[3], Step::Notes),
        (at[3], last),
    ]
}

fn closed(fix: Fix, at: [DateTime<Utc>; 4]) -> Vec<(DateTime<Utc>, Step)> {
    closure(fix, at, Step::Close)
}

fn monitored(fix: Fix, at: [DateTime<Utc>; 4]) -> Vec<(DateTime<Utc>, Step)> {
    closure(fix, at, Step::Monitor)
}

fn steps(parts: Vec<Vec<(DateTime<Utc>, Step)>>) -> Vec<(DateTime<Utc>, Step)> {
    parts.into_iter().flatten().collect()
}

fn at(instant: DateTime<Utc>, step: Step) -> Vec<(DateTime<Utc>, Step)> {
    vec![(instant, step)]
}

const DOCS: &[&str] = &[
    "SOP-6.2-environment",
    "SOP-6.2-logs",
    "SOP-6.2-steps",
    "SOP-6.2-troubleshooting",
];

#[allow(clippy::too_many_arguments)]
fn plan(
    name: &'static str,
    owner: &'static str,
    customer: &'static str,
    summary: &'static str,
    product: &'static str,
    priority: Priority,
    cause: &'static str,
    opened: DateTime<Utc>,
    documented: bool,
    steps: Vec<(DateTime<Utc>, Step)>,
) -> Plan {
    Plan {
        name,
        owner,
        customer,
        summary,
        product,
        priority,
        cause,
        opened,
        documented,
        steps,
    }
}

/// Thirty tickets from mid-February to early April; 24 are escalated in March.
#[rustfmt::skip]
fn scenario() -> Vec<Plan> {
    use Criterion::*;
    use EscalationReason::*;
    use Priority::*;
    use Step::*;
    use Team::{Hardware as HwTeam, Software as SwTeam, Validation as ValTeam};
    vec![
        // February: escalated, resolved, reopened and resolved again in March.
        plan("feb-login", ANA, "Globex", "Mobile app crashes on login after the Android 15 update", "Mobile App", P2, "login", feb(16, 9, 0), true, steps(vec![
            at(feb(16, 9, 30), Escalate(software(SwTeam, &[BeyondL1Capability], &[CrashOrBackendFailure]))),
            at(feb(16, 10, 0), Ack),
            closed(LOGIN, [feb(17, 10, 0), feb(17, 11, 0), feb(17, 11, 30), feb(17, 12, 0)]),
            at(mar(2, 10, 0), Reopen),
            at(mar(2, 10, 30), Ack),
            closed(LOGIN, [mar(2, 14, 0), mar(2, 14, 30), mar(2, 15, 0), mar(2, 15, 30)]),
        ])),
        // February escalation resolved in March, after its deadline.
        plan("feb-scanner", BOB, "Initech", "Warehouse scanner firmware update fails halfway", "Scanner", P2, "scanner-firmware", feb(26, 10, 0), true, steps(vec![
            at(feb(26, 10, 10), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[DiagnosticsFailed]))),
            at(feb(26, 10, 40), Ack),
            closed(SCANNER_SWAP, [mar(4, 10, 0), mar(4, 11, 0), mar(4, 11, 30), mar(4, 12, 0)]),
        ])),
        // Refused in February, documented and escalated in March.
        plan("label-printer", ANA, "Umbrella", "Shelf label printer prints blank labels", "Label Printer", P3, "label-printer", feb(27, 9, 0), false, steps(vec![
            at(feb(27, 9, 30), Refuse(hardware(ValTeam, &[RootCauseBugOrFailure], &[ComponentFailure]), DOCS)),
            at(mar(2, 9, 0), Document),
            at(mar(2, 9, 30), Escalate(hardware(ValTeam, &[RootCauseBugOrFailure], &[ComponentFailure]))),
            at(mar(2, 10, 0), Ack),
            monitored(PRINTHEAD, [mar(3, 9, 0), mar(3, 9, 20), mar(3, 9, 30), mar(3, 10, 0)]),
        ])),
        // Opened on the last evening of February, escalated in March (UTC).
        plan("contactless", BOB, "Stark Retail", "Payment terminals reject contactless cards", "POS Terminal", P1, "contactless", feb(28, 23, 52), true, steps(vec![
            at(mar(1, 0, 4), Escalate(software(SwTeam, &[BusinessCritical], &[ApiOrIntegrationFailure]))),
            at(mar(1, 0, 20), Ack),
            at(mar(1, 0, 50), Update),
            at(mar(1, 1, 45), Update),
            at(mar(1, 2, 40), Update),
            closed(CONTACTLESS, [mar(1, 3, 0), mar(1, 3, 10), mar(1, 3, 30), mar(1, 4, 30)]),
        ])),
        // A never-escalated ticket, refused for its documentation, whose escalate clock breaches.
        plan("stale-dashboard", ANA, "Gringotts", "Dashboard shows stale inventory counts", "Dashboard", P3, "dashboard", mar(2, 9, 0), false, steps(vec![
            at(mar(2, 9, 30), Refuse(
                software(SwTeam, &[BeyondL1Capability], &[CrashOrBackendFailure]).unconfirmed(),
                &["SOP-6.2-environment", "SOP-6.2-logs", "SOP-6.2-steps", "SOP-6.2-troubleshooting", "SOP-8-p3-confirmation"],
            )),
        ])),
        // §11: the same customer reports the same failure twice; the second is refused, then linked.
        plan("acme-checkout", ANA, "Acme Corp", "Checkout API returns 500 errors on card payment", "Checkout", P2, "checkout-500", mar(3, 8, 30), true, steps(vec![
            at(mar(3, 8, 45), Escalate(software(SwTeam, &[BeyondL1Capability, BusinessCritical], &[CrashOrBackendFailure]))),
            at(mar(3, 9, 15), Ack),
            at(mar(3, 11, 0), Update),
            closed(GATEWAY, [mar(3, 12, 0), mar(3, 12, 30), mar(3, 13, 0), mar(3, 13, 30)]),
        ])),
        plan("acme-checkout-again", BOB, "Acme Corp", "Card payment checkout API returns 500 errors", "checkout", P2, "checkout-500", mar(3, 9, 0), true, steps(vec![
            at(mar(3, 9, 20), Refuse(software(SwTeam, &[BeyondL1Capability], &[CrashOrBackendFailure]), &["SOP-11-duplicate"])),
            at(mar(3, 9, 25), Escalate(software(SwTeam, &[BeyondL1Capability], &[CrashOrBackendFailure]).link("acme-checkout"))),
            at(mar(3, 9, 40), Ack),
            closed(GATEWAY, [mar(3, 12, 5), mar(3, 12, 35), mar(3, 13, 5), mar(3, 13, 35)]),
        ])),
        plan("pos-power", ANA, "Contoso Stores", "POS terminal does not power on after firmware update", "POS Terminal", P2, "pos-power", mar(4, 8, 10), false, steps(vec![
            at(mar(4, 8, 30), Refuse(hardware(HwTeam, &[RootCauseBugOrFailure], &[NoPower]), DOCS)),
            at(mar(4, 10, 0), Document),
            at(mar(4, 10, 15), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[NoPower]))),
            at(mar(4, 10, 30), Ack),
            at(mar(4, 14, 0), Update),
            closed(POWERBOARD, [mar(5, 9, 0), mar(5, 9, 30), mar(5, 9, 50), mar(5, 10, 30)]),
        ])),
        // L2 asks L1 for information: the resolution clock pauses meanwhile.
        plan("sensor-drift", ANA, "Initech", "Temperature sensor readings drift after calibration", "Sensor Hub", P3, "sensor-drift", mar(5, 9, 0), true, steps(vec![
            at(mar(5, 9, 45), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[ComponentFailure]))),
            at(mar(5, 10, 0), Ack),
            at(mar(5, 11, 0), Ask),
            at(mar(5, 13, 0), Answer),
            closed(RECAL, [mar(6, 10, 0), mar(6, 10, 30), mar(6, 11, 0), mar(6, 11, 30)]),
        ])),
        plan("ai-category", ANA, "Globex", "AI assistant suggests the wrong product category", "Catalog AI", P3, "ai-category", mar(6, 9, 0), true, steps(vec![
            at(mar(6, 10, 0), Escalate(software(SwTeam, &[BeyondL1Capability], &[AiModelBehavior]))),
            at(mar(6, 15, 0), Ack),
            closed(RETRAIN, [mar(10, 10, 0), mar(10, 11, 0), mar(10, 11, 30), mar(10, 12, 0)]),
        ])),
        // Resolved at L1, never escalated: its fix becomes a known fix.
        plan("receipt-l1", ANA, "Acme Corp", "Receipt printer prints faint text", "Receipt Printer", P4, "receipt-faint", mar(9, 9, 0), true,
            closed(RECEIPT, [mar(9, 11, 0), mar(9, 11, 10), mar(9, 11, 20), mar(9, 11, 30)])),
        // A P1 acknowledged late, with a known fix.
        plan("hooli-checkout", ANA, "Hooli", "Checkout API 500 errors for card payments", "Checkout", P1, "checkout-500", mar(9, 14, 0), true, steps(vec![
            at(mar(9, 14, 10), Escalate(software(SwTeam, &[BusinessCritical], &[ApiOrIntegrationFailure, NoWorkaround]))),
            at(mar(9, 14, 50), Ack),
            at(mar(9, 15, 0), Update),
            closed(GATEWAY, [mar(9, 16, 0), mar(9, 16, 30), mar(9, 16, 45), mar(9, 17, 0)]),
        ])),
        // §12: a major outage escalates with the intake only.
        plan("outage", BOB, "Northwind Retail", "All POS terminals offline in every store", "POS Terminal", P1, "outage", mar(10, 7, 50), false, steps(vec![
            at(mar(10, 7, 55), Escalate(software(SwTeam, &[BusinessCritical], &[CrashOrBackendFailure]).exception(Exception::MajorOutage("Every store lost the POS backend at 07:48")))),
            at(mar(10, 8, 10), Ack),
            at(mar(10, 8, 50), Update),
            at(mar(10, 9, 45), Update),
            at(mar(10, 10, 40), Update),
            closed(FAILOVER, [mar(10, 11, 0), mar(10, 11, 20), mar(10, 12, 0), mar(10, 12, 15)]),
        ])),
        // Same cause and fix as pos-power; reopened, then fixed for good.
        plan("pos-power-again", BOB, "Fabrikam", "POS terminal not powering on after firmware update", "POS Terminal", P3, "pos-power", mar(10, 8, 0), true, steps(vec![
            at(mar(10, 8, 20), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure, RepeatedOccurrence], &[NoPower, DiagnosticsFailed]))),
            at(mar(10, 9, 0), Ack),
            closed(POWERBOARD_AGAIN, [mar(11, 9, 0), mar(11, 9, 30), mar(11, 9, 45), mar(11, 10, 0)]),
            at(mar(13, 9, 0), Reopen),
            at(mar(13, 9, 30), Ack),
            closed(MAINBOARD, [mar(16, 10, 0), mar(16, 10, 20), mar(16, 10, 40), mar(16, 11, 0)]),
        ])),
        // §12: an emergency an L3 lead approved; watched, then closed.
        plan("export-timeout", ANA, "Vandelay Industries", "Monthly sales report export times out", "Reporting, EU", P3, "export-timeout", mar(11, 9, 0), true, steps(vec![
            at(mar(11, 9, 10), Approve("Quarter close tomorrow; the CFO needs the export")),
            at(mar(11, 9, 15), Escalate(software(SwTeam, &[BusinessCritical], &[NoWorkaround]).exception(Exception::Emergency))),
            at(mar(11, 9, 30), Ack),
            monitored(INDEX, [mar(11, 13, 0), mar(11, 13, 30), mar(11, 14, 0), mar(11, 14, 30)]),
            at(mar(20, 10, 0), Close),
        ])),
        plan("login-screen", ANA, "Pied Piper", "Mobile app crash on login screen (Android 15)", "Mobile App", P2, "login", mar(12, 9, 0), true, steps(vec![
            at(mar(12, 9, 20), Escalate(software(SwTeam, &[BeyondL1Capability], &[CrashOrBackendFailure]))),
            at(mar(12, 9, 50), Ack),
            closed(LOGIN, [mar(12, 12, 0), mar(12, 12, 30), mar(12, 13, 0), mar(12, 13, 30)]),
        ])),
        plan("receipt-escalated", BOB, "Hooli", "Receipt printer prints very faint text on every receipt", "Receipt Printer", P3, "receipt-faint-escalated", mar(12, 9, 0), true, steps(vec![
            at(mar(12, 9, 30), Escalate(hardware(HwTeam, &[RepeatedOccurrence], &[ComponentFailure]))),
            at(mar(12, 10, 0), Ack),
            closed(RECEIPT, [mar(12, 13, 0), mar(12, 13, 30), mar(12, 14, 0), mar(12, 14, 30)]),
        ])),
        // A fix that did not work, then one that did.
        plan("gateway-reboots", BOB, "Aperture", "Sensor hub gateway reboots every hour", "Sensor Hub", P2, "gateway-reboots", mar(16, 8, 0), true, steps(vec![
            at(mar(16, 8, 20), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[DiagnosticsFailed]))),
            at(mar(16, 8, 40), Ack),
            at(mar(16, 10, 0), Propose(WATCHDOG)),
            at(mar(16, 10, 30), Reject),
            at(mar(16, 12, 0), Update),
            closed(PSU, [mar(16, 13, 0), mar(16, 13, 30), mar(16, 14, 0), mar(16, 14, 30)]),
        ])),
        plan("wayne-checkout", BOB, "Wayne Enterprises", "Checkout API returns HTTP 500 errors when paying by card", "Checkout", P3, "checkout-500", mar(16, 9, 0), true, steps(vec![
            at(mar(16, 9, 30), Escalate(software(SwTeam, &[RepeatedOccurrence], &[CrashOrBackendFailure]))),
            at(mar(16, 13, 0), Ack),
            monitored(POOL, [mar(17, 10, 0), mar(17, 10, 20), mar(17, 10, 40), mar(17, 11, 0)]),
        ])),
        // Ticket text with markup, refused once for a missing criterion.
        plan("webhook-markup", BOB, "Oscorp", "Webhook payload <script>alert('x')</script> shown raw in admin panel", "Integrations", P2, "webhook-markup", mar(17, 8, 0), true, steps(vec![
            at(mar(17, 8, 5), Refuse(software(SwTeam, &[], &[ApiOrIntegrationFailure]), &["SOP-4-criteria"])),
            at(mar(17, 8, 15), Escalate(software(SwTeam, &[SecurityOrData], &[ApiOrIntegrationFailure]))),
            at(mar(17, 8, 30), Ack),
            closed(ESCAPE, [mar(17, 11, 0), mar(17, 11, 30), mar(17, 12, 0), mar(17, 12, 30)]),
        ])),
        // Still open at the end of the month.
        plan("sensor-drift-again", BOB, "Soylent", "Temperature sensor reading drifts after recalibration", "sensor hub ", P4, "sensor-drift", mar(18, 8, 0), true, steps(vec![
            at(mar(18, 8, 30), Escalate(hardware(ValTeam, &[RepeatedOccurrence], &[ComponentFailure]))),
            at(mar(18, 9, 0), Ack),
        ])),
        // A P1 at night (24x7 calendar) with a known fix.
        plan("login-night", BOB, "Massive Dynamic", "Mobile app crashes at login on Android 15", "Mobile App", P1, "login", mar(19, 20, 0), true, steps(vec![
            at(mar(19, 20, 10), Escalate(software(SwTeam, &[BusinessCritical], &[CrashOrBackendFailure]))),
            at(mar(19, 20, 25), Ack),
            at(mar(19, 21, 0), Update),
            at(mar(19, 21, 55), Update),
            closed(LOGIN, [mar(19, 23, 0), mar(19, 23, 15), mar(19, 23, 30), mar(19, 23, 45)]),
        ])),
        // Escalated on a Friday afternoon, acknowledged on Monday: late.
        plan("empty-pdf", ANA, "Prestige Worldwide", "Invoice PDF download returns an empty file", "Billing", P2, "empty-pdf", mar(20, 14, 0), true, steps(vec![
            at(mar(20, 14, 5), Escalate(software(SwTeam, &[BeyondL1Capability], &[CrashOrBackendFailure]))),
            at(mar(23, 9, 30), Ack),
            closed(PDF, [mar(23, 15, 0), mar(24, 9, 0), mar(24, 9, 30), mar(24, 10, 0)]),
        ])),
        // Acknowledged late, a known fix, reopened in April.
        plan("export-timeout-again", BOB, "Dunder Mifflin", "Sales report export times out for large stores", "Reporting, EU", P2, "export-timeout", mar(23, 8, 0), true, steps(vec![
            at(mar(23, 8, 10), Escalate(software(ValTeam, &[RepeatedOccurrence], &[NoWorkaround]))),
            at(mar(23, 11, 0), Ack),
            closed(INDEX_AGAIN, [mar(24, 9, 0), mar(24, 10, 0), mar(24, 10, 30), mar(24, 11, 0)]),
            at(apr(2, 9, 0), Reopen),
            at(apr(2, 9, 30), Ack),
        ])),
        plan("scanner-housing", ANA, "Cyberdyne", "Barcode scanner housing cracked after a drop", "Scanner", P4, "scanner-housing", mar(24, 9, 0), true, steps(vec![
            at(mar(24, 9, 30), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[PhysicalDamage]))),
            at(mar(24, 14, 0), Ack),
            closed(HOUSING, [mar(25, 10, 0), mar(25, 10, 20), mar(25, 10, 40), mar(25, 11, 0)]),
        ])),
        // A summary a spreadsheet would run as a formula; still open.
        plan("invoice-formula", BOB, "Initrode", "=SUM(A1) appears in exported invoice totals", "Billing", P3, "invoice-formula", mar(25, 9, 0), true, steps(vec![
            at(mar(25, 9, 20), Escalate(software(SwTeam, &[RootCauseBugOrFailure], &[CrashOrBackendFailure]))),
            at(mar(26, 9, 0), Ack),
        ])),
        // §5.3 straight from L1.
        plan("loyalty-points", ANA, "Blue Sun", "Loyalty points vanish for premium members", "Loyalty", P2, "loyalty", mar(26, 8, 0), true, steps(vec![
            at(mar(26, 8, 10), Escalate(esc(EscalationType::Management, SwTeam, &[SecurityOrData, BusinessCritical], &[HighCustomerImpact, P1P2Issue]))),
            at(mar(26, 8, 20), Ack),
            closed(LEDGER, [mar(26, 15, 0), mar(26, 15, 10), mar(26, 15, 20), mar(26, 15, 30)]),
        ])),
        // §11 override: similar to Soylent's open escalation, but another problem.
        plan("humidity-drift", ANA, "Soylent", "Humidity sensor readings drift after calibration", "Sensor Hub", P3, "sensor-drift", mar(26, 9, 0), true, steps(vec![
            at(mar(26, 9, 30), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[ComponentFailure]).overriding("Different sensor model (humidity), separate root cause"))),
            at(mar(26, 10, 0), Ack),
        ])),
        // Opened on the last evening of March, escalated in April (UTC).
        plan("kitchen-display", BOB, "Stark Retail", "Kitchen display screens freeze during lunch rush", "Kitchen Display", P1, "kitchen-display", mar(31, 23, 50), true, steps(vec![
            at(apr(1, 0, 10), Escalate(software(SwTeam, &[BusinessCritical], &[CrashOrBackendFailure]))),
            at(apr(1, 0, 30), Ack),
        ])),
        // April: refused, documented, escalated, never acknowledged.
        plan("pos-power-april", ANA, "Tailspin", "POS terminal does not power on after the firmware update", "POS Terminal", P2, "pos-power", apr(1, 8, 0), false, steps(vec![
            at(apr(1, 8, 10), Refuse(hardware(HwTeam, &[RootCauseBugOrFailure], &[NoPower]), DOCS)),
            at(apr(1, 8, 20), Document),
            at(apr(1, 8, 30), Escalate(hardware(HwTeam, &[RootCauseBugOrFailure], &[NoPower]))),
        ])),
    ]
}

// ---- driving the desk ------------------------------------------------------

fn l2_of(team: Team) -> &'static str {
    match team {
        Team::Software => SAM,
        Team::Hardware => HANA,
        Team::Validation => VERA,
    }
}

fn category_of(team: Team) -> Category {
    match team {
        Team::Software => Category::Software,
        Team::Hardware => Category::Hardware,
        Team::Validation => Category::Validation,
    }
}

fn request(
    plan: &Plan,
    esc: &Esc,
    link_to: Option<escalator_core::domain::TicketId>,
) -> EscalationRequest {
    let outage = matches!(esc.exception, Some(Exception::MajorOutage(_)));
    let emergency = matches!(esc.exception, Some(Exception::Emergency));
    EscalationRequest {
        escalation_type: Some(esc.kind),
        criteria: esc.criteria.to_vec(),
        reasons: esc.reasons.to_vec(),
        category: Some(category_of(esc.team)),
        team: Some(esc.team),
        priority: Some(plan.priority),
        sla_policy: None,
        troubleshooting_complete: esc.exception.is_none(),
        cannot_resolve_at_l1: !outage,
        l1_confirmation: (plan.priority == Priority::P3 && !esc.unconfirmed && !emergency)
            .then(|| "Reproduced on two devices; not solvable at L1".to_string()),
        justification: (plan.priority == Priority::P4)
            .then(|| "Needs a hardware or code change".to_string()),
        link_to,
        duplicate_override: esc.override_reason.map(str::to_string),
        exception: esc.exception.map(|exception| match exception {
            Exception::MajorOutage(description) => ExceptionClaim::MajorOutage {
                description: description.to_string(),
            },
            Exception::Emergency => ExceptionClaim::Emergency,
        }),
        note: String::new(),
    }
}

/// What the review of one month looked like, kept for every test.
struct Reviewed {
    plans: Vec<Plan>,
    /// Plan name → ticket key.
    keys: HashMap<&'static str, String>,
    january: MonthlyReport,
    february: MonthlyReport,
    march: MonthlyReport,
    april: MonthlyReport,
}

impl Reviewed {
    fn key(&self, name: &str) -> String {
        self.keys
            .get(name)
            .unwrap_or_else(|| panic!("no ticket {name}"))
            .clone()
    }

    fn keys_of<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        names.into_iter().map(|name| self.key(name)).collect()
    }

    fn report(&self, month: ReportMonth) -> &MonthlyReport {
        match month.month() {
            1 => &self.january,
            2 => &self.february,
            3 => &self.march,
            4 => &self.april,
            other => panic!("no report for month {other}"),
        }
    }
}

/// The scenario, driven once through a real desk; the reports as of 3 April.
fn reviewed() -> &'static Reviewed {
    static REVIEWED: OnceLock<Reviewed> = OnceLock::new();
    REVIEWED.get_or_init(drive)
}

enum Action {
    Open(usize),
    Step(usize, usize),
    Sweep,
}

fn drive() -> Reviewed {
    let plans = scenario();
    let mut fixture = Fixture::new();
    fixture
        .desk
        .add_user(VERA, "Vera Quist", Role::L2Engineer, Some(Team::Validation))
        .unwrap();
    let mut actions: Vec<(DateTime<Utc>, Action)> = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        actions.push((plan.opened, Action::Open(index)));
        for (step, (when, _)) in plan.steps.iter().enumerate() {
            actions.push((*when, Action::Step(index, step)));
        }
    }
    // The scheduler's sweeps, twice a day, so warnings and breaches are recorded.
    let mut day = feb(16, 0, 0);
    while day < apr(3, 0, 0) {
        actions.push((day + Duration::hours(12), Action::Sweep));
        actions.push((day + Duration::minutes(16 * 60 + 30), Action::Sweep));
        day += Duration::days(1);
    }
    actions.push((as_of(), Action::Sweep));
    // Stable: what happens at the same instant keeps the scenario's order.
    actions.sort_by_key(|(when, _)| *when);

    let mut keys: HashMap<&'static str, String> = HashMap::new();
    let mut teams: HashMap<&'static str, Team> = HashMap::new();
    let mut fixes: HashMap<&'static str, Fix> = HashMap::new();
    let mut recorded_breaches = 0;
    for (when, action) in actions {
        fixture.clock.set(when);
        match action {
            Action::Sweep => {
                let sweep = fixture.desk.sweep_sla().unwrap();
                recorded_breaches += sweep
                    .recorded
                    .iter()
                    .filter(|event| event.body.kind() == "SlaBreached")
                    .count();
            }
            Action::Open(index) => {
                let plan = &plans[index];
                let (steps, environment) = if plan.documented {
                    (
                        "1. Open the screen\n2. Repeat the action",
                        "Store build 4.2.1, EU",
                    )
                } else {
                    ("", "")
                };
                let new = NewTicket {
                    customer: plan.customer.into(),
                    summary: plan.summary.into(),
                    priority: Some(plan.priority),
                    product: plan.product.into(),
                    impact: "Customers cannot complete their work".into(),
                    steps_to_reproduce: steps.into(),
                    environment: environment.into(),
                    ..NewTicket::default()
                };
                let key = fixture
                    .desk
                    .open_ticket(plan.owner, new)
                    .unwrap()
                    .ticket
                    .key;
                keys.insert(plan.name, key.clone());
                if plan.documented {
                    troubleshoot_and_attach(&mut fixture, plan.owner, &key);
                }
            }
            Action::Step(index, step) => {
                let plan = &plans[index];
                let key = keys[plan.name].clone();
                let owner = plan.owner;
                let l2 = || l2_of(teams[plan.name]);
                match &plan.steps[step].1 {
                    Step::Document => {
                        let change = DocumentationChange {
                            steps_to_reproduce: Some("1. Power cycle\n2. Watch it fail".into()),
                            environment: Some("Firmware 7.2, store network".into()),
                            ..DocumentationChange::default()
                        };
                        fixture.run(owner, &key, Command::UpdateDocumentation(change));
                        troubleshoot_and_attach(&mut fixture, owner, &key);
                    }
                    Step::Refuse(esc, rules) => {
                        let link = esc.link_to.map(|name| ticket_id(&fixture, &keys[name]));
                        let error = fixture.refuse(
                            owner,
                            &key,
                            Command::Escalate(request(plan, esc, link)),
                        );
                        assert_eq!(
                            refused_rules(&error),
                            rules.to_vec(),
                            "{} ({key}) was refused for other rules: {error}",
                            plan.name
                        );
                    }
                    Step::Escalate(esc) => {
                        let link = esc.link_to.map(|name| ticket_id(&fixture, &keys[name]));
                        fixture.run(owner, &key, Command::Escalate(request(plan, esc, link)));
                        teams.insert(plan.name, esc.team);
                    }
                    Step::Approve(reason) => fixture.run(
                        LEE,
                        &key,
                        Command::ApproveException {
                            kind: ExceptionKind::Emergency,
                            reason: reason.to_string(),
                        },
                    ),
                    Step::Ack => fixture.run(l2(), &key, Command::Acknowledge {}),
                    Step::Ask => fixture.run(
                        l2(),
                        &key,
                        Command::RequestInfo {
                            question: "Which firmware does the probe run?".into(),
                        },
                    ),
                    Step::Answer => fixture.run(
                        owner,
                        &key,
                        Command::ProvideInfo {
                            answer: "Firmware 2.4.1".into(),
                        },
                    ),
                    Step::Update => fixture.run(owner, &key, customer_update()),
                    Step::Propose(fix) => {
                        let by = if teams.contains_key(plan.name) {
                            l2()
                        } else {
                            owner
                        };
                        fixes.insert(plan.name, *fix);
                        fixture.run(
                            by,
                            &key,
                            Command::ProposeResolution {
                                summary: fix.proposal.into(),
                            },
                        );
                    }
                    Step::Reject => fixture.run(
                        owner,
                        &key,
                        Command::ValidateFix {
                            works: false,
                            note: "The gateway still reboots".into(),
                        },
                    ),
                    Step::Validate => fixture.run(
                        owner,
                        &key,
                        Command::ValidateFix {
                            works: true,
                            note: String::new(),
                        },
                    ),
                    Step::Confirm => fixture.run(
                        owner,
                        &key,
                        Command::ConfirmWithCustomer {
                            note: "Customer confirmed by e-mail".into(),
                        },
                    ),
                    Step::Notes => fixture.run(
                        owner,
                        &key,
                        Command::WriteResolutionNotes {
                            notes: fixes[plan.name].notes.into(),
                        },
                    ),
                    Step::Close => fixture.run(
                        owner,
                        &key,
                        Command::Close {
                            note: String::new(),
                        },
                    ),
                    Step::Monitor => fixture.run(
                        owner,
                        &key,
                        Command::MoveToMonitoring {
                            until: None,
                            note: String::new(),
                        },
                    ),
                    Step::Reopen => fixture.run(
                        owner,
                        &key,
                        Command::Reopen {
                            reason: "The problem is back".into(),
                        },
                    ),
                }
            }
        }
    }
    assert!(
        recorded_breaches > 0,
        "the sweeps recorded no breach at all"
    );
    assert_eq!(fixture.desk.now(), as_of());
    let report = |month: ReportMonth| fixture.desk.monthly_report(month).unwrap();
    Reviewed {
        january: report("2026-01".parse().unwrap()),
        february: report(february()),
        march: report(march()),
        april: report(april()),
        plans,
        keys,
    }
}

/// An update by e-mail (§7), as the UI sends it: the optional fields left out.
fn customer_update() -> Command {
    serde_json::from_value(serde_json::json!({
        "type": "record_customer_update",
        "channel": CommunicationChannel::Email,
        "body": "Our engineers are working on it; the next update follows within the hour.",
    }))
    .expect("a customer update command")
}

fn troubleshoot_and_attach(fixture: &mut Fixture, owner: &str, key: &str) {
    fixture.run(
        owner,
        key,
        Command::RecordTroubleshooting {
            action: "Restarted the device and cleared the cache".into(),
            outcome: "No change".into(),
        },
    );
    let log = fixture.file(&format!("{key}.log"), format!("{key}: ERROR").as_bytes());
    fixture
        .desk
        .attach_file(owner, key, &log, AttachmentKind::Log)
        .unwrap();
}

fn ticket_id(fixture: &Fixture, key: &str) -> escalator_core::domain::TicketId {
    fixture.desk.ticket(key).unwrap().ticket.id
}

fn refused_rules(error: &Error) -> Vec<&str> {
    let mut rules: Vec<&str> = error.violations().iter().map(|v| v.rule.as_str()).collect();
    rules.sort();
    rules.dedup();
    rules
}

// ---- the model: expected figures from the scenario -------------------------

/// The plan's escalation: when, and the request.
fn escalation(plan: &Plan) -> Option<(DateTime<Utc>, &Esc)> {
    plan.steps.iter().find_map(|(when, step)| match step {
        Step::Escalate(esc) => Some((*when, esc)),
        _ => None,
    })
}

/// The plans escalated in `month`, in escalation order.
fn escalated_in(plans: &[Plan], month: ReportMonth) -> Vec<(&Plan, DateTime<Utc>, &Esc)> {
    let mut escalated: Vec<(&Plan, DateTime<Utc>, &Esc)> = plans
        .iter()
        .filter_map(|plan| {
            let (when, esc) = escalation(plan)?;
            month.contains(when).then_some((plan, when, esc))
        })
        .collect();
    escalated.sort_by_key(|(_, when, _)| *when);
    escalated
}

/// Each time the ticket was resolved (monitoring or closed from an
/// unresolved state), with the fix proposed last.
fn resolutions(plan: &Plan) -> Vec<(DateTime<Utc>, Fix)> {
    let mut resolved = false;
    let mut fix = None;
    let mut found = Vec::new();
    for (when, step) in &plan.steps {
        match step {
            Step::Propose(proposed) => fix = Some(*proposed),
            Step::Monitor | Step::Close if !resolved => {
                resolved = true;
                found.push((*when, fix.expect("a fix before the resolution")));
            }
            Step::Reopen => resolved = false,
            _ => {}
        }
    }
    found
}

/// The first resolution after the escalation.
fn resolved_after_escalation(plan: &Plan) -> Option<(DateTime<Utc>, Fix)> {
    let (escalated, _) = escalation(plan)?;
    resolutions(plan)
        .into_iter()
        .find(|(when, _)| *when >= escalated)
}

/// Minutes targets per priority: escalate, acknowledge, update, resolve
/// (the shipped `sla.toml`).
fn target_minutes(priority: Priority, target: Target) -> i64 {
    let [escalate, acknowledge, update, resolve] = match priority {
        Priority::P1 => [15, 30, 60, 24 * 60],
        Priority::P2 => [4 * 60, 2 * 60, 4 * 60, 24 * 60],
        Priority::P3 => [16 * 60, 8 * 60, 16 * 60, 40 * 60],
        Priority::P4 => [40 * 60, 16 * 60, 40 * 60, 80 * 60],
    };
    match target {
        Target::Escalate => escalate,
        Target::Acknowledge => acknowledge,
        Target::CustomerUpdate => update,
        Target::Resolve => resolve,
    }
}

/// Berlin office hours, Mon–Fri 09:00–17:00, for February to April 2026.
fn office_minute(minute: DateTime<Utc>) -> bool {
    let summer_time = minute >= mar(29, 1, 0);
    let local = minute + Duration::hours(if summer_time { 2 } else { 1 });
    !matches!(local.weekday(), Weekday::Sat | Weekday::Sun) && (9..17).contains(&local.hour())
}

/// The deadline, counted minute by minute; P1 runs around the clock. Only
/// the resolution clock stops while L2 waits on L1.
fn deadline(
    priority: Priority,
    target: Target,
    start: DateTime<Utc>,
    pauses: &[Interval],
) -> DateTime<Utc> {
    let mut left = target_minutes(priority, target);
    let mut minute = start;
    loop {
        let open = priority == Priority::P1 || office_minute(minute);
        let paused = target == Target::Resolve
            && pauses
                .iter()
                .any(|(from, to)| *from <= minute && minute < *to);
        if open && !paused {
            left -= 1;
            if left == 0 {
                return minute + Duration::minutes(1);
            }
        }
        minute += Duration::minutes(1);
    }
}

/// `[from, to)`: while L2 waited on L1.
type Interval = (DateTime<Utc>, DateTime<Utc>);

struct ModelRun {
    target: Target,
    start: DateTime<Utc>,
    stop: Option<DateTime<Utc>>,
}

/// The clocks as docs/sla.md defines them: escalate from the opening to the
/// escalation (or L1's own fix); acknowledge, customer update and resolve
/// from the escalation; an update restarts the update clock, the customer's
/// confirmation stops it; a proposal stops the resolution, a rejected fix
/// resumes it; monitoring and closing stop everything; a reopening starts
/// the escalated clocks again.
fn model_runs(plan: &Plan) -> (Vec<ModelRun>, Vec<Interval>) {
    fn stop(runs: &mut [ModelRun], target: Target, when: DateTime<Utc>) {
        if let Some(run) = runs
            .iter_mut()
            .find(|run| run.target == target && run.stop.is_none())
        {
            run.stop = Some(when);
        }
    }
    fn start(runs: &mut Vec<ModelRun>, target: Target, when: DateTime<Utc>) {
        stop(runs, target, when);
        runs.push(ModelRun {
            target,
            start: when,
            stop: None,
        });
    }
    let escalated_clocks = [Target::Acknowledge, Target::CustomerUpdate, Target::Resolve];
    let mut runs = Vec::new();
    let mut pauses = Vec::new();
    let mut asked = None;
    let mut escalated = false;
    start(&mut runs, Target::Escalate, plan.opened);
    for (when, step) in &plan.steps {
        let when = *when;
        match step {
            Step::Escalate(_) => {
                stop(&mut runs, Target::Escalate, when);
                escalated = true;
                for target in escalated_clocks {
                    start(&mut runs, target, when);
                }
            }
            Step::Ack => stop(&mut runs, Target::Acknowledge, when),
            Step::Ask => asked = Some(when),
            Step::Answer => pauses.push((asked.take().unwrap(), when)),
            Step::Update => {
                if runs
                    .iter()
                    .any(|run| run.target == Target::CustomerUpdate && run.stop.is_none())
                {
                    start(&mut runs, Target::CustomerUpdate, when);
                }
            }
            Step::Propose(_) => {
                let target = if escalated {
                    Target::Resolve
                } else {
                    Target::Escalate
                };
                stop(&mut runs, target, when);
            }
            Step::Reject => {
                let target = if escalated {
                    Target::Resolve
                } else {
                    Target::Escalate
                };
                if let Some(run) = runs.iter_mut().rev().find(|run| run.target == target) {
                    run.stop = None;
                }
            }
            Step::Confirm => stop(&mut runs, Target::CustomerUpdate, when),
            Step::Monitor | Step::Close => {
                for target in Target::ALL {
                    stop(&mut runs, target, when);
                }
            }
            Step::Reopen => {
                for target in Target::ALL {
                    stop(&mut runs, target, when);
                }
                for target in escalated_clocks {
                    start(&mut runs, target, when);
                }
            }
            Step::Document | Step::Refuse(..) | Step::Approve(_) | Step::Validate | Step::Notes => {
            }
        }
    }
    (runs, pauses)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Outcomes {
    met: u64,
    missed: u64,
    running_breached: u64,
}

/// Each run counted in the month its outcome was decided.
fn expected_sla(plans: &[Plan], month: ReportMonth) -> BTreeMap<(Priority, Target), Outcomes> {
    let mut expected = BTreeMap::new();
    for plan in plans {
        let (runs, pauses) = model_runs(plan);
        for run in runs {
            let due = deadline(plan.priority, run.target, run.start, &pauses);
            let outcomes: &mut Outcomes = expected.entry((plan.priority, run.target)).or_default();
            // When the outcome was decided, and which count it adds to.
            let (decided, count) = match run.stop {
                Some(stop) if stop <= due => (stop, &mut outcomes.met),
                Some(_) => (due, &mut outcomes.missed),
                None if due <= as_of() => (due, &mut outcomes.running_breached),
                None => continue,
            };
            if month.contains(decided) {
                *count += 1;
            }
        }
    }
    expected
}

fn expected_percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

#[track_caller]
fn assert_close(found: Option<f64>, expected: Option<f64>, what: &str) {
    match (found, expected) {
        (Some(found), Some(expected)) => {
            assert!(
                (found - expected).abs() < 1e-9,
                "{what}: {found} != {expected}"
            )
        }
        (found, expected) => assert_eq!(found, expected, "{what}"),
    }
}

/// The expected (count, median, p90) of wall-clock minutes: median the
/// middle value or the mean of the middle two, p90 the nearest rank.
fn expected_stats(mut minutes: Vec<i64>) -> (u64, Option<f64>, Option<f64>) {
    minutes.sort();
    let n = minutes.len();
    if n == 0 {
        return (0, None, None);
    }
    let median = if n % 2 == 1 {
        minutes[n / 2] as f64
    } else {
        (minutes[n / 2 - 1] + minutes[n / 2]) as f64 / 2.0
    };
    let mut rank = n * 9 / 10;
    if rank * 10 < n * 9 {
        rank += 1;
    }
    (n as u64, Some(median), Some(minutes[rank - 1] as f64))
}

fn months() -> [ReportMonth; 3] {
    [february(), march(), april()]
}

// ---- the tests -------------------------------------------------------------

#[test]
fn escalations_are_counted_by_type_team_priority_and_criterion() {
    let reviewed = reviewed();
    for month in months() {
        let report = reviewed.report(month);
        let escalated = escalated_in(&reviewed.plans, month);
        let counts = &report.escalations;
        assert_eq!(counts.total, escalated.len() as u64, "{month}");
        let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_team: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_priority: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_criterion: BTreeMap<String, u64> = BTreeMap::new();
        for (plan, _, esc) in &escalated {
            *by_type.entry(esc.kind.code().into()).or_default() += 1;
            *by_team.entry(esc.team.code().into()).or_default() += 1;
            *by_priority.entry(plan.priority.code().into()).or_default() += 1;
            for criterion in esc.criteria {
                *by_criterion.entry(criterion.code().into()).or_default() += 1;
            }
        }
        for (found, expected, vocabulary) in [
            (&counts.by_type, by_type, EscalationType::ALL.len()),
            (&counts.by_team, by_team, Team::ALL.len()),
            (&counts.by_priority, by_priority, Priority::ALL.len()),
            (&counts.by_criterion, by_criterion, Criterion::ALL.len()),
        ] {
            assert_eq!(
                found.len(),
                vocabulary,
                "every value is listed, zeros included"
            );
            for count in found {
                assert_eq!(
                    count.count,
                    expected.get(&count.code).copied().unwrap_or(0),
                    "{month} {}",
                    count.code
                );
            }
        }
    }
    // The month's own numbers, to read the scenario by.
    let march = &reviewed.march.escalations;
    assert_eq!(march.total, 24);
    let find = |counts: &[escalator_core::report::Count], code: &str| {
        counts.iter().find(|c| c.code == code).unwrap().count
    };
    assert_eq!(
        [
            find(&march.by_type, "software"),
            find(&march.by_type, "hardware"),
            find(&march.by_type, "management")
        ],
        [14, 9, 1]
    );
    assert_eq!(
        [
            find(&march.by_team, "software"),
            find(&march.by_team, "hardware"),
            find(&march.by_team, "validation")
        ],
        [14, 7, 3]
    );
    // The tickets around March do not count in it; each counts in its own month.
    assert_eq!(reviewed.february.escalations.total, 2);
    assert_eq!(reviewed.april.escalations.total, 2);
}

#[test]
fn frequent_causes_are_products_and_clusters_of_similar_summaries() {
    let reviewed = reviewed();
    for month in months() {
        let causes = &reviewed.report(month).causes;
        let escalated = escalated_in(&reviewed.plans, month);
        // Products: trimmed, case-insensitive, labelled as first written.
        let mut products: Vec<(String, String, u64)> = Vec::new();
        for (plan, _, _) in &escalated {
            let folded = plan.product.trim().to_lowercase();
            match products.iter_mut().find(|(key, _, _)| *key == folded) {
                Some((_, _, count)) => *count += 1,
                None => products.push((folded, plan.product.trim().to_string(), 1)),
            }
        }
        products.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        let found: Vec<(String, u64)> = causes
            .by_product
            .iter()
            .map(|count| (count.label.clone(), count.count))
            .collect();
        let expected: Vec<(String, u64)> = products
            .into_iter()
            .map(|(_, label, count)| (label, count))
            .collect();
        assert_eq!(found, expected, "{month}");

        // Clusters: the scenario's causes, largest first, then in the order
        // their first escalation came; the representative is that first one.
        let mut clusters: Vec<(&str, &str, Vec<String>)> = Vec::new();
        for (plan, _, _) in &escalated {
            let key = reviewed.key(plan.name);
            match clusters
                .iter_mut()
                .find(|(cause, _, _)| *cause == plan.cause)
            {
                Some((_, _, keys)) => keys.push(key),
                None => clusters.push((plan.cause, plan.summary, vec![key])),
            }
        }
        clusters.sort_by_key(|(_, _, keys)| std::cmp::Reverse(keys.len()));
        let found: Vec<(String, u64, Vec<String>)> = causes
            .clusters
            .iter()
            .map(|c| (c.representative.clone(), c.count, c.tickets.clone()))
            .collect();
        let expected: Vec<(String, u64, Vec<String>)> = clusters
            .into_iter()
            .map(|(_, summary, keys)| (summary.to_string(), keys.len() as u64, keys))
            .collect();
        assert_eq!(found, expected, "{month}");
        assert_eq!(causes.similarity_threshold, 0.5);
    }
    let march = &reviewed.march.causes;
    assert_eq!(
        (march.clusters[0].count, march.clusters.len()),
        (4, 16),
        "four checkout failures, sixteen causes"
    );
    assert_eq!(march.by_product[0].label, "Checkout");
    assert!(march
        .by_product
        .iter()
        .any(|p| p.label == "Reporting, EU" && p.count == 2));
}

#[test]
fn sla_runs_are_counted_in_the_month_their_outcome_was_decided() {
    let reviewed = reviewed();
    for month in months() {
        let sla = &reviewed.report(month).sla;
        let expected = expected_sla(&reviewed.plans, month);
        let sum = |keep: &dyn Fn(Priority, Target) -> bool| {
            let mut total = Outcomes::default();
            for (&(priority, target), outcomes) in &expected {
                if keep(priority, target) {
                    total.met += outcomes.met;
                    total.missed += outcomes.missed;
                    total.running_breached += outcomes.running_breached;
                }
            }
            total
        };
        let check = |line: &escalator_core::report::SlaLine, expected: Outcomes| {
            let what = format!("{month} {:?} {:?}", line.priority, line.target);
            assert_eq!(
                Outcomes {
                    met: line.met,
                    missed: line.missed,
                    running_breached: line.running_breached
                },
                expected,
                "{what}"
            );
            assert_eq!(
                line.breaches,
                expected.missed + expected.running_breached,
                "{what}"
            );
            assert_close(
                line.attainment_percent,
                expected_percent(expected.met, expected.met + expected.missed),
                &what,
            );
        };
        assert_eq!(sla.by_priority_and_target.len(), 16);
        for line in &sla.by_priority_and_target {
            let key = (line.priority.unwrap(), line.target.unwrap());
            check(line, expected.get(&key).copied().unwrap_or_default());
        }
        for line in &sla.by_priority {
            let p = line.priority.unwrap();
            check(line, sum(&|priority, _| priority == p));
        }
        for line in &sla.by_target {
            let t = line.target.unwrap();
            check(line, sum(&|_, target| target == t));
        }
        check(&sla.total, sum(&|_, _| true));
    }
    // March has every kind of outcome, on each target.
    let march = &reviewed.march.sla;
    for line in &march.by_target {
        assert!(line.met > 0, "{line:?}");
    }
    let ack = march
        .by_target
        .iter()
        .find(|line| line.target == Some(Target::Acknowledge))
        .unwrap();
    assert!(
        ack.missed >= 3,
        "hooli, export-timeout-again and empty-pdf were acknowledged late"
    );
    assert!(march.total.running_breached >= 3, "{:?}", march.total);
    // The February escalation resolved in March missed its deadline in March.
    let p2_resolve = march
        .by_priority_and_target
        .iter()
        .find(|l| l.priority == Some(Priority::P2) && l.target == Some(Target::Resolve))
        .unwrap();
    assert!(p2_resolve.missed >= 1);
}

/// An escalation's priority, minutes to acknowledgement and to a validated fix.
type Measured = (Priority, Option<i64>, Option<i64>);

#[test]
fn times_to_acknowledge_and_resolve_are_wall_clock_medians_and_p90s() {
    let reviewed = reviewed();
    for month in months() {
        let times = &reviewed.report(month).response_times;
        let escalated = escalated_in(&reviewed.plans, month);
        // Minutes from the escalation to the first acknowledgement, and to
        // the first fix validated, per escalation (None: not yet).
        let first = |plan: &Plan, since: DateTime<Utc>, wanted: fn(&Step) -> bool| {
            plan.steps
                .iter()
                .find(|(when, step)| *when >= since && wanted(step))
                .map(|(when, _)| (*when - since).num_minutes())
        };
        let measured: Vec<Measured> = escalated
            .iter()
            .map(|(plan, when, _)| {
                (
                    plan.priority,
                    first(plan, *when, |step| matches!(step, Step::Ack)),
                    first(plan, *when, |step| matches!(step, Step::Validate)),
                )
            })
            .collect();
        let check = |stats: &escalator_core::report::DurationStats, values: Vec<Option<i64>>| {
            let pending = values.iter().filter(|v| v.is_none()).count() as u64;
            let (count, median, p90) = expected_stats(values.into_iter().flatten().collect());
            let what = format!("{month} {:?}", stats.priority);
            assert_eq!((stats.count, stats.pending), (count, pending), "{what}");
            assert_close(stats.median_minutes, median, &what);
            assert_close(stats.p90_minutes, p90, &what);
        };
        check(&times.acknowledge, measured.iter().map(|m| m.1).collect());
        check(&times.resolve, measured.iter().map(|m| m.2).collect());
        for priority in Priority::ALL {
            let of = |pick: fn(&Measured) -> Option<i64>| {
                measured
                    .iter()
                    .filter(|m| m.0 == *priority)
                    .map(pick)
                    .collect::<Vec<_>>()
            };
            let ack = times
                .acknowledge_by_priority
                .iter()
                .find(|s| s.priority == Some(*priority))
                .unwrap();
            check(ack, of(|m| m.1));
            let resolve = times
                .resolve_by_priority
                .iter()
                .find(|s| s.priority == Some(*priority))
                .unwrap();
            check(resolve, of(|m| m.2));
        }
    }
    let march = &reviewed.march.response_times;
    assert_eq!(
        (march.acknowledge.count, march.acknowledge.pending),
        (24, 0)
    );
    assert_eq!(
        march.resolve.pending, 3,
        "three March escalations are still open"
    );
    // Wall-clock time: the Friday escalation acknowledged on Monday counts its weekend.
    let p2 = march
        .acknowledge_by_priority
        .iter()
        .find(|stats| stats.priority == Some(Priority::P2))
        .unwrap();
    assert_eq!(
        p2.p90_minutes,
        Some((mar(23, 9, 30) - mar(20, 14, 5)).num_minutes() as f64)
    );
}

#[test]
fn refusals_exceptions_and_duplicates_of_the_month_are_listed() {
    let reviewed = reviewed();
    for month in months() {
        let report = reviewed.report(month);
        // Refusals dated in the month, with the rules the scenario expected.
        let mut refused: Vec<(DateTime<Utc>, &Plan, &[&str])> = Vec::new();
        for plan in &reviewed.plans {
            for (when, step) in &plan.steps {
                if let Step::Refuse(_, rules) = step {
                    if month.contains(*when) {
                        refused.push((*when, plan, rules));
                    }
                }
            }
        }
        refused.sort_by_key(|(when, _, _)| *when);
        let refusals = &report.refusals;
        assert_eq!(refusals.total, refused.len() as u64, "{month}");
        let tickets: BTreeSet<&str> = refused.iter().map(|(_, plan, _)| plan.name).collect();
        assert_eq!(refusals.tickets, tickets.len() as u64, "{month}");
        let documentation = refused
            .iter()
            .filter(|(_, _, rules)| rules.iter().any(|rule| rule.starts_with("SOP-6.2-")))
            .count() as u64;
        assert_eq!(refusals.incomplete_documentation, documentation, "{month}");
        let later: BTreeSet<&str> = refused
            .iter()
            .filter(|(when, plan, _)| escalation(plan).is_some_and(|(at, _)| at > *when))
            .map(|(_, plan, _)| plan.name)
            .collect();
        assert_eq!(refusals.later_escalated, later.len() as u64, "{month}");
        let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
        for (_, _, rules) in &refused {
            for rule in *rules {
                *by_rule.entry(rule.to_string()).or_default() += 1;
            }
        }
        let found: BTreeMap<String, u64> = refusals
            .by_rule
            .iter()
            .map(|rule| (rule.rule.clone(), rule.count))
            .collect();
        assert_eq!(found, by_rule, "{month}");
        let listed: Vec<(String, DateTime<Utc>, Vec<String>)> = refusals
            .list
            .iter()
            .map(|r| {
                let mut rules = r.rules.clone();
                rules.sort();
                (r.ticket.clone(), r.at, rules)
            })
            .collect();
        let expected: Vec<(String, DateTime<Utc>, Vec<String>)> = refused
            .iter()
            .map(|(when, plan, rules)| {
                (
                    reviewed.key(plan.name),
                    *when,
                    rules.iter().map(|r| r.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(listed, expected, "{month}");

        // §12 exceptions used by the month's escalations.
        let escalated = escalated_in(&reviewed.plans, month);
        let expected: Vec<(String, ExceptionKind, String, String)> = escalated
            .iter()
            .filter_map(|(plan, _, esc)| {
                let (kind, reason, approval) = match esc.exception? {
                    Exception::MajorOutage(description) => (
                        ExceptionKind::MajorOutage,
                        description.to_string(),
                        "major outage (no approval needed)".to_string(),
                    ),
                    Exception::Emergency => {
                        let reason = plan.steps.iter().find_map(|(_, step)| match step {
                            Step::Approve(reason) => Some(reason.to_string()),
                            _ => None,
                        })?;
                        (ExceptionKind::Emergency, reason, "Lee Park".to_string())
                    }
                };
                Some((reviewed.key(plan.name), kind, reason, approval))
            })
            .collect();
        let found: Vec<(String, ExceptionKind, String, String)> = report
            .exceptions
            .iter()
            .map(|e| {
                (
                    e.ticket.clone(),
                    e.kind,
                    e.reason.clone(),
                    e.approval.clone(),
                )
            })
            .collect();
        assert_eq!(found, expected, "{month}");

        // §11: links, duplicate refusals and overrides.
        let linked: Vec<(String, String)> = escalated
            .iter()
            .filter_map(|(plan, _, esc)| {
                Some((reviewed.key(plan.name), reviewed.key(esc.link_to?)))
            })
            .collect();
        let found: Vec<(String, String)> = report
            .duplicates
            .linked
            .iter()
            .map(|link| (link.ticket.clone(), link.linked_to.clone()))
            .collect();
        assert_eq!(found, linked, "{month}");
        let duplicate_refusals: Vec<String> = refused
            .iter()
            .filter(|(_, _, rules)| rules.contains(&"SOP-11-duplicate"))
            .map(|(_, plan, _)| reviewed.key(plan.name))
            .collect();
        let found: Vec<String> = report
            .duplicates
            .refused
            .iter()
            .map(|refusal| refusal.ticket.clone())
            .collect();
        assert_eq!(found, duplicate_refusals, "{month}");
        let prevented: BTreeSet<&String> = linked
            .iter()
            .map(|(ticket, _)| ticket)
            .chain(&duplicate_refusals)
            .collect();
        assert_eq!(
            report.duplicates.prevented,
            prevented.len() as u64,
            "{month}"
        );
        let overrides: Vec<(String, String)> = escalated
            .iter()
            .filter_map(|(plan, _, esc)| {
                Some((reviewed.key(plan.name), esc.override_reason?.to_string()))
            })
            .collect();
        let found: Vec<(String, String)> = report
            .duplicates
            .overridden
            .iter()
            .map(|o| (o.ticket.clone(), o.reason.clone()))
            .collect();
        assert_eq!(found, overrides, "{month}");
    }
    let march = &reviewed.march;
    assert_eq!(
        (
            march.refusals.total,
            march.refusals.incomplete_documentation,
            march.refusals.later_escalated
        ),
        (4, 2, 3)
    );
    assert_eq!(march.exceptions.len(), 2);
    let outage = &march.exceptions[0];
    assert_eq!(outage.approver, None);
    assert!(outage.waived_rules.contains(&"SOP-6.2-logs".to_string()));
    let emergency = &march.exceptions[1];
    assert_eq!(emergency.approver.as_deref(), Some("Lee Park"));
    assert_eq!(
        emergency.waived_rules,
        ["SOP-6.1-troubleshooting-complete", "SOP-8-p3-confirmation"]
    );
    assert_eq!(march.duplicates.prevented, 1);
    assert_eq!(
        reviewed.february.refusals.total, 1,
        "the label printer, refused in February"
    );
    assert_eq!(reviewed.april.refusals.total, 1);
}

#[test]
fn the_reopen_rate_follows_the_escalations_first_resolved_in_the_month() {
    let reviewed = reviewed();
    for month in months() {
        let reopens = &reviewed.report(month).reopens;
        let mut cohort: Vec<(DateTime<Utc>, &Plan)> = reviewed
            .plans
            .iter()
            .filter_map(|plan| {
                let (when, _) = resolved_after_escalation(plan)?;
                month.contains(when).then_some((when, plan))
            })
            .collect();
        cohort.sort_by_key(|(when, _)| *when);
        let reopened: Vec<String> = cohort
            .iter()
            .filter(|(resolved, plan)| {
                plan.steps
                    .iter()
                    .any(|(when, step)| matches!(step, Step::Reopen) && when > resolved)
            })
            .map(|(_, plan)| reviewed.key(plan.name))
            .collect();
        assert_eq!(reopens.resolved, cohort.len() as u64, "{month}");
        assert_eq!(reopens.reopened_tickets, reopened, "{month}");
        assert_eq!(reopens.reopened, reopened.len() as u64, "{month}");
        assert_close(
            reopens.rate_percent,
            expected_percent(reopened.len() as u64, cohort.len() as u64),
            &format!("{month}"),
        );
        let reopenings = reviewed
            .plans
            .iter()
            .filter(|plan| escalation(plan).is_some())
            .flat_map(|plan| &plan.steps)
            .filter(|(when, step)| matches!(step, Step::Reopen) && month.contains(*when))
            .count() as u64;
        assert_eq!(reopens.reopenings_in_month, reopenings, "{month}");
    }
    let march = &reviewed.march.reopens;
    assert_eq!((march.resolved, march.reopened), (22, 2));
    assert_eq!(
        march.reopened_tickets,
        reviewed.keys_of(["pos-power-again", "export-timeout-again"]),
        "one reopened in March, one in April"
    );
    assert_eq!(
        march.reopenings_in_month, 2,
        "feb-login and pos-power-again"
    );
    assert_close(
        reviewed.february.reopens.rate_percent,
        Some(100.0),
        "February",
    );
}

#[test]
fn escalations_that_repeat_a_known_fix_are_knowledge_base_candidates() {
    let reviewed = reviewed();
    // Every resolution of every ticket, with its fix.
    let known: Vec<(DateTime<Utc>, &Plan, Fix)> = reviewed
        .plans
        .iter()
        .flat_map(|plan| {
            resolutions(plan)
                .into_iter()
                .map(move |(when, fix)| (when, plan, fix))
        })
        .collect();
    for month in months() {
        let mut expected: Vec<(DateTime<Utc>, String, String, String, String)> = Vec::new();
        for plan in &reviewed.plans {
            let Some((resolved, fix)) = resolved_after_escalation(plan) else {
                continue;
            };
            let (escalated, _) = escalation(plan).unwrap();
            if !month.contains(resolved) {
                continue;
            }
            // The earliest resolution elsewhere with the same fix, before the escalation.
            let earlier = known
                .iter()
                .filter(|(when, other, known_fix)| {
                    other.name != plan.name && *when < escalated && known_fix.family == fix.family
                })
                .min_by_key(|(when, _, _)| *when);
            if let Some((_, other, known_fix)) = earlier {
                expected.push((
                    resolved,
                    reviewed.key(plan.name),
                    fix.text(),
                    reviewed.key(other.name),
                    known_fix.text(),
                ));
            }
        }
        expected.sort();
        let found: Vec<(DateTime<Utc>, String, String, String, String)> = reviewed
            .report(month)
            .knowledge_base
            .iter()
            .map(|c| {
                assert!(c.similarity >= 0.5 && c.similarity <= 1.0, "{c:?}");
                (
                    c.resolved_at,
                    c.ticket.clone(),
                    c.fix.clone(),
                    c.earlier_ticket.clone(),
                    c.known_fix.clone(),
                )
            })
            .collect();
        assert_eq!(found, expected, "{month}");
    }
    let march: BTreeSet<(String, String)> = reviewed
        .march
        .knowledge_base
        .iter()
        .map(|c| (c.ticket.clone(), c.earlier_ticket.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("hooli-checkout", "acme-checkout"),
        ("pos-power-again", "pos-power"),
        ("export-timeout-again", "export-timeout"),
        ("login-screen", "feb-login"),
        ("receipt-escalated", "receipt-l1"),
        ("login-night", "feb-login"),
    ]
    .iter()
    .map(|(ticket, earlier)| (reviewed.key(ticket), reviewed.key(earlier)))
    .collect();
    assert_eq!(march, expected);
    let reworded = reviewed
        .march
        .knowledge_base
        .iter()
        .find(|c| c.ticket == reviewed.key("export-timeout-again"))
        .unwrap();
    assert!(
        reworded.similarity < 0.9,
        "the same fix in other words still matches: {reworded:?}"
    );
}

/// Reads RFC 4180 CSV: quoted fields, doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(
                    field.is_empty(),
                    "a quote inside an unquoted field: {field}"
                );
                quoted = true;
            }
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\n' => panic!("a bare LF ends a record"),
            c => field.push(c),
        }
    }
    assert!(!quoted, "an unterminated quoted field");
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record has no CRLF"
    );
    records
}

#[test]
fn the_csv_is_rfc_4180_and_reads_back_to_the_figures() {
    let reviewed = reviewed();
    let report = &reviewed.march;
    let csv = report.render(ReportFormat::Csv).unwrap();
    let records = parse_csv(&csv);
    assert_eq!(records[0], ["section", "group", "metric", "value"]);
    assert!(records.iter().all(|record| record.len() == 4));
    let value = |section: &str, group: &str, metric: &str| -> String {
        let found: Vec<&Vec<String>> = records
            .iter()
            .filter(|r| r[0] == section && r[1] == group && r[2] == metric)
            .collect();
        assert_eq!(found.len(), 1, "{section},{group},{metric}");
        found[0][3].clone()
    };
    assert_eq!(value("report", "", "month"), "2026-03");
    assert_eq!(value("escalations", "", "total"), "24");
    assert_eq!(value("escalations_by_team", "validation", "count"), "3");
    assert_eq!(value("causes_by_product", "Reporting, EU", "count"), "2");
    let march_sla = &report.sla.total;
    assert_eq!(value("sla", "all", "met"), march_sla.met.to_string());
    assert_eq!(
        value("sla", "all", "running_breached"),
        march_sla.running_breached.to_string()
    );
    assert_eq!(
        value("sla", "all", "attainment_percent"),
        format!("{:.1}", march_sla.attainment_percent.unwrap())
    );
    assert_eq!(value("refusals_by_rule", "SOP-11-duplicate", "count"), "1");
    assert_eq!(value("refusals", "", "incomplete_documentation"), "2");
    assert_eq!(
        value("exceptions", "1", "approval"),
        "major outage (no approval needed)"
    );
    assert_eq!(value("exceptions", "2", "approval"), "Lee Park");
    assert_eq!(
        value("duplicates_linked", "1", "linked_to"),
        reviewed.key("acme-checkout")
    );
    assert_eq!(value("reopens", "", "reopened"), "2");
    // Customer text with quotes, commas and a line break comes back intact.
    let markup = reviewed.key("webhook-markup");
    let cluster = records
        .iter()
        .find(|r| r[0] == "cause_clusters" && r[2] == "tickets" && r[3] == markup)
        .expect("the webhook ticket's cluster");
    assert_eq!(
        value("cause_clusters", &cluster[1], "representative"),
        "Webhook payload <script>alert('x')</script> shown raw in admin panel"
    );
    let fixes: Vec<&String> = records
        .iter()
        .filter(|r| r[0] == "knowledge_base" && r[2] == "known_fix")
        .map(|r| &r[3])
        .collect();
    assert!(fixes.contains(&&LOGIN.text()), "{fixes:?}");
    // A summary a spreadsheet would run as a formula is defused.
    let formula = reviewed.key("invoice-formula");
    let cluster = records
        .iter()
        .find(|r| r[0] == "cause_clusters" && r[2] == "tickets" && r[3] == formula)
        .unwrap();
    assert_eq!(
        value("cause_clusters", &cluster[1], "representative"),
        "'=SUM(A1) appears in exported invoice totals"
    );
    // Every SLA line and every section is there.
    for section in [
        "escalations_by_type",
        "escalations_by_priority",
        "escalations_by_criterion",
        "sla_by_priority",
        "sla_by_target",
        "sla_by_priority_and_target",
        "time_to_acknowledge",
        "time_to_resolve",
        "refusal_list",
        "duplicates_refused",
        "duplicates_overridden",
        "knowledge_base",
    ] {
        assert!(records.iter().any(|r| r[0] == section), "no {section} rows");
    }
    assert_eq!(
        records
            .iter()
            .filter(|r| r[0] == "sla_by_priority_and_target" && r[2] == "met")
            .count(),
        16
    );
}

#[test]
fn the_html_is_one_self_contained_printable_page_with_inert_ticket_text() {
    let reviewed = reviewed();
    let html = reviewed.march.render(ReportFormat::Html).unwrap();
    // A sample for people to look at: target/report-sample.html.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("report-sample.html"), &html).unwrap();

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    let lower = html.to_lowercase();
    assert!(
        !lower.contains("<script"),
        "no script, and ticket text is inert"
    );
    assert!(
        html.contains("Webhook payload &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; shown raw")
    );
    for fetch in ["http://", "https://", "src=", "href=", "@import", "url("] {
        assert!(
            !lower.contains(fetch),
            "the page fetches nothing: found {fetch}"
        );
    }
    assert!(html.matches("<svg").count() >= 8, "charts are inline SVG");
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("break-before: page"));
    assert!(html.contains("<style>"));
    assert_eq!(
        html.matches("<section").count(),
        10,
        "one section per part of the review"
    );
    assert!(html.contains("Escalation review · March 2026"));
    assert!(html.contains("wall-clock minutes"));
    assert!(html.contains("major outage (no approval needed)"));
    assert!(html.contains("Lee Park"));
    assert!(html.contains("Reporting, EU"));
    for candidate in &reviewed.march.knowledge_base {
        assert!(html.contains(&candidate.ticket));
    }
}

#[test]
fn the_json_is_the_report() {
    let reviewed = reviewed();
    let report = &reviewed.march;
    let json: serde_json::Value =
        serde_json::from_str(&report.render(ReportFormat::Json).unwrap()).unwrap();
    assert_eq!(json["month"], "2026-03");
    assert_eq!(json["period_start"], "2026-03-01T00:00:00Z");
    assert_eq!(json["period_end"], "2026-04-01T00:00:00Z");
    assert_eq!(json["escalations"]["total"], 24);
    assert_eq!(json["sla"]["total"]["met"], report.sla.total.met);
    assert_eq!(json["exceptions"][0]["kind"], "major_outage");
    assert_eq!(json["exceptions"][1]["approver"], "Lee Park");
    assert_eq!(
        json["knowledge_base"].as_array().unwrap().len(),
        report.knowledge_base.len()
    );
    same_json(&json, &serde_json::to_value(report).unwrap(), "report");
}

/// Equal JSON, numbers compared as floats (the text keeps 17 digits).
fn same_json(found: &serde_json::Value, expected: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match (found, expected) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{path}: {a} != {b}"
            );
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{path}");
            for (index, (a, b)) in a.iter().zip(b).enumerate() {
                same_json(a, b, &format!("{path}[{index}]"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (key, value) in a {
                same_json(value, &b[key], &format!("{path}.{key}"));
            }
        }
        (a, b) => assert_eq!(a, b, "{path}"),
    }
}

#[test]
fn a_month_without_escalations_has_zero_counts_and_no_percentages() {
    let report = &reviewed().january;
    assert_eq!(report.escalations.total, 0);
    assert!(report.escalations.by_type.iter().all(|c| c.count == 0));
    assert!(report.causes.by_product.is_empty() && report.causes.clusters.is_empty());
    assert_eq!(report.sla.total.met + report.sla.total.breaches, 0);
    assert_eq!(report.sla.total.attainment_percent, None);
    assert_eq!(report.response_times.acknowledge.median_minutes, None);
    assert_eq!(report.reopens.rate_percent, None);
    assert!(report.exceptions.is_empty() && report.knowledge_base.is_empty());
    for format in [ReportFormat::Html, ReportFormat::Csv, ReportFormat::Json] {
        let text = report.render(format).unwrap();
        assert!(!text.is_empty());
    }
    let html = report.render(ReportFormat::Html).unwrap();
    assert!(html.contains("No escalations this month."));
    assert!(html.contains("n/a"));
}

#[test]
fn months_are_utc_calendar_months_written_yyyy_mm() {
    let month: ReportMonth = "2026-03".parse().unwrap();
    assert_eq!(month.start(), mar(1, 0, 0));
    assert_eq!(month.end(), apr(1, 0, 0));
    assert!(month.contains(mar(31, 23, 59)) && !month.contains(apr(1, 0, 0)));
    assert!(!month.contains(feb(28, 23, 59)));
    assert_eq!(month.to_string(), "2026-03");
    assert_eq!(month.title(), "March 2026");
    let december: ReportMonth = "2025-12".parse().unwrap();
    assert_eq!(
        december.end(),
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(december.next().to_string(), "2026-01");
    assert_eq!(ReportMonth::of(mar(31, 23, 59)), month);
    for bad in [
        "2026-3",
        "2026-13",
        "2026-00",
        "26-03",
        "March",
        "2026/03",
        "2026-03-01",
        "",
    ] {
        let error = bad.parse::<ReportMonth>().unwrap_err();
        assert_eq!(error.kind(), escalator_core::ErrorKind::Validation, "{bad}");
    }
    assert_eq!("CSV".parse::<ReportFormat>().unwrap(), ReportFormat::Csv);
    assert!("pdf".parse::<ReportFormat>().is_err());
}
