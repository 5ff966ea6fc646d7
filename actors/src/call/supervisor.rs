//! `CallSupervisor`: the root of one call's actor tree.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;

use super::media_session::MediaStreamSession;
use super::messages::{
    AttachAgent, CallerEvent, DetachAgent, LinkEvent, MediaCommand, Shutdown,
};
use super::personaplex_link::PersonaPlexLink;
use super::registry::{CallState, CallStats};
use super::transcoder::Transcoder;
use super::transcript::Transcript;
use super::CallContext;
use crate::codec::WireFormat;

/// Prefix of the marks that follow each agent sentence (`sentence-1`, `sentence-2`, …).
const SENTENCE_MARK: &str = "sentence-";

/// What the media stream's `start` told us about the call.
#[derive(Debug, Clone)]
pub struct CallSetup {
    pub call_sid: String,
    pub stream_sid: String,
    /// Caller number (E.164) from the `<Parameter>`s we put in the cXML.
    pub from: String,
    pub to: String,
    pub format: WireFormat,
}

/// Owns one call: starts its children, routes the events that change the call's course, and
/// tears everything down when the call ends.
///
/// Children are linked by addresses only, so a child that dies (error or panic) just stops
/// receiving; the supervisor notices through the events it stops getting or a `Failed` report,
/// and no other call shares anything with this tree but the registry.
pub struct CallSupervisor {
    setup: CallSetup,
    context: CallContext,
    stats: Arc<CallStats>,
    media: Addr<MediaStreamSession>,
    transcoder: Option<Addr<Transcoder>>,
    link: Option<Addr<PersonaPlexLink>>,
    transcript: Transcript,
    /// Agent sentences completed so far (each gets a mark in the caller's audio).
    sentences_said: u64,
    /// PersonaPlex restarts left for this call.
    restarts_left: u32,
    restarts_done: u32,
    ended: bool,
}

impl CallSupervisor {
    pub fn new(setup: CallSetup, context: CallContext, media: Addr<MediaStreamSession>) -> Self {
        let stats = Arc::new(CallStats::new(&setup.call_sid, &setup.stream_sid, &setup.from, "personaplex"));
        let restarts_left = context.settings.restart_budget;
        CallSupervisor {
            setup,
            context,
            stats,
            media,
            transcoder: None,
            link: None,
            transcript: Transcript::new(),
            sentences_said: 0,
            restarts_left,
            restarts_done: 0,
            ended: false,
        }
    }

    /// The shared figures of this call (the media session counts into them too).
    pub fn stats(&self) -> Arc<CallStats> {
        self.stats.clone()
    }

    fn start_link(&mut self, ctx: &mut Context<Self>) {
        let (Some(settings), Some(transcoder)) = (self.context.settings.link.clone(), self.transcoder.clone()) else {
            return;
        };
        let url = match settings.chat_url(&self.context.settings.text_prompt) {
            Ok(url) => url,
            Err(e) => {
                self.stats.set_error(format!("PersonaPlex URL: {e}"));
                log::error!("call {}: cannot build the PersonaPlex URL: {e}", self.setup.call_sid);
                return;
            }
        };
        let link = PersonaPlexLink::new(
            self.setup.call_sid.clone(),
            settings,
            url,
            ctx.address().recipient(),
            transcoder.recipient(),
        )
        .start();
        self.link = Some(link);
        self.stats.set_state(CallState::Connecting);
    }

    fn end(&mut self, reason: &str, ctx: &mut Context<Self>) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.stats.set_state(CallState::Ending);
        log::info!(
            "call {}: ended ({reason}); {} frames in, {} frames out, {} PersonaPlex restarts",
            self.setup.call_sid,
            self.stats.frames_in.load(std::sync::atomic::Ordering::Relaxed),
            self.stats.frames_out.load(std::sync::atomic::Ordering::Relaxed),
            self.restarts_done
        );
        if let Some(link) = self.link.take() {
            link.do_send(Shutdown);
        }
        if let Some(transcoder) = self.transcoder.take() {
            transcoder.do_send(Shutdown);
        }
        ctx.stop();
    }
}

impl Actor for CallSupervisor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.context.registry.insert(self.stats.clone());
        log::info!(
            "call {}: started, caller {}, format {:?}",
            self.setup.call_sid,
            self.stats.caller,
            self.setup.format
        );
        let transcoder = match Transcoder::new(
            self.setup.call_sid.clone(),
            self.setup.format,
            self.context.settings.opus_bitrate,
            self.context.settings.opus_complexity,
            self.media.clone().recipient(),
            self.stats.clone(),
        ) {
            Ok(transcoder) => transcoder.start(),
            Err(e) => {
                self.stats.set_error(format!("transcoder: {e}"));
                log::error!("call {}: cannot start transcoder: {e}", self.setup.call_sid);
                self.media.do_send(MediaCommand::Close);
                self.end("no transcoder", ctx);
                return;
            }
        };
        self.media.do_send(MediaCommand::RouteCallerAudio(transcoder.clone().recipient()));
        self.transcoder = Some(transcoder);
        if self.context.settings.link.is_some() {
            self.start_link(ctx);
        } else {
            self.stats.set_engine("none");
            self.stats.set_error("PersonaPlex is disabled and no other engine is configured");
            log::warn!("call {}: PersonaPlex is disabled; nothing will answer", self.setup.call_sid);
        }
    }

    fn stopped(&mut self, _ctx: &mut Context<Self>) {
        self.context.registry.remove(&self.stats);
    }
}

impl Handler<LinkEvent> for CallSupervisor {
    type Result = ();

    fn handle(&mut self, event: LinkEvent, ctx: &mut Context<Self>) {
        if self.ended {
            return;
        }
        match event {
            LinkEvent::Connected => self.stats.set_state(CallState::Prefill),
            LinkEvent::Handshake => {
                self.stats.set_state(CallState::Live);
                if let (Some(transcoder), Some(link)) = (&self.transcoder, &self.link) {
                    transcoder.do_send(AttachAgent { to_agent: link.clone().recipient() });
                }
            }
            LinkEvent::Text(piece) => {
                if let Some(sentence) = self.transcript.push(&piece) {
                    log::debug!("call {}: agent said: {sentence}", self.setup.call_sid);
                    // The mark comes back once SignalWire has played the audio queued before
                    // it: that is how we learn what the caller actually heard.
                    self.sentences_said += 1;
                    self.media.do_send(MediaCommand::Mark(format!("{SENTENCE_MARK}{}", self.sentences_said)));
                }
                self.stats.set_transcript(self.transcript.text());
            }
            LinkEvent::Failed(reason) => {
                self.link = None;
                self.stats.set_error(format!("PersonaPlex: {reason}"));
                if let Some(transcoder) = &self.transcoder {
                    transcoder.do_send(DetachAgent);
                }
                if self.restarts_left == 0 {
                    self.stats.set_state(CallState::Connecting);
                    log::error!("call {}: PersonaPlex restart budget spent; the caller hears silence", self.setup.call_sid);
                    return;
                }
                self.restarts_left -= 1;
                self.restarts_done += 1;
                // Back off a little more on each attempt: a server that just failed is
                // likely to fail again right away.
                let delay = Duration::from_millis(250 * u64::from(self.restarts_done));
                log::info!("call {}: restarting PersonaPlex in {delay:?}", self.setup.call_sid);
                ctx.run_later(delay, |sup, ctx| {
                    if !sup.ended {
                        sup.start_link(ctx);
                    }
                });
            }
        }
    }
}

impl Handler<CallerEvent> for CallSupervisor {
    type Result = ();

    fn handle(&mut self, event: CallerEvent, ctx: &mut Context<Self>) {
        match event {
            CallerEvent::MarkPlayed(name) => {
                if let Some(n) = name.strip_prefix(SENTENCE_MARK).and_then(|n| n.parse::<u64>().ok()) {
                    self.stats.sentences_heard.fetch_max(n, std::sync::atomic::Ordering::Relaxed);
                }
            }
            CallerEvent::Dtmf(digit) => log::info!("call {}: caller pressed {digit}", self.setup.call_sid),
            CallerEvent::Hangup { reason } => self.end(&reason, ctx),
        }
    }
}
