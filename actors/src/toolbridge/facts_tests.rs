//! Tests of what a call establishes: merging, corrections, names said in parts.

use super::*;
use jiff::civil::{date, time};

fn complete() -> CallFacts {
    CallFacts {
        name: Some(Field::new("John Smith".into(), 0.9, "John Smith")),
        phone: Some(Field::new("5551234567".into(), 0.95, "555 123 4567")),
        email: Some(Field::new("j@x.com".into(), 0.5, "j at x dot com")),
        address: Some(Field::new("42 Oak Street".into(), 0.9, "42 Oak Street")),
        service: Some(Field::new("Drain cleaning".into(), 0.9, "drain")),
        date: Some(Field::new(date(2025, 3, 18), 0.9, "Tuesday")),
        time: Some(Field::new(time(15, 0, 0, 0), 0.95, "3 pm")),
        ..Default::default()
    }
}

#[test]
fn books_only_when_every_required_field_is_sure() {
    let details = complete().booking(0.8, "Service call").unwrap();
    assert_eq!(details.name, "John Smith");
    assert_eq!(details.email, None, "an uncertain email is left out");
    let mut facts = complete();
    facts.time.as_mut().unwrap().confidence = 0.6;
    facts.name = None;
    assert_eq!(
        facts.booking(0.8, "Service call"),
        Err(vec!["name", "time"])
    );
    assert_eq!(
        CallFacts::default()
            .booking(0.8, "Service call")
            .unwrap_err()
            .len(),
        5
    );
    let mut facts = complete();
    facts.service = None;
    let details = facts.booking(0.8, "Service call").unwrap();
    assert_eq!(
        details.service, "Service call",
        "no service named: the default"
    );
}

#[test]
fn corrections_override_and_weaker_restatements_do_not() {
    let mut facts = complete();
    facts.absorb(CallFacts {
        name: Some(Field::new("John".into(), 0.5, "John")),
        ..Default::default()
    });
    assert_eq!(facts.name.as_ref().unwrap().value, "John Smith");
    facts.absorb(CallFacts {
        time: Some(Field::new(time(3, 0, 0, 0), 0.6, "three")),
        ..Default::default()
    });
    assert_eq!(facts.time.as_ref().unwrap().value, time(15, 0, 0, 0));
    facts.absorb(CallFacts {
        date: Some(Field::new(date(2025, 3, 20), 0.9, "Thursday")),
        ..Default::default()
    });
    assert_eq!(facts.date.as_ref().unwrap().value, date(2025, 3, 20));
    facts.absorb(CallFacts {
        name: Some(Field::new("Marco Ruiz".into(), 0.85, "Marco Ruiz")),
        ..Default::default()
    });
    assert_eq!(
        facts.name.as_ref().unwrap().value,
        "John Smith",
        "a less sure different name is somebody else"
    );
    facts.absorb(CallFacts {
        name: Some(Field::new("Jon Smyth".into(), 0.85, "Jon Smyth")),
        correction: true,
        ..Default::default()
    });
    assert_eq!(
        facts.name.as_ref().unwrap().value,
        "Jon Smyth",
        "a correction"
    );
}

#[test]
fn first_and_last_names_said_apart_are_joined() {
    let mut facts = CallFacts::default();
    facts.absorb(CallFacts {
        name: Some(Field::new("Ines".into(), 0.6, "Ines")),
        name_part: Some(NamePart::First),
        ..Default::default()
    });
    facts.absorb(CallFacts {
        name: Some(Field::new("Duarte".into(), 0.6, "Duarte")),
        name_part: Some(NamePart::Last),
        ..Default::default()
    });
    let name = facts.name.unwrap();
    assert_eq!(
        (name.value.as_str(), name.confidence),
        ("Ines Duarte", JOINED)
    );
}
