use jiff::civil::{date, datetime, time};

use super::*;
use crate::booking::store::test_support::{business, details, monday_morning};
use crate::booking::store::AppointmentStatus;
use crate::booking::{BookingOutcome, UnavailableReason};

fn live_rows(s: &Store) -> i64 {
    s.conn
        .query_row(
            "SELECT count(*) FROM appointments WHERE status = 'booked'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// What a caller on a later call gives: name, phone and the new time only.
fn move_to(name: &str, phone: &str, day: i8, hour: i8) -> BookingDetails {
    BookingDetails {
        name: name.into(),
        phone: phone.into(),
        email: None,
        address: String::new(),
        service: String::new(),
        problem: None,
        date: date(2026, 3, day),
        time: time(hour, 0, 0, 0),
    }
}

/// John Smith's Tuesday 3 PM drain cleaning, booked on call CA-EARLIER.
fn booked_earlier(s: &Store) -> i64 {
    let mut d = details("John Smith", 15);
    d.problem = Some("slow kitchen drain".into());
    s.book("CA-EARLIER", &d, &business(), monday_morning())
        .unwrap()
        .appointment()
        .unwrap()
        .0
}

#[test]
fn finds_by_phone_and_name_and_moves_keeping_the_details() {
    let s = Store::open_in_memory().unwrap();
    let old = booked_earlier(&s);
    // Another caller's appointment with the same name but another phone is not touched.
    let mut other = details("John Smith", 9);
    other.phone = "5559990000".into();
    s.book("CA-OTHER", &other, &business(), monday_morning())
        .unwrap();

    let out = s
        .reschedule(
            "CA-NOW",
            &move_to("john smith", "+1 (555) 123-4567", 5, 13),
            &business(),
            monday_morning(),
        )
        .unwrap();
    let RescheduleOutcome::Moved {
        appointment_id,
        start,
        moved_id,
        moved_from,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (start, moved_id, moved_from),
        (
            datetime(2026, 3, 5, 13, 0, 0, 0),
            old,
            datetime(2026, 3, 3, 15, 0, 0, 0)
        )
    );
    assert_eq!(
        s.appointment(old).unwrap().unwrap().status,
        AppointmentStatus::Cancelled
    );
    let moved = s.appointment(appointment_id).unwrap().unwrap();
    // Kept: the stored name and phone, email, address, service and problem.
    assert_eq!(
        (
            moved.name.as_str(),
            moved.phone.as_str(),
            moved.email.as_deref(),
            moved.address.as_str(),
            moved.service.as_str(),
            moved.problem.as_deref(),
            moved.replaces,
            moved.call_sid.as_str()
        ),
        (
            "John Smith",
            "5551234567",
            Some("john@example.com"),
            "42 Oak Street",
            "Drain cleaning",
            Some("slow kitchen drain"),
            Some(old),
            "CA-NOW"
        )
    );
    // No second live row: the move replaced it. The call now holds it.
    assert_eq!(live_rows(&s), 2);
    assert_eq!(
        s.appointment_of_call("CA-NOW").unwrap().unwrap().id,
        appointment_id
    );
}

#[test]
fn given_details_replace_the_kept_ones_but_the_default_service_does_not() {
    let s = Store::open_in_memory().unwrap();
    booked_earlier(&s);
    let mut d = move_to("John Smith", "5551234567", 3, 16);
    d.address = "7 Elm Avenue".into();
    d.service = "Service call".into(); // what the bridge fills in when none was named
    d.email = Some("js@example.com".into());
    let out = s
        .reschedule("CA-NOW", &d, &business(), monday_morning())
        .unwrap();
    let RescheduleOutcome::Moved { appointment_id, .. } = out else {
        panic!("{out:?}")
    };
    let a = s.appointment(appointment_id).unwrap().unwrap();
    assert_eq!(
        (a.address.as_str(), a.service.as_str(), a.email.as_deref()),
        ("7 Elm Avenue", "Drain cleaning", Some("js@example.com"))
    );
}

#[test]
fn an_overlapping_move_is_not_blocked_by_the_old_slot() {
    let s = Store::open_in_memory().unwrap();
    let old = booked_earlier(&s);
    let mut d = move_to("John Smith", "5551234567", 3, 15);
    d.time = time(15, 30, 0, 0);
    let out = s
        .reschedule("CA-NOW", &d, &business(), monday_morning())
        .unwrap();
    assert!(
        matches!(out, RescheduleOutcome::Moved { moved_id, .. } if moved_id == old),
        "{out:?}"
    );
    assert_eq!(live_rows(&s), 1);
}

#[test]
fn an_unavailable_new_time_keeps_the_appointment() {
    let s = Store::open_in_memory().unwrap();
    let old = booked_earlier(&s);
    let mut mary = details("Mary", 10);
    mary.phone = "5550001111".into();
    s.book("CA-MARY", &mary, &business(), monday_morning())
        .unwrap();
    let out = s
        .reschedule(
            "CA-NOW",
            &move_to("John Smith", "5551234567", 3, 10),
            &business(),
            monday_morning(),
        )
        .unwrap();
    let RescheduleOutcome::Unavailable {
        reason,
        alternatives,
        kept_id,
        kept_start,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (reason, kept_id, kept_start),
        (
            UnavailableReason::Taken,
            old,
            datetime(2026, 3, 3, 15, 0, 0, 0)
        )
    );
    assert!(!alternatives.is_empty());
    let a = s.appointment(old).unwrap().unwrap();
    assert_eq!(
        (a.status, a.cancelled_at),
        (AppointmentStatus::Booked, None)
    );
    assert_eq!(live_rows(&s), 2);
    assert!(s.conn.is_autocommit());
}

#[test]
fn the_same_time_again_changes_nothing() {
    let s = Store::open_in_memory().unwrap();
    let old = booked_earlier(&s);
    let out = s
        .reschedule(
            "CA-NOW",
            &move_to("John Smith", "5551234567", 3, 15),
            &business(),
            monday_morning(),
        )
        .unwrap();
    assert_eq!(
        out,
        RescheduleOutcome::Unchanged {
            appointment_id: old,
            start: datetime(2026, 3, 3, 15, 0, 0, 0)
        }
    );
}

#[test]
fn not_found_books_only_complete_details() {
    let s = Store::open_in_memory().unwrap();
    booked_earlier(&s);
    // Wrong phone, or a first name only: not found, and too little to book.
    for (name, phone) in [("John Smith", "5550000000"), ("John", "5551234567")] {
        let out = s
            .reschedule(
                "CA-NOW",
                &move_to(name, phone, 5, 13),
                &business(),
                monday_morning(),
            )
            .unwrap();
        assert_eq!(out, RescheduleOutcome::NotFound, "{name} {phone}");
    }
    assert_eq!(live_rows(&s), 1);
    // With an address it is booked as new (blank service: the default one).
    let mut d = move_to("Ann Lee", "5552223333", 5, 13);
    d.address = "1 Pine Road".into();
    let out = s
        .reschedule("CA-NOW", &d, &business(), monday_morning())
        .unwrap();
    let RescheduleOutcome::NotFoundBooked(BookingOutcome::Booked { appointment_id, .. }) = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        s.appointment(appointment_id).unwrap().unwrap().service,
        "Service call"
    );
    assert_eq!(live_rows(&s), 2);
}

#[test]
fn past_and_cancelled_appointments_are_not_found() {
    let s = Store::open_in_memory().unwrap();
    booked_earlier(&s);
    // Wednesday: Tuesday's appointment has passed.
    let wednesday: Timestamp = "2026-03-04T16:00:00Z".parse().unwrap();
    let out = s
        .reschedule(
            "CA-NOW",
            &move_to("John Smith", "5551234567", 5, 13),
            &business(),
            wednesday,
        )
        .unwrap();
    assert_eq!(out, RescheduleOutcome::NotFound);
    assert!(s
        .cancel("CA-EARLIER", datetime(2026, 3, 3, 15, 0, 0, 0))
        .unwrap());
    let out = s
        .reschedule(
            "CA-NOW",
            &move_to("John Smith", "5551234567", 5, 13),
            &business(),
            monday_morning(),
        )
        .unwrap();
    assert_eq!(out, RescheduleOutcome::NotFound);
}

#[test]
fn phone_and_name_matching_rules() {
    assert!(same_phone("5551234567", "+1 (555) 123-4567"));
    assert!(same_phone("15551234567", "555.123.4567"));
    assert!(!same_phone("5551234567", "5551234568"));
    assert!(same_phone("1234567", "123-4567"));
    assert!(!same_phone("1234567", "5551234567"));
    assert!(!same_phone("", ""));

    assert!(same_person("John Smith", "john  SMITH"));
    assert!(
        same_person("John Smith", "Jon Smith"),
        "first-name spelling"
    );
    assert!(same_person("Stephen O'Brien", "Steven OBrien"));
    assert!(same_person("John Smith", "Smith"), "surname alone");
    assert!(!same_person("John Smith", "John"), "first name alone");
    assert!(!same_person("John Smith", "Mary Smith"));
    assert!(!same_person("John Smith", "John Smythe"));
    assert!(!same_person("John Smith", ""));
}
