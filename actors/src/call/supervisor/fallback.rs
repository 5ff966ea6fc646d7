//! Handing a call to the fallback engine: the legacy pipeline, or voicemail.

use actix::prelude::*;

use super::{CallSupervisor, Engine};
use crate::call::messages::{DetachAgent, ListenToCaller, Shutdown};
use crate::call::voicemail::Voicemail;
use crate::call::FallbackEngine;

impl CallSupervisor {
    /// PersonaPlex cannot serve this call (disabled, no free server, failed for good): the
    /// caller is handed to the fallback engine, mid-call if need be, with what is known so far.
    pub(super) fn fall_back(&mut self, reason: &str, ctx: &mut Context<Self>) {
        if self.ended || self.engine != Engine::PersonaPlex {
            return;
        }
        for session in [self.agent.take(), self.standby.take()].into_iter().flatten() {
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
        log::warn!("call {}: {reason}; handing the call to {}", self.call_sid(), engine.name());
        self.stats.add_note(format!("{reason}: handed to {}", engine.name()));
        match engine {
            Engine::Legacy => self.start_legacy(ctx),
            _ => self.start_voicemail(),
        }
    }

    /// Starts voicemail: greeting, beep, recording.
    pub(super) fn start_voicemail(&mut self) {
        let (Some(transcoder), Some(announcer)) = (self.transcoder.clone(), self.announcer.clone()) else { return };
        self.engine = Engine::Voicemail;
        self.outcome = "voicemail";
        self.stats.set_engine(Engine::Voicemail.name());
        self.stats.set_state(crate::call::registry::CallState::Live);
        let services = &self.context.services;
        let voicemail = Voicemail::new(
            self.setup.call_sid.clone(),
            self.setup.from.clone(),
            self.setup.format.sample_rate(),
            self.context.settings.voicemail.clone(),
            announcer,
            self.media.clone().recipient(),
            services.store.clone(),
            services.outbox.clone(),
        )
        .start();
        transcoder.do_send(ListenToCaller(Some(voicemail.clone().recipient())));
        self.voicemail = Some(voicemail);
    }

    pub(super) fn legacy_configured(&self) -> bool {
        false
    }

    pub(super) fn start_legacy(&mut self, _ctx: &mut Context<Self>) {
        self.start_voicemail();
    }
}
