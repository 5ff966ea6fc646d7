//! The typed messages the actors of one call send each other.
//!
//! Audio travels on the shortest path (media session → transcoder → PersonaPlex link and back);
//! everything that changes the call's course goes through the `CallSupervisor`.
//!
//! ```text
//!  MediaStreamSession ──CallerAudio──▶ Transcoder ──UpstreamOgg──▶ PersonaPlexLink
//!          ▲                               │   ▲                          │
//!          └──────────AgentAudio───────────┘   └────────AgentOgg──────────┘
//!          │                                                              │
//!          └─ CallerEvent ──▶ CallSupervisor ◀── LinkEvent ───────────────┘
//! ```

use actix::prelude::*;
use bytes::Bytes;

/// Caller audio in the stream's wire format (mu-law or L16), as it arrived (usually 20 ms).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct CallerAudio(pub Vec<u8>);

/// One 20 ms frame of agent audio in the stream's wire format, ready for SignalWire.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct AgentAudio(pub Vec<u8>);

/// Bytes of the Ogg/Opus stream for PersonaPlex (header pages or audio pages).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct UpstreamOgg(pub Bytes);

/// Bytes of PersonaPlex's Ogg/Opus stream, exactly as received (pages may be split or joined).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct AgentOgg(pub Bytes);

/// Tells the transcoder a PersonaPlex session has shaken hands: start a fresh Ogg stream (new
/// serial, BOS page first) towards `to_agent` and forget the previous session's incoming stream.
#[derive(Message)]
#[rtype(result = "()")]
pub struct AttachAgent {
    pub to_agent: Recipient<UpstreamOgg>,
}

/// Tells the transcoder the PersonaPlex session is gone: send nothing until the next attach.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct DetachAgent;

/// Holds back (true) or releases (false) the agent's audio: while the caller hears an
/// announcement, PersonaPlex keeps talking and its frames are decoded but dropped.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct HoldAgentAudio(pub bool);

/// Speak `text` to the caller now (a tool result, a filler, a greeting).
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Announce {
    /// What to say (synthesized), or a label for `pcm`.
    pub text: String,
    /// Ready audio at the stream's wire rate (a recorded greeting): played instead of `text`.
    pub pcm: Option<std::sync::Arc<Vec<i16>>>,
    /// Also told when this announcement ends (besides the supervisor).
    pub notify: Option<Recipient<AnnouncementDone>>,
    /// When the need to say it arose (a tool's trigger): latency is measured from here.
    pub requested_at: std::time::Instant,
    /// Say it only if nothing else is being said (a filler is pointless over other speech).
    pub only_if_idle: bool,
    /// Stop it as soon as the agent is back ([`AgentBack`]): a filler, not a result.
    pub yields_to_agent: bool,
    /// Mark name sent after the announcement's audio, so its end can be heard back.
    pub mark: Option<String>,
}

impl Announce {
    /// Speak `text` (synthesized).
    pub fn say(text: impl Into<String>) -> Self {
        Announce {
            text: text.into(),
            pcm: None,
            notify: None,
            mark: None,
            requested_at: std::time::Instant::now(),
            only_if_idle: false,
            yields_to_agent: false,
        }
    }

    /// Play ready audio (at the wire rate); `label` names it in logs.
    pub fn audio(label: impl Into<String>, pcm: std::sync::Arc<Vec<i16>>) -> Self {
        Announce {
            pcm: Some(pcm),
            ..Announce::say(label)
        }
    }

    /// Send this mark after the audio.
    pub fn with_mark(mut self, mark: impl Into<String>) -> Self {
        self.mark = Some(mark.into());
        self
    }

    /// Also tell `to` when it ends.
    pub fn notify(mut self, to: Recipient<AnnouncementDone>) -> Self {
        self.notify = Some(to);
        self
    }

    /// Measure latency from `at` rather than from now.
    pub fn requested_at(mut self, at: std::time::Instant) -> Self {
        self.requested_at = at;
        self
    }

    /// Drop it if something else is being said.
    pub fn if_idle(mut self) -> Self {
        self.only_if_idle = true;
        self
    }

    /// Cut it short when the agent is back.
    pub fn until_agent_back(mut self) -> Self {
        self.yields_to_agent = true;
        self
    }
}

/// A PersonaPlex session is live again: fillers stop so the caller hears the agent at once.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct AgentBack;

/// Barge-in: stop speaking now and drop what is queued.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct StopSpeaking;

/// Caller audio decoded to PCM at the wire rate, for engines that listen themselves (the
/// legacy pipeline's VAD, the voicemail recorder).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct CallerPcm(pub Vec<i16>);

/// Sends decoded caller audio to this engine from now on (None: nobody).
#[derive(Message)]
#[rtype(result = "()")]
pub struct ListenToCaller(pub Option<Recipient<CallerPcm>>);

/// An announcement finished playing out (sent), or could not be spoken.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct AnnouncementDone {
    pub text: String,
    pub spoken: bool,
    /// Milliseconds from `Announce::requested_at` to the first frame sent (None if nothing was spoken).
    pub first_frame_ms: Option<u64>,
}

/// What the caller's side reports to the supervisor.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub enum CallerEvent {
    /// SignalWire played the audio before this mark.
    MarkPlayed(String),
    /// The caller pressed a key (one of `0-9 * # A-D`).
    Dtmf(char),
    /// SignalWire sent `stop`, or the socket closed: the call is over.
    Hangup { reason: String },
    /// The media stream carried nothing for the inactivity timeout (or its peer stopped
    /// reading): the call is over, and its record says it timed out.
    TimedOut { reason: String },
}

/// What a PersonaPlex link reports to the supervisor, tagged with its session.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct LinkReport {
    pub session: u64,
    pub event: LinkEvent,
}

/// The events of one PersonaPlex session.
#[derive(Debug)]
pub enum LinkEvent {
    /// The WebSocket is up; the server is prefilling its prompts.
    Connected,
    /// The `0x00` handshake arrived: the session is live and may receive audio.
    Handshake,
    /// One `0x02` text piece of the agent's own speech.
    Text(String),
    /// The link is gone (closed, failed to connect, no handshake in time, protocol error).
    Failed(String),
}

/// Instructions from the supervisor to the media session.
#[derive(Message)]
#[rtype(result = "()")]
pub enum MediaCommand {
    /// Send a `mark` after the audio queued so far.
    Mark(String),
    /// Send `clear`: drop whatever SignalWire still has queued (barge-in).
    Clear,
    /// End the call from our side: close the media socket.
    Close,
    /// Send caller audio here from now on (the call's transcoder).
    RouteCallerAudio(Recipient<CallerAudio>),
}

/// Stops an actor of the call tree (sent by the supervisor when the call ends).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct Shutdown;
