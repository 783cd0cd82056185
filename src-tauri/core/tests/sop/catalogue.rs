//! The rule catalogue and its documentation stay in step: every rule id is
//! in `docs/sop-rules.md`, and every test that table names exists.

use escalator_core::Rule;

const TABLE: &str = include_str!("../../../../docs/sop-rules.md");
const TESTS: &[&str] = &[
    include_str!("rules.rs"),
    include_str!("priorities.rs"),
    include_str!("exceptions.rs"),
    include_str!("workflow.rs"),
    include_str!("store.rs"),
    include_str!("properties.rs"),
    include_str!("comms.rs"),
    include_str!("customer_mail.rs"),
];

#[test]
fn every_rule_is_documented_with_a_test_that_exists() {
    for rule in Rule::ALL {
        let row = TABLE
            .lines()
            .find(|line| line.contains(&format!("`{}`", rule.id())))
            .unwrap_or_else(|| panic!("{} is missing from docs/sop-rules.md", rule.id()));
        assert!(
            row.contains(rule.clause()),
            "the row of {} does not cite {}",
            rule.id(),
            rule.clause()
        );
        let tests: Vec<&str> = row
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|name| !name.starts_with("SOP-"))
            .collect();
        assert!(!tests.is_empty(), "no test named for {}", rule.id());
        for test in tests {
            let defined = TESTS
                .iter()
                .any(|source| source.contains(&format!("fn {test}(")));
            assert!(
                defined,
                "docs/sop-rules.md names `{test}` for {}, but no such test exists",
                rule.id()
            );
        }
    }
}

#[test]
fn rule_ids_are_unique_and_name_their_clause() {
    let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), Rule::ALL.len());
    for rule in Rule::ALL {
        assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        assert!(rule.id().starts_with("SOP-") && rule.clause().starts_with('§'));
    }
}
