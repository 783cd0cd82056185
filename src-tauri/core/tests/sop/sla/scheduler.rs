//! The scheduler under paused tokio time: the wall clock the desk reads is
//! tokio's virtual clock plus an offset the test can jump, so a deadline
//! hours away is reached in microseconds and "when did it fire?" has an
//! exact answer.

use crate::support::{escalate, software, ANA, SAM};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use escalator_core::commands::NewTicket;
use escalator_core::domain::{Priority, Role, Team};
use escalator_core::scheduler::{Round, Scheduler, SchedulerHandle, MAX_NAP};
use escalator_core::sla::{SlaConfig, Target};
use escalator_core::{Clock, Command, Desk, DeskConfig, EventBody};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use tokio::sync::mpsc;

/// Monday 2 March 2026, 09:00 UTC (10:00 in Berlin).
fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// Wall-clock time that follows tokio's (paused) clock, and can jump.
struct TokioClock {
    base: DateTime<Utc>,
    started: tokio::time::Instant,
    jumped: Mutex<TimeDelta>,
}

impl TokioClock {
    fn new() -> Arc<TokioClock> {
        Arc::new(TokioClock {
            base: base(),
            started: tokio::time::Instant::now(),
            jumped: Mutex::new(TimeDelta::zero()),
        })
    }

    /// The wall clock moves by `by` without any time passing (a suspend, an
    /// NTP step, someone changing the system time).
    fn jump(&self, by: TimeDelta) {
        *self.jumped.lock().unwrap() += by;
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let run = TimeDelta::from_std(self.started.elapsed()).unwrap();
        self.base + run + *self.jumped.lock().unwrap()
    }
}

struct Bench {
    desk: Desk,
    clock: Arc<TokioClock>,
    handle: SchedulerHandle,
    rounds: mpsc::UnboundedReceiver<(DateTime<Utc>, Round)>,
    _dir: TempDir,
}

/// A desk with an L1 and an L2 engineer, and a scheduler running on a
/// second desk over the same file, reporting each round with its instant.
fn bench(config: SlaConfig) -> Bench {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escalator.db");
    let clock = TokioClock::new();
    let desk_config = DeskConfig {
        sla: config,
        ..DeskConfig::default()
    };
    let mut desk = Desk::open_with(&path, clock.clone(), desk_config.clone()).unwrap();
    desk.add_user(ANA, "Ana Lopez", Role::L1Engineer, None)
        .unwrap();
    desk.add_user(SAM, "Sam Ito", Role::L2Engineer, Some(Team::Software))
        .unwrap();
    let (scheduler, handle) =
        Scheduler::new(Desk::open_with(&path, clock.clone(), desk_config).unwrap());
    let (sender, rounds) = mpsc::unbounded_channel();
    let reporter = clock.clone();
    tokio::spawn(scheduler.run(move |round| {
        let _ = sender.send((reporter.now(), round));
    }));
    Bench {
        desk,
        clock,
        handle,
        rounds,
        _dir: dir,
    }
}

impl Bench {
    /// An escalated ticket, without any documentation beyond what the rules
    /// need (an emergency-free P1 needs the full §6 Step 2 set).
    fn escalated(&mut self, priority: Priority) -> String {
        let key = self
            .desk
            .open_ticket(
                ANA,
                NewTicket {
                    customer: "Acme Corp".into(),
                    summary: "Checkout API returns 500 errors".into(),
                    priority: Some(priority),
                    product: "Checkout".into(),
                    impact: "Customers cannot pay".into(),
                    steps_to_reproduce: "Pay by card".into(),
                    environment: "Web shop 4.2.1".into(),
                    ..NewTicket::default()
                },
            )
            .unwrap()
            .ticket
            .key;
        self.desk
            .execute(
                ANA,
                &key,
                Command::RecordTroubleshooting {
                    action: "Retried".into(),
                    outcome: "Still fails".into(),
                },
            )
            .unwrap();
        let log = self._dir.path().join(format!("{key}.log"));
        std::fs::write(&log, "ERROR 500").unwrap();
        self.desk
            .attach_file(ANA, &key, &log, escalator_core::domain::AttachmentKind::Log)
            .unwrap();
        self.desk
            .execute(ANA, &key, escalate(software(priority)))
            .unwrap();
        self.handle.tickets_changed();
        key
    }

    /// Waits (in virtual time) for the first round that alerts on `key`'s
    /// `target` at `threshold`, and returns when it came.
    async fn alert(&mut self, key: &str, target: Target, threshold: &str) -> DateTime<Utc> {
        let wanted = |round: &Round| {
            round.alerts.iter().any(|alert| {
                alert.key == key
                    && alert.target == Some(target)
                    && self
                        .desk
                        .history(key)
                        .unwrap()
                        .iter()
                        .any(|event| match &event.body {
                            EventBody::SlaWarned(recorded) | EventBody::SlaBreached(recorded) => {
                                recorded.target == target && recorded.threshold == threshold
                            }
                            _ => false,
                        })
            })
        };
        loop {
            let (at, round) =
                tokio::time::timeout(Duration::from_secs(7 * 86_400), self.rounds.recv())
                    .await
                    .expect("no alert within a week of virtual time")
                    .expect("the scheduler stopped");
            if wanted(&round) {
                return at;
            }
        }
    }

    /// How many times `threshold` was recorded on `key`'s acknowledgement.
    fn recorded(&self, key: &str, threshold: &str) -> usize {
        self.desk
            .history(key)
            .unwrap()
            .iter()
            .filter(|event| match &event.body {
                EventBody::SlaWarned(alert) | EventBody::SlaBreached(alert) => {
                    alert.target == Target::Acknowledge && alert.threshold == threshold
                }
                _ => false,
            })
            .count()
    }
}

fn at(hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, second)
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_deadline_fires_at_its_instant_and_only_once() {
    let mut bench = bench(SlaConfig::default());
    let key = bench.escalated(Priority::P2);
    // P2: acknowledge within 2h of Berlin business time from 10:00 Berlin.
    let fired = bench.alert(&key, Target::Acknowledge, "75%").await;
    assert_eq!(fired, at(10, 30, 0), "75% of 2h, to the millisecond");
    let fired = bench.alert(&key, Target::Acknowledge, "breach").await;
    assert_eq!(fired, at(11, 0, 0));
    // Another hour of rounds records nothing twice.
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    for threshold in ["75%", "90%", "15m before", "breach"] {
        assert_eq!(
            bench.recorded(&key, threshold),
            1,
            "{threshold} on one target"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn it_replans_when_told_a_ticket_changed() {
    // A 1-minute escalation target, so the first warning (75% = 45 s) falls
    // inside a nap the scheduler has already started.
    let config = SlaConfig::from_toml(&SlaConfig::default().to_toml().replacen(
        "escalate_within = \"15m\"",
        "escalate_within = \"1m\"",
        1,
    ))
    .unwrap();
    let mut bench = bench(config);
    // The scheduler's first round found nothing and sleeps for MAX_NAP.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let key = bench
        .desk
        .open_ticket(
            ANA,
            NewTicket {
                customer: "Globex".into(),
                summary: "Payments are down".into(),
                priority: Some(Priority::P1),
                ..NewTicket::default()
            },
        )
        .unwrap()
        .ticket
        .key;
    bench.handle.tickets_changed();
    let fired = bench.alert(&key, Target::Escalate, "75%").await;
    assert_eq!(
        fired,
        at(9, 0, 50),
        "opened at +5 s, 75% of 1m later; the nap would end at +60 s"
    );
    assert!(MAX_NAP > Duration::from_secs(50));
}

#[tokio::test(start_paused = true)]
async fn an_acknowledged_escalation_never_breaches_its_acknowledgement() {
    let mut bench = bench(SlaConfig::default());
    let key = bench.escalated(Priority::P2);
    bench.alert(&key, Target::Acknowledge, "75%").await;
    bench
        .desk
        .execute(SAM, &key, Command::Acknowledge {})
        .unwrap();
    bench.handle.tickets_changed();
    // The customer update's 75% (3h of 4h) is the next thing due.
    let fired = bench.alert(&key, Target::CustomerUpdate, "75%").await;
    assert_eq!(fired, at(12, 0, 0));
    assert_eq!(bench.recorded(&key, "breach"), 0);
}

#[tokio::test(start_paused = true)]
async fn it_catches_up_after_the_wall_clock_jumps() {
    let mut bench = bench(SlaConfig::default());
    let key = bench.escalated(Priority::P2);
    // Let the scheduler settle into its naps, then suspend the machine for
    // three hours: the wall clock jumps, tokio's monotonic clock does not.
    tokio::time::sleep(Duration::from_secs(600)).await;
    let before = bench.clock.now();
    bench.clock.jump(TimeDelta::hours(3));
    let fired = bench.alert(&key, Target::Acknowledge, "breach").await;
    let waited = fired - (before + TimeDelta::hours(3));
    assert!(
        waited <= TimeDelta::from_std(MAX_NAP).unwrap(),
        "caught up {waited} after the jump"
    );
    assert_eq!(bench.recorded(&key, "breach"), 1);
    assert_eq!(bench.recorded(&key, "75%"), 1);
}
