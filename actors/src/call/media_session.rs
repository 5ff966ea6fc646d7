//! `MediaStreamSession`: SignalWire's media-stream WebSocket, wrapped in an actor.

use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError, Session};

use super::media_writer::{MediaWriter, WriterStalled};
use super::messages::{AgentAudio, CallerAudio, CallerEvent, MediaCommand};
use super::supervisor::{CallSetup, CallSupervisor};
use super::CallContext;
use crate::protocol::signalwire::{self, Inbound, InboundEvent, StartInfo};

/// Resets the media socket's connection at once (linger 0), for a peer that stopped reading:
/// closing it politely would wait on that peer for ever. Provided by the HTTP layer, which owns
/// the connection; `None` where it cannot (the connection is then left to the kernel's timeout).
pub type Disconnect = Box<dyn FnOnce()>;

/// One SignalWire media stream: parses every inbound event, starts the call's tree on `start`,
/// forwards caller audio, and writes agent audio, marks and clears back.
///
/// The stream is held to its timeouts ([`super::StreamTimeouts`]): no `start` within the start
/// timeout, or no media within the inactivity timeout, ends it; so does a peer that stops
/// reading what we send (see [`MediaWriter`]).
pub struct MediaStreamSession {
    context: CallContext,
    peer: String,
    writer: MediaWriter,
    disconnect: Option<Disconnect>,
    /// The call sid the socket's credentials were issued for; `start` must name the same one.
    /// `None` on the static-token compatibility endpoint, which trusts `start`.
    expected_call_sid: Option<String>,
    /// Set by `start`.
    stream_sid: Option<String>,
    call_sid: Option<String>,
    supervisor: Option<Addr<CallSupervisor>>,
    caller_audio: Option<Recipient<CallerAudio>>,
    /// When the caller's side last sent media, a mark or a key.
    last_heard: Instant,
    bad_messages: u64,
    hung_up: bool,
}

/// Bad frames are logged one line each up to this many per call, then every 100th, so a broken
/// peer cannot flood the log.
const LOUD_BAD_MESSAGES: u64 = 10;

/// A bad frame's log line says at most this much about it: the reason may quote caller input.
const MAX_REASON_CHARS: usize = 160;

impl MediaStreamSession {
    /// Starts the actor over an upgraded socket. `expected_call_sid` is the sid the socket's
    /// per-call credentials were checked against (`None` for the static token).
    pub fn start(
        context: CallContext,
        peer: String,
        expected_call_sid: Option<String>,
        session: Session,
        disconnect: Option<Disconnect>,
        stream: actix_ws::AggregatedMessageStream,
    ) -> Addr<Self> {
        let timeouts = context.settings.stream_timeouts;
        MediaStreamSession::create(move |ctx| {
            ctx.add_stream(stream);
            let writer = MediaWriter::spawn(session, timeouts.write, ctx.address().recipient());
            MediaStreamSession {
                context,
                peer,
                writer,
                disconnect,
                expected_call_sid,
                stream_sid: None,
                call_sid: None,
                supervisor: None,
                caller_audio: None,
                last_heard: Instant::now(),
                bad_messages: 0,
                hung_up: false,
            }
        })
    }

    fn id(&self) -> &str {
        self.call_sid.as_deref().unwrap_or(&self.peer)
    }

    fn bad_message(&mut self, why: std::fmt::Arguments<'_>) {
        self.bad_messages += 1;
        if self.bad_messages <= LOUD_BAD_MESSAGES || self.bad_messages.is_multiple_of(100) {
            let mut why = why.to_string();
            if let Some((cut, _)) = why.char_indices().nth(MAX_REASON_CHARS) {
                why.truncate(cut);
                why.push('…');
            }
            log::warn!(
                "call {}: dropping media-stream message #{}: {why}",
                self.id(),
                self.bad_messages
            );
        }
    }

    fn send_text(&mut self, text: String, ctx: &mut Context<Self>) {
        if self.writer.text(text).is_err() {
            log::warn!(
                "call {}: the media socket's peer is not reading ({} messages waiting): disconnecting",
                self.id(),
                super::media_writer::QUEUE_LIMIT
            );
            self.cut(ctx);
        }
    }

    /// The peer stopped reading: end the call and reset the connection.
    fn cut(&mut self, ctx: &mut Context<Self>) {
        if let Some(disconnect) = self.disconnect.take() {
            disconnect();
        }
        self.end(
            CallerEvent::TimedOut {
                reason: "media socket peer not reading".into(),
            },
            ctx,
        );
    }

    /// Closes the socket with `code` and ends the call (if it started).
    fn refuse(&mut self, code: CloseCode, why: &str, ctx: &mut Context<Self>) {
        self.writer.close(Some(CloseReason {
            code,
            description: Some(why.to_string()),
        }));
        self.end(CallerEvent::Hangup { reason: why.into() }, ctx);
    }

    fn hang_up(&mut self, reason: &str, ctx: &mut Context<Self>) {
        self.end(
            CallerEvent::Hangup {
                reason: reason.to_string(),
            },
            ctx,
        );
    }

    /// Tells the supervisor the call is over (once) and stops.
    fn end(&mut self, event: CallerEvent, ctx: &mut Context<Self>) {
        if !self.hung_up {
            self.hung_up = true;
            self.tell_supervisor(event);
        }
        ctx.stop();
    }

    /// The start timeout: a socket that never says which call it carries is closed.
    fn check_started(&mut self, ctx: &mut Context<Self>) {
        if self.stream_sid.is_none() {
            log::warn!(
                "media socket from {}: no `start` within {:?}: closing",
                self.peer,
                self.context.settings.stream_timeouts.start
            );
            self.refuse(CloseCode::Policy, "no start event", ctx);
        }
    }

    /// The inactivity timeout: a started call whose caller side went quiet is ended.
    fn check_activity(&mut self, ctx: &mut Context<Self>) {
        let limit = self.context.settings.stream_timeouts.inactivity;
        if self.supervisor.is_some() && self.last_heard.elapsed() >= limit {
            log::warn!(
                "call {}: no media for {limit:?}: ending the call",
                self.id()
            );
            self.writer.close(Some(CloseReason {
                code: CloseCode::Policy,
                description: Some("no media".into()),
            }));
            self.end(
                CallerEvent::TimedOut {
                    reason: format!("no media for {limit:?}"),
                },
                ctx,
            );
        }
    }

    fn on_text(&mut self, text: &str, ctx: &mut Context<Self>) {
        let limit = self.context.settings.max_message_bytes;
        if text.len() > limit {
            return self.bad_message(format_args!(
                "{} bytes is over the {limit}-byte limit",
                text.len()
            ));
        }
        let Inbound { event, .. } = match signalwire::parse_inbound(text) {
            Ok(inbound) => inbound,
            Err(e) => return self.bad_message(format_args!("{e}")),
        };
        match event {
            InboundEvent::Connected { protocol, version } => {
                log::debug!(
                    "media stream from {}: connected ({protocol:?} {version:?})",
                    self.peer
                );
            }
            InboundEvent::Start(start) => self.on_start(start, ctx),
            InboundEvent::Media(media) => {
                let Some(caller_audio) = &self.caller_audio else {
                    if self.stream_sid.is_none() {
                        self.bad_message(format_args!("media before start"));
                    }
                    return;
                };
                if media
                    .track
                    .as_deref()
                    .is_some_and(|t| t != "inbound" && t != "inbound_track")
                {
                    return;
                }
                let caller_audio = caller_audio.clone();
                self.last_heard = Instant::now();
                // Decoded straight into the buffer that travels to the transcoder: one
                // allocation per frame (the message must own its bytes), no extra copy.
                let mut audio = Vec::with_capacity(media.payload.len() * 3 / 4 + 3);
                match signalwire::decode_payload(&media.payload, &mut audio) {
                    Ok(()) => caller_audio.do_send(CallerAudio(audio)),
                    Err(e) => self.bad_message(format_args!("{e}")),
                }
            }
            InboundEvent::Mark { name } => {
                self.last_heard = Instant::now();
                self.tell_supervisor(CallerEvent::MarkPlayed(name))
            }
            InboundEvent::Dtmf { digit, .. } => {
                self.last_heard = Instant::now();
                self.tell_supervisor(CallerEvent::Dtmf(digit))
            }
            InboundEvent::Stop => {
                log::info!("call {}: SignalWire sent stop", self.id());
                self.writer.close(Some(CloseCode::Normal.into()));
                self.hang_up("stop", ctx);
            }
            InboundEvent::Unknown { event } => {
                log::debug!("call {}: ignoring event {event:?}", self.id())
            }
        }
    }

    fn on_start(&mut self, start: StartInfo, ctx: &mut Context<Self>) {
        if self.stream_sid.is_some() {
            return self.bad_message(format_args!("second start on one stream"));
        }
        if let Some(expected) = &self.expected_call_sid {
            if *expected != start.call_sid {
                log::warn!(
                    "media socket from {} for call {expected}: `start` names another call: refused",
                    self.peer
                );
                return self.refuse(CloseCode::Policy, "start is for another call", ctx);
            }
        }
        let format = match start.media_format.wire_format() {
            Ok(format) => format,
            Err(e) => {
                log::error!("call {}: cannot serve media format: {e}", start.call_sid);
                return self.refuse(CloseCode::Unsupported, &e.to_string(), ctx);
            }
        };
        let param = |name: &str| {
            start
                .custom_parameters
                .get(name)
                .cloned()
                .unwrap_or_default()
        };
        let setup = CallSetup {
            call_sid: start.call_sid.clone(),
            stream_sid: start.stream_sid.clone(),
            from: param("from"),
            to: param("to"),
            format,
        };
        self.stream_sid = Some(start.stream_sid);
        self.call_sid = Some(start.call_sid);
        match CallSupervisor::start_call(setup, self.context.clone(), ctx.address()) {
            Ok(supervisor) => {
                self.supervisor = Some(supervisor);
                self.last_heard = Instant::now();
                let limit = self.context.settings.stream_timeouts.inactivity;
                let every = (limit / 4).clamp(Duration::from_millis(100), Duration::from_secs(1));
                ctx.run_interval(every, |me, ctx| me.check_activity(ctx));
            }
            Err(e) => {
                log::warn!(
                    "call {}: second media stream from {} refused: {e}",
                    self.id(),
                    self.peer
                );
                self.refuse(CloseCode::Policy, "call already live", ctx);
            }
        }
    }

    fn tell_supervisor(&self, event: CallerEvent) {
        if let Some(supervisor) = &self.supervisor {
            supervisor.do_send(event);
        }
    }
}

impl Actor for MediaStreamSession {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let limit = self.context.settings.stream_timeouts.start;
        ctx.run_later(limit, |me, ctx| me.check_started(ctx));
    }

    fn stopped(&mut self, _ctx: &mut Context<Self>) {
        if !self.hung_up {
            self.hung_up = true;
            self.tell_supervisor(CallerEvent::Hangup {
                reason: "media session stopped".into(),
            });
        }
    }
}

impl StreamHandler<Result<AggregatedMessage, ProtocolError>> for MediaStreamSession {
    fn handle(&mut self, item: Result<AggregatedMessage, ProtocolError>, ctx: &mut Context<Self>) {
        match item {
            Ok(AggregatedMessage::Text(text)) => self.on_text(&text, ctx),
            Ok(AggregatedMessage::Binary(bytes)) => self.bad_message(format_args!(
                "binary message of {} bytes (SignalWire sends JSON text)",
                bytes.len()
            )),
            Ok(AggregatedMessage::Ping(payload)) => self.writer.pong(&payload),
            Ok(AggregatedMessage::Pong(_)) => {}
            Ok(AggregatedMessage::Close(reason)) => {
                log::info!(
                    "call {}: media socket closed by peer ({reason:?})",
                    self.id()
                );
                self.hang_up("socket closed", ctx);
            }
            Err(e) => {
                // After a framing error the byte stream cannot be trusted to resync.
                log::warn!("call {}: media socket protocol error: {e}", self.id());
                self.refuse(CloseCode::Protocol, "protocol error", ctx);
            }
        }
    }

    fn finished(&mut self, ctx: &mut Context<Self>) {
        self.hang_up("socket ended", ctx);
    }
}

impl Handler<AgentAudio> for MediaStreamSession {
    type Result = ();

    fn handle(&mut self, msg: AgentAudio, ctx: &mut Context<Self>) {
        if let Some(sid) = &self.stream_sid {
            let mut json = String::with_capacity(64 + msg.0.len() * 4 / 3 + sid.len());
            signalwire::write_media(sid, &msg.0, &mut json);
            self.send_text(json, ctx);
        }
    }
}

impl Handler<WriterStalled> for MediaStreamSession {
    type Result = ();

    fn handle(&mut self, msg: WriterStalled, ctx: &mut Context<Self>) {
        log::warn!(
            "call {}: the media socket's peer took nothing for {:?}: disconnecting",
            self.id(),
            msg.waited
        );
        self.cut(ctx);
    }
}

impl Handler<MediaCommand> for MediaStreamSession {
    type Result = ();

    fn handle(&mut self, cmd: MediaCommand, ctx: &mut Context<Self>) {
        let mut json = String::new();
        match (cmd, self.stream_sid.as_deref()) {
            (MediaCommand::RouteCallerAudio(to), _) => self.caller_audio = Some(to),
            (MediaCommand::Mark(name), Some(sid)) => {
                signalwire::write_mark(sid, &name, &mut json);
                self.send_text(json, ctx);
            }
            (MediaCommand::Clear, Some(sid)) => {
                signalwire::write_clear(sid, &mut json);
                self.send_text(json, ctx);
            }
            (MediaCommand::Close, _) => {
                self.writer.close(Some(CloseCode::Normal.into()));
                self.hang_up("closed by switchboard", ctx);
            }
            (MediaCommand::Mark(_) | MediaCommand::Clear, None) => {}
        }
    }
}
