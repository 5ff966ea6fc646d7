//! Tests of the per-call state machine: pieces in, actions out.

use super::*;
use jiff::civil::{date, time};

fn bridge() -> ToolBridgeState {
    ToolBridgeState::new(ExtractionContext::new(
        &["Drain cleaning", "Leak repair"],
        date(2025, 3, 12),
    ))
}

/// Feeds text as PersonaPlex pieces (one per word, punctuation apart), then flushes.
fn say(b: &mut ToolBridgeState, text: &str) -> Vec<BridgeAction> {
    let mut actions = Vec::new();
    for word in text.split_whitespace() {
        let core = word.trim_end_matches(['.', ',', '?']);
        actions.extend(b.push_piece(&format!(" {core}")));
        if core.len() < word.len() {
            actions.extend(b.push_piece(&word[core.len()..]));
        }
    }
    actions.extend(b.flush());
    actions
}

const READBACK: &str =
    "So that's John Smith at 42 Oak Street, 555 123 4567, for drain cleaning on Friday at 3 pm.";

#[test]
fn a_sentence_is_handled_when_the_next_word_starts() {
    let mut b = bridge();
    for piece in [" Let", " me", " check", " Fri", "day", "."] {
        assert_eq!(b.push_piece(piece), vec![]);
    }
    let done = b.push_piece(" One");
    assert_eq!(
        done,
        vec![BridgeAction::CheckAvailability {
            date: Some(date(2025, 3, 14)),
            time: None
        }]
    );
    assert_eq!(b.flush(), vec![]);
}

#[test]
fn books_once_when_complete_and_committed() {
    let mut b = bridge();
    assert_eq!(say(&mut b, READBACK), vec![]);
    let actions = say(&mut b, "Let me book that for you. You're all booked.");
    let [BridgeAction::Book(details)] = actions.as_slice() else {
        panic!("{actions:?}")
    };
    assert_eq!(details.name, "John Smith");
    assert_eq!(details.start(), date(2025, 3, 14).at(15, 0, 0, 0));
    assert_eq!(b.facts().phone.as_ref().unwrap().value, "5551234567");
}

#[test]
fn questions_book_nothing_and_missing_details_are_reported() {
    let mut b = bridge();
    assert_eq!(say(&mut b, "Would you like me to book that?"), vec![]);
    let actions = say(&mut b, "Let me book that for you.");
    assert_eq!(
        actions,
        vec![BridgeAction::BookingIncomplete {
            missing: vec!["name", "phone", "address", "date", "time"]
        }]
    );
}

#[test]
fn a_commitment_completes_when_the_missing_detail_is_read_back() {
    let mut b = bridge();
    say(
        &mut b,
        "So that's John Smith, 555 123 4567, for drain cleaning on Friday at 3 pm.",
    );
    let actions = say(&mut b, "I'll book that now. I just need the address.");
    assert_eq!(
        actions,
        vec![BridgeAction::BookingIncomplete {
            missing: vec!["address"]
        }]
    );
    let actions = say(&mut b, "42 Oak Street, got it.");
    assert!(
        matches!(actions.as_slice(), [BridgeAction::Book(d)] if d.address == "42 Oak Street"),
        "{actions:?}"
    );
}

#[test]
fn a_commitment_expires() {
    let mut b = bridge();
    say(
        &mut b,
        "So that's John Smith, 555 123 4567, for drain cleaning on Friday at 3 pm.",
    );
    say(&mut b, "Let me book that for you.");
    for _ in 0..PENDING_SENTENCES {
        assert_eq!(say(&mut b, "Okay."), vec![]);
    }
    assert_eq!(say(&mut b, "42 Oak Street, got it."), vec![]);
}

#[test]
fn a_changed_booking_is_reported_not_booked_twice() {
    let mut b = bridge();
    say(&mut b, READBACK);
    say(&mut b, "Let me book that for you.");
    say(&mut b, "You'll get a reminder on Thursday.");
    let actions = say(&mut b, "You're all booked.");
    assert_eq!(
        actions,
        vec![BridgeAction::BookingIncomplete {
            missing: vec!["date"]
        }]
    );
}

#[test]
fn a_pause_ends_a_punctuated_sentence_but_not_an_open_one() {
    let mut b = bridge();
    say(&mut b, READBACK);
    for piece in [" Let", " me", " book", " that", " for", " you", "."] {
        assert!(b.push_piece(piece).is_empty());
    }
    assert!(matches!(b.pause().as_slice(), [BridgeAction::Book(_)]));
    let mut b = bridge();
    for piece in [" Let", " me", " book"] {
        b.push_piece(piece);
    }
    assert!(
        b.pause().is_empty(),
        "an unfinished sentence must stay open"
    );
}

#[test]
fn after_a_failed_booking_a_new_time_books() {
    let mut b = bridge();
    say(&mut b, READBACK);
    let first = say(&mut b, "Let me book that for you.");
    assert!(
        matches!(first.as_slice(), [BridgeAction::Book(_)]),
        "{first:?}"
    );
    b.booking_failed();
    assert!(
        say(&mut b, "Let me book that for you.").is_empty(),
        "the same failed details again"
    );
    say(&mut b, "So that is Thursday at 10 AM.");
    let second = say(&mut b, "Let me book that for you.");
    match second.as_slice() {
        [BridgeAction::Book(details)] => {
            assert_eq!(details.time, jiff::civil::time(10, 0, 0, 0))
        }
        other => panic!("expected a new booking, got {other:?}"),
    }
}

#[test]
fn cancel_uses_what_the_sentence_names_or_the_facts() {
    let mut b = bridge();
    say(&mut b, "I see your appointment on Friday at 3 pm.");
    let actions = say(&mut b, "Let me cancel that appointment.");
    assert_eq!(
        actions,
        vec![BridgeAction::Cancel {
            date: Some(date(2025, 3, 14)),
            time: Some(time(15, 0, 0, 0))
        }]
    );
    let actions = say(&mut b, "I'll cancel the one on Thursday too.");
    assert_eq!(
        actions,
        vec![BridgeAction::Cancel {
            date: Some(date(2025, 3, 13)),
            time: None
        }]
    );
}

#[test]
fn a_name_heard_in_parts_then_read_back_whole() {
    let mut b = bridge();
    say(&mut b, "And the last name, Ifeoma?");
    say(&mut b, "Okafor.");
    say(&mut b, "Ifeoma Okafor.");
    assert_eq!(b.facts().name.as_ref().unwrap().value, "Ifeoma Okafor");
    let mut b = bridge();
    say(&mut b, "Could you spell the last name?");
    say(&mut b, "O-K-A-F-O-R, Okafor.");
    say(&mut b, "Alright Ifeoma, thank you.");
    assert_eq!(b.facts().name.as_ref().unwrap().value, "Ifeoma Okafor");
}

#[test]
fn a_glad_plain_restatement_of_the_slot_confirms_it() {
    let mut b = bridge();
    say(
        &mut b,
        "So that's John Smith, 555 123 4567, 42 Oak Street. I can do Friday at 3 pm for the drain.",
    );
    let actions = say(&mut b, "Great, John Smith, Friday at 3 pm.");
    assert!(
        matches!(actions.as_slice(), [BridgeAction::Book(_)]),
        "{actions:?}"
    );

    let mut b = bridge();
    say(&mut b, "So that's John Smith, 555 123 4567, 42 Oak Street.");
    let actions = say(
        &mut b,
        "Great, Friday at 3 pm. Or would Monday suit you better?",
    );
    assert_eq!(actions, vec![], "a question after it takes it back");
    let actions = say(&mut b, "Okay, Friday at 3 pm is open.");
    assert_eq!(actions, vec![], "an offer is not a confirmation");
}

#[test]
fn two_names_in_one_sentence_wait_for_a_title_to_settle_them() {
    let mut b = bridge();
    say(&mut b, "Anne-Marie, and is that Delacroix hyphen Hale?");
    let name = b.facts().name.clone().unwrap();
    assert_eq!(name.value, "Anne-Marie Delacroix-Hale");
    assert!(name.confidence < BOOKING_THRESHOLD, "a guess until settled");
    say(&mut b, "Thank you, Ms. Delacroix-Hale.");
    let name = b.facts().name.clone().unwrap();
    assert!(name.confidence >= BOOKING_THRESHOLD, "{name:?}");
}
