//! The supervisor's side of PersonaPlex: leasing a server, sessions, failure and restart.

use std::time::Duration;

use actix::prelude::*;

use super::{CallSupervisor, Engine, SENTENCE_MARK};
use crate::call::messages::{
    AgentBack, Announce, AttachAgent, DetachAgent, LinkEvent, LinkReport, MediaCommand, Shutdown,
};
use crate::call::personaplex_link::PersonaPlexLink;
use crate::call::registry::CallState;
use crate::call::tool_bridge::AgentSaid;
use crate::pool::Lease;
use crate::toolbridge::words::SENTENCE_PAUSE;

/// What the caller hears the moment a PersonaPlex session fails, while a new one is found.
const FILLER: &str = "One moment.";

/// One PersonaPlex session of this call: its link, and the server leased for it (freed when
/// this is dropped).
pub(super) struct AgentSession {
    pub(super) id: u64,
    pub(super) link: Addr<PersonaPlexLink>,
    pub(super) lease: Lease,
    pub(super) live: bool,
}

impl CallSupervisor {
    /// The agent finished a sentence: a mark follows its audio to SignalWire, and comes back
    /// once the caller has heard it; that is how we learn what the caller actually heard.
    fn sentence_said(&mut self, sentence: &str) {
        log::debug!("call {}: agent said: {sentence}", self.call_sid());
        self.sentences_said += 1;
        self.media.do_send(MediaCommand::Mark(format!(
            "{SENTENCE_MARK}{}",
            self.sentences_said
        )));
        self.check_goodbye(self.sentences_said, sentence);
    }

    /// The persona prompt for a new session: the configured override, or the business's
    /// prompt with what is already true in this call.
    pub(super) fn current_prompt(&self) -> String {
        let settings = &self.context.settings;
        let business = &settings.business;
        let mut notes: Vec<&str> = Vec::with_capacity(2);
        if self.after_hours {
            notes.push(&business.after_hours_line);
        }
        // A later session joins a call in progress: no second greeting.
        if self.sessions_started > 0 {
            notes.push("The call is already under way: do not greet the caller again.");
        }
        match &settings.text_prompt_override {
            Some(prompt) if self.after_hours => format!("{prompt} {}", business.after_hours_line),
            Some(prompt) => prompt.clone(),
            None => business.text_prompt(&self.facts, &notes),
        }
    }

    /// What is true in the call changed (a booking, an email): if a second server is free,
    /// prepare a session with the new prompt and switch to it at its handshake
    /// (make-before-break, no gap). Otherwise the next restart will carry the new prompt.
    pub(super) fn refresh_prompt(&mut self, ctx: &mut Context<Self>) {
        let serving_live = self.agent.as_ref().is_some_and(|a| a.live);
        if self.engine != Engine::PersonaPlex || !serving_live || self.standby.is_some() {
            return;
        }
        if let Some(standby) = self.open_session(ctx) {
            log::info!(
                "call {}: preparing PersonaPlex session {} with the refreshed prompt",
                self.call_sid(),
                standby.id
            );
            self.standby = Some(standby);
        }
    }

    /// Leases a free server and opens a session on it. False when no server is free.
    pub(super) fn open_session(&mut self, ctx: &mut Context<Self>) -> Option<AgentSession> {
        let (settings, transcoder) = (
            self.context.settings.link.clone()?,
            self.transcoder.clone()?,
        );
        let lease = self.context.services.pool.lease(&self.setup.call_sid)?;
        let url = match settings.chat_url(lease.server(), &self.current_prompt()) {
            Ok(url) => url,
            Err(e) => {
                self.stats.set_error(format!("PersonaPlex URL: {e}"));
                log::error!(
                    "call {}: cannot build the PersonaPlex URL: {e}",
                    self.call_sid()
                );
                return None;
            }
        };
        self.sessions_started += 1;
        let id = self.sessions_started;
        let link = PersonaPlexLink::new(
            self.setup.call_sid.clone(),
            id,
            lease.server().clone(),
            settings,
            url,
            ctx.address().recipient(),
            transcoder.recipient(),
        )
        .start();
        Some(AgentSession {
            id,
            link,
            lease,
            live: false,
        })
    }

    /// Starts the session that serves the caller. False when no server is free.
    pub(super) fn start_session(&mut self, ctx: &mut Context<Self>) -> bool {
        match self.open_session(ctx) {
            Some(session) => {
                self.agent = Some(session);
                self.stats.set_state(CallState::Connecting);
                true
            }
            None => false,
        }
    }

    /// The serving session failed: tell the caller to hold on, restart elsewhere, and arm
    /// the fallback in case no new session goes live in time.
    fn agent_failed(&mut self, reason: String, ctx: &mut Context<Self>) {
        if let Some(session) = self.agent.take() {
            // The server cools down before anyone leases it again; dropping frees our lease.
            session.lease.report_failure(&reason);
        }
        self.stats.set_error(format!("PersonaPlex: {reason}"));
        if let Some(transcoder) = &self.transcoder {
            transcoder.do_send(DetachAgent);
        }
        if let Some(announcer) = &self.announcer {
            announcer.do_send(Announce::say(FILLER).if_idle().until_agent_back());
        }
        if self.fallback_timer.is_none() {
            let bound = self.context.settings.fallback_after;
            self.fallback_timer = Some(ctx.run_later(bound, move |sup, ctx| {
                sup.fallback_timer = None;
                if sup.engine == Engine::PersonaPlex && !sup.agent.as_ref().is_some_and(|a| a.live)
                {
                    sup.fall_back(
                        &format!("no live PersonaPlex session within {bound:?}"),
                        ctx,
                    );
                }
            }));
        }
        // A session already prepared with a fresher prompt takes over.
        if let Some(standby) = self.standby.take() {
            let live = standby.live;
            self.agent = Some(standby);
            if live {
                self.session_live(ctx);
            }
            return;
        }
        if self.restarts_left == 0 {
            return self.fall_back("PersonaPlex restart budget spent", ctx);
        }
        self.restarts_left -= 1;
        self.restarts_done += 1;
        // A little more wait on each attempt: a server that just failed often fails again.
        let delay = Duration::from_millis(100 * u64::from(self.restarts_done));
        log::info!(
            "call {}: restarting PersonaPlex in {delay:?}",
            self.call_sid()
        );
        ctx.run_later(delay, |sup, ctx| {
            if sup.ended || sup.engine != Engine::PersonaPlex {
                return;
            }
            if !sup.start_session(ctx) {
                sup.fall_back("no other PersonaPlex server is free", ctx);
            }
        });
    }

    /// The serving session shook hands: audio flows to it.
    fn session_live(&mut self, ctx: &mut Context<Self>) {
        let Some(session) = &mut self.agent else {
            return;
        };
        session.live = true;
        self.stats.set_state(CallState::Live);
        self.stats.set_engine(Engine::PersonaPlex.name());
        if let Some(timer) = self.fallback_timer.take() {
            ctx.cancel_future(timer);
        }
        if let Some(transcoder) = &self.transcoder {
            transcoder.do_send(AttachAgent {
                to_agent: session.link.clone().recipient(),
            });
        }
        if let Some(announcer) = &self.announcer {
            announcer.do_send(AgentBack);
        }
    }

    /// Make-before-break: a standby session with a fresher prompt replaces the serving one
    /// once it has shaken hands, so the caller hears no gap.
    fn promote_standby(&mut self, ctx: &mut Context<Self>) {
        let Some(standby) = self.standby.take() else {
            return;
        };
        if let Some(old) = self.agent.replace(standby) {
            log::info!(
                "call {}: switching to PersonaPlex session {} with the refreshed prompt",
                self.call_sid(),
                self.sessions_started
            );
            old.link.do_send(Shutdown);
        }
        self.session_live(ctx);
    }
}

impl Handler<LinkReport> for CallSupervisor {
    type Result = ();

    fn handle(&mut self, LinkReport { session, event }: LinkReport, ctx: &mut Context<Self>) {
        if self.ended || self.engine != Engine::PersonaPlex {
            return;
        }
        let serving = self.agent.as_ref().is_some_and(|a| a.id == session);
        let standby = self.standby.as_ref().is_some_and(|s| s.id == session);
        match event {
            LinkEvent::Connected if serving => self.stats.set_state(CallState::Prefill),
            LinkEvent::Handshake if serving => self.session_live(ctx),
            LinkEvent::Handshake if standby => {
                if let Some(s) = &mut self.standby {
                    s.live = true;
                }
                self.promote_standby(ctx);
            }
            LinkEvent::Text(piece) if serving => {
                if !piece.trim().is_empty() {
                    self.cancel_goodbye("the agent spoke again", ctx);
                }
                let before = self.transcript.text().len();
                for sentence in self.transcript.push(&piece) {
                    self.sentence_said(&sentence);
                }
                // A finished sentence followed by quiet is over: mark it then, not when the
                // agent's next word comes (maybe after the caller's turn).
                if let Some(timer) = self.transcript_pause.take() {
                    ctx.cancel_future(timer);
                }
                self.transcript_pause = Some(ctx.run_later(SENTENCE_PAUSE, |sup, _| {
                    sup.transcript_pause = None;
                    if let Some(sentence) = sup.transcript.pause() {
                        sup.sentence_said(&sentence);
                    }
                }));
                // Only what this piece added: copying the whole text per piece grows with the call.
                self.stats
                    .append_transcript(&self.transcript.text()[before..]);
                if let Some(bridge) = &self.bridge {
                    bridge.do_send(AgentSaid(piece));
                }
            }
            LinkEvent::Failed(reason) if serving => self.agent_failed(reason, ctx),
            LinkEvent::Failed(reason) if standby => {
                if let Some(s) = self.standby.take() {
                    s.lease.report_failure(&reason);
                }
            }
            // Events of sessions already replaced, and a standby's own chatter before it
            // takes over, change nothing.
            _ => {}
        }
    }
}
