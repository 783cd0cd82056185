//! What the SLA scheduler costs as a desk grows: 10,000, 100,000 and
//! 1,000,000 open tickets, with the clock running on every one of them.
//!
//! Each round the scheduler asks the database when anything next falls due
//! (`store::next_check`) and which tickets are due now
//! (`store::due_for_check`), then `Desk::sweep_sla` evaluates the warnings of
//! only those tickets. The lookups must grow no faster than log n, so they are
//! measured at each size; the sweep and one ticket's evaluation show what a
//! round that finds work costs.
//!
//! Each desk has 50 real P2 tickets escalated through the desk at 09:00 UTC on
//! Monday 2 March 2026, whose first checkpoint (75% of the 2h acknowledgement
//! target) is 10:30 UTC, and N - 50 synthetic open tickets written straight
//! into the `tickets` projection, due between 11:00 UTC and four weeks later.
//! At 10:31 exactly the 50 real tickets are due.
//!
//! The databases are built once and kept in `target/bench-sla/<N>/` (about
//! 900 MB in all; the 1M desk takes about 30 s to build). Delete the
//! directory to rebuild them.
//!
//! A sweep records events, so before each timed sweep the bench puts the 50
//! real tickets back as they were: it deletes the events appended since the
//! build and restores their projection rows, which costs far less than
//! copying an 800 MB file. For that the cached copies drop the
//! `events_are_never_deleted` trigger; the sweep only inserts events, so the
//! trigger is not on its path.
//!
//! Run: `cargo bench -p escalator-core --bench sla`. Numbers: BENCHMARKS.md.

use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use escalator_core::commands::{EscalationRequest, NewTicket};
use escalator_core::domain::{
    AttachmentKind, Category, Criterion as EscalationCriterion, EscalationReason, EscalationType,
    Priority, Role, Team,
};
use escalator_core::sla::TicketSla;
use escalator_core::{store, Command, Desk, DeskConfig, EventBody, ManualClock};
use rusqlite::{params, Connection, OpenFlags};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
/// Tickets escalated through the desk; all of them are due at [`sweep_time`].
const REAL: usize = 50;
/// The synthetic tickets' checkpoints are spread over this many seconds.
const SPREAD: i64 = 28 * 24 * 3600;
/// Coprime with [`SPREAD`], so synthetic checkpoints are distinct and the
/// index is filled out of order.
const STRIDE: i64 = 7919;

/// Monday 2 March 2026, 09:00 UTC (10:00 in Berlin): the real tickets are
/// opened and escalated then.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// One minute after the real tickets' first checkpoint (10:30 UTC).
fn sweep_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 31, 0).unwrap()
}

/// The earliest synthetic checkpoint.
fn synthetic_from() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 11, 0, 0).unwrap()
}

/// One desk of `n` open tickets, its clock at [`sweep_time`].
struct Scale {
    n: usize,
    desk: Desk,
}

fn cache_root() -> PathBuf {
    // The bench runs as target/<profile>/deps/sla-<hash>.
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir)
        .join("bench-sla")
}

fn open_scale(n: usize) -> Scale {
    let dir = cache_root().join(n.to_string());
    let path = dir.join("escalator.db");
    if !is_built(&path, n) {
        build_into(&dir, n);
    }
    let mut desk = open_desk(&path);
    if !still_fits(desk.connection(), n) {
        drop(desk);
        build_into(&dir, n);
        desk = open_desk(&path);
    }
    restore(desk.connection());
    Scale { n, desk }
}

fn open_desk(path: &Path) -> Desk {
    let clock = Arc::new(ManualClock::new(sweep_time()));
    Desk::open_with(path, clock, DeskConfig::default()).expect("desk")
}

/// How many tickets have a checkpoint, that is, an SLA clock running.
fn scheduled(conn: &Connection) -> Option<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE sla_next_at IS NOT NULL",
        [],
        |row| row.get(0),
    )
    .ok()
}

/// Opening a desk migrates its schema and, when the shipped SLA config has
/// changed, re-projects the SLA columns from the log, which clears the
/// synthetic tickets' checkpoints (they have no events). Either makes the
/// cached desk unfit.
fn still_fits(conn: &Connection, n: usize) -> bool {
    let same_columns = conn.query_row(
        "SELECT (SELECT COUNT(*) FROM pragma_table_info('tickets'))
              = (SELECT COUNT(*) FROM pragma_table_info('bench_baseline_tickets'))",
        [],
        |row| row.get::<_, bool>(0),
    );
    scheduled(conn) == Some(n as i64) && same_columns.unwrap_or(false)
}

fn is_built(path: &Path, n: usize) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    let baseline = conn.query_row("SELECT COUNT(*) FROM bench_baseline_tickets", [], |row| {
        row.get::<_, i64>(0)
    });
    scheduled(&conn) == Some(n as i64) && baseline.ok() == Some(REAL as i64)
}

/// Builds the desk of `n` tickets beside `dir` and moves it into place, so an
/// interrupted build leaves nothing that looks finished.
fn build_into(dir: &Path, n: usize) {
    let building = dir.with_extension("building");
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&building).expect("cache dir");
    let started = Instant::now();
    build(&building, n);
    std::fs::rename(&building, dir).expect("move the built desk into place");
    eprintln!("built the {n}-ticket desk in {:.1?}", started.elapsed());
}

fn build(dir: &Path, n: usize) {
    let clock = Arc::new(ManualClock::new(t0()));
    let mut desk =
        Desk::open_with(dir.join("escalator.db"), clock, DeskConfig::default()).expect("desk");
    desk.add_user("ana", "Ana Lopez", Role::L1Engineer, None)
        .expect("user");
    desk.add_user("sam", "Sam Ito", Role::L2Engineer, Some(Team::Software))
        .expect("user");
    for i in 0..REAL {
        escalate_p2(&mut desk, dir, &format!("Customer {i} GmbH"));
    }
    let conn = desk.connection();
    insert_synthetic(conn, n - REAL);
    conn.execute_batch(&format!(
        "CREATE TABLE bench_baseline_tickets AS SELECT * FROM tickets WHERE number <= {REAL};
         CREATE TABLE bench_baseline_state AS
             SELECT * FROM ticket_state WHERE id IN (SELECT id FROM bench_baseline_tickets);
         CREATE TABLE bench_baseline_head AS SELECT MAX(position) AS position FROM events;
         DROP TRIGGER events_are_never_deleted;
         ANALYZE;
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .expect("baseline");
}

/// A P2 ticket with the documentation the escalation rules require,
/// escalated to the Software team at [`t0`]. Each real ticket has its own
/// customer, or the §11 duplicate check would refuse the escalation.
fn escalate_p2(desk: &mut Desk, dir: &Path, customer: &str) {
    let new = NewTicket {
        customer: customer.into(),
        summary: "Checkout API returns 500 errors".into(),
        priority: Some(Priority::P2),
        product: "Checkout".into(),
        impact: "Customers cannot pay".into(),
        steps_to_reproduce: "Pay by card".into(),
        environment: "Web shop 4.2.1".into(),
        ..NewTicket::default()
    };
    let key = desk.open_ticket("ana", new).expect("ticket").ticket.key;
    let troubleshooting = Command::RecordTroubleshooting {
        action: "Retried".into(),
        outcome: "Still fails".into(),
    };
    desk.execute("ana", &key, troubleshooting)
        .expect("troubleshooting");
    let log = dir.join("upload.log");
    std::fs::write(&log, format!("{key}: ERROR 500")).expect("log file");
    desk.attach_file("ana", &key, &log, AttachmentKind::Log)
        .expect("log");
    std::fs::remove_file(&log).expect("log file");
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Software),
        criteria: vec![EscalationCriterion::BeyondL1Capability],
        reasons: vec![EscalationReason::CrashOrBackendFailure],
        category: Some(Category::Software),
        team: Some(Team::Software),
        priority: Some(Priority::P2),
        troubleshooting_complete: true,
        cannot_resolve_at_l1: true,
        ..EscalationRequest::default()
    };
    desk.execute("ana", &key, Command::Escalate(request))
        .expect("escalate");
}

/// `count` open tickets copied from the first real one, with their own
/// number, key, customer and next checkpoint, in one statement.
fn insert_synthetic(conn: &Connection, count: usize) {
    conn.execute(
        "INSERT INTO tickets (id, number, key, customer, customer_norm, summary, product, priority,
             status, level, owner_id, team, category, escalation_type, sla_state, opened_at,
             escalated_at, updated_at, sla_next_at, sla_due_at)
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1),
             template AS MATERIALIZED (SELECT * FROM tickets WHERE number = 1)
         SELECT printf('00000000-0000-7000-8000-%012x', ?2 + i), ?2 + i, 'ESC-' || (?2 + i),
             'Customer ' || (i % 700), 'customer ' || (i % 700), 'Synthetic ticket ' || i,
             product, priority, status, level, owner_id, team, category, escalation_type, 'ok',
             opened_at, escalated_at, updated_at,
             strftime('%Y-%m-%dT%H:%M:%fZ', ?3 + (i * ?4) % ?5, 'unixepoch'),
             strftime('%Y-%m-%dT%H:%M:%fZ', ?3 + (i * ?4) % ?5 + 1800, 'unixepoch')
         FROM seq, template",
        params![
            count as i64,
            REAL as i64,
            synthetic_from().timestamp(),
            STRIDE,
            SPREAD
        ],
    )
    .expect("synthetic tickets");
}

/// Puts the real tickets back as they were built: no warnings recorded yet.
fn restore(conn: &Connection) {
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         DELETE FROM events WHERE position > (SELECT position FROM bench_baseline_head);
         DELETE FROM ticket_state WHERE id IN (SELECT id FROM bench_baseline_tickets);
         DELETE FROM tickets WHERE id IN (SELECT id FROM bench_baseline_tickets);
         INSERT INTO tickets SELECT * FROM bench_baseline_tickets;
         INSERT INTO ticket_state SELECT * FROM bench_baseline_state;
         COMMIT;",
    )
    .expect("restore");
}

/// Prints how SQLite answers the scheduler's two questions (the statements
/// of `store::next_check` and `store::due_for_check`).
fn print_plans(scale: &Scale) {
    let conn = scale.desk.connection();
    let plan = |sql: &str, params: &[&dyn rusqlite::ToSql]| {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .and_then(|mut plan| {
                plan.query_map(params, |row| row.get::<_, String>(3))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .expect("query plan")
            .join("; ")
    };
    let next = plan(
        "SELECT sla_next_at FROM tickets WHERE sla_next_at IS NOT NULL
         ORDER BY sla_next_at LIMIT 1",
        &[],
    );
    let due = plan(
        "SELECT id FROM tickets WHERE sla_next_at IS NOT NULL AND sla_next_at <= ?1
         ORDER BY sla_next_at LIMIT ?2",
        params!["2026-03-02T10:31:00.000Z", 100],
    );
    eprintln!("{} tickets, next_check plan: {next}", scale.n);
    eprintln!("{} tickets, due_for_check plan: {due}", scale.n);
}

fn next_check(c: &mut Criterion, scales: &[Scale]) {
    let mut group = c.benchmark_group("sla_next_check");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));
    for scale in scales {
        let conn = scale.desk.connection();
        let next = store::next_check(conn).expect("next check");
        assert_eq!(
            next,
            Some(Utc.with_ymd_and_hms(2026, 3, 2, 10, 30, 0).unwrap())
        );
        group.bench_function(BenchmarkId::from_parameter(scale.n), |b| {
            b.iter(|| black_box(store::next_check(conn).expect("next check")))
        });
    }
    group.finish();
}

fn due_for_check(c: &mut Criterion, scales: &[Scale]) {
    let mut group = c.benchmark_group("sla_due_for_check");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));
    for scale in scales {
        let conn = scale.desk.connection();
        let due = store::due_for_check(conn, sweep_time(), 100).expect("due");
        assert_eq!(due.len(), REAL, "exactly the real tickets are due");
        group.bench_function(BenchmarkId::from_parameter(scale.n), |b| {
            b.iter(|| black_box(store::due_for_check(conn, sweep_time(), 100).expect("due")))
        });
    }
    group.finish();
}

/// One sweep at 10:31 that records, on each of the 50 due tickets, the 75%
/// acknowledgement warning and the automatic management escalation it
/// triggers (SOP §5.3): 100 events. Only the sweep is timed, not the
/// restore before it.
fn sweep(c: &mut Criterion, scales: &mut [Scale]) {
    let mut group = c.benchmark_group("sla_sweep");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for scale in scales {
        let desk = &mut scale.desk;
        group.bench_function(BenchmarkId::from_parameter(scale.n), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    restore(desk.connection());
                    let started = Instant::now();
                    let sweep = desk.sweep_sla().expect("sweep");
                    spent += started.elapsed();
                    assert_eq!(
                        sweep.recorded.len(),
                        2 * REAL,
                        "a warning and a §5.3 alert each"
                    );
                }
                spent
            })
        });
        restore(desk.connection());
    }
    group.finish();
}

/// Folding one real ticket's stream (open, troubleshooting, log, escalation)
/// into its clocks and finding what is due: the CPU part of a sweep.
fn evaluate_one_ticket(c: &mut Criterion, scale: &Scale) {
    let conn = scale.desk.connection();
    let id = store::find_ticket_id(conn, "ESC-1").expect("ticket");
    let events = store::load_stream(conn, id).expect("stream");
    let config = scale.desk.sla_config().clone();
    let now = sweep_time();
    let due = TicketSla::from_events(&events).due_alerts(&config, now);
    assert_eq!(due.len(), 2, "the 75% warning and the §5.3 escalation");
    assert!(matches!(due[0], EventBody::SlaWarned(_)), "{due:?}");
    let mut group = c.benchmark_group("sla_evaluate_one_ticket");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(format!("{} events", events.len()), |b| {
        b.iter(|| black_box(TicketSla::from_events(black_box(&events)).due_alerts(&config, now)))
    });
    group.finish();
}

fn sla(c: &mut Criterion) {
    let mut scales: Vec<Scale> = SIZES.into_iter().map(open_scale).collect();
    for scale in &scales {
        print_plans(scale);
    }
    next_check(c, &scales);
    due_for_check(c, &scales);
    sweep(c, &mut scales);
    evaluate_one_ticket(c, &scales[0]);
}

criterion_group!(benches, sla);
criterion_main!(benches);
