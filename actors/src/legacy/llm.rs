//! The receptionist's brain: an OpenAI-compatible `/v1/chat/completions` endpoint with function
//! calling (OpenAI, vLLM, llama.cpp's server, Ollama, LiteLLM, ...), and the chat messages it
//! exchanges, in OpenAI's exact JSON shapes.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};

use super::error::LegacyError;
use super::http;
use crate::speech::error::body_snippet;

const ENDPOINT: &str = "chat endpoint";

/// Largest answer accepted: a receptionist's turn is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 1 << 20;

// ------------------------------------------------------------------------------------------
// Messages

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
/// text exactly as the model wrote it (it may be invalid: [`super::tools::parse_tool_call`]
/// says so). Reading is lenient where servers differ: `arguments` given as a JSON object is
/// kept as its JSON text, and a missing `id` is left empty for [`LlmClient`] to fill in.
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

/// What the model did with its turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// It answered: speak this to the caller.
    Text(String),
    /// It called tools (one or more, to run in order). Any text the model wrote alongside is
    /// dropped: the results of the calls come back to it and it speaks after them.
    ToolCalls(Vec<ToolCall>),
}

// ------------------------------------------------------------------------------------------
// Client

/// Settings of the [`LlmClient`], serde-ready like [`super::stt::SttConfig`]. `Debug` hides the
/// API key.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LlmConfig {
    /// Base URL, e.g. `http://127.0.0.1:8000`; requests go to `{base}/v1/chat/completions`
    /// (a base ending in `/v1` is accepted too).
    pub base_url: String,
    /// Sent as `Authorization: Bearer ...` when non-empty. Never logged.
    pub api_key: String,
    /// `model` of the request (default `gpt-4o-mini`).
    pub model: String,
    /// Whole-request budget (default 8000).
    pub timeout_ms: u64,
    /// `temperature` of the request (default 0.3: a receptionist should be predictable).
    pub temperature: f32,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            api_key: String::new(),
            model: "gpt-4o-mini".to_owned(),
            timeout_ms: 8000,
            temperature: 0.3,
        }
    }
}

impl LlmConfig {
    /// What can be checked before the first call, for the config loader.
    pub fn validate(&self) -> Result<(), String> {
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("llm base_url must be an http(s) URL (got {url:?})"));
        }
        if self.model.trim().is_empty() {
            return Err("llm model is empty".into());
        }
        if self.timeout_ms == 0 {
            return Err("llm timeout_ms must be > 0".into());
        }
        if !(0.0..=2.0).contains(&self.temperature) {
            return Err(format!(
                "llm temperature {} is outside OpenAI's 0..=2",
                self.temperature
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &http::key_shown(&self.api_key))
            .field("model", &self.model)
            .field("timeout_ms", &self.timeout_ms)
            .field("temperature", &self.temperature)
            .finish()
    }
}

/// A client for one chat completions endpoint.
///
/// Exists to keep the wire details in one place. The request is OpenAI's:
///
/// ```text
/// POST {base_url}/v1/chat/completions
/// Authorization: Bearer {api_key}              (only when api_key is non-empty)
/// Content-Type: application/json
///
/// {"model": "...", "messages": [...], "temperature": 0.3,
///  "tools": [...], "tool_choice": "auto"}      (tools and tool_choice only when tools
///                                               is a non-empty array: OpenAI refuses [])
/// ```
///
/// and the answer's `choices[0].message` is read: its `tool_calls` when there are any (whatever
/// `finish_reason` says: servers differ), else its `content`. `Send + Sync` and cheap to clone;
/// the future of [`complete`](Self::complete) is not `Send` (awc): await it on an actix task.
#[derive(Clone)]
pub struct LlmClient {
    url: String,
    config: LlmConfig,
}

impl LlmClient {
    pub fn new(config: LlmConfig) -> Self {
        Self {
            url: http::endpoint_url(&config.base_url, "chat/completions"),
            config,
        }
    }

    /// The full endpoint URL requests go to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// One turn of the model on `messages`, offering `tools` (an OpenAI `tools` array, e.g.
    /// [`super::tools::tool_schemas`]; `null` or `[]` offers none). The whole exchange is
    /// bounded by `timeout_ms`.
    pub async fn complete(
        &self,
        messages: &[ChatMessage],
        tools: &Value,
    ) -> Result<Completion, LegacyError> {
        let started = std::time::Instant::now();
        let body = self.request_body(messages, tools);
        let after = Duration::from_millis(self.config.timeout_ms);
        let completion = http::within(ENDPOINT, after, async {
            let key = &self.config.api_key;
            let answer = http::read_answer(
                ENDPOINT,
                &self.url,
                key,
                MAX_ANSWER_BYTES,
                http::post(&self.url, key).send_json(&body),
            )
            .await?;
            parse_completion(&answer)
        })
        .await?;
        log::debug!(
            "llm: {} messages -> {} in {} ms",
            messages.len(),
            match &completion {
                Completion::Text(t) => format!("{} chars of text", t.chars().count()),
                Completion::ToolCalls(c) => format!(
                    "tool calls {}",
                    c.iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            started.elapsed().as_millis()
        );
        Ok(completion)
    }

    fn request_body(&self, messages: &[ChatMessage], tools: &Value) -> Value {
        let mut body = json!({
            "model": self.config.model,
            "messages": messages,
            // Through f64 via its shortest decimal, so 0.3f32 goes out as 0.3, not 0.30000001.
            "temperature": self.config.temperature.to_string().parse::<f64>().unwrap_or(0.0),
        });
        let offered = match tools {
            Value::Array(a) => !a.is_empty(),
            Value::Null => false,
            _ => true,
        };
        if offered {
            body["tools"] = tools.clone();
            body["tool_choice"] = json!("auto");
        }
        body
    }
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("url", &self.url)
            .field("config", &self.config)
            .finish()
    }
}

/// The model's turn in a chat completion answer.
fn parse_completion(body: &[u8]) -> Result<Completion, LegacyError> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        choices: Vec<Choice>,
    }
    #[derive(Deserialize)]
    struct Choice {
        message: Option<Message>,
        #[serde(default)]
        finish_reason: Option<String>,
    }
    #[derive(Deserialize)]
    struct Message {
        #[serde(default)]
        content: Option<String>,
        #[serde(default)]
        tool_calls: Option<Vec<ToolCall>>,
    }

    let bad = |what: String| LegacyError::BadResponse(format!("{ENDPOINT} {what}"));
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "answered something that is not a chat completion ({e}): {}",
            body_snippet(body)
        ))
    })?;
    let Some(choice) = answer.choices.into_iter().next() else {
        return Err(bad(format!(
            "answered without choices: {}",
            body_snippet(body)
        )));
    };
    let Some(message) = choice.message else {
        return Err(bad(format!(
            "answered a choice without a message: {}",
            body_snippet(body)
        )));
    };
    let mut calls = message.tool_calls.unwrap_or_default();
    if !calls.is_empty() {
        for (i, call) in calls.iter_mut().enumerate() {
            if call.name.trim().is_empty() {
                return Err(bad(format!(
                    "answered a tool call without a function name: {}",
                    body_snippet(body)
                )));
            }
            // A result must quote the call's id; a server that gives none gets one made up.
            if call.id.is_empty() {
                call.id = format!("call_{i}");
            }
        }
        return Ok(Completion::ToolCalls(calls));
    }
    match message.content {
        Some(text) if !text.trim().is_empty() => Ok(Completion::Text(text.trim().to_owned())),
        _ => Err(bad(format!(
            "answered an empty message (finish_reason {:?}): {}",
            choice.finish_reason.unwrap_or_default(),
            body_snippet(body)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    #[test]
    fn messages_serialize_to_openai_shapes() {
        let messages = vec![
            ChatMessage::system("Be brief."),
            ChatMessage::user("Hi"),
            ChatMessage::assistant("Hello!"),
            ChatMessage::assistant_calls(&[call(
                "call_1",
                "check_availability",
                r#"{"date":"2026-03-03","time":"15:00"}"#,
            )]),
            ChatMessage::tool("call_1", "Tuesday March 3rd at 3 PM is open."),
        ];
        assert_eq!(
            serde_json::to_value(&messages).unwrap(),
            json!([
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {
                        "name": "check_availability",
                        "arguments": "{\"date\":\"2026-03-03\",\"time\":\"15:00\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "Tuesday March 3rd at 3 PM is open."},
            ])
        );
        // And back.
        let back: Vec<ChatMessage> =
            serde_json::from_value(serde_json::to_value(&messages).unwrap()).unwrap();
        assert_eq!(back, messages);
        assert_eq!(
            messages.iter().map(ChatMessage::role).collect::<Vec<_>>(),
            ["system", "user", "assistant", "assistant", "tool"]
        );
    }

    #[test]
    fn text_answer() {
        let body = br#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
            "choices":[{"index":0,"message":{"role":"assistant","content":" Sure, what day? ","refusal":null},
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
        assert_eq!(
            parse_completion(body).unwrap(),
            Completion::Text("Sure, what day?".into())
        );
    }

    #[test]
    fn tool_call_answers_including_lenient_shapes() {
        let body = br#"{"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
            "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"book_appointment","arguments":"{\"name\":\"Jo\"}"}},
                          {"type":"function","function":{"name":"check_availability","arguments":{"date":"2026-03-03"}}}]}}]}"#;
        assert_eq!(
            parse_completion(body).unwrap(),
            Completion::ToolCalls(vec![
                call("call_abc", "book_appointment", r#"{"name":"Jo"}"#),
                // Arguments given as an object (some servers), no id: both repaired.
                call("call_1", "check_availability", r#"{"date":"2026-03-03"}"#),
            ])
        );
        // Tool calls win even when finish_reason says "stop" (vLLM, llama.cpp do that).
        let body = br#"{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"Let me check.",
            "tool_calls":[{"id":"c","type":"function","function":{"name":"check_availability","arguments":"{}"}}]}}]}"#;
        assert!(
            matches!(parse_completion(body).unwrap(), Completion::ToolCalls(c) if c.len() == 1)
        );
    }

    #[test]
    fn bad_answers_are_bad_responses() {
        for (body, expected) in [
            (&b"<html>oops</html>"[..], "not a chat completion"),
            (br#"{"choices":[]}"#, "without choices"),
            (br#"{"choices":[{"index":0}]}"#, "without a message"),
            (
                br#"{"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"length"}]}"#,
                "empty message (finish_reason \"length\")",
            ),
            (
                br#"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":" ","arguments":"{}"}}]}}]}"#,
                "without a function name",
            ),
        ] {
            let e = parse_completion(body).unwrap_err();
            assert!(matches!(e, LegacyError::BadResponse(_)), "{e}");
            assert!(e.to_string().contains(expected), "{e}");
            assert!(e.to_string().starts_with("chat endpoint"), "{e}");
        }
    }

    #[test]
    fn request_body_shape() {
        let client = LlmClient::new(LlmConfig {
            base_url: "http://h/".into(),
            model: "qwen".into(),
            temperature: 0.3,
            ..LlmConfig::default()
        });
        assert_eq!(client.url(), "http://h/v1/chat/completions");
        let messages = [ChatMessage::user("Hi")];
        let tools = json!([{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}]);
        assert_eq!(
            client.request_body(&messages, &tools),
            json!({"model": "qwen", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.3,
                   "tools": tools, "tool_choice": "auto"})
        );
        for none in [json!([]), Value::Null] {
            assert_eq!(
                client.request_body(&messages, &none),
                json!({"model": "qwen", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.3})
            );
        }
    }

    #[test]
    fn config_defaults_validation_and_redaction() {
        let c: LlmConfig =
            serde_json::from_str(r#"{"api_key": "sk-hidden", "base_url": "https://api.example"}"#)
                .unwrap();
        assert_eq!(c.validate(), Ok(()));
        assert!(!format!("{:?}", LlmClient::new(c.clone())).contains("sk-hidden"));
        let hot = LlmConfig {
            temperature: 3.0,
            ..c
        };
        assert!(hot.validate().unwrap_err().contains("temperature"));
        assert!(serde_json::from_str::<LlmConfig>(r#"{"temprature": 1}"#).is_err());
    }
}
