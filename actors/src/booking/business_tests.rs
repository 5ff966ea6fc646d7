use jiff::civil::time;

use super::*;
use crate::toolbridge::{CallFacts, Field};

const EXAMPLE_TOML: &str = r#"
name = "Quick Fix Electric"
agent_name = "Tom Baker"
service_area = "Austin"
appointment_minutes = 90
time_zone = "America/Chicago"
contact_email = "hello@quickfix.example"

[[services]]
name = "Outlet repair"
price = "$95"

[hours]
monday = "08:00-17:00"
tuesday = "8:00 - 17:00"
wednesday = "08:00-17:00"
thursday = "08:00-17:00"
friday = "08:00-12:30"
saturday = "Closed"
sunday = "closed"
"#;

#[test]
fn default_is_a_valid_complete_business() {
    let b = Business::default();
    assert_eq!(b.validate(), Ok(()));
    assert_eq!(b.name, "Bright Plumbing");
    assert_eq!(b.hours.sunday, DayHours::Closed);
    assert_eq!(
        b.hours.saturday.open_close(),
        Some((time(9, 0, 0, 0), time(13, 0, 0, 0)))
    );
    assert_eq!(b.tz().iana_name(), Some("America/Chicago"));
}

#[test]
fn parses_from_toml_with_string_hours() {
    let b: Business = toml::from_str(EXAMPLE_TOML).unwrap();
    assert_eq!(b.validate(), Ok(()));
    assert_eq!(
        b.hours.tuesday.open_close(),
        Some((time(8, 0, 0, 0), time(17, 0, 0, 0)))
    );
    assert_eq!(
        b.hours.friday.open_close(),
        Some((time(8, 0, 0, 0), time(12, 30, 0, 0)))
    );
    assert_eq!(b.hours.saturday, DayHours::Closed);
    assert_eq!(b.voice, None);
}

#[test]
fn serialization_round_trips() {
    let b = Business::default();
    let text = toml::to_string(&b).unwrap();
    assert!(text.contains("monday = \"08:00-17:00\""), "{text}");
    assert!(text.contains("sunday = \"closed\""), "{text}");
    let back: Business = toml::from_str(&text).unwrap();
    assert_eq!(back, b);
}

#[test]
fn config_mistakes_are_refused_by_serde() {
    // An unknown key (a typo) must not be ignored.
    let typo = EXAMPLE_TOML.replace("agent_name", "agentname");
    assert!(toml::from_str::<Business>(&typo).is_err());
    // A forgotten day is not silently "closed".
    let missing = EXAMPLE_TOML.replace("sunday = \"closed\"\n", "");
    let err = toml::from_str::<Business>(&missing)
        .unwrap_err()
        .to_string();
    assert!(err.contains("sunday"), "{err}");
    // Unparseable hours name the problem.
    let bad = EXAMPLE_TOML.replace("friday = \"08:00-12:30\"", "friday = \"8am to noon\"");
    let err = toml::from_str::<Business>(&bad).unwrap_err().to_string();
    assert!(err.contains("08:00-17:00"), "{err}");
    assert!(DayHours::parse("25:00-26:00").is_err());
    assert!(DayHours::parse("08:0-17:00").is_err());
}

#[test]
fn validate_refuses_what_serde_accepts() {
    let check = |f: fn(&mut Business)| {
        let mut b = Business::default();
        f(&mut b);
        b.validate().unwrap_err()
    };
    assert!(check(|b| b.time_zone = "Mars/Olympus".into()).contains("time_zone"));
    assert!(check(|b| b.appointment_minutes = 10).contains("appointment_minutes"));
    assert!(check(|b| b.appointment_minutes = 481).contains("appointment_minutes"));
    assert!(check(|b| b.services.clear()).contains("services"));
    assert!(check(|b| {
        b.hours.monday = DayHours::Open {
            open: time(17, 0, 0, 0),
            close: time(8, 0, 0, 0),
        }
    })
    .contains("monday"));
    assert!(check(|b| {
        b.hours = WeeklyHours {
            monday: DayHours::Closed,
            tuesday: DayHours::Closed,
            wednesday: DayHours::Closed,
            thursday: DayHours::Closed,
            friday: DayHours::Closed,
            saturday: DayHours::Closed,
            sunday: DayHours::Closed,
        }
    })
    .contains("closed every day"));
    assert!(check(|b| b.voice = Some("../voices/NATF2.pt".into())).contains("voice"));
    assert!(check(|b| b.voice = Some("NATF2".into())).contains("voice"));
}

#[test]
fn hours_summary_merges_equal_days() {
    assert_eq!(
        Business::default().hours.summary(),
        "Mon-Fri 8 AM-5 PM, Sat 9 AM-1 PM, Sun closed"
    );
    let b: Business = toml::from_str(EXAMPLE_TOML).unwrap();
    assert_eq!(
        b.hours.summary(),
        "Mon-Thu 8 AM-5 PM, Fri 8 AM-12:30 PM, Sat-Sun closed"
    );
}

#[test]
fn prompt_has_services_prices_hours_and_the_phrases() {
    let b = Business::default();
    let p = b.text_prompt(&CallFacts::default(), &[]);
    for s in &b.services {
        assert!(
            p.contains(&format!("{} {}", s.name, s.price)),
            "missing {s:?} in {p}"
        );
    }
    assert!(
        p.contains("You are Ava, the receptionist at Bright Plumbing"),
        "{p}"
    );
    assert!(p.contains(b.service_area.as_str()), "{p}");
    assert!(p.contains("Mon-Fri 8 AM-5 PM"), "{p}");
    assert!(
        p.contains(&format!("say exactly \"{BOOKING_PHRASE}\"")),
        "{p}"
    );
    assert!(p.contains("let me check if <day> at <time> is open"), "{p}");
    assert!(p.contains("Read every detail back"), "{p}");
    assert!(
        !p.contains("Already known"),
        "no facts, no facts section: {p}"
    );
    // Every token is prefill time: keep the example business's prompt short.
    assert!(p.len() < 700, "prompt is {} characters: {p}", p.len());
}

#[test]
fn prompt_carries_facts_of_the_call() {
    let b = Business::default();
    let facts = CallFacts {
        name: Some(Field::new("John Smith".into(), 0.95, "John Smith")),
        booked: Some("Tuesday March 3rd at 3 PM".into()),
        email_sent_to: Some("john@example.com".into()),
        ..Default::default()
    };
    let p = b.text_prompt(&facts, &["Today is Monday March 2nd."]);
    assert!(p.contains("the caller is John Smith"), "{p}");
    assert!(
        p.contains("booked for Tuesday March 3rd at 3 PM, do not book again"),
        "{p}"
    );
    assert!(p.contains("emailed to john@example.com"), "{p}");
    assert!(p.ends_with(" Today is Monday March 2nd."), "{p}");
    // Only what is set, and sure, appears.
    let only_name = CallFacts {
        name: Some(Field::new("Jo Lee".into(), 0.9, "Jo Lee")),
        phone: Some(Field::new("555".into(), 0.4, "555")),
        ..Default::default()
    };
    let p = b.text_prompt(&only_name, &[]);
    assert!(p.contains("Already known: the caller is Jo Lee."), "{p}");
    assert!(!p.contains("booked for"), "{p}");
    let unsure = CallFacts {
        name: Some(Field::new("Jo".into(), 0.5, "Jo")),
        ..Default::default()
    };
    assert!(
        !b.text_prompt(&unsure, &[]).contains("Already known"),
        "a guess is not known"
    );
}

#[test]
fn voice_follows_config_then_agent_name() {
    let mut b = Business::default();
    assert_eq!(b.voice_prompt(), "NATF2.pt"); // Ava
    b.agent_name = "John".into();
    assert_eq!(b.voice_prompt(), "NATM1.pt");
    b.agent_name = "Michael Jordan".into();
    assert_eq!(b.voice_prompt(), "NATM1.pt");
    b.agent_name = "Zorblax".into();
    assert_eq!(b.voice_prompt(), "NATF2.pt");
    b.voice = Some("VARM3.pt".into());
    assert_eq!(b.voice_prompt(), "VARM3.pt");
}

#[test]
fn service_lookup_ignores_case() {
    let b = Business::default();
    assert_eq!(
        b.service(" drain CLEANING ").map(|s| s.price.as_str()),
        Some("$150")
    );
    assert!(b.service("roofing").is_none());
}
