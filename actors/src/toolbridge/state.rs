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
    /// The last booking that did not happen: asking again with the same details would only
    /// get the same "sorry" read to the caller twice.
    failed: Option<BookingDetails>,
}

impl ToolBridgeState {
    pub fn new(ctx: ExtractionContext) -> Self {
        ToolBridgeState {
            extractor: Extractor::new(ctx),
            assembler: SentenceAssembler::default(),
            facts: CallFacts::default(),
            pending: 0,
            booked: None,
            failed: None,
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

    /// The agent paused. A sentence that ends in `.`, `?` or `!` is over: act on it now rather
    /// than when the next word comes, which may be seconds later (after the caller's turn).
    /// A sentence without final punctuation is left open: the agent may just be thinking.
    pub fn pause(&mut self) -> Vec<BridgeAction> {
        if self.assembler.awaiting_end() {
            self.flush()
        } else {
            Vec::new()
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

    /// The booking last asked for did not happen (slot taken, outside hours, store down): the
    /// agent will offer another time, and that commitment must be free to book.
    pub fn booking_failed(&mut self) {
        self.failed = self.booked.take();
    }

    /// Books once per call. A later commitment with the same details is the agent confirming
    /// ("you're all booked"): nothing to do. One with different details is either a correction
    /// after the fact or something said since (a reminder time) overriding a field; the bridge
    /// cannot tell which, and a second appointment would be a wrong booking half the time, so
    /// it reports the fields that changed as uncertain for a human to follow up.
    fn book(&mut self, details: BookingDetails) -> Option<BridgeAction> {
        self.pending = 0;
        if self.failed.as_ref() == Some(&details) {
            return None;
        }
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
#[path = "state_tests.rs"]
mod tests;
