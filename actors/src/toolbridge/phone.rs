//! Phone numbers as the agent reads them back: "five five five, one two three, four five six
//! seven", "oh" for zero, "double five", "555-123-4567", "(555) 123 4567".

use super::facts::Field;
use super::numbers::{digit_word, small};
use super::words::Sentence;

/// A full North American number (10 digits, or 11 starting with 1) read in one go.
const SURE: f32 = 0.95;
/// A full number found by dropping a group the agent paused before or after ("at 3, 555...").
const SPLIT_OFF: f32 = 0.85;
/// Anything else long enough to be a phone number but not a complete one: never booked.
const PARTIAL: f32 = 0.4;
/// Fewer digits than this is a house number, a zip code or a year, not a phone number.
const MIN_DIGITS: usize = 7;

/// A stretch of digit words; `groups` are the digits between the speaker's pauses.
#[derive(Debug, Default)]
struct Run {
    groups: Vec<String>,
    plus: bool,
    start: usize,
    end: usize,
}

impl Run {
    fn digits(&self) -> String {
        self.groups.concat()
    }
}

/// The digits one word (or "double five") stands for, and how many words it used. `in_run`
/// says digits came just before, which is when "oh" means zero.
fn digits_at(s: &Sentence, i: usize, in_run: bool) -> Option<(String, usize)> {
    let word = &s.words[i];
    let lower = word.lower.as_str();
    let next = s
        .words
        .get(i + 1)
        .filter(|_| !word.pause_after)
        .map(|w| w.lower.as_str());
    let written = lower.chars().any(|c| c.is_ascii_digit())
        && lower
            .chars()
            .all(|c| c.is_ascii_digit() || "()+-.".contains(c));
    if written {
        return Some((
            lower
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
            1,
        ));
    }
    if let (Some(times), Some(d)) = (repeat(lower), next.and_then(spoken_digit)) {
        return Some((d.to_string().repeat(times), 2));
    }
    if lower == "oh" || lower == "o" {
        let before_digit = next
            .is_some_and(|n| spoken_digit(n).is_some() || n.chars().all(|c| c.is_ascii_digit()));
        return (in_run || before_digit).then(|| ("0".to_string(), 1));
    }
    if in_run && lower == "hundred" {
        return Some(("00".to_string(), 1));
    }
    if let Some(d) = digit_word(lower) {
        return Some((d.to_string(), 1));
    }
    // "forty five sixty seven": pairs read as numbers, but never across a pause.
    let pair: Vec<&str> = s.words[i..]
        .iter()
        .take(if word.pause_after { 1 } else { 2 })
        .map(|w| w.lower.as_str())
        .collect();
    small(&pair)
        .filter(|(n, _)| *n >= 10)
        .map(|(n, k)| (n.to_string(), k))
}

fn spoken_digit(word: &str) -> Option<u32> {
    digit_word(word).or((word == "oh" || word == "o").then_some(0))
}

fn repeat(word: &str) -> Option<usize> {
    match word {
        "double" => Some(2),
        "triple" => Some(3),
        _ => None,
    }
}

/// Every run of digit words in the sentence.
fn runs(s: &Sentence) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut run: Option<Run> = None;
    let mut i = 0;
    while i < s.words.len() {
        match digits_at(s, i, run.is_some()) {
            Some((digits, used)) => {
                let r = run.get_or_insert_with(|| Run {
                    start: i,
                    ..Default::default()
                });
                let digits = match digits.strip_prefix('+') {
                    Some(rest) => {
                        r.plus |= r.groups.is_empty();
                        rest.to_string()
                    }
                    None => digits,
                };
                let starts_group = r.groups.is_empty()
                    || s.words[i - 1].pause_after
                    || s.words[i].text.chars().any(|c| c.is_ascii_digit());
                if starts_group {
                    r.groups.push(digits);
                } else {
                    r.groups
                        .last_mut()
                        .expect("a run has a group")
                        .push_str(&digits);
                }
                i += used;
                r.end = i;
            }
            None => {
                runs.extend(run.take());
                i += 1;
            }
        }
    }
    runs.extend(run);
    runs
}

fn complete(digits: &str) -> bool {
    digits.len() == 10 || (digits.len() == 11 && digits.starts_with('1'))
}

/// The phone number a run stands for, and how sure that is.
fn judge(run: &Run) -> (String, f32) {
    let all = run.digits();
    let prefix = if run.plus { "+" } else { "" };
    if complete(&all) {
        return (format!("{prefix}{all}"), SURE);
    }
    // Drop whole groups from either end: a time or house number said just before.
    let n = run.groups.len();
    for (a, b) in (0..n).flat_map(|a| (a + 1..=n).rev().map(move |b| (a, b))) {
        let inner = run.groups[a..b].concat();
        if (a, b) != (0, n) && complete(&inner) {
            return (inner, SPLIT_OFF);
        }
    }
    (format!("{prefix}{all}"), PARTIAL)
}

/// Words with which the agent takes back the digits it just said: "eleven eighty-eight, no
/// wait, eleven eighty-nine", "six two three, five five, sorry, five five five".
const CORRECTIONS: &[&str] = &[
    "sorry",
    "no",
    "wait",
    "i",
    "mean",
    "actually",
    "correction",
    "make",
    "that",
    "rather",
];

/// Joins a run with the run that corrects it: the groups said after the correction replace
/// the last group said before it ("555 404 1188, no wait, 1189" is 555 404 1189). A
/// correction that is a whole number by itself simply replaces the first.
fn corrected(s: &Sentence, runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for run in runs {
        let joined = out.last_mut().filter(|prev| {
            let between = &s.words[prev.end..run.start];
            !between.is_empty()
                && between.len() <= 3
                && between
                    .iter()
                    .all(|w| CORRECTIONS.contains(&w.lower.as_str()))
                && !between.iter().all(|w| w.lower == "i" || w.lower == "that")
        });
        match joined {
            Some(prev) if !complete(&run.digits()) => {
                prev.groups.pop();
                prev.groups.extend(run.groups);
                prev.end = run.end;
            }
            Some(prev) => *prev = run,
            None => out.push(run),
        }
    }
    out
}

/// Every stretch of digits the sentence reads out, spoken digits turned to digits ("oh" and
/// "double five" included) and corrections inside a number applied: what an external
/// extractor's phone number must be found in.
pub fn digit_runs(s: &Sentence) -> Vec<String> {
    corrected(s, runs(s)).iter().map(Run::digits).collect()
}

/// The phone number in a sentence. Two different numbers in one sentence are an offer or a
/// mix-up, so the last one is kept with low confidence.
pub fn extract(s: &Sentence) -> Option<Field<String>> {
    let found: Vec<(String, f32, String)> = corrected(s, runs(s))
        .into_iter()
        .filter(|r| r.digits().len() >= MIN_DIGITS)
        .map(|r| {
            let (value, confidence) = judge(&r);
            (value, confidence, s.said(r.start, r.end))
        })
        .collect();
    let (value, mut confidence, said) = found.last()?.clone();
    if found.iter().any(|(v, _, _)| *v != value) {
        confidence = confidence.min(super::facts::DOUBTED);
    }
    Some(Field::new(value, confidence, said))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(text: &str) -> Option<(String, f32)> {
        extract(&Sentence::parse(text)).map(|f| (f.value, f.confidence))
    }

    #[test]
    fn spoken_digits_with_pauses_oh_and_double() {
        assert_eq!(
            phone("That's five five five, one two three, four five six seven."),
            Some(("5551234567".into(), SURE))
        );
        assert_eq!(
            phone("I have eight oh one, double five two, three oh oh nine."),
            Some(("8015523009".into(), SURE))
        );
        assert_eq!(
            phone("Your number is five five five, one two three, forty five sixty seven."),
            Some(("5551234567".into(), SURE))
        );
        assert_eq!(
            phone("Oh, five five five, one two three, four five six seven."),
            Some(("5551234567".into(), SURE))
        );
    }

    #[test]
    fn written_digits_in_any_layout() {
        assert_eq!(
            phone("So that's 555-123-4567."),
            Some(("5551234567".into(), SURE))
        );
        assert_eq!(
            phone("I have (555) 123 4567 for you."),
            Some(("5551234567".into(), SURE))
        );
        assert_eq!(
            phone("That's 1 800 555 0199."),
            Some(("18005550199".into(), SURE))
        );
        assert_eq!(
            phone("That's +1 555 123 4567."),
            Some(("+15551234567".into(), SURE))
        );
    }

    #[test]
    fn incomplete_or_mixed_numbers_are_uncertain() {
        assert_eq!(phone("That's 555 1234."), Some(("5551234".into(), PARTIAL)));
        assert_eq!(
            phone("five five five, one two three, four five six"),
            Some(("555123456".into(), PARTIAL))
        );
        assert_eq!(
            phone("Tuesday at 3, 555-123-4567."),
            Some(("5551234567".into(), SPLIT_OFF))
        );
        assert_eq!(
            phone("Either 555 123 4567 or 555 987 6543."),
            Some(("5559876543".into(), super::super::facts::DOUBTED))
        );
    }

    #[test]
    fn corrections_inside_the_number() {
        assert_eq!(
            phone("555 404 1188, no wait, 1189."),
            Some(("5554041189".into(), SURE))
        );
        assert_eq!(
            phone("Six two three, five five, sorry, five five five, oh one nine three."),
            Some(("6235550193".into(), SURE))
        );
        assert_eq!(
            phone("Eight oh one, five five five, two two, I mean, two three four five."),
            Some(("8015552345".into(), SURE))
        );
    }

    #[test]
    fn short_numbers_are_not_phone_numbers() {
        assert_eq!(
            phone("We'll be at 42 Oak Street at 3:30 on 3/14, zip 62704."),
            None
        );
        assert_eq!(phone("That's one twenty three Main Street."), None);
        assert_eq!(phone("Oh, great."), None);
    }
}
