//! The tools as the legacy pipeline's LLM sees them: the OpenAI `tools` array, and its tool
//! calls turned into [`ToolRequest`]s (or a direct reply). Each tool's schema and argument
//! reading live in its own file; this is the list and the dispatch.

use serde_json::Value;

use super::args::Args;
use super::ToolRequest;
use super::{
    book_appointment, check_availability, reschedule_appointment, send_confirmation_email,
};
use crate::booking::business::Business;

/// What to do with a tool call the model made.
#[derive(Debug, Clone)]
pub enum ToolAction {
    /// Run it on the call's `BookingExecutor` (`RunTool`); the report's `sentence` is the tool
    /// result to give back to the model.
    Run(ToolRequest),
    /// Nothing to run: this text is the tool result.
    Reply(String),
}

/// The tools offered to the model, in this order.
pub const OFFERED: [&str; 4] = [
    check_availability::NAME,
    book_appointment::NAME,
    reschedule_appointment::NAME,
    send_confirmation_email::NAME,
];

/// The offered tools as an OpenAI `tools` array.
pub fn tool_schemas(business: &Business) -> Value {
    Value::Array(vec![
        check_availability::schema(),
        book_appointment::schema(business),
        reschedule_appointment::schema(business),
        send_confirmation_email::schema(),
    ])
}

/// Turns the model's call of tool `name` with `arguments` (its JSON text) into what the call
/// should do.
///
/// `Err` is a message written for the model ("book_appointment: \"date\" must be YYYY-MM-DD,
/// got \"next Tuesday\""): nothing is run, and the message should go back as the tool result
/// (e.g. `"Error: ..."`) so the model can ask the caller or correct its call.
pub fn parse(name: &str, arguments: &str, business: &Business) -> Result<ToolAction, String> {
    let tool = name.trim();
    let Some(tool) = OFFERED.into_iter().find(|t| *t == tool) else {
        return Err(format!(
            "unknown tool {name:?}; the tools are {}",
            OFFERED.join(", ")
        ));
    };
    let args = Args::parse(tool, arguments)?;
    match tool {
        check_availability::NAME => check_availability::parse(&args).map(ToolAction::Run),
        book_appointment::NAME => book_appointment::parse(&args, business).map(ToolAction::Run),
        reschedule_appointment::NAME => {
            reschedule_appointment::parse(&args, business).map(ToolAction::Run)
        }
        _ => send_confirmation_email::parse(&args, business),
    }
}

#[cfg(test)]
#[path = "llm_tests.rs"]
mod tests;
