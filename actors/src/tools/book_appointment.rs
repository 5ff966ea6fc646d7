//! `book_appointment {name, phone, email?, address, service?, problem?, date, time}`: books the
//! appointment the caller confirmed, or corrects the one this call already booked.
//!
//! The service is optional: a caller describing a problem ("the water heater is making a
//! noise") gets the service its keywords point to, else the business's default service, and
//! the problem is kept with the booking. What a repeat or a correction does is
//! [`Store::book`]'s contract: the same details again change nothing, different details replace
//! this call's booking in one transaction.

use jiff::civil::DateTime;
use serde_json::{json, Value};

use super::args::{date_schema, time_schema, Args};
use super::send_confirmation_email::{self, on_its_way, QueuedEmail};
use super::{held_by_call, ToolEnv, ToolReport, ToolRequest, ToolRun};
use crate::booking::business::Business;
use crate::booking::mailer::Confirmation;
use crate::booking::sentences::{spoken_datetime, still_booked_sentence, unavailable_sentence};
use crate::booking::store::{Store, StoreError};
use crate::booking::{BookingDetails, BookingOutcome};

pub const NAME: &str = "book_appointment";

/// The tool as the legacy LLM sees it (an OpenAI `tools` entry).
///
/// `service` is an enum of the business's service names and its default service, so a model
/// that honours schemas cannot invent one; [`parse`] checks again for those that do not.
pub fn schema(business: &Business) -> Value {
    json!({
        "type": "function",
        "function": {
            "name": NAME,
            "description": "Book the appointment once the caller has confirmed every detail you read back. Include the email when the caller gave one: the confirmation email is then sent automatically. If you already booked in this call and the caller corrects a detail, call it again with the corrected details: it replaces the booking. Returns one sentence with the outcome.",
            "parameters": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The caller's full name."},
                    "phone": {"type": "string", "description": "Callback phone number, digits only (a leading + for a country code)."},
                    "email": {"type": "string", "description": "Email for the confirmation, if the caller gave one."},
                    "address": {"type": "string", "description": "Street address of the job."},
                    "service": service_schema(business),
                    "problem": problem_schema(),
                    "date": date_schema(),
                    "time": time_schema(),
                },
                "required": ["name", "phone", "address", "date", "time"],
                "additionalProperties": false,
            },
        },
    })
}

/// The `service` argument's schema, shared with reschedule_appointment.
pub(super) fn service_schema(business: &Business) -> Value {
    let mut names: Vec<&str> = business.services.iter().map(|s| s.name.as_str()).collect();
    names.push(business.default_service.trim());
    json!({
        "type": "string",
        "enum": names,
        "description": format!(
            "The service, if the caller named one or their problem clearly is one. Leave it out otherwise: the problem decides, else it is booked as \"{}\".",
            business.default_service.trim()
        ),
    })
}

/// The `problem` argument's schema, shared with reschedule_appointment.
pub(super) fn problem_schema() -> Value {
    json!({"type": "string", "description": "The caller's problem in a few words, as they described it (\"water heater making a banging noise\")."})
}

/// The LLM's arguments as a request. Checked in the order the model was asked to collect them.
pub fn parse(args: &Args<'_>, business: &Business) -> Result<ToolRequest, String> {
    let name = args.text("name")?;
    let phone = args.phone("phone")?;
    let email = args.email("email")?;
    let address = args.text("address")?;
    let problem = args.optional("problem")?;
    let service = service_arg(args, business, problem.as_deref())?;
    Ok(ToolRequest::Book(BookingDetails {
        name,
        phone,
        email,
        address,
        service,
        problem,
        date: args.date("date")?,
        time: args.time("time")?,
    }))
}

/// The service the arguments name (by its configured spelling), else the one the problem
/// points to, else the default service. An unknown name is an error listing the real ones.
pub(super) fn service_arg(
    args: &Args<'_>,
    business: &Business,
    problem: Option<&str>,
) -> Result<String, String> {
    match args.optional("service")? {
        Some(said) => business
            .service_name(&said)
            .map(str::to_string)
            .ok_or_else(|| {
                let names: Vec<&str> = business.services.iter().map(|s| s.name.as_str()).collect();
                format!(
                    "{}: unknown service {said:?}; the services are {}, or leave it out and \
                     give the problem",
                    args.tool(),
                    names.join(", ")
                )
            }),
        None => {
            let catalog = business.service_catalog();
            Ok(problem
                .and_then(|p| catalog.match_text(p))
                .unwrap_or(catalog.default_service())
                .to_string())
        }
    }
}

/// Books (or corrects) and queues the confirmation of a new or replacing booking.
pub fn run(
    store: &Store,
    env: &ToolEnv<'_>,
    details: &BookingDetails,
) -> Result<ToolRun, StoreError> {
    let outcome = store.book(env.call_sid, details, env.business, env.now)?;
    let confirmation = match &outcome {
        BookingOutcome::Booked { appointment_id, .. } => Some((*appointment_id, Confirmation::New)),
        BookingOutcome::Replaced {
            appointment_id,
            replaced_id,
            replaced_start,
            ..
        } => Some((
            *appointment_id,
            Confirmation::Replaces {
                id: *replaced_id,
                start: *replaced_start,
            },
        )),
        // A repeat sends nothing twice; a refusal has nothing to confirm.
        BookingOutcome::AlreadyBooked { .. } | BookingOutcome::Unavailable { .. } => None,
    };
    let email = match confirmation {
        Some((id, kind)) => send_confirmation_email::queue(store, env, id, kind)?,
        None => None,
    };
    let booked = held_by_call(store, env)?;
    let email_to = email.as_ref().and_then(QueuedEmail::queued_to);
    let kept = match outcome {
        BookingOutcome::Unavailable { .. } => booked.map(|(_, start)| start),
        _ => None,
    };
    let sentence = sentence(&outcome, details.start(), kept, email_to);
    Ok(ToolRun {
        report: ToolReport {
            tool: NAME,
            sentence,
            booked,
            email_to: email_to.map(str::to_string),
            succeeded: outcome.appointment().is_some(),
            error: None,
        },
        result: result(&outcome),
        email,
    })
}

/// What `tool_runs` records: the outcome, and for a correction which appointment it replaced.
fn result(outcome: &BookingOutcome) -> Value {
    match outcome {
        BookingOutcome::Booked { appointment_id, .. } => {
            json!({ "outcome": "booked", "appointment_id": appointment_id })
        }
        BookingOutcome::AlreadyBooked { appointment_id, .. } => {
            json!({ "outcome": "already_booked", "appointment_id": appointment_id })
        }
        BookingOutcome::Replaced {
            appointment_id,
            replaced_id,
            ..
        } => json!({
            "outcome": "replaced",
            "appointment_id": appointment_id,
            "replaced_appointment_id": replaced_id,
        }),
        BookingOutcome::Unavailable {
            reason,
            alternatives,
        } => json!({ "outcome": "unavailable", "reason": reason, "alternatives": alternatives }),
    }
}

/// The sentence for a booking: "You're booked for Tuesday March 3rd at 3 PM; a confirmation is
/// on its way to john at example dot com." A correction: "I've changed that: you're booked for
/// ...". A refused slot names the booking the call still holds (`kept`), if any.
pub fn sentence(
    outcome: &BookingOutcome,
    wanted: DateTime,
    kept: Option<DateTime>,
    email: Option<&str>,
) -> String {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    match outcome {
        BookingOutcome::Booked { start, .. } => match email {
            Some(e) => format!(
                "You're booked for {}; {}.",
                spoken_datetime(*start),
                on_its_way(e, false)
            ),
            None => format!("You're booked for {}.", spoken_datetime(*start)),
        },
        // A repeated trigger: the booking stands, so say so without implying a second one.
        BookingOutcome::AlreadyBooked { start, .. } => match email {
            Some(e) => format!(
                "You're already booked for {}; the confirmation goes to {}.",
                spoken_datetime(*start),
                crate::booking::sentences::spoken_email(e)
            ),
            None => format!("You're already booked for {}.", spoken_datetime(*start)),
        },
        BookingOutcome::Replaced { start, .. } => match email {
            Some(e) => format!(
                "I've changed that: you're booked for {}; {}.",
                spoken_datetime(*start),
                on_its_way(e, true)
            ),
            None => format!(
                "I've changed that: you're booked for {}.",
                spoken_datetime(*start)
            ),
        },
        BookingOutcome::Unavailable {
            reason,
            alternatives,
        } => match kept {
            Some(kept) => still_booked_sentence(*reason, wanted, kept, alternatives),
            None => unavailable_sentence(*reason, None, alternatives),
        },
    }
}

#[cfg(test)]
#[path = "book_appointment_tests.rs"]
mod tests;
