//! The one error type of the legacy pipeline's HTTP clients.

use std::time::Duration;

/// Why a transcription or a chat completion gave nothing usable.
///
/// Exists so that the pipeline can tell "the endpoint is down or slow" (speak an apology, keep
/// listening) from "it answered nonsense" with one type, and so that every message names the
/// endpoint and is safe to log: bodies are cut to one bounded line and the API key is removed.
#[derive(Debug, thiserror::Error)]
pub enum LegacyError {
    /// The endpoint answered with a non-2xx status; `body` is the start of its answer (an
    /// OpenAI-style `{"error": {"message": ...}}` usually says what is wrong).
    #[error("{endpoint} answered HTTP {status}: {body}")]
    Http {
        endpoint: &'static str,
        status: u16,
        body: String,
    },
    /// The whole exchange (connect to last byte) did not finish within the configured budget.
    #[error("{endpoint} gave no answer within {after:?}")]
    Timeout {
        endpoint: &'static str,
        after: Duration,
    },
    /// The request could not be sent or its answer not read (connection refused, reset, bad
    /// URL, audio that cannot be sent). The text names the endpoint.
    #[error("{0}")]
    Request(String),
    /// A 2xx answer that is not what the OpenAI API documents (not JSON, no `text`, no
    /// `choices`...). The text names the endpoint and what was missing.
    #[error("{0}")]
    BadResponse(String),
}

impl LegacyError {
    /// True for a timeout: the endpoint may just be overloaded, so a retry can make sense.
    pub fn is_timeout(&self) -> bool {
        matches!(self, LegacyError::Timeout { .. })
    }
}
