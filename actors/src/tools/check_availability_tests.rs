use jiff::civil::{date, datetime, time};

use super::*;
use crate::booking::store::test_support::{business, details, monday_morning};
use crate::booking::UnavailableReason;

#[test]
fn free_slot_sentence() {
    let wanted = datetime(2026, 3, 3, 15, 0, 0, 0);
    let a = Availability::Free { start: wanted };
    assert_eq!(sentence(wanted, &a), "Tuesday March 3rd at 3 PM is open.");
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
        sentence(wanted, &a),
        "Sorry, Tuesday March 3rd at 3 PM is taken; I could do 2 PM or 4 PM that day, \
         or Wednesday March 4th at 9 AM."
    );
}

#[test]
fn every_reason_has_its_own_words() {
    let wanted = datetime(2026, 3, 8, 10, 0, 0, 0); // a Sunday
    let alt = vec![datetime(2026, 3, 9, 8, 0, 0, 0)];
    let say = |reason| {
        sentence(
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
fn runs_against_the_store_and_writes_nothing() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    store
        .book("CA0", &details("Mary", 15), &b, monday_morning())
        .unwrap();
    let env = ToolEnv {
        call_sid: "CA1",
        business: &b,
        now: monday_morning(),
        email_enabled: true,
    };
    let run = ToolRequest::CheckAvailability {
        date: date(2026, 3, 3),
        time: time(15, 0, 0, 0),
    }
    .run(&store, &env)
    .unwrap();
    assert_eq!(run.report.tool, NAME);
    assert!(
        run.report
            .sentence
            .starts_with("Sorry, Tuesday March 3rd at 3 PM is taken; I could do"),
        "{}",
        run.report.sentence
    );
    assert_eq!(run.report.booked, None);
    assert!(!run.report.succeeded, "taken");
    assert!(run.email.is_none());
    assert_eq!(run.result["availability"]["Unavailable"]["reason"], "Taken");
    assert!(store.appointment_of_call("CA1").unwrap().is_none());
}
