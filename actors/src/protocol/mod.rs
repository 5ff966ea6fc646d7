//! Wire formats of the two peers switchboard speaks to.
//!
//! Pure functions and plain data only (no actix, no I/O), so every trap listed in `docs/` can be
//! pinned down by a unit test: [`signalwire`] is the media-stream JSON of a phone call,
//! [`personaplex`] the binary frames and chat URL of the speech model.

mod json;
pub mod personaplex;
pub mod signalwire;

#[cfg(test)]
mod personaplex_proptest;

/// Why a message from (or for) a peer could not be understood.
///
/// One enum for both peers because the callers treat every variant the same way (count, log,
/// skip the frame) and only the message differs; the messages name the field or rule at fault so a
/// log line is enough to diagnose a misbehaving peer.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// Not JSON at all (truncated frame, binary garbage).
    #[error("invalid JSON: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// Valid JSON whose shape is wrong (an array, a field of the wrong type).
    #[error("malformed message: {0}")]
    Malformed(#[source] serde_json::Error),
    /// Every media-stream message must say what it is.
    #[error("message has no `event` field")]
    MissingEvent,
    /// A known event without a field it cannot work without.
    #[error("`{event}` message without `{field}`")]
    MissingField {
        event: &'static str,
        field: &'static str,
    },
    /// A DTMF `digit` that is not one key of a phone pad. Names only its length: the value is
    /// caller input (and a real digit may be part of a PIN), so it is never echoed into a log.
    #[error("`dtmf` digit is not one of 0-9 * # A-D ({bytes} bytes)")]
    InvalidDtmf { bytes: usize },
    /// A media payload that is not standard base64.
    #[error("invalid base64 audio payload: {0}")]
    Base64(#[from] base64::DecodeError),
    /// A `mediaFormat` switchboard cannot transcode.
    #[error(
        "unsupported media format {encoding}@{sample_rate} with {channels} channel(s): expected \
         audio/x-mulaw@8000 or audio/x-L16@16000/24000, mono"
    )]
    UnsupportedFormat {
        encoding: String,
        sample_rate: u32,
        channels: u16,
    },
    /// A PersonaPlex WebSocket message with not even a kind byte.
    #[error("empty PersonaPlex message: no kind byte")]
    EmptyFrame,
    /// A PersonaPlex text piece that is not UTF-8.
    #[error("PersonaPlex text frame is not valid UTF-8: {0}")]
    InvalidText(#[source] std::str::Utf8Error),
    /// A `voice_prompt` the server would refuse (it closes without a handshake).
    #[error("invalid PersonaPlex voice {voice:?}: {reason}")]
    InvalidVoice { voice: String, reason: &'static str },
    /// PersonaPlex crashes the session on an empty persona prompt.
    #[error("the PersonaPlex text prompt is empty: the server crashes the session on it")]
    EmptyTextPrompt,
    /// Host or port that do not make a valid WebSocket URL.
    #[error("invalid PersonaPlex address: {0}")]
    InvalidAddress(String),
}
