//! Speech to text: an OpenAI-compatible `/v1/audio/transcriptions` endpoint (OpenAI Whisper,
//! faster-whisper-server / speaches, whisper.cpp's server, vLLM, ...).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::LegacyError;
use super::http;

const ENDPOINT: &str = "speech-to-text endpoint";

/// Largest answer accepted: a transcript of a 15 s utterance is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Settings of the [`SttClient`].
///
/// Serde-ready like [`crate::speech::SpeechConfig`] (every field defaulted, unknown keys
/// refused) so it can be embedded in the config file as is. `Debug` hides the API key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SttConfig {
    /// Base URL, e.g. `http://127.0.0.1:8000`; requests go to `{base}/v1/audio/transcriptions`
    /// (a base ending in `/v1` is accepted too).
    pub base_url: String,
    /// Sent as `Authorization: Bearer ...` when non-empty. Never logged.
    pub api_key: String,
    /// `model` of the request (default `whisper-1`).
    pub model: String,
    /// `language` of the request, ISO-639-1 (default `en`); empty leaves it to the server's
    /// detection (slower and worse on short phone utterances).
    pub language: String,
    /// Whole-request budget (default 5000).
    pub timeout_ms: u64,
}

impl Default for SttConfig {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            api_key: String::new(),
            model: "whisper-1".to_owned(),
            language: "en".to_owned(),
            timeout_ms: 5000,
        }
    }
}

impl SttConfig {
    /// What can be checked before the first call, for the config loader.
    pub fn validate(&self) -> Result<(), String> {
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("stt base_url must be an http(s) URL (got {url:?})"));
        }
        if self.model.trim().is_empty() {
            return Err("stt model is empty".into());
        }
        if self.timeout_ms == 0 {
            return Err("stt timeout_ms must be > 0".into());
        }
        Ok(())
    }
}

impl std::fmt::Debug for SttConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SttConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &http::key_shown(&self.api_key))
            .field("model", &self.model)
            .field("language", &self.language)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// A client for one transcription endpoint.
///
/// Exists to keep the wire details in one place. The request is OpenAI's:
///
/// ```text
/// POST {base_url}/v1/audio/transcriptions
/// Authorization: Bearer {api_key}              (only when api_key is non-empty)
/// Content-Type: multipart/form-data; boundary=...
///
/// file=utterance.wav (audio/wav: RIFF/WAVE, PCM 16-bit mono at the call's rate)
/// model=whisper-1
/// language=en                                  (omitted when empty)
/// response_format=json
/// ```
///
/// and the answer `{"text": "..."}`. `Send + Sync` and cheap to clone; the future of
/// [`transcribe`](Self::transcribe) is not `Send` (awc): await it on an actix task.
#[derive(Clone)]
pub struct SttClient {
    url: String,
    config: SttConfig,
}

impl SttClient {
    pub fn new(config: SttConfig) -> Self {
        Self {
            url: http::endpoint_url(&config.base_url, "audio/transcriptions"),
            config,
        }
    }

    /// The full endpoint URL requests go to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Transcribes one utterance of mono 16-bit PCM at `sample_rate` Hz; the text is trimmed.
    ///
    /// Empty audio gives an empty text without a request. The whole exchange, connect to last
    /// byte, is bounded by `timeout_ms`.
    pub async fn transcribe(&self, pcm: &[i16], sample_rate: u32) -> Result<String, LegacyError> {
        if sample_rate == 0 {
            return Err(LegacyError::Request(format!(
                "{ENDPOINT}: cannot send audio with a sample rate of 0"
            )));
        }
        if pcm.is_empty() {
            return Ok(String::new());
        }
        let started = std::time::Instant::now();
        let after = Duration::from_millis(self.config.timeout_ms);
        let text = http::within(ENDPOINT, after, self.exchange(pcm, sample_rate)).await?;
        log::debug!(
            "stt: {} ms of audio -> {} chars in {} ms",
            pcm.len() as u64 * 1000 / u64::from(sample_rate),
            text.chars().count(),
            started.elapsed().as_millis()
        );
        Ok(text)
    }

    async fn exchange(&self, pcm: &[i16], sample_rate: u32) -> Result<String, LegacyError> {
        let wav = wav_bytes(pcm, sample_rate);
        let mut fields = vec![("model", self.config.model.as_str())];
        if !self.config.language.trim().is_empty() {
            fields.push(("language", self.config.language.trim()));
        }
        fields.push(("response_format", "json"));
        let form = Multipart::new(&fields, "utterance.wav", "audio/wav", &wav);
        let key = &self.config.api_key;
        let request = http::post(&self.url, key).content_type(form.content_type());
        let body = http::read_answer(
            ENDPOINT,
            &self.url,
            key,
            MAX_ANSWER_BYTES,
            request.send_body(form.body),
        )
        .await?;
        parse_transcription(&body)
    }
}

impl std::fmt::Debug for SttClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SttClient")
            .field("url", &self.url)
            .field("config", &self.config)
            .finish()
    }
}

/// The text of a `response_format=json` answer.
fn parse_transcription(body: &[u8]) -> Result<String, LegacyError> {
    #[derive(Deserialize)]
    struct Answer {
        text: Option<String>,
    }
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        LegacyError::BadResponse(format!(
            "{ENDPOINT} answered something that is not a JSON transcription ({e}): {}",
            crate::speech::error::body_snippet(body)
        ))
    })?;
    match answer.text {
        Some(text) => Ok(text.trim().to_owned()),
        None => Err(LegacyError::BadResponse(format!(
            "{ENDPOINT} answered JSON without \"text\": {}",
            crate::speech::error::body_snippet(body)
        ))),
    }
}

/// A complete RIFF/WAVE file: PCM, 16-bit, mono, `rate` Hz.
pub fn wav_bytes(pcm: &[i16], rate: u32) -> Vec<u8> {
    let data_len = (pcm.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + pcm.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // WAVE_FORMAT_PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // channels
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in pcm {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// A `multipart/form-data` body (RFC 7578) with text fields and one file, built by hand: the
/// format is small and fixed, and awc has no form builder.
struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    fn new(fields: &[(&str, &str)], filename: &str, file_type: &str, file: &[u8]) -> Self {
        // A boundary must not occur in any part. Ours is long and varies per request; should
        // the audio happen to contain it anyway, the next candidate is taken.
        let boundary = loop {
            let candidate = new_boundary();
            let needle = candidate.as_bytes();
            if !file.windows(needle.len()).any(|w| w == needle)
                && !fields.iter().any(|(_, v)| v.contains(&candidate))
            {
                break candidate;
            }
        };
        let mut body = Vec::with_capacity(file.len() + 512);
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {file_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Self { boundary, body }
    }

    fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

/// `----switchboard-<hex>`: 16 hex digits from the clock and a counter.
fn new_boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // A cheap mix (splitmix64) so consecutive boundaries share no long prefix.
    let mut x = nanos ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    format!("----switchboard-{x:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_is_a_16_bit_mono_riff_that_decodes_back() {
        let pcm: Vec<i16> = (0..800).map(|i| (i * 37 % 2000 - 1000) as i16).collect();
        let wav = wav_bytes(&pcm, 8000);
        assert_eq!(wav.len(), 44 + 1600);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(wav[4..8].try_into().unwrap()), 36 + 1600);
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(u16::from_le_bytes([wav[20], wav[21]]), 1, "PCM");
        assert_eq!(u16::from_le_bytes([wav[34], wav[35]]), 16, "bits");
        let (rate, back) = crate::speech::decode_wav(&wav).unwrap();
        assert_eq!(rate, 8000);
        assert_eq!(back, pcm);
    }

    #[test]
    fn multipart_body_has_the_fields_and_the_file_between_boundaries() {
        let file = b"RIFF\x00\x01binary\r\n--not-a-boundary";
        let form = Multipart::new(
            &[("model", "whisper-1"), ("language", "en")],
            "utterance.wav",
            "audio/wav",
            file,
        );
        let b = &form.boundary;
        assert!(b.len() > 20);
        assert_eq!(
            form.content_type(),
            format!("multipart/form-data; boundary={b}")
        );
        let mut expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"utterance.wav\"\r\n\
             Content-Type: audio/wav\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(file);
        expected.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        assert_eq!(form.body, expected);
        assert_ne!(new_boundary(), new_boundary());
    }

    #[test]
    fn transcription_answers() {
        assert_eq!(
            parse_transcription(br#"{"text": "  Hello there. "}"#).unwrap(),
            "Hello there."
        );
        let e = parse_transcription(br#"{"error": "x"}"#).unwrap_err();
        assert!(matches!(e, LegacyError::BadResponse(_)), "{e}");
        assert!(e.to_string().contains("without \"text\""), "{e}");
        let e = parse_transcription(b"Hello there.").unwrap_err();
        assert!(e.to_string().contains("not a JSON transcription"), "{e}");
    }

    #[test]
    fn config_defaults_validation_and_redaction() {
        let c: SttConfig = serde_json::from_str(r#"{"api_key": "sk-hidden"}"#).unwrap();
        assert_eq!((c.model.as_str(), c.language.as_str()), ("whisper-1", "en"));
        assert!(c.validate().unwrap_err().contains("base_url"));
        assert!(!format!("{:?}", SttClient::new(c.clone())).contains("sk-hidden"));
        let c = SttConfig {
            base_url: "http://h:1/v1".into(),
            ..c
        };
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(
            SttClient::new(c).url(),
            "http://h:1/v1/audio/transcriptions"
        );
        assert!(serde_json::from_str::<SttConfig>(r#"{"modle": "x"}"#).is_err());
    }
}
