//! The supervisor's side of the tools: results spoken to the caller, facts for the prompt.

use actix::prelude::*;

use super::CallSupervisor;
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
                facts,
                triggered,
            } => {
                if let Some(error) = &report.error {
                    self.stats.set_error(format!("{}: {error}", report.tool));
                }
                // What is now true goes into the prompt of any later PersonaPlex session of
                // this call, so the agent does not ask again for what it already has.
                self.facts = *facts;
                if let Some((id, start)) = report.booked {
                    self.outcome = "booked";
                    // The problem as the agent summarised it, for whoever reads the call.
                    let problem = match &self.facts.problem {
                        Some(p) => format!(" (problem: {})", p.value),
                        None => String::new(),
                    };
                    self.stats
                        .add_note(format!("booked appointment {id} for {start}{problem}"));
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
            BridgeEvent::Facts(facts) => self.facts = *facts,
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
