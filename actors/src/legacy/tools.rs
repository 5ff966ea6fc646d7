//! The receptionist's tools as the legacy pipeline's model sees them: the same tools the
//! ToolBridge drives for PersonaPlex, each defined in its own file under [`crate::tools`] (name,
//! schema, arguments, execution, sentence). This is the pipeline's door to them: the `tools`
//! array for [`super::llm::LlmClient::complete`], and a [`ToolCall`] turned into a
//! [`ToolAction`] (a `ToolRequest` for the call's `BookingExecutor`, or a direct reply).

use super::llm::ToolCall;
use crate::booking::business::Business;

pub use crate::tools::book_appointment::NAME as BOOK_APPOINTMENT;
pub use crate::tools::check_availability::NAME as CHECK_AVAILABILITY;
pub use crate::tools::reschedule_appointment::NAME as RESCHEDULE_APPOINTMENT;
pub use crate::tools::send_confirmation_email::NAME as SEND_CONFIRMATION_EMAIL;
pub use crate::tools::{tool_schemas, ToolAction};

/// Turns a tool call of the model into what the call should do; see [`crate::tools::parse`].
pub fn parse_tool_call(call: &ToolCall, business: &Business) -> Result<ToolAction, String> {
    crate::tools::parse(&call.name, &call.arguments, business)
}
