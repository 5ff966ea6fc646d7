//! The HTTP engine: an OpenAI-compatible `/v1/audio/speech` endpoint (Kokoro-FastAPI, OpenAI,
//! and the many servers that copy that API).

use std::time::Duration;

use awc::http::header::CONTENT_TYPE;

use super::error::{body_snippet, SpeechError};
use super::wav::decode_wav;

/// The rate of OpenAI's (and Kokoro-FastAPI's) `pcm` response format: raw s16le mono.
pub const RAW_PCM_RATE: u32 = 24_000;

/// Largest audio answer accepted: about 5 minutes of 24 kHz 16-bit mono, far beyond a spoken
/// sentence, small enough that a misbehaving server cannot make a call hold gigabytes.
const MAX_BODY_BYTES: usize = 16 << 20;

/// A client for one OpenAI-compatible speech endpoint.
///
/// Exists to keep the wire details in one place. The request is
///
/// ```text
/// POST {base_url}/v1/audio/speech
/// Authorization: Bearer {api_key}          (only when api_key is non-empty)
/// Content-Type: application/json
///
/// {"model": "kokoro", "input": "<text>", "voice": "af_heart", "response_format": "wav"}
/// ```
///
/// and a 2xx answer's body is the audio. It is read as a WAV file when it starts with `RIFF`;
/// when the `Content-Type` is `audio/pcm` or the body has no RIFF header it is read as raw
/// 24 kHz signed 16-bit little-endian mono, OpenAI's `pcm` format, which some servers send
/// whatever was asked. A `base_url` that already ends in `/v1` (the OpenAI SDK convention) is
/// accepted too: `/audio/speech` is then appended.
#[derive(Clone)]
pub struct OpenAiSpeech {
    url: String,
    api_key: String,
    model: String,
    voice: String,
    timeout: Duration,
}

impl OpenAiSpeech {
    /// A client for `base_url` (e.g. `http://127.0.0.1:8880`).
    pub fn new(base_url: &str, api_key: &str, model: &str, voice: &str, timeout: Duration) -> Self {
        let base = base_url.trim().trim_end_matches('/');
        let url = if base.ends_with("/v1") {
            format!("{base}/audio/speech")
        } else {
            format!("{base}/v1/audio/speech")
        };
        Self {
            url,
            api_key: api_key.to_owned(),
            model: model.to_owned(),
            voice: voice.to_owned(),
            timeout,
        }
    }

    /// The full endpoint URL requests go to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Synthesizes `text`; returns (rate, mono samples). The whole exchange, connect to last
    /// byte, is bounded by the timeout. The future is `!Send` (awc), like everything on actix.
    pub async fn synthesize(&self, text: &str) -> Result<(u32, Vec<i16>), SpeechError> {
        match tokio::time::timeout(self.timeout, self.exchange(text)).await {
            Ok(result) => result,
            Err(_) => Err(SpeechError::Timeout {
                engine: "speech endpoint",
                after: self.timeout,
            }),
        }
    }

    async fn exchange(&self, text: &str) -> Result<(u32, Vec<i16>), SpeechError> {
        let body = serde_json::json!({
            "model": self.model,
            "input": text,
            "voice": self.voice,
            "response_format": "wav",
        });
        let mut request = crate::http_client::post(&self.url);
        if !self.api_key.is_empty() {
            request = request.bearer_auth(&self.api_key);
        }
        let mut response = request
            .send_json(&body)
            .await
            .map_err(|e| SpeechError::Request(self.redact(&e.to_string())))?;
        let status = response.status();
        let bytes = response
            .body()
            .limit(MAX_BODY_BYTES)
            .await
            .map_err(|e| SpeechError::Request(format!("reading the answer: {e}")))?;
        if !status.is_success() {
            return Err(SpeechError::HttpStatus {
                status: status.as_u16(),
                body: self.redact(&body_snippet(&bytes)),
            });
        }
        if bytes.is_empty() {
            return Err(SpeechError::Empty("speech endpoint"));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let (rate, pcm) = if content_type.starts_with("audio/pcm") || !bytes.starts_with(b"RIFF") {
            let pcm = bytes
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
            (RAW_PCM_RATE, pcm)
        } else {
            decode_wav(&bytes)?
        };
        // A header without samples would leave the caller in silence: worth a fallback too.
        if pcm.is_empty() {
            return Err(SpeechError::Empty("speech endpoint"));
        }
        Ok((rate, pcm))
    }

    /// Removes the API key from text that is about to become an error message (and so a log
    /// line): some servers echo the key they refused.
    fn redact(&self, text: &str) -> String {
        if self.api_key.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.api_key, "[redacted]")
        }
    }
}

/// Shows everything but the key, so the engine can be logged.
impl std::fmt::Debug for OpenAiSpeech {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiSpeech")
            .field("url", &self.url)
            .field(
                "api_key",
                &if self.api_key.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .field("model", &self.model)
            .field("voice", &self.voice)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_accepts_base_with_or_without_v1() {
        let t = Duration::from_secs(1);
        for base in [
            "http://h:8880",
            "http://h:8880/",
            "http://h:8880/v1",
            " http://h:8880/v1/ ",
        ] {
            assert_eq!(
                OpenAiSpeech::new(base, "", "m", "v", t).url(),
                "http://h:8880/v1/audio/speech"
            );
        }
    }

    #[test]
    fn key_is_redacted() {
        let e = OpenAiSpeech::new("http://h", "sk-secret", "m", "v", Duration::from_secs(1));
        assert!(!format!("{e:?}").contains("sk-secret"));
        assert_eq!(e.redact("bad key sk-secret!"), "bad key [redacted]!");
    }
}
