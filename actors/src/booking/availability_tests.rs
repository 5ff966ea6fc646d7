use jiff::civil::{date, datetime, DateTime};

use super::*;
use crate::booking::store::AppointmentStatus;

/// 2026-03-03 is a Tuesday; "now" is Monday 2026-03-02 10:00 unless a test says otherwise.
fn monday_morning() -> DateTime {
    datetime(2026, 3, 2, 10, 0, 0, 0)
}

fn appt(start: DateTime, minutes: i64) -> Appointment {
    Appointment {
        id: 1,
        call_sid: "CA1".into(),
        name: "Someone".into(),
        phone: "5550000000".into(),
        email: None,
        address: "1 Main St".into(),
        service: "Leak repair".into(),
        problem: None,
        start,
        end: start + SignedDuration::from_mins(minutes),
        status: AppointmentStatus::Booked,
        created_at: Timestamp::UNIX_EPOCH,
        cancelled_at: None,
        replaces: None,
    }
}

fn unavailable(a: Availability) -> (UnavailableReason, Vec<DateTime>) {
    match a {
        Availability::Unavailable {
            reason,
            alternatives,
        } => (reason, alternatives),
        Availability::Free { start } => panic!("expected unavailable, got free at {start}"),
    }
}

#[test]
fn free_slot_inside_hours() {
    let b = Business::default();
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    assert_eq!(
        check(&b, &[], wanted, monday_morning()),
        Availability::Free { start: wanted }
    );
    // Off-grid is fine when it fits; the last slot may end exactly at closing.
    let off_grid = datetime(2026, 3, 3, 15, 30, 0, 0);
    assert_eq!(
        check(&b, &[], off_grid, monday_morning()),
        Availability::Free { start: off_grid }
    );
    let last = datetime(2026, 3, 3, 16, 0, 0, 0);
    assert_eq!(
        check(&b, &[], last, monday_morning()),
        Availability::Free { start: last }
    );
}

#[test]
fn closed_sunday_offers_monday() {
    let b = Business::default();
    let sunday = datetime(2026, 3, 8, 10, 0, 0, 0);
    let (reason, alts) = unavailable(check(&b, &[], sunday, monday_morning()));
    assert_eq!(reason, UnavailableReason::Closed);
    assert_eq!(
        alts,
        vec![
            datetime(2026, 3, 9, 8, 0, 0, 0),
            datetime(2026, 3, 9, 9, 0, 0, 0),
            datetime(2026, 3, 9, 10, 0, 0, 0)
        ]
    );
}

#[test]
fn before_opening_is_outside_hours() {
    let b = Business::default();
    let early = datetime(2026, 3, 3, 7, 30, 0, 0);
    let (reason, alts) = unavailable(check(&b, &[], early, monday_morning()));
    assert_eq!(reason, UnavailableReason::OutsideHours);
    // Nearest the wanted time on the same day: 8, 9, 10.
    assert_eq!(alts[0], datetime(2026, 3, 3, 8, 0, 0, 0));
    assert_eq!(alts.len(), 3);
}

#[test]
fn ending_after_close_is_outside_hours() {
    let b = Business::default();
    // Saturday 12:30 + 60 min = 13:30, after the 13:00 close.
    let late = datetime(2026, 3, 7, 12, 30, 0, 0);
    let (reason, alts) = unavailable(check(&b, &[], late, monday_morning()));
    assert_eq!(reason, UnavailableReason::OutsideHours);
    assert_eq!(
        alts,
        vec![
            datetime(2026, 3, 7, 10, 0, 0, 0),
            datetime(2026, 3, 7, 11, 0, 0, 0),
            datetime(2026, 3, 7, 12, 0, 0, 0)
        ]
    );
}

#[test]
fn taken_slot_offers_nearest_earlier_and_later() {
    let b = Business::default();
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    let existing = [appt(wanted, 60)];
    let (reason, alts) = unavailable(check(&b, &existing, wanted, monday_morning()));
    assert_eq!(reason, UnavailableReason::Taken);
    // 2 PM and 4 PM are equally near; then 1 PM (ties go earlier); soonest first.
    assert_eq!(
        alts,
        vec![
            datetime(2026, 3, 3, 13, 0, 0, 0),
            datetime(2026, 3, 3, 14, 0, 0, 0),
            datetime(2026, 3, 3, 16, 0, 0, 0)
        ]
    );
}

#[test]
fn partial_overlap_is_taken_and_blocks_grid_slots() {
    let b = Business::default();
    // An existing 14:30-15:30 blocks both the 14:00 and 15:00 grid slots.
    let existing = [appt(datetime(2026, 3, 3, 14, 30, 0, 0), 60)];
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    let (reason, alts) = unavailable(check(&b, &existing, wanted, monday_morning()));
    assert_eq!(reason, UnavailableReason::Taken);
    // Nearest free: 4 PM (1h away), 1 PM (2h), noon (3h); said soonest first.
    assert_eq!(
        alts,
        vec![
            datetime(2026, 3, 3, 12, 0, 0, 0),
            datetime(2026, 3, 3, 13, 0, 0, 0),
            datetime(2026, 3, 3, 16, 0, 0, 0)
        ]
    );
    // Touching ends do not overlap.
    let after = datetime(2026, 3, 3, 15, 30, 0, 0);
    assert_eq!(
        check(&b, &existing, after, monday_morning()),
        Availability::Free { start: after }
    );
}

#[test]
fn full_day_spills_to_following_days() {
    let b = Business::default();
    let day: Vec<Appointment> = (8..17)
        .map(|h| appt(datetime(2026, 3, 3, h, 0, 0, 0), 60))
        .collect();
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    let (_, alts) = unavailable(check(&b, &day, wanted, monday_morning()));
    assert_eq!(
        alts,
        vec![
            datetime(2026, 3, 4, 8, 0, 0, 0),
            datetime(2026, 3, 4, 9, 0, 0, 0),
            datetime(2026, 3, 4, 10, 0, 0, 0)
        ]
    );
}

#[test]
fn in_the_past_offers_only_future_slots() {
    let b = Business::default();
    let now = datetime(2026, 3, 3, 14, 20, 0, 0);
    let earlier_today = datetime(2026, 3, 3, 9, 0, 0, 0);
    let (reason, alts) = unavailable(check(&b, &[], earlier_today, now));
    assert_eq!(reason, UnavailableReason::InThePast);
    assert!(alts.iter().all(|a| *a >= now), "{alts:?}");
    // The nearest free ones to 9 AM that have not started: 3 PM and 4 PM today, then Wednesday.
    assert_eq!(
        alts,
        vec![
            datetime(2026, 3, 3, 15, 0, 0, 0),
            datetime(2026, 3, 3, 16, 0, 0, 0),
            datetime(2026, 3, 4, 8, 0, 0, 0)
        ]
    );
    // Last week searches from today, not from last week.
    let last_week = datetime(2026, 2, 24, 9, 0, 0, 0);
    let (reason, alts) = unavailable(check(&b, &[], last_week, now));
    assert_eq!(reason, UnavailableReason::InThePast);
    assert_eq!(alts[0], datetime(2026, 3, 3, 15, 0, 0, 0));
    // A slot that has already started counts as past.
    let started = datetime(2026, 3, 3, 14, 0, 0, 0);
    assert_eq!(
        unavailable(check(&b, &[], started, now)).0,
        UnavailableReason::InThePast
    );
}

#[test]
fn nothing_free_in_the_window_gives_no_alternatives() {
    let mut b = Business::default();
    // Only Tuesdays open, 8-9; all of them in the window taken.
    let closed = crate::booking::business::DayHours::Closed;
    b.hours.monday = closed;
    b.hours.wednesday = closed;
    b.hours.thursday = closed;
    b.hours.friday = closed;
    b.hours.saturday = closed;
    b.hours.tuesday = crate::booking::business::DayHours::parse("08:00-09:00").unwrap();
    let taken: Vec<Appointment> = [3, 10, 17]
        .iter()
        .map(|d| appt(datetime(2026, 3, *d, 8, 0, 0, 0), 60))
        .collect();
    let wanted = datetime(2026, 3, 3, 8, 0, 0, 0);
    let (reason, alts) = unavailable(check(&b, &taken, wanted, monday_morning()));
    assert_eq!(reason, UnavailableReason::Taken);
    assert_eq!(alts, vec![], "the search is limited to {SEARCH_DAYS} days");
    // Free the 17th (day 14 of the search) and it is found.
    let (_, alts) = unavailable(check(&b, &taken[..2], wanted, monday_morning()));
    assert_eq!(alts, vec![datetime(2026, 3, 17, 8, 0, 0, 0)]);
}

#[test]
fn search_window_covers_now_through_the_last_search_day() {
    let (from, to) = search_window(datetime(2026, 3, 3, 15, 0, 0, 0), monday_morning());
    assert_eq!(
        from,
        date(2026, 3, 2).to_datetime(jiff::civil::Time::midnight())
    );
    assert_eq!(
        to,
        date(2026, 3, 18).to_datetime(jiff::civil::Time::midnight())
    );
}
