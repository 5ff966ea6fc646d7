//! The caller's name as the agent reads it back.
//!
//! Found by structure, not by phrase: a name is a run of one to four capitalised words (with
//! apostrophes and hyphens; spelled letters "N-O-V-A-K" count as one word) that are not
//! weekdays, months, street words, the business's own words or everyday words. Where the run
//! stands decides how sure we are:
//!
//! * after a cue that says it is the caller's name ("I have your name as", "under", "name,"):
//!   sure;
//! * after a weaker cue ("that's", "thanks", "for"), alone as a sentence ("Tobias Lind."), or
//!   set off by pauses in a read-back list ("So Dana Whitfield, 14 Ash Lane, ..."): sure enough
//!   when it is a full name;
//! * anywhere else: a guess, kept below the booking threshold.
//!
//! A first name alone is never enough to book: it cannot be found again or told apart from
//! other Johns. It is kept (below the threshold) because it may confirm a full name said
//! earlier, or combine with a "last name is ..." said later. Names after the agent introducing
//! itself ("this is Sam"), or of people who are not the caller ("our technician Marco Ruiz")
//! are not taken.

use std::sync::LazyLock;

use super::address::is_street_suffix;
use super::calendar::is_month;
use super::date::weekday;
use super::facts::{Field, NamePart};
use super::name_words::*;
use super::pattern::Pattern;
use super::words::Sentence;

/// Words after a name that say the name is the one booked: "Zofia Przybylska is scheduled".
const BOOKED_AFTER: &[&[&str]] = &[
    &["is", "scheduled"],
    &["is", "booked"],
    &["is", "all", "set"],
    &["is", "confirmed"],
    &["is", "down", "for"],
    &["is", "in", "for"],
    &["is", "on", "for"],
    &["is", "set", "for"],
    &["you're", "all", "set"],
    &["you're", "booked"],
    &["you're", "scheduled"],
    &["you're", "confirmed"],
    &["you're", "down"],
];

fn starts_with_any(words: &[&str], phrases: &[&[&str]]) -> bool {
    phrases.iter().any(|p| words.starts_with(p))
}

const STRONG_FULL: f32 = 0.95;
const WEAK_FULL: f32 = 0.85;
const STRONG_SINGLE: f32 = 0.6;
const WEAK_SINGLE: f32 = 0.5;
/// A full name with nothing around it saying whose it is.
const GUESS: f32 = 0.5;
/// Two single names said in one sentence, joined in the order said: below the threshold.
pub const PAIRED: f32 = 0.7;
const CONFLICT: f32 = super::facts::DOUBTED;
/// Longest name taken: "Maria de la Cruz Lopez" is rare; longer runs are not names.
const MAX_WORDS: usize = 4;

/// Capitalised words that are not names: sentence openers, courtesy words, parts of the day,
/// Whether a lower-case word is an everyday word that is never part of a name or street name.
pub fn is_everyday_word(lower: &str) -> bool {
    const DIRECTIONS: &[&str] = &[
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ];
    NOT_NAMES.contains(&lower) && !is_street_suffix(lower) && !DIRECTIONS.contains(&lower)
}

fn compile(table: &[&str]) -> Vec<Pattern> {
    table.iter().map(|c| Pattern::compile(c, &[])).collect()
}

static STRONG: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(STRONG_CUES));
static WEAK: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(WEAK_CUES));
static FIRST: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(FIRST_CUES));
static LAST: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(LAST_CUES));
static NOT_THEIRS: LazyLock<Vec<Pattern>> = LazyLock::new(|| compile(NOT_CALLER));

/// A phrase of `table` that ends exactly at word `end`.
fn ends_at(table: &[Pattern], words: &[&str], end: usize) -> bool {
    (0..end).any(|start| {
        table
            .iter()
            .any(|p| p.find(&words[start..end]) == Some((0, end - start)))
    })
}

/// Whether a word can be part of a name, given the business's own words (`stop`).
fn name_word(text: &str, lower: &str, stop: &[String]) -> bool {
    let capital = text.chars().next().is_some_and(char::is_uppercase);
    let letters = text
        .chars()
        .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        && text.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    // "What's", "Here's", "We'll": contractions are not names (nor are possessives).
    let contraction = ["'s", "'re", "'ll", "'ve", "'d", "n't", "'m"]
        .iter()
        .any(|end| lower.ends_with(end));
    // "ID", "HVAC": an acronym, not a name (spelled letters are handled apart).
    let acronym = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase());
    capital
        && letters
        && !contraction
        && !acronym
        && !IMPERATIVES.contains(&lower)
        && !super::numbers::is_number_word(lower)
        && !NOT_NAMES.contains(&lower)
        && weekday(lower).is_none()
        && !is_street_suffix(lower)
        && !stop.iter().any(|w| w == lower)
}

/// A single capital letter, as in a spelled name ("N", "O", "V", "A", "K").
fn letter(text: &str) -> bool {
    text.len() == 1 && text.chars().all(|c| c.is_ascii_uppercase())
}

/// One name-like run of words in a sentence.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    /// The name as it should be written ("Dana Whitfield", "Novak" for "N-O-V-A-K").
    text: String,
    words: usize,
    start: usize,
    end: usize,
    titled: bool,
    /// Spelled letter by letter ("N-O-V-A-K").
    spelled: bool,
}

/// Every run of name words (and spelled words) in a sentence.
fn runs(s: &Sentence, stop: &[String]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.words.len() {
        let titled = TITLES.contains(&s.words[i].lower.as_str()) && i + 1 < s.words.len();
        let start = i;
        let mut j = i + usize::from(titled);
        let mut parts: Vec<String> = Vec::new();
        let mut spelled_parts = 0;
        while j < s.words.len() && parts.len() < MAX_WORDS {
            let w = &s.words[j];
            // Spelled letters: "N-O-V-A-K" or "N O V A K" is one word.
            if letter(&w.text) {
                let mut k = j;
                let mut spelled = String::new();
                while k < s.words.len() && letter(&s.words[k].text) {
                    spelled.push_str(&s.words[k].text);
                    k += 1;
                    if s.words[k - 1].pause_after {
                        break;
                    }
                }
                if spelled.len() < 2 {
                    break;
                }
                let mut word = spelled.to_lowercase();
                word[..1].make_ascii_uppercase();
                // "Novak, N-O-V-A-K": the spelling confirms the word said just before it.
                if parts.last().is_some_and(|p| p.eq_ignore_ascii_case(&word)) {
                    j = k;
                    break;
                }
                parts.push(word);
                spelled_parts += 1;
                j = k;
                if s.words[k - 1].pause_after {
                    break;
                }
                continue;
            }
            // "Min-jun": the part after a hyphen belongs to the word before, whatever its case.
            if j > start
                && s.words[j - 1].hyphen_after
                && !parts.is_empty()
                && !super::numbers::is_number_word(&w.lower)
            {
                let last = parts.last_mut().expect("not empty");
                last.push('-');
                last.push_str(&w.text);
                j += 1;
                if w.pause_after {
                    break;
                }
                continue;
            }
            // "Pieter van der Berg": particles inside a name, lower case, followed by more of it.
            if !parts.is_empty() && PARTICLES.contains(&w.lower.as_str()) && !w.pause_after {
                let rest = s.words[j + 1..]
                    .iter()
                    .take_while(|n| PARTICLES.contains(&n.lower.as_str()));
                let k = j + 1 + rest.count();
                let continues = s
                    .words
                    .get(k)
                    .is_some_and(|n| name_word(&n.text, &n.lower, stop));
                if continues && parts.len() + (k - j) < MAX_WORDS + 2 {
                    for p in &s.words[j..k] {
                        parts.push(p.text.clone());
                    }
                    j = k;
                    continue;
                }
            }
            // "March 14th" is a date; "April Jones" is a person.
            let dated = is_month(&w.lower)
                && s.words.get(j + 1).is_some_and(|n| {
                    n.text.starts_with(|c: char| c.is_ascii_digit())
                        || super::numbers::ordinal(&[n.lower.as_str()]).is_some()
                        || n.lower == "the"
                });
            if dated || !name_word(&w.text, &w.lower, stop) {
                break;
            }
            // "Anne-Marie": the parts of a hyphenated name stay one word.
            match parts.last_mut() {
                Some(last) if j > 0 && s.words[j - 1].hyphen_after => {
                    last.push('-');
                    last.push_str(&w.text);
                }
                _ => parts.push(w.text.clone()),
            }
            j += 1;
            if w.pause_after {
                break;
            }
        }
        // "That's Oak Street": a street name is not a person.
        let street_next = s.words.get(j).is_some_and(|w| is_street_suffix(&w.lower))
            && j > 0
            && !s.words[j - 1].pause_after;
        if !parts.is_empty() && !street_next {
            out.push(Run {
                words: parts.len(),
                spelled: spelled_parts == parts.len(),
                text: parts.join(" "),
                start,
                end: j,
                titled,
            });
            i = j;
        } else {
            i = j.max(i + 1);
        }
    }
    out
}

/// Whether every word of a run was spelled back in the sentence.
fn spelled_back(run: &Run, spelled: &[String]) -> bool {
    run.spelled
        || run
            .text
            .split([' ', '-'])
            .any(|part| spelled.iter().any(|w| part.eq_ignore_ascii_case(w)))
}

/// "A-O-I-F-E, Aoife, Ni Dhuibhir, D-H-U-I-B-H-I-R": a first and a last name each spelled
/// back, side by side, are one name. Spelled-only runs that repeat a neighbour are dropped.
fn join_spelled_back(s: &Sentence, runs: Vec<Run>, spelled: &[String]) -> Vec<Run> {
    let words_at = |i: usize| s.words.get(i).map(|w| w.lower.as_str());
    let mut out: Vec<Run> = Vec::new();
    for run in runs {
        let Some(prev) = out.last_mut() else {
            out.push(run);
            continue;
        };
        let adjacent = prev.end == run.start;
        let repeats = run
            .text
            .split(' ')
            .all(|w| prev.text.split(' ').any(|p| p.eq_ignore_ascii_case(w)));
        if adjacent && repeats {
            prev.end = run.end; // "Iyer" again after "I-Y-E-R": nothing new
            continue;
        }
        if adjacent
            && run.spelled
            && prev
                .text
                .split(' ')
                .any(|w| w.eq_ignore_ascii_case(&run.text))
        {
            prev.end = run.end; // the spelling of a word just said
            continue;
        }
        if adjacent
            && prev.spelled
            && run
                .text
                .split(' ')
                .any(|w| w.eq_ignore_ascii_case(&prev.text))
        {
            *prev = Run {
                start: prev.start,
                ..run
            }; // said right after its spelling
            continue;
        }
        // "Aoife, and Brennan" / "Ebere, Okafor?": a first name spelled back and the word said
        // next to it.
        let joined_by_and = prev.end + 1 == run.start && words_at(prev.end) == Some("and");
        let both = spelled_back(prev, spelled) && spelled_back(&run, spelled);
        let one_more = spelled_back(prev, spelled) && prev.words == 1 && run.words == 1;
        if (adjacent || joined_by_and)
            && (both || one_more)
            && prev.words + run.words <= MAX_WORDS
            && !prev.titled
        {
            prev.text = format!("{} {}", prev.text, run.text);
            prev.words += run.words;
            prev.end = run.end;
            prev.spelled = false;
            continue;
        }
        out.push(run);
    }
    out
}

/// The run with nothing but courtesy words around it: "Tobias Lind." or "Okay, Tobias Lind,
/// got it."
fn alone(words: &[&str], run: &Run) -> bool {
    let around = words[..run.start].iter().chain(&words[run.end..]);
    around.clone().all(|w| FILLER.contains(w)) && around.count() <= 4
}

/// Whether the sentence reads back other details too (a list: name, address, phone, date).
fn readback_list(s: &Sentence) -> bool {
    let digits = s
        .words
        .iter()
        .any(|w| w.text.chars().any(|c| c.is_ascii_digit()));
    let numbers = s
        .words
        .iter()
        .filter(|w| super::numbers::is_number_word(&w.lower))
        .count();
    let dated = s
        .words
        .iter()
        .any(|w| weekday(&w.lower).is_some() || is_month(&w.lower));
    let streets = s.words.iter().any(|w| is_street_suffix(&w.lower));
    digits || numbers >= 3 || dated || streets
}

/// The caller's name in a sentence, and whether it was said as a first or last name only.
/// `stop` holds the business's own lower-case words (its name and services), so "that's Drain
/// Cleaning" or "thanks for calling Harbor Dental" are not people.
pub fn extract(s: &Sentence, stop: &[String]) -> Option<(Field<String>, Option<NamePart>)> {
    extract_with(s, stop, &[])
}

/// [`extract`], where `business` holds the distinctive words of the business's name: a
/// sentence that says it ("Brightwire Electric, Paolo.") is the agent greeting the caller, and
/// the name in it is the agent's.
pub fn extract_with(
    s: &Sentence,
    stop: &[String],
    business: &[String],
) -> Option<(Field<String>, Option<NamePart>)> {
    let words = s.lower();
    if words.iter().any(|w| business.iter().any(|b| b == w)) {
        return None;
    }
    let mut found: Vec<(Field<String>, bool, Option<NamePart>)> = Vec::new();
    let all_runs = runs(s, stop);
    let spelled_words: Vec<String> = all_runs
        .iter()
        .filter(|r| r.spelled)
        .map(|r| r.text.clone())
        .collect();
    let all_runs = join_spelled_back(s, all_runs, &spelled_words);
    for run in all_runs {
        // Right after a house number, capitalised words are a street ("55 Riverside"); after a
        // pause ("at 4, Gustavo Almeida") they are not.
        let after_number = run.start > 0
            && !s.words[run.start - 1].pause_after
            && (s.words[run.start - 1]
                .text
                .starts_with(|c: char| c.is_ascii_digit())
                || super::numbers::is_number_word(words[run.start - 1]));
        // "Thanks for calling, Hiroshi Tanaka": after a pause the name is the caller addressed,
        // whatever came before it.
        let set_off = run.start > 0 && s.words[run.start - 1].pause_after;
        if after_number || (!set_off && ends_at(&NOT_THEIRS, &words, run.start)) {
            continue;
        }
        let full = run.words >= 2 && !run.titled;
        // "Owner, Lerato Mokoena.": a field label, then the name.
        let labelled = set_off
            && LABELS.contains(&words[run.start - 1])
            && (run.start == 1 || s.words[run.start - 2].pause_after);
        let strong = ends_at(&STRONG, &words, run.start) || labelled;
        // "And the last name, Ifeoma?": in a question, a name set off after the cue is the
        // caller addressed, not the part asked for.
        let addressed = s.question && run.start > 0 && s.words[run.start - 1].pause_after;
        // "A-O-I-F-E, first name, and B-Y-R-N-E, last name": the part said after the name.
        let after = &words[run.end..];
        let ends_there = |k: usize| {
            s.words
                .get(run.end + k - 1)
                .is_some_and(|w| w.pause_after || run.end + k == s.words.len())
        };
        let part = if run.titled && run.words == 1 {
            // "Mr. Haddad": a title goes with the family name.
            Some(NamePart::Last)
        } else if after.starts_with(&["first", "name"]) && ends_there(2) {
            Some(NamePart::First)
        } else if (after.starts_with(&["last", "name"]) && ends_there(2))
            || (after.starts_with(&["surname"]) && ends_there(1))
        {
            Some(NamePart::Last)
        } else if addressed {
            None
        } else if ends_at(&FIRST, &words, run.start) {
            Some(NamePart::First)
        } else if ends_at(&LAST, &words, run.start) {
            Some(NamePart::Last)
        } else {
            None
        };
        let paused = s.words[run.end - 1].pause_after || run.end == s.words.len();
        let paused_before = run.start == 0 || s.words[run.start - 1].pause_after;
        // "N-O-V-A-K, Novak": a word the agent spelled is the caller's.
        let spelled = spelled_back(&run, &spelled_words);
        let strong = strong || spelled;
        // "Then Zofia Przybylska is scheduled for...": the person booked.
        let booked = starts_with_any(&words[run.end..], BOOKED_AFTER);
        let strong = strong || booked;
        let weak = ends_at(&WEAK, &words, run.start)
            || run.titled
            || alone(&words, &run)
            // "Nikolai Sorokin, yes, I see you": a name opening the sentence, set off.
            || (run.start == 0 && paused)
            // "I've got you scheduled, Deepika, Saturday at 9": the caller addressed by name.
            || (paused_before && paused && run.start > 0)
            || (paused && readback_list(s));
        let confidence = match (full, strong, weak) {
            (true, true, _) => STRONG_FULL,
            (true, false, true) => WEAK_FULL,
            (true, false, false) => GUESS,
            (false, true, _) => STRONG_SINGLE,
            (false, false, true) => WEAK_SINGLE,
            (false, false, false) => continue,
        };
        let field = Field::new(run.text.clone(), confidence, s.said(run.start, run.end));
        let cued = strong || weak;
        if !found.iter().any(|(f, _, _)| f.value == field.value) {
            found.push((field, cued, part));
        }
    }
    // "First name Ines, last name Duarte": one full name.
    let first = found.iter().find(|(_, _, p)| *p == Some(NamePart::First));
    let last = found.iter().find(|(_, _, p)| *p == Some(NamePart::Last));
    if let (Some((first, _, _)), Some((last, _, _))) = (first, last) {
        let value = format!("{} {}", first.value, last.value);
        return Some((Field::new(value.clone(), STRONG_FULL, value), None));
    }
    // "Anne-Marie, and is that Delacroix hyphen Hale?": two single names, each said as the
    // caller's, are likely a first and a last name; in the order said, but only a guess until a
    // title or a full read-back settles it (see `CallFacts::absorb`).
    let singles: Vec<&Field<String>> = found
        .iter()
        .filter(|(f, cued, p)| *cued && p.is_none() && !f.value.contains(' '))
        .map(|(f, _, _)| f)
        .collect();
    let no_full = found.iter().all(|(f, _, _)| !f.value.contains(' '));
    if let ([a, b], true) = (singles.as_slice(), no_full) {
        if a.value != b.value {
            let value = format!("{} {}", a.value, b.value);
            return Some((Field::new(value.clone(), PAIRED, value), None));
        }
    }
    // The surest reading wins, then the longest ("John Smith" over "John"); names that do not
    // contain each other, both said as the caller's, are a conflict.
    found.sort_by(|(a, _, _), (b, _, _)| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(b.value.len().cmp(&a.value.len()))
    });
    let (mut best, _, part) = found.first()?.clone();
    let best_words: Vec<&str> = best.value.split(' ').collect();
    let rival = found.iter().skip(1).any(|(f, cued, _)| {
        *cued && f.confidence >= WEAK_FULL && !f.value.split(' ').all(|w| best_words.contains(&w))
    });
    if rival {
        best.confidence = CONFLICT;
    }
    Some((best, part))
}

#[cfg(test)]
#[path = "name_tests.rs"]
mod tests;
