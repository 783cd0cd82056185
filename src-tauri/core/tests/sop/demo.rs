//! The demo dataset is made of real commands: every state and priority is
//! present and every chain verifies.

use escalator_core::demo;
use escalator_core::domain::{Priority, Status};
use escalator_core::store::TicketQuery;
use escalator_core::Desk;

#[test]
fn the_demo_desk_has_every_state_and_priority_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let now = chrono::Utc::now();
    let report = demo::seed(&path, now).unwrap();
    assert_eq!(report.users_added, 8);
    let desk = Desk::open(&path).unwrap();
    let all = desk
        .tickets(
            &TicketQuery {
                limit: Some(500),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(all.total, u64::from(report.tickets_added));
    for status in Status::ALL {
        assert!(
            all.items.iter().any(|t| t.status == *status),
            "no demo ticket is {status}"
        );
    }
    for priority in Priority::ALL {
        assert!(
            all.items.iter().any(|t| t.priority == Some(*priority)),
            "no demo ticket is {priority}"
        );
    }
    assert!(
        all.items
            .iter()
            .all(|t| t.updated_at.as_str() <= now.to_rfc3339().as_str()),
        "nothing is in the future"
    );
    assert!(desk.verify().unwrap().is_intact());
    let refusals: i64 = desk
        .connection()
        .query_row("SELECT COUNT(*) FROM escalation_refusals", [], |r| r.get(0))
        .unwrap();
    assert!(refusals >= 1);

    // Seeding again adds tickets but no duplicate users.
    assert_eq!(demo::seed(&path, now).unwrap().users_added, 0);
}
