//! `MediaStreamSession`: SignalWire's media-stream WebSocket, wrapped in an actor.

use actix::prelude::*;
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError, Session};
use bytes::Bytes;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use super::messages::{AgentAudio, CallerAudio, CallerEvent, MediaCommand};
use super::supervisor::{CallSetup, CallSupervisor};
use super::CallContext;
use crate::protocol::signalwire::{self, Inbound, InboundEvent, StartInfo};

/// What the session's writer task sends on the socket, in order.
enum Outgoing {
    Text(String),
    Pong(Bytes),
    Close(Option<CloseReason>),
}

/// One SignalWire media stream: parses every inbound event, starts the call's tree on `start`,
/// forwards caller audio, and writes agent audio, marks and clears back.
///
/// actix-ws hands us a `Session` whose sends are async; an actor handler is not. A small writer
/// task owns the `Session` and drains an in-order channel, so the actor never waits on the
/// socket and frames never overtake each other.
pub struct MediaStreamSession {
    context: CallContext,
    peer: String,
    out: UnboundedSender<Outgoing>,
    /// Set by `start`.
    stream_sid: Option<String>,
    call_sid: Option<String>,
    supervisor: Option<Addr<CallSupervisor>>,
    caller_audio: Option<Recipient<CallerAudio>>,
    bad_messages: u64,
    hung_up: bool,
}

/// Bad frames are logged one line each up to this many per call, then every 100th, so a broken
/// peer cannot flood the log.
const LOUD_BAD_MESSAGES: u64 = 10;

impl MediaStreamSession {
    /// Starts the actor over an upgraded socket.
    pub fn start(
        context: CallContext,
        peer: String,
        session: Session,
        stream: actix_ws::AggregatedMessageStream,
    ) -> Addr<Self> {
        let (out, mut queue) = unbounded_channel();
        actix_rt::spawn(async move {
            let mut session = session;
            while let Some(item) = queue.recv().await {
                let sent = match item {
                    Outgoing::Text(text) => session.text(text).await,
                    Outgoing::Pong(payload) => session.pong(&payload).await,
                    Outgoing::Close(reason) => {
                        let _ = session.close(reason).await;
                        break;
                    }
                };
                if sent.is_err() {
                    break;
                }
            }
        });
        MediaStreamSession::create(move |ctx| {
            ctx.add_stream(stream);
            MediaStreamSession {
                context,
                peer,
                out,
                stream_sid: None,
                call_sid: None,
                supervisor: None,
                caller_audio: None,
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
            log::warn!(
                "call {}: dropping media-stream message #{}: {why}",
                self.id(),
                self.bad_messages
            );
        }
    }

    fn send_text(&self, text: String) {
        let _ = self.out.send(Outgoing::Text(text));
    }

    fn hang_up(&mut self, reason: &str, ctx: &mut Context<Self>) {
        if !self.hung_up {
            self.hung_up = true;
            if let Some(supervisor) = &self.supervisor {
                supervisor.do_send(CallerEvent::Hangup {
                    reason: reason.to_string(),
                });
            }
        }
        ctx.stop();
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
                // Decoded straight into the buffer that travels to the transcoder: one
                // allocation per frame (the message must own its bytes), no extra copy.
                let mut audio = Vec::with_capacity(media.payload.len() * 3 / 4 + 3);
                match signalwire::decode_payload(&media.payload, &mut audio) {
                    Ok(()) => caller_audio.do_send(CallerAudio(audio)),
                    Err(e) => self.bad_message(format_args!("{e}")),
                }
            }
            InboundEvent::Mark { name } => self.tell_supervisor(CallerEvent::MarkPlayed(name)),
            InboundEvent::Dtmf { digit, .. } => self.tell_supervisor(CallerEvent::Dtmf(digit)),
            InboundEvent::Stop => {
                log::info!("call {}: SignalWire sent stop", self.id());
                self.hang_up("stop", ctx);
                let _ = self
                    .out
                    .send(Outgoing::Close(Some(CloseCode::Normal.into())));
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
        let format = match start.media_format.wire_format() {
            Ok(format) => format,
            Err(e) => {
                log::error!("call {}: cannot serve media format: {e}", start.call_sid);
                let _ = self.out.send(Outgoing::Close(Some(CloseReason {
                    code: CloseCode::Unsupported,
                    description: Some(e.to_string()),
                })));
                return ctx.stop();
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
        self.supervisor =
            Some(CallSupervisor::new(setup, self.context.clone(), ctx.address()).start());
    }

    fn tell_supervisor(&self, event: CallerEvent) {
        if let Some(supervisor) = &self.supervisor {
            supervisor.do_send(event);
        }
    }
}

impl Actor for MediaStreamSession {
    type Context = Context<Self>;

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
            Ok(AggregatedMessage::Ping(payload)) => {
                let _ = self.out.send(Outgoing::Pong(payload));
            }
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
                self.hang_up("socket protocol error", ctx);
            }
        }
    }

    fn finished(&mut self, ctx: &mut Context<Self>) {
        self.hang_up("socket ended", ctx);
    }
}

impl Handler<AgentAudio> for MediaStreamSession {
    type Result = ();

    fn handle(&mut self, msg: AgentAudio, _ctx: &mut Context<Self>) {
        if let Some(sid) = &self.stream_sid {
            let mut json = String::with_capacity(64 + msg.0.len() * 4 / 3 + sid.len());
            signalwire::write_media(sid, &msg.0, &mut json);
            self.send_text(json);
        }
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
                self.send_text(json);
            }
            (MediaCommand::Clear, Some(sid)) => {
                signalwire::write_clear(sid, &mut json);
                self.send_text(json);
            }
            (MediaCommand::Close, _) => {
                let _ = self
                    .out
                    .send(Outgoing::Close(Some(CloseCode::Normal.into())));
                self.hang_up("closed by switchboard", ctx);
            }
            (MediaCommand::Mark(_) | MediaCommand::Clear, None) => {}
        }
    }
}
