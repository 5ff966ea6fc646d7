use jiff::civil::{date, datetime, time};

use super::*;
use crate::booking::store::test_support::{business, details, monday_morning};

fn reschedule(store: &Store, business: &Business, d: BookingDetails) -> ToolRun {
    ToolRequest::Reschedule(d)
        .run(
            store,
            &ToolEnv {
                call_sid: "CA-NOW",
                business,
                now: monday_morning(),
                email_enabled: true,
            },
        )
        .unwrap()
}

fn move_to(name: &str, phone: &str) -> BookingDetails {
    BookingDetails {
        name: name.into(),
        phone: phone.into(),
        email: None,
        address: String::new(),
        service: String::new(),
        problem: None,
        date: date(2026, 3, 5),
        time: time(13, 0, 0, 0),
    }
}

#[test]
fn moves_the_callers_appointment_and_emails_the_move() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let old = store
        .book(
            "CA-EARLIER",
            &details("John Smith", 15),
            &b,
            monday_morning(),
        )
        .unwrap()
        .appointment()
        .unwrap()
        .0;
    let run = reschedule(&store, &b, move_to("John Smith", "555 123 4567"));
    assert_eq!(
        run.report.sentence,
        "I've moved your appointment to Thursday March 5th at 1 PM; a confirmation is on its \
         way to john at example dot com."
    );
    let (id, start) = run.report.booked.expect("the call now holds it");
    assert!(run.report.succeeded);
    assert_eq!(start, datetime(2026, 3, 5, 13, 0, 0, 0));
    assert_eq!(run.result["outcome"], "moved");
    assert_eq!(run.result["replaced_appointment_id"], old);
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert!(
        outbox[0].subject.starts_with("Moved: "),
        "{}",
        outbox[0].subject
    );
    assert!(
        outbox[0]
            .body
            .contains("moved from Tuesday, March 3, 2026 at 3:00 PM"),
        "{}",
        outbox[0].body
    );
    assert!(outbox[0].body.contains(&format!("Booking:  #{id}")));
    assert_eq!(run.email.unwrap().appointment_id, id);
}

#[test]
fn not_found_says_so_and_books_nothing() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let run = reschedule(&store, &b, move_to("Nobody Here", "5550000000"));
    assert_eq!(run.report.sentence, NOT_FOUND);
    assert_eq!(
        run.report.sentence,
        "I couldn't find an appointment under that name and number."
    );
    assert_eq!(run.report.booked, None);
    assert!(!run.report.succeeded);
    assert!(run.email.is_none());
    assert_eq!(run.result["outcome"], "not_found");
}

#[test]
fn not_found_with_an_address_books_anew() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    let mut d = move_to("Ann Lee", "5552223333");
    d.address = "1 Pine Road".into();
    d.email = Some("ann@example.com".into());
    let run = reschedule(&store, &b, d);
    assert_eq!(
        run.report.sentence,
        "I couldn't find an earlier appointment under that name and number, so I've booked \
         you for Thursday March 5th at 1 PM; a confirmation is on its way to ann at example \
         dot com."
    );
    assert!(run.report.booked.is_some());
    assert!(store.outbox().unwrap()[0].subject.starts_with("Your "));
}

#[test]
fn an_unavailable_time_keeps_the_appointment_and_says_so() {
    let store = Store::open_in_memory().unwrap();
    let b = business();
    store
        .book(
            "CA-EARLIER",
            &details("John Smith", 15),
            &b,
            monday_morning(),
        )
        .unwrap();
    let mut d = move_to("John Smith", "5551234567");
    d.time = time(20, 0, 0, 0);
    let run = reschedule(&store, &b, d);
    assert!(
        run.report.sentence.starts_with(
            "Sorry, Thursday March 5th at 8 PM is outside our hours, so you're still booked \
             for Tuesday March 3rd at 3 PM; I could do"
        ),
        "{}",
        run.report.sentence
    );
    assert_eq!(run.report.booked, None, "this call holds nothing");
    assert!(store.outbox().unwrap().is_empty());
}
