//! The per-call actor tree.
//!
//! ```text
//!                      CallSupervisor  (one per call; registered in the CallRegistry)
//!                     /       |       \
//!   MediaStreamSession   Transcoder   PersonaPlexLink
//!   (SignalWire socket)  (codecs)     (PersonaPlex socket)
//! ```
//!
//! The media session exists first (it is the socket); its `start` event creates the supervisor,
//! which starts the rest. Messages are in [`messages`].

pub mod announcer;
pub mod booking_executor;
pub mod goodbye;
pub mod legacy_pipeline;
pub mod media_session;
pub mod media_writer;
pub mod messages;
pub mod personaplex_link;
pub mod registry;
pub mod supervisor;
pub mod tls;
pub mod tool_bridge;
pub mod transcoder;
pub mod transcript;
pub mod voicemail;

use std::sync::Arc;

use actix::Addr;

use crate::booking::business::Business;
use crate::pool::PersonaPlexPool;
use crate::services::{MailOutbox, StoreHandle};
use crate::speech::Speech;
use legacy_pipeline::LegacySettings;
use voicemail::VoicemailSettings;

pub use media_session::MediaStreamSession;
pub use personaplex_link::{LinkSettings, PersonaPlexLink};
pub use registry::{CallRegistry, CallSnapshot, CallState, CallStats};
pub use supervisor::{CallSetup, CallSupervisor};

/// Per-process settings every call reads; built once from the configuration.
#[derive(Debug, Clone)]
pub struct CallSettings {
    /// How to reach PersonaPlex; `None` when it is disabled.
    pub link: Option<Arc<LinkSettings>>,
    /// The business the agent works for: persona prompt, hours, services.
    pub business: Arc<Business>,
    /// A fixed persona prompt that replaces the one built from `business` (when set).
    pub text_prompt_override: Option<String>,
    /// Opus bitrate of the caller audio sent to PersonaPlex.
    pub opus_bitrate: i32,
    /// Opus encoder complexity (0..=10).
    pub opus_complexity: u8,
    /// Largest SignalWire message accepted; larger ones are dropped and logged.
    pub max_message_bytes: usize,
    /// How long a media stream waits on its peer before it is ended.
    pub stream_timeouts: StreamTimeouts,
    /// How many times a call may restart its PersonaPlex session.
    pub restart_budget: u32,
    /// After a PersonaPlex failure, how long to wait for a new live session before handing
    /// the call to the fallback engine.
    pub fallback_after: std::time::Duration,
    /// What a call gets when PersonaPlex is disabled, busy or gone.
    pub fallback: FallbackEngine,
    /// Caller silence after the agent's goodbye that ends the call; `None`: never.
    pub hangup_after_goodbye: Option<std::time::Duration>,
    pub voicemail: Arc<VoicemailSettings>,
    /// The legacy pipeline's endpoints; `None` when it is not configured.
    pub legacy: Option<Arc<LegacySettings>>,
    /// The ToolBridge's optional LLM extractor (`[toolbridge] extractor = "llm"`); `None`: the
    /// rules read the details of every commitment.
    pub llm_extractor: Option<crate::legacy::LlmClient>,
}

/// How long a media stream waits on its peer; each wait ends the stream (and its call) when it
/// runs out, so a socket that goes quiet or stops reading never holds a call or a PersonaPlex
/// server for ever.
#[derive(Debug, Clone, Copy)]
pub struct StreamTimeouts {
    /// From the upgrade to the `start` event.
    pub start: std::time::Duration,
    /// Once started: with no `media`, `mark` or `dtmf` from the caller's side.
    pub inactivity: std::time::Duration,
    /// For the peer to take what we send: past it, the peer is not reading.
    pub write: std::time::Duration,
}

/// The engine that takes a call PersonaPlex cannot serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FallbackEngine {
    /// The legacy pipeline (VAD, speech-to-text, LLM, speech), when configured.
    Legacy,
    /// Voicemail: greeting, beep, recording.
    Voicemail,
}

/// What a new call needs from the process: settings, the shared call table and services.
#[derive(Clone)]
pub struct CallContext {
    pub settings: Arc<CallSettings>,
    pub registry: CallRegistry,
    pub services: CallServices,
}

/// The process-wide services a call uses.
#[derive(Clone)]
pub struct CallServices {
    pub store: StoreHandle,
    /// Which PersonaPlex servers are free.
    pub pool: PersonaPlexPool,
    /// None when email is disabled.
    pub outbox: Option<Addr<MailOutbox>>,
    pub speech: Speech,
}
