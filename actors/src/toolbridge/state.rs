//! The per-call state machine: pieces in, tool calls out.

use std::collections::VecDeque;

use jiff::civil::{Date, Time};

use super::extractor::Extractor;
use super::facts::{CallFacts, NamePart};
use super::intent::{detect, restates_the_slot, Intent};
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
    /// Book these details. When this call already booked different ones, this is a correction:
    /// the executor replaces the call's booking (cancel + book in one transaction).
    Book(BookingDetails),
    /// Move the caller's existing appointment (found by phone and name) to these details'
    /// date and time.
    Reschedule(BookingDetails),
    /// The agent committed to booking but details are missing or uncertain: do nothing
    /// harmful, record these.
    BookingIncomplete { missing: Vec<&'static str> },
    Cancel {
        date: Option<Date>,
        time: Option<Time>,
    },
    /// The agent committed and an external extractor should read the details; answer with
    /// [`ToolBridgeState::decide`].
    Extract(Commitment),
}

/// What the agent committed to: a new booking or moving an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitmentKind {
    Book,
    Reschedule,
}

/// A commitment for an external extractor to read: the agent's sentences so far (most recent
/// last, at most [`KEPT_SENTENCES`]) and what the rules made of them, which stand when the
/// extractor fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Commitment {
    pub kind: CommitmentKind,
    pub transcript: Vec<String>,
    pub rules: Result<BookingDetails, Vec<&'static str>>,
}

/// How many of the agent's sentences a commitment carries for an external extractor: a long
/// call's opening small talk is not needed to read back its details.
pub const KEPT_SENTENCES: usize = 60;

/// One call's ToolBridge: joins the agent's streamed words into sentences, keeps what it read
/// back, and turns its commitments into actions. Pure: no I/O, no clock (the call date comes in
/// the context), so it can be driven from an actor or a test alike.
///
/// A commitment is acted on when the agent's turn ends (a pause after a finished sentence, or
/// [`ToolBridgeState::flush`]), not the moment it is said: agents often read the details back
/// right after "let me book that for you", and those details count.
#[derive(Debug)]
pub struct ToolBridgeState {
    extractor: Extractor,
    assembler: SentenceAssembler,
    facts: CallFacts,
    /// A commitment said in this turn, acted on at its end.
    committed: Option<CommitmentKind>,
    /// Sentences left in which an incomplete commitment may still complete.
    pending: usize,
    /// What the last incomplete commitment was.
    pending_kind: CommitmentKind,
    /// The booking this call holds: "let me book that" then "you're all booked" is one
    /// booking; a commitment with different details replaces it.
    booked: Option<BookingDetails>,
    /// The last booking that did not happen: asking again with the same details would only
    /// get the same "sorry" read to the caller twice.
    failed: Option<BookingDetails>,
    /// The agent asked for (or to spell) the first or last name: a lone name said in reply is
    /// that part. Kept for the turn that asked and the next one.
    asked: Option<(NamePart, u8)>,
    /// This turn corrects something said before.
    correcting: bool,
    /// The agent's last sentences, for an external extractor.
    said: VecDeque<String>,
    /// Commitments go to an external extractor (see [`ToolBridgeState::use_external_extractor`]).
    external: bool,
    /// The facts changed since [`ToolBridgeState::facts_update`] was last asked.
    facts_changed: bool,
    /// This turn's commitment is a confirmation by restatement (see [`restates_the_slot`]).
    restated: bool,
}

impl ToolBridgeState {
    pub fn new(ctx: ExtractionContext) -> Self {
        ToolBridgeState {
            extractor: Extractor::new(ctx),
            assembler: SentenceAssembler::default(),
            facts: CallFacts::default(),
            committed: None,
            pending: 0,
            pending_kind: CommitmentKind::Book,
            booked: None,
            failed: None,
            asked: None,
            correcting: false,
            said: VecDeque::new(),
            external: false,
            facts_changed: false,
            restated: false,
        }
    }

    /// Joins pieces into words and sentences; on each completed sentence, updates the facts and
    /// detects intents. Returns the actions to run now (checks and cancellations; bookings wait
    /// for the end of the turn).
    pub fn push_piece(&mut self, piece: &str) -> Vec<BridgeAction> {
        let sentences = self.assembler.push(piece);
        sentences.iter().flat_map(|s| self.sentence(s)).collect()
    }

    /// The agent's turn is over (the caller is talking, or the call ends): finishes a trailing
    /// sentence and acts on the turn's commitment.
    pub fn flush(&mut self) -> Vec<BridgeAction> {
        let mut actions = match self.assembler.flush() {
            Some(s) => self.sentence(&s),
            None => Vec::new(),
        };
        actions.extend(self.end_of_turn());
        actions
    }

    /// The agent paused. A sentence that ends in `.`, `?` or `!` is over, and so is the turn:
    /// act on it now rather than when the next word comes, which may be seconds later (after
    /// the caller's turn). A sentence without final punctuation is left open: the agent may
    /// just be thinking.
    pub fn pause(&mut self) -> Vec<BridgeAction> {
        if self.assembler.awaiting_end() {
            self.flush()
        } else {
            Vec::new()
        }
    }

    /// What the bridge knows about the business and the call (for an external extractor).
    pub fn context(&self) -> &ExtractionContext {
        self.extractor.context()
    }

    pub fn facts(&self) -> &CallFacts {
        &self.facts
    }

    /// A tool ran: the slot the call now holds (as spoken) and where a confirmation went.
    pub fn tool_ran(&mut self, booked: Option<String>, email_to: Option<String>) {
        if booked.is_some() {
            self.facts.booked = booked;
        }
        if email_to.is_some() {
            self.facts.email_sent_to = email_to;
        }
        self.facts_changed = true;
    }

    /// The facts, if they changed since last asked: the owner sends them on at most once per
    /// agent turn.
    pub fn facts_update(&mut self) -> Option<&CallFacts> {
        std::mem::take(&mut self.facts_changed).then_some(&self.facts)
    }

    /// The booking this call holds, as far as the bridge knows.
    pub fn booked(&self) -> Option<&BookingDetails> {
        self.booked.as_ref()
    }

    fn sentence(&mut self, text: &str) -> Vec<BridgeAction> {
        if self.said.len() == KEPT_SENTENCES {
            self.said.pop_front();
        }
        self.said.push_back(text.to_string());
        let sentence = Sentence::parse(text);
        let mut said = self.extractor.sentence(&sentence);
        if let (Some(name), None, Some((part, _))) = (&said.name, said.name_part, self.asked) {
            if !name.value.contains(' ') {
                said.name_part = Some(part);
                self.asked = None;
            }
        }
        if let Some(part) = asks_for_part(&sentence) {
            self.asked = Some((part, 2));
        }
        // "Sorry! ... So January 8th at 1 PM.": the rest of a turn that began correcting
        // something corrects it too.
        self.correcting |= said.correction;
        said.correction = self.correcting;
        // The sentence's own date and time, if it named any, are what a check or a cancel is
        // about ("let me check Thursday morning"); otherwise the ones agreed so far.
        let mentioned = (
            said.date.as_ref().map(|f| f.value),
            said.time.as_ref().map(|f| f.value),
        );
        self.facts.absorb(said);
        self.facts_changed = true;
        let (date, time) = match mentioned {
            (None, None) => (
                self.facts.date.as_ref().map(|f| f.value),
                self.facts.time.as_ref().map(|f| f.value),
            ),
            named => named,
        };
        let mut actions = Vec::new();
        let intents = detect(&sentence);
        // A question later in the turn takes back a confirmation by restatement ("Great,
        // Tuesday at nine. Or would Wednesday suit you better?").
        if sentence.question && self.restated {
            self.committed = None;
            self.restated = false;
        }
        if intents.is_empty() && self.committed.is_none() && restates_the_slot(&sentence, mentioned)
        {
            self.committed = Some(CommitmentKind::Book);
            self.restated = true;
        }
        for intent in &intents {
            match intent {
                Intent::CheckAvailability => {
                    actions.push(BridgeAction::CheckAvailability { date, time })
                }
                Intent::Cancel => {
                    self.pending = 0;
                    self.committed = None;
                    actions.push(BridgeAction::Cancel { date, time });
                }
                Intent::Book => {
                    if self.committed.is_none() {
                        self.committed = Some(CommitmentKind::Book);
                    }
                }
                Intent::Reschedule => self.committed = Some(CommitmentKind::Reschedule),
                Intent::Update if self.booked.is_some() && self.committed.is_none() => {
                    self.committed = Some(CommitmentKind::Book)
                }
                Intent::Update => {}
            }
        }
        if self.committed.is_none() && self.pending > 0 {
            self.pending -= 1;
            let kind = self.pending_kind;
            if self.details(kind).is_ok() {
                self.committed = Some(kind);
            }
        }
        actions
    }

    /// Acts on the commitment of the turn that just ended, if any.
    fn end_of_turn(&mut self) -> Vec<BridgeAction> {
        self.correcting = false;
        self.restated = false;
        self.asked = match self.asked {
            Some((part, turns)) if turns > 1 => Some((part, turns - 1)),
            _ => None,
        };
        let Some(kind) = self.committed.take() else {
            return Vec::new();
        };
        if self.external {
            return vec![BridgeAction::Extract(Commitment {
                kind,
                transcript: self.said.iter().cloned().collect(),
                rules: self.details(kind),
            })];
        }
        let rules = self.details(kind);
        self.decide(kind, rules)
    }

    /// Acts on a commitment with the details an extractor found for it (or what is missing):
    /// books, replaces the call's booking, or reports the commitment incomplete. The rules'
    /// own details go through here, and so do an external extractor's (see
    /// [`BridgeAction::Extract`]).
    pub fn decide(
        &mut self,
        kind: CommitmentKind,
        details: Result<BookingDetails, Vec<&'static str>>,
    ) -> Vec<BridgeAction> {
        match details {
            Ok(details) => self.book(details, kind).into_iter().collect(),
            Err(missing) => {
                self.pending = PENDING_SENTENCES;
                self.pending_kind = kind;
                vec![BridgeAction::BookingIncomplete { missing }]
            }
        }
    }

    /// Hands commitments to an external extractor (the optional LLM) instead of deciding them
    /// with the rules: the end of a committed turn then yields [`BridgeAction::Extract`].
    pub fn use_external_extractor(&mut self) {
        self.external = true;
    }

    fn details(&self, kind: CommitmentKind) -> Result<BookingDetails, Vec<&'static str>> {
        let default = &self.extractor.context().default_service;
        match kind {
            CommitmentKind::Book => self.facts.booking(BOOKING_THRESHOLD, default),
            CommitmentKind::Reschedule => self.facts.reschedule(BOOKING_THRESHOLD, default),
        }
    }

    /// The booking last asked for did not happen (slot taken, outside hours, store down): the
    /// agent will offer another time, and that commitment must be free to book.
    pub fn booking_failed(&mut self) {
        self.failed = self.booked.take();
    }

    /// Books once per call. A later commitment with the same details is the agent confirming
    /// ("you're all booked"): nothing to do. One with different details is a correction ("sorry,
    /// 1 PM, not 2 ... let me book that"): the call's booking is replaced, so what is booked is
    /// what the caller was last told.
    fn book(&mut self, details: BookingDetails, kind: CommitmentKind) -> Option<BridgeAction> {
        self.pending = 0;
        if self.failed.as_ref() == Some(&details) || self.booked.as_ref() == Some(&details) {
            return None;
        }
        let first = self.booked.is_none();
        self.booked = Some(details.clone());
        Some(match kind {
            // Moving an appointment this call made is a correction of it.
            CommitmentKind::Reschedule if first => BridgeAction::Reschedule(details),
            _ => BridgeAction::Book(details),
        })
    }
}

/// Whether a sentence asks for one part of the name: "and your last name?", "could you spell
/// the first name?".
fn asks_for_part(s: &Sentence) -> Option<NamePart> {
    let words = s.lower();
    let asks = s.question || words.iter().any(|w| matches!(*w, "spell" | "spelling"));
    if !asks {
        return None;
    }
    let after = |w: &str| words.windows(2).any(|p| p[0] == w && p[1] == "name");
    if after("last") || after("family") || words.contains(&"surname") {
        Some(NamePart::Last)
    } else if after("first") || after("given") {
        Some(NamePart::First)
    } else {
        None
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "state_proptest.rs"]
mod proptests;
