//! The optional LLM extractor: an OpenAI-compatible chat model reads the booking details out
//! of the agent's sentences, and every detail it gives is checked against those sentences.
//!
//! Pure, like the rest of the ToolBridge: this file builds the request ([`request`]), reads
//! the model's JSON answer ([`parse_answer`]) and checks it ([`check`]); the
//! `ToolBridge` actor does the HTTP exchange and falls back to the rules when it fails.
//!
//! A model reads context the rules miss, but it also completes what was never said. So nothing
//! it answers is taken on its word:
//! * **name**: every word appears in the transcript (any case), or is spelled there letter by
//!   letter ("S M I T H");
//! * **phone**: its ten digits appear as one digit sequence in a sentence, once spoken digits
//!   are turned into digits ("five five five", "oh", "double five", corrections applied) by
//!   the rules' own reader ([`super::phone::digit_runs`]);
//! * **email**: the address appears in one sentence, spelled out or spoken ("john at example
//!   dot com");
//! * **address**: its house number and every street word appear in one sentence (numbers
//!   written or spoken, "St" or "Street");
//! * **service**: one of the business's services, or its default service;
//! * **problem**: its longer words appear in the transcript;
//! * **date** and **time**: the model also says which words of the agent's gave them
//!   (`date_said`, `time_said`); those words must appear in one sentence (and not be ruled
//!   out, as in "not Thursday"), and the rules' own resolver ([`super::date::extract`],
//!   [`super::time::extract`]) must read them as the same date or time, and be sure of it: a
//!   bare "at three" is as much a guess when a model reads it as when the rules do.
//!
//! A detail that fails its check counts as missing (an optional one is left out), so the
//! booking is decided exactly as the rules' own details would be.

use jiff::civil::{Date, Time};
use serde::Deserialize;
use serde_json::{json, Value};

use super::facts::Candidate;
use super::numbers::{ordinal, spoken_number};
use super::state::CommitmentKind;
use super::words::Sentence;
use super::{address, date, email, phone, time, ExtractionContext, BOOKING_THRESHOLD};
use crate::booking::BookingDetails;

/// `json_schema.name` of the request's `response_format`.
pub const SCHEMA_NAME: &str = "booking_details";

/// The fields of the answer, in the schema's order.
const FIELDS: &[(&str, &str)] = &[
    ("name", "The caller's full name as the agent read it back."),
    ("phone", "The caller's phone number, digits only."),
    (
        "email",
        "The caller's e-mail address, written normally (john@example.com).",
    ),
    (
        "address",
        "House number and street of the job (and unit), as read back; no city, state or zip.",
    ),
    ("service", "Exactly one of the listed services, or null."),
    (
        "problem",
        "The caller's problem in a few of the agent's words.",
    ),
    ("date", "The appointment date, YYYY-MM-DD."),
    ("time", "The appointment time, HH:MM (24-hour)."),
    (
        "date_said",
        "The agent's exact words that gave the date (\"next Tuesday\", \"March 3rd\").",
    ),
    (
        "time_said",
        "The agent's exact words that gave the time (\"3 pm\", \"ten thirty in the morning\").",
    ),
];

/// Longest problem word that may be missing from the transcript ("a", "the", "in").
const PROBLEM_FILLER_LEN: usize = 3;

/// What to send: the two chat messages and the `response_format`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractionRequest {
    pub system: String,
    pub user: String,
    pub response_format: Value,
}

/// The request for one commitment: what to extract and how (system), the call's date and
/// weekday, the business's services and the agent's sentences (user), and a strict JSON schema
/// in which every field is nullable, so the model can say "not said".
pub fn request(
    kind: CommitmentKind,
    transcript: &[String],
    ctx: &ExtractionContext,
) -> ExtractionRequest {
    let system = "You read the agent's side of a phone call to a small business and extract the \
        details of the appointment the agent has just committed to. Use only what the agent said: \
        never guess, complete or invent a value; use null for anything the agent did not say. \
        When the agent corrected a detail, use the corrected one. Dates are YYYY-MM-DD and times \
        HH:MM (24-hour), resolved against today's date; date_said and time_said are the agent's \
        exact words for them. The service is one of the listed services, spelled exactly as \
        listed, or null."
        .to_string();
    let what = match kind {
        CommitmentKind::Book => "a new appointment",
        CommitmentKind::Reschedule => {
            "moving the caller's existing appointment (the address may not be read back)"
        }
    };
    let services: Vec<&str> = ctx.services.iter().map(|s| s.name.as_str()).collect();
    let mut user = format!(
        "Today is {weekday} {today}. The agent committed to {what}.\nServices: {services}.\n\
         The agent's sentences, oldest first:\n",
        weekday = weekday_name(ctx.call_date),
        today = ctx.call_date,
        services = if services.is_empty() {
            "none listed".to_string()
        } else {
            services.join("; ")
        },
    );
    for sentence in transcript {
        user.push_str("- ");
        user.push_str(sentence);
        user.push('\n');
    }
    let properties: serde_json::Map<String, Value> = FIELDS
        .iter()
        .map(|(field, description)| {
            (
                field.to_string(),
                json!({"type": ["string", "null"], "description": description}),
            )
        })
        .collect();
    let required: Vec<&str> = FIELDS.iter().map(|(field, _)| *field).collect();
    ExtractionRequest {
        system,
        user,
        response_format: json!({
            "type": "json_schema",
            "json_schema": {
                "name": SCHEMA_NAME,
                "strict": true,
                "schema": {
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false,
                },
            },
        }),
    }
}

fn weekday_name(date: Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match date.weekday() {
        Monday => "Monday",
        Tuesday => "Tuesday",
        Wednesday => "Wednesday",
        Thursday => "Thursday",
        Friday => "Friday",
        Saturday => "Saturday",
        Sunday => "Sunday",
    }
}

/// What the model answered, before any check. A missing key is null; an empty string too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct LlmAnswer {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub service: Option<String>,
    pub problem: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub date_said: Option<String>,
    pub time_said: Option<String>,
}

/// Reads the model's message content: one JSON object (a Markdown code fence around it, which
/// some servers add despite the schema, is tolerated). The error says what was wrong, without
/// the content (it holds the caller's details).
pub fn parse_answer(content: &str) -> Result<LlmAnswer, String> {
    let text = content.trim();
    let text = text
        .strip_prefix("```json")
        .or_else(|| text.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .unwrap_or(text)
        .trim();
    let bad =
        |e: &dyn std::fmt::Display| format!("the answer is not the schema's JSON object ({e})");
    let value: Value = serde_json::from_str(text).map_err(|e| bad(&e))?;
    if !value.is_object() {
        return Err(bad(&"not an object"));
    }
    // serde's message would quote the offending value, which may be the caller's number.
    let mut answer: LlmAnswer =
        serde_json::from_value(value).map_err(|_| bad(&"a field is not a string or null"))?;
    for field in [
        &mut answer.name,
        &mut answer.phone,
        &mut answer.email,
        &mut answer.address,
        &mut answer.service,
        &mut answer.problem,
        &mut answer.date,
        &mut answer.time,
        &mut answer.date_said,
        &mut answer.time_said,
    ] {
        if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *field = None;
        }
    }
    Ok(answer)
}

/// The outcome of checking an answer: the details to decide on (or the required fields
/// missing, in the rules' order), and which fields the model gave that the transcript does not
/// support, for the log and the call's notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub details: Result<BookingDetails, Vec<&'static str>>,
    pub unsupported: Vec<&'static str>,
}

/// Checks every field of `answer` against the agent's sentences (see the module doc). The
/// required fields are the rules': name, phone, address (not for a reschedule), date, time.
pub fn check(
    answer: &LlmAnswer,
    kind: CommitmentKind,
    transcript: &[String],
    ctx: &ExtractionContext,
) -> Checked {
    let sentences: Vec<Sentence> = transcript.iter().map(|t| Sentence::parse(t)).collect();
    let mut unsupported = Vec::new();
    let mut verdict = |field: &'static str, given: bool, value: Option<String>| {
        if given && value.is_none() {
            unsupported.push(field);
        }
        value
    };
    fn given(v: &Option<String>) -> bool {
        v.is_some()
    }
    fn text(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim)
    }

    let name = verdict(
        "name",
        given(&answer.name),
        text(&answer.name).and_then(|v| name_supported(v, &sentences)),
    );
    let phone = verdict(
        "phone",
        given(&answer.phone),
        text(&answer.phone).and_then(|v| phone_supported(v, &sentences)),
    );
    let email = verdict(
        "email",
        given(&answer.email),
        text(&answer.email).and_then(|v| email_supported(v, &sentences)),
    );
    let address = verdict(
        "address",
        given(&answer.address),
        text(&answer.address).and_then(|v| address_supported(v, &sentences)),
    );
    let service = verdict(
        "service",
        given(&answer.service),
        text(&answer.service).and_then(|v| service_configured(v, ctx)),
    )
    .unwrap_or_else(|| ctx.default_service.clone());
    let problem = verdict(
        "problem",
        given(&answer.problem),
        text(&answer.problem).and_then(|v| problem_supported(v, &sentences)),
    );
    let date = date_supported(answer, &sentences, ctx);
    verdict("date", given(&answer.date), date.map(|d| d.to_string()));
    let time = time_supported(answer, &sentences, ctx);
    verdict("time", given(&answer.time), time.map(|t| t.to_string()));

    let details = Candidate {
        name,
        phone,
        email,
        address,
        service,
        problem,
        date,
        time,
    }
    .booking(kind == CommitmentKind::Book);
    Checked {
        details,
        unsupported,
    }
}

/// Every word of the name is a word of the transcript, or spelled there letter by letter.
fn name_supported(value: &str, sentences: &[Sentence]) -> Option<String> {
    let wanted = Sentence::parse(value);
    if wanted.words.is_empty() {
        return None;
    }
    let supported = wanted.words.iter().all(|w| {
        sentences
            .iter()
            .any(|s| s.words.iter().any(|x| x.lower == w.lower) || spelled(s).contains(&w.lower))
    });
    supported.then(|| value.to_string())
}

/// The words a sentence spells letter by letter: "S M I T H" (or "S-M-I-T-H") is "smith".
fn spelled(s: &Sentence) -> Vec<String> {
    let mut found = Vec::new();
    let mut run = String::new();
    for w in &s.words {
        let mut chars = w.lower.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_alphabetic() => run.push(c),
            _ if run.chars().count() > 1 => found.push(std::mem::take(&mut run)),
            _ => run.clear(),
        }
    }
    if run.chars().count() > 1 {
        found.push(run);
    }
    found
}

/// A North American number (10 digits, or 11 with the leading 1) whose digits the agent read
/// out in one sequence. The 10 digits are what is booked, with the country code only when the
/// agent said it.
fn phone_supported(value: &str, sentences: &[Sentence]) -> Option<String> {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let core = match digits.len() {
        10 => digits.as_str(),
        11 if digits.starts_with('1') => &digits[1..],
        _ => return None,
    };
    let runs: Vec<String> = sentences.iter().flat_map(phone::digit_runs).collect();
    if digits.len() == 11 && runs.iter().any(|r| r.contains(&digits)) {
        let plus = if value.trim_start().starts_with('+') {
            "+"
        } else {
            ""
        };
        return Some(format!("{plus}{digits}"));
    }
    runs.iter()
        .any(|r| r.contains(core))
        .then(|| core.to_string())
}

/// An address one sentence spells out, written ("john.smith@example.com") or spoken ("john
/// dot smith at example dot com", "j o h n at ...").
fn email_supported(value: &str, sentences: &[Sentence]) -> Option<String> {
    let value = value.to_lowercase();
    let (local, domain) = value.split_once('@')?;
    let well_formed = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !value.contains(char::is_whitespace);
    if !well_formed {
        return None;
    }
    sentences
        .iter()
        .any(|s| spoken_symbols(s).contains(&value))
        .then_some(value)
}

/// A sentence with its words run together and the words for symbols read as the symbols:
/// "john at example dot com" is "john@example.com".
fn spoken_symbols(s: &Sentence) -> String {
    s.words
        .iter()
        .map(|w| match w.lower.as_str() {
            "at" => "@".to_string(),
            lower => match email::separator(lower) {
                Some(symbol) => symbol.to_string(),
                None => lower
                    .chars()
                    .filter(|c| c.is_alphanumeric() || "@._-".contains(*c))
                    .collect(),
            },
        })
        .collect()
}

/// One word of an address, in a form that compares a written address with a spoken one.
#[derive(Debug, PartialEq)]
enum AddressToken {
    /// A number in digits ("42", "42B").
    Number(String),
    /// An ordinal street name ("5th", "fifth").
    Ordinal(u32),
    /// A word, suffixes and unit words in their written form ("st" is "Street").
    Word(String),
}

fn address_token(lower: &str) -> AddressToken {
    if let Some((n, 1)) = ordinal(&[lower]) {
        return AddressToken::Ordinal(n);
    }
    if lower.chars().any(|c| c.is_ascii_digit()) {
        return AddressToken::Number(lower.chars().filter(|c| c.is_alphanumeric()).collect());
    }
    AddressToken::Word(
        address::written_form(lower).map_or_else(|| lower.to_string(), str::to_lowercase),
    )
}

/// An address with a house number first, whose every part appears in one sentence.
fn address_supported(value: &str, sentences: &[Sentence]) -> Option<String> {
    let wanted = Sentence::parse(value);
    let tokens: Vec<AddressToken> = wanted.lower().into_iter().map(address_token).collect();
    if !matches!(tokens.first(), Some(AddressToken::Number(_))) || tokens.len() < 2 {
        return None;
    }
    sentences
        .iter()
        .any(|s| tokens.iter().all(|t| address_token_in(t, s)))
        .then(|| value.to_string())
}

fn address_token_in(token: &AddressToken, s: &Sentence) -> bool {
    let words = s.lower();
    (0..words.len()).any(|i| match token {
        AddressToken::Number(n) => {
            address_token(words[i]) == *token
                || spoken_number(&words[i..]).is_some_and(|(said, _)| said == *n)
        }
        AddressToken::Ordinal(n) => ordinal(&words[i..]).is_some_and(|(said, _)| said == *n),
        AddressToken::Word(_) => address_token(words[i]) == *token,
    })
}

/// The configured spelling of a service the model named (any case), or the default service.
fn service_configured(value: &str, ctx: &ExtractionContext) -> Option<String> {
    ctx.services
        .iter()
        .map(|s| &s.name)
        .chain(std::iter::once(&ctx.default_service))
        .find(|name| name.trim().eq_ignore_ascii_case(value))
        .cloned()
}

/// A summary whose longer words all appear in the transcript.
fn problem_supported(value: &str, sentences: &[Sentence]) -> Option<String> {
    let wanted = Sentence::parse(value);
    let supported = wanted
        .words
        .iter()
        .filter(|w| w.lower.chars().count() > PROBLEM_FILLER_LEN)
        .all(|w| {
            sentences
                .iter()
                .any(|s| s.words.iter().any(|x| x.lower == w.lower))
        });
    (supported && !wanted.words.is_empty()).then(|| value.to_string())
}

/// The words `said`, as a sentence of their own, when they appear in one of the agent's
/// sentences and are not ruled out there ("Friday, not Thursday").
fn said_in(said: Option<&str>, sentences: &[Sentence]) -> Option<Sentence> {
    let phrase = Sentence::parse(said?.trim());
    let wanted = phrase.lower();
    if wanted.is_empty() {
        return None;
    }
    sentences
        .iter()
        .any(|s| {
            let words = s.lower();
            words
                .windows(wanted.len())
                .enumerate()
                .any(|(i, w)| w == wanted.as_slice() && !time::negated(&words, i))
        })
        .then_some(phrase)
}

/// The model's date when the rules read the same date, surely, from the words it says gave it.
fn date_supported(
    answer: &LlmAnswer,
    sentences: &[Sentence],
    ctx: &ExtractionContext,
) -> Option<Date> {
    let value: Date = answer.date.as_deref()?.trim().parse().ok()?;
    let phrase = said_in(answer.date_said.as_deref(), sentences)?;
    let rules = date::extract(&phrase, ctx.call_date)?;
    (rules.value == value && rules.confidence >= BOOKING_THRESHOLD).then_some(value)
}

/// The model's time when the rules read the same time, surely, from the words it says gave it.
fn time_supported(
    answer: &LlmAnswer,
    sentences: &[Sentence],
    ctx: &ExtractionContext,
) -> Option<Time> {
    let value: Time = answer.time.as_deref()?.trim().parse().ok()?;
    let phrase = said_in(answer.time_said.as_deref(), sentences)?;
    let rules = time::extract(&phrase, ctx.hours)?;
    (rules.value == value && rules.confidence >= BOOKING_THRESHOLD).then_some(value)
}

#[cfg(test)]
#[path = "llm_extractor_tests.rs"]
mod tests;
