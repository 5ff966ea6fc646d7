//! What the receptionist model has been told and has said in one call: the chat history sent
//! with every completion request. Pure: no I/O, and the clock only in [`Conversation::new`].

use jiff::civil::Date;

use super::llm::{ChatMessage, ToolCall};
use super::tools::{BOOK_APPOINTMENT, CHECK_AVAILABILITY, RESCHEDULE_APPOINTMENT};
use crate::booking::business::Business;
use crate::booking::sentences::spoken_date;

/// At most this many characters of the PersonaPlex transcript go into the prompt (its end: the
/// latest exchanges matter most). About 1500 tokens; a whole phone call rarely needs more.
const MAX_TRANSCRIPT_CHARS: usize = 6000;

/// What the PersonaPlex part of the call established, for a model taking over mid-call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handover {
    /// The conversation so far, one turn a line ("Caller: ...", "Agent: ...").
    pub transcript: String,
    /// Short facts, one each: "caller name: John Smith", "booked: Tuesday March 3rd at 3 PM".
    pub facts: Vec<String>,
}

/// The chat history of one call, kept valid for the Chat Completions API.
///
/// Exists so the pipeline cannot send a history the API refuses: every `tool_calls` message is
/// followed by exactly the `tool` messages answering it before anything else. What the caller
/// says while tools are still running is held and appended once the last result is in;
/// consecutive caller (or agent) texts are merged into one message, because many open models'
/// chat templates refuse two user messages in a row.
#[derive(Debug, Clone)]
pub struct Conversation {
    messages: Vec<ChatMessage>,
    /// Ids of the last `tool_calls` message not answered yet, in call order.
    pending: Vec<String>,
    /// Caller texts heard while calls were pending.
    held: Vec<String>,
}

impl Conversation {
    /// A conversation with the system prompt for `business` (today's date taken in the
    /// business's time zone) and, when the call is handed over mid-call, what is known.
    pub fn new(business: &Business, handover: Option<Handover>) -> Self {
        let today = jiff::Timestamp::now()
            .to_zoned_datetime(business.tz())
            .date();
        Self::new_on(business, handover, today)
    }

    /// [`new`](Self::new) with today's date given (tests, replays).
    pub fn new_on(business: &Business, handover: Option<Handover>, today: Date) -> Self {
        Self {
            messages: vec![ChatMessage::system(system_prompt(
                business,
                handover.as_ref(),
                today,
            ))],
            pending: Vec::new(),
            held: Vec::new(),
        }
    }

    /// The caller said `text` (a transcript). Blank text is ignored.
    pub fn user_said(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if self.pending.is_empty() {
            self.push_user(text);
        } else {
            self.held.push(text.to_owned());
        }
    }

    /// The whole history, system prompt first: the `messages` of the next request.
    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    /// The agent said `text` (what the model answered, or the part the caller heard before
    /// barging in). Blank text is ignored. Call only when no tool calls are pending.
    pub fn assistant_said(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if !self.pending.is_empty() {
            log::warn!(
                "legacy conversation: agent text while tool calls {:?} await results; the next request will be refused",
                self.pending
            );
        }
        if let Some(ChatMessage::Assistant {
            content: Some(previous),
            tool_calls,
        }) = self.messages.last_mut()
        {
            if tool_calls.is_empty() {
                previous.push(' ');
                previous.push_str(text);
                return;
            }
        }
        self.messages.push(ChatMessage::assistant(text));
    }

    /// The model called these tools; each needs a [`tool_result`](Self::tool_result) before
    /// the next request.
    pub fn assistant_called(&mut self, calls: &[ToolCall]) {
        if calls.is_empty() {
            return;
        }
        self.messages.push(ChatMessage::assistant_calls(calls));
        self.pending = calls.iter().map(|c| c.id.clone()).collect();
    }

    /// The result of the pending call `call_id` (a tool report's sentence, or an error message
    /// for the model). A result for a call that is not pending is dropped with a warning: the
    /// API refuses a `tool` message that answers nothing.
    pub fn tool_result(&mut self, call_id: &str, result: &str) {
        let Some(i) = self.pending.iter().position(|id| id == call_id) else {
            log::warn!("legacy conversation: result for unknown tool call {call_id:?} dropped");
            return;
        };
        self.pending.remove(i);
        self.messages.push(ChatMessage::tool(call_id, result));
        if self.pending.is_empty() {
            for text in std::mem::take(&mut self.held) {
                self.push_user(&text);
            }
        }
    }

    /// Ids of the tool calls still waiting for a result. Empty means the history can be sent.
    pub fn pending_tool_calls(&self) -> &[String] {
        &self.pending
    }

    fn push_user(&mut self, text: &str) {
        if let Some(ChatMessage::User { content }) = self.messages.last_mut() {
            content.push(' ');
            content.push_str(text);
        } else {
            self.messages.push(ChatMessage::user(text));
        }
    }
}

/// The system prompt: the business as in [`Business::text_prompt`] (same facts: services and
/// prices, area, hours, visit length), but with the tools instead of PersonaPlex's spoken
/// booking phrase, today's date so the model can turn "next Tuesday" into `YYYY-MM-DD`, rules
/// for text that will be spoken, and the handover when there is one.
fn system_prompt(business: &Business, handover: Option<&Handover>, today: Date) -> String {
    let services: Vec<String> = business
        .services
        .iter()
        .map(|s| format!("{} {}", s.name, s.price))
        .collect();
    let mut p = format!(
        "You are {agent}, the receptionist at {name}, answering a phone call. \
         Services: {services}. Area: {area}. Hours: {hours}. Visits take {mins} minutes. \
         Today is {spoken_today} ({today}); all dates and times are local ({tz}).\n\
         Everything you write is spoken to the caller: reply in one or two short sentences of \
         plain speech, no lists, markdown or emoji; say times like \"3 PM\" and dates like \
         \"Tuesday March 3rd\". Be brief and warm.\n\
         Before offering or promising a time, call {check}. To book, get the caller's name, \
         phone number, street address, what the problem is (the service, if it is one of \
         ours), and the date and time, and ask for an email if they want a confirmation. \
         Read the details back; once the caller confirms, call {book}, with the email if they \
         gave one (that sends the confirmation). If the caller then corrects a detail, call \
         {book} again with the corrected details: it replaces the booking. To move an \
         appointment booked on an earlier call, get the name and phone number it was booked \
         under and the new date and time, and call {reschedule}. Tool dates are YYYY-MM-DD \
         and times HH:MM on a 24-hour clock. Never say a time is free, booked or emailed \
         unless a tool result says so, and tell the caller what it says. If a tool result \
         starts with \"Error\", correct the call or ask the caller.",
        agent = business.agent_name,
        name = business.name,
        services = services.join(", "),
        area = business.service_area,
        hours = business.hours.summary(),
        mins = business.appointment_minutes,
        spoken_today = spoken_date(today),
        tz = business.time_zone,
        check = CHECK_AVAILABILITY,
        book = BOOK_APPOINTMENT,
        reschedule = RESCHEDULE_APPOINTMENT,
    );
    if let Some(h) = handover {
        p.push_str(
            "\nYou are taking over this call mid-way from a colleague: do not greet the caller \
             or introduce yourself again, do not ask again for anything already known, and \
             carry on from where the conversation stopped. Never book again what is already \
             booked.",
        );
        let facts: Vec<&str> = h
            .facts
            .iter()
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
            .collect();
        if !facts.is_empty() {
            p.push_str("\nAlready known: ");
            p.push_str(&facts.join("; "));
            p.push('.');
        }
        let transcript = tail(h.transcript.trim(), MAX_TRANSCRIPT_CHARS);
        if !transcript.is_empty() {
            p.push_str("\nThe conversation so far:\n");
            p.push_str(&transcript);
        }
    }
    p
}

/// The last `max` characters of `text`, starting at a line when it has to be cut.
fn tail(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().skip(count - max).collect();
    let from_line = match cut.find('\n') {
        Some(i) if i + 1 < cut.len() => &cut[i + 1..],
        _ => cut.as_str(),
    };
    format!("…\n{from_line}")
}

#[cfg(test)]
#[path = "conversation_tests.rs"]
mod tests;
