//! How the ticket lists behave on a big desk: 100,000 tickets in one SQLite
//! file on disk, queried the way the UI's virtualised list does (one page of
//! 200 at a time), plus the queue counts and an instant search.
//!
//! Run: `cargo bench -p escalator-core --bench queues`. Numbers: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use escalator_core::commands::NewTicket;
use escalator_core::domain::{Priority, Queue, Role, TicketSort};
use escalator_core::store::TicketQuery;
use escalator_core::Desk;
use std::hint::black_box;

const TICKETS: usize = 100_000;
const OWNERS: [&str; 4] = ["ana", "ben", "chloe", "dev"];
const PRODUCTS: [&str; 5] = ["printer", "checkout", "scanner", "billing", "dashboard"];

fn desk() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = Desk::open(dir.path().join("big.db")).expect("desk");
    for owner in OWNERS {
        desk.add_user(owner, owner, Role::L1Engineer, None)
            .expect("user");
    }
    for i in 0..TICKETS {
        let priority = [Priority::P1, Priority::P2, Priority::P3, Priority::P4][i % 4];
        let product = PRODUCTS[i % PRODUCTS.len()];
        let new = NewTicket {
            customer: format!("Customer {}", i % 700),
            summary: format!(
                "The {product} fails with error {} after update {}",
                i % 97,
                i % 13
            ),
            priority: Some(priority),
            ..NewTicket::default()
        };
        desk.open_ticket(OWNERS[i % OWNERS.len()], new)
            .expect("ticket");
    }
    (dir, desk)
}

fn queues(c: &mut Criterion) {
    let (_dir, desk) = desk();
    let page = |offset: u32, sort: TicketSort, text: Option<&str>| TicketQuery {
        queue: Some(Queue::Mine),
        sort: Some(sort),
        text: text.map(str::to_string),
        limit: Some(200),
        offset: Some(offset),
        ..TicketQuery::default()
    };
    let mut group = c.benchmark_group("100k tickets");
    group.sample_size(20);
    group.bench_function("first page of My tickets", |b| {
        b.iter(|| {
            black_box(
                desk.tickets(&page(0, TicketSort::Updated, None), Some("ana"))
                    .expect("page"),
            )
        })
    });
    group.bench_function("page at row 20,000 of My tickets", |b| {
        b.iter(|| {
            black_box(
                desk.tickets(&page(20_000, TicketSort::Updated, None), Some("ana"))
                    .expect("page"),
            )
        })
    });
    group.bench_function("first page by priority", |b| {
        b.iter(|| {
            black_box(
                desk.tickets(&page(0, TicketSort::Priority, None), Some("ana"))
                    .expect("page"),
            )
        })
    });
    group.bench_function("instant search 'printer error'", |b| {
        b.iter(|| {
            black_box(
                desk.tickets(
                    &page(0, TicketSort::Updated, Some("printer error")),
                    Some("ana"),
                )
                .expect("page"),
            )
        })
    });
    group.bench_function("all eight queue counts", |b| {
        b.iter(|| black_box(desk.queue_counts("ana").expect("counts")))
    });
    group.finish();
}

criterion_group!(benches, queues);
criterion_main!(benches);
