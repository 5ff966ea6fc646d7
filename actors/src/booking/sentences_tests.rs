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
fn unnamed_slot_is_that_time() {
    let alternatives = [
        datetime(2026, 3, 3, 14, 0, 0, 0),
        datetime(2026, 3, 3, 16, 0, 0, 0),
        datetime(2026, 3, 4, 9, 0, 0, 0),
    ];
    assert_eq!(
        unavailable_sentence(UnavailableReason::Taken, None, &alternatives),
        "Sorry, that time is taken; I could do Tuesday March 3rd at 2 PM or 4 PM, \
         or Wednesday March 4th at 9 AM."
    );
}

#[test]
fn no_alternatives_says_so() {
    assert_eq!(
        unavailable_sentence(UnavailableReason::Taken, None, &[]),
        "Sorry, that time is taken, and I have nothing free in the next two weeks."
    );
}

#[test]
fn a_kept_booking_is_named() {
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    let kept = datetime(2026, 3, 3, 14, 0, 0, 0);
    assert_eq!(
        still_booked_sentence(
            UnavailableReason::Taken,
            wanted,
            kept,
            &[datetime(2026, 3, 3, 16, 0, 0, 0)]
        ),
        "Sorry, Tuesday March 3rd at 3 PM is taken, so you're still booked for Tuesday March \
         3rd at 2 PM; I could do 4 PM that day."
    );
    assert_eq!(
        still_booked_sentence(UnavailableReason::Taken, wanted, kept, &[]),
        "Sorry, Tuesday March 3rd at 3 PM is taken, so you're still booked for Tuesday March \
         3rd at 2 PM, and I have nothing free in the next two weeks."
    );
}

#[test]
fn spoken_date_alone() {
    assert_eq!(spoken_date(date(2026, 12, 31)), "Thursday December 31st");
}
