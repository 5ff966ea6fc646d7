//! Handing a call to the fallback engine: the legacy pipeline, or voicemail.

use actix::prelude::*;

use super::{CallSupervisor, Engine};
use crate::call::legacy_pipeline::{LegacyFailed, LegacyParts, LegacyPipeline};
use crate::call::messages::{DetachAgent, ListenToCaller, Shutdown, StopSpeaking};
use crate::call::voicemail::Voicemail;
use crate::call::FallbackEngine;
use crate::legacy::Handover;

impl CallSupervisor {
    /// PersonaPlex cannot serve this call (disabled, no free server, failed for good): the
    /// caller is handed to the fallback engine, mid-call if need be, with what is known so far.
    pub(super) fn fall_back(&mut self, reason: &str, ctx: &mut Context<Self>) {
        if self.ended || self.engine != Engine::PersonaPlex {
            return;
        }
        for session in [self.agent.take(), self.standby.take()]
            .into_iter()
            .flatten()
        {
            session.link.do_send(Shutdown);
        }
        if let Some(timer) = self.fallback_timer.take() {
            ctx.cancel_future(timer);
        }
        if let Some(transcoder) = &self.transcoder {
            transcoder.do_send(DetachAgent);
        }
        let engine = match self.context.settings.fallback {
            FallbackEngine::Legacy if self.legacy_configured() => Engine::Legacy,
            _ => Engine::Voicemail,
        };
        log::warn!(
            "call {}: {reason}; handing the call to {}",
            self.call_sid(),
            engine.name()
        );
        self.note(format!("{reason}: handed to {}", engine.name()));
        match engine {
            Engine::Legacy => self.start_legacy(ctx),
            _ => self.start_voicemail(),
        }
    }

    /// Starts voicemail: greeting, beep, recording.
    pub(super) fn start_voicemail(&mut self) {
        self.start_voicemail_with(None);
    }

    /// Starts voicemail with `spoken_greeting` (synthesized) in place of the recorded one.
    pub(super) fn start_voicemail_with(&mut self, spoken_greeting: Option<String>) {
        let (Some(transcoder), Some(announcer)) = (self.transcoder.clone(), self.announcer.clone())
        else {
            return;
        };
        self.engine = Engine::Voicemail;
        self.outcome = "voicemail";
        self.stats.set_engine(Engine::Voicemail.name());
        self.stats.set_state(crate::call::registry::CallState::Live);
        let services = &self.context.services;
        let mut voicemail = Voicemail::new(
            self.setup.call_sid.clone(),
            self.setup.from.clone(),
            self.setup.format.sample_rate(),
            self.context.settings.voicemail.clone(),
            announcer,
            self.media.clone().recipient(),
            services.store.clone(),
            services.outbox.clone(),
        );
        if let Some(sentence) = spoken_greeting {
            voicemail = voicemail.with_spoken_greeting(sentence);
        }
        let voicemail = voicemail.start();
        transcoder.do_send(ListenToCaller(Some(voicemail.clone().recipient())));
        self.voicemail = Some(voicemail);
    }

    pub(super) fn legacy_configured(&self) -> bool {
        self.context.settings.legacy.is_some()
    }

    /// Starts the legacy pipeline with what the call established so far (transcript, the
    /// details the agent read back, what was booked).
    pub(super) fn start_legacy(&mut self, ctx: &mut Context<Self>) {
        self.engine = Engine::Legacy;
        self.stats.set_engine(Engine::Legacy.name());
        // PersonaPlex gives us only the agent's words.
        let transcript = match self.transcript.text() {
            "" => String::new(),
            said => format!("Agent: {said}"),
        };
        let facts = self.facts.summary();
        self.launch_legacy(Handover { transcript, facts }, ctx);
    }

    fn launch_legacy(&mut self, handover: Handover, ctx: &mut Context<Self>) {
        let (Some(settings), Some(transcoder), Some(announcer), Some(executor)) = (
            self.context.settings.legacy.clone(),
            self.transcoder.clone(),
            self.announcer.clone(),
            self.executor.clone(),
        ) else {
            return self.start_voicemail();
        };
        let pipeline = LegacyPipeline::new(LegacyParts {
            call_sid: self.setup.call_sid.clone(),
            rate: self.setup.format.sample_rate(),
            business: self.context.settings.business.clone(),
            settings,
            handover: (!handover.transcript.is_empty() || !handover.facts.is_empty())
                .then_some(handover),
            executor,
            announcer,
            media: self.media.clone().recipient(),
            supervisor: ctx.address().recipient(),
        })
        .start();
        transcoder.do_send(ListenToCaller(Some(pipeline.clone().recipient())));
        self.legacy = Some(pipeline);
    }
}

impl Handler<LegacyFailed> for CallSupervisor {
    type Result = ();

    /// An endpoint of the legacy pipeline failed: voicemail, not silence.
    fn handle(&mut self, LegacyFailed(reason): LegacyFailed, _ctx: &mut Context<Self>) {
        if self.ended || self.engine != Engine::Legacy {
            return;
        }
        self.stats.set_error(format!("legacy pipeline: {reason}"));
        self.note(format!(
            "legacy pipeline failed ({reason}): handed to voicemail"
        ));
        if let Some(legacy) = self.legacy.take() {
            legacy.do_send(Shutdown);
        }
        if let Some(announcer) = &self.announcer {
            announcer.do_send(StopSpeaking);
        }
        self.start_voicemail();
    }
}
