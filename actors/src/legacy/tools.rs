//! The receptionist's tools as the model sees them (OpenAI function schemas) and as the call
//! runs them ([`ToolRequest`]s for the `BookingExecutor`).
//!
//! Three tools, the same the ToolBridge drives for PersonaPlex:
//!
//! * `check_availability {date, time}` → [`ToolRequest::CheckAvailability`];
//! * `book_appointment {name, phone, email?, address, service, date, time}` →
//!   [`ToolRequest::Book`]. The executor queues the confirmation email itself when the booking
//!   is new and carries an email, so booking *is* sending the confirmation;
//! * `send_confirmation_email {email}` → [`ToolAction::Reply`], no `ToolRequest`: the executor
//!   has no "email an existing booking" request (a second `Book` of the same slot is
//!   `AlreadyBooked` and queues nothing). The schema tells the model to pass the email to
//!   `book_appointment` instead; if it calls this tool anyway, the reply tells it what happened
//!   (nothing was sent) and what to tell the caller, so it never claims an email it did not send.
//!
//! Dates are `YYYY-MM-DD` and times `HH:MM` 24-hour, in the business's time zone; the system
//! prompt gives the model today's date to resolve "next Tuesday".

use jiff::civil::{Date, Time};
use serde_json::{json, Map, Value};

use super::llm::ToolCall;
use crate::booking::business::Business;
use crate::booking::BookingDetails;
use crate::call::booking_executor::ToolRequest;

pub const CHECK_AVAILABILITY: &str = "check_availability";
pub const BOOK_APPOINTMENT: &str = "book_appointment";
pub const SEND_CONFIRMATION_EMAIL: &str = "send_confirmation_email";

/// What to do with a tool call the model made.
#[derive(Debug, Clone)]
pub enum ToolAction {
    /// Run it on the call's `BookingExecutor` (`RunTool`); the report's `sentence` is the tool
    /// result to give back to the model (`Conversation::tool_result`).
    Run(ToolRequest),
    /// Nothing to run: this text is the tool result.
    Reply(String),
}

/// The three tools as an OpenAI `tools` array for [`super::llm::LlmClient::complete`].
///
/// `service` is an enum of the business's service names, so a model that honours schemas
/// cannot invent one; [`parse_tool_call`] checks again for those that do not.
pub fn tool_schemas(business: &Business) -> Value {
    let services: Vec<&str> = business.services.iter().map(|s| s.name.as_str()).collect();
    let date = json!({
        "type": "string",
        "description": "Appointment date as YYYY-MM-DD, in the business's local time.",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    });
    let time = json!({
        "type": "string",
        "description": "Start time as HH:MM, 24-hour clock (3 PM is 15:00).",
        "pattern": "^[0-9]{1,2}:[0-9]{2}$",
    });
    json!([
        {
            "type": "function",
            "function": {
                "name": CHECK_AVAILABILITY,
                "description": "Check whether an appointment slot is free. Returns one sentence saying so, with the nearest free alternatives when it is not.",
                "parameters": {
                    "type": "object",
                    "properties": {"date": date, "time": time},
                    "required": ["date", "time"],
                    "additionalProperties": false,
                },
            },
        },
        {
            "type": "function",
            "function": {
                "name": BOOK_APPOINTMENT,
                "description": "Book the appointment once the caller has confirmed every detail you read back. Include the email when the caller gave one: the confirmation email is then sent automatically. Returns one sentence with the outcome.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "description": "The caller's full name."},
                        "phone": {"type": "string", "description": "Callback phone number, digits only (a leading + for a country code)."},
                        "email": {"type": "string", "description": "Email for the confirmation, if the caller gave one."},
                        "address": {"type": "string", "description": "Street address of the job."},
                        "service": {"type": "string", "enum": services, "description": "The service to book."},
                        "date": date,
                        "time": time,
                    },
                    "required": ["name", "phone", "address", "service", "date", "time"],
                    "additionalProperties": false,
                },
            },
        },
        {
            "type": "function",
            "function": {
                "name": SEND_CONFIRMATION_EMAIL,
                "description": "Normally not needed: book_appointment sends the confirmation when given the email. Call this only if the caller asks for an email about an appointment that is already booked; it explains what to tell them.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "email": {"type": "string", "description": "Where the caller wants the confirmation."},
                    },
                    "required": ["email"],
                    "additionalProperties": false,
                },
            },
        },
    ])
}

/// Turns a tool call of the model into what the call should do.
///
/// `Err` is a message written for the model ("book_appointment: \"date\" must be YYYY-MM-DD,
/// got \"next Tuesday\""): nothing is run, and the message should go back as the tool result
/// (e.g. `"Error: ..."`) so the model can ask the caller or correct its call.
pub fn parse_tool_call(call: &ToolCall, business: &Business) -> Result<ToolAction, String> {
    let tool = call.name.trim();
    let known = [
        CHECK_AVAILABILITY,
        BOOK_APPOINTMENT,
        SEND_CONFIRMATION_EMAIL,
    ];
    if !known.contains(&tool) {
        return Err(format!(
            "unknown tool {:?}; the tools are {}",
            call.name,
            known.join(", ")
        ));
    }
    let args = Args::parse(tool, &call.arguments)?;
    match tool {
        CHECK_AVAILABILITY => Ok(ToolAction::Run(ToolRequest::CheckAvailability {
            date: args.date("date")?,
            time: args.time("time")?,
        })),
        BOOK_APPOINTMENT => {
            // Checked in the order the model was asked to collect them.
            let name = args.text("name")?;
            let phone = args.phone("phone")?;
            let email = args.email("email")?;
            let address = args.text("address")?;
            let service_name = args.text("service")?;
            let service = business.service(&service_name).ok_or_else(|| {
                let names: Vec<&str> = business.services.iter().map(|s| s.name.as_str()).collect();
                format!(
                    "{tool}: unknown service {service_name:?}; the services are {}",
                    names.join(", ")
                )
            })?;
            Ok(ToolAction::Run(ToolRequest::Book(BookingDetails {
                name,
                phone,
                email,
                address,
                service: service.name.clone(),
                problem: None,
                date: args.date("date")?,
                time: args.time("time")?,
            })))
        }
        _ => {
            let email = args
                .email("email")?
                .ok_or_else(|| format!("{tool}: missing \"email\""))?;
            Ok(ToolAction::Reply(format!(
                "No email was sent to {email}. Confirmations are sent only by book_appointment, \
                 when it is given the email while booking. If the appointment is not booked yet, \
                 book it with this email. If it is already booked, tell the caller that the \
                 office will confirm by email and that they can write to {} meanwhile.",
                business.contact_email
            )))
        }
    }
}

/// A tool call's arguments object, with the tool name for error messages.
struct Args<'a> {
    tool: &'a str,
    map: Map<String, Value>,
}

impl<'a> Args<'a> {
    fn parse(tool: &'a str, arguments: &str) -> Result<Self, String> {
        // Some models send "" for a call without arguments.
        let text = if arguments.trim().is_empty() {
            "{}"
        } else {
            arguments
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Args { tool, map }),
            Ok(other) => Err(format!(
                "{tool}: arguments must be a JSON object, got {}",
                short(&other.to_string())
            )),
            Err(e) => Err(format!(
                "{tool}: arguments are not valid JSON ({e}): {}",
                short(arguments)
            )),
        }
    }

    /// The trimmed string at `key`, or `None` when absent, null or blank.
    fn optional(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            // A phone number as a JSON number is a common slip; keep its digits.
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(format!(
                "{}: {key:?} must be a string, got {}",
                self.tool,
                short(&other.to_string())
            )),
        }
    }

    fn text(&self, key: &str) -> Result<String, String> {
        self.optional(key)?
            .ok_or_else(|| format!("{}: missing {key:?}", self.tool))
    }

    fn date(&self, key: &str) -> Result<Date, String> {
        let s = self.text(key)?;
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return Err(format!(
                "{}: {key:?} must be a date as YYYY-MM-DD, got {s:?}",
                self.tool
            ));
        }
        s.parse::<Date>()
            .map_err(|_| format!("{}: {key:?} is not a real date: {s:?}", self.tool))
    }

    fn time(&self, key: &str) -> Result<Time, String> {
        let s = self.text(key)?;
        let bad = || {
            format!(
                "{}: {key:?} must be a time as HH:MM on a 24-hour clock (3 PM is 15:00), got {s:?}",
                self.tool
            )
        };
        let mut parts = s.split(':');
        let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
            return Err(bad());
        };
        // "15:00:00" is fine; seconds other than 0 are not a slot.
        if let Some(sec) = parts.next() {
            if sec != "00" || parts.next().is_some() {
                return Err(bad());
            }
        }
        let digits = |p: &str, max_len| {
            !p.is_empty() && p.len() <= max_len && p.bytes().all(|c| c.is_ascii_digit())
        };
        if !digits(h, 2) || m.len() != 2 || !digits(m, 2) {
            return Err(bad());
        }
        let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Time::new(h, m, 0, 0).map_err(|_| bad())
    }

    /// Digits only, a leading `+` kept; 7 to 15 digits (E.164's maximum).
    fn phone(&self, key: &str) -> Result<String, String> {
        let s = self.text(key)?;
        let plus = s.starts_with('+');
        let mut digits = String::new();
        for c in s.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' | ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(format!(
                        "{}: {key:?} must be a phone number in digits, got {s:?}",
                        self.tool
                    ))
                }
            }
        }
        if !(7..=15).contains(&digits.len()) {
            return Err(format!(
                "{}: {key:?} has {} digits, a phone number has 7 to 15: {s:?}",
                self.tool,
                digits.len()
            ));
        }
        Ok(if plus { format!("+{digits}") } else { digits })
    }

    /// An optional email address; present but malformed is an error, not `None`.
    fn email(&self, key: &str) -> Result<Option<String>, String> {
        let Some(s) = self.optional(key)? else {
            return Ok(None);
        };
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !s.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if valid {
            Ok(Some(s))
        } else {
            Err(format!(
                "{}: {key:?} is not an email address: {s:?}",
                self.tool
            ))
        }
    }
}

/// At most 120 characters of `s`, for error messages the model reads back.
fn short(s: &str) -> String {
    if s.chars().count() <= 120 {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(120).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
#[path = "tools_tests.rs"]
mod tests;
