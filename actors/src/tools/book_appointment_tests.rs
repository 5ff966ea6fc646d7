use jiff::civil::{datetime, time};

use super::*;
use crate::booking::store::test_support::{business, details, monday_morning};
use crate::booking::UnavailableReason;

fn env(business: &Business) -> ToolEnv<'_> {
    ToolEnv {
        call_sid: "CA1",
        business,
        now: monday_morning(),
        email_enabled: true,
    }
}

fn book(store: &Store, business: &Business, d: &BookingDetails) -> ToolRun {
    ToolRequest::Book(d.clone())
        .run(store, &env(business))
        .unwrap()
}

#[test]
fn booking_sentences() {
    let start = datetime(2026, 3, 3, 15, 0, 0, 0);
    let booked = BookingOutcome::Booked {
        appointment_id: 7,
        start,
    };
    assert_eq!(
        sentence(&booked, start, None, Some("john@example.com")),
        "You're booked for Tuesday March 3rd at 3 PM; a confirmation is on its way to \
         john at example dot com."
    );
    assert_eq!(
        sentence(&booked, start, None, None),
        "You're booked for Tuesday March 3rd at 3 PM."
    );
    assert_eq!(
        sentence(&booked, start, None, Some("  ")),
        "You're booked for Tuesday March 3rd at 3 PM."
    );
    let again = BookingOutcome::AlreadyBooked {
        appointment_id: 7,
        start,
    };
    assert_eq!(
        sentence(&again, start, None, None),
        "You're already booked for Tuesday March 3rd at 3 PM."
    );
    let refused = BookingOutcome::Unavailable {
        reason: UnavailableReason::Taken,
        alternatives: vec![datetime(2026, 3, 3, 16, 0, 0, 0)],
    };
    assert_eq!(
        sentence(&refused, start, None, Some("john@example.com")),
        "Sorry, that time is taken; I could do Tuesday March 3rd at 4 PM."
    );
    assert_eq!(
        sentence(
            &refused,
            start,
            Some(datetime(2026, 3, 3, 13, 0, 0, 0)),
            None
        ),
        "Sorry, Tuesday March 3rd at 3 PM is taken, so you're still booked for Tuesday March \
         3rd at 1 PM; I could do 4 PM that day."
    );
    let replaced = BookingOutcome::Replaced {
        appointment_id: 8,
        start: datetime(2026, 1, 8, 13, 0, 0, 0),
        replaced_id: 7,
        replaced_start: start,
    };
    assert_eq!(
        sentence(&replaced, start, None, None),
        "I've changed that: you're booked for Thursday January 8th at 1 PM."
    );
    assert_eq!(
        sentence(&replaced, start, None, Some("a@b.example")),
        "I've changed that: you're booked for Thursday January 8th at 1 PM; a new \
         confirmation is on its way to a at b dot example."
    );
}

#[test]
fn default_service_booking_stores_the_default_and_the_problem() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let mut d = details("John Smith", 15);
    d.service = b.default_service.clone();
    d.problem = Some("a strange gurgling in the walls".into());
    let run = book(&store, &b, &d);
    let (id, _) = run.report.booked.expect("booked");
    let a = store.appointment(id).unwrap().unwrap();
    assert_eq!(a.service, "Service call");
    assert_eq!(
        a.problem.as_deref(),
        Some("a strange gurgling in the walls")
    );
    // The queued confirmation names the default service and the problem.
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert!(
        outbox[0].body.contains("Service:  Service call"),
        "{}",
        outbox[0].body
    );
    assert!(
        outbox[0]
            .body
            .contains("Problem:  a strange gurgling in the walls"),
        "{}",
        outbox[0].body
    );
    assert_eq!(run.report.email_to.as_deref(), Some("john@example.com"));
    let email = run.email.expect("a send_confirmation_email run");
    assert_eq!(email.appointment_id, id);
    assert_eq!(email.outbox, Ok(outbox[0].id));
    assert_eq!(run.result["outcome"], "booked");
}

#[test]
fn the_same_details_twice_write_and_email_nothing_more() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let first = book(&store, &b, &details("John Smith", 15));
    let again = book(&store, &b, &details("John Smith", 15));
    assert_eq!(again.report.booked, first.report.booked);
    assert!(again.email.is_none());
    assert_eq!(again.report.email_to, None);
    assert_eq!(
        again.report.sentence,
        "You're already booked for Tuesday March 3rd at 3 PM."
    );
    assert_eq!(store.outbox().unwrap().len(), 1, "one confirmation");
    assert_eq!(again.result["outcome"], "already_booked");
}

#[test]
fn a_correction_replaces_emails_again_and_says_so() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let first = book(&store, &b, &details("John Smith", 14));
    let (old, _) = first.report.booked.unwrap();
    let mut corrected = details("John Smith", 14);
    corrected.time = time(14, 30, 0, 0);
    let run = book(&store, &b, &corrected);
    let (new, start) = run.report.booked.expect("the call holds the new booking");
    assert_ne!(new, old);
    assert_eq!(start, datetime(2026, 3, 3, 14, 30, 0, 0));
    assert_eq!(
        run.report.sentence,
        "I've changed that: you're booked for Tuesday March 3rd at 2:30 PM; a new \
         confirmation is on its way to john at example dot com."
    );
    assert_eq!(run.result["outcome"], "replaced");
    assert_eq!(run.result["replaced_appointment_id"], old);
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 2);
    assert!(
        outbox[1].subject.starts_with("Changed: "),
        "{}",
        outbox[1].subject
    );
    assert!(
        outbox[1]
            .body
            .contains(&format!("This replaces booking #{old}")),
        "{}",
        outbox[1].body
    );

    // A correction to a taken slot: nothing changes, and the caller hears what stands.
    let mut mary = details("Mary", 16);
    mary.phone = "5550001111".into();
    store.book("CA-MARY", &mary, &b, monday_morning()).unwrap();
    let refused = book(&store, &b, &details("John Smith", 16));
    assert_eq!(refused.report.booked, Some((new, start)));
    assert!(
        !refused.report.succeeded,
        "the asked-for booking did not happen"
    );
    assert!(run.report.succeeded && first.report.succeeded);
    assert!(
        refused.report.sentence.starts_with(
            "Sorry, Tuesday March 3rd at 4 PM is taken, so you're still booked for Tuesday \
             March 3rd at 2:30 PM; I could do"
        ),
        "{}",
        refused.report.sentence
    );
    assert_eq!(store.outbox().unwrap().len(), 2);
}

#[test]
fn no_email_when_disabled_or_not_given() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let mut off = env(&b);
    off.email_enabled = false;
    let run = ToolRequest::Book(details("John", 9))
        .run(&store, &off)
        .unwrap();
    assert!(run.email.is_none() && run.report.booked.is_some());
    let mut d = details("Mary", 10);
    d.email = None;
    let run = ToolRequest::Book(d)
        .run(
            &store,
            &ToolEnv {
                call_sid: "CA2",
                ..env(&b)
            },
        )
        .unwrap();
    assert!(run.email.is_none());
    assert_eq!(
        run.report.sentence,
        "You're booked for Tuesday March 3rd at 10 AM."
    );
    assert!(store.outbox().unwrap().is_empty());
}
