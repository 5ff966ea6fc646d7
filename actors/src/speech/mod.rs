//! Speech: text to caller audio.
//!
//! Used to speak tool results ("You're booked for Tuesday at 3 PM"), and by the fallback
//! pipeline and voicemail greetings. Two engines: an OpenAI-compatible `/v1/audio/speech`
//! endpoint ([`openai`], e.g. Kokoro-FastAPI) when configured, and espeak-ng ([`espeak`]) as the
//! embedded default and as the fallback, so the caller hears the sentence either way.
//!
//! * [`config`]: the `[speech]` settings.
//! * [`espeak`]: espeak-ng as a `tokio::process` child.
//! * [`openai`]: the HTTP engine (the request format is documented on [`openai::OpenAiSpeech`]).
//! * [`wav`]: a WAV reader tolerant of streaming writers' placeholder sizes.
//! * [`resample`]: whole-utterance resampling to the rate the call needs.

pub mod config;
pub mod error;
pub mod espeak;
pub mod openai;
pub mod resample;
pub mod wav;

use std::sync::Arc;
use std::time::Duration;

pub use config::{SpeechConfig, SpeechEngineKind};
pub use error::SpeechError;
pub use wav::decode_wav;

use espeak::Espeak;
use openai::OpenAiSpeech;

/// Turns text into mono 16-bit PCM at whatever rate the caller's leg runs.
///
/// Exists so that every part of switchboard that needs to say something has one cheap handle
/// (an `Arc` inside; clone it into each call) that hides the engine choice, the fallback, the
/// WAV decoding and the resampling. It is `Send + Sync`; the future of
/// [`synthesize`](Speech::synthesize) is not (awc), so await it on an actix/tokio local task.
#[derive(Clone, Debug)]
pub struct Speech {
    inner: Arc<Inner>,
}

/// The engines, built once from the config.
#[derive(Debug)]
struct Inner {
    espeak: Espeak,
    /// `Some` when the openai engine is configured and usable.
    openai: Option<OpenAiSpeech>,
}

impl Speech {
    /// Builds the engines. Never fails: an openai engine without a base URL is reported once
    /// here and replaced by espeak-ng (call [`SpeechConfig::validate`] to refuse it instead).
    pub fn new(config: SpeechConfig) -> Self {
        let espeak = Espeak::new(&config.espeak_voice, config.espeak_words_per_minute);
        let openai = match config.engine {
            SpeechEngineKind::Espeak => None,
            SpeechEngineKind::Openai if config.openai_base_url.trim().is_empty() => {
                log::warn!("speech: engine \"openai\" has no openai_base_url; using espeak-ng");
                None
            }
            SpeechEngineKind::Openai => Some(OpenAiSpeech::new(
                &config.openai_base_url,
                &config.openai_api_key,
                &config.openai_model,
                &config.openai_voice,
                Duration::from_millis(config.timeout_ms),
            )),
        };
        Self {
            inner: Arc::new(Inner { espeak, openai }),
        }
    }

    /// Synthesizes `text` as mono 16-bit PCM at `sample_rate` Hz.
    ///
    /// With the openai engine, falls back to espeak-ng when the endpoint fails or times out
    /// (logging one warning line), so the caller still hears the sentence. Never blocks the
    /// thread: espeak-ng runs as a child process via `tokio::process`, HTTP goes through awc.
    /// Blank text gives empty audio without running anything.
    pub async fn synthesize(&self, text: &str, sample_rate: u32) -> Result<Vec<i16>, SpeechError> {
        if sample_rate == 0 {
            return Err(SpeechError::Resample(
                crate::codec::CodecError::UnsupportedRate(0),
            ));
        }
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let started = std::time::Instant::now();
        let (rate, pcm) = match &self.inner.openai {
            None => self.inner.espeak.synthesize(text).await?,
            Some(openai) => match openai.synthesize(text).await {
                Ok(audio) => audio,
                Err(e) => {
                    log::warn!(
                        "speech: {} failed, speaking with espeak-ng instead: {e}",
                        openai.url()
                    );
                    self.inner.espeak.synthesize(text).await?
                }
            },
        };
        let out = resample::resample_utterance(&pcm, rate, sample_rate)?;
        log::debug!(
            "speech: {} chars -> {} ms of audio in {} ms",
            text.chars().count(),
            out.len() as u64 * 1000 / u64::from(sample_rate),
            started.elapsed().as_millis()
        );
        Ok(out)
    }
}
