//! The chat messages the legacy pipeline exchanges with a chat completions endpoint, in OpenAI's
//! exact JSON shapes: [`ChatMessage`] and the [`ToolCall`]s an assistant message carries, with
//! the private wire structs that give a flat `ToolCall` OpenAI's nested form.
//!
//! Apart from the client (`llm.rs`, which re-exports both types) because these are plain data:
//! the conversation history is built from them without any HTTP in sight.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// One message of a chat, serialized exactly as OpenAI's Chat Completions API takes it:
///
/// ```json
/// {"role": "system", "content": "..."}
/// {"role": "user", "content": "..."}
/// {"role": "assistant", "content": "..."}
/// {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
///     "function": {"name": "book_appointment", "arguments": "{\"name\":...}"}}]}
/// {"role": "tool", "tool_call_id": "call_1", "content": "..."}
/// ```
///
/// An enum rather than a struct with optional fields so that a message with a shape the API
/// refuses (a `tool` message without its call id, `tool_calls` on a user message) cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum ChatMessage {
    System {
        content: String,
    },
    User {
        content: String,
    },
    Assistant {
        /// `None` (JSON `null`) on a message that only calls tools.
        content: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
    },
    Tool {
        tool_call_id: String,
        content: String,
    },
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        ChatMessage::System {
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage::User {
            content: content.into(),
        }
    }

    /// An assistant message that says something.
    pub fn assistant(content: impl Into<String>) -> Self {
        ChatMessage::Assistant {
            content: Some(content.into()),
            tool_calls: Vec::new(),
        }
    }

    /// An assistant message that calls tools (and says nothing).
    pub fn assistant_calls(calls: &[ToolCall]) -> Self {
        ChatMessage::Assistant {
            content: None,
            tool_calls: calls.to_vec(),
        }
    }

    pub fn tool(tool_call_id: impl Into<String>, content: impl Into<String>) -> Self {
        ChatMessage::Tool {
            tool_call_id: tool_call_id.into(),
            content: content.into(),
        }
    }

    /// `"system"`, `"user"`, `"assistant"` or `"tool"`.
    pub fn role(&self) -> &'static str {
        match self {
            ChatMessage::System { .. } => "system",
            ChatMessage::User { .. } => "user",
            ChatMessage::Assistant { .. } => "assistant",
            ChatMessage::Tool { .. } => "tool",
        }
    }
}

/// One function call the model asked for.
///
/// Flat here; on the wire it is OpenAI's nested
/// `{"id", "type": "function", "function": {"name", "arguments"}}`. `arguments` is the JSON
/// text exactly as the model wrote it (it may be invalid:
/// [`crate::legacy::tools::parse_tool_call`] says so). Reading is lenient where servers differ:
/// `arguments` given as a JSON object is kept as its JSON text, and a missing `id` is left empty
/// for [`LlmClient`](super::LlmClient) to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

#[derive(Serialize)]
struct WireCallOut<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: WireFunctionOut<'a>,
}

#[derive(Serialize)]
struct WireFunctionOut<'a> {
    name: &'a str,
    arguments: &'a str,
}

impl Serialize for ToolCall {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireCallOut {
            id: &self.id,
            kind: "function",
            function: WireFunctionOut {
                name: &self.name,
                arguments: &self.arguments,
            },
        }
        .serialize(serializer)
    }
}

#[derive(Deserialize)]
struct WireCallIn {
    #[serde(default)]
    id: Option<String>,
    function: WireFunctionIn,
}

#[derive(Deserialize)]
struct WireFunctionIn {
    name: String,
    #[serde(default)]
    arguments: Value,
}

impl<'de> Deserialize<'de> for ToolCall {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireCallIn::deserialize(deserializer)?;
        let arguments = match wire.function.arguments {
            Value::String(s) => s,
            Value::Null => "{}".to_owned(),
            other => other.to_string(),
        };
        Ok(ToolCall {
            id: wire.id.unwrap_or_default(),
            name: wire.function.name,
            arguments,
        })
    }
}
