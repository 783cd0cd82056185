//! A desk on disk with a cast of users, and helpers to get a ticket to the
//! point a test is about.

use chrono::{TimeZone, Utc};
use escalator_core::commands::{EscalationRequest, NewTicket};
use escalator_core::domain::{
    AttachmentKind, Category, Criterion, EscalationReason, EscalationType, Priority, Role, Team,
};
use escalator_core::{Command, Desk, DeskConfig, Error, ManualClock};
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

/// The owner and a second L1 engineer.
pub const ANA: &str = "ana";
pub const BOB: &str = "bob";
/// L2 engineers of the Software and Hardware teams.
pub const SAM: &str = "sam";
pub const HANA: &str = "hana";
/// An L3 lead.
pub const LEE: &str = "lee";

pub struct Fixture {
    pub desk: Desk,
    pub clock: ManualClock,
    pub dir: TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with_config(DeskConfig::default())
    }

    pub fn with_config(config: DeskConfig) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let mut desk = Desk::open_with(
            dir.path().join("escalator.db"),
            Arc::new(clock.clone()),
            config,
        )
        .expect("open desk");
        desk.add_user(ANA, "Ana Lopez", Role::L1Engineer, None)
            .unwrap();
        desk.add_user(BOB, "Bob Stone", Role::L1Engineer, None)
            .unwrap();
        desk.add_user(SAM, "Sam Ito", Role::L2Engineer, Some(Team::Software))
            .unwrap();
        desk.add_user(HANA, "Hana Berg", Role::L2Engineer, Some(Team::Hardware))
            .unwrap();
        desk.add_user(LEE, "Lee Park", Role::L3Lead, None).unwrap();
        Fixture { desk, clock, dir }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("escalator.db")
    }

    /// A file in the fixture's directory, for attaching.
    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// A ticket opened by ANA with only the intake fields.
    pub fn open(&mut self, customer: &str, summary: &str, priority: Option<Priority>) -> String {
        let new = NewTicket {
            customer: customer.into(),
            summary: summary.into(),
            priority,
            product: "Checkout".into(),
            impact: "Customers cannot pay".into(),
            ..NewTicket::default()
        };
        self.desk.open_ticket(ANA, new).unwrap().ticket.key
    }

    /// A ticket with every §6 Step 2 item in place, ready to escalate.
    pub fn documented(&mut self, customer: &str, summary: &str, priority: Priority) -> String {
        let key = self.open(customer, summary, Some(priority));
        self.document(&key);
        key
    }

    pub fn document(&mut self, key: &str) {
        self.document_as(ANA, key);
    }

    /// Adds the §6 Step 2 items as `owner`.
    pub fn document_as(&mut self, owner: &str, key: &str) {
        let change = escalator_core::events::DocumentationChange {
            steps_to_reproduce: Some("1. Add an item to the cart\n2. Pay by card".into()),
            environment: Some("Web shop 4.2.1, EU region, Chrome 131".into()),
            ..Default::default()
        };
        self.desk
            .execute(owner, key, Command::UpdateDocumentation(change))
            .unwrap();
        self.desk
            .execute(
                owner,
                key,
                Command::RecordTroubleshooting {
                    action: "Cleared the cache and retried".into(),
                    outcome: "Still fails".into(),
                },
            )
            .unwrap();
        let log = self.file(
            &format!("{key}.log"),
            format!("{key}: ERROR 500 POST /checkout").as_bytes(),
        );
        self.desk
            .attach_file(owner, key, &log, AttachmentKind::Log)
            .unwrap();
    }

    /// A documented ticket escalated to the Software team.
    pub fn escalated(&mut self, customer: &str, summary: &str, priority: Priority) -> String {
        let key = self.documented(customer, summary, priority);
        self.desk
            .execute(ANA, &key, escalate(software(priority)))
            .unwrap();
        key
    }

    /// An escalated ticket with a resolution proposed by SAM.
    pub fn proposed(&mut self, priority: Priority) -> String {
        let key = self.escalated("Acme Corp", "Checkout API returns 500 errors", priority);
        self.run(SAM, &key, Command::Acknowledge {});
        self.run(
            SAM,
            &key,
            Command::ProposeResolution {
                summary: "Rolled back the gateway config".into(),
            },
        );
        key
    }

    /// SOP §10 steps 1 and 2 on a proposed resolution, as the owner ANA.
    pub fn validate_and_confirm(&mut self, key: &str) {
        self.run(
            ANA,
            key,
            Command::ValidateFix {
                works: true,
                note: String::new(),
            },
        );
        self.run(
            ANA,
            key,
            Command::ConfirmWithCustomer {
                note: String::new(),
            },
        );
    }

    pub fn run(&mut self, actor: &str, key: &str, command: Command) {
        if let Err(error) = self.desk.execute(actor, key, command) {
            panic!("{actor} on {key}: {error}");
        }
    }

    /// Runs a command that must be refused, and returns the error.
    pub fn refuse(&mut self, actor: &str, key: &str, command: Command) -> Error {
        match self.desk.execute(actor, key, command) {
            Ok(outcome) => panic!("expected a refusal, got {:?}", outcome.events),
            Err(error) => error,
        }
    }
}

/// A complete software escalation request at the given priority.
pub fn software(priority: Priority) -> EscalationRequest {
    EscalationRequest {
        escalation_type: Some(EscalationType::Software),
        criteria: vec![Criterion::BeyondL1Capability],
        reasons: vec![EscalationReason::CrashOrBackendFailure],
        category: Some(Category::Software),
        team: Some(Team::Software),
        priority: Some(priority),
        troubleshooting_complete: true,
        cannot_resolve_at_l1: true,
        l1_confirmation: (priority == Priority::P3)
            .then(|| "Reproduced on two accounts".to_string()),
        justification: (priority == Priority::P4).then(|| "Needs a code change".to_string()),
        ..EscalationRequest::default()
    }
}

pub fn escalate(request: EscalationRequest) -> Command {
    Command::Escalate(request)
}

/// Asserts the refusal names `rule` with `clause`, and returns its violations.
#[track_caller]
pub fn assert_rule(error: &Error, rule: &str, clause: &str) {
    let violations = error.violations();
    let found = violations.iter().find(|v| v.rule == rule);
    match found {
        Some(violation) => assert_eq!(violation.clause, clause, "clause of {rule}"),
        None => panic!("expected {rule} ({clause}) among {violations:#?} ({error})"),
    }
}

/// The rule ids of a refusal, sorted.
pub fn rule_ids(error: &Error) -> Vec<String> {
    let mut ids: Vec<String> = error.violations().iter().map(|v| v.rule.clone()).collect();
    ids.sort();
    ids
}
