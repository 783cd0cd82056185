//! The SLA config file: the shipped defaults are the compiled-in defaults,
//! a config survives a write and a read, and every mistake names its key.

use chrono::{NaiveDate, Weekday};
use escalator_core::commands::standard_sla_policy;
use escalator_core::domain::Priority;
use escalator_core::sla::{
    BusinessDuration, Holiday, Opening, SlaConfig, Target, Threshold, DEFAULT_SLA_TOML,
};
use escalator_core::{Error, ErrorKind};

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config/sla.toml");

#[test]
fn the_shipped_file_is_the_default() {
    let on_disk = std::fs::read_to_string(SHIPPED).unwrap();
    assert_eq!(on_disk, DEFAULT_SLA_TOML);
    assert_eq!(
        SlaConfig::from_toml(&on_disk).unwrap(),
        SlaConfig::default()
    );
}

#[test]
fn the_defaults_follow_the_sop() {
    let config = SlaConfig::default();
    for priority in Priority::ALL {
        let name = standard_sla_policy(*priority);
        assert!(config.policy(&name).is_ok(), "{name} is shipped");
    }
    let p1 = config.policy_for(Priority::P1);
    assert!(
        config.calendars()[&p1.calendar].week().is_always_open(),
        "P1 runs 24x7"
    );
    assert_eq!(p1.escalate_within, BusinessDuration::minutes(15));
    let p2 = config.policy_for(Priority::P2);
    assert_eq!(
        config.calendars()[&p2.calendar].time_zone(),
        chrono_tz::Europe::Berlin
    );
    assert_eq!(
        config.calendars()[&p2.calendar].week().day(Weekday::Mon),
        [Opening::parse("09:00-17:00", "test").unwrap()]
    );
    assert!(config.calendars()[&p2.calendar]
        .week()
        .day(Weekday::Sat)
        .is_empty());
    assert_eq!(p2.acknowledge_within, BusinessDuration::hours(2));
    assert_eq!(
        config.warnings().points(),
        [
            Threshold::Percent(75),
            Threshold::Percent(90),
            Threshold::Before(BusinessDuration::minutes(15))
        ]
    );
    // Targets grow with lower priority.
    for target in Target::ALL {
        let within: Vec<_> = Priority::ALL
            .iter()
            .map(|p| config.policy_for(*p).within(target))
            .collect();
        assert!(
            within.windows(2).all(|w| w[0] <= w[1]),
            "{target}: {within:?}"
        );
    }
    assert_eq!(
        config.policy("vip-p0").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn the_defaults_round_trip() {
    let config = SlaConfig::default();
    let written = config.to_toml();
    assert_eq!(SlaConfig::from_toml(&written).unwrap(), config, "{written}");
}

const CUSTOM: &str = r#"
[warnings]
at = ["50%", "1h30m before"]

[calendars.follow-the-sun]
time_zone = "America/New_York"
monday = ["08:00-12:00", "13:00-17:30"]
tuesday = ["08:00-12:00", "13:00-17:30"]
friday = ["22:00-24:00"]
saturday = ["00:00-06:00"]
holidays = [
  { date = 2026-07-03, name = "Independence Day (observed)" },
  { date = "2026-11-26", name = "Thanksgiving" },
]

[calendars.always]
time_zone = "Australia/Sydney"
monday = ["00:00-24:00"]
tuesday = ["00:00-24:00"]
wednesday = ["00:00-24:00"]
thursday = ["00:00-24:00"]
friday = ["00:00-24:00"]
saturday = ["00:00-24:00"]
sunday = ["00:00-24:00"]

[policies.standard-p1]
calendar = "always"
escalate_within = "0m"
acknowledge_within = "10m"
update_every = "30m"
resolve_within = "2d"
warnings = ["80%"]

[policies.standard-p2]
calendar = "follow-the-sun"
escalate_within = "1h 30m"
acknowledge_within = "45m"
update_every = "4h"
resolve_within = "3d"

[policies.standard-p3]
calendar = "follow-the-sun"
escalate_within = "1d"
acknowledge_within = "8h"
update_every = "1d"
resolve_within = "5d"

[policies.standard-p4]
calendar = "follow-the-sun"
escalate_within = "2d"
acknowledge_within = "1d"
update_every = "2d"
resolve_within = "10d"

[policies.vip]
calendar = "always"
escalate_within = "5m"
acknowledge_within = "5m"
update_every = "15m"
resolve_within = "4h"
"#;

#[test]
fn a_custom_config_round_trips() {
    let config = SlaConfig::from_toml(CUSTOM).unwrap();
    let sun = &config.calendars()["follow-the-sun"];
    assert_eq!(sun.week().day(Weekday::Mon).len(), 2);
    assert_eq!(
        sun.holidays().collect::<Vec<_>>(),
        [
            Holiday::new(
                NaiveDate::from_ymd_opt(2026, 7, 3).unwrap(),
                "Independence Day (observed)"
            ),
            Holiday::new(
                NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                "Thanksgiving"
            ),
        ]
    );
    assert!(config.calendars()["always"].week().is_always_open());
    let p1 = config.policy("standard-p1").unwrap();
    assert_eq!(p1.escalate_within, BusinessDuration::ZERO);
    assert_eq!(p1.resolve_within, BusinessDuration::hours(48));
    assert_eq!(
        p1.warnings.as_ref().unwrap().points(),
        [Threshold::Percent(80)]
    );
    assert_eq!(
        config.policy("standard-p2").unwrap().escalate_within,
        BusinessDuration::minutes(90)
    );
    assert_eq!(
        config
            .target("standard-p2", Target::Acknowledge)
            .unwrap()
            .warnings
            .points(),
        [
            Threshold::Percent(50),
            Threshold::Before(BusinessDuration::minutes(90))
        ]
    );
    let written = config.to_toml();
    assert!(written.contains("hours = \"24x7\""), "{written}");
    assert!(written.contains("resolve_within = \"48h\""), "{written}");
    assert_eq!(SlaConfig::from_toml(&written).unwrap(), config, "{written}");
}

fn invalid(text: &str) -> (String, String) {
    match SlaConfig::from_toml(text) {
        Err(error @ Error::InvalidInput { .. }) => {
            assert_eq!(error.kind(), ErrorKind::Validation);
            let Error::InvalidInput { field, message } = error else {
                unreachable!()
            };
            (field, message)
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The shipped file with one line replaced.
fn edited(from: &str, to: &str) -> String {
    assert!(
        DEFAULT_SLA_TOML.contains(from),
        "the shipped file has {from:?}"
    );
    DEFAULT_SLA_TOML.replacen(from, to, 1)
}

#[test]
fn mistakes_name_their_key() {
    let cases: Vec<(String, &str, &str)> = vec![
        (
            edited("acknowledge_within = \"2h\"", "acknowledge_within = \"2 hours\""),
            "sla.policies.standard-p2.acknowledge_within",
            "'2 hours' is not a duration",
        ),
        (
            edited("acknowledge_within = \"2h\"", "acknowledge_within = \"0m\""),
            "sla.policies.standard-p2.acknowledge_within",
            "must be longer than zero",
        ),
        (
            edited("resolve_within = \"80h\"", "resolve_within = \"400d\""),
            "sla.policies.standard-p4.resolve_within",
            "is longer than the longest target",
        ),
        (
            edited("calendar = \"around-the-clock\"", "calendar = \"around-the-clok\""),
            "sla.policies.standard-p1.calendar",
            "unknown calendar 'around-the-clok'; the calendars are: around-the-clock, business-hours",
        ),
        (
            edited("time_zone = \"Europe/Berlin\"", "time_zone = \"Europe/Berln\""),
            "sla.calendars.business-hours.time_zone",
            "'Europe/Berln' is not an IANA time zone",
        ),
        (
            edited("monday = [\"09:00-17:00\"]", "monday = [\"09:00-12:00\", \"11:00-17:00\"]"),
            "sla.calendars.business-hours.monday",
            "openings 09:00–12:00 and 11:00–17:00 overlap",
        ),
        (
            edited("monday = [\"09:00-17:00\"]", "monday = [\"9am-5pm\"]"),
            "sla.calendars.business-hours.monday[0]",
            "'9am' is not a time of day",
        ),
        (
            edited("monday = [\"09:00-17:00\"]", "monday = [\"22:00-06:00\"]"),
            "sla.calendars.business-hours.monday[0]",
            "'22:00-06:00' ends before it starts",
        ),
        (
            edited("\nhours = \"24x7\"", "\nhours = \"24x7\"\nmonday = [\"09:00-17:00\"]"),
            "sla.calendars.around-the-clock.hours",
            "a 24x7 calendar lists no weekday hours",
        ),
        (
            edited("\nhours = \"24x7\"", "\nhours = \"always\""),
            "sla.calendars.around-the-clock.hours",
            "'always' is not understood",
        ),
        (
            edited("\nhours = \"24x7\"", ""),
            "sla.calendars.around-the-clock.hours",
            "the calendar is never open",
        ),
        (
            edited(
                "holidays = []",
                "holidays = [{ date = 2026-12-25, name = \"Christmas\" }, { date = \"2026-12-25\", name = \"Again\" }]",
            ),
            "sla.calendars.business-hours.holidays[1].date",
            "2026-12-25 is already listed as holidays[0]",
        ),
        (
            edited("holidays = []", "holidays = [{ date = \"25.12.2026\", name = \"Christmas\" }]"),
            "sla.calendars.business-hours.holidays[0].date",
            "is not a date",
        ),
        (
            edited("at = [\"75%\", \"90%\", \"15m before\"]", "at = [\"75%\", \"100%\"]"),
            "sla.warnings.at[1]",
            "'100%': a warning percentage is between 1% and 99%",
        ),
        (
            edited("at = [\"75%\", \"90%\", \"15m before\"]", "at = [\"75%\", \"15m\"]"),
            "sla.warnings.at[1]",
            "'15m' is not a warning point",
        ),
        (
            edited("at = [\"75%\", \"90%\", \"15m before\"]", "at = [\"75%\", \"75%\"]"),
            "sla.warnings.at[1]",
            "'75%' is listed twice",
        ),
        (
            edited("[policies.standard-p3]", "[policies.standard-p3-old]"),
            "sla.policies",
            "missing policy 'standard-p3': tickets of priority P3 use it",
        ),
    ];
    for (text, field, message) in cases {
        let (got_field, got_message) = invalid(&text);
        assert_eq!(got_field, field, "{got_message}");
        assert!(
            got_message.contains(message),
            "{field}: {got_message:?} should contain {message:?}"
        );
    }
}

/// A misspelt key is refused, not silently ignored, and the TOML error
/// points at it.
#[test]
fn unknown_keys_and_bad_toml_are_refused() {
    let (field, message) = invalid(&edited(
        "acknowledge_within = \"2h\"",
        "acknowledge_witin = \"2h\"",
    ));
    assert_eq!(field, "sla");
    assert!(message.contains("acknowledge_witin"), "{message}");
    let (field, message) = invalid("[warnings\nat = []");
    assert_eq!(field, "sla");
    assert!(message.contains("line 1"), "{message}");
}
