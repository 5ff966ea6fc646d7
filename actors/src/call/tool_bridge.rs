//! `ToolBridge`: turns what the agent says into tool runs.

use actix::prelude::*;

use super::booking_executor::{BookingExecutor, RunTool, ToolReport, ToolRequest};
use super::messages::Shutdown;
use crate::booking::sentences::spoken_datetime;
use crate::legacy::{ChatMessage, LlmClient};
use crate::toolbridge::llm_extractor;
use crate::toolbridge::words::SENTENCE_PAUSE;
use crate::toolbridge::{BridgeAction, CallFacts, Commitment, ExtractionContext, ToolBridgeState};

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
    /// With the LLM extractor configured: which extractor read a commitment's details
    /// (`"llm"` or `"rules"`), and a line for the call's notes saying so and why.
    Extracted {
        extractor: &'static str,
        note: String,
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
    /// The optional LLM extractor (`[toolbridge] extractor = "llm"`); `None`: the rules decide.
    llm: Option<LlmClient>,
    /// The extraction in flight: at most one per call. A newer commitment supersedes it (its
    /// transcript holds everything the older one's did, and more).
    extracting: Option<SpawnHandle>,
    /// Tool runs asked of the executor and not answered yet.
    runs_in_flight: usize,
    /// The call ended: stop once nothing is in flight (see [`Shutdown`]'s handler).
    stopping: bool,
}

/// Longest the bridge waits, once the call has ended, for an extraction or a tool run of the
/// last turn to finish.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(15);

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
            llm: None,
            extracting: None,
            runs_in_flight: 0,
            stopping: false,
        }
    }

    /// Has an OpenAI-compatible model read each commitment's details (checked against the
    /// transcript, see [`llm_extractor`]); the rules decide when it fails or is too slow.
    pub fn with_llm_extractor(mut self, client: LlmClient) -> Self {
        self.state.use_external_extractor();
        self.llm = Some(client);
        self
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
                BridgeAction::Extract(commitment) => {
                    self.extract(commitment, ctx);
                    continue;
                }
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
            self.runs_in_flight += 1;
            ctx.spawn(self.executor.send(RunTool(request)).into_actor(self).map(
                move |result, bridge, ctx| {
                    bridge.runs_in_flight -= 1;
                    match result {
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
                    }
                    bridge.stop_if_idle(ctx);
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

    /// Asks the LLM extractor for a commitment's details, off the actor thread, then decides
    /// with what the transcript supports of its answer; on any failure (error status, timeout,
    /// an answer that is not the schema's JSON) the rules' details decide instead.
    fn extract(&mut self, commitment: Commitment, ctx: &mut Context<Self>) {
        let Some(client) = self.llm.clone() else {
            let actions = self.state.decide(commitment.kind, commitment.rules);
            return self.act(actions, ctx);
        };
        if let Some(older) = self.extracting.take() {
            ctx.cancel_future(older);
            log::info!(
                "call {}: llm extractor: a newer commitment supersedes the one in flight",
                self.call_sid
            );
        }
        let request = llm_extractor::request(
            commitment.kind,
            &commitment.transcript,
            self.state.context(),
        );
        let messages = [
            ChatMessage::system(request.system),
            ChatMessage::user(request.user),
        ];
        let started = std::time::Instant::now();
        let answer = async move {
            client
                .structured(&messages, &request.response_format)
                .await
                .map_err(|e| e.to_string())
                .and_then(|text| llm_extractor::parse_answer(&text))
        };
        let handle = ctx.spawn(answer.into_actor(self).map(move |answer, bridge, ctx| {
            bridge.extracting = None;
            let ms = started.elapsed().as_millis();
            let Commitment {
                kind,
                transcript,
                rules,
            } = commitment;
            let (extractor, note, details) = match answer {
                Ok(answer) => {
                    let checked =
                        llm_extractor::check(&answer, kind, &transcript, bridge.state.context());
                    let unsupported = if checked.unsupported.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; not in the transcript, so left out: {}",
                            checked.unsupported.join(", ")
                        )
                    };
                    log::info!(
                        "call {}: llm extractor answered in {ms} ms{unsupported}",
                        bridge.call_sid
                    );
                    let note = format!("details read by the llm extractor{unsupported}");
                    ("llm", note, checked.details)
                }
                Err(e) => {
                    log::warn!(
                        "call {}: llm extractor failed after {ms} ms, the rules decide: {e}",
                        bridge.call_sid
                    );
                    let note = format!("details read by the rules (llm extractor failed: {e})");
                    ("rules", note, rules)
                }
            };
            bridge
                .supervisor
                .do_send(BridgeEvent::Extracted { extractor, note });
            let actions = bridge.state.decide(kind, details);
            bridge.act(actions, ctx);
            bridge.stop_if_idle(ctx);
        }));
        self.extracting = Some(handle);
    }

    /// Stops once the call has ended and nothing it asked for is still on its way.
    fn stop_if_idle(&self, ctx: &mut Context<Self>) {
        if self.stopping && self.extracting.is_none() && self.runs_in_flight == 0 {
            ctx.stop();
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

    /// Stops once what the last turn asked for is done: a booking committed to just before
    /// hang-up is still extracted and run (actix drops a message whose sender stopped waiting
    /// for its answer, so stopping at once would lose it). [`SHUTDOWN_GRACE`] bounds the wait.
    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        self.stopping = true;
        if let Some(timer) = self.pause_timer.take() {
            ctx.cancel_future(timer);
        }
        ctx.run_later(SHUTDOWN_GRACE, |bridge, ctx| {
            log::warn!(
                "call {}: tool bridge stopped with work still in flight",
                bridge.call_sid
            );
            ctx.stop();
        });
        self.stop_if_idle(ctx);
    }
}
