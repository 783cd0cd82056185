//! The settings screen's view of the SLA config: what it shows, what it
//! saves, and how a mistake is refused.

use escalator_core::domain::Priority;
use escalator_core::sla::{import_holidays, SlaConfig, SlaSettings, Target};

#[test]
fn the_settings_show_each_priority_with_its_four_targets() {
    let settings = SlaSettings::from_config(&SlaConfig::default());
    let p1 = &settings.policies[0];
    assert_eq!(p1.priority, Priority::P1);
    assert_eq!(p1.policy, "standard-p1");
    assert_eq!(p1.calendar, "around-the-clock");
    assert_eq!(
        (
            p1.escalate_within.as_str(),
            p1.acknowledge_within.as_str(),
            p1.update_every.as_str(),
            p1.resolve_within.as_str()
        ),
        ("15m", "30m", "1h", "24h")
    );
    assert_eq!(settings.warnings, ["75%", "90%", "15m before"]);
    assert!(settings
        .calendars
        .iter()
        .any(|calendar| calendar.name == "business-hours"
            && calendar.summary.starts_with("Europe/Berlin")));
}

#[test]
fn edited_targets_and_warnings_are_applied_and_round_trip() {
    let base = SlaConfig::default();
    let mut settings = SlaSettings::from_config(&base);
    settings.policies[1].acknowledge_within = "1h30m".into();
    settings.warnings = vec!["50%".into(), "30m before".into()];
    let config = settings.apply(&base).unwrap();
    let p2 = config.target("standard-p2", Target::Acknowledge).unwrap();
    assert_eq!(p2.within.as_seconds(), 90 * 60);
    assert_eq!(
        SlaSettings::from_config(&config).warnings,
        ["50%", "30m before"]
    );
    assert_eq!(SlaConfig::from_toml(&config.to_toml()).unwrap(), config);
}

#[test]
fn a_mistake_names_its_field_and_changes_nothing() {
    let base = SlaConfig::default();
    let mut settings = SlaSettings::from_config(&base);
    settings.policies[2].resolve_within = "two days".into();
    let error = settings.apply(&base).unwrap_err().to_string();
    assert!(
        error.contains("policies.standard-p3.resolve_within"),
        "{error}"
    );

    let mut settings = SlaSettings::from_config(&base);
    settings.policies[0].acknowledge_within = "0m".into();
    let error = settings.apply(&base).unwrap_err().to_string();
    assert!(error.contains("standard-p1.acknowledge_within"), "{error}");

    let mut settings = SlaSettings::from_config(&base);
    settings.warnings = vec!["120%".into()];
    let error = settings.apply(&base).unwrap_err().to_string();
    assert!(error.contains("warnings[0]"), "{error}");

    let mut settings = SlaSettings::from_config(&base);
    settings.policies[3].calendar = "office".into();
    let error = settings.apply(&base).unwrap_err().to_string();
    assert!(error.contains("unknown calendar 'office'"), "{error}");
}

#[test]
fn holidays_imported_from_ics_close_the_calendar() {
    let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let config = import_holidays(&SlaConfig::default(), "business-hours", ics).unwrap();
    let calendar = &config.calendars()["business-hours"];
    let christmas = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    assert_eq!(calendar.holiday(christmas), Some("Christmas Day"));
    let error = import_holidays(&SlaConfig::default(), "office", ics).unwrap_err();
    assert!(error.to_string().contains("office"));
    let error = import_holidays(
        &SlaConfig::default(),
        "business-hours",
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    .unwrap_err();
    assert!(error.to_string().contains("no all-day events"), "{error}");
}

#[test]
fn only_an_l3_lead_changes_sla_policies() {
    use crate::support::{Fixture, ANA, LEE};
    let mut fixture = Fixture::new();
    let mut settings = fixture.desk.sla_settings();
    settings.policies[1].acknowledge_within = "1h".into();
    let refused = fixture
        .desk
        .update_sla_settings(ANA, &settings)
        .unwrap_err();
    crate::support::assert_rule(&refused, "SOP-3-role", "§3");
    assert!(!fixture.desk.sla_config_path().exists(), "nothing saved");

    fixture.desk.update_sla_settings(LEE, &settings).unwrap();
    assert_eq!(
        fixture.desk.sla_settings().policies[1].acknowledge_within,
        "1h"
    );
    assert!(fixture.desk.sla_config_path().exists());
}
