//! ToolBridge: PersonaPlex cannot call tools, so this listens to what the agent says, notices
//! when it commits to an action ("let me book that for you"), extracts the details it read
//! back to the caller, and asks for the tool call.
//!
//! Pure logic, no actix and no I/O. The flow is:
//! * [`words`]: pieces -> sentences -> words;
//! * the extractors, one per field: [`name`], [`phone`], [`email`], [`address`], [`service`],
//!   [`date`] (with [`calendar`]) and [`time`] (with [`clock`]), on the [`numbers`] parser,
//!   run together by [`extractor`], which drops what [`caveats`] says is not the caller's;
//! * [`facts`]: what the call has established so far, with confidence;
//! * [`intent`]: commitments, from the [`rules`] table in the [`pattern`] language;
//! * [`state`]: the per-call state machine that turns all that into actions.
//!
//! It never books on a guess: a `Book` action needs every required field at or above
//! [`BOOKING_THRESHOLD`]; otherwise it reports `BookingIncomplete` with what is missing.

pub mod address;
pub mod calendar;
pub mod caveats;
pub mod clock;
pub mod date;
pub mod email;
pub mod extractor;
pub mod facts;
pub mod intent;
pub mod name;
pub mod numbers;
pub mod pattern;
pub mod phone;
pub mod rules;
pub mod service;
pub mod state;
pub mod time;
pub mod words;

pub use extractor::Extractor;
pub use facts::{CallFacts, Field};
pub use intent::Intent;
pub use state::{BridgeAction, ToolBridgeState};

/// Confidence every required field needs before a booking is made. Set so that sure
/// readings (full names, complete phone numbers, am/pm times) pass and guesses (first names,
/// "at three" without am/pm, "next Friday" said early in the week) do not.
pub const BOOKING_THRESHOLD: f32 = 0.8;

/// What the extractor needs to know about the business and the call.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractionContext {
    /// The business's service names, exactly as configured; bookings use these spellings.
    pub services: Vec<String>,
    /// Today in the business's time zone: relative dates ("tomorrow", "Tuesday") resolve to it.
    pub call_date: jiff::civil::Date,
}
