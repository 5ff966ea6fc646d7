//! Properties of the ToolBridge over any input: it never panics, and it never books what it
//! was not told.

use proptest::prelude::*;

use super::*;
use jiff::civil::date;

fn bridge() -> ToolBridgeState {
    ToolBridgeState::new(ExtractionContext::new(
        &["Drain cleaning", "Leak repair"],
        date(2025, 3, 12),
    ))
}

/// Words a receptionist's read-back is made of, so random sentences reach deep into the rules.
const VOCABULARY: &[&str] = &[
    "Let",
    "me",
    "book",
    "that",
    "for",
    "you",
    ".",
    ",",
    "?",
    "I'll",
    "pencil",
    "in",
    "you're",
    "all",
    "set",
    "John",
    "Smith",
    "Dana",
    "N-O-V-A-K",
    "at",
    "42",
    "Oak",
    "Street",
    "five",
    "oh",
    "double",
    "555",
    "123",
    "4567",
    "Tuesday",
    "March",
    "3rd",
    "the",
    "22nd",
    "3",
    "pm",
    "half",
    "past",
    "two",
    "quarter",
    "to",
    "noon",
    "sorry",
    "not",
    "no",
    "wait",
    "apartment",
    "4B",
    "john",
    "dot",
    "gmail",
    "com",
    "if",
    "once",
    "can",
    "would",
    "...",
    "uh",
    "um",
    "Mr.",
    "first",
    "name",
    "last",
    "is",
    "down",
    "moved",
    "cancel",
    "tomorrow",
    "today",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary text, cut anywhere, paused and flushed anywhere: no panic.
    #[test]
    fn any_text_is_read_without_panicking(pieces in proptest::collection::vec(".{0,12}", 0..60)) {
        let mut b = bridge();
        for (i, piece) in pieces.iter().enumerate() {
            b.push_piece(piece);
            if i % 7 == 3 {
                b.pause();
            }
            if i % 11 == 5 {
                b.flush();
            }
        }
        b.flush();
    }

    /// Random read-back words: whatever is booked has every required detail, each said.
    #[test]
    fn a_booking_always_has_every_required_detail(
        words in proptest::collection::vec(proptest::sample::select(VOCABULARY), 0..120)
    ) {
        let mut b = bridge();
        let mut actions = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let piece = if matches!(*word, "." | "," | "?") { word.to_string() } else { format!(" {word}") };
            actions.extend(b.push_piece(&piece));
            if i % 13 == 12 {
                actions.extend(b.flush());
            }
        }
        actions.extend(b.flush());
        for action in actions {
            if let BridgeAction::Book(d) = action {
                prop_assert!(d.name.split(' ').count() >= 2, "{d:?}");
                prop_assert!(d.phone.chars().filter(char::is_ascii_digit).count() >= 10, "{d:?}");
                prop_assert!(!d.address.is_empty(), "{d:?}");
            }
        }
    }
}
