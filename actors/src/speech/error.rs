//! The one error type of the speech component.

use std::time::Duration;

use crate::codec::CodecError;

/// Why a sentence could not be turned into audio.
///
/// Exists so that callers (tool results, the fallback pipeline, voicemail) get one type with
/// messages an operator can act on ("install espeak-ng", "HTTP 401 ...") instead of a string,
/// and so that `Speech` can tell an endpoint failure (fall back to espeak-ng) from its own.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The espeak-ng binary could not be found on `PATH`.
    #[error("espeak-ng not found ({program}): install the Debian package `espeak-ng`")]
    EspeakMissing { program: String },
    /// espeak-ng could not be started for another reason (permissions, no process slots...).
    #[error("cannot run espeak-ng: {0}")]
    Spawn(#[source] std::io::Error),
    /// espeak-ng ran but failed (an unknown voice is the usual cause); `stderr` is its message.
    #[error("espeak-ng failed ({status}): {stderr}")]
    EspeakFailed { status: String, stderr: String },
    /// The audio bytes were not a WAV file this parser understands.
    #[error("bad WAV: {0}")]
    BadWav(String),
    /// The speech endpoint answered with a non-2xx status; `body` is the start of its answer.
    #[error("speech endpoint answered HTTP {status}: {body}")]
    HttpStatus { status: u16, body: String },
    /// The request could not be sent or its answer not read (connection refused, reset, ...).
    #[error("speech endpoint request failed: {0}")]
    Request(String),
    /// The speech endpoint (or espeak-ng) did not finish in time.
    #[error("{engine} gave no audio within {after:?}")]
    Timeout {
        engine: &'static str,
        after: Duration,
    },
    /// The engine answered successfully but with no audio at all.
    #[error("{0} returned no audio")]
    Empty(&'static str),
    /// The configuration cannot work (e.g. the openai engine without a base URL).
    #[error("speech configuration: {0}")]
    Config(String),
    /// The resampler refused the rate pair (a requested rate of 0, typically).
    #[error("resampling: {0}")]
    Resample(#[from] CodecError),
}

/// At most this many characters of a peer's error body go into an error message: enough for an
/// OpenAI-style `{"error":{"message":...}}`, not enough to flood a log line.
const BODY_SNIPPET_CHARS: usize = 300;

/// The start of `body` as text, for [`SpeechError::HttpStatus`].
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    // Control characters (newlines in a JSON or HTML body) become spaces: the snippet ends up
    // in a single log line.
    let mut snippet: String = text
        .chars()
        .take(BODY_SNIPPET_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > BODY_SNIPPET_CHARS {
        snippet.push('…');
    }
    if snippet.is_empty() {
        snippet.push_str("(empty body)");
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_one_bounded_line() {
        assert_eq!(
            body_snippet(b"  {\"error\":\n {\"message\": \"x\"}}\r\n"),
            "{\"error\":  {\"message\": \"x\"}}"
        );
        assert_eq!(body_snippet(b""), "(empty body)");
        let long = body_snippet(&[b'a'; 1000]);
        assert_eq!(long.chars().count(), BODY_SNIPPET_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
