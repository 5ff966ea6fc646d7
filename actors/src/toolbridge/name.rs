//! The caller's name as the agent reads it back: "so that's John Smith", "I have your name
//! as Maria Garcia", "thank you, John".
//!
//! Decision: a first name alone is never enough to book. It is kept (at a confidence below
//! the threshold) because it may confirm a full name said earlier, but a booking under
//! "John" cannot be found again or told apart from other Johns. A name is one to four
//! capitalised words right after a cue phrase; the agent's own name ("my name is Sarah") has
//! no cue and is ignored.

use std::sync::LazyLock;

use super::address::is_street_suffix;
use super::date::weekday;
use super::facts::Field;
use super::pattern::Pattern;
use super::words::Sentence;

/// "your name as", "down as": the agent is plainly reading the caller's name back.
#[rustfmt::skip]
const STRONG_CUES: &[&str] = &[
    "your|the name is|as", "your|the name's", "name down as", "under the name",
    "booked|booking|it under", "down as", "have|got you as", "full name is|as",
];
/// "that's", "thank you": names follow these, but so do other words.
#[rustfmt::skip]
const WEAK_CUES: &[&str] = &[
    "that's|it's", "thank you", "thanks", "great|perfect|okay|alright|wonderful", "got it",
    "i have", "i've got",
];
/// Cues said after the name, which then opens the sentence: "Helen Park, thank you."
const TRAILING_CUES: &[&str] = &["thank you", "thanks", "got it", "is that right|correct"];

const FULL_STRONG: f32 = 0.95;
const FULL_WEAK: f32 = 0.85;
const FIRST_STRONG: f32 = 0.6;
const FIRST_WEAK: f32 = 0.5;
const CONFLICT: f32 = super::facts::DOUBTED;
/// Longest name taken: "Maria de la Cruz Lopez" is rare; longer runs are not names.
const MAX_WORDS: usize = 4;

/// Capitalised words that follow cues but are not names.
#[rustfmt::skip]
const NOT_NAMES: &[&str] = &[
    "i", "i'm", "i'll", "i've", "let", "we", "we'll", "you", "your", "and", "so", "is", "it",
    "it's", "please", "okay", "yes", "no", "sir", "ma'am", "that", "the", "a", "an", "for", "our",
    "great", "perfect", "thanks", "thank", "today", "tomorrow", "tonight", "morning", "afternoon",
    "evening", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "apartment", "apt", "unit", "suite", "north",
    "south", "east", "west", "noon",
];
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "mister"];

static CUES: LazyLock<Vec<(Pattern, bool)>> = LazyLock::new(|| {
    let strong = STRONG_CUES.iter().map(|c| (Pattern::compile(c, &[]), true));
    strong
        .chain(WEAK_CUES.iter().map(|c| (Pattern::compile(c, &[]), false)))
        .collect()
});
static TRAILING: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    TRAILING_CUES
        .iter()
        .map(|c| Pattern::compile(c, &[]))
        .collect()
});

/// A name opening the sentence, set off by a pause and followed by a trailing cue.
fn leading_name(s: &Sentence, words: &[&str], service_words: &[String]) -> Option<String> {
    let (name, end, _) = name_at(s, 0, service_words)?;
    let paused = s.words[end - 1].pause_after;
    let cued = TRAILING
        .iter()
        .any(|c| c.find(&words[end..]).is_some_and(|(start, _)| start == 0));
    (paused && cued).then_some(name)
}

/// Whether a word can be part of a name (given the business's own service words).
fn name_word(text: &str, lower: &str, service_words: &[String]) -> bool {
    let capital = text.chars().next().is_some_and(char::is_uppercase);
    let letters = text
        .chars()
        .all(|c| c.is_alphabetic() || c == '\'' || c == '-');
    capital
        && letters
        && !NOT_NAMES.contains(&lower)
        && weekday(lower).is_none()
        && !is_street_suffix(lower)
        && !service_words.iter().any(|w| w == lower)
}

/// The name that starts at word `i`, after an optional title. Returns (name, end, titled).
fn name_at(s: &Sentence, mut i: usize, service_words: &[String]) -> Option<(String, usize, bool)> {
    let titled = s
        .words
        .get(i)
        .is_some_and(|w| TITLES.contains(&w.lower.as_str()));
    i += usize::from(titled);
    let start = i;
    while i < s.words.len() && i - start < MAX_WORDS {
        let w = &s.words[i];
        if !name_word(&w.text, &w.lower, service_words) {
            break;
        }
        i += 1;
        if w.pause_after {
            break;
        }
    }
    // "That's Oak Street": a street name is not a person.
    let next_is_street =
        s.words.get(i).is_some_and(|w| is_street_suffix(&w.lower)) && !s.words[i - 1].pause_after;
    (i > start && !next_is_street).then(|| (s.said(start, i), i, titled))
}

/// The caller's name in a sentence. `service_words` are the lower-case words of the
/// business's services, so "that's Drain cleaning" is not a person.
pub fn extract(s: &Sentence, service_words: &[String]) -> Option<Field<String>> {
    let words = s.lower();
    let mut found: Vec<Field<String>> = Vec::new();
    for (cue, strong) in CUES.iter() {
        let Some((_, end)) = cue.find(&words) else {
            continue;
        };
        if words.get(end.wrapping_sub(3)) == Some(&"my")
            || words.get(end.wrapping_sub(2)) == Some(&"my")
        {
            continue; // "my name is Sarah": the agent introducing itself.
        }
        let Some((name, _, titled)) = name_at(s, end, service_words) else {
            continue;
        };
        let full = name.split(' ').count() >= 2 && !titled;
        let confidence = match (full, strong) {
            (true, true) => FULL_STRONG,
            (true, false) => FULL_WEAK,
            (false, true) => FIRST_STRONG,
            (false, false) => FIRST_WEAK,
        };
        if !found.iter().any(|f| f.value == name) {
            found.push(Field::new(name.clone(), confidence, name));
        }
    }
    if let Some(name) =
        leading_name(s, &words, service_words).filter(|n| !found.iter().any(|f| f.value == *n))
    {
        let confidence = if name.contains(' ') {
            FULL_WEAK
        } else {
            FIRST_WEAK
        };
        found.push(Field::new(name.clone(), confidence, name));
    }
    // The longest reading wins ("John Smith" over "John" found by a weaker cue); names that
    // do not contain each other are a conflict.
    found.sort_by_key(|f| std::cmp::Reverse(f.value.len()));
    let mut best = found.first()?.clone();
    let best_words: Vec<&str> = best.value.split(' ').collect();
    if found
        .iter()
        .any(|f| !f.value.split(' ').all(|w| best_words.contains(&w)))
    {
        best.confidence = CONFLICT;
    } else {
        best.confidence = found
            .iter()
            .map(|f| f.confidence)
            .fold(best.confidence, f32::max);
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Option<(String, f32)> {
        let services = vec!["drain".to_string(), "cleaning".to_string()];
        extract(&Sentence::parse(text), &services).map(|f| (f.value, f.confidence))
    }

    #[test]
    fn full_names_read_back() {
        assert_eq!(
            name("So that's John Smith at 42 Oak Street."),
            Some(("John Smith".into(), FULL_WEAK))
        );
        assert_eq!(
            name("I have your name as Maria Garcia, is that right?"),
            Some(("Maria Garcia".into(), FULL_STRONG))
        );
        assert_eq!(
            name("Okay, I've got you down as Sean O'Brien."),
            Some(("Sean O'Brien".into(), FULL_STRONG))
        );
        assert_eq!(
            name("Alright, so I have Jennifer Kim, 555 234 8765."),
            Some(("Jennifer Kim".into(), FULL_WEAK))
        );
        assert_eq!(
            name("Helen Park, thank you."),
            Some(("Helen Park".into(), FULL_WEAK))
        );
    }

    #[test]
    fn first_names_and_titles_are_not_enough() {
        assert_eq!(name("Thank you, John."), Some(("John".into(), FIRST_WEAK)));
        assert_eq!(
            name("Thanks, Mr. Smith."),
            Some(("Smith".into(), FIRST_WEAK))
        );
        assert_eq!(
            name("Your name is John, right?"),
            Some(("John".into(), FIRST_STRONG))
        );
    }

    #[test]
    fn things_that_are_not_names() {
        assert_eq!(name("Hi, my name is Sarah Jones, how can I help?"), None);
        assert_eq!(name("So that's Tuesday at 3 pm."), None);
        assert_eq!(name("That's Oak Street, right?"), None);
        assert_eq!(name("Thanks for calling Acme Plumbing."), None);
        assert_eq!(name("That's Drain Cleaning then."), None);
        assert_eq!(name("that's great"), None);
        assert_eq!(name("I have Tuesday at 1 pm open."), None);
        assert_eq!(name("Great, thank you."), None);
    }
}
