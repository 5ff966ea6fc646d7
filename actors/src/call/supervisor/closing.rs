//! Ending the call after the agent's goodbye: once the caller has heard the closing line and
//! stays silent for `hangup_after_goodbye`, the supervisor closes the media stream, and
//! SignalWire requests the `<Connect action>` URL, which answers `<Hangup/>`.
//!
//! "Silent" means: no caller audio louder than speech (`goodbye::is_speech`), no key pressed,
//! and no further agent text (the agent talking again means the conversation goes on).

use actix::prelude::*;

use super::{CallSupervisor, Engine};
use crate::call::goodbye;
use crate::call::messages::{CallerPcm, ListenToCaller, MediaCommand};

impl CallSupervisor {
    /// The agent finished sentence number `n`: a closing line arms the wait once it is heard.
    pub(super) fn check_goodbye(&mut self, n: u64, sentence: &str) {
        if self.context.settings.hangup_after_goodbye.is_some() && goodbye::is_goodbye(sentence) {
            log::info!(
                "call {}: the agent said goodbye; waiting for the caller",
                self.call_sid()
            );
            self.goodbye_mark = Some(n);
        }
    }

    /// Sentence `n` was played to the caller: if it was the goodbye, the silence count starts.
    pub(super) fn sentence_heard(&mut self, n: u64, ctx: &mut Context<Self>) {
        let (Some(mark), Some(wait)) = (
            self.goodbye_mark,
            self.context.settings.hangup_after_goodbye,
        ) else {
            return;
        };
        if n < mark || self.engine != Engine::PersonaPlex || self.goodbye_wait.is_some() {
            return;
        }
        self.goodbye_mark = None;
        if let Some(transcoder) = &self.transcoder {
            transcoder.do_send(ListenToCaller(Some(ctx.address().recipient())));
        }
        self.goodbye_wait = Some(ctx.run_later(wait, move |sup, _ctx| {
            sup.goodbye_wait = None;
            if sup.ended || sup.engine != Engine::PersonaPlex {
                return;
            }
            log::info!(
                "call {}: caller silent for {wait:?} after the goodbye; ending the call",
                sup.call_sid()
            );
            sup.note("ended by the agent's goodbye".into());
            // The media session closes the socket and reports the hang-up, which ends the call.
            sup.media.do_send(MediaCommand::Close);
        }));
    }

    /// The conversation goes on (agent text, a key, the caller's voice): no hang-up.
    pub(super) fn cancel_goodbye(&mut self, why: &str, ctx: &mut Context<Self>) {
        self.goodbye_mark = None;
        if let Some(wait) = self.goodbye_wait.take() {
            ctx.cancel_future(wait);
            log::info!(
                "call {}: {why} after the goodbye; the call goes on",
                self.call_sid()
            );
            if self.engine == Engine::PersonaPlex {
                if let Some(transcoder) = &self.transcoder {
                    transcoder.do_send(ListenToCaller(None));
                }
            }
        }
    }
}

impl Handler<CallerPcm> for CallSupervisor {
    type Result = ();

    /// Caller audio, listened to only while waiting after a goodbye.
    fn handle(&mut self, CallerPcm(pcm): CallerPcm, ctx: &mut Context<Self>) {
        if self.goodbye_wait.is_some() && goodbye::is_speech(&pcm) {
            self.cancel_goodbye("the caller spoke", ctx);
        }
    }
}
