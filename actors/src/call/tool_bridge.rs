//! `ToolBridge`: turns what the agent says into tool runs.

use actix::prelude::*;

use super::booking_executor::{BookingExecutor, RunTool, ToolReport, ToolRequest};
use super::messages::Shutdown;
use crate::booking::sentences::spoken_datetime;
use crate::toolbridge::words::SENTENCE_PAUSE;
use crate::toolbridge::{BridgeAction, CallFacts, ExtractionContext, ToolBridgeState};

/// One `0x02` text piece of the agent's speech.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct AgentSaid(pub String);

/// The call is ending: act on a last sentence that had no final punctuation.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct FlushBridge;

/// What the bridge tells the supervisor.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub enum BridgeEvent {
    /// A tool ran; its sentence should reach the caller. `facts` are the call's facts with the
    /// result in them.
    ToolResult {
        report: ToolReport,
        facts: Box<CallFacts>,
        triggered: std::time::Instant,
    },
    /// What the call has established changed (sent at most once per agent turn).
    Facts(Box<CallFacts>),
    /// The agent committed to an action but details are missing or uncertain: nothing was done.
    Incomplete {
        action: &'static str,
        missing: Vec<&'static str>,
    },
}

/// Listens to the agent's words (PersonaPlex cannot call tools, it only speaks), and when the
/// agent commits to an action ("let me book that for you") with every detail read back, has
/// the [`BookingExecutor`] do it. The listening and extraction are the pure
/// [`ToolBridgeState`]; this actor only moves its actions to the executor and the results to
/// the supervisor.
pub struct ToolBridge {
    call_sid: String,
    state: ToolBridgeState,
    executor: Addr<BookingExecutor>,
    supervisor: Recipient<BridgeEvent>,
    /// Fires when the text stream has been quiet for [`SENTENCE_PAUSE`].
    pause_timer: Option<SpawnHandle>,
}

impl ToolBridge {
    pub fn new(
        call_sid: String,
        context: ExtractionContext,
        executor: Addr<BookingExecutor>,
        supervisor: Recipient<BridgeEvent>,
    ) -> Self {
        ToolBridge {
            call_sid,
            state: ToolBridgeState::new(context),
            executor,
            supervisor,
            pause_timer: None,
        }
    }

    fn act(&mut self, actions: Vec<BridgeAction>, ctx: &mut Context<Self>) {
        for action in actions {
            let request = match action {
                BridgeAction::Book(details) => ToolRequest::Book(details),
                BridgeAction::CheckAvailability {
                    date: Some(date),
                    time: Some(time),
                } => ToolRequest::CheckAvailability { date, time },
                BridgeAction::Cancel {
                    date: Some(date),
                    time: Some(time),
                } => ToolRequest::Cancel { date, time },
                BridgeAction::Extract(_) => continue, // only when an external extractor is set
                BridgeAction::Reschedule(details) => ToolRequest::Reschedule(details),
                BridgeAction::BookingIncomplete { missing } => {
                    self.incomplete("book_appointment", missing);
                    continue;
                }
                BridgeAction::CheckAvailability { date, time } => {
                    self.incomplete(
                        "check_availability",
                        missing_of(date.is_none(), time.is_none()),
                    );
                    continue;
                }
                BridgeAction::Cancel { date, time } => {
                    self.incomplete(
                        "cancel_appointment",
                        missing_of(date.is_none(), time.is_none()),
                    );
                    continue;
                }
            };
            let call_sid = self.call_sid.clone();
            let triggered = std::time::Instant::now();
            let is_booking = matches!(request, ToolRequest::Book(_) | ToolRequest::Reschedule(_));
            ctx.spawn(self.executor.send(RunTool(request)).into_actor(self).map(
                move |result, bridge, _| match result {
                    Ok(report) => {
                        if is_booking && !report.succeeded {
                            bridge.state.booking_failed();
                        }
                        bridge.state.tool_ran(
                            report.booked.map(|(_, start)| spoken_datetime(start)),
                            report.email_to.clone(),
                        );
                        bridge.state.facts_update(); // carried by the result itself
                        bridge.supervisor.do_send(BridgeEvent::ToolResult {
                            report,
                            facts: Box::new(bridge.state.facts().clone()),
                            triggered,
                        })
                    }
                    Err(e) => log::error!("call {call_sid}: booking executor is gone: {e}"),
                },
            ));
        }
    }

    /// Tells the supervisor what the call established, if that changed.
    fn send_facts(&mut self) {
        if let Some(facts) = self.state.facts_update() {
            self.supervisor
                .do_send(BridgeEvent::Facts(Box::new(facts.clone())));
        }
    }

    fn incomplete(&self, action: &'static str, missing: Vec<&'static str>) {
        log::info!(
            "call {}: {action} not run: missing or uncertain {}",
            self.call_sid,
            missing.join(", ")
        );
        self.supervisor
            .do_send(BridgeEvent::Incomplete { action, missing });
    }
}

fn missing_of(date: bool, time: bool) -> Vec<&'static str> {
    [(date, "date"), (time, "time")]
        .into_iter()
        .filter(|(m, _)| *m)
        .map(|(_, f)| f)
        .collect()
}

impl Actor for ToolBridge {
    type Context = Context<Self>;
}

impl Handler<AgentSaid> for ToolBridge {
    type Result = ();

    fn handle(&mut self, AgentSaid(piece): AgentSaid, ctx: &mut Context<Self>) {
        let actions = self.state.push_piece(&piece);
        self.act(actions, ctx);
        if let Some(timer) = self.pause_timer.take() {
            ctx.cancel_future(timer);
        }
        self.pause_timer = Some(ctx.run_later(SENTENCE_PAUSE, |bridge, ctx| {
            bridge.pause_timer = None;
            let actions = bridge.state.pause();
            bridge.act(actions, ctx);
            bridge.send_facts();
        }));
    }
}

impl Handler<FlushBridge> for ToolBridge {
    type Result = ();

    fn handle(&mut self, _: FlushBridge, ctx: &mut Context<Self>) {
        let actions = self.state.flush();
        self.act(actions, ctx);
        self.send_facts();
    }
}

impl Handler<Shutdown> for ToolBridge {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}
