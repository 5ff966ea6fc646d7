//! The sections of the configuration file other than those owned by the actors crate
//! (`[business]`, `[email]`, `[speech]`): one struct per `[section]`, each with the defaults the
//! shipped `config.toml` documents.
//!
//! Kept apart from [`super::Config`] so the loading and validation logic is not buried under the
//! field lists; every type is re-exported from [`crate::config`].

use std::net::SocketAddr;
use std::path::PathBuf;

use actors::call::FallbackEngine;
use actors::legacy::{LlmConfig, SttConfig, VadConfig};
use actors::pool::ServerConfig as PersonaPlexServer;
use serde::{Deserialize, Serialize};

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

/// The ToolBridge: which extractor reads the details of what the agent commits to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ToolBridgeConfig {
    /// `rules` (the default) or `llm`: an OpenAI-compatible model reads the details, each
    /// checked against the transcript, and the rules decide when it fails or is too slow.
    pub extractor: ExtractorKind,
    pub llm: ExtractorLlmConfig,
}

/// Who reads a commitment's details.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtractorKind {
    #[default]
    Rules,
    Llm,
}

/// `[toolbridge.llm]`: the chat completions endpoint of the LLM extractor. `Debug` hides the
/// API key.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractorLlmConfig {
    /// Requests go to `{base_url}/v1/chat/completions`; required with `extractor = "llm"`.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer ...` when non-empty.
    pub api_key: String,
    /// Whole-request budget; past it the rules decide. A booking waits for it, so keep it short.
    pub timeout_ms: u64,
}

impl Default for ExtractorLlmConfig {
    fn default() -> Self {
        ExtractorLlmConfig {
            base_url: String::new(),
            model: "gpt-4o-mini".into(),
            api_key: String::new(),
            timeout_ms: 2000,
        }
    }
}

impl ExtractorLlmConfig {
    /// The chat client's settings: temperature 0, an extraction has one right answer.
    pub fn client_config(&self) -> LlmConfig {
        LlmConfig {
            base_url: self.base_url.clone(),
            api_key: self.api_key.clone(),
            model: self.model.clone(),
            timeout_ms: self.timeout_ms,
            temperature: 0.0,
        }
    }
}

impl std::fmt::Debug for ExtractorLlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtractorLlmConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field(
                "api_key",
                &if self.api_key.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
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
    /// TCP connections served at once, all kinds (more wait in the kernel's backlog). Clamped at
    /// start to leave a quarter of the process's open-file limit (at least 64) for PersonaPlex
    /// sockets, files and SMTP.
    pub max_connections: usize,
    /// Requests other than media sockets and `/healthz` handled at once (webhooks, admin API);
    /// past it they get a 503. So slow or hostile HTTP clients can hold at most this many
    /// connections, and the rest of `max_connections` stays free for live calls' media sockets.
    pub max_requests: usize,
    /// Seconds a client has to send a request's head (line and headers); 408 past it.
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a webhook's whole body; 408 and the connection is closed.
    pub body_timeout_secs: u64,
    /// Seconds a peer may leave what we send it untaken (it does not read) before it is
    /// disconnected: media sockets (the call ends) and HTTP responses alike.
    pub write_timeout_secs: u64,
    /// After SIGTERM (or Ctrl-C): seconds live calls may run on before the process exits
    /// anyway. Meanwhile `/healthz` answers 503 and new calls are sent elsewhere.
    pub drain_secs: u64,
    /// While draining, new calls get a cXML `<Redirect>` to this URL (another instance, a
    /// voicemail LaML bin). Empty: they are still answered here (a deploy must not drop
    /// callers), and the drain waits for them too.
    pub drain_redirect_url: String,
}

/// SignalWire: how calls reach us and how we check they are genuine.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignalWireConfig {
    /// The project's Signing Key. Empty disables signature checks: allowed when `server.listen`
    /// is a loopback address, otherwise only with `allow_unsigned`.
    pub signing_key: String,
    /// Serve unsigned webhooks on a non-loopback address (something in front of switchboard
    /// must then vouch for every request). Without it such a config refuses to start.
    pub allow_unsigned: bool,
    /// Key of the per-call media credentials: each call's stream URL names its CallSid and its
    /// bearer token is `base64url(HMAC-SHA256(media_secret, CallSid))`. Empty: a random key per
    /// process (set one when several instances serve one number).
    pub media_secret: String,
    /// Compatibility only: a static bearer token accepted on `GET /signalwire/media` (no CallSid
    /// in the path), for a cXML document that cannot carry per-call tokens. It opens any call.
    /// Empty (the default) disables that endpoint.
    pub media_token: String,
    /// Media codec asked for in the cXML: `PCMU@8000h`, `L16@16000h` or `L16@24000h`.
    pub codec: String,
    /// Seconds an upgraded media socket has to send `start`; then it is closed.
    pub start_timeout_secs: u64,
    /// Seconds without media (or marks, keys) from a started stream after which its call ends.
    pub media_timeout_secs: u64,
    /// Seconds of caller silence after the agent's goodbye before switchboard ends the call
    /// (closes the stream; SignalWire then requests the `<Connect action>`). 0 disables.
    pub hangup_after_goodbye_secs: f64,
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
            max_connections: 1024,
            max_requests: 64,
            header_timeout_secs: 5,
            body_timeout_secs: 10,
            write_timeout_secs: 5,
            drain_secs: 600,
            drain_redirect_url: String::new(),
        }
    }
}

impl Default for SignalWireConfig {
    fn default() -> Self {
        SignalWireConfig {
            signing_key: String::new(),
            allow_unsigned: false,
            media_secret: String::new(),
            media_token: String::new(),
            codec: "PCMU@8000h".into(),
            start_timeout_secs: 5,
            media_timeout_secs: 20,
            hangup_after_goodbye_secs: 3.0,
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
