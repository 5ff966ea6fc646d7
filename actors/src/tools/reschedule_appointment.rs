//! `reschedule_appointment {name, phone, date, time, email?, address?, service?, problem?}`:
//! moves the caller's existing appointment (usually made on an earlier call) to a new date and
//! time.
//!
//! The appointment is found by the caller's phone and name ([`crate::booking::reschedule`] says
//! how strictly) and moved in one transaction, keeping its details unless the request gives
//! new ones; this call then holds it. When none is found, complete details (an address) are
//! booked as a new appointment; otherwise the caller hears that none was found.

use jiff::civil::DateTime;
use serde_json::{json, Value};

use super::args::{date_schema, time_schema, Args};
use super::book_appointment::{self, problem_schema, service_schema};
use super::send_confirmation_email::{self, on_its_way, QueuedEmail};
use super::{held_by_call, ToolEnv, ToolReport, ToolRequest, ToolRun};
use crate::booking::business::Business;
use crate::booking::mailer::Confirmation;
use crate::booking::sentences::{spoken_datetime, still_booked_sentence};
use crate::booking::store::{Store, StoreError};
use crate::booking::{BookingDetails, BookingOutcome, RescheduleOutcome};

pub const NAME: &str = "reschedule_appointment";

/// What the caller hears when no appointment matches and there is too little to book one.
pub const NOT_FOUND: &str = "I couldn't find an appointment under that name and number.";

/// The tool as the legacy LLM sees it (an OpenAI `tools` entry).
pub fn schema(business: &Business) -> Value {
    json!({
        "type": "function",
        "function": {
            "name": NAME,
            "description": "Move an appointment the caller booked earlier (on another call) to a new date and time. It is found by the caller's name and phone number; its other details stay unless you give new ones. Check the new time with check_availability first. Returns one sentence with the outcome.",
            "parameters": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The caller's full name, as the appointment was booked."},
                    "phone": {"type": "string", "description": "The phone number the appointment was booked with, digits only."},
                    "date": date_schema(),
                    "time": time_schema(),
                    "email": {"type": "string", "description": "Email for the confirmation, if the caller gave a new one."},
                    "address": {"type": "string", "description": "Street address, only if it changes (or to book anew if no appointment is found)."},
                    "service": service_schema(business),
                    "problem": problem_schema(),
                },
                "required": ["name", "phone", "date", "time"],
                "additionalProperties": false,
            },
        },
    })
}

/// The LLM's arguments as a request: absent address and service are left blank, which keeps
/// the appointment's own.
pub fn parse(args: &Args<'_>, business: &Business) -> Result<ToolRequest, String> {
    let name = args.text("name")?;
    let phone = args.phone("phone")?;
    let date = args.date("date")?;
    let time = args.time("time")?;
    let email = args.email("email")?;
    let address = args.optional("address")?.unwrap_or_default();
    let problem = args.optional("problem")?;
    let service = match args.optional("service")? {
        Some(_) => book_appointment::service_arg(args, business, problem.as_deref())?,
        None => String::new(),
    };
    Ok(ToolRequest::Reschedule(BookingDetails {
        name,
        phone,
        email,
        address,
        service,
        problem,
        date,
        time,
    }))
}

/// Moves the appointment and queues the confirmation of the move (or of a new booking).
pub fn run(
    store: &Store,
    env: &ToolEnv<'_>,
    details: &BookingDetails,
) -> Result<ToolRun, StoreError> {
    let outcome = store.reschedule(env.call_sid, details, env.business, env.now)?;
    let confirmation = match &outcome {
        RescheduleOutcome::Moved {
            appointment_id,
            moved_id,
            moved_from,
            ..
        } => Some((
            *appointment_id,
            Confirmation::Moves {
                id: *moved_id,
                start: *moved_from,
            },
        )),
        RescheduleOutcome::NotFoundBooked(BookingOutcome::Booked { appointment_id, .. }) => {
            Some((*appointment_id, Confirmation::New))
        }
        RescheduleOutcome::NotFoundBooked(BookingOutcome::Replaced {
            appointment_id,
            replaced_id,
            replaced_start,
            ..
        }) => Some((
            *appointment_id,
            Confirmation::Replaces {
                id: *replaced_id,
                start: *replaced_start,
            },
        )),
        _ => None,
    };
    let email = match confirmation {
        Some((id, kind)) => send_confirmation_email::queue(store, env, id, kind)?,
        None => None,
    };
    let booked = held_by_call(store, env)?;
    let email_to = email.as_ref().and_then(QueuedEmail::queued_to);
    Ok(ToolRun {
        report: ToolReport {
            tool: NAME,
            sentence: sentence(&outcome, details.start(), email_to),
            booked,
            email_to: email_to.map(str::to_string),
            succeeded: match &outcome {
                RescheduleOutcome::Moved { .. } | RescheduleOutcome::Unchanged { .. } => true,
                RescheduleOutcome::NotFoundBooked(booking) => booking.appointment().is_some(),
                RescheduleOutcome::Unavailable { .. } | RescheduleOutcome::NotFound => false,
            },
            error: None,
        },
        result: result(&outcome),
        email,
    })
}

/// What `tool_runs` records: the outcome, and which appointment moved.
fn result(outcome: &RescheduleOutcome) -> Value {
    match outcome {
        RescheduleOutcome::Moved {
            appointment_id,
            moved_id,
            ..
        } => json!({
            "outcome": "moved",
            "appointment_id": appointment_id,
            "replaced_appointment_id": moved_id,
        }),
        RescheduleOutcome::Unchanged { appointment_id, .. } => {
            json!({ "outcome": "unchanged", "appointment_id": appointment_id })
        }
        RescheduleOutcome::Unavailable {
            reason,
            alternatives,
            kept_id,
            ..
        } => json!({
            "outcome": "unavailable",
            "reason": reason,
            "alternatives": alternatives,
            "kept_appointment_id": kept_id,
        }),
        RescheduleOutcome::NotFoundBooked(booking) => {
            json!({ "outcome": "not_found", "booking": booking })
        }
        RescheduleOutcome::NotFound => json!({ "outcome": "not_found" }),
    }
}

/// "I've moved your appointment to Thursday January 8th at 1 PM; a confirmation is on its way
/// to ...", and the other outcomes' sentences.
pub fn sentence(outcome: &RescheduleOutcome, wanted: DateTime, email: Option<&str>) -> String {
    let email_tail = |email: Option<&str>| match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => format!("; {}.", on_its_way(e, false)),
        None => ".".to_string(),
    };
    match outcome {
        RescheduleOutcome::Moved {
            start, moved_from, ..
        } if start == moved_from => format!(
            "I've updated your appointment on {}{}",
            spoken_datetime(*start),
            email_tail(email)
        ),
        RescheduleOutcome::Moved { start, .. } => format!(
            "I've moved your appointment to {}{}",
            spoken_datetime(*start),
            email_tail(email)
        ),
        RescheduleOutcome::Unchanged { start, .. } => format!(
            "Your appointment is already on {}.",
            spoken_datetime(*start)
        ),
        RescheduleOutcome::Unavailable {
            reason,
            alternatives,
            kept_start,
            ..
        } => still_booked_sentence(*reason, wanted, *kept_start, alternatives),
        RescheduleOutcome::NotFoundBooked(BookingOutcome::Booked { start, .. }) => format!(
            "I couldn't find an earlier appointment under that name and number, so I've booked \
             you for {}{}",
            spoken_datetime(*start),
            email_tail(email)
        ),
        RescheduleOutcome::NotFoundBooked(booking @ BookingOutcome::Unavailable { .. }) => {
            format!(
                "I couldn't find an earlier appointment under that name and number. {}",
                book_appointment::sentence(booking, wanted, None, None)
            )
        }
        // This call had booked already (corrected or repeated): the booking tool's words fit.
        RescheduleOutcome::NotFoundBooked(booking) => {
            book_appointment::sentence(booking, wanted, None, email)
        }
        RescheduleOutcome::NotFound => NOT_FOUND.to_string(),
    }
}

#[cfg(test)]
#[path = "reschedule_appointment_tests.rs"]
mod tests;
