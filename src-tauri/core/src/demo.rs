//! A living desk for a first look: realistic users and a few dozen tickets
//! in every state and priority.
//!
//! Every ticket is made by running real commands through a [`Desk`], with a
//! clock that walks forward from two weeks ago, so the demo data has genuine
//! event histories, hash chains and timestamps, and obeys every SOP rule.

use crate::clock::ManualClock;
use crate::commands::{EscalationRequest, ExceptionClaim, NewTicket};
use crate::desk::{Desk, DeskConfig};
use crate::domain::{
    AttachmentKind, Category, CommunicationChannel, Criterion, EscalationReason, EscalationType,
    ExceptionKind, Priority, Role, Team,
};
use crate::error::{Error, Result};
use crate::events::DocumentationChange;
use crate::Command;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// What [`seed`] added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DemoReport {
    pub users_added: u32,
    pub tickets_added: u32,
}

const USERS: &[(&str, &str, Role, Option<Team>)] = &[
    ("ana", "Ana Lopez", Role::L1Engineer, None),
    ("ben", "Ben Okafor", Role::L1Engineer, None),
    ("chloe", "Chloé Martin", Role::L1Engineer, None),
    ("sam", "Sam Ito", Role::L2Engineer, Some(Team::Software)),
    (
        "priya",
        "Priya Raman",
        Role::L2Engineer,
        Some(Team::Software),
    ),
    ("hana", "Hana Berg", Role::L2Engineer, Some(Team::Hardware)),
    (
        "victor",
        "Victor Alves",
        Role::L2Engineer,
        Some(Team::Validation),
    ),
    ("lee", "Lee Park", Role::L3Lead, None),
];

/// How far along the SOP a demo ticket is taken.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Intake,
    Documented,
    Refused,
    Escalated,
    Investigating,
    AwaitingInfo,
    Proposed,
    Validated,
    Confirmed,
    Monitoring,
    Closed,
}

struct Scenario {
    customer: &'static str,
    product: &'static str,
    summary: &'static str,
    impact: &'static str,
    priority: Priority,
    hardware: bool,
    stage: Stage,
}

const fn s(
    customer: &'static str,
    product: &'static str,
    summary: &'static str,
    impact: &'static str,
    priority: Priority,
    hardware: bool,
    stage: Stage,
) -> Scenario {
    Scenario {
        customer,
        product,
        summary,
        impact,
        priority,
        hardware,
        stage,
    }
}

use Priority::{P1, P2, P3, P4};
use Stage::*;

const SCENARIOS: &[Scenario] = &[
    s(
        "Northwind Health",
        "Analytics API",
        "Patient dashboard API returns 502 after the 4.2 upgrade",
        "Clinicians cannot see live vitals in 3 hospitals",
        P1,
        false,
        Investigating,
    ),
    s(
        "Acme Logistics",
        "Fleet Tracker",
        "GPS positions frozen for the whole EU fleet",
        "Dispatch is blind for 1,200 trucks",
        P1,
        false,
        Proposed,
    ),
    s(
        "Contoso Airlines",
        "Sensor Hub S2",
        "Cabin sensor hubs reboot every 10 minutes",
        "Maintenance checks delayed on 14 aircraft",
        P1,
        true,
        Escalated,
    ),
    s(
        "Globex Retail",
        "Billing Portal",
        "Invoices generated twice for the March run",
        "Customers charged twice; finance escalating",
        P2,
        false,
        AwaitingInfo,
    ),
    s(
        "Initech Bank",
        "Vision AI",
        "Cheque scanner model misreads amounts over 10,000",
        "Manual review of all large cheques",
        P2,
        false,
        Investigating,
    ),
    s(
        "Umbrella Labs",
        "Sensor Hub S2",
        "Temperature probe reads 12°C high after firmware 3.1",
        "Cold-chain alarms fire falsely",
        P2,
        true,
        Proposed,
    ),
    s(
        "Stark Robotics",
        "Mobile App",
        "Android app crashes on login with SSO",
        "Field engineers cannot log work",
        P2,
        false,
        Validated,
    ),
    s(
        "Wayne Energy",
        "Analytics API",
        "Meter export API times out for large sites",
        "Billing for 40 sites delayed",
        P2,
        false,
        Confirmed,
    ),
    s(
        "Acme Logistics",
        "Billing Portal",
        "PDF invoices missing the VAT line",
        "Finance must reissue invoices",
        P3,
        false,
        Monitoring,
    ),
    s(
        "Northwind Health",
        "Mobile App",
        "Push notifications arrive hours late on iOS",
        "Nurses miss shift reminders",
        P3,
        false,
        Closed,
    ),
    s(
        "Globex Retail",
        "Fleet Tracker",
        "Route optimiser ignores delivery windows",
        "Late deliveries in 2 regions",
        P3,
        false,
        Escalated,
    ),
    s(
        "Contoso Airlines",
        "Vision AI",
        "Baggage tag OCR confidence drops at night",
        "More manual tag checks on night shifts",
        P3,
        false,
        Investigating,
    ),
    s(
        "Initech Bank",
        "Sensor Hub S2",
        "Branch door sensor shows physical damage",
        "One branch alarm zone offline",
        P3,
        true,
        Closed,
    ),
    s(
        "Umbrella Labs",
        "Analytics API",
        "CSV export uses the wrong decimal separator",
        "Lab reports need manual fixing",
        P4,
        false,
        Closed,
    ),
    s(
        "Stark Robotics",
        "Billing Portal",
        "Typo in the renewal reminder e-mail",
        "Cosmetic; customer noticed",
        P4,
        false,
        Escalated,
    ),
    s(
        "Wayne Energy",
        "Mobile App",
        "Dark mode makes chart labels unreadable",
        "Minor usability issue",
        P4,
        false,
        Documented,
    ),
    s(
        "Acme Logistics",
        "Sensor Hub S2",
        "Trailer sensor does not power on after battery swap",
        "One trailer untracked",
        P3,
        true,
        Refused,
    ),
    s(
        "Northwind Health",
        "Billing Portal",
        "Cannot download the February statement",
        "Accounts team waiting",
        P3,
        false,
        Intake,
    ),
    s(
        "Globex Retail",
        "Vision AI",
        "Shelf camera flags empty shelves as full",
        "Restocking missed in 5 stores",
        P2,
        false,
        Intake,
    ),
    s(
        "Contoso Airlines",
        "Analytics API",
        "Fuel report totals differ from the ERP",
        "Monthly close at risk",
        P2,
        false,
        Documented,
    ),
    s(
        "Initech Bank",
        "Mobile App",
        "Biometric login fails after OS update",
        "Staff fall back to passwords",
        P3,
        false,
        Proposed,
    ),
    s(
        "Umbrella Labs",
        "Fleet Tracker",
        "Geofence alerts fire twice",
        "Noise for the security desk",
        P4,
        false,
        Monitoring,
    ),
    s(
        "Stark Robotics",
        "Sensor Hub S2",
        "Hub diagnostics fail on the self-test",
        "Robot cell stopped for inspection",
        P2,
        true,
        Investigating,
    ),
    s(
        "Wayne Energy",
        "Billing Portal",
        "Tariff change not applied to 300 accounts",
        "Under-billing since 1 March",
        P2,
        false,
        Closed,
    ),
    s(
        "Acme Logistics",
        "Analytics API",
        "Webhook deliveries stall for 30 minutes",
        "Partner integrations lag",
        P3,
        false,
        AwaitingInfo,
    ),
    s(
        "Northwind Health",
        "Vision AI",
        "X-ray triage model inconsistent between runs",
        "Radiologists lose trust in triage",
        P2,
        false,
        Escalated,
    ),
    s(
        "Globex Retail",
        "Mobile App",
        "Store manager app logs out every hour",
        "Annoyed store managers",
        P4,
        false,
        Intake,
    ),
    s(
        "Contoso Airlines",
        "Billing Portal",
        "Credit notes not visible in the portal",
        "Finance asks by e-mail instead",
        P3,
        false,
        Validated,
    ),
];

/// Adds the demo users (those not already there) and tickets to the database
/// at `path`, with histories spread over the two weeks before `now`.
pub fn seed(path: &Path, now: DateTime<Utc>) -> Result<DemoReport> {
    let clock = ManualClock::new(now - Duration::days(14));
    // The desk's own SLA file, so the deadlines agree with the app's.
    let config = DeskConfig::for_database(path)?;
    let mut desk = Desk::open_with(path, Arc::new(clock.clone()), config)?;
    let mut users_added = 0;
    for (handle, name, role, team) in USERS {
        match desk.user(handle) {
            Ok(_) => {}
            Err(Error::NotFound { .. }) => {
                desk.add_user(handle, name, *role, *team)?;
                users_added += 1;
            }
            Err(error) => return Err(error),
        }
    }
    let owners = ["ana", "ben", "chloe"];
    let evidence = std::env::temp_dir().join(format!("escalator-demo-{}", std::process::id()));
    std::fs::create_dir_all(&evidence)?;
    let span = Duration::days(13).num_minutes() / SCENARIOS.len() as i64;
    for (index, scenario) in SCENARIOS.iter().enumerate() {
        // Older tickets are further along; every ticket's steps stay in the past.
        clock.set(now - Duration::days(14) + Duration::minutes(span * index as i64));
        let owner = owners[index % owners.len()];
        let run = Runner {
            desk: &mut desk,
            clock: &clock,
            owner,
            evidence: &evidence,
            index,
        };
        run.play(scenario)?;
    }
    std::fs::remove_dir_all(&evidence).ok();
    Ok(DemoReport {
        users_added,
        tickets_added: SCENARIOS.len() as u32,
    })
}

struct Runner<'a> {
    desk: &'a mut Desk,
    clock: &'a ManualClock,
    owner: &'a str,
    evidence: &'a Path,
    index: usize,
}

impl Runner<'_> {
    fn step(&mut self, actor: &str, key: &str, command: Command) -> Result<()> {
        // 7 to 95 minutes between steps, varied but deterministic.
        self.clock.advance(Duration::minutes(
            7 + ((self.index * 37 + key.len() * 11) % 89) as i64,
        ));
        self.desk.execute(actor, key, command).map(|_| ())
    }

    fn play(mut self, scenario: &Scenario) -> Result<()> {
        let owner = self.owner;
        let (team, l2) = match (scenario.hardware, scenario.product) {
            (true, _) => (Team::Hardware, "hana"),
            (false, "Vision AI") => (Team::Validation, "victor"),
            (false, _) if self.index.is_multiple_of(2) => (Team::Software, "sam"),
            (false, _) => (Team::Software, "priya"),
        };
        let new = NewTicket {
            customer: scenario.customer.into(),
            customer_contact: Some(format!(
                "support@{}.example",
                scenario
                    .customer
                    .split(' ')
                    .next()
                    .unwrap_or("customer")
                    .to_lowercase()
            )),
            summary: scenario.summary.into(),
            priority: Some(scenario.priority),
            product: scenario.product.into(),
            impact: scenario.impact.into(),
            ..NewTicket::default()
        };
        let key = self.desk.open_ticket(owner, new)?.ticket.key;
        if scenario.stage == Intake {
            return Ok(());
        }
        let version = if scenario.hardware {
            "firmware 3.1.4, hub rev C"
        } else {
            "release 4.2.1, EU-West"
        };
        self.step(
            owner,
            &key,
            Command::UpdateDocumentation(DocumentationChange {
                steps_to_reproduce: Some(format!(
                    "1. Open {}\n2. Repeat the customer's action\n3. Observe: {}",
                    scenario.product,
                    scenario.summary.to_lowercase()
                )),
                environment: Some(format!("{} {version}", scenario.product)),
                ..DocumentationChange::default()
            }),
        )?;
        self.step(owner, &key, Command::RecordTroubleshooting {
            action: "Reproduced with the customer on a call; cleared caches and restarted the client".into(),
            outcome: "Still happens".into(),
        })?;
        if scenario.stage == Refused {
            // Escalated before attaching evidence: refused and recorded (SOP §6 Step 2).
            let request = self.request(scenario, team);
            let _ = self.desk.execute(owner, &key, Command::Escalate(request));
            return Ok(());
        }
        let file = self.evidence.join(format!("{}.log", key.to_lowercase()));
        std::fs::write(
            &file,
            format!(
                "{} ERROR {} — {}\n",
                self.clock_now(),
                scenario.product,
                scenario.summary
            ),
        )?;
        let kind = if scenario.hardware {
            AttachmentKind::DiagnosticReport
        } else {
            AttachmentKind::Log
        };
        self.desk.attach_file(owner, &key, &file, kind)?;
        if scenario.stage == Documented {
            return Ok(());
        }
        let mut request = self.request(scenario, team);
        if self.index == 10 {
            // A lead's emergency approval lets a P3 skip the standard timelines (SOP §12).
            self.step(
                "lee",
                &key,
                Command::ApproveException {
                    kind: ExceptionKind::Emergency,
                    reason: "Peak season: the customer's delivery windows are contractual".into(),
                },
            )?;
            request.exception = Some(ExceptionClaim::Emergency);
        }
        if self.index == 2 {
            request.exception = Some(ExceptionClaim::MajorOutage {
                description: "All S2 hubs on the fleet reboot in a loop".into(),
            });
        }
        if self
            .desk
            .check(owner, &key, &Command::Escalate(request.clone()))?
            .iter()
            .any(|v| v.rule == "SOP-11-duplicate")
        {
            request.duplicate_override =
                Some("Different product area; confirmed with the customer".into());
        }
        self.step(owner, &key, Command::Escalate(request))?;
        if scenario.stage == Escalated {
            return Ok(());
        }
        self.step(l2, &key, Command::Acknowledge {})?;
        self.step(owner, &key, Command::RecordCustomerUpdate {
            channel: CommunicationChannel::Email,
            body: "Your issue has been escalated to our engineering team for further investigation. We will keep you informed of progress.".into(),
            subject: "Your issue is with our engineers".into(),
            leak_override: None,
            email: None,
        })?;
        if scenario.priority == P2 && self.index % 3 == 1 {
            self.step(
                l2,
                &key,
                Command::Escalate(EscalationRequest {
                    escalation_type: Some(EscalationType::Management),
                    reasons: vec![EscalationReason::HighCustomerImpact],
                    note: "Customer's operations director is involved".into(),
                    ..EscalationRequest::default()
                }),
            )?;
            self.step("lee", &key, Command::TakeManagementEscalation {})?;
        }
        if scenario.stage >= AwaitingInfo {
            self.step(l2, &key, Command::RequestInfo { question: "Can you get the exact time of the last failure and the device or account ID?".into() })?;
            if scenario.stage == AwaitingInfo {
                return Ok(());
            }
            self.step(
                owner,
                &key,
                Command::ProvideInfo {
                    answer: "Last failure 08:42 UTC; account ID shared in the attached log".into(),
                },
            )?;
        }
        if scenario.stage == Investigating {
            self.step(l2, &key, Command::AddNote { body: "Looks related to last week's config change; checking with the platform team".into() })?;
            return Ok(());
        }
        let fix = if scenario.hardware {
            "Replaced the faulty unit and rolled firmware back to 3.0.9"
        } else {
            "Rolled back the faulty configuration and deployed hotfix 4.2.2"
        };
        self.step(
            l2,
            &key,
            Command::ProposeResolution {
                summary: fix.into(),
            },
        )?;
        if scenario.stage == Proposed {
            return Ok(());
        }
        self.step(
            owner,
            &key,
            Command::ValidateFix {
                works: true,
                note: "Verified on the customer's test account".into(),
            },
        )?;
        if scenario.stage == Validated {
            return Ok(());
        }
        self.step(
            owner,
            &key,
            Command::ConfirmWithCustomer {
                note: "Customer confirmed by phone".into(),
            },
        )?;
        if scenario.stage == Confirmed {
            return Ok(());
        }
        self.step(
            owner,
            &key,
            Command::WriteResolutionNotes {
                notes: format!("{fix}. Root cause documented for the knowledge base."),
            },
        )?;
        if scenario.stage == Monitoring {
            return self.step(
                owner,
                &key,
                Command::MoveToMonitoring {
                    until: Some(self.clock_now() + Duration::days(7)),
                    note: "Watch for a week".into(),
                },
            );
        }
        self.step(
            owner,
            &key,
            Command::Close {
                note: String::new(),
            },
        )
    }

    fn request(&self, scenario: &Scenario, team: Team) -> EscalationRequest {
        let (escalation_type, reasons) = if scenario.hardware {
            let reason = if scenario.summary.contains("damage") {
                EscalationReason::PhysicalDamage
            } else {
                EscalationReason::ComponentFailure
            };
            (EscalationType::Hardware, vec![reason])
        } else if scenario.product == "Vision AI" {
            (
                EscalationType::Software,
                vec![EscalationReason::AiModelBehavior],
            )
        } else {
            (
                EscalationType::Software,
                vec![
                    EscalationReason::CrashOrBackendFailure,
                    EscalationReason::NoWorkaround,
                ],
            )
        };
        let category = match team {
            Team::Software => Category::Software,
            Team::Hardware => Category::Hardware,
            Team::Validation => Category::Validation,
        };
        let criteria = match scenario.priority {
            P1 => vec![Criterion::BusinessCritical, Criterion::BeyondL1Capability],
            P2 => vec![Criterion::RootCauseBugOrFailure],
            _ => vec![Criterion::BeyondL1Capability],
        };
        EscalationRequest {
            escalation_type: Some(escalation_type),
            criteria,
            reasons,
            category: Some(category),
            team: Some(team),
            troubleshooting_complete: true,
            cannot_resolve_at_l1: true,
            l1_confirmation: (scenario.priority == P3)
                .then(|| "Reproduced on the customer's account".into()),
            justification: (scenario.priority == P4)
                .then(|| "Needs a product change; no L1 workaround".into()),
            ..EscalationRequest::default()
        }
    }

    fn clock_now(&self) -> DateTime<Utc> {
        use crate::clock::Clock;
        self.clock.now()
    }
}
