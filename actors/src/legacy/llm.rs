//! The receptionist's brain: an OpenAI-compatible `/v1/chat/completions` endpoint with function
//! calling (OpenAI, vLLM, llama.cpp's server, Ollama, LiteLLM, ...), and the chat messages it
//! exchanges, in OpenAI's exact JSON shapes.
//!
//! The message types live in `messages.rs` (re-exported here); this file is the client: its
//! config, the request it sends and how the answer is read.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::LegacyError;
use super::http;
use crate::speech::error::body_snippet;

#[path = "messages.rs"]
mod messages;
pub use messages::{ChatMessage, ToolCall};

const ENDPOINT: &str = "chat endpoint";

/// Largest answer accepted: a receptionist's turn is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// What the model did with its turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// It answered: speak this to the caller.
    Text(String),
    /// It called tools (one or more, to run in order). Any text the model wrote alongside is
    /// dropped: the results of the calls come back to it and it speaks after them.
    ToolCalls(Vec<ToolCall>),
}

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
/// ([`LlmClient::structured`] sends a `response_format` instead of tools)
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
        let completion = self.exchange(self.request_body(messages, tools)).await?;
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

    /// One answer of the model on `messages` in the shape `response_format` asks for (OpenAI's
    /// `{"type": "json_schema", "json_schema": {...}}`), without tools: the message's text,
    /// for the caller to parse. Bounded by `timeout_ms` like [`Self::complete`].
    pub async fn structured(
        &self,
        messages: &[ChatMessage],
        response_format: &Value,
    ) -> Result<String, LegacyError> {
        let mut body = self.request_body(messages, &Value::Null);
        body["response_format"] = response_format.clone();
        match self.exchange(body).await? {
            Completion::Text(text) => Ok(text),
            Completion::ToolCalls(_) => Err(LegacyError::BadResponse(format!(
                "{ENDPOINT} answered with tool calls where none were offered"
            ))),
        }
    }

    /// Posts `body` and reads the completion, all within `timeout_ms`.
    async fn exchange(&self, body: Value) -> Result<Completion, LegacyError> {
        let after = Duration::from_millis(self.config.timeout_ms);
        http::within(ENDPOINT, after, async {
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
        .await
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
#[path = "llm_tests.rs"]
mod tests;
