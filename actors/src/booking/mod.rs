//! Bookings: the business the agent works for, its appointment store, and the tools that act on
//! it (check availability, book, send the confirmation email).
//!
//! Pure logic and blocking storage live here; the `BookingExecutor` actor in [`crate::call`]
//! runs them off the audio path.

pub mod appointments;
pub mod availability;
pub mod business;
pub mod hours;
pub mod mailer;
pub mod outbox;
pub mod sentences;
pub mod store;
pub mod voicemails;

use jiff::civil::{Date, DateTime, Time};
use serde::{Deserialize, Serialize};

/// Everything needed to book one appointment, as read back by the agent and confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetails {
    /// The caller's name as the agent read it back ("John Smith").
    pub name: String,
    /// Digits only, e.g. "5551234567" (a leading + and country code kept if said).
    pub phone: String,
    /// Where the confirmation goes; optional because a caller may not give one.
    pub email: Option<String>,
    /// Street address of the job ("42 Oak Street").
    pub address: String,
    /// One of the business's service names, exactly as configured, or the business's default
    /// service when the caller described a problem no configured service matches.
    pub service: String,
    /// The caller's problem as the agent summarised it ("a leak under the sink"), if it said one.
    #[serde(default)]
    pub problem: Option<String>,
    /// Local date and time in the business's time zone.
    pub date: Date,
    pub time: Time,
}

impl BookingDetails {
    /// The appointment's local start.
    pub fn start(&self) -> DateTime {
        self.date.to_datetime(self.time)
    }
}

/// What `check_availability` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Availability {
    /// The asked-for slot is free.
    Free { start: DateTime },
    /// Not free (taken, outside hours, closed day, in the past); the nearest free slots, soonest
    /// first (may be empty if nothing is free in the search window).
    Unavailable {
        reason: UnavailableReason,
        alternatives: Vec<DateTime>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnavailableReason {
    Taken,
    OutsideHours,
    Closed,
    InThePast,
}

/// The result of `book_appointment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BookingOutcome {
    /// A new appointment row.
    Booked {
        appointment_id: i64,
        start: DateTime,
    },
    /// The same call already booked this slot (a repeated trigger): nothing new was written.
    AlreadyBooked {
        appointment_id: i64,
        start: DateTime,
    },
    /// Someone else holds the slot, or it is outside hours.
    Unavailable {
        reason: UnavailableReason,
        alternatives: Vec<DateTime>,
    },
}
