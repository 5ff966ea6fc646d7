//! Noticing, in one sentence of the agent's, that it commits to an action.

use std::sync::LazyLock;

use jiff::civil::{Date, Time};

use super::pattern::Pattern;
use super::rules::{
    BLOCK_ANYWHERE, BLOCK_BEFORE, GLAD, GROUPS, IF_ASIDE, IF_WHETHER, NOT_AN_OFFER, RULES,
    SLOT_WORDS, STATE_RULES, UNAVAILABLE,
};
use super::words::Sentence;

/// The actions the agent can commit to in words. PersonaPlex cannot call tools, so these are
/// what the ToolBridge turns into real tool calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    CheckAvailability,
    Book,
    /// Moving an appointment to another time ("I'll move your visit to Friday").
    Reschedule,
    /// Amending something already booked ("I've corrected it", "updated"): a commitment only
    /// when the call holds a booking.
    Update,
    Cancel,
}

/// How far before a commitment an offer or refusal word still governs it ("I'd be happy to
/// go ahead and book that"): about a clause.
const BLOCK_WINDOW: usize = 6;

/// How far after a commitment an "if" still governs it ("I'll book you in for Tuesday if that
/// works for you"); further on it belongs to another clause.
const IF_REACH: usize = 8;

/// The rule and blocker tables compiled once for the process.
struct Compiled {
    rules: Vec<(Intent, Pattern)>,
    state_rules: Vec<Pattern>,
    unavailable: Vec<Pattern>,
    anywhere: Vec<Pattern>,
    before: Vec<Pattern>,
    if_aside: Vec<Pattern>,
    not_an_offer: Vec<Pattern>,
}

fn compile(table: &[&str]) -> Vec<Pattern> {
    table.iter().map(|p| Pattern::compile(p, GROUPS)).collect()
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| Compiled {
    rules: RULES
        .iter()
        .map(|r| (r.intent, Pattern::compile(r.pattern, GROUPS)))
        .collect(),
    state_rules: compile(STATE_RULES),
    unavailable: compile(UNAVAILABLE),
    anywhere: compile(BLOCK_ANYWHERE),
    before: compile(BLOCK_BEFORE),
    if_aside: compile(IF_ASIDE),
    not_an_offer: compile(NOT_AN_OFFER),
});

/// Whether a commitment found at `start..end` is undone by the words around it: a condition
/// anywhere, an offer or refusal shortly before it, or an "if" after it that is not an aside.
fn blocked(words: &[&str], start: usize, end: usize) -> bool {
    let c = &*COMPILED;
    // A condition before the commitment, or after it in the same clause: "I'll book it once I
    // have your address" is conditional; "I've cancelled Wednesday and paused the cleaning
    // until you call us" is not (the condition belongs to the second clause).
    let clause_end = (end..words.len())
        .find(|&i| matches!(words[i], "and" | "but" | "then" | "so" | "also"))
        .unwrap_or(words.len());
    let scope = &words[..clause_end];
    if c.anywhere.iter().any(|p| p.find(scope).is_some()) {
        return true;
    }
    let window = &words[start.saturating_sub(BLOCK_WINDOW)..start];
    let offer_free = c.not_an_offer.iter().any(|p| p.find(window).is_some());
    if !offer_free && c.before.iter().any(|p| p.find(window).is_some()) {
        return true;
    }
    // "If the crew thinks it's a one-day job, I'll schedule you": an "if" clause before the
    // commitment conditions it however long the clause.
    if words[..start]
        .iter()
        .enumerate()
        .any(|(i, w)| *w == "if" && (i == 0 || !IF_WHETHER.contains(&words[i - 1])))
    {
        return true;
    }
    // An "if" soon after the commitment makes it conditional, unless it means "whether"
    // ("check if") or opens an aside ("if anything changes").
    words[end..]
        .iter()
        .enumerate()
        .take(IF_REACH)
        .any(|(k, w)| {
            let at = end + k;
            *w == "if" && !IF_WHETHER.contains(&words[at - 1]) && {
                let rest = &words[at + 1..];
                !c.if_aside
                    .iter()
                    .any(|p| p.find(rest).is_some_and(|(s, _)| s == 0))
            }
        })
}

/// Where a question's final tag starts ("…, is that alright?", "…, okay?"), if the question is
/// only a tag after a statement.
fn tag_question(s: &Sentence) -> Option<usize> {
    const TAGS: &[&[&str]] = &[
        &["is", "that", "alright"],
        &["is", "that", "all", "right"],
        &["is", "that", "okay"],
        &["is", "that", "ok"],
        &["is", "that", "right"],
        &["is", "that", "correct"],
        &["is", "that", "good"],
        &["is", "that", "fine"],
        &["okay"],
        &["ok"],
        &["alright"],
        &["right"],
        &["all", "right"],
        &["sound", "good"],
        &["sounds", "good"],
        &["that", "work"],
        &["that", "okay"],
        &["does", "that", "work"],
        &["ok", "with", "you"],
        &["okay", "with", "you"],
        &["yes"],
        &["yeah"],
        &["good"],
    ];
    let n = s.words.len();
    // The tag is the clause after the last pause before the end.
    let start = (0..n.saturating_sub(1))
        .rev()
        .find(|&i| s.words[i].pause_after)
        .map(|i| i + 1)?;
    let tag: Vec<&str> = s.words[start..].iter().map(|w| w.lower.as_str()).collect();
    TAGS.iter().any(|t| tag == *t).then_some(start)
}

/// Where a sentence says the caller's appointment *is* booked ("the repair is scheduled for
/// Thursday"), if it does: see [`STATE_RULES`].
fn booked_state(words: &[&str]) -> Option<usize> {
    let c = &*COMPILED;
    if c.unavailable.iter().any(|p| p.find(words).is_some()) {
        return None;
    }
    c.state_rules.iter().find_map(|p| {
        let (start, end) = p.find(words)?;
        // In "X is booked", X names what is booked: a time is a slot being taken.
        let bare_verb = matches!(words[start], "is" | "are" | "has" | "have");
        let subject = start.checked_sub(1).map(|i| words[i]).filter(|_| bare_verb);
        let glad = words.first().is_some_and(|w| GLAD.contains(w));
        let about_a_slot = bare_verb
            && !glad
            && subject.is_none_or(|w| {
                SLOT_WORDS.contains(&w) || w.chars().next().is_some_and(|c| c.is_ascii_digit())
            });
        (!about_a_slot && !blocked(words, start, end)).then_some(start)
    })
}

/// "Luna's all set", "the Outback's booked": a name's state.
fn possessive_state(words: &[&str]) -> Option<usize> {
    const STATES: &[&[&str]] = &[
        &["all", "set"],
        &["booked"],
        &["scheduled"],
        &["confirmed"],
        &["all", "booked"],
        &["on", "the", "schedule"],
        &["on", "the", "calendar"],
    ];
    let at = (0..words.len()).find(|&i| {
        words[i].ends_with("'s")
            && words[i].len() > 3
            && STATES.iter().any(|s| words[i + 1..].starts_with(s))
    })?;
    (!blocked(words, at, at + 2) && !COMPILED.unavailable.iter().any(|p| p.find(words).is_some()))
        .then_some(at)
}

/// The intents a sentence commits to, in the order they are said, each at most once.
///
/// Questions commit to nothing ("would you like me to book that?"). Booking, moving and
/// cancelling also need an unblocked sentence (see [`blocked`]); checking availability is
/// read-only and harmless, so "let me check if Tuesday is open" counts despite its "if".
pub fn detect(sentence: &Sentence) -> Vec<Intent> {
    let mut words = sentence.lower();
    if sentence.question {
        // "I've moved you to a quarter to four, is that alright?": a statement with a tag
        // question stays a statement; any other question commits to nothing.
        match tag_question(sentence) {
            Some(start) => words.truncate(start),
            None => return Vec::new(),
        }
    }
    let mut found: Vec<(usize, Intent)> = Vec::new();
    for (intent, pattern) in &COMPILED.rules {
        let Some((start, end)) = pattern.find(&words) else {
            continue;
        };
        if *intent != Intent::CheckAvailability && blocked(&words, start, end) {
            continue;
        }
        match found.iter_mut().find(|(_, i)| i == intent) {
            Some(entry) => entry.0 = entry.0.min(start),
            None => found.push((start, *intent)),
        }
    }
    if !found.iter().any(|(_, i)| *i == Intent::Book) {
        if let Some(start) = booked_state(&words).or_else(|| possessive_state(&words)) {
            found.push((start, Intent::Book));
        }
    }
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().map(|(_, intent)| intent).collect()
}

/// A confirmation without a verb: after the caller took the slot offered, the agent says it
/// back glad and plain: "Great, Katherine Kowalczyk, Thursday at three.", "Okay, Eleni, safe
/// opening, Friday at noon." A statement (not a question), opening with an acknowledgement,
/// naming both the day and the time, and neither offering nor asking ("I have Thursday at three
/// open", "I can do", "how about"). It stands only if nothing later in the turn asks a question.
pub fn restates_the_slot(s: &Sentence, (date, time): (Option<Date>, Option<Time>)) -> bool {
    #[rustfmt::skip]
    const ACKNOWLEDGED: &[&str] = &[
        "great", "perfect", "okay", "ok", "alright", "wonderful", "excellent", "lovely", "good",
        "awesome", "fantastic", "right", "super", "brilliant", "sounds", "done", "thank",
        "thanks",
    ];
    #[rustfmt::skip]
    const OFFERING: &[&str] = &[
        "open", "available", "free", "can", "could", "have", "has", "how", "about", "would",
        "works", "work", "suit", "suits", "or", "either", "options", "option", "earliest",
        "next", "only", "soonest", "if", "until", "before", "after", "between", "not", "no",
        "sorry", "unfortunately", "closed", "full", "taken", "need", "want", "let", "check",
    ];
    if s.question || date.is_none() || time.is_none() {
        return false;
    }
    let words = s.lower();
    let see_you = words.windows(2).any(|w| w == ["see", "you"]);
    let glad = words.first().is_some_and(|w| ACKNOWLEDGED.contains(w)) || see_you;
    glad && !words.iter().any(|w| OFFERING.contains(w))
}

#[cfg(test)]
#[path = "intent_tests.rs"]
mod tests;
