use jiff::civil::{date, datetime, time};

use super::*;

#[test]
fn spoken_datetime_reads_naturally() {
    // 2026-03-03 is a Tuesday.
    assert_eq!(
        spoken_datetime(datetime(2026, 3, 3, 15, 0, 0, 0)),
        "Tuesday March 3rd at 3 PM"
    );
    assert_eq!(
        spoken_datetime(datetime(2026, 3, 3, 15, 30, 0, 0)),
        "Tuesday March 3rd at 3:30 PM"
    );
    assert_eq!(
        spoken_datetime(datetime(2026, 3, 3, 12, 0, 0, 0)),
        "Tuesday March 3rd at noon"
    );
    assert_eq!(
        spoken_datetime(datetime(2026, 3, 4, 9, 5, 0, 0)),
        "Wednesday March 4th at 9:05 AM"
    );
}

#[test]
fn spoken_time_edges() {
    assert_eq!(spoken_time(time(0, 0, 0, 0)), "midnight");
    assert_eq!(spoken_time(time(0, 30, 0, 0)), "12:30 AM");
    assert_eq!(spoken_time(time(12, 15, 0, 0)), "12:15 PM");
    assert_eq!(spoken_time(time(23, 0, 0, 0)), "11 PM");
    assert_eq!(spoken_time(time(8, 0, 0, 0)), "8 AM");
}

#[test]
fn ordinals() {
    let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 30, 31]
        .map(ordinal)
        .to_vec();
    assert_eq!(
        got,
        [
            "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "30th",
            "31st"
        ]
    );
}

#[test]
fn spoken_email_for_tts() {
    assert_eq!(spoken_email("john@example.com"), "john at example dot com");
    assert_eq!(
        spoken_email(" Mary.O_Neil+plumb@my-mail.co.uk "),
        "mary dot o underscore neil plus plumb at my dash mail dot co dot uk"
    );
}

#[test]
fn free_slot_sentence() {
    let a = Availability::Free {
        start: datetime(2026, 3, 3, 15, 0, 0, 0),
    };
    assert_eq!(
        availability_sentence(&a),
        "Tuesday March 3rd at 3 PM is open."
    );
}

#[test]
fn taken_slot_names_wanted_and_groups_alternatives_by_day() {
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    let a = Availability::Unavailable {
        reason: UnavailableReason::Taken,
        alternatives: vec![
            datetime(2026, 3, 3, 14, 0, 0, 0),
            datetime(2026, 3, 3, 16, 0, 0, 0),
            datetime(2026, 3, 4, 9, 0, 0, 0),
        ],
    };
    assert_eq!(
        availability_sentence_at(wanted, &a),
        "Sorry, Tuesday March 3rd at 3 PM is taken; I could do 2 PM or 4 PM that day, \
         or Wednesday March 4th at 9 AM."
    );
    assert_eq!(
        availability_sentence(&a),
        "Sorry, that time is taken; I could do Tuesday March 3rd at 2 PM or 4 PM, \
         or Wednesday March 4th at 9 AM."
    );
}

#[test]
fn every_reason_has_its_own_words() {
    let wanted = datetime(2026, 3, 8, 10, 0, 0, 0); // a Sunday
    let alt = vec![datetime(2026, 3, 9, 8, 0, 0, 0)];
    let say = |reason| {
        availability_sentence_at(
            wanted,
            &Availability::Unavailable {
                reason,
                alternatives: alt.clone(),
            },
        )
    };
    assert_eq!(
        say(UnavailableReason::Closed),
        "Sorry, we're closed on Sundays; I could do Monday March 9th at 8 AM."
    );
    assert!(say(UnavailableReason::OutsideHours)
        .starts_with("Sorry, Sunday March 8th at 10 AM is outside our hours; I could do"));
    assert!(say(UnavailableReason::InThePast).contains("has already passed"));
}

#[test]
fn no_alternatives_says_so() {
    let a = Availability::Unavailable {
        reason: UnavailableReason::Taken,
        alternatives: vec![],
    };
    assert_eq!(
        availability_sentence(&a),
        "Sorry, that time is taken, and I have nothing free in the next two weeks."
    );
}

#[test]
fn booking_sentences() {
    let start = datetime(2026, 3, 3, 15, 0, 0, 0);
    let booked = BookingOutcome::Booked {
        appointment_id: 7,
        start,
    };
    assert_eq!(
        booking_sentence(&booked, Some("john@example.com")),
        "You're booked for Tuesday March 3rd at 3 PM; a confirmation is on its way to \
         john at example dot com."
    );
    assert_eq!(
        booking_sentence(&booked, None),
        "You're booked for Tuesday March 3rd at 3 PM."
    );
    assert_eq!(
        booking_sentence(&booked, Some("  ")),
        "You're booked for Tuesday March 3rd at 3 PM."
    );
    let again = BookingOutcome::AlreadyBooked {
        appointment_id: 7,
        start,
    };
    assert_eq!(
        booking_sentence(&again, None),
        "You're already booked for Tuesday March 3rd at 3 PM."
    );
    let refused = BookingOutcome::Unavailable {
        reason: UnavailableReason::Taken,
        alternatives: vec![datetime(2026, 3, 3, 16, 0, 0, 0)],
    };
    assert_eq!(
        booking_sentence(&refused, Some("john@example.com")),
        "Sorry, that time is taken; I could do Tuesday March 3rd at 4 PM."
    );
}

#[test]
fn spoken_date_alone() {
    assert_eq!(spoken_date(date(2026, 12, 31)), "Thursday December 31st");
}
