//! The supervisor's side of the tools: results spoken to the caller, facts for the prompt.

use actix::prelude::*;

use super::CallSupervisor;
use crate::booking::sentences::spoken_datetime;
use crate::call::messages::{Announce, AnnouncementDone};
use crate::call::tool_bridge::BridgeEvent;

/// Prefix of the marks that follow each spoken tool result.
const RESULT_MARK: &str = "tool-";

impl Handler<BridgeEvent> for CallSupervisor {
    type Result = ();

    fn handle(&mut self, event: BridgeEvent, ctx: &mut Context<Self>) {
        match event {
            BridgeEvent::ToolResult {
                report,
                caller_name,
                triggered,
            } => {
                if let Some(error) = &report.error {
                    self.stats.set_error(format!("{}: {error}", report.tool));
                }
                // What is now true goes into the prompt of any later PersonaPlex session of
                // this call, so the agent does not ask again for what it already has.
                if caller_name.is_some() {
                    self.facts.caller_name = caller_name;
                }
                if let Some((id, start)) = report.booked {
                    self.facts.booked = Some(spoken_datetime(start));
                    self.outcome = "booked";
                    self.stats
                        .add_note(format!("booked appointment {id} for {start}"));
                }
                if let Some(to) = &report.email_to {
                    self.facts.email_sent_to = Some(to.clone());
                }
                if report.booked.is_some() || report.email_to.is_some() {
                    self.refresh_prompt(ctx);
                }
                self.stats.add_note(report.sentence.clone());
                self.results_spoken += 1;
                if let Some(announcer) = &self.announcer {
                    announcer.do_send(
                        Announce::say(report.sentence)
                            .requested_at(triggered)
                            .with_mark(format!("{RESULT_MARK}{}", self.results_spoken)),
                    );
                }
            }
            BridgeEvent::Extracted { note, .. } => self.note(note),
            BridgeEvent::Incomplete { action, missing } => {
                self.note(format!(
                    "{action} not run: missing or uncertain {}",
                    missing.join(", ")
                ));
            }
        }
    }
}

impl Handler<AnnouncementDone> for CallSupervisor {
    type Result = ();

    fn handle(&mut self, done: AnnouncementDone, _ctx: &mut Context<Self>) {
        if !done.spoken {
            self.stats
                .set_error(format!("could not speak: {}", done.text));
        } else if let Some(ms) = done.first_frame_ms {
            log::debug!(
                "call {}: announcement done; it started {ms} ms after its trigger",
                self.call_sid()
            );
        }
    }
}
