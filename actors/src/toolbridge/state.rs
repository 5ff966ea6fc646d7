//! The per-call state machine: pieces in, tool calls out.

use jiff::civil::{Date, Time};

use super::extractor::Extractor;
use super::facts::CallFacts;
use super::intent::{detect, Intent};
use super::words::{Sentence, SentenceAssembler};
use super::{ExtractionContext, BOOKING_THRESHOLD};
use crate::booking::BookingDetails;

/// After "let me book that" with details still missing, the agent usually asks for them and
/// reads them back within a few sentences; the booking goes ahead if they are complete by then.
const PENDING_SENTENCES: usize = 4;

/// What the bridge asks the booking side to do.
#[derive(Debug, Clone, PartialEq)]
pub enum BridgeAction {
    CheckAvailability {
        date: Option<Date>,
        time: Option<Time>,
    },
    Book(BookingDetails),
    /// The agent committed to booking but details are missing or uncertain: do nothing
    /// harmful, record these.
    BookingIncomplete {
        missing: Vec<&'static str>,
    },
    Cancel {
        date: Option<Date>,
        time: Option<Time>,
    },
}

/// One call's ToolBridge: joins the agent's streamed words into sentences, keeps what it read
/// back, and turns its commitments into actions. Pure: no I/O, no clock (the call date comes in
/// the context), so it can be driven from an actor or a test alike.
#[derive(Debug)]
pub struct ToolBridgeState {
    extractor: Extractor,
    assembler: SentenceAssembler,
    facts: CallFacts,
    /// Sentences left in which an incomplete commitment to book may still complete.
    pending: usize,
    /// The booking this call made: "let me book that" then "you're all booked" is one booking.
    booked: Option<BookingDetails>,
}

impl ToolBridgeState {
    pub fn new(ctx: ExtractionContext) -> Self {
        ToolBridgeState {
            extractor: Extractor::new(ctx),
            assembler: SentenceAssembler::default(),
            facts: CallFacts::default(),
            pending: 0,
            booked: None,
        }
    }

    /// Joins pieces into words and sentences; on each completed sentence, updates the facts and
    /// detects intents. Returns the actions to run (usually none).
    pub fn push_piece(&mut self, piece: &str) -> Vec<BridgeAction> {
        let sentences = self.assembler.push(piece);
        sentences.iter().flat_map(|s| self.sentence(s)).collect()
    }

    /// Ends a trailing sentence without final punctuation (end of turn, long pause, end of call).
    pub fn flush(&mut self) -> Vec<BridgeAction> {
        match self.assembler.flush() {
            Some(s) => self.sentence(&s),
            None => Vec::new(),
        }
    }

    pub fn facts(&self) -> &CallFacts {
        &self.facts
    }

    fn sentence(&mut self, text: &str) -> Vec<BridgeAction> {
        let sentence = Sentence::parse(text);
        let said = self.extractor.sentence(&sentence);
        // The sentence's own date and time, if it named any, are what a check or a cancel is
        // about ("let me check Thursday morning"); otherwise the ones agreed so far.
        let mentioned = (
            said.date.as_ref().map(|f| f.value),
            said.time.as_ref().map(|f| f.value),
        );
        self.facts.absorb(said);
        let (date, time) = match mentioned {
            (None, None) => (
                self.facts.date.as_ref().map(|f| f.value),
                self.facts.time.as_ref().map(|f| f.value),
            ),
            named => named,
        };
        let mut actions = Vec::new();
        let intents = detect(&sentence);
        for intent in &intents {
            match intent {
                Intent::CheckAvailability => {
                    actions.push(BridgeAction::CheckAvailability { date, time })
                }
                Intent::Cancel => {
                    self.pending = 0;
                    actions.push(BridgeAction::Cancel { date, time });
                }
                Intent::Book => match self.facts.booking(BOOKING_THRESHOLD) {
                    Ok(details) => actions.extend(self.book(details)),
                    Err(missing) => {
                        self.pending = PENDING_SENTENCES;
                        actions.push(BridgeAction::BookingIncomplete { missing });
                    }
                },
            }
        }
        if !intents.contains(&Intent::Book) && self.pending > 0 {
            self.pending -= 1;
            if let Ok(details) = self.facts.booking(BOOKING_THRESHOLD) {
                actions.extend(self.book(details));
            }
        }
        actions
    }

    /// Books once per call. A later commitment with the same details is the agent confirming
    /// ("you're all booked"): nothing to do. One with different details is either a correction
    /// after the fact or something said since (a reminder time) overriding a field; the bridge
    /// cannot tell which, and a second appointment would be a wrong booking half the time, so
    /// it reports the fields that changed as uncertain for a human to follow up.
    fn book(&mut self, details: BookingDetails) -> Option<BridgeAction> {
        self.pending = 0;
        match &self.booked {
            None => {
                self.booked = Some(details.clone());
                Some(BridgeAction::Book(details))
            }
            Some(done) if *done == details => None,
            Some(done) => Some(BridgeAction::BookingIncomplete {
                missing: changed(done, &details),
            }),
        }
    }
}

/// The fields that differ between two bookings.
fn changed(a: &BookingDetails, b: &BookingDetails) -> Vec<&'static str> {
    let checks = [
        ("name", a.name != b.name),
        ("phone", a.phone != b.phone),
        ("email", a.email != b.email),
        ("address", a.address != b.address),
        ("service", a.service != b.service),
        ("date", a.date != b.date),
        ("time", a.time != b.time),
    ];
    checks
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn bridge() -> ToolBridgeState {
        let services = vec!["Drain cleaning".to_string(), "Leak repair".to_string()];
        ToolBridgeState::new(ExtractionContext {
            services,
            call_date: date(2025, 3, 12),
        })
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

    const READBACK: &str = "So that's John Smith at 42 Oak Street, 555 123 4567, for drain cleaning on Friday at 3 pm.";

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
                missing: vec!["name", "phone", "address", "service", "date", "time"]
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
}
