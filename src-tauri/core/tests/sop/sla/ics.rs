//! iCalendar holiday import: folded lines, multi-day events, date-times,
//! and errors that point at the line to fix.

use chrono::NaiveDate;
use escalator_core::sla::{parse_ics, Calendar, Holiday};
use escalator_core::{Error, ErrorKind};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn error_of(text: &str) -> (String, String) {
    match parse_ics(text) {
        Err(Error::InvalidInput { field, message }) => (field, message),
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[test]
fn imports_dates_names_and_multi_day_events() {
    let text = "BEGIN:VCALENDAR\r\n\
                VERSION:2.0\r\n\
                PRODID:-//Example//Holidays//EN\r\n\
                BEGIN:VEVENT\r\n\
                UID:1@example.com\r\n\
                DTSTART;VALUE=DATE:20261225\r\n\
                DTEND;VALUE=DATE:20261227\r\n\
                SUMMARY:Christmas\\, both days\r\n\
                END:VEVENT\r\n\
                BEGIN:VEVENT\r\n\
                DTSTART;VALUE=DATE:20270101\r\n\
                SUMMARY:New Year's Day\r\n\
                BEGIN:VALARM\r\n\
                ACTION:DISPLAY\r\n\
                SUMMARY:not the holiday's name\r\n\
                TRIGGER:-PT15M\r\n\
                END:VALARM\r\n\
                END:VEVENT\r\n\
                END:VCALENDAR\r\n";
    assert_eq!(
        parse_ics(text).unwrap(),
        [
            Holiday::new(date(2026, 12, 25), "Christmas, both days"),
            Holiday::new(date(2026, 12, 26), "Christmas, both days"),
            Holiday::new(date(2027, 1, 1), "New Year's Day"),
        ]
    );
}

/// RFC 5545 §3.1: a CRLF followed by one space or tab continues the line.
#[test]
fn unfolds_long_lines() {
    let text = "BEGIN:VCALENDAR\r\n\
                BEGIN:VEVENT\r\n\
                DTSTART;VALUE=DATE:2026\r\n 1003\r\n\
                SUMMARY:Tag der Deutschen \r\n\tEinheit\r\n\
                END:VEVENT\r\n\
                END:VCALENDAR";
    assert_eq!(
        parse_ics(text).unwrap(),
        [Holiday::new(date(2026, 10, 3), "Tag der Deutschen Einheit")]
    );
}

/// A date-time counts as its date; a DTEND at midnight ends the day
/// before, one later in the day includes its date. Bare LF line ends work.
#[test]
fn date_times_count_as_their_dates() {
    let text = "BEGIN:VCALENDAR\n\
                BEGIN:VEVENT\n\
                DTSTART;TZID=\"Europe/Berlin\":20261224T000000\n\
                DTEND;TZID=\"Europe/Berlin\":20261225T000000\n\
                SUMMARY:Christmas Eve\n\
                END:VEVENT\n\
                BEGIN:VEVENT\n\
                DTSTART:20261231T130000Z\n\
                DTEND:20270101T010000Z\n\
                SUMMARY:New Year\n\
                END:VEVENT\n\
                BEGIN:VEVENT\n\
                DTSTART;VALUE=DATE:20260406\n\
                DURATION:P1D\n\
                SUMMARY:Easter Monday\n\
                END:VEVENT\n\
                END:VCALENDAR\n";
    assert_eq!(
        parse_ics(text).unwrap(),
        [
            Holiday::new(date(2026, 12, 24), "Christmas Eve"),
            Holiday::new(date(2026, 12, 31), "New Year"),
            Holiday::new(date(2027, 1, 1), "New Year"),
            Holiday::new(date(2026, 4, 6), "Easter Monday"),
        ]
    );
}

#[test]
fn imported_holidays_close_the_calendar() {
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260406\nSUMMARY:Easter Monday\nEND:VEVENT\nEND:VCALENDAR\n";
    let calendar = super::oracle::CalendarSpec::office(chrono_tz::Europe::Berlin)
        .calendar()
        .with_holidays(parse_ics(text).unwrap());
    assert_eq!(calendar.holiday(date(2026, 4, 6)), Some("Easter Monday"));
    assert_eq!(calendar.openings_on(date(2026, 4, 6)), []);
    assert_eq!(calendar.openings_on(date(2026, 4, 7)).len(), 1);
    let twice = calendar.with_holidays([Holiday::new(date(2026, 4, 6), "Bank holiday")]);
    assert_eq!(
        twice.holiday(date(2026, 4, 6)),
        Some("Easter Monday / Bank holiday")
    );
    assert!(matches!(
        Calendar::new(chrono_tz::UTC, Default::default(), []),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn bad_input_names_the_line() {
    let cases = [
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-25\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: DTSTART '2026-12-25' is not a date",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261325\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: DTSTART '20261325' is not a date",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nthis is not a property\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 3: 'this is not a property' is not a property",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:No date\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 2: VEVENT has no DTSTART",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nDTEND;VALUE=DATE:20261224\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 4: the event ends before it starts",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 4: recurring events are not supported",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VCALENDAR\n",
            "line 4: END:VCALENDAR does not close BEGIN:VEVENT from line 2",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\n",
            "line 1: BEGIN:VCALENDAR is never closed",
        ),
        ("DTSTART;VALUE=DATE:20261225\n", "line 1: content outside BEGIN:VCALENDAR"),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nDURATION:PT4H\nEND:VEVENT\nEND:VCALENDAR\n",
            "line 4: DURATION 'PT4H' is not a whole number of days",
        ),
    ];
    for (text, expected) in cases {
        let (field, message) = error_of(text);
        assert_eq!(field, "ics");
        assert!(
            message.starts_with(expected),
            "{message:?} should start with {expected:?}"
        );
    }
    assert_eq!(error_of("").1, "not an iCalendar file: no BEGIN:VCALENDAR");
    assert_eq!(parse_ics("BEGIN:VCALENDAR\nEND:VCALENDAR\n").unwrap(), []);
    assert_eq!(parse_ics("x").unwrap_err().kind(), ErrorKind::Validation);
}

/// A fold keeps the line number of the line it started on.
#[test]
fn errors_after_folds_count_physical_lines() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:A very long\r\n  name\r\nDTSTART;VALUE=DATE:2026\r\n 99\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert!(error_of(text)
        .1
        .starts_with("line 5: DTSTART '202699' is not a date"));
}
