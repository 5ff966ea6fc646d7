//! The configuration: one TOML file, with environment overrides on top.
//!
//! Every setting has a documented default in the repository's `config.toml`; the same keys can be
//! set from the environment as `ATLAS_<SECTION>_<KEY>` (for example `ATLAS_PERSONAPLEX_HOST` or
//! `ATLAS_SERVER_LISTEN`). Unknown keys, in the file or in an `ATLAS_` variable, are errors: a
//! typo in a phone system's configuration should stop it at start, not surface mid-call.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use actors::booking::business::Business;
use actors::booking::mailer::EmailConfig;
use actors::call::FallbackEngine;
use actors::legacy::{LlmConfig, SttConfig, VadConfig};
use actors::pool::ServerConfig as PersonaPlexServer;
use actors::speech::SpeechConfig;
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

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
}

/// The legacy pipeline: OpenAI-compatible speech-to-text and LLM endpoints, and its VAD.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LegacyConfig {
    /// Off: calls PersonaPlex cannot serve go to voicemail.
    pub enabled: bool,
    pub stt: SttConfig,
    pub llm: LlmConfig,
    pub vad: VadConfig,
}

/// Voicemail: the last resort, and what a call gets when nothing else is configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VoicemailConfig {
    /// Greeting played before the beep (WAV; made by `scripts/make-voicemail-greeting`).
    pub greeting: PathBuf,
    /// Where messages are written, as `<call sid>.wav`.
    pub dir: PathBuf,
    /// Longest message, in seconds.
    pub max_secs: u64,
    /// Email `business.contact_email` about each new message.
    pub notify: bool,
}

impl Default for VoicemailConfig {
    fn default() -> Self {
        VoicemailConfig {
            greeting: "assets/voicemail-greeting.wav".into(),
            dir: "data/voicemail".into(),
            max_secs: 120,
            notify: true,
        }
    }
}

/// Where bookings, call records and the email outbox live.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// SQLite file, created and migrated on start.
    pub path: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: "data/switchboard.db".into(),
        }
    }
}

/// The HTTP side: where we listen and how the outside world reaches us.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Socket address the HTTP server binds.
    pub listen: SocketAddr,
    /// The base URL SignalWire uses to reach this server (scheme, host, optional port, no query).
    /// Webhook signatures are computed over this URL, and the media-stream URL handed to
    /// SignalWire is derived from it (`https` becomes `wss`).
    pub public_base_url: String,
    /// Bearer token for `/admin/*`.
    pub admin_token: String,
    /// Largest WebSocket message accepted from SignalWire, in bytes.
    pub max_message_bytes: usize,
}

/// SignalWire: how calls reach us and how we check they are genuine.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignalWireConfig {
    /// The project's Signing Key. Empty disables signature checks (fine on loopback, never in
    /// production; the server warns at start).
    pub signing_key: String,
    /// Bearer token SignalWire must present on the media-socket upgrade (we hand it to
    /// SignalWire in the cXML `authBearerToken`).
    pub media_token: String,
    /// Media codec asked for in the cXML: `PCMU@8000h`, `L16@16000h` or `L16@24000h`.
    pub codec: String,
}

/// The PersonaPlex server a call is bridged to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersonaPlexConfig {
    /// The rollback switch: false sends every call to the fallback engine.
    pub enabled: bool,
    /// The servers of the pool (each serves one call at a time). Empty: the one server given
    /// by `host`, `port` and `use_ssl`.
    pub servers: Vec<PersonaPlexServer>,
    pub host: String,
    pub port: u16,
    /// `wss://` when true, `ws://` otherwise.
    pub use_ssl: bool,
    /// PEM file with the CA that signed the server's certificate (e.g. mkcert's root).
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate. Only for a self-signed server on a network you trust.
    pub accept_invalid_certs: bool,
    /// Voice file name, e.g. `NATF2.pt` (`.pt` is added when missing). Empty: chosen from
    /// `[business]` (its `voice`, else the agent name's gender).
    pub voice_prompt: String,
    /// A fixed persona, sent as `text_prompt`. Empty: built from `[business]` (recommended:
    /// it also carries what the call has already established when a session restarts).
    pub text_prompt: String,
    /// Sent as `seed` only when set: older servers die on any request carrying it.
    pub seed: Option<u64>,
    /// Seconds to wait for the TCP/TLS/WebSocket connect.
    pub connect_timeout_secs: u64,
    /// Seconds to wait for the `0x00` handshake after connecting: the server prefills the voice
    /// and text prompt first, which takes seconds on a long prompt.
    pub handshake_timeout_secs: u64,
    /// Opus bitrate of the caller's audio sent to PersonaPlex.
    pub opus_bitrate: i32,
    /// Opus encoder complexity, 0 (cheapest) to 10 (best). Encoding is most of a call's CPU
    /// cost; see the transcoder bench for the trade-off.
    pub opus_complexity: u8,
    /// Seconds of caller audio with no agent audio back after which a session is dead.
    pub agent_silence_secs: f64,
    /// Restarts of a call's PersonaPlex session before it falls back.
    pub restart_budget: u32,
    /// After a failure, seconds to wait for a new live session before falling back.
    pub fallback_after_secs: f64,
    /// Seconds a server that failed is skipped.
    pub cooldown_secs: u64,
    /// Who takes a call PersonaPlex cannot serve: "legacy" (when configured) or "voicemail".
    pub fallback: FallbackEngine,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: ([127, 0, 0, 1], 8080).into(),
            public_base_url: "http://127.0.0.1:8080".into(),
            admin_token: "change-me-admin".into(),
            max_message_bytes: 64 * 1024,
        }
    }
}

impl Default for SignalWireConfig {
    fn default() -> Self {
        SignalWireConfig {
            signing_key: String::new(),
            media_token: "change-me-media".into(),
            codec: "PCMU@8000h".into(),
        }
    }
}

impl Default for PersonaPlexConfig {
    fn default() -> Self {
        PersonaPlexConfig {
            enabled: true,
            servers: Vec::new(),
            host: "127.0.0.1".into(),
            port: 8998,
            use_ssl: false,
            ca_file: None,
            accept_invalid_certs: false,
            voice_prompt: String::new(),
            text_prompt: String::new(),
            seed: None,
            connect_timeout_secs: 5,
            handshake_timeout_secs: 30,
            opus_bitrate: 24_000,
            opus_complexity: 1,
            agent_silence_secs: 3.0,
            restart_budget: 2,
            fallback_after_secs: 8.0,
            cooldown_secs: 30,
            fallback: FallbackEngine::Legacy,
        }
    }
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
        if self.server.admin_token.is_empty() || self.signalwire.media_token.is_empty() {
            bail!("server.admin_token and signalwire.media_token must not be empty");
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
        if !self.voicemail.greeting.is_file() {
            bail!(
                "voicemail.greeting {} does not exist (scripts/make-voicemail-greeting makes it)",
                self.voicemail.greeting.display()
            );
        }
        if pp.agent_silence_secs < 0.5 || pp.fallback_after_secs < 0.5 {
            bail!("personaplex.agent_silence_secs and fallback_after_secs must be at least 0.5");
        }
        if pp.opus_complexity > 10 {
            bail!(
                "personaplex.opus_complexity must be 0..=10, got {}",
                pp.opus_complexity
            );
        }
        self.chat_url()
            .context("personaplex settings do not make a valid /api/chat URL")?;
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
            "" => self.business.text_prompt(&Default::default()),
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

    /// The `wss://…/signalwire/media` URL SignalWire connects the media stream to.
    pub fn media_stream_url(&self) -> String {
        let base = self.server.public_base_url.trim_end_matches('/');
        let ws = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_string()
        };
        format!("{ws}/signalwire/media")
    }

    /// The configuration as TOML with every secret replaced, for `check-config` and logs.
    pub fn redacted_toml(&self) -> String {
        let mut shown = self.clone();
        for secret in [
            &mut shown.server.admin_token,
            &mut shown.signalwire.signing_key,
            &mut shown.signalwire.media_token,
            &mut shown.email.password,
            &mut shown.speech.openai_api_key,
            &mut shown.legacy.stt.api_key,
            &mut shown.legacy.llm.api_key,
        ] {
            if !secret.is_empty() {
                *secret = REDACTED.into();
            }
        }
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// Applies `ATLAS_<SECTION>_<KEY>=value` variables to the parsed file.
///
/// The value's type follows the type the key has in the defaults (so `ATLAS_PERSONAPLEX_PORT=9000`
/// is a number and `ATLAS_SERVER_ADMIN_TOKEN=1234` stays a string). The dedicated names the
/// deployment scripts of the PersonaPlex box use (`ATLAS_PERSONAPLEX_HOST`, `…_PORT`,
/// `…_VOICE_PROMPT`, `…_TEXT_PROMPT`, `…_USE_SSL`) are simply instances of that rule.
fn apply_env_overrides(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<()> {
    let defaults = toml::Table::try_from(Config::default()).context("defaults do not serialize")?;
    let mut vars: Vec<(String, String)> = env
        .into_iter()
        .filter(|(k, _)| k.starts_with(ENV_PREFIX))
        .collect();
    vars.sort();
    for (name, raw) in vars {
        let rest = name[ENV_PREFIX.len()..].to_ascii_lowercase();
        let Some((section, key)) = defaults.keys().find_map(|section| {
            let key = rest.strip_prefix(section.as_str())?.strip_prefix('_')?;
            Some((section.clone(), key.to_string()))
        }) else {
            bail!(
                "environment variable {name} does not name a config section (known: {})",
                section_list(&defaults)
            );
        };
        let default_value = defaults[&section].as_table().and_then(|t| t.get(&key));
        let value = typed_env_value(&name, &raw, default_value)?;
        let entry = table
            .entry(section.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(section_table) = entry.as_table_mut() else {
            bail!("config key {section} must be a table");
        };
        section_table.insert(key, value);
    }
    Ok(())
}

/// Converts an environment string to the TOML type the key expects.
fn typed_env_value(
    name: &str,
    raw: &str,
    default: Option<&toml::Value>,
) -> anyhow::Result<toml::Value> {
    let bad = |what: &str| anyhow::anyhow!("environment variable {name}={raw:?} is not {what}");
    Ok(match default {
        Some(toml::Value::Integer(_)) => {
            toml::Value::Integer(raw.trim().parse().map_err(|_| bad("an integer"))?)
        }
        Some(toml::Value::Boolean(_)) => {
            toml::Value::Boolean(match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => return Err(bad("a boolean (true/false)")),
            })
        }
        Some(toml::Value::Float(_)) => {
            toml::Value::Float(raw.trim().parse().map_err(|_| bad("a number"))?)
        }
        Some(_) => toml::Value::String(raw.to_string()),
        // Optional keys have no default to learn the type from: integers stay integers.
        None => match raw.trim().parse::<i64>() {
            Ok(n) => toml::Value::Integer(n),
            Err(_) => toml::Value::String(raw.to_string()),
        },
    })
}

/// Names the section at fault: serde's message alone ("missing field `name`") does not.
fn section_error(table: &toml::Table) -> Option<String> {
    fn check<T: serde::de::DeserializeOwned>(value: &toml::Value) -> Result<(), toml::de::Error> {
        value.clone().try_into::<T>().map(|_| ())
    }
    table.iter().find_map(|(section, value)| {
        let result = match section.as_str() {
            "server" => check::<ServerConfig>(value),
            "signalwire" => check::<SignalWireConfig>(value),
            "personaplex" => check::<PersonaPlexConfig>(value),
            "business" => check::<Business>(value),
            "store" => check::<StoreConfig>(value),
            "email" => check::<EmailConfig>(value),
            "speech" => check::<SpeechConfig>(value),
            "voicemail" => check::<VoicemailConfig>(value),
            "legacy" => check::<LegacyConfig>(value),
            _ => return None,
        };
        result
            .err()
            .map(|e| format!("[{section}]: {}", e.message()))
    })
}

fn section_list(defaults: &toml::Table) -> String {
    defaults
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
