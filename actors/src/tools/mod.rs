//! The receptionist's tools, one file each: check_availability, book_appointment,
//! reschedule_appointment, cancel_appointment and send_confirmation_email.
//!
//! A tool's file holds everything about it: its name, its arguments (the JSON schema the legacy
//! LLM sees and how the LLM's arguments are read), its execution against the [`Store`] (a plain
//! synchronous function, run off the actor thread by the `BookingExecutor` through
//! `StoreHandle`), and the one sentence the caller hears about its result.
//!
//! Both ways a call reaches the tools send the same [`ToolRequest`] to the call's
//! `BookingExecutor`: the ToolBridge (what PersonaPlex's agent committed to) and the legacy
//! pipeline's LLM (its function calls, read by [`llm::parse`]).

pub mod args;
pub mod book_appointment;
pub mod cancel_appointment;
pub mod check_availability;
pub mod llm;
pub mod reschedule_appointment;
pub mod send_confirmation_email;

use jiff::civil::{Date, DateTime, Time};
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::booking::business::Business;
use crate::booking::store::{Store, StoreError};
use crate::booking::BookingDetails;
use send_confirmation_email::QueuedEmail;

pub use llm::{parse, tool_schemas, ToolAction};

/// What the ToolBridge or the legacy LLM asks a call's `BookingExecutor` to run.
///
/// `Book` and `Reschedule` wrap their tool's request, [`BookingDetails`]; the two tools that
/// take only a slot carry it inline (`CheckAvailability { date, time }`), as the ToolBridge
/// builds them.
#[derive(Debug, Clone)]
pub enum ToolRequest {
    /// [`check_availability`]: is this slot free, and if not what is nearest.
    CheckAvailability { date: Date, time: Time },
    /// [`book_appointment`]: books (or corrects this call's booking), then queues the
    /// confirmation email when the details carry an address.
    Book(BookingDetails),
    /// [`reschedule_appointment`]: moves the caller's appointment, found by phone and name, to
    /// the details' date and time; blank details keep the appointment's own.
    Reschedule(BookingDetails),
    /// [`cancel_appointment`]: cancels this call's appointment at that slot.
    Cancel { date: Date, time: Time },
}

/// What a tool run produced, for the caller (one sentence) and for the call's state.
#[derive(Debug, Clone, actix::MessageResponse)]
pub struct ToolReport {
    /// The tool's name as recorded in `tool_runs`.
    pub tool: &'static str,
    /// One short sentence for the caller.
    pub sentence: String,
    /// The appointment this call now holds, after a book, reschedule or cancel run (the live
    /// appointment booked under this call's sid); `None` for check_availability.
    pub booked: Option<(i64, DateTime)>,
    /// Where a confirmation was queued.
    pub email_to: Option<String>,
    /// Whether the request took effect: the slot is free (check), the booking stands as asked
    /// (booked, already booked, replaced), the appointment is moved (or already there), or it
    /// is cancelled. False when refused (slot unavailable), not found, or on a store error;
    /// `booked` may then still name an appointment the call held before and keeps.
    pub succeeded: bool,
    /// Set when the tool could not run (store error); the sentence then apologises.
    pub error: Option<String>,
}

impl ToolReport {
    /// The report of a tool the store failed under: an apology, and the error for the record.
    pub fn failed(tool: &'static str, error: &StoreError) -> Self {
        ToolReport {
            tool,
            sentence: "Sorry, I couldn't reach the booking system just now; we'll call you back \
                       to confirm."
                .into(),
            booked: None,
            email_to: None,
            succeeded: false,
            error: Some(error.to_string()),
        }
    }
}

/// What one call's tool runs need besides the store.
#[derive(Debug, Clone, Copy)]
pub struct ToolEnv<'a> {
    pub call_sid: &'a str,
    pub business: &'a Business,
    /// The moment of the run: "now" for availability, and the stored times.
    pub now: Timestamp,
    /// Whether confirmation emails are queued at all (`[email] enabled`).
    pub email_enabled: bool,
}

/// A finished tool run: the report for the call, and what `tool_runs` records.
#[derive(Debug, Clone)]
pub struct ToolRun {
    pub report: ToolReport,
    /// The result as recorded (the sentence is added by the recorder).
    pub result: Value,
    /// The confirmation this run queued, recorded as a run of its own.
    pub email: Option<QueuedEmail>,
}

impl ToolRequest {
    /// The tool's name, as the LLM calls it and `tool_runs` records it.
    pub fn name(&self) -> &'static str {
        match self {
            ToolRequest::CheckAvailability { .. } => check_availability::NAME,
            ToolRequest::Book(_) => book_appointment::NAME,
            ToolRequest::Reschedule(_) => reschedule_appointment::NAME,
            ToolRequest::Cancel { .. } => cancel_appointment::NAME,
        }
    }

    /// The request's arguments as JSON, for the record.
    pub fn arguments(&self) -> Value {
        match self {
            ToolRequest::CheckAvailability { date, time } | ToolRequest::Cancel { date, time } => {
                json!({ "date": date.to_string(), "time": time.to_string() })
            }
            ToolRequest::Book(details) | ToolRequest::Reschedule(details) => {
                serde_json::to_value(details).unwrap_or_default()
            }
        }
    }

    /// Runs the tool against the store. Blocking: call it off the actor thread.
    pub fn run(&self, store: &Store, env: &ToolEnv<'_>) -> Result<ToolRun, StoreError> {
        match self {
            ToolRequest::CheckAvailability { date, time } => {
                check_availability::run(store, env, *date, *time)
            }
            ToolRequest::Book(details) => book_appointment::run(store, env, details),
            ToolRequest::Reschedule(details) => reschedule_appointment::run(store, env, details),
            ToolRequest::Cancel { date, time } => cancel_appointment::run(store, env, *date, *time),
        }
    }
}

/// The live appointment this call holds, as a report's `booked`.
fn held_by_call(store: &Store, env: &ToolEnv<'_>) -> Result<Option<(i64, DateTime)>, StoreError> {
    Ok(store
        .appointment_of_call(env.call_sid)?
        .map(|a| (a.id, a.start)))
}
