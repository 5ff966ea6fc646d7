//! `PersonaPlexLink`: one WebSocket session with a PersonaPlex server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::io::{SinkWrite, WriteHandler};
use actix::prelude::*;
use awc::error::WsProtocolError;
use awc::ws::{Codec, Frame, Message};
use awc::BoxedSocket;
use futures_util::stream::{SplitSink, StreamExt};
use url::Url;

use super::messages::{AgentOgg, LinkEvent, LinkReport, Shutdown, UpstreamOgg};
use crate::pool::ServerConfig;
use crate::protocol::personaplex::{audio_message, parse_server_frame, ServerFrame};

/// Where and how to reach PersonaPlex; built once from the configuration, shared by every call.
///
/// The prompt is not here: each session's URL carries the call's current prompt (what is
/// already true in the call), so the supervisor builds it with [`LinkSettings::chat_url`].
#[derive(Debug, Clone)]
pub struct LinkSettings {
    /// Voice file, e.g. `NATF2.pt`.
    pub voice_prompt: String,
    /// Sent only when set (older servers die on it).
    pub seed: Option<u64>,
    /// TLS client config for `wss://` (None for `ws://`).
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub connect_timeout: Duration,
    pub handshake_timeout: Duration,
    /// Caller audio flows but no agent audio came back for this long: the server's reader
    /// died (it does so silently on bad Ogg), and the session is dead.
    pub agent_silence_timeout: Duration,
}

impl LinkSettings {
    /// The `/api/chat` URL of a session on `server` with this persona prompt.
    pub fn chat_url(
        &self,
        server: &ServerConfig,
        text_prompt: &str,
    ) -> Result<Url, crate::protocol::ProtocolError> {
        crate::protocol::personaplex::ChatUrl {
            use_tls: server.use_ssl,
            host: &server.host,
            port: server.port,
            voice_prompt: &self.voice_prompt,
            text_prompt,
            seed: self.seed,
        }
        .build()
    }
}

type WsSink = SplitSink<actix_codec::Framed<BoxedSocket, Codec>, Message>;

/// One PersonaPlex session, from connect to close.
///
/// It sends **nothing** before the server's `0x00` handshake (the server prefills its prompts
/// first and discards, or worse, chokes on, anything that arrives early). After the handshake it
/// forwards the transcoder's Ogg bytes as `0x01` messages, hands `0x01` payloads back to the
/// transcoder and `0x02` text pieces to the supervisor. Any way the session can end (connect
/// error, no handshake in time, close, protocol error) is reported once as `LinkEvent::Failed`;
/// what to do about it is the supervisor's decision.
pub struct PersonaPlexLink {
    call_id: String,
    /// Which session of the call this is: reports carry it, so the supervisor can tell a
    /// standby session's events from the live one's.
    session: u64,
    server: ServerConfig,
    settings: Arc<LinkSettings>,
    /// This session's `/api/chat` URL, prompt included.
    url: Url,
    supervisor: Recipient<LinkReport>,
    agent_audio: Recipient<AgentOgg>,
    sink: Option<SinkWrite<Message, WsSink>>,
    /// The handshake arrived: audio may flow.
    live: bool,
    /// A failure was reported; report nothing more.
    failed: bool,
    /// Kind bytes PersonaPlex is not known to send, already logged once.
    unknown_kinds_seen: u8,
    /// When caller audio was last sent, and agent audio last received (for the watchdog).
    last_sent: Option<Instant>,
    last_heard: Instant,
}

impl PersonaPlexLink {
    pub fn new(
        call_id: String,
        session: u64,
        server: ServerConfig,
        settings: Arc<LinkSettings>,
        url: Url,
        supervisor: Recipient<LinkReport>,
        agent_audio: Recipient<AgentOgg>,
    ) -> Self {
        PersonaPlexLink {
            call_id,
            session,
            server,
            settings,
            url,
            supervisor,
            agent_audio,
            sink: None,
            live: false,
            failed: false,
            unknown_kinds_seen: 0,
            last_sent: None,
            last_heard: Instant::now(),
        }
    }

    fn report(&self, event: LinkEvent) {
        self.supervisor.do_send(LinkReport {
            session: self.session,
            event,
        });
    }

    /// Judges the session dead when the caller is talking to it but nothing comes back:
    /// PersonaPlex answers every 80 ms of input with 80 ms of output, so silence from it
    /// while input flows means its reader (or model) is gone.
    fn watch(&mut self, ctx: &mut Context<Self>) {
        let limit = self.settings.agent_silence_timeout;
        let caller_flowing = self
            .last_sent
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1));
        if self.live && caller_flowing && self.last_heard.elapsed() > limit {
            self.fail(
                format!("no agent audio for {limit:?} while the caller's audio flows"),
                ctx,
            );
        }
    }

    /// Reports the end of the session (once) and stops the actor.
    fn fail(&mut self, reason: String, ctx: &mut Context<Self>) {
        if !self.failed {
            self.failed = true;
            log::warn!(
                "call {}: PersonaPlex session {} on {} failed: {reason}",
                self.call_id,
                self.session,
                self.server.name
            );
            self.report(LinkEvent::Failed(reason));
        }
        ctx.stop();
    }

    fn on_binary(&mut self, frame: bytes::Bytes, ctx: &mut Context<Self>) {
        match parse_server_frame(&frame) {
            Ok(ServerFrame::Handshake) => {
                if !self.live {
                    self.live = true;
                    self.last_heard = Instant::now();
                    log::info!(
                        "call {}: PersonaPlex handshake from {} (session {})",
                        self.call_id,
                        self.server.name,
                        self.session
                    );
                    self.report(LinkEvent::Handshake);
                }
            }
            Ok(ServerFrame::Audio(_)) => {
                // Zero-copy: the payload is the frame minus its kind byte.
                self.last_heard = Instant::now();
                self.agent_audio.do_send(AgentOgg(frame.slice(1..)));
            }
            Ok(ServerFrame::Text(piece)) => self.report(LinkEvent::Text(piece.to_string())),
            Ok(ServerFrame::Unknown(kind)) => {
                if self.unknown_kinds_seen < 8 {
                    self.unknown_kinds_seen += 1;
                    log::info!(
                        "call {}: ignoring PersonaPlex message of unknown kind {kind:#04x}",
                        self.call_id
                    );
                }
            }
            Err(e) => {
                log::warn!(
                    "call {}: dropping bad PersonaPlex message: {e}",
                    self.call_id
                );
                let _ = ctx;
            }
        }
    }
}

impl Actor for PersonaPlexLink {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        log::info!(
            "call {}: connecting to PersonaPlex {} (session {})",
            self.call_id,
            self.server.name,
            self.session
        );
        let settings = self.settings.clone();
        let url = self.url.clone();
        let connect = async move {
            let mut connector = awc::Connector::new().timeout(settings.connect_timeout);
            if let Some(tls) = &settings.tls {
                connector = connector.rustls_0_23(tls.clone());
            }
            // No `max_http_version` here: awc rebuilds a default TLS connector when it is set,
            // dropping ours. HTTP/1.1 is pinned by the rustls config's ALPN instead.
            let client = awc::Client::builder()
                .connector(connector)
                .timeout(settings.connect_timeout)
                .finish();
            let request = client.ws(url.as_str()).max_frame_size(1 << 20);
            match actix_rt::time::timeout(settings.connect_timeout, request.connect()).await {
                Ok(Ok((_response, framed))) => Ok(framed),
                Ok(Err(e)) => Err(format!("connect: {e}")),
                Err(_) => Err(format!(
                    "connect: no answer within {:?}",
                    settings.connect_timeout
                )),
            }
        };
        ctx.spawn(
            connect
                .into_actor(self)
                .map(|result, link, ctx| match result {
                    Ok(framed) => {
                        let (sink, stream) = framed.split();
                        link.sink = Some(SinkWrite::new(sink, ctx));
                        ctx.add_stream(stream);
                        link.report(LinkEvent::Connected);
                        ctx.run_interval(Duration::from_millis(250), |link, ctx| link.watch(ctx));
                        let timeout = link.settings.handshake_timeout;
                        ctx.run_later(timeout, move |link, ctx| {
                            if !link.live {
                                link.fail(format!("no handshake within {timeout:?}"), ctx);
                            }
                        });
                    }
                    Err(reason) => link.fail(reason, ctx),
                }),
        );
    }

    fn stopped(&mut self, _ctx: &mut Context<Self>) {
        log::debug!("call {}: PersonaPlex link stopped", self.call_id);
    }
}

impl Handler<UpstreamOgg> for PersonaPlexLink {
    type Result = ();

    fn handle(&mut self, msg: UpstreamOgg, _ctx: &mut Context<Self>) {
        // Before the handshake the server would discard what we send (and an early OpusHead
        // kills its reader), so nothing leaves before `live`.
        if let (true, Some(sink)) = (self.live, self.sink.as_mut()) {
            self.last_sent = Some(Instant::now());
            if sink.write(Message::Binary(audio_message(&msg.0))).is_err() {
                log::debug!("call {}: PersonaPlex sink closed", self.call_id);
            }
        }
    }
}

impl Handler<Shutdown> for PersonaPlexLink {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        // A deliberate end is not a failure: do not report it.
        self.failed = true;
        if let Some(sink) = self.sink.as_mut() {
            let _ = sink.write(Message::Close(None));
        }
        ctx.stop();
    }
}

impl StreamHandler<Result<Frame, WsProtocolError>> for PersonaPlexLink {
    fn handle(&mut self, item: Result<Frame, WsProtocolError>, ctx: &mut Context<Self>) {
        match item {
            Ok(Frame::Binary(frame)) => self.on_binary(frame, ctx),
            Ok(Frame::Ping(payload)) => {
                if let Some(sink) = self.sink.as_mut() {
                    let _ = sink.write(Message::Pong(payload));
                }
            }
            Ok(Frame::Close(reason)) => {
                self.fail(format!("server closed the session ({reason:?})"), ctx)
            }
            Ok(Frame::Text(_)) => log::debug!(
                "call {}: ignoring text frame from PersonaPlex",
                self.call_id
            ),
            Ok(Frame::Pong(_)) | Ok(Frame::Continuation(_)) => {}
            Err(e) => self.fail(format!("protocol error: {e}"), ctx),
        }
    }

    fn finished(&mut self, ctx: &mut Context<Self>) {
        self.fail("socket closed".into(), ctx);
    }
}

impl WriteHandler<WsProtocolError> for PersonaPlexLink {
    fn error(&mut self, err: WsProtocolError, ctx: &mut Self::Context) -> Running {
        self.fail(format!("write error: {err}"), ctx);
        Running::Stop
    }
}
