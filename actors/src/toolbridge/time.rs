//! Appointment times: "3 pm", "3:30 pm", "three thirty in the afternoon", "ten in the
//! morning", "noon", "half past two", "at nine".
//!
//! A time without am/pm is a guess: 1 to 6 is taken as pm and 7 to 11 as am (business
//! hours), both below the booking threshold, unless the sentence says "morning" or
//! "afternoon" elsewhere or an earlier sentence gave the same reading with am/pm (see
//! [`super::facts::CallFacts::absorb`]).

use jiff::civil::Time;

use super::clock::{clock, Clock};
use super::facts::Field;
use super::words::Sentence;

const SURE: f32 = 0.95;
/// 24-hour "15:30", or a bare time the sentence's "afternoon" settles.
const SETTLED: f32 = 0.9;
/// A bare reading only one half of the day of which falls in opening hours.
const BY_HOURS: f32 = 0.85;
/// 1 to 6 without am/pm, read as pm.
const AFTERNOON_GUESS: f32 = 0.7;
/// 7 to 11 without am/pm ("at nine"): am is likely, but a guess.
const MORNING_GUESS: f32 = 0.6;
/// Two times in a sentence, or a bound ("after 3 pm") rather than a slot.
const CONFLICT: f32 = super::facts::DOUBTED;

/// Words before a bare number that make it a time ("at 3", "around 3").
const TRIGGERS: &[&str] = &[
    "at", "around", "for", "between", "from", "by", "after", "before", "until", "till",
];
/// A word naming a day, after which a bare clock reading is the time of that day.
fn after_a_day(word: &str) -> bool {
    super::date::weekday(word).is_some() || matches!(word, "today" | "tomorrow" | "tonight")
}

/// Triggers that give a bound, not an appointment slot.
const BOUNDS: &[&str] = &["by", "after", "before", "until", "till"];
/// Words allowed after a bare "at 3", so that "at 7 Elm Avenue" is not 7 o'clock.
#[rustfmt::skip]
const AFTER_BARE: &[&str] = &[
    "on", "for", "then", "this", "next", "tomorrow", "today", "and", "or", "to", "is", "works",
    "work", "sharp", "if", "with", "that", "it", "okay", "ok", "please", "so", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "in", "we", "you", "i",
];

/// am or pm, as said or implied by a part of the day.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Meridiem {
    Am,
    Pm,
}

/// am/pm said right after a clock reading, and the words it took.
fn meridiem_after(words: &[&str]) -> Option<(Meridiem, usize)> {
    match words {
        ["am", ..] => Some((Meridiem::Am, 1)),
        ["pm", ..] => Some((Meridiem::Pm, 1)),
        ["in", "the", "morning", ..] => Some((Meridiem::Am, 3)),
        ["in", "the", "afternoon" | "evening", ..] => Some((Meridiem::Pm, 3)),
        ["this", "morning", ..] => Some((Meridiem::Am, 2)),
        ["this", "afternoon" | "evening", ..] | ["at", "night", ..] => Some((Meridiem::Pm, 2)),
        ["tonight", ..] => Some((Meridiem::Pm, 1)),
        _ => None,
    }
}

/// "afternoon" or "morning" elsewhere in the sentence ("Thursday afternoon at 2").
fn day_part(words: &[&str]) -> Option<Meridiem> {
    let am = words.contains(&"morning");
    let pm = words
        .iter()
        .any(|w| matches!(*w, "afternoon" | "evening" | "tonight"));
    match (am, pm) {
        (true, false) => Some(Meridiem::Am),
        (false, true) => Some(Meridiem::Pm),
        _ => None,
    }
}

fn to_time(hour: i8, minute: i8, meridiem: Meridiem) -> Option<Time> {
    let hour = match (meridiem, hour) {
        (_, h) if !(1..=12).contains(&h) => return None,
        (Meridiem::Am, 12) => 0,
        (Meridiem::Am, h) => h,
        (Meridiem::Pm, 12) => 12,
        (Meridiem::Pm, h) => h + 12,
    };
    Time::new(hour, minute, 0, 0).ok()
}

/// A bare clock reading: settled by the sentence's part of day if it fits, else by the opening
/// hours when only one half of the day is open ("at nine" is 9 AM at a business that closes
/// at 6), else a guess.
fn bare(c: Clock, part: Option<Meridiem>, hours: (Time, Time)) -> Option<(Time, f32)> {
    if c.hour > 12 || (c.hour == 0 && c.explicit) {
        return Some((Time::new(c.hour, c.minute, 0, 0).ok()?, SETTLED));
    }
    let fits = |m: Meridiem| match m {
        Meridiem::Am => (6..=11).contains(&c.hour),
        Meridiem::Pm => c.hour == 12 || (1..=9).contains(&c.hour),
    };
    if let Some(m) = part.filter(|m| fits(*m)) {
        return Some((to_time(c.hour, c.minute, m)?, SETTLED));
    }
    let open = |t: &Time| hours.0 <= *t && *t < hours.1;
    let readings: Vec<Time> = [Meridiem::Am, Meridiem::Pm]
        .into_iter()
        .filter_map(|m| to_time(c.hour, c.minute, m))
        .filter(open)
        .collect();
    if let [only] = readings.as_slice() {
        return Some((*only, BY_HOURS));
    }
    match c.hour {
        12 | 1..=6 => Some((to_time(c.hour, c.minute, Meridiem::Pm)?, AFTERNOON_GUESS)),
        _ => Some((to_time(c.hour, c.minute, Meridiem::Am)?, MORNING_GUESS)),
    }
}

/// Every time in a sentence: (value, confidence, first word, end).
fn mentions(s: &Sentence, hours: (Time, Time)) -> Vec<(Time, f32, usize, usize)> {
    let words = s.lower();
    let part = day_part(&words);
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if matches!(words[i], "noon" | "midday" | "midnight") {
            let start = if i > 0 && matches!(words[i - 1], "12" | "twelve") {
                i - 1
            } else {
                i
            };
            let hour = if words[i] == "midnight" { 0 } else { 12 };
            found.push((Time::new(hour, 0, 0, 0).expect("valid"), SURE, start, i + 1));
            i += 1;
            continue;
        }
        let Some(c) = clock(&words[i..]) else {
            i += 1;
            continue;
        };
        // "at 3", or a day right before it: "Saturday ten fifteen", "tomorrow, one thirty".
        let trigger = i
            .checked_sub(1)
            .map(|j| words[j])
            .filter(|w| TRIGGERS.contains(w) || after_a_day(w));
        let mut end = i + c.used;
        let reading = match meridiem_after(&words[end..]) {
            Some((m, k)) => {
                end += k;
                to_time(c.hour, c.minute, m).map(|t| (t, SURE))
            }
            None if c.explicit => bare(c, part, hours),
            None if trigger.is_some() => {
                let next_ok = s.words[end - 1].pause_after
                    || words.get(end).is_none_or(|w| AFTER_BARE.contains(w));
                if next_ok {
                    bare(c, part, hours)
                } else {
                    None
                }
            }
            None => None,
        };
        if let Some((time, mut confidence)) = reading {
            if trigger.is_some_and(|t| BOUNDS.contains(&t)) {
                confidence = CONFLICT;
            }
            // "1 PM, not 2": the time after "not" is the one ruled out.
            if !negated(&words, i) {
                found.push((time, confidence, i, end));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// Whether the words just before `i` rule out what follows: "not 2", "instead of 2".
pub fn negated(words: &[&str], i: usize) -> bool {
    let before = &words[i.saturating_sub(3)..i];
    before.contains(&"not") || before.ends_with(&["instead", "of"]) || before.ends_with(&["than"])
}

/// The appointment time in a sentence; two different times keep the last, uncertain.
pub fn extract(s: &Sentence, hours: (Time, Time)) -> Option<Field<Time>> {
    let found = mentions(s, hours);
    let &(value, _, _, _) = found.last()?;
    let conflict = found.iter().any(|m| m.0 != value);
    let best = found
        .iter()
        .filter(|m| m.0 == value)
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let confidence = if conflict { CONFLICT } else { best.1 };
    Some(Field::new(value, confidence, s.said(best.2, best.3)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    /// Open around the clock: opening hours settle nothing.
    const LONG_DAY: (Time, Time) = (time(0, 0, 0, 0), time(23, 59, 59, 0));
    const OFFICE: (Time, Time) = (time(8, 0, 0, 0), time(18, 0, 0, 0));

    fn at(text: &str) -> Option<(Time, f32)> {
        extract(&Sentence::parse(text), LONG_DAY).map(|f| (f.value, f.confidence))
    }

    #[test]
    fn bare_hours_read_within_opening_hours() {
        let office =
            |text: &str| extract(&Sentence::parse(text), OFFICE).map(|f| (f.value, f.confidence));
        assert_eq!(
            office("You're down for Tuesday at nine."),
            Some((time(9, 0, 0, 0), BY_HOURS))
        );
        assert_eq!(office("at three then"), Some((time(15, 0, 0, 0), BY_HOURS)));
        assert_eq!(
            office("a quarter to three"),
            Some((time(14, 45, 0, 0), BY_HOURS))
        );
        assert_eq!(
            office("at seven then").map(|t| t.1),
            Some(MORNING_GUESS),
            "7 and 19 both closed"
        );
    }

    #[test]
    fn a_time_right_after_its_day() {
        let office =
            |text: &str| extract(&Sentence::parse(text), OFFICE).map(|f| (f.value, f.confidence));
        assert_eq!(
            office("Saturday ten fifteen, that work?"),
            Some((time(10, 15, 0, 0), BY_HOURS))
        );
        assert_eq!(
            office("You're on the books, tomorrow one thirty."),
            Some((time(13, 30, 0, 0), BY_HOURS))
        );
    }

    #[test]
    fn a_time_ruled_out_is_not_the_time() {
        assert_eq!(
            at("Sorry, you said 1 PM, not 2."),
            Some((time(13, 0, 0, 0), SURE))
        );
        assert_eq!(at("1 PM instead of 2 PM"), Some((time(13, 0, 0, 0), SURE)));
    }

    #[test]
    fn explicit_am_pm() {
        assert_eq!(at("Tuesday at 3 pm."), Some((time(15, 0, 0, 0), SURE)));
        assert_eq!(
            at("at 3:30 p.m. on Friday"),
            Some((time(15, 30, 0, 0), SURE))
        );
        assert_eq!(at("That's 10am."), Some((time(10, 0, 0, 0), SURE)));
        assert_eq!(
            at("three thirty in the afternoon"),
            Some((time(15, 30, 0, 0), SURE))
        );
        assert_eq!(
            at("ten in the morning works"),
            Some((time(10, 0, 0, 0), SURE))
        );
        assert_eq!(at("at twelve oh five pm"), Some((time(12, 5, 0, 0), SURE)));
        assert_eq!(at("How about noon?"), Some((time(12, 0, 0, 0), SURE)));
        assert_eq!(at("at 14:30"), Some((time(14, 30, 0, 0), SETTLED)));
    }

    #[test]
    fn bare_times_are_guesses_unless_settled() {
        assert_eq!(
            at("Tuesday at three."),
            Some((time(15, 0, 0, 0), AFTERNOON_GUESS))
        );
        assert_eq!(at("at nine then"), Some((time(9, 0, 0, 0), MORNING_GUESS)));
        assert_eq!(
            at("half past two"),
            Some((time(14, 30, 0, 0), AFTERNOON_GUESS))
        );
        assert_eq!(
            at("quarter to eleven"),
            Some((time(10, 45, 0, 0), MORNING_GUESS))
        );
        assert_eq!(
            at("Thursday afternoon at 2"),
            Some((time(14, 0, 0, 0), SETTLED))
        );
        assert_eq!(
            at("tomorrow morning at eight thirty"),
            Some((time(8, 30, 0, 0), SETTLED))
        );
    }

    #[test]
    fn numbers_that_are_not_times() {
        assert_eq!(at("We're at 7 Elm Avenue."), None);
        assert_eq!(at("at 42 Oak Street"), None);
        assert_eq!(at("five five five, one two three"), None);
        assert_eq!(at("It takes 2 hours."), None);
        assert_eq!(at("for 2 hours"), None);
    }

    #[test]
    fn ranges_and_bounds_are_uncertain() {
        assert_eq!(at("between 1 and 3 pm").map(|t| t.1), Some(CONFLICT));
        assert_eq!(at("any time after 3 pm").map(|t| t.1), Some(CONFLICT));
        assert_eq!(at("I have 2 pm or 4 pm.").map(|t| t.1), Some(CONFLICT));
        assert_eq!(at("3 pm, so 3 pm it is"), Some((time(15, 0, 0, 0), SURE)));
    }
}
