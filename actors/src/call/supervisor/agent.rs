//! The supervisor's side of the PersonaPlex session: start, handshake, text, failure.

use std::time::Duration;

use actix::prelude::*;

use super::{CallSupervisor, SENTENCE_MARK};
use crate::call::messages::{AttachAgent, DetachAgent, LinkEvent, MediaCommand};
use crate::call::personaplex_link::PersonaPlexLink;
use crate::call::registry::CallState;
use crate::call::tool_bridge::AgentSaid;

impl CallSupervisor {
    /// The persona prompt for a new session: the configured override, or the business's
    /// prompt with what is already true in this call.
    pub(super) fn current_prompt(&self) -> String {
        let settings = &self.context.settings;
        match &settings.text_prompt_override {
            Some(prompt) => prompt.clone(),
            None => settings.business.text_prompt(&self.facts),
        }
    }

    pub(super) fn start_link(&mut self, ctx: &mut Context<Self>) {
        let (Some(settings), Some(transcoder)) = (self.context.settings.link.clone(), self.transcoder.clone()) else {
            return;
        };
        let url = match settings.chat_url(&self.current_prompt()) {
            Ok(url) => url,
            Err(e) => {
                self.stats.set_error(format!("PersonaPlex URL: {e}"));
                log::error!("call {}: cannot build the PersonaPlex URL: {e}", self.call_sid());
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
                    log::debug!("call {}: agent said: {sentence}", self.call_sid());
                    // The mark comes back once SignalWire has played the audio queued before
                    // it: that is how we learn what the caller actually heard.
                    self.sentences_said += 1;
                    self.media.do_send(MediaCommand::Mark(format!("{SENTENCE_MARK}{}", self.sentences_said)));
                }
                self.stats.set_transcript(self.transcript.text());
                if let Some(bridge) = &self.bridge {
                    bridge.do_send(AgentSaid(piece));
                }
            }
            LinkEvent::Failed(reason) => {
                self.link = None;
                self.stats.set_error(format!("PersonaPlex: {reason}"));
                if let Some(transcoder) = &self.transcoder {
                    transcoder.do_send(DetachAgent);
                }
                if self.restarts_left == 0 {
                    self.stats.set_state(CallState::Connecting);
                    log::error!("call {}: PersonaPlex restart budget spent; the caller hears silence", self.call_sid());
                    return;
                }
                self.restarts_left -= 1;
                self.restarts_done += 1;
                // Back off a little more on each attempt: a server that just failed is
                // likely to fail again right away.
                let delay = Duration::from_millis(250 * u64::from(self.restarts_done));
                log::info!("call {}: restarting PersonaPlex in {delay:?}", self.call_sid());
                ctx.run_later(delay, |sup, ctx| {
                    if !sup.ended {
                        sup.start_link(ctx);
                    }
                });
            }
        }
    }
}
