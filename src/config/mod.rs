//! The configuration: one TOML file, with environment overrides on top.
//!
//! Every setting has a documented default in the repository's `config.toml`; the same keys can be
//! set from the environment as `ATLAS_<SECTION>_<KEY>` (for example `ATLAS_PERSONAPLEX_HOST` or
//! `ATLAS_SERVER_LISTEN`). Unknown keys, in the file or in an `ATLAS_` variable, are errors: a
//! typo in a phone system's configuration should stop it at start, not surface mid-call.
//!
//! This file holds [`Config`] itself: loading, validation and what is derived from it (URLs,
//! prompts, the redacted view). The section structs live in `sections.rs`, the `ATLAS_*`
//! override machinery in `env.rs`, the tests in `tests.rs`.

mod env;
mod sections;

use std::path::Path;

use actors::booking::business::Business;
use actors::booking::mailer::EmailConfig;
use actors::pool::ServerConfig as PersonaPlexServer;
use actors::speech::SpeechConfig;
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use env::{apply_env_overrides, section_error};
pub use sections::{
    ExtractorKind, LegacyConfig, PersonaPlexConfig, ServerConfig, SignalWireConfig, StoreConfig,
    ToolBridgeConfig, VoicemailConfig,
};

/// Prefix of every environment override.
pub const ENV_PREFIX: &str = "ATLAS_";

/// What is shown instead of a secret in `check-config`.
const REDACTED: &str = "<redacted>";

/// The whole effective configuration of a switchboard process.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub signalwire: SignalWireConfig,
    pub personaplex: PersonaPlexConfig,
    pub business: Business,
    pub store: StoreConfig,
    pub email: EmailConfig,
    pub speech: SpeechConfig,
    pub voicemail: VoicemailConfig,
    pub legacy: LegacyConfig,
    pub toolbridge: ToolBridgeConfig,
}

impl Config {
    /// Reads `path`, applies `ATLAS_*` overrides from `env`, and validates the result.
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        Self::from_toml(&text, env).with_context(|| format!("in config file {}", path.display()))
    }

    /// Parses TOML text, applies overrides, validates.
    pub fn from_toml(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let mut table: toml::Table = text.parse().context("invalid TOML")?;
        apply_env_overrides(&mut table, env)?;
        let config: Config =
            toml::Value::Table(table.clone())
                .try_into()
                .map_err(|e: toml::de::Error| {
                    anyhow::anyhow!("{}", section_error(&table).unwrap_or(e.message().into()))
                })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: URLs, files, value ranges.
    pub fn validate(&self) -> anyhow::Result<()> {
        let base = url::Url::parse(&self.server.public_base_url).with_context(|| {
            format!(
                "server.public_base_url {:?} is not a URL",
                self.server.public_base_url
            )
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            bail!("server.public_base_url must be an http(s) URL with a host, got {base}");
        }
        if base.query().is_some() {
            bail!("server.public_base_url must not carry a query string (SignalWire forbids one on the stream URL)");
        }
        if self.server.admin_token.is_empty() {
            bail!("server.admin_token must not be empty");
        }
        let sw = &self.signalwire;
        if sw.signing_key.is_empty() && !self.server.listen.ip().is_loopback() && !sw.allow_unsigned
        {
            bail!(
                "signalwire.signing_key is empty and server.listen ({}) is not a loopback address: \
                 anyone who can reach /signalwire/voice could start calls and be handed their \
                 media credentials. Set signalwire.signing_key to the SignalWire project's \
                 Signing Key, or, if a proxy in front of switchboard authenticates every request, \
                 set signalwire.allow_unsigned = true",
                self.server.listen
            );
        }
        let srv = &self.server;
        for (name, secs) in [
            ("server.header_timeout_secs", srv.header_timeout_secs),
            ("server.body_timeout_secs", srv.body_timeout_secs),
            ("server.write_timeout_secs", srv.write_timeout_secs),
            ("signalwire.start_timeout_secs", sw.start_timeout_secs),
            ("signalwire.media_timeout_secs", sw.media_timeout_secs),
        ] {
            if secs == 0 {
                bail!("{name} must be at least 1 second");
            }
        }
        let goodbye = sw.hangup_after_goodbye_secs;
        if !(goodbye.is_finite() && (0.0..=3600.0).contains(&goodbye)) {
            bail!("signalwire.hangup_after_goodbye_secs must be 0 (off) to 3600, got {goodbye}");
        }
        if srv.max_requests == 0 || srv.max_requests >= srv.max_connections {
            bail!(
                "server.max_requests ({}) must be at least 1 and below server.max_connections ({}): \
                 the difference is what is kept for media sockets",
                srv.max_requests,
                srv.max_connections
            );
        }
        if !matches!(
            self.signalwire.codec.as_str(),
            "PCMU@8000h" | "L16@16000h" | "L16@24000h"
        ) {
            bail!(
                "signalwire.codec must be PCMU@8000h, L16@16000h or L16@24000h, got {:?}",
                self.signalwire.codec
            );
        }
        let pp = &self.personaplex;
        self.business
            .validate()
            .map_err(|e| anyhow::anyhow!("[business]: {e}"))?;
        self.speech
            .validate()
            .map_err(|e| anyhow::anyhow!("[speech]: {e}"))?;
        if self.email.enabled {
            actors::booking::mailer::Mailer::new(&self.email)
                .map_err(|e| anyhow::anyhow!("[email]: {e}"))?;
        }
        if let Some(ca) = &pp.ca_file {
            if !ca.is_file() {
                bail!("personaplex.ca_file {} does not exist", ca.display());
            }
        }
        let redirect = srv.drain_redirect_url.trim();
        if !redirect.is_empty()
            && !url::Url::parse(redirect).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        {
            bail!("server.drain_redirect_url must be an http(s) URL, got {redirect:?}");
        }
        if let Some(server) = pp.servers.iter().find(|s| s.capacity == 0) {
            bail!(
                "personaplex.servers: {}:{} has capacity = 0; a server takes at least 1 session \
                 (remove the entry to stop using it)",
                server.host,
                server.port
            );
        }
        if pp.handshake_timeout_secs == 0 || pp.connect_timeout_secs == 0 {
            bail!("personaplex timeouts must be at least 1 second");
        }
        if !(6_000..=510_000).contains(&pp.opus_bitrate) {
            bail!(
                "personaplex.opus_bitrate must be within 6000..=510000, got {}",
                pp.opus_bitrate
            );
        }
        if self.legacy.enabled {
            self.legacy
                .stt
                .validate()
                .map_err(|e| anyhow::anyhow!("[legacy.stt]: {e}"))?;
            self.legacy
                .llm
                .validate()
                .map_err(|e| anyhow::anyhow!("[legacy.llm]: {e}"))?;
        }
        if self.toolbridge.extractor == ExtractorKind::Llm {
            let llm = &self.toolbridge.llm;
            if llm.base_url.trim().is_empty() {
                bail!(
                    "[toolbridge] extractor = \"llm\" needs [toolbridge.llm] base_url (an \
                     OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000); or set extractor = \"rules\""
                );
            }
            llm.client_config()
                .validate()
                .map_err(|e| anyhow::anyhow!("[toolbridge.llm]: {e}"))?;
        }
        if !self.voicemail.greeting.is_file() {
            bail!(
                "voicemail.greeting {} does not exist (scripts/make-voicemail-greeting makes it)",
                self.voicemail.greeting.display()
            );
        }
        // `nan` and `inf` are TOML floats (and `ATLAS_…=NaN` parses as one) but no duration:
        // refuse them here, or `serve` panics turning them into timeouts.
        let duration = |secs: f64| {
            std::time::Duration::try_from_secs_f64(secs).is_ok_and(|d| d.as_secs_f64() >= 0.5)
        };
        if !duration(pp.agent_silence_secs) || !duration(pp.fallback_after_secs) {
            bail!(
                "personaplex.agent_silence_secs and fallback_after_secs must be at least 0.5 \
                 seconds, got {} and {}",
                pp.agent_silence_secs,
                pp.fallback_after_secs
            );
        }
        if pp.opus_complexity > 10 {
            bail!(
                "personaplex.opus_complexity must be 0..=10, got {}",
                pp.opus_complexity
            );
        }
        self.chat_url()
            .context("personaplex settings do not make a valid /api/chat URL")?;
        // Each pool server too, or a bad entry would fail its calls one by one at run time.
        for server in &pp.servers {
            actors::protocol::personaplex::ChatUrl {
                use_tls: server.use_ssl,
                host: &server.host,
                port: server.port,
                voice_prompt: &self.voice_prompt(),
                text_prompt: &self.text_prompt(),
                seed: pp.seed,
            }
            .build()
            .with_context(|| {
                format!(
                    "personaplex.servers entry {:?} does not make a valid /api/chat URL",
                    server.host
                )
            })?;
        }
        Ok(())
    }

    /// The voice the agent speaks with: `personaplex.voice_prompt`, else the business's.
    pub fn voice_prompt(&self) -> String {
        match self.personaplex.voice_prompt.trim() {
            "" => self.business.voice_prompt(),
            voice => voice.to_string(),
        }
    }

    /// The persona prompt a call starts with: `personaplex.text_prompt`, else the business's.
    pub fn text_prompt(&self) -> String {
        match self.personaplex.text_prompt.trim() {
            "" => self.business.text_prompt(&Default::default(), &[]),
            prompt => prompt.to_string(),
        }
    }

    /// The PersonaPlex servers of the pool.
    pub fn personaplex_servers(&self) -> Vec<PersonaPlexServer> {
        let pp = &self.personaplex;
        if pp.servers.is_empty() {
            vec![PersonaPlexServer::new(pp.host.clone(), pp.port, pp.use_ssl)]
        } else {
            pp.servers.clone()
        }
    }

    /// The PersonaPlex `/api/chat` URL a call's first session uses.
    pub fn chat_url(&self) -> anyhow::Result<url::Url> {
        let pp = &self.personaplex;
        let url = actors::protocol::personaplex::ChatUrl {
            use_tls: pp.use_ssl,
            host: &pp.host,
            port: pp.port,
            voice_prompt: &self.voice_prompt(),
            text_prompt: &self.text_prompt(),
            seed: pp.seed,
        }
        .build()?;
        Ok(url)
    }

    /// The `wss://…/signalwire/media/<CallSid>` URL SignalWire connects one call's media stream
    /// to (`call_sid` must be path-safe: see `media_credentials::is_valid_call_sid`).
    pub fn media_stream_url(&self, call_sid: &str) -> String {
        let base = self.server.public_base_url.trim_end_matches('/');
        let ws = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_string()
        };
        format!("{ws}/signalwire/media/{call_sid}")
    }

    /// The configuration as TOML with every secret replaced, for `check-config` and logs.
    pub fn redacted_toml(&self) -> String {
        let mut shown = self.clone();
        for secret in [
            &mut shown.server.admin_token,
            &mut shown.signalwire.signing_key,
            &mut shown.signalwire.media_secret,
            &mut shown.signalwire.media_token,
            &mut shown.email.password,
            &mut shown.speech.openai_api_key,
            &mut shown.legacy.stt.api_key,
            &mut shown.legacy.llm.api_key,
            &mut shown.toolbridge.llm.api_key,
        ] {
            if !secret.is_empty() {
                *secret = REDACTED.into();
            }
        }
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

#[cfg(test)]
mod env_proptest;
#[cfg(test)]
mod parse_proptest;
#[cfg(test)]
mod tests;
