//! `check_availability {date, time}`: is this slot free, and if not, what is nearest?

use jiff::civil::{Date, DateTime, Time};
use serde_json::{json, Value};

use super::args::{date_schema, time_schema, Args};
use super::{ToolEnv, ToolReport, ToolRequest, ToolRun};
use crate::booking::sentences::{spoken_datetime, unavailable_sentence};
use crate::booking::store::{Store, StoreError};
use crate::booking::Availability;

pub const NAME: &str = "check_availability";

/// The tool as the legacy LLM sees it (an OpenAI `tools` entry).
pub fn schema() -> Value {
    json!({
        "type": "function",
        "function": {
            "name": NAME,
            "description": "Check whether an appointment slot is free. Returns one sentence saying so, with the nearest free alternatives when it is not.",
            "parameters": {
                "type": "object",
                "properties": {"date": date_schema(), "time": time_schema()},
                "required": ["date", "time"],
                "additionalProperties": false,
            },
        },
    })
}

/// The LLM's arguments as a request.
pub fn parse(args: &Args<'_>) -> Result<ToolRequest, String> {
    Ok(ToolRequest::CheckAvailability {
        date: args.date("date")?,
        time: args.time("time")?,
    })
}

/// Checks the slot against opening hours and the live appointments. Writes nothing.
pub fn run(
    store: &Store,
    env: &ToolEnv<'_>,
    date: Date,
    time: Time,
) -> Result<ToolRun, StoreError> {
    let wanted = date.to_datetime(time);
    let availability = store.check_availability(env.business, wanted, env.now)?;
    Ok(ToolRun {
        report: ToolReport {
            tool: NAME,
            sentence: sentence(wanted, &availability),
            booked: None,
            email_to: None,
            succeeded: matches!(availability, Availability::Free { .. }),
            error: None,
        },
        result: json!({ "availability": availability }),
        email: None,
    })
}

/// "Tuesday March 3rd at 3 PM is open." / "Sorry, Tuesday March 3rd at 3 PM is taken; I could
/// do 2 PM or 4 PM that day, or Wednesday March 4th at 9 AM." The asked-for slot is read back,
/// so the caller hears what was checked.
pub fn sentence(wanted: DateTime, a: &Availability) -> String {
    match a {
        Availability::Free { start } => format!("{} is open.", spoken_datetime(*start)),
        Availability::Unavailable {
            reason,
            alternatives,
        } => unavailable_sentence(*reason, Some(wanted), alternatives),
    }
}

#[cfg(test)]
#[path = "check_availability_tests.rs"]
mod tests;
