//! The phrases that show the agent committing to an action, as data.
//!
//! Kept apart from the matching code so that tuning what triggers a tool call is an edit to a
//! table, reviewed on its own, not a change to control flow. The pattern language is described
//! in [`super::pattern`].

use super::intent::Intent;

/// One phrase family that signals an intent.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub intent: Intent,
    pub pattern: &'static str,
}

/// Named phrase groups shared by the rules. `""` makes a group optional.
#[rustfmt::skip]
pub const GROUPS: &[(&str, &[&str])] = &[
    // The agent speaking about what it is about to do itself, now: not an offer ("I can"),
    // not a question ("would you like me to").
    ("commit", &[
        "let me", "lemme", "let me just", "i'll", "i will", "i'll just", "i'm going to", "i am going to",
        "i'm gonna", "i'm just going to", "let's", "we'll", "we will",
    ]),
    ("ahead", &["", "go ahead and", "just", "quickly", "now", "also"]),
    ("done_ahead", &["", "gone ahead and", "just", "now", "already"]),
    ("obj", &[
        "that", "this", "it", "you", "that appointment", "the appointment", "your appointment",
        "that booking", "the booking", "everything", "that visit", "the visit", "you all",
    ]),
    ("schedule", &["schedule", "calendar", "availability", "books", "system"]),
    ("i_am", &["i'm", "i am"]), ("i_have", &["i've", "i have"]),
    ("you_are", &["you're", "you are"]),
];

/// Every trigger phrase. Order does not matter: each intent is reported once per sentence.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // Booking: "let me book that for you", "I'll get that scheduled", "I'm booking that now",
    // "let me put you down for ...", and after-the-fact claims ("you're all booked"), which
    // the caller now believes, so the booking must really happen.
    Rule { intent: Intent::Book, pattern: "{commit} {ahead} book|schedule|reserve" },
    Rule { intent: Intent::Book, pattern: "{commit} {ahead} get|have {obj} booked|scheduled|reserved|confirmed|locked" },
    Rule { intent: Intent::Book, pattern: "{commit} {ahead} get {obj} on the {schedule}" },
    Rule { intent: Intent::Book, pattern: "{commit} {ahead} put|pencil|lock|slot you|that|this|it down|in" },
    Rule { intent: Intent::Book, pattern: "{commit} {ahead} add you|that|this|it to the {schedule}" },
    Rule { intent: Intent::Book, pattern: "{commit} {ahead} set {obj} up" },
    Rule { intent: Intent::Book, pattern: "{i_am} {ahead} booking|scheduling|reserving" },
    Rule { intent: Intent::Book, pattern: "booking|scheduling {obj} now|in" },
    Rule { intent: Intent::Book, pattern: "{i_have} {done_ahead} booked|scheduled|reserved" },
    Rule { intent: Intent::Book, pattern: "{you_are} all|now? booked|scheduled|confirmed" },
    // Availability: looking something up before offering it.
    Rule { intent: Intent::CheckAvailability, pattern: "{commit} {ahead} double? check" },
    Rule { intent: Intent::CheckAvailability, pattern: "{commit} {ahead} see|look if|whether|what|when" },
    Rule { intent: Intent::CheckAvailability, pattern: "{commit} {ahead} look|pull at|up? the|our? {schedule}" },
    Rule { intent: Intent::CheckAvailability, pattern: "checking the|our? {schedule}" },
    Rule { intent: Intent::CheckAvailability, pattern: "while i check|look" },
    // Cancelling an existing appointment.
    Rule { intent: Intent::Cancel, pattern: "{commit} {ahead} cancel" },
    Rule { intent: Intent::Cancel, pattern: "{i_am} {ahead} cancelling|canceling" },
    Rule { intent: Intent::Cancel, pattern: "{i_have} {done_ahead} cancelled|canceled" },
    Rule { intent: Intent::Cancel, pattern: "appointment|booking|that|it is|has been? cancelled|canceled" },
    Rule { intent: Intent::Cancel, pattern: "that's|it's now? cancelled|canceled" },
];

/// Words that make a commitment conditional or negative anywhere in the sentence: "before I
/// book that...", "I'll book it once I have your address", "I won't book anything". A
/// sentence with one of these commits to nothing; a missed booking is cheaper than a wrong
/// one, and the agent's next sentence usually commits plainly.
#[rustfmt::skip]
pub const CONDITIONS: &[&str] = &[
    "before", "once", "if", "unless", "until", "as soon as", "after i", "after we", "when i",
    "when we", "can't", "cannot", "couldn't", "won't", "unable", "not able", "instead of",
    "rather than", "don't want", "no longer",
];

#[cfg(test)]
mod tests {
    use super::super::pattern::Pattern;
    use super::*;

    #[test]
    fn every_rule_compiles() {
        for rule in RULES {
            Pattern::compile(rule.pattern, GROUPS);
        }
        for condition in CONDITIONS {
            let words: Vec<&str> = condition.split(' ').collect();
            assert_eq!(
                Pattern::compile(condition, GROUPS).find(&words),
                Some((0, words.len()))
            );
        }
    }
}
