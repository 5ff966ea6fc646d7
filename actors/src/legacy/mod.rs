//! The legacy pipeline: what answers the caller when PersonaPlex cannot, taking the call over
//! mid-call.
//!
//! Caller audio → [`vad`] (utterance boundaries, barge-in) → [`stt`] (an OpenAI-compatible
//! `/v1/audio/transcriptions`) → [`conversation`] + [`llm`] (an OpenAI-compatible
//! `/v1/chat/completions` with function calling over the [`tools`]) → the call's
//! `BookingExecutor` for tool calls → text to speech ([`crate::speech::Speech`]).
//!
//! Only pure logic and HTTP clients live here, no actors:
//!
//! * [`vad`]: energy VAD with hysteresis, pre-roll and a length cap.
//! * [`stt`]: the transcription client (WAV + multipart built by hand).
//! * [`llm`]: the chat client and the chat message types in OpenAI's JSON shapes.
//! * [`conversation`]: the system prompt (with the PersonaPlex handover) and a history the API
//!   always accepts.
//! * [`tools`]: the door to [`crate::tools`]: their JSON schemas, and tool calls parsed into
//!   `ToolRequest`s.
//! * [`error`]: [`LegacyError`], shared by both clients.
//!
//! The clients are `Send + Sync` and cheap to clone; their futures are not `Send` (awc), so
//! await them on actix tasks. API keys are sent only as `Authorization: Bearer` and never
//! appear in `Debug` output or error messages.
//!
//! One turn of the pipeline, as the actor shell drives it:
//!
//! ```text
//! UtteranceEnded(pcm) → stt.transcribe(pcm, rate) → conversation.user_said(text)
//! loop {
//!     match llm.complete(conversation.messages(), &tool_schemas(business))? {
//!         Text(t) => { conversation.assistant_said(&t); speak(t); break }
//!         ToolCalls(calls) => {
//!             conversation.assistant_called(&calls);
//!             for call in calls {
//!                 let result = match parse_tool_call(&call, business) {
//!                     Ok(ToolAction::Run(request)) => executor.send(RunTool(request)).await.sentence,
//!                     Ok(ToolAction::Reply(text)) => text,
//!                     Err(e) => format!("Error: {e}"),
//!                 };
//!                 conversation.tool_result(&call.id, &result);
//!             }
//!         }
//!     }
//! }
//! ```

pub mod conversation;
pub mod error;
mod http;
pub mod llm;
pub mod stt;
pub mod tools;
pub mod vad;

pub use conversation::{Conversation, Handover};
pub use error::LegacyError;
pub use llm::{ChatMessage, Completion, LlmClient, LlmConfig, ToolCall};
pub use stt::{SttClient, SttConfig};
pub use tools::{parse_tool_call, tool_schemas, ToolAction};
pub use vad::{Vad, VadConfig, VadEvent};
