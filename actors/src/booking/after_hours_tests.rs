//! Open or closed at an instant, and what a call gets then.

use jiff::civil::date;
use jiff::Timestamp;

use super::after_hours::AfterHours;
use super::business::Business;

/// 2026-03-03 (a Tuesday) at `h:m` in the example business's zone (America/Chicago).
fn tuesday_at(h: i8, m: i8) -> Timestamp {
    date(2026, 3, 3)
        .at(h, m, 0, 0)
        .in_tz("America/Chicago")
        .unwrap()
        .timestamp()
}

#[test]
fn open_within_the_days_hours_closing_time_excluded() {
    let b = Business::default(); // weekdays 8:00-17:00
    assert!(!b.is_open_at(tuesday_at(7, 59)));
    assert!(b.is_open_at(tuesday_at(8, 0)));
    assert!(b.is_open_at(tuesday_at(16, 59)));
    assert!(!b.is_open_at(tuesday_at(17, 0)));
}

#[test]
fn a_closed_date_is_closed_all_day_in_the_business_zone() {
    let b = Business {
        closed_dates: vec![date(2026, 3, 3)],
        ..Business::default()
    };
    assert!(!b.is_open_at(tuesday_at(10, 0)));
    // The day after is open again.
    let next_day = date(2026, 3, 4)
        .at(10, 0, 0, 0)
        .in_tz("America/Chicago")
        .unwrap()
        .timestamp();
    assert!(b.is_open_at(next_day));
}

#[test]
fn after_hours_applies_only_when_configured_and_closed() {
    let mut b = Business::default();
    assert_eq!(b.after_hours_at(tuesday_at(20, 0)), None, "not configured");
    b.after_hours = Some(AfterHours::Voicemail);
    assert_eq!(b.after_hours_at(tuesday_at(10, 0)), None, "open");
    assert_eq!(
        b.after_hours_at(tuesday_at(20, 0)),
        Some(AfterHours::Voicemail)
    );
    b.after_hours = Some(AfterHours::Agent);
    assert_eq!(b.after_hours_at(tuesday_at(20, 0)), Some(AfterHours::Agent));
}

#[test]
fn the_greeting_names_the_business() {
    let b = Business::default();
    let greeting = b.after_hours_greeting();
    assert!(greeting.contains(&b.name), "{greeting}");
    assert!(!greeting.contains("{name}"));
}

#[test]
fn toml_reads_after_hours_and_closed_dates() {
    let text = toml::to_string(&Business::default()).unwrap();
    assert!(text.contains("closed_dates = []"), "{text}");
    let text = text.replace(
        "closed_dates = []",
        "closed_dates = [\"2026-12-25\"]\nafter_hours = \"agent\"",
    );
    let b: Business = toml::from_str(&text).unwrap();
    assert_eq!(b.after_hours, Some(AfterHours::Agent));
    assert_eq!(b.closed_dates, [date(2026, 12, 25)]);
    let bad = text.replace("\"agent\"", "\"sometimes\"");
    assert!(toml::from_str::<Business>(&bad).is_err());
}
