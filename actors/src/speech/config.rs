//! What the operator configures about speech (the `[speech]` table of the config file).

use serde::{Deserialize, Serialize};

/// Which engine speaks.
///
/// Exists so that the config file says `engine = "espeak"` or `engine = "openai"` and a typo is
/// a load error, not a silent default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeechEngineKind {
    /// espeak-ng, embedded (a child process): always available, robotic.
    #[default]
    Espeak,
    /// An OpenAI-compatible `/v1/audio/speech` endpoint (e.g. Kokoro-FastAPI), with espeak-ng
    /// as the fallback when it fails.
    Openai,
}

/// Settings of the [`Speech`](super::Speech) component.
///
/// Exists as its own struct so it can be embedded in switchboard's config file as is: every
/// field has a default (an empty table gives espeak-ng with a clear US voice) and unknown keys
/// are refused, so a misspelt setting is reported instead of ignored. `Debug` hides the API key.
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechConfig {
    /// `"espeak"` (default) or `"openai"`.
    pub engine: SpeechEngineKind,
    /// espeak-ng voice, `-v` (default `en-us+f3`: US English, a female variant).
    pub espeak_voice: String,
    /// espeak-ng speed, `-s` (default 160, a little slower than espeak's 175: phone lines).
    pub espeak_words_per_minute: u32,
    /// Base URL of the OpenAI-compatible server, e.g. `http://127.0.0.1:8880` (Kokoro-FastAPI's
    /// default port); requests go to `{base}/v1/audio/speech`.
    pub openai_base_url: String,
    /// Sent as `Authorization: Bearer ...` when non-empty. Never logged.
    pub openai_api_key: String,
    /// `model` of the request (default `kokoro`).
    pub openai_model: String,
    /// `voice` of the request (default `af_heart`, Kokoro's best-rated English voice).
    pub openai_voice: String,
    /// Whole-request budget for the endpoint before falling back to espeak-ng (default 3000).
    pub timeout_ms: u64,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        Self {
            engine: SpeechEngineKind::Espeak,
            espeak_voice: "en-us+f3".to_owned(),
            espeak_words_per_minute: 160,
            openai_base_url: String::new(),
            openai_api_key: String::new(),
            openai_model: "kokoro".to_owned(),
            openai_voice: "af_heart".to_owned(),
            timeout_ms: 3000,
        }
    }
}

impl SpeechConfig {
    /// Checks what can be checked without running anything, for the config loader to report
    /// at startup rather than on the first call.
    pub fn validate(&self) -> Result<(), String> {
        if self.espeak_voice.trim().is_empty() {
            return Err("speech.espeak_voice is empty".into());
        }
        if !(80..=450).contains(&self.espeak_words_per_minute) {
            return Err(format!(
                "speech.espeak_words_per_minute {} is outside espeak-ng's 80..=450",
                self.espeak_words_per_minute
            ));
        }
        if self.engine == SpeechEngineKind::Openai {
            let url = self.openai_base_url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "speech.openai_base_url must be an http(s) URL when engine = \"openai\" (got {url:?})"
                ));
            }
            if self.timeout_ms == 0 {
                return Err("speech.timeout_ms must be > 0".into());
            }
        }
        Ok(())
    }
}

/// Like the derived `Debug`, except that the API key shows only whether one is set.
impl std::fmt::Debug for SpeechConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = if self.openai_api_key.is_empty() {
            ""
        } else {
            "[redacted]"
        };
        f.debug_struct("SpeechConfig")
            .field("engine", &self.engine)
            .field("espeak_voice", &self.espeak_voice)
            .field("espeak_words_per_minute", &self.espeak_words_per_minute)
            .field("openai_base_url", &self.openai_base_url)
            .field("openai_api_key", &key)
            .field("openai_model", &self.openai_model)
            .field("openai_voice", &self.openai_voice)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}
