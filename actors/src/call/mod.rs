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
pub mod media_session;
pub mod messages;
pub mod personaplex_link;
pub mod registry;
pub mod supervisor;
pub mod tool_bridge;
pub mod tls;
pub mod transcoder;
pub mod transcript;

use std::sync::Arc;

use actix::Addr;

use crate::booking::business::Business;
use crate::services::{MailOutbox, StoreHandle};
use crate::speech::Speech;

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
    /// How many times a call may restart its PersonaPlex session.
    pub restart_budget: u32,
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
    /// None when email is disabled.
    pub outbox: Option<Addr<MailOutbox>>,
    pub speech: Speech,
}
