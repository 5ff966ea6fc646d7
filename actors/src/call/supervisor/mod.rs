//! `CallSupervisor`: the root of one call's actor tree.
//!
//! [`mod@self`] holds the call's state and its life (start, hang-up, teardown);
//! [`agent`] handles the PersonaPlex sessions (lease, handshake, text, failure, restart);
//! [`fallback`] hands the call to the legacy pipeline or voicemail when PersonaPlex cannot serve;
//! [`closing`] ends the call after the agent's goodbye and the caller's silence;
//! [`tools`] handles what the ToolBridge did (results spoken to the caller, prompt facts).

mod agent;
mod closing;
mod fallback;
mod tools;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix::prelude::*;

use super::announcer::Announcer;
use super::booking_executor::BookingExecutor;
use super::legacy_pipeline::LegacyPipeline;
use super::media_session::MediaStreamSession;
use super::messages::{CallerEvent, MediaCommand, Shutdown};
use super::registry::{AlreadyLive, CallState, CallStats};
use super::tool_bridge::{FlushBridge, ToolBridge};
use super::transcoder::Transcoder;
use super::transcript::Transcript;
use super::voicemail::Voicemail;
use super::CallContext;
use crate::booking::business::AfterHours;
use crate::codec::WireFormat;
use crate::toolbridge::{CallFacts, ExtractionContext};

/// Prefix of the marks that follow each agent sentence (`sentence-1`, `sentence-2`, …).
const SENTENCE_MARK: &str = "sentence-";

/// The engine serving the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    PersonaPlex,
    Legacy,
    Voicemail,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::PersonaPlex => "personaplex",
            Engine::Legacy => "legacy",
            Engine::Voicemail => "voicemail",
        }
    }
}

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
/// receiving; the supervisor notices through a `Failed` report or missing events, and no other
/// call shares anything with this tree but the registry and the process-wide services.
pub struct CallSupervisor {
    setup: CallSetup,
    context: CallContext,
    stats: Arc<CallStats>,
    media: Addr<MediaStreamSession>,
    transcoder: Option<Addr<Transcoder>>,
    /// Which engine serves the caller now.
    engine: Engine,
    /// The PersonaPlex session serving the caller (live or still prefilling).
    agent: Option<agent::AgentSession>,
    /// A session being prepared with a fresher prompt; replaces `agent` at its handshake.
    standby: Option<agent::AgentSession>,
    /// Session ids handed out so far.
    sessions_started: u64,
    /// Armed after a PersonaPlex failure: fall back if no session is live when it fires.
    fallback_timer: Option<SpawnHandle>,
    voicemail: Option<Addr<Voicemail>>,
    legacy: Option<Addr<LegacyPipeline>>,
    bridge: Option<Addr<ToolBridge>>,
    executor: Option<Addr<BookingExecutor>>,
    announcer: Option<Addr<Announcer>>,
    transcript: Transcript,
    /// What is already true in this call; a new PersonaPlex session's prompt includes it.
    /// What the call established, as the ToolBridge last reported it.
    facts: CallFacts,
    /// Agent sentences completed so far (each gets a mark in the caller's audio).
    sentences_said: u64,
    /// Fires when the agent's text has been quiet for a sentence pause.
    transcript_pause: Option<SpawnHandle>,
    /// Tool results spoken so far (each gets a `tool-N` mark).
    results_spoken: u64,
    /// PersonaPlex restarts left for this call.
    restarts_left: u32,
    restarts_done: u32,
    /// The business was closed when the call came in and the agent answers it
    /// (`after_hours = "agent"`): every session's prompt carries the after-hours line.
    after_hours: bool,
    /// The sentence number of the agent's goodbye, until the caller has heard it.
    goodbye_mark: Option<u64>,
    /// Runs while the caller is silent after the goodbye; when it fires, the call ends.
    goodbye_wait: Option<SpawnHandle>,
    /// How the call turned out, for the call record.
    outcome: &'static str,
    ended: bool,
}

impl CallSupervisor {
    /// Registers the call and starts its tree, unless a live call already has its sid: then
    /// nothing starts (no record, no PersonaPlex lease) and the media session refuses the stream.
    pub fn start_call(
        setup: CallSetup,
        context: CallContext,
        media: Addr<MediaStreamSession>,
    ) -> Result<Addr<Self>, AlreadyLive> {
        let supervisor = Self::new(setup, context, media);
        supervisor
            .context
            .registry
            .try_insert(supervisor.stats.clone())?;
        Ok(supervisor.start())
    }

    fn new(setup: CallSetup, context: CallContext, media: Addr<MediaStreamSession>) -> Self {
        let stats = Arc::new(CallStats::new(
            &setup.call_sid,
            &setup.stream_sid,
            &setup.from,
            "personaplex",
        ));
        let restarts_left = context.settings.restart_budget;
        CallSupervisor {
            setup,
            context,
            stats,
            media,
            transcoder: None,
            engine: Engine::PersonaPlex,
            agent: None,
            standby: None,
            sessions_started: 0,
            fallback_timer: None,
            voicemail: None,
            legacy: None,
            bridge: None,
            executor: None,
            announcer: None,
            transcript: Transcript::new(),
            facts: CallFacts::default(),
            sentences_said: 0,
            transcript_pause: None,
            results_spoken: 0,
            restarts_left,
            restarts_done: 0,
            after_hours: false,
            goodbye_mark: None,
            goodbye_wait: None,
            outcome: "completed",
            ended: false,
        }
    }

    fn call_sid(&self) -> &str {
        &self.setup.call_sid
    }

    /// Starts the children that do not depend on the agent engine.
    fn start_children(&mut self, ctx: &mut Context<Self>) -> Result<(), String> {
        let settings = &self.context.settings;
        let transcoder = Transcoder::new(
            self.setup.call_sid.clone(),
            self.setup.format,
            settings.opus_bitrate,
            settings.opus_complexity,
            self.media.clone().recipient(),
            self.stats.clone(),
        )
        .map_err(|e| format!("transcoder: {e}"))?
        .start();
        self.media.do_send(MediaCommand::RouteCallerAudio(
            transcoder.clone().recipient(),
        ));

        let services = &self.context.services;
        let business = settings.business.clone();
        let executor = BookingExecutor::new(
            self.setup.call_sid.clone(),
            business.clone(),
            services.store.clone(),
            services.outbox.clone(),
        )
        .start();
        let today = business.tz().to_datetime(jiff::Timestamp::now()).date();
        let extraction = ExtractionContext::for_business(&business, today);
        let mut bridge = ToolBridge::new(
            self.setup.call_sid.clone(),
            extraction,
            executor.clone(),
            ctx.address().recipient(),
        );
        if let Some(llm) = &settings.llm_extractor {
            bridge = bridge.with_llm_extractor(llm.clone());
        }
        self.bridge = Some(bridge.start());
        self.announcer = Some(
            Announcer::new(
                self.setup.call_sid.clone(),
                self.setup.format,
                services.speech.clone(),
                self.media.clone().recipient(),
                self.media.clone().recipient(),
                Some(transcoder.clone().recipient()),
                ctx.address().recipient(),
                self.stats.clone(),
            )
            .start(),
        );
        self.executor = Some(executor);
        self.transcoder = Some(transcoder);
        Ok(())
    }

    /// Records a line on the call: in the admin view and in the call record.
    fn note(&self, note: String) {
        self.stats.add_note(note.clone());
        let (store, sid) = (
            self.context.services.store.clone(),
            self.setup.call_sid.clone(),
        );
        actix_rt::spawn(async move {
            if let Err(e) = store.run(move |s| s.append_call_note(&sid, &note)).await {
                log::error!("could not record a call note: {e}");
            }
        });
    }

    /// Records the call's start in the store (off the actor thread).
    fn record_start(&self) {
        let (store, setup) = (self.context.services.store.clone(), self.setup.clone());
        let engine = if self.context.settings.link.is_some() {
            "personaplex"
        } else {
            "none"
        };
        actix_rt::spawn(async move {
            let now = jiff::Timestamp::now();
            if let Err(e) = store
                .run(move |s| {
                    s.record_call_start(&setup.call_sid, &setup.from, &setup.to, engine, now)
                })
                .await
            {
                log::error!("could not record call start: {e}");
            }
        });
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
            self.stats.frames_in.load(Ordering::Relaxed),
            self.stats.frames_out.load(Ordering::Relaxed),
            self.restarts_done
        );
        if let Some(bridge) = &self.bridge {
            bridge.do_send(FlushBridge);
        }
        let (store, sid, outcome, transcript) = (
            self.context.services.store.clone(),
            self.setup.call_sid.clone(),
            self.outcome,
            self.transcript.text().to_string(),
        );
        actix_rt::spawn(async move {
            let now = jiff::Timestamp::now();
            if let Err(e) = store
                .run(move |s| s.record_call_end(&sid, now, outcome, &transcript))
                .await
            {
                log::error!("could not record call end: {e}");
            }
        });
        for session in [self.agent.take(), self.standby.take()]
            .into_iter()
            .flatten()
        {
            session.link.do_send(Shutdown);
        }
        if let Some(voicemail) = self.voicemail.take() {
            voicemail.do_send(Shutdown);
        }
        if let Some(legacy) = self.legacy.take() {
            legacy.do_send(Shutdown);
        }
        if let Some(transcoder) = self.transcoder.take() {
            transcoder.do_send(Shutdown);
        }
        if let Some(announcer) = self.announcer.take() {
            announcer.do_send(Shutdown);
        }
        // The bridge flushes first (a last sentence may still trigger a booking), then stops;
        // the executor stops by itself once nobody holds its address.
        if let Some(bridge) = self.bridge.take() {
            bridge.do_send(Shutdown);
        }
        self.executor = None;
        ctx.stop();
    }
}

impl Actor for CallSupervisor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        log::info!(
            "call {}: started, caller {}, format {:?}",
            self.setup.call_sid,
            self.stats.caller,
            self.setup.format
        );
        self.record_start();
        if let Err(e) = self.start_children(ctx) {
            self.stats.set_error(e.clone());
            log::error!("call {}: cannot start: {e}", self.setup.call_sid);
            self.outcome = "failed";
            self.media.do_send(MediaCommand::Close);
            return self.end("could not start", ctx);
        }
        let business = self.context.settings.business.clone();
        match business.after_hours_at(jiff::Timestamp::now()) {
            Some(AfterHours::Voicemail) => {
                log::info!(
                    "call {}: the business is closed; straight to voicemail",
                    self.setup.call_sid
                );
                self.note("after hours: voicemail with the after-hours greeting".into());
                return self.start_voicemail_with(Some(business.after_hours_greeting()));
            }
            Some(AfterHours::Agent) => {
                log::info!(
                    "call {}: the business is closed; the agent answers after hours",
                    self.setup.call_sid
                );
                self.note("after hours: the agent answers".into());
                self.after_hours = true;
            }
            None => {}
        }
        if self.context.settings.link.is_none() {
            return self.fall_back("PersonaPlex is disabled", ctx);
        }
        if !self.start_session(ctx) {
            self.fall_back("no PersonaPlex server is free", ctx);
        }
    }

    fn stopped(&mut self, _ctx: &mut Context<Self>) {
        self.context.registry.remove(&self.stats);
    }
}

impl Handler<CallerEvent> for CallSupervisor {
    type Result = ();

    fn handle(&mut self, event: CallerEvent, ctx: &mut Context<Self>) {
        match event {
            CallerEvent::MarkPlayed(name) => {
                if let Some(n) = name
                    .strip_prefix(SENTENCE_MARK)
                    .and_then(|n| n.parse::<u64>().ok())
                {
                    self.stats.sentences_heard.fetch_max(n, Ordering::Relaxed);
                    self.sentence_heard(n, ctx);
                }
            }
            // Which key stays out of the log: keys can spell a PIN.
            CallerEvent::Dtmf(_key) => {
                log::info!("call {}: caller pressed a key", self.setup.call_sid);
                self.cancel_goodbye("a key was pressed", ctx);
            }
            CallerEvent::Hangup { reason } => self.end(&reason, ctx),
            CallerEvent::TimedOut { reason } => {
                if self.outcome == "completed" {
                    self.outcome = "timed out";
                }
                self.end(&reason, ctx)
            }
        }
    }
}
