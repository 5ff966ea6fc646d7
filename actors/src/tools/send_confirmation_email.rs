//! `send_confirmation_email`: the confirmation of an appointment, queued in the email outbox.
//!
//! Booking *is* sending the confirmation: book_appointment and reschedule_appointment queue it
//! themselves ([`queue`]) for a new, corrected or moved appointment that has an email address,
//! and the `BookingExecutor` records it as a run of this tool. Delivery (and retries) is the
//! outbox's job, so a mail server that is down never holds up the call.
//!
//! The legacy LLM also sees this tool, but calling it runs nothing ([`parse`] answers with a
//! [`ToolAction::Reply`]): the schema tells the model to give the email to book_appointment
//! instead, and if it calls this anyway, the reply tells it what happened (nothing was sent)
//! and what to tell the caller, so it never claims an email it did not send.

use std::time::Instant;

use serde_json::{json, Value};

use super::args::Args;
use super::{ToolAction, ToolEnv};
use crate::booking::business::Business;
use crate::booking::mailer::{confirmation_email, Confirmation};
use crate::booking::store::{Store, StoreError};

pub const NAME: &str = "send_confirmation_email";

/// The tool as the legacy LLM sees it (an OpenAI `tools` entry).
pub fn schema() -> Value {
    json!({
        "type": "function",
        "function": {
            "name": NAME,
            "description": "Normally not needed: book_appointment and reschedule_appointment send the confirmation when given the email. Call this only if the caller asks for an email about an appointment that is already booked; it explains what to tell them.",
            "parameters": {
                "type": "object",
                "properties": {
                    "email": {"type": "string", "description": "Where the caller wants the confirmation."},
                },
                "required": ["email"],
                "additionalProperties": false,
            },
        },
    })
}

/// The LLM's call: nothing to run, the reply explains.
pub fn parse(args: &Args<'_>, business: &Business) -> Result<ToolAction, String> {
    let email = args
        .email("email")?
        .ok_or_else(|| format!("{}: missing \"email\"", args.tool()))?;
    Ok(ToolAction::Reply(format!(
        "No email was sent to {email}. Confirmations are sent only by book_appointment, \
         when it is given the email while booking. If the appointment is not booked yet, \
         book it with this email. If it is already booked, tell the caller that the \
         office will confirm by email and that they can write to {} meanwhile.",
        business.contact_email
    )))
}

/// A confirmation queued (or not: `outbox` holds the error) by a booking run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEmail {
    pub to: String,
    pub appointment_id: i64,
    /// The outbox row, or why it could not be written.
    pub outbox: Result<i64, String>,
    pub latency_ms: u64,
}

impl QueuedEmail {
    /// The run's arguments, for the record.
    pub fn arguments(&self) -> Value {
        json!({ "to": self.to, "appointment_id": self.appointment_id })
    }

    /// The run's result and error, for the record.
    pub fn result(&self) -> (Option<Value>, Option<String>) {
        match &self.outbox {
            Ok(id) => (Some(json!({ "outbox_id": id })), None),
            Err(e) => (None, Some(e.clone())),
        }
    }

    /// Where the confirmation goes, if it was queued.
    pub fn queued_to(&self) -> Option<&str> {
        self.outbox.is_ok().then_some(self.to.as_str())
    }
}

/// Queues the confirmation of appointment `appointment_id` as stored (so it says what was
/// booked, merged details included) when email is enabled and the appointment has an address.
/// `None` when there is nothing to send; a failed queue write is in [`QueuedEmail::outbox`].
pub fn queue(
    store: &Store,
    env: &ToolEnv<'_>,
    appointment_id: i64,
    kind: Confirmation,
) -> Result<Option<QueuedEmail>, StoreError> {
    if !env.email_enabled {
        return Ok(None);
    }
    let Some(appointment) = store.appointment(appointment_id)? else {
        return Ok(None);
    };
    let Some(to) = appointment.email.clone() else {
        return Ok(None);
    };
    let started = Instant::now();
    let (subject, body) =
        confirmation_email(env.business, &appointment.details(), appointment_id, kind);
    let outbox = store
        .enqueue_email(&to, &subject, &body, Some(env.call_sid), env.now)
        .map_err(|e| e.to_string());
    Ok(Some(QueuedEmail {
        to,
        appointment_id,
        outbox,
        latency_ms: started.elapsed().as_millis() as u64,
    }))
}

/// "a confirmation is on its way to john at example dot com" ("a new confirmation" for a
/// correction): how the booking tools' sentences end when they queued one.
pub fn on_its_way(email: &str, new: bool) -> String {
    format!(
        "a {}confirmation is on its way to {}",
        if new { "new " } else { "" },
        crate::booking::sentences::spoken_email(email)
    )
}
