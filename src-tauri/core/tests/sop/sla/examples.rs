//! The cases other helpdesks got wrong, as worked examples with the answer
//! written out by hand.

use super::oracle::{self, CalendarSpec, Found};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Australia::Sydney, Europe::Berlin};
use escalator_core::sla::{
    deadline, elapsed, BusinessDuration, Calendar, Holiday, Pause, PauseReason, SlaConfig,
    SlaTarget, Target, Thresholds,
};
use std::time::Instant;

fn local(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap_or_else(|| panic!("{y}-{mo}-{d} {h}:{mi} is not a single instant in {tz}"))
        .with_timezone(&Utc)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap()
}

fn hours(h: i64) -> TimeDelta {
    TimeDelta::hours(h)
}

/// Every day 09:00–17:00, so the Sunday of a DST change is a business day.
fn every_day_nine_to_five(tz: Tz) -> Calendar {
    CalendarSpec::new(tz, std::array::from_fn(|_| vec![(9 * 60, 17 * 60)])).calendar()
}

/// Only Sundays, with the given openings (minutes after midnight).
fn sundays(tz: Tz, openings: Vec<(u32, u32)>) -> Calendar {
    let mut week: [Vec<(u32, u32)>; 7] = Default::default();
    week[6] = openings;
    CalendarSpec::new(tz, week).calendar()
}

fn explain(calendar: &Calendar, target: Target, within: BusinessDuration) -> SlaTarget<'_> {
    static THRESHOLDS: std::sync::OnceLock<Thresholds> = std::sync::OnceLock::new();
    SlaTarget {
        policy: "standard-p2",
        target,
        within,
        calendar_name: "business-hours",
        calendar,
        warnings: THRESHOLDS.get_or_init(Thresholds::standard),
    }
}

#[test]
fn around_the_clock_does_not_lose_a_minute_at_midnight() {
    let calendar = Calendar::around_the_clock(Berlin);
    let start = local(Berlin, 2026, 3, 10, 23, 30);
    assert_eq!(
        deadline(&calendar, start, TimeDelta::minutes(60), &[]),
        Some(local(Berlin, 2026, 3, 11, 0, 30))
    );
    assert_eq!(
        elapsed(&calendar, start, local(Berlin, 2026, 3, 11, 0, 30), &[]),
        TimeDelta::minutes(60)
    );
    // A month of midnights, a DST change among them: every second counts.
    let (from, to) = (
        local(Berlin, 2026, 3, 1, 0, 0),
        local(Berlin, 2026, 4, 1, 0, 0),
    );
    assert_eq!(elapsed(&calendar, from, to, &[]), to - from);
    assert_eq!(to - from, hours(31 * 24 - 1));

    // Across the spring-forward night the clock counts real time.
    let start = local(Berlin, 2026, 3, 28, 23, 30);
    let due = deadline(&calendar, start, hours(25), &[]).unwrap();
    assert_eq!(due, start + hours(25));
    assert_eq!(due, local(Berlin, 2026, 3, 30, 1, 30));
    let explanation =
        explain(&calendar, Target::Resolve, BusinessDuration::hours(25)).explain(start, &[]);
    let counted: Vec<_> = explanation
        .counted
        .iter()
        .map(|s| s.local.as_str())
        .collect();
    assert_eq!(
        counted,
        [
            "Sat 2026-03-28 23:30–24:00 CET",
            "Sun 2026-03-29 00:00 CET–24:00 CEST",
            "Mon 2026-03-30 00:00–01:30 CEST"
        ]
    );
    assert_eq!(
        explanation
            .counted
            .iter()
            .map(|s| s.duration)
            .collect::<Vec<_>>(),
        [
            BusinessDuration::minutes(30),
            BusinessDuration::hours(23),
            BusinessDuration::minutes(90)
        ]
    );
    assert!(explanation.closed.is_empty(), "{:?}", explanation.closed);
}

#[test]
fn berlin_dst_days_keep_eight_business_hours() {
    let calendar = every_day_nine_to_five(Berlin);
    // Spring forward, Sunday 29 March 2026: a 23-hour day, 09:00–17:00 CEST.
    let (from, to) = (
        local(Berlin, 2026, 3, 29, 0, 0),
        local(Berlin, 2026, 3, 30, 0, 0),
    );
    assert_eq!(to - from, hours(23));
    assert_eq!(elapsed(&calendar, from, to, &[]), hours(8));
    assert_eq!(calendar.next_open(from), Some(utc(2026, 3, 29, 7, 0)));
    assert_eq!(
        deadline(&calendar, from, hours(8), &[]),
        Some(utc(2026, 3, 29, 15, 0))
    );
    // Fall back, Sunday 25 October 2026: a 25-hour day, 09:00–17:00 CET.
    let (from, to) = (
        local(Berlin, 2026, 10, 25, 0, 0),
        local(Berlin, 2026, 10, 26, 0, 0),
    );
    assert_eq!(to - from, hours(25));
    assert_eq!(elapsed(&calendar, from, to, &[]), hours(8));
    assert_eq!(calendar.next_open(from), Some(utc(2026, 10, 25, 8, 0)));
    assert_eq!(
        deadline(&calendar, from, hours(8), &[]),
        Some(utc(2026, 10, 25, 16, 0))
    );
    // Around the clock, the same days hold 23 and 25 hours.
    let always = Calendar::around_the_clock(Berlin);
    assert_eq!(
        elapsed(
            &always,
            local(Berlin, 2026, 3, 29, 0, 0),
            local(Berlin, 2026, 3, 30, 0, 0),
            &[]
        ),
        hours(23)
    );
    assert_eq!(
        elapsed(
            &always,
            local(Berlin, 2026, 10, 25, 0, 0),
            local(Berlin, 2026, 10, 26, 0, 0),
            &[]
        ),
        hours(25)
    );
}

/// Openings with an edge inside the hour DST skips or repeats.
#[test]
fn opening_edges_in_skipped_or_repeated_hours_follow_the_wall_clock() {
    let day = |calendar: &Calendar, y, mo, d| {
        elapsed(
            calendar,
            local(Berlin, y, mo, d, 0, 0),
            local(Berlin, y, mo, d + 1, 0, 0),
            &[],
        )
    };
    // 02:30 does not exist on 29 March: the opening starts when the clock
    // jumps to 03:00 CEST (01:00 UTC) and runs to 05:00 CEST.
    let gap = sundays(Berlin, vec![(150, 300)]);
    assert_eq!(day(&gap, 2026, 3, 29), hours(2));
    assert_eq!(
        gap.next_open(local(Berlin, 2026, 3, 29, 0, 0)),
        Some(utc(2026, 3, 29, 1, 0))
    );
    // 00:00–05:00 on 25 October passes 02:00–03:00 twice: 6 real hours.
    let night = sundays(Berlin, vec![(0, 300)]);
    assert_eq!(day(&night, 2026, 10, 25), hours(6));
    // 02:30–05:00 that night: open 02:30–03:00 CEST, closed while the clock
    // shows 02:00–02:30 CET again, open 02:30 CET–05:00 CET.
    let repeated = sundays(Berlin, vec![(150, 300)]);
    assert_eq!(day(&repeated, 2026, 10, 25), TimeDelta::minutes(180));
    assert!(repeated.is_open(utc(2026, 10, 25, 0, 45)));
    assert!(!repeated.is_open(utc(2026, 10, 25, 1, 15)));
    assert!(repeated.is_open(utc(2026, 10, 25, 1, 30)));
}

#[test]
fn new_york_counts_its_repeated_hour_twice_and_its_short_day_right() {
    // Fall back, Sunday 1 November 2026: 01:00–01:30 happens in EDT and EST.
    let calendar = sundays(New_York, vec![(60, 90)]);
    assert_eq!(
        elapsed(
            &calendar,
            utc(2026, 11, 1, 0, 0),
            utc(2026, 11, 2, 0, 0),
            &[]
        ),
        hours(1)
    );
    assert!(calendar.is_open(utc(2026, 11, 1, 5, 10)));
    assert!(calendar.is_open(utc(2026, 11, 1, 6, 10)));
    assert!(!calendar.is_open(utc(2026, 11, 1, 5, 40)));
    // Spring forward, Sunday 8 March 2026: still 09:00–17:00 EDT.
    let every_day = every_day_nine_to_five(New_York);
    let from = local(New_York, 2026, 3, 8, 0, 0);
    assert_eq!(
        elapsed(&every_day, from, local(New_York, 2026, 3, 9, 0, 0), &[]),
        hours(8)
    );
    assert_eq!(every_day.next_open(from), Some(utc(2026, 3, 8, 13, 0)));
    // Mon–Fri across the change: Fri 16:00 EST + 2h = Mon 10:00 EDT.
    let office = CalendarSpec::office(New_York).calendar();
    assert_eq!(
        deadline(&office, local(New_York, 2026, 3, 6, 16, 0), hours(2), &[]),
        Some(utc(2026, 3, 9, 14, 0))
    );
}

#[test]
fn sydney_changes_the_other_way_round() {
    // Spring forward, Sunday 4 October 2026 (02:00 AEST -> 03:00 AEDT).
    let every_day = every_day_nine_to_five(Sydney);
    let always = Calendar::around_the_clock(Sydney);
    let (from, to) = (
        local(Sydney, 2026, 10, 4, 0, 0),
        local(Sydney, 2026, 10, 5, 0, 0),
    );
    assert_eq!(elapsed(&every_day, from, to, &[]), hours(8));
    assert_eq!(elapsed(&always, from, to, &[]), hours(23));
    // Fall back, Sunday 5 April 2026 (03:00 AEDT -> 02:00 AEST).
    let (from, to) = (
        local(Sydney, 2026, 4, 5, 0, 0),
        local(Sydney, 2026, 4, 6, 0, 0),
    );
    assert_eq!(elapsed(&every_day, from, to, &[]), hours(8));
    assert_eq!(elapsed(&always, from, to, &[]), hours(25));
    assert_eq!(every_day.next_open(from), Some(utc(2026, 4, 4, 23, 0)));

    // Fri 16:00 AEST + 2h crosses the change: Mon 10:00 AEDT...
    let office = CalendarSpec::office(Sydney).calendar();
    let start = local(Sydney, 2026, 10, 2, 16, 0);
    assert_eq!(
        deadline(&office, start, hours(2), &[]),
        Some(utc(2026, 10, 4, 23, 0))
    );
    // ...or Tue 10:00 AEDT when Monday is Labour Day.
    let office = office.with_holidays([Holiday::new(date(2026, 10, 5), "Labour Day")]);
    let due = deadline(&office, start, hours(2), &[]);
    assert_eq!(due, Some(utc(2026, 10, 5, 23, 0)));
    let explanation =
        explain(&office, Target::Acknowledge, BusinessDuration::hours(2)).explain(start, &[]);
    assert_eq!(
        explanation.holidays,
        [Holiday::new(date(2026, 10, 5), "Labour Day")]
    );
    assert_eq!(
        explanation.due_local.as_deref(),
        Some("Tue 2026-10-06 10:00 AEDT")
    );
    assert_eq!(
        explanation.closed[0].days,
        ["Sat–Sun closed", "Mon 2026-10-05 holiday 'Labour Day'"]
    );
}

fn easter_office() -> Calendar {
    CalendarSpec::office(Berlin).calendar().with_holidays([
        Holiday::new(date(2026, 4, 3), "Good Friday"),
        Holiday::new(date(2026, 4, 6), "Easter Monday"),
    ])
}

#[test]
fn a_deadline_across_a_holiday_weekend_names_the_holidays() {
    let calendar = easter_office();
    let start = local(Berlin, 2026, 4, 2, 15, 0);
    let target = explain(&calendar, Target::Acknowledge, BusinessDuration::hours(4));
    assert_eq!(
        target.due(start, &[]),
        Some(local(Berlin, 2026, 4, 7, 11, 0))
    );
    let explanation = target.explain(start, &[]);
    println!("{explanation}");
    assert_eq!(explanation.due, Some(utc(2026, 4, 7, 9, 0)));
    assert_eq!(explanation.total, BusinessDuration::hours(4));
    assert_eq!(
        explanation
            .counted
            .iter()
            .map(|s| (s.local.as_str(), s.duration))
            .collect::<Vec<_>>(),
        [
            (
                "Thu 2026-04-02 15:00–17:00 CEST",
                BusinessDuration::hours(2)
            ),
            (
                "Tue 2026-04-07 09:00–11:00 CEST",
                BusinessDuration::hours(2)
            ),
        ]
    );
    assert_eq!(
        explanation.holidays,
        [
            Holiday::new(date(2026, 4, 3), "Good Friday"),
            Holiday::new(date(2026, 4, 6), "Easter Monday")
        ]
    );
    assert_eq!(explanation.closed.len(), 1);
    assert_eq!(
        explanation.closed[0].days,
        [
            "Fri 2026-04-03 holiday 'Good Friday'",
            "Sat–Sun closed",
            "Mon 2026-04-06 holiday 'Easter Monday'"
        ]
    );
    assert_eq!(explanation.closed[0].duration, BusinessDuration::hours(112));
    let text = explanation.to_text();
    for line in [
        "Target:   L2 acknowledgement within 4h business time (policy standard-p2, calendar business-hours: Europe/Berlin, Mon–Fri 09:00–17:00, 2 holidays)",
        "Start:    Thu 2026-04-02 15:00 CEST",
        "Counted:  4h of 4h",
        "  Thu 2026-04-02 15:00–17:00 CEST  (2h)",
        "  Thu 2026-04-02 17:00 → Tue 2026-04-07 09:00 CEST  (112h, closed: Fri 2026-04-03 holiday 'Good Friday'; Sat–Sun closed; Mon 2026-04-06 holiday 'Easter Monday')",
        "Holidays: Fri 2026-04-03 'Good Friday', Mon 2026-04-06 'Easter Monday'",
        "Due:      Tue 2026-04-07 11:00 CEST (2026-04-07 09:00 UTC)",
    ] {
        assert!(text.lines().any(|l| l == line), "missing line {line:?} in:\n{text}");
    }
    let json = serde_json::to_value(&explanation).unwrap();
    assert_eq!(json["holidays"][0]["name"], "Good Friday");
    assert_eq!(json["within"], "4h");
    assert_eq!(json["target"], "acknowledge");
}

#[test]
fn a_pause_in_closed_hours_changes_nothing() {
    let calendar = CalendarSpec::office(Berlin).calendar();
    let start = local(Berlin, 2026, 3, 6, 15, 0);
    let weekend = Pause::new(
        local(Berlin, 2026, 3, 6, 18, 0),
        local(Berlin, 2026, 3, 9, 8, 30),
        PauseReason::WaitingOnCustomer,
    );
    let due = local(Berlin, 2026, 3, 9, 11, 0);
    assert_eq!(deadline(&calendar, start, hours(4), &[]), Some(due));
    assert_eq!(deadline(&calendar, start, hours(4), &[weekend]), Some(due));
    let explanation =
        explain(&calendar, Target::Resolve, BusinessDuration::hours(4)).explain(start, &[weekend]);
    assert_eq!(explanation.pauses.len(), 1);
    assert_eq!(explanation.pauses[0].business_time, BusinessDuration::ZERO);
    assert!(explanation
        .to_text()
        .contains("waiting on customer (in closed hours, no effect)"));
}

#[test]
fn a_pause_across_closed_hours_takes_out_only_business_time() {
    let calendar = CalendarSpec::office(Berlin).calendar();
    let start = local(Berlin, 2026, 3, 6, 15, 0);
    let pause = Pause::new(
        local(Berlin, 2026, 3, 6, 16, 0),
        local(Berlin, 2026, 3, 9, 10, 0),
        PauseReason::WaitingOnCustomer,
    );
    let due = local(Berlin, 2026, 3, 9, 13, 0);
    assert_eq!(deadline(&calendar, start, hours(4), &[pause]), Some(due));
    assert_eq!(elapsed(&calendar, start, due, &[pause]), hours(4));
    let explanation =
        explain(&calendar, Target::Resolve, BusinessDuration::hours(4)).explain(start, &[pause]);
    assert_eq!(
        explanation.pauses[0].business_time,
        BusinessDuration::hours(2)
    );
    let text = explanation.to_text();
    assert!(
        text.contains("Fri 2026-03-06 16:00 → Mon 2026-03-09 10:00 CET  waiting on customer (2h of business time)"),
        "{text}"
    );
}

/// The brief's example: Friday afternoon, a holiday Monday, a pause on
/// Tuesday morning.
#[test]
fn an_explanation_lists_segments_skips_holidays_and_pauses() {
    let calendar = CalendarSpec::office(Berlin)
        .calendar()
        .with_holidays([Holiday::new(date(2026, 3, 9), "Founders' Day")]);
    let start = local(Berlin, 2026, 3, 6, 15, 0);
    let pause = Pause::new(
        local(Berlin, 2026, 3, 10, 10, 0),
        local(Berlin, 2026, 3, 10, 11, 30),
        PauseReason::WaitingOnCustomer,
    );
    let explanation =
        explain(&calendar, Target::Resolve, BusinessDuration::hours(4)).explain(start, &[pause]);
    println!("{explanation}");
    assert_eq!(explanation.due, Some(local(Berlin, 2026, 3, 10, 12, 30)));
    assert_eq!(
        explanation
            .counted
            .iter()
            .map(|s| s.local.as_str())
            .collect::<Vec<_>>(),
        [
            "Fri 2026-03-06 15:00–17:00 CET",
            "Tue 2026-03-10 09:00–10:00 CET",
            "Tue 2026-03-10 11:30–12:30 CET"
        ]
    );
    let text = explanation.to_text();
    assert!(
        text.contains("closed: Sat–Sun closed; Mon 2026-03-09 holiday 'Founders' Day'"),
        "{text}"
    );
    assert!(
        text.contains(
            "Tue 2026-03-10 10:00 → 11:30 CET  waiting on customer (1h30m of business time)"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("Due:      Tue 2026-03-10 12:30 CET (2026-03-10 11:30 UTC)"),
        "{text}"
    );
}

#[test]
fn a_pause_does_not_shift_the_first_response_target() {
    let config = SlaConfig::default();
    let start = local(Berlin, 2026, 3, 4, 9, 0);
    let acknowledge = config.target("standard-p2", Target::Acknowledge).unwrap();
    let resolve = config.target("standard-p2", Target::Resolve).unwrap();
    let ack_due = local(Berlin, 2026, 3, 4, 11, 0);
    assert_eq!(acknowledge.due(start, &[]), Some(ack_due));

    // A pause after the first response: the acknowledgement target stays.
    let after = Pause::new(
        local(Berlin, 2026, 3, 4, 11, 0),
        local(Berlin, 2026, 3, 4, 15, 0),
        PauseReason::WaitingOnL1,
    );
    assert_eq!(
        deadline(acknowledge.calendar, start, hours(2), &[after]),
        Some(ack_due)
    );
    assert_eq!(acknowledge.due(start, &[after]), Some(ack_due));

    // Even a pause before it does not excuse L2's acknowledgement, while the
    // resolution target moves by the paused business time.
    let waiting = Pause::new(
        local(Berlin, 2026, 3, 4, 10, 0),
        local(Berlin, 2026, 3, 4, 10, 30),
        PauseReason::WaitingOnCustomer,
    );
    assert_eq!(acknowledge.due(start, &[waiting]), Some(ack_due));
    assert_eq!(
        resolve.due(start, &[]),
        Some(local(Berlin, 2026, 3, 6, 17, 0))
    );
    assert_eq!(
        resolve.due(start, &[waiting]),
        Some(local(Berlin, 2026, 3, 9, 9, 30))
    );
    let explanation = acknowledge.explain(start, &[waiting]);
    assert!(explanation.pauses.is_empty());
    assert_eq!(explanation.ignored_pauses.len(), 1);
    assert!(explanation
        .to_text()
        .contains("waiting on customer (does not stop the L2 acknowledgement clock)"));
}

#[test]
fn waiting_on_l1_does_not_stop_the_customer_update_clock() {
    let config = SlaConfig::default();
    let update = config
        .target("standard-p2", Target::CustomerUpdate)
        .unwrap();
    let start = local(Berlin, 2026, 3, 4, 9, 0);
    let window = |reason| {
        Pause::new(
            local(Berlin, 2026, 3, 4, 10, 0),
            local(Berlin, 2026, 3, 4, 12, 0),
            reason,
        )
    };
    assert_eq!(
        update.due(start, &[window(PauseReason::WaitingOnL1)]),
        Some(local(Berlin, 2026, 3, 4, 13, 0))
    );
    assert_eq!(
        update.due(start, &[window(PauseReason::WaitingOnCustomer)]),
        Some(local(Berlin, 2026, 3, 4, 15, 0))
    );
}

#[test]
fn an_ongoing_pause_leaves_the_deadline_unknown_until_it_ends() {
    let calendar = CalendarSpec::office(Berlin).calendar();
    let start = local(Berlin, 2026, 3, 4, 9, 0);
    let since = local(Berlin, 2026, 3, 4, 10, 0);
    let ongoing = Pause::ongoing(since, PauseReason::WaitingOnCustomer);
    assert_eq!(deadline(&calendar, start, hours(4), &[ongoing]), None);
    assert_eq!(
        elapsed(
            &calendar,
            start,
            local(Berlin, 2026, 3, 5, 16, 0),
            &[ongoing]
        ),
        hours(1)
    );
    let explanation =
        explain(&calendar, Target::Resolve, BusinessDuration::hours(4)).explain(start, &[ongoing]);
    assert_eq!(explanation.due, None);
    assert_eq!(explanation.paused_since, Some(since));
    assert_eq!(explanation.total, BusinessDuration::hours(1));
    assert!(explanation.to_text().ends_with(
        "Due:      unknown, paused since Wed 2026-03-04 10:00 CET; 3h left when the clock restarts"
    ));
    // Once it ends at 14:00 the deadline is known again.
    let ended = Pause::new(
        since,
        local(Berlin, 2026, 3, 4, 14, 0),
        PauseReason::WaitingOnCustomer,
    );
    assert_eq!(
        deadline(&calendar, start, hours(4), &[ended]),
        Some(local(Berlin, 2026, 3, 4, 17, 0))
    );
    // An ongoing pause that began after the deadline does not hide it.
    let late = Pause::ongoing(
        local(Berlin, 2026, 3, 4, 14, 0),
        PauseReason::WaitingOnCustomer,
    );
    assert_eq!(
        deadline(&calendar, start, hours(4), &[late]),
        Some(local(Berlin, 2026, 3, 4, 13, 0))
    );
}

#[test]
fn closing_time_is_the_deadline_and_not_business_time() {
    let calendar = CalendarSpec::office(Berlin).calendar();
    let start = local(Berlin, 2026, 3, 6, 15, 0);
    let closing = local(Berlin, 2026, 3, 6, 17, 0);
    assert_eq!(deadline(&calendar, start, hours(2), &[]), Some(closing));
    assert!(calendar.is_open(closing - TimeDelta::seconds(1)));
    assert!(!calendar.is_open(closing));
    assert_eq!(
        calendar.next_open(closing),
        Some(local(Berlin, 2026, 3, 9, 9, 0))
    );
    assert_eq!(
        deadline(&calendar, start, TimeDelta::zero(), &[]),
        Some(start)
    );
    let saturday = local(Berlin, 2026, 3, 7, 10, 0);
    assert_eq!(
        deadline(&calendar, saturday, TimeDelta::zero(), &[]),
        Some(saturday)
    );
    assert_eq!(
        deadline(&calendar, saturday, TimeDelta::seconds(1), &[]),
        Some(local(Berlin, 2026, 3, 9, 9, 0) + TimeDelta::seconds(1))
    );
}

/// Forty business hours over Christmas and New Year: checked against the
/// oracle once, then computed many times to show it stays cheap.
#[test]
fn forty_business_hours_over_the_holidays_is_fast() {
    let mut spec = CalendarSpec::office(Berlin);
    for (m, d) in [(12, 24), (12, 25), (12, 26), (12, 31)] {
        spec.holidays.insert(date(2026, m, d));
    }
    spec.holidays.insert(date(2027, 1, 1));
    let calendar = spec.calendar();
    let start = local(Berlin, 2026, 12, 22, 10, 0);
    let due = deadline(&calendar, start, hours(40), &[]).unwrap();
    let limit = start + TimeDelta::days(40);
    assert_eq!(
        oracle::deadline(&spec, start, hours(40), &[], limit),
        Found::At(due)
    );
    assert_eq!(due, local(Berlin, 2027, 1, 4, 10, 0));

    let runs = 1_000;
    let clock = Instant::now();
    for run in 0..runs {
        let start = start + TimeDelta::minutes(run);
        assert!(deadline(&calendar, start, hours(40), &[]).is_some());
    }
    let each = clock.elapsed() / runs as u32;
    println!("40h deadline over the holidays: {each:?} each");
    assert!(each.as_millis() < 20, "{each:?} per deadline");
}

#[test]
fn an_explanation_starting_in_closed_hours_counts_from_the_next_opening() {
    let calendar = CalendarSpec::office(Berlin).calendar();
    let saturday = local(Berlin, 2026, 3, 7, 10, 0);
    let explanation =
        explain(&calendar, Target::Escalate, BusinessDuration::hours(1)).explain(saturday, &[]);
    assert_eq!(explanation.due, Some(local(Berlin, 2026, 3, 9, 10, 0)));
    assert_eq!(explanation.closed.len(), 1);
    assert_eq!(explanation.closed[0].from, saturday);
    assert_eq!(explanation.closed[0].days, ["Sat–Sun closed"]);
    assert_eq!(
        explanation
            .counted
            .iter()
            .map(|s| s.local.as_str())
            .collect::<Vec<_>>(),
        ["Mon 2026-03-09 09:00–10:00 CET"]
    );

    // "0m" is strictly immediate: due at the start, nothing to count.
    let immediate =
        explain(&calendar, Target::Escalate, BusinessDuration::ZERO).explain(saturday, &[]);
    assert_eq!(immediate.due, Some(saturday));
    let text = immediate.to_text();
    assert!(text.contains("Counted:  0m of 0m"), "{text}");
    assert!(
        text.ends_with("Due:      Sat 2026-03-07 10:00 CET (2026-03-07 09:00 UTC)"),
        "{text}"
    );
}
