use std::sync::{Arc, Barrier};

use jiff::civil::{datetime, time};

use super::*;
use crate::booking::store::test_support::{business, details, monday_morning, TempDir};

fn count_rows(s: &Store) -> i64 {
    s.conn
        .query_row("SELECT count(*) FROM appointments", [], |r| r.get(0))
        .unwrap()
}

fn live_rows_of(s: &Store, call_sid: &str) -> i64 {
    s.conn
        .query_row(
            "SELECT count(*) FROM appointments WHERE call_sid = ?1 AND status = 'booked'",
            [call_sid],
            |r| r.get(0),
        )
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
    // The repeat may differ in case, spacing, phone formatting, a dropped email or a reworded
    // problem: it is the same booking triggered twice.
    let mut again = details(" JOHN ", 15);
    again.phone = "(555) 123-4567".into();
    again.email = None;
    again.service = "drain cleaning".into();
    again.problem = Some("slow drain".into());
    let out = s.book("CA1", &again, &b, monday_morning()).unwrap();
    assert_eq!(
        out,
        BookingOutcome::AlreadyBooked {
            appointment_id,
            start
        }
    );
    assert_eq!(count_rows(&s), 1);
    assert_eq!(s.appointment(appointment_id).unwrap().unwrap().name, "John");
}

#[test]
fn a_correction_replaces_the_calls_booking_in_one_transaction() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    let BookingOutcome::Booked {
        appointment_id: old,
        ..
    } = s
        .book("CA1", &details("John Smith", 14), &b, monday_morning())
        .unwrap()
    else {
        panic!()
    };
    // "No, 2:30": the new hour overlaps the old one, which must not block it.
    let mut corrected = details("John Smith", 14);
    corrected.time = time(14, 30, 0, 0);
    corrected.email = None; // not repeated: kept from the first booking
    let out = s.book("CA1", &corrected, &b, monday_morning()).unwrap();
    let BookingOutcome::Replaced {
        appointment_id: new,
        start,
        replaced_id,
        replaced_start,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (start, replaced_id, replaced_start),
        (
            datetime(2026, 3, 3, 14, 30, 0, 0),
            old,
            datetime(2026, 3, 3, 14, 0, 0, 0)
        )
    );
    let old_row = s.appointment(old).unwrap().unwrap();
    assert_eq!(old_row.status, AppointmentStatus::Cancelled);
    let new_row = s.appointment(new).unwrap().unwrap();
    assert_eq!(new_row.status, AppointmentStatus::Booked);
    assert_eq!(new_row.replaces, Some(old));
    assert_eq!(new_row.email.as_deref(), Some("john@example.com"));
    // Exactly one live row for the call, and it is the new one.
    assert_eq!(s.appointment_of_call("CA1").unwrap().unwrap().id, new);
    assert_eq!(live_rows_of(&s, "CA1"), 1);

    // A name correction at the same time replaces too (the unique start is freed first).
    let out = s
        .book(
            "CA1",
            &{
                let mut d = corrected.clone();
                d.name = "Jon Smith".into();
                d
            },
            &b,
            monday_morning(),
        )
        .unwrap();
    assert!(matches!(out, BookingOutcome::Replaced { replaced_id, .. } if replaced_id == new));
    assert_eq!(live_rows_of(&s, "CA1"), 1);
    assert_eq!(count_rows(&s), 3);
}

#[test]
fn a_correction_to_an_unavailable_slot_changes_nothing() {
    let s = Store::open_in_memory().unwrap();
    let b = business();
    s.book("CA0", &details("Mary", 16), &b, monday_morning())
        .unwrap();
    let BookingOutcome::Booked {
        appointment_id: held,
        ..
    } = s
        .book("CA1", &details("John", 14), &b, monday_morning())
        .unwrap()
    else {
        panic!()
    };
    for hour in [16, 20] {
        let out = s
            .book("CA1", &details("John", hour), &b, monday_morning())
            .unwrap();
        assert!(
            matches!(out, BookingOutcome::Unavailable { .. }),
            "{hour}: {out:?}"
        );
        // The old booking stands, untouched (its cancel was rolled back).
        let a = s.appointment(held).unwrap().unwrap();
        assert_eq!(
            (a.status, a.cancelled_at, a.start.hour()),
            (AppointmentStatus::Booked, None, 14)
        );
        assert!(s.conn.is_autocommit());
    }
    assert_eq!(count_rows(&s), 2);
    assert_eq!(s.appointment_of_call("CA1").unwrap().unwrap().id, held);
}

#[test]
fn default_service_and_problem_are_stored() {
    let s = Store::open_in_memory().unwrap();
    let mut d = details("John Smith", 15);
    d.service = " service call ".into();
    d.problem = Some("  water heater is making noise ".into());
    let BookingOutcome::Booked { appointment_id, .. } =
        s.book("CA1", &d, &business(), monday_morning()).unwrap()
    else {
        panic!()
    };
    let a = s.appointment(appointment_id).unwrap().unwrap();
    assert_eq!(
        a.service, "Service call",
        "the default, by its configured spelling"
    );
    assert_eq!(a.problem.as_deref(), Some("water heater is making noise"));
    // A blank service is the default service too.
    d.service = String::new();
    d.time = time(9, 0, 0, 0);
    let out = s.book("CA2", &d, &business(), monday_morning()).unwrap();
    let a = s
        .appointment(out.appointment().unwrap().0)
        .unwrap()
        .unwrap();
    assert_eq!(a.service, "Service call");
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
                    // One call per hour and side: a call holds one appointment, so the same
                    // sid booking another hour would be a correction, not a new booking.
                    let sid = format!("{sid}-{hour}");
                    s.book(&sid, &details(&sid, hour), &business(), monday_morning())
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
