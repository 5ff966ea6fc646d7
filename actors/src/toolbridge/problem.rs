//! The caller's problem as the agent summarises it: "sorry to hear the water heater is making
//! noise", "a leak under the sink, we can fix that".
//!
//! Callers describe what is wrong far more often than they name a service, so the booking keeps
//! the agent's own summary for the technician, the confirmation email and the admin page. The
//! summary is the clause (between pauses) that holds a word of trouble or one of the business's
//! service words, with the courtesy words in front of it taken off.

use super::facts::Field;
use super::words::Sentence;

/// Words that say something is wrong.
#[rustfmt::skip]
const TROUBLE: &[&str] = &[
    "leak", "leaks", "leaking", "leaky", "clog", "clogged", "blocked", "backed", "broken", "broke",
    "stopped", "won't", "doesn't", "isn't", "not working", "noise", "noisy", "making a", "smell",
    "smells", "flooding", "flooded", "burst", "dripping", "drip", "tripping", "tripped",
    "flickering", "sparking", "sparks", "cracked", "chipped", "stuck", "jammed", "pain", "ache",
    "toothache", "hurts", "sore", "infestation", "ants", "mice", "rats", "roaches", "termites",
    "wasps", "bees", "bed bugs", "overgrown", "dead", "died", "no heat", "no hot water",
    "not cooling", "not heating", "keeps", "rattling", "squeaking", "grinding", "overflowing",
    "frozen", "locked out", "damaged", "damage", "falling", "loud", "vomiting", "limping",
    "itching", "scratching", "bleeding", "swollen", "check engine", "flat tire", "dead battery",
    "worn", "faulty", "failing", "failed", "power is out", "went out", "is out", "overheating",
];

/// Courtesy words an agent puts before its summary.
#[rustfmt::skip]
const LEAD: &[&str] = &[
    "oh", "no", "okay", "ok", "alright", "so", "sorry", "to", "hear", "that", "about", "i'm",
    "im", "it", "sounds", "like", "got", "it", "i", "see", "understand", "and", "well", "hmm",
    "right", "sure", "great", "yes", "yeah", "ah", "um", "uh", "we", "can", "definitely",
    "help", "with", "you", "have", "you've", "got", "there's", "there", "is", "for",
];

/// Longest summary kept, in words; longer clauses are cut.
const MAX_WORDS: usize = 14;

const SAID: f32 = 0.9;

/// The problem a sentence summarises, if it does. `service_words` are the business's own
/// service words (a "water heater" is worth noting even without a word of trouble).
pub fn extract(s: &Sentence, service_words: &[String]) -> Option<Field<String>> {
    if s.question || s.words.is_empty() {
        return None;
    }
    // A read-back with a date, a time or numbers in it is about the booking, not the problem.
    let readback = s.words.iter().any(|w| {
        w.text.chars().any(|c| c.is_ascii_digit())
            || super::date::weekday(&w.lower).is_some()
            || matches!(w.lower.as_str(), "tomorrow" | "today" | "am" | "pm")
    });
    if readback {
        return None;
    }
    // Clauses: runs of words between pauses.
    let mut start = 0;
    for end in 1..=s.words.len() {
        if end < s.words.len() && !s.words[end - 1].pause_after {
            continue;
        }
        let clause: Vec<&str> = s.words[start..end]
            .iter()
            .map(|w| w.lower.as_str())
            .collect();
        let trouble = TROUBLE.iter().any(|t| {
            let t: Vec<&str> = t.split(' ').collect();
            clause.windows(t.len()).any(|w| w == t.as_slice())
        });
        let about_service = clause
            .iter()
            .filter(|w| service_words.iter().any(|s| s == *w))
            .count()
            >= 1;
        if trouble && (about_service || clause.len() >= 3) {
            let lead = clause.iter().take_while(|w| LEAD.contains(w)).count();
            let from = start + lead;
            let to = end.min(from + MAX_WORDS);
            if to > from + 1 {
                let text = s.said(from, to);
                return Some(Field::new(text.clone(), SAID, text));
            }
        }
        start = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> Option<String> {
        let services = vec![
            "water".to_string(),
            "heater".to_string(),
            "leak".to_string(),
        ];
        extract(&Sentence::parse(text), &services).map(|f| f.value)
    }

    #[test]
    fn the_agents_summary_without_its_courtesy() {
        assert_eq!(
            problem("Oh no, sorry to hear the water heater is making noise.").as_deref(),
            Some("the water heater is making noise")
        );
        assert_eq!(
            problem("A leak under the sink, we can fix that.").as_deref(),
            Some("A leak under the sink")
        );
        assert_eq!(
            problem("So the dishwasher stopped draining, got it.").as_deref(),
            Some("the dishwasher stopped draining")
        );
    }

    #[test]
    fn read_backs_are_not_problems() {
        assert_eq!(
            problem("I've put you down for the noisy faucet on December 8th at 3 PM."),
            None
        );
    }

    #[test]
    fn questions_and_small_talk_are_not_problems() {
        assert_eq!(problem("What seems to be the problem?"), None);
        assert_eq!(problem("Thanks for calling, how can I help?"), None);
        assert_eq!(problem("Tuesday at 9 works."), None);
    }
}
