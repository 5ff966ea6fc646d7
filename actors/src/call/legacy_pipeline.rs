//! `LegacyPipeline`: VAD → speech-to-text → LLM with tools → speech, when PersonaPlex cannot serve.

use std::collections::VecDeque;
use std::sync::Arc;

use actix::prelude::*;

use super::announcer::Announcer;
use super::booking_executor::{BookingExecutor, RunTool};
use super::messages::{
    Announce, AnnouncementDone, CallerPcm, MediaCommand, Shutdown, StopSpeaking,
};
use crate::booking::business::Business;
use crate::legacy::{
    parse_tool_call, tool_schemas, Completion, Conversation, Handover, LegacyError, LlmClient,
    LlmConfig, SttClient, SttConfig, ToolAction, Vad, VadConfig, VadEvent,
};

/// Tool rounds one caller turn may take before the model must answer in words.
const MAX_TOOL_ROUNDS: usize = 4;

/// The endpoints and tuning of the legacy pipeline; `None` in the call settings when it is
/// not configured.
#[derive(Debug, Clone)]
pub struct LegacySettings {
    pub stt: SttConfig,
    pub llm: LlmConfig,
    pub vad: VadConfig,
}

/// The legacy pipeline failed (an endpoint is down or too slow): the call needs voicemail.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct LegacyFailed(pub String);

/// The classic voice-agent loop, as a fallback that can take a call over mid-call.
///
/// It listens to the caller's PCM with a VAD; each finished utterance is transcribed, added to
/// the conversation (which starts from what the PersonaPlex part of the call established),
/// and answered by the LLM, which may call the same booking tools through the call's
/// `BookingExecutor`; the answer is spoken by the call's `Announcer`. Caller speech while the
/// answer plays is barge-in: the answer stops and SignalWire's queue is cleared. Any endpoint
/// failing is reported so the supervisor can send the caller to voicemail rather than silence.
pub struct LegacyPipeline {
    call_sid: String,
    rate: u32,
    business: Arc<Business>,
    stt: SttClient,
    llm: LlmClient,
    vad: Vad,
    /// Taken out while a turn runs (the turn is an async task) and put back after.
    conversation: Option<Conversation>,
    /// Utterances waiting for the turn in progress.
    waiting: VecDeque<Vec<i16>>,
    executor: Addr<BookingExecutor>,
    announcer: Addr<Announcer>,
    media: Recipient<MediaCommand>,
    supervisor: Recipient<LegacyFailed>,
    /// Our answer is playing (barge-in stops it).
    speaking: bool,
    failed: bool,
    /// Taking over a call in progress (the first words differ).
    handover: bool,
}

/// What the pipeline needs from the call.
pub struct LegacyParts {
    pub call_sid: String,
    pub rate: u32,
    pub business: Arc<Business>,
    pub settings: Arc<LegacySettings>,
    pub handover: Option<Handover>,
    pub executor: Addr<BookingExecutor>,
    pub announcer: Addr<Announcer>,
    pub media: Recipient<MediaCommand>,
    pub supervisor: Recipient<LegacyFailed>,
}

impl LegacyPipeline {
    pub fn new(parts: LegacyParts) -> Self {
        let handover = parts.handover.is_some();
        let conversation = Conversation::new(&parts.business, parts.handover);
        LegacyPipeline {
            call_sid: parts.call_sid,
            rate: parts.rate,
            stt: SttClient::new(parts.settings.stt.clone()),
            llm: LlmClient::new(parts.settings.llm.clone()),
            vad: Vad::new(parts.settings.vad, parts.rate),
            business: parts.business,
            conversation: Some(conversation),
            waiting: VecDeque::new(),
            executor: parts.executor,
            announcer: parts.announcer,
            media: parts.media,
            supervisor: parts.supervisor,
            speaking: false,
            failed: false,
            handover,
        }
    }

    fn say(&mut self, text: String, ctx: &mut Context<Self>) {
        self.speaking = true;
        self.announcer
            .do_send(Announce::say(text).notify(ctx.address().recipient()));
    }

    /// Runs one caller turn: transcribe, ask the model (running its tool calls), answer.
    fn next_turn(&mut self, ctx: &mut Context<Self>) {
        if self.failed {
            return;
        }
        let Some(mut conversation) = self.conversation.take() else {
            return;
        };
        let Some(utterance) = self.waiting.pop_front() else {
            self.conversation = Some(conversation);
            return;
        };
        let (stt, llm, rate) = (self.stt.clone(), self.llm.clone(), self.rate);
        let (business, executor, call_sid) = (
            self.business.clone(),
            self.executor.clone(),
            self.call_sid.clone(),
        );
        let turn = async move {
            let result = take_turn(
                &mut conversation,
                &stt,
                &llm,
                &business,
                &executor,
                &utterance,
                rate,
                &call_sid,
            )
            .await;
            (conversation, result)
        };
        ctx.spawn(
            turn.into_actor(self)
                .map(|(conversation, result), me, ctx| {
                    me.conversation = Some(conversation);
                    match result {
                        Ok(Some(answer)) => me.say(answer, ctx),
                        Ok(None) => {}
                        Err(e) => {
                            me.failed = true;
                            log::warn!("call {}: legacy pipeline failed: {e}", me.call_sid);
                            me.supervisor.do_send(LegacyFailed(e.to_string()));
                            return;
                        }
                    }
                    me.next_turn(ctx);
                }),
        );
    }
}

/// One turn; `Ok(None)` when the caller said nothing intelligible.
#[allow(clippy::too_many_arguments)]
async fn take_turn(
    conversation: &mut Conversation,
    stt: &SttClient,
    llm: &LlmClient,
    business: &Business,
    executor: &Addr<BookingExecutor>,
    utterance: &[i16],
    rate: u32,
    call_sid: &str,
) -> Result<Option<String>, LegacyError> {
    let heard = stt.transcribe(utterance, rate).await?;
    if heard.trim().is_empty() {
        return Ok(None);
    }
    log::info!(
        "call {call_sid}: caller said {} words",
        heard.split_whitespace().count()
    );
    conversation.user_said(&heard);
    let tools = tool_schemas(business);
    for _ in 0..MAX_TOOL_ROUNDS {
        match llm.complete(conversation.messages(), &tools).await? {
            Completion::Text(text) => {
                conversation.assistant_said(&text);
                return Ok(Some(text));
            }
            Completion::ToolCalls(calls) => {
                conversation.assistant_called(&calls);
                for call in &calls {
                    let result = match parse_tool_call(call, business) {
                        Ok(ToolAction::Run(request)) => match executor.send(RunTool(request)).await
                        {
                            Ok(report) => report.sentence,
                            Err(e) => format!("Error: the booking system is unavailable ({e})"),
                        },
                        Ok(ToolAction::Reply(text)) => text,
                        Err(e) => format!("Error: {e}"),
                    };
                    conversation.tool_result(&call.id, &result);
                }
            }
        }
    }
    Ok(Some(
        "Sorry, I'm having trouble with that. Could you say it again?".into(),
    ))
}

impl Actor for LegacyPipeline {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        log::info!("call {}: legacy pipeline answering", self.call_sid);
        let greeting = if self.handover {
            "Sorry about the wait, I'm back with you. Where were we?".to_string()
        } else {
            format!(
                "Thanks for calling {}, this is {}. How can I help?",
                self.business.name, self.business.agent_name
            )
        };
        self.say(greeting, ctx);
    }
}

impl Handler<CallerPcm> for LegacyPipeline {
    type Result = ();

    fn handle(&mut self, CallerPcm(pcm): CallerPcm, ctx: &mut Context<Self>) {
        match self.vad.push(&pcm) {
            Some(VadEvent::SpeechStarted) if self.speaking => {
                // Barge-in: the caller talks over our answer. Stop it here and in
                // SignalWire's queue, which may still hold what was already sent.
                self.speaking = false;
                self.announcer.do_send(StopSpeaking);
                self.media.do_send(MediaCommand::Clear);
            }
            Some(VadEvent::UtteranceEnded(utterance)) => {
                self.waiting.push_back(utterance);
                self.next_turn(ctx);
            }
            _ => {}
        }
    }
}

impl Handler<AnnouncementDone> for LegacyPipeline {
    type Result = ();

    fn handle(&mut self, _: AnnouncementDone, _ctx: &mut Context<Self>) {
        self.speaking = false;
    }
}

impl Handler<Shutdown> for LegacyPipeline {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}
