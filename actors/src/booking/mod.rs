//! Bookings: the business the agent works for and its appointment store.
//!
//! Pure logic and blocking storage live here; the tools acting on them (check availability,
//! book, reschedule, cancel, send the confirmation email) are in [`crate::tools`], and the
//! `BookingExecutor` actor in [`crate::call`] runs them off the audio path.

pub mod after_hours;
pub mod appointments;
pub mod availability;
pub mod business;
pub mod hours;
pub mod mailer;
pub mod outbox;
pub mod reschedule;
pub mod sentences;
pub mod service_catalog;
pub mod store;
pub mod voicemails;

#[cfg(test)]
mod after_hours_tests;

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
    /// The call already holds this very booking (a repeated trigger): nothing new was written.
    AlreadyBooked {
        appointment_id: i64,
        start: DateTime,
    },
    /// The call held `replaced_id` with other details (a correction): it is cancelled and
    /// `appointment_id` booked in its place, in one transaction.
    Replaced {
        appointment_id: i64,
        start: DateTime,
        replaced_id: i64,
        replaced_start: DateTime,
    },
    /// Someone else holds the slot, or it is outside hours. Nothing changed: an appointment the
    /// call already held stands.
    Unavailable {
        reason: UnavailableReason,
        alternatives: Vec<DateTime>,
    },
}

impl BookingOutcome {
    /// Whether the store was written (a new row, possibly replacing one).
    pub fn wrote(&self) -> bool {
        matches!(
            self,
            BookingOutcome::Booked { .. } | BookingOutcome::Replaced { .. }
        )
    }

    /// The appointment the outcome leaves in place for this booking, if any.
    pub fn appointment(&self) -> Option<(i64, DateTime)> {
        match self {
            BookingOutcome::Booked {
                appointment_id,
                start,
            }
            | BookingOutcome::AlreadyBooked {
                appointment_id,
                start,
            }
            | BookingOutcome::Replaced {
                appointment_id,
                start,
                ..
            } => Some((*appointment_id, *start)),
            BookingOutcome::Unavailable { .. } => None,
        }
    }
}

/// The result of moving a caller's existing appointment (`reschedule_appointment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RescheduleOutcome {
    /// `moved_id` (at `moved_from`) is cancelled and `appointment_id` booked at `start` with the
    /// same details (updated by any the caller gave), in one transaction.
    Moved {
        appointment_id: i64,
        start: DateTime,
        moved_id: i64,
        moved_from: DateTime,
    },
    /// The appointment found is already at that time with those details: nothing changed.
    Unchanged {
        appointment_id: i64,
        start: DateTime,
    },
    /// The new time is not free: the appointment found (`kept_id` at `kept_start`) stays.
    Unavailable {
        reason: UnavailableReason,
        alternatives: Vec<DateTime>,
        kept_id: i64,
        kept_start: DateTime,
    },
    /// No live future appointment under that name and phone; the details were complete, so
    /// they were booked as a new appointment (this is that booking's outcome).
    NotFoundBooked(BookingOutcome),
    /// No live future appointment under that name and phone, and too little to book a new one.
    NotFound,
}
