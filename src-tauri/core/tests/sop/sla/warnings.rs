//! Warning thresholds: each warning lands on the first business instant
//! after its share of the target has run (never outside business hours or
//! inside a pause), "15m before" counts business time, and the breach is the
//! deadline.

use super::oracle::{self, CalendarSpec, Found};
use super::properties::scenario;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use escalator_core::sla::{
    BusinessDuration, Evaluation, Pause, PauseReason, SlaConfig, Target, Threshold, Thresholds,
    Warning,
};
use proptest::prelude::*;

fn berlin(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Berlin
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn at(evaluation: &Evaluation, warning: Warning) -> Option<DateTime<Utc>> {
    evaluation
        .checkpoints
        .iter()
        .find(|checkpoint| checkpoint.warning == warning)
        .and_then(|checkpoint| checkpoint.at)
}

fn share(target: TimeDelta, percent: u8) -> TimeDelta {
    TimeDelta::nanoseconds(
        (i128::from(target.num_nanoseconds().unwrap()) * i128::from(percent) / 100) as i64,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn warnings_fall_on_running_business_time_before_the_breach(
        scenario in scenario(false),
        start in -4320i64..4320,
        target in 1i64..=1200,
        percent in 1u8..=99,
        lead in 1i64..=120,
        now in 0i64..10_000,
    ) {
        let calendar = scenario.spec.calendar();
        let start = scenario.at(start);
        let within = BusinessDuration::minutes(target);
        let lead = BusinessDuration::minutes(lead);
        let thresholds = Thresholds::new(
            vec![Threshold::Percent(percent), Threshold::Before(lead), Threshold::Percent(90)]
                .into_iter()
                .fold(Vec::new(), |mut points, point| {
                    if !points.contains(&point) {
                        points.push(point);
                    }
                    points
                }),
            "test",
        )
        .unwrap();
        let now = start + TimeDelta::minutes(now);
        let evaluation = thresholds.evaluate(&calendar, start, within, now, &scenario.pauses);
        let limit = start + TimeDelta::days(12);
        let breach = evaluation.checkpoints.last().unwrap();
        prop_assert_eq!(breach.warning, Warning::Breach);
        let due = match oracle::deadline(&scenario.spec, start, within.to_chrono(), &scenario.pauses, limit) {
            Found::At(due) => due,
            _ => return Ok(()),
        };
        prop_assert_eq!(breach.at, Some(due));
        prop_assert_eq!(evaluation.due, Some(due));
        for checkpoint in &evaluation.checkpoints {
            let used = match checkpoint.warning {
                Warning::Percent(percent) => share(within.to_chrono(), percent),
                Warning::Before(lead) => within.to_chrono() - lead.to_chrono(),
                Warning::Breach => continue,
            };
            prop_assert!(used > TimeDelta::zero(), "a warning at the very start is dropped");
            let expected = oracle::first_running_after(&scenario.spec, start, used, &scenario.pauses, limit);
            prop_assert_eq!(checkpoint.at, expected);
            let warn_at = checkpoint.at.unwrap();
            prop_assert!(warn_at < due, "warning {warn_at} not before the deadline {due}");
            let minute = DateTime::from_timestamp(warn_at.timestamp().div_euclid(60) * 60, 0).unwrap();
            prop_assert!(scenario.spec.open_minute(minute), "warning at {warn_at} outside business hours");
            prop_assert!(!oracle::paused_minute(&scenario.pauses, minute), "warning at {warn_at} inside a pause");
            prop_assert_eq!(checkpoint.crossed, warn_at <= now);
        }
        let dropped = within <= lead;
        prop_assert_eq!(
            evaluation.checkpoints.iter().any(|c| c.warning == Warning::Before(lead)),
            !dropped
        );
        let times: Vec<_> = evaluation.checkpoints.iter().map(|c| c.at.unwrap()).collect();
        prop_assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "checkpoints out of order: {:?}", times);
    }
}

fn office() -> escalator_core::sla::Calendar {
    CalendarSpec::office(Berlin).calendar()
}

/// 75 % of a 2h target started Fri 15:30 is used up exactly at closing
/// time. The warning waits for Monday's opening; nothing fires at night or
/// at the weekend.
#[test]
fn no_warning_fires_outside_business_hours() {
    let calendar = office();
    let start = berlin(2026, 3, 6, 15, 30);
    let within = BusinessDuration::hours(2);
    let saturday = berlin(2026, 3, 7, 12, 0);
    let evaluation = Thresholds::standard().evaluate(&calendar, start, within, saturday, &[]);
    assert_eq!(
        at(&evaluation, Warning::Percent(75)),
        Some(berlin(2026, 3, 9, 9, 0))
    );
    assert_eq!(
        at(&evaluation, Warning::Before(BusinessDuration::minutes(15))),
        Some(berlin(2026, 3, 9, 9, 15))
    );
    assert_eq!(
        at(&evaluation, Warning::Percent(90)),
        Some(berlin(2026, 3, 9, 9, 18))
    );
    assert_eq!(evaluation.due, Some(berlin(2026, 3, 9, 9, 30)));
    assert_eq!(evaluation.crossed().count(), 0, "nothing fires on Saturday");
    assert_eq!(evaluation.elapsed, BusinessDuration::minutes(90));
    assert_eq!(evaluation.remaining, BusinessDuration::minutes(30));
    assert_eq!(evaluation.next_at(), Some(berlin(2026, 3, 9, 9, 0)));
    for checkpoint in &evaluation.checkpoints {
        assert!(calendar.is_open(checkpoint.at.unwrap()), "{checkpoint:?}");
    }

    let later =
        Thresholds::standard().evaluate(&calendar, start, within, berlin(2026, 3, 9, 9, 20), &[]);
    assert_eq!(
        later.crossed().collect::<Vec<_>>(),
        [
            Warning::Percent(75),
            Warning::Before(BusinessDuration::minutes(15)),
            Warning::Percent(90)
        ]
    );
    assert!(!later.is_breached());
    assert_eq!(later.next_at(), Some(berlin(2026, 3, 9, 9, 30)));
    let breached =
        Thresholds::standard().evaluate(&calendar, start, within, berlin(2026, 3, 9, 9, 30), &[]);
    assert!(breached.is_breached());
    assert_eq!(breached.next_at(), None);
}

/// "15m before" a Monday 09:10 deadline is Friday 16:55, fifteen minutes
/// of business time earlier, not Monday 08:55 when nobody is in.
#[test]
fn fifteen_minutes_before_counts_business_time() {
    let calendar = office();
    let start = berlin(2026, 3, 6, 13, 10);
    let evaluation =
        Thresholds::standard().evaluate(&calendar, start, BusinessDuration::hours(4), start, &[]);
    assert_eq!(evaluation.due, Some(berlin(2026, 3, 9, 9, 10)));
    assert_eq!(
        at(&evaluation, Warning::Before(BusinessDuration::minutes(15))),
        Some(berlin(2026, 3, 6, 16, 55))
    );
    assert_eq!(
        at(&evaluation, Warning::Percent(75)),
        Some(berlin(2026, 3, 6, 16, 10))
    );
}

/// A lead time as long as the target would fire at the start; it is left
/// out rather than fired at once.
#[test]
fn a_lead_time_longer_than_the_target_is_left_out() {
    let calendar = office();
    let start = berlin(2026, 3, 4, 10, 0);
    let evaluation = Thresholds::standard().evaluate(
        &calendar,
        start,
        BusinessDuration::minutes(15),
        start,
        &[],
    );
    let warnings: Vec<_> = evaluation.checkpoints.iter().map(|c| c.warning).collect();
    assert_eq!(
        warnings,
        [Warning::Percent(75), Warning::Percent(90), Warning::Breach]
    );
}

/// While an ongoing pause holds the clock, the warnings still ahead have
/// no instant; the ones already passed stay crossed.
#[test]
fn an_ongoing_pause_leaves_later_warnings_unknown() {
    let calendar = office();
    let start = berlin(2026, 3, 4, 9, 0);
    let pause = Pause::ongoing(berlin(2026, 3, 4, 10, 5), PauseReason::WaitingOnCustomer);
    let now = berlin(2026, 3, 4, 16, 0);
    let evaluation = Thresholds::standard().evaluate(
        &calendar,
        start,
        BusinessDuration::minutes(80),
        now,
        &[pause],
    );
    assert_eq!(
        at(&evaluation, Warning::Percent(75)),
        Some(berlin(2026, 3, 4, 10, 0))
    );
    assert_eq!(at(&evaluation, Warning::Percent(90)), None);
    assert_eq!(evaluation.due, None);
    assert_eq!(
        evaluation.crossed().collect::<Vec<_>>(),
        [Warning::Percent(75)]
    );
    assert_eq!(
        at(&evaluation, Warning::Before(BusinessDuration::minutes(15))),
        None
    );
    assert_eq!(evaluation.remaining, BusinessDuration::minutes(15));
    assert_eq!(evaluation.next_at(), None);
}

/// The shipped config's P2 acknowledgement: 2h with 75 %, 90 %, 15m.
#[test]
fn the_shipped_thresholds_apply_to_every_policy() {
    let config = SlaConfig::default();
    let target = config.target("standard-p2", Target::Acknowledge).unwrap();
    let start = berlin(2026, 3, 4, 9, 0);
    let evaluation = target.evaluate(start, berlin(2026, 3, 4, 10, 40), &[]);
    assert_eq!(
        evaluation
            .checkpoints
            .iter()
            .map(|c| (c.warning, c.at.unwrap(), c.crossed))
            .collect::<Vec<_>>(),
        [
            (Warning::Percent(75), berlin(2026, 3, 4, 10, 30), true),
            (
                Warning::Before(BusinessDuration::minutes(15)),
                berlin(2026, 3, 4, 10, 45),
                false
            ),
            (Warning::Percent(90), berlin(2026, 3, 4, 10, 48), false),
            (Warning::Breach, berlin(2026, 3, 4, 11, 0), false),
        ]
    );
}
