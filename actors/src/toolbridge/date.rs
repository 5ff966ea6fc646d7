//! Appointment dates as the agent says them, resolved against the call's date.
//!
//! Rules (each is a choice; all are relative to `today`, the call date in the business zone):
//! * "today", "tomorrow", "the day after tomorrow": as said.
//! * A bare weekday ("Tuesday", "this Tuesday"): the next one strictly after today. Said on
//!   that same weekday it could mean today or a week out, so it is uncertain.
//! * "next Tuesday": the Tuesday of next week (weeks run Monday to Sunday). When that differs
//!   from the bare reading (said on a Monday, "next Tuesday" is 8 days out, not tomorrow)
//!   people disagree on the meaning, so it is uncertain.
//! * "March 3rd", "the 3rd of March", "3/14" (US month/day): this year unless already past,
//!   then next year. A weekday said with it must agree, or the date is uncertain.
//! * "the 14th": this month unless already past, then next month.

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use super::facts::Field;
use super::numbers::{ordinal, small};
use super::words::Sentence;

const SURE: f32 = 0.95;
const WEEKDAY: f32 = 0.9;
const DAY_ONLY: f32 = 0.85;
const AMBIGUOUS: f32 = 0.5;
const CONFLICT: f32 = 0.3;

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

const MONTHS: &[(&str, i8)] = &[
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4),
    ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8), ("aug", 8),
    ("september", 9), ("sept", 9), ("sep", 9), ("october", 10), ("oct", 10), ("november", 11),
    ("nov", 11), ("december", 12), ("dec", 12),
];

/// Words that may follow "the 14th" when it is a date ("on the 14th at 3"), so that "the
/// first available slot" is not read as the 1st.
const AFTER_DAY: &[&str] = &["at", "in", "then", "works", "is", "around", "and", "or", "from", "between", "for", "sharp"];
const BEFORE_DAY: &[&str] = &["on", "for", "until", "by", "from"];
/// Set phrases where "today" is small talk, not a date: "how can I help you today?".
const SMALL_TALK_TODAY: &[&[&str]] = &[&["help", "you"], &["help", "you", "with"], &["calling"], &["else"], &["for", "you"]];

/// One date expression found in a sentence, with the words it covers.
#[derive(Debug, Clone)]
struct Mention {
    value: Date,
    confidence: f32,
    start: usize,
    end: usize,
}

/// Which weekday a word names, if it names exactly one day ("Tuesdays" is a habit, not a date).
pub fn weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(w, _)| *w == word).map(|(_, d)| *d)
}

/// The month a word names; month names must be capitalised, so "you may" is not May.
fn month(text: &str) -> Option<i8> {
    let capital = text.chars().next().is_some_and(char::is_uppercase);
    let lower = text.to_lowercase();
    capital.then(|| MONTHS.iter().find(|(m, _)| *m == lower).map(|(_, n)| *n)).flatten()
}

/// A day of the month after a month name: "14", "14th", "fourteenth", "the fourteenth",
/// "twenty one". Returns the day and words used.
fn day_after(words: &[&str]) -> Option<(i8, usize)> {
    let skip = usize::from(words.first() == Some(&"the"));
    let rest = &words[skip..];
    let (day, used) = ordinal(rest)
        .or_else(|| rest.first().and_then(|w| w.parse::<u32>().ok()).map(|d| (d, 1)))
        .or_else(|| small(rest))?;
    (1..=31).contains(&day).then_some((day as i8, skip + used))
}

/// This year's date unless it has passed, then next year's.
fn upcoming(today: Date, month: i8, day: i8) -> Option<Date> {
    let this_year = Date::new(today.year(), month, day).ok()?;
    if this_year >= today { Some(this_year) } else { Date::new(today.year() + 1, month, day).ok() }
}

fn bare_weekday(today: Date, day: Weekday) -> (Date, f32) {
    match today.weekday().until(day) {
        0 => (today.saturating_add(7.days()), AMBIGUOUS),
        n => (today.saturating_add(i64::from(n).days()), WEEKDAY),
    }
}

fn next_week_weekday(today: Date, day: Weekday) -> (Date, f32) {
    let monday = today.saturating_add(i64::from(7 - today.weekday().to_monday_zero_offset()).days());
    let value = monday.saturating_add(i64::from(day.to_monday_zero_offset()).days());
    let agrees = bare_weekday(today, day).0 == value;
    (value, if agrees { WEEKDAY } else { AMBIGUOUS })
}

/// Explicit calendar dates: "March 14th", "the 14th of March", "3/14", with optional year.
fn calendar_dates(s: &Sentence, words: &[&str], today: Date) -> Vec<Mention> {
    let mut found = Vec::new();
    for (i, word) in s.words.iter().enumerate() {
        if let Some(m) = month(&word.text) {
            let after = day_after(&words[i + 1..]).map(|(d, k)| (d, i, i + 1 + k));
            let before = (1..=2).rev().find_map(|k| {
                let start = i.checked_sub(1 + k)?;
                (words[i - 1] == "of").then_some(())?;
                let (d, used) = ordinal(&words[start..i - 1])?;
                let start = if start > 0 && words[start - 1] == "the" { start - 1 } else { start };
                (used == k && (1..=31).contains(&d)).then_some((d as i8, start, i + 1))
            });
            let Some((day, start, mut end)) = after.or(before) else { continue };
            let year = words.get(end).and_then(|w| w.parse::<i16>().ok()).filter(|y| (2000..2100).contains(y));
            let value = match year {
                Some(y) => {
                    end += 1;
                    Date::new(y, m, day).ok()
                }
                None => upcoming(today, m, day),
            };
            if let Some(value) = value {
                let confidence = if value < today { AMBIGUOUS } else { SURE };
                found.push(Mention { value, confidence, start, end });
            }
        } else if let Some(value) = numeric(words[i], today) {
            found.push(Mention { value, confidence: DAY_ONLY, start: i, end: i + 1 });
        }
    }
    found
}

/// "3/14" or "3/14/2025" (month first, as in the US).
fn numeric(word: &str, today: Date) -> Option<Date> {
    let parts: Vec<i16> = word.split('/').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    match parts[..] {
        [m, d] if (1..=12).contains(&m) => upcoming(today, m as i8, i8::try_from(d).ok()?),
        [m, d, y] => Date::new(if y < 100 { 2000 + y } else { y }, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok(),
        _ => None,
    }
}

/// All date expressions in a sentence.
fn mentions(s: &Sentence, today: Date) -> Vec<Mention> {
    let words = s.lower();
    let mut found = calendar_dates(s, &words, today);
    let taken = |found: &[Mention], i: usize| found.iter().any(|m| (m.start..m.end).contains(&i));
    let mut weekdays = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if taken(&found, i) {
            i += 1;
            continue;
        }
        let prev = |k: usize| i.checked_sub(k).map(|j| words[j]);
        let relative = match words[i] {
            "today" if SMALL_TALK_TODAY.iter().any(|p| words[..i].ends_with(p)) => None,
            "today" | "tonight" => Some((today, SURE)),
            "tomorrow" if prev(2) == Some("day") && prev(1) == Some("after") => {
                Some((today.saturating_add(2.days()), WEEKDAY))
            }
            "tomorrow" => Some((today.saturating_add(1.days()), SURE)),
            "morning" | "afternoon" | "evening" if prev(1) == Some("this") => Some((today, WEEKDAY)),
            _ => None,
        };
        if let Some((value, confidence)) = relative {
            found.push(Mention { value, confidence, start: i, end: i + 1 });
        } else if let Some(day) = weekday(words[i]) {
            let (value, confidence) = match prev(1) {
                Some("last") => {
                    i += 1;
                    continue;
                }
                Some("next") => next_week_weekday(today, day),
                _ => bare_weekday(today, day),
            };
            weekdays.push((day, Mention { value, confidence, start: i, end: i + 1 }));
        } else if words[i] == "the" {
            if let Some((d, k)) = ordinal(&words[i + 1..]).filter(|(d, _)| (1..=31).contains(d)) {
                let end = i + 1 + k;
                let before_ok = prev(1).is_some_and(|w| BEFORE_DAY.contains(&w) || weekday(w).is_some());
                let after_ok = words.get(end).is_none_or(|w| AFTER_DAY.contains(w)) || s.words[end - 1].pause_after;
                let value = Date::new(today.year(), today.month(), d as i8).ok().filter(|v| *v >= today).or_else(|| {
                    let next = today.first_of_month().saturating_add(1.month());
                    Date::new(next.year(), next.month(), d as i8).ok()
                });
                if let (true, Some(value)) = (before_ok && after_ok, value) {
                    found.push(Mention { value, confidence: DAY_ONLY, start: i, end });
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    // A weekday said next to a calendar date checks it instead of adding a second date.
    for (day, weekday_mention) in weekdays {
        let near = found.iter_mut().find(|m| {
            m.start.abs_diff(weekday_mention.end) <= 2 || weekday_mention.start.abs_diff(m.end) <= 2
        });
        match near {
            Some(m) if m.value.weekday() != day => m.confidence = m.confidence.min(CONFLICT),
            Some(_) => {}
            None => found.push(weekday_mention),
        }
    }
    found.sort_by_key(|m| m.start);
    found
}

/// The appointment date in a sentence. Two different dates in one sentence ("Thursday is
/// full but Friday is open") keep the last with low confidence until the agent confirms one.
pub fn extract(s: &Sentence, today: Date) -> Option<Field<Date>> {
    let found = mentions(s, today);
    let last = found.last()?;
    let conflict = found.iter().any(|m| m.value != last.value);
    let best = found.iter().filter(|m| m.value == last.value).max_by(|a, b| a.confidence.total_cmp(&b.confidence))?;
    let confidence = if conflict { CONFLICT } else { best.confidence };
    Some(Field::new(last.value, confidence, s.said(best.start, best.end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Wednesday 12 March 2025.
    const TODAY: Date = date(2025, 3, 12);

    fn when(text: &str) -> Option<(Date, f32)> {
        extract(&Sentence::parse(text), TODAY).map(|f| (f.value, f.confidence))
    }

    #[test]
    fn relative_days() {
        assert_eq!(when("We can come today."), Some((TODAY, SURE)));
        assert_eq!(when("How can I help you today?"), None);
        assert_eq!(when("How about tomorrow at 3?"), Some((date(2025, 3, 13), SURE)));
        assert_eq!(when("the day after tomorrow works"), Some((date(2025, 3, 14), WEEKDAY)));
    }

    #[test]
    fn weekdays_resolve_strictly_after_today() {
        assert_eq!(when("I have Friday at 2."), Some((date(2025, 3, 14), WEEKDAY)));
        assert_eq!(when("this Tuesday"), Some((date(2025, 3, 18), WEEKDAY)));
        assert_eq!(when("On Wednesday then."), Some((date(2025, 3, 19), AMBIGUOUS)));
        assert_eq!(when("We're closed Sundays."), None);
    }

    #[test]
    fn next_weekday_is_in_next_week() {
        assert_eq!(when("next Tuesday"), Some((date(2025, 3, 18), WEEKDAY)), "same as bare Tuesday");
        assert_eq!(when("next Friday"), Some((date(2025, 3, 21), AMBIGUOUS)), "not this Friday the 14th");
        assert_eq!(when("next Monday").unwrap().0, date(2025, 3, 17));
    }

    #[test]
    fn calendar_dates_roll_forward() {
        assert_eq!(when("That's March 14th."), Some((date(2025, 3, 14), SURE)));
        assert_eq!(when("on March the third"), Some((date(2026, 3, 3), SURE)));
        assert_eq!(when("the twenty first of April"), Some((date(2025, 4, 21), SURE)));
        assert_eq!(when("So that's 3/20 at 2."), Some((date(2025, 3, 20), DAY_ONLY)));
        assert_eq!(when("on the 14th at 3"), Some((date(2025, 3, 14), DAY_ONLY)));
        assert_eq!(when("on the 5th."), Some((date(2025, 4, 5), DAY_ONLY)));
        assert_eq!(when("June 2nd, 2026"), Some((date(2026, 6, 2), SURE)));
        assert_eq!(when("you may want to"), None);
        assert_eq!(when("for the first available slot"), None);
    }

    #[test]
    fn a_weekday_must_agree_with_its_date() {
        assert_eq!(when("Friday, March 14th"), Some((date(2025, 3, 14), SURE)));
        assert_eq!(when("Tuesday the 18th"), Some((date(2025, 3, 18), DAY_ONLY)));
        assert_eq!(when("Thursday, March 14th"), Some((date(2025, 3, 14), CONFLICT)));
    }

    #[test]
    fn two_dates_are_a_conflict() {
        assert_eq!(when("Thursday is full, but Friday is open."), Some((date(2025, 3, 14), CONFLICT)));
        assert_eq!(when("Friday, so that's Friday."), Some((date(2025, 3, 14), WEEKDAY)));
    }
}
