use std::sync::{Arc, Barrier};

use jiff::civil::{datetime, time};

use super::*;
use crate::booking::store::test_support::{business, details, monday_morning, TempDir};

fn count_rows(s: &Store) -> i64 {
    s.conn
        .query_row("SELECT count(*) FROM appointments", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn book_stores_every_detail() {
    let s = Store::open_in_memory().unwrap();
    let mut d = details("John Smith", 15);
    d.service = " drain cleaning ".into();
    d.time = time(15, 0, 27, 0); // seconds are dropped
    let out = s.book("CA1", &d, &business(), monday_morning()).unwrap();
    let start = datetime(2026, 3, 3, 15, 0, 0, 0);
    let BookingOutcome::Booked {
        appointment_id,
        start: got,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(got, start);
    let a = s.appointment(appointment_id).unwrap().unwrap();
    assert_eq!(a.name, "John Smith");
    assert_eq!(a.phone, "5551234567");
    assert_eq!(a.email.as_deref(), Some("john@example.com"));
    assert_eq!(a.address, "42 Oak Street");
    assert_eq!(
        a.service, "Drain cleaning",
        "stored under its configured name"
    );
    assert_eq!(a.start, start);
    assert_eq!(a.end, datetime(2026, 3, 3, 16, 0, 0, 0));
    assert_eq!(a.status, AppointmentStatus::Booked);
    assert_eq!(a.created_at, monday_morning());
    assert!(s.appointment(appointment_id + 1).unwrap().is_none());
}

#[test]
fn second_call_for_the_same_slot_is_refused_with_alternatives() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    let first = s
        .book("CA1", &details("John", 15), &b, monday_morning())
        .unwrap();
    assert!(matches!(first, BookingOutcome::Booked { .. }), "{first:?}");
    let second = s
        .book("CA2", &details("Mary", 15), &b, monday_morning())
        .unwrap();
    match second {
        BookingOutcome::Unavailable {
            reason: UnavailableReason::Taken,
            alternatives,
        } => {
            assert_eq!(alternatives.len(), 3);
            assert!(!alternatives.contains(&datetime(2026, 3, 3, 15, 0, 0, 0)));
            assert!(alternatives.contains(&datetime(2026, 3, 3, 16, 0, 0, 0)));
        }
        other => panic!("expected Taken, got {other:?}"),
    }
    assert_eq!(count_rows(&s), 1);
}

#[test]
fn overlapping_off_grid_booking_is_refused() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    s.book("CA1", &details("John", 15), &b, monday_morning())
        .unwrap();
    let mut d = details("Mary", 14);
    d.time = time(14, 30, 0, 0);
    let out = s.book("CA2", &d, &b, monday_morning()).unwrap();
    assert!(
        matches!(
            out,
            BookingOutcome::Unavailable {
                reason: UnavailableReason::Taken,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(count_rows(&s), 1);
}

#[test]
fn same_call_twice_is_already_booked_with_one_row() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    let first = s
        .book("CA1", &details("John", 15), &b, monday_morning())
        .unwrap();
    let BookingOutcome::Booked {
        appointment_id,
        start,
    } = first
    else {
        panic!("{first:?}")
    };
    // The repeat may even differ in details: it is the same trigger.
    let again = s
        .book("CA1", &details("Jon", 15), &b, monday_morning())
        .unwrap();
    assert_eq!(
        again,
        BookingOutcome::AlreadyBooked {
            appointment_id,
            start
        }
    );
    assert_eq!(count_rows(&s), 1);
    assert_eq!(s.appointment(appointment_id).unwrap().unwrap().name, "John");
}

#[test]
fn outside_hours_and_past_are_refused_without_writing() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    let out = s
        .book("CA1", &details("John", 18), &b, monday_morning())
        .unwrap();
    assert!(matches!(
        out,
        BookingOutcome::Unavailable {
            reason: UnavailableReason::OutsideHours,
            ..
        }
    ));
    let mut past = details("John", 9);
    past.date = jiff::civil::date(2026, 3, 2); // Monday 9 AM, an hour ago
    let out = s.book("CA1", &past, &b, monday_morning()).unwrap();
    assert!(matches!(
        out,
        BookingOutcome::Unavailable {
            reason: UnavailableReason::InThePast,
            ..
        }
    ));
    assert_eq!(count_rows(&s), 0);
}

#[test]
fn cancel_frees_the_slot_and_keeps_the_record() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    let start = datetime(2026, 3, 3, 15, 0, 0, 0);
    let BookingOutcome::Booked { appointment_id, .. } = s
        .book("CA1", &details("John", 15), &b, monday_morning())
        .unwrap()
    else {
        panic!()
    };
    assert!(
        !s.cancel("CA2", start).unwrap(),
        "another call cannot cancel it"
    );
    assert!(s.cancel("CA1", start).unwrap());
    assert!(!s.cancel("CA1", start).unwrap(), "nothing left to cancel");
    let a = s.appointment(appointment_id).unwrap().unwrap();
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    assert!(a.cancelled_at.is_some());
    assert!(s
        .appointments_between(start, start + SignedDuration::from_hours(1))
        .unwrap()
        .is_empty());
    // Free again, for anyone, including the same call.
    let again = s
        .book("CA1", &details("John", 15), &b, monday_morning())
        .unwrap();
    assert!(
        matches!(again, BookingOutcome::Booked { appointment_id: id, .. } if id != appointment_id)
    );
    assert_eq!(count_rows(&s), 2);
}

#[test]
fn appointments_between_returns_overlapping_live_rows() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    for (sid, h) in [("CA1", 9), ("CA2", 11), ("CA3", 13)] {
        s.book(sid, &details("X", h), &b, monday_morning()).unwrap();
    }
    let got = s
        .appointments_between(
            datetime(2026, 3, 3, 9, 30, 0, 0),
            datetime(2026, 3, 3, 13, 0, 0, 0),
        )
        .unwrap();
    // 9-10 overlaps 9:30; 11-12 inside; 13-14 starts exactly at the end: excluded.
    let starts: Vec<i8> = got.iter().map(|a| a.start.hour()).collect();
    assert_eq!(starts, vec![9, 11]);
}

#[test]
fn concurrent_bookings_from_two_connections_make_one_row() {
    let dir = TempDir::new("store-race");
    let path = dir.path().join("race.db");
    drop(Store::open(&path).unwrap());
    let mut booked = 0;
    let mut taken = 0;
    // Repeat so the race is actually exercised in different interleavings.
    for hour in 8..17 {
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["CA-A", "CA-B"]
            .into_iter()
            .map(|sid| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let s = Store::open(&path).unwrap();
                    barrier.wait();
                    s.book(sid, &details(sid, hour), &business(), monday_morning())
                        .unwrap()
                })
            })
            .collect();
        for h in handles {
            match h.join().unwrap() {
                BookingOutcome::Booked { .. } => booked += 1,
                BookingOutcome::Unavailable {
                    reason: UnavailableReason::Taken,
                    ..
                } => taken += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!((booked, taken), (9, 9));
    let s = Store::open(&path).unwrap();
    assert_eq!(count_rows(&s), 9);
}

#[test]
fn unique_index_is_the_last_line_of_defence() {
    let s = Store::open_in_memory().unwrap();
    // A live row the overlap re-check cannot see (zero length, as a buggy import might write).
    s.conn
        .execute(
            "INSERT INTO appointments (call_sid, name, phone, address, service, start_local,
                end_local, status, created_at)
             VALUES ('CA0', 'Ghost', '1', 'x', 'Leak repair', '2026-03-03T15:00:00',
                '2026-03-03T15:00:00', 'booked', '2026-03-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    let out = s
        .book("CA1", &details("John", 15), &business(), monday_morning())
        .unwrap();
    match out {
        BookingOutcome::Unavailable {
            reason: UnavailableReason::Taken,
            alternatives,
        } => {
            assert!(!alternatives.is_empty());
        }
        other => panic!("the unique index must refuse it, got {other:?}"),
    }
    assert_eq!(count_rows(&s), 1);
    // The refused insert was rolled back: the connection is usable and not inside a transaction.
    assert!(s.conn.is_autocommit());
    let ok = s
        .book("CA1", &details("John", 16), &business(), monday_morning())
        .unwrap();
    assert!(matches!(ok, BookingOutcome::Booked { .. }), "{ok:?}");
}
