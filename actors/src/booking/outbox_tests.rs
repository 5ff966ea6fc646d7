use super::*;
use crate::booking::store::test_support::monday_morning;

#[test]
fn enqueue_then_due_then_sent() {
    let s = Store::open_in_memory().unwrap();
    let now = monday_morning();
    let id = s
        .enqueue_email("john@example.com", "Booked", "See you", Some("CA1"), now)
        .unwrap();
    let due = s.due_emails(now, 10).unwrap();
    assert_eq!(due.len(), 1);
    let e = &due[0];
    assert_eq!(
        (e.id, e.to.as_str(), e.subject.as_str(), e.body.as_str()),
        (id, "john@example.com", "Booked", "See you")
    );
    assert_eq!(e.call_sid.as_deref(), Some("CA1"));
    assert_eq!((e.status, e.attempts), (EmailStatus::Queued, 0));

    s.mark_email_sent(id, now).unwrap();
    assert!(s.due_emails(now, 10).unwrap().is_empty());
    let e = &s.outbox().unwrap()[0];
    assert_eq!((e.status, e.sent_at), (EmailStatus::Sent, Some(now)));
    assert!(matches!(
        s.mark_email_sent(999, now),
        Err(StoreError::NotFound { id: 999, .. })
    ));
}

#[test]
fn due_respects_time_order_and_limit() {
    let s = Store::open_in_memory().unwrap();
    let now = monday_morning();
    let later = now.checked_add(SignedDuration::from_mins(5)).unwrap();
    let a = s
        .enqueue_email("a@x.example", "a", "a", None, later)
        .unwrap();
    let b = s.enqueue_email("b@x.example", "b", "b", None, now).unwrap();
    let c = s.enqueue_email("c@x.example", "c", "c", None, now).unwrap();
    let ids = |v: Vec<OutboxEmail>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(s.due_emails(now, 10).unwrap()), vec![b, c]);
    assert_eq!(ids(s.due_emails(now, 1).unwrap()), vec![b]);
    assert_eq!(ids(s.due_emails(later, 10).unwrap()), vec![b, c, a]);
}

#[test]
fn failures_back_off_then_give_up() {
    let s = Store::open_in_memory().unwrap();
    let mut now = monday_morning();
    let id = s
        .enqueue_email("john@example.com", "s", "b", None, now)
        .unwrap();
    let mut waits = Vec::new();
    for attempt in 1..MAX_EMAIL_ATTEMPTS {
        s.mark_email_failed(id, &format!("451 try {attempt}"), now)
            .unwrap();
        let e = s.outbox().unwrap().remove(0);
        assert_eq!((e.status, e.attempts), (EmailStatus::Queued, attempt));
        assert_eq!(e.last_error, Some(format!("451 try {attempt}")));
        waits.push(e.next_attempt_at.duration_since(now));
        // Not due before its time, due at it.
        assert!(s.due_emails(now, 10).unwrap().is_empty());
        now = e.next_attempt_at;
        assert_eq!(s.due_emails(now, 10).unwrap().len(), 1);
    }
    let secs: Vec<i64> = waits.iter().map(|d| d.as_secs()).collect();
    assert_eq!(secs, vec![5, 30, 120, 600, 3600, 3600, 3600]);
    // The last allowed attempt fails: given up, never due again.
    s.mark_email_failed(id, "451 last", now).unwrap();
    let e = s.outbox().unwrap().remove(0);
    assert_eq!(
        (e.status, e.attempts),
        (EmailStatus::Failed, MAX_EMAIL_ATTEMPTS)
    );
    let far = now.checked_add(SignedDuration::from_hours(100)).unwrap();
    assert!(s.due_emails(far, 10).unwrap().is_empty());
}

#[test]
fn permanent_failure_gives_up_at_once() {
    let s = Store::open_in_memory().unwrap();
    let now = monday_morning();
    let id = s
        .enqueue_email("nobody@example.com", "s", "b", None, now)
        .unwrap();
    s.mark_email_failed_permanently(id, "550 no such user", now)
        .unwrap();
    let e = s.outbox().unwrap().remove(0);
    assert_eq!((e.status, e.attempts), (EmailStatus::Failed, 1));
    assert_eq!(e.last_error.as_deref(), Some("550 no such user"));
    assert!(s.due_emails(now, 10).unwrap().is_empty());
    assert!(matches!(
        s.mark_email_failed(42, "x", now),
        Err(StoreError::NotFound { .. })
    ));
}
