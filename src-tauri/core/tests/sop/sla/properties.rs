//! Property tests: `elapsed` and `deadline` agree with the minute-stepping
//! oracle on generated calendars, in four zones with DST in both
//! hemispheres (Lord Howe shifts by half an hour), with starts around each
//! offset change of 2026, holidays, openings that touch midnight or sit in
//! the hours DST skips or repeats, 24x7 calendars, and pauses that span
//! closed hours or never end.

use super::oracle::{self, CalendarSpec, Found};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use escalator_core::sla::{deadline, elapsed, Pause, PauseReason};
use proptest::prelude::*;
use std::sync::OnceLock;

pub const ZONES: [Tz; 4] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Sydney,
    chrono_tz::Australia::Lord_Howe,
];

/// For each zone: its two offset changes of 2026, an ordinary summer
/// Monday and the Christmas week.
pub fn anchors(zone: usize) -> &'static [DateTime<Utc>] {
    static ANCHORS: OnceLock<Vec<Vec<DateTime<Utc>>>> = OnceLock::new();
    &ANCHORS.get_or_init(|| {
        ZONES
            .iter()
            .map(|tz| {
                let mut anchors = oracle::offset_changes(*tz, 2026);
                assert_eq!(anchors.len(), 2, "{tz} changes its offset twice in 2026");
                anchors.push(Utc.with_ymd_and_hms(2026, 6, 15, 0, 0, 0).unwrap());
                anchors.push(Utc.with_ymd_and_hms(2026, 12, 23, 12, 0, 0).unwrap());
                anchors
            })
            .collect()
    })[zone]
}

/// A generated world: a calendar, an anchor instant near which things
/// happen, and the pauses known.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub spec: CalendarSpec,
    pub anchor: DateTime<Utc>,
    pub pauses: Vec<Pause>,
}

impl Scenario {
    pub fn at(&self, minutes: i64) -> DateTime<Utc> {
        self.anchor + TimeDelta::minutes(minutes)
    }
}

/// Openings that put edges in the DST hours of every zone used: the skipped
/// or repeated hour is 02:00–03:00 (Berlin, Sydney), 01:00–02:00 or 02:00–
/// 03:00 (New York), 01:30–02:30 (Lord Howe); plus one that ends at 24:00.
fn dst_edges() -> Vec<(u32, u32)> {
    vec![
        (60, 105),
        (135, 165),
        (9 * 60, 17 * 60),
        (23 * 60 + 30, 1440),
    ]
}

fn week_strategy() -> impl Strategy<Value = [Vec<(u32, u32)>; 7]> {
    let day = prop::collection::btree_set(0u32..=96, 0..=4).prop_map(|edges| {
        let edges: Vec<u32> = edges.into_iter().collect();
        edges
            .chunks_exact(2)
            .map(|pair| (pair[0] * 15, pair[1] * 15))
            .collect::<Vec<_>>()
    });
    prop::array::uniform7(day)
}

pub fn scenario(allow_ongoing: bool) -> impl Strategy<Value = Scenario> {
    (
        0..ZONES.len(),
        0usize..4,
        0u8..4,
        week_strategy(),
        prop::collection::vec(-2i64..10, 0..3),
        prop::collection::vec((-3000i64..8000, 1i64..2500, any::<bool>()), 0..3),
        if allow_ongoing {
            prop::option::weighted(0.2, -1000i64..8000).boxed()
        } else {
            Just(None).boxed()
        },
    )
        .prop_map(
            |(zone, anchor, kind, random_week, holidays, pauses, ongoing)| {
                let tz = ZONES[zone];
                let anchor = anchors(zone)[anchor];
                let mut spec = match kind {
                    0 => CalendarSpec::office(tz),
                    1 => CalendarSpec::around_the_clock(tz),
                    2 => CalendarSpec::new(tz, std::array::from_fn(|_| dst_edges())),
                    _ => CalendarSpec::new(tz, random_week),
                };
                if spec.week.iter().all(Vec::is_empty) {
                    spec.week[0].push((9 * 60, 17 * 60));
                }
                let local_day = anchor.with_timezone(&tz).date_naive();
                spec.holidays = holidays
                    .into_iter()
                    .map(|offset| local_day + TimeDelta::days(offset))
                    .collect();
                let at = |minutes: i64| anchor + TimeDelta::minutes(minutes);
                let reason = |customer: bool| {
                    if customer {
                        PauseReason::WaitingOnCustomer
                    } else {
                        PauseReason::WaitingOnL1
                    }
                };
                let mut pauses: Vec<Pause> = pauses
                    .into_iter()
                    .map(|(start, length, customer)| {
                        Pause::new(at(start), at(start + length), reason(customer))
                    })
                    .collect();
                if let Some(start) = ongoing {
                    pauses.push(Pause::ongoing(at(start), PauseReason::WaitingOnCustomer));
                }
                Scenario {
                    spec,
                    anchor,
                    pauses,
                }
            },
        )
}

/// How far the oracle looks for a deadline.
const SEARCH_DAYS: i64 = 12;

fn check_deadline(
    scenario: &Scenario,
    start: DateTime<Utc>,
    target: TimeDelta,
) -> Result<(), TestCaseError> {
    let calendar = scenario.spec.calendar();
    let found = deadline(&calendar, start, target, &scenario.pauses);
    let limit = start + TimeDelta::days(SEARCH_DAYS);
    match oracle::deadline(&scenario.spec, start, target, &scenario.pauses, limit) {
        Found::At(expected) => {
            prop_assert_eq!(found, Some(expected));
            prop_assert_eq!(
                elapsed(&calendar, start, expected, &scenario.pauses),
                target
            );
        }
        Found::Paused => prop_assert_eq!(found, None),
        Found::Beyond(limit) => {
            let ongoing = scenario.pauses.iter().any(|pause| pause.end.is_none());
            match found {
                Some(due) => {
                    prop_assert!(due > limit, "engine {due} but the oracle passed {limit}")
                }
                None => prop_assert!(ongoing, "no deadline, yet no pause holds the clock"),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn elapsed_agrees_with_the_minute_oracle(
        scenario in scenario(true),
        from in -4320i64..4320,
        length in 0i64..5760,
    ) {
        let calendar = scenario.spec.calendar();
        let (from, to) = (scenario.at(from), scenario.at(from + length));
        prop_assert_eq!(
            elapsed(&calendar, from, to, &scenario.pauses),
            oracle::elapsed(&scenario.spec, from, to, &scenario.pauses)
        );
    }

    /// Half the targets are the business time up to a random instant, so
    /// that many deadlines land exactly on a closing time or a pause.
    #[test]
    fn deadline_agrees_with_the_minute_oracle(
        scenario in scenario(true),
        start in -4320i64..4320,
        target in 0i64..=1200,
        up_to_an_instant in any::<bool>(),
    ) {
        let start = scenario.at(start);
        let target = if up_to_an_instant {
            let until = start + TimeDelta::minutes(target * 3);
            oracle::elapsed(&scenario.spec, start, until, &scenario.pauses)
        } else {
            TimeDelta::minutes(target)
        };
        check_deadline(&scenario, start, target)?;
    }

    /// Starts, ends and targets to the second, off the minute grid.
    #[test]
    fn second_precise_instants_agree_with_the_oracle(
        scenario in scenario(false),
        from in -259_200i64..259_200,
        length in 0i64..172_800,
        target in 0i64..72_000,
    ) {
        let calendar = scenario.spec.calendar();
        let from = scenario.anchor + TimeDelta::seconds(from);
        let to = from + TimeDelta::seconds(length);
        prop_assert_eq!(
            elapsed(&calendar, from, to, &scenario.pauses),
            oracle::elapsed(&scenario.spec, from, to, &scenario.pauses)
        );
        check_deadline(&scenario, from, TimeDelta::seconds(target))?;
    }

    /// Business time adds up: what runs in [a, b) and [b, c) is what runs
    /// in [a, c), and the deadline of the first part's amount is b's
    /// earliest equivalent.
    #[test]
    fn elapsed_is_additive_and_deadline_inverts_it(
        scenario in scenario(false),
        a in -4320i64..4320,
        first in 0i64..3000,
        second in 0i64..3000,
    ) {
        let calendar = scenario.spec.calendar();
        let (a, b, c) = (scenario.at(a), scenario.at(a + first), scenario.at(a + first + second));
        let whole = elapsed(&calendar, a, c, &scenario.pauses);
        let part = elapsed(&calendar, a, b, &scenario.pauses);
        prop_assert_eq!(whole, part + elapsed(&calendar, b, c, &scenario.pauses));
        let due = deadline(&calendar, a, part, &scenario.pauses).expect("no ongoing pause");
        prop_assert!(due <= b);
        prop_assert_eq!(elapsed(&calendar, a, due, &scenario.pauses), part);
    }
}
