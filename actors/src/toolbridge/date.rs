//! Appointment dates as the agent says them, resolved against the call's date.
//!
//! Rules, as a receptionist means them (all relative to `today`, the call date in the business
//! zone):
//! * "today", "tonight", "this afternoon": today; "tomorrow", "the day after tomorrow": as said.
//! * A bare weekday ("Tuesday"), "this Tuesday", "next Tuesday", "this coming Tuesday": the
//!   first Tuesday strictly after today, so "Thursday" said on a Thursday is next week's.
//! * "March 3rd", "the 3rd of March", "3/14" (US month/day): this year unless already past,
//!   then next year. A weekday said with it must agree, or the date is uncertain.
//! * "the 14th": the next 14th on or after today.
//! * A date ruled out ("Thursday, not Wednesday") is not a mention.

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use super::calendar::{calendar_dates, Mention};
use super::facts::Field;
use super::numbers::ordinal;
use super::words::Sentence;

const SURE: f32 = super::calendar::SURE;
const WEEKDAY: f32 = 0.9;
const DAY_ONLY: f32 = 0.85;
const CONFLICT: f32 = super::facts::DOUBTED;

#[rustfmt::skip]
const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday), ("tuesday", Weekday::Tuesday), ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday), ("friday", Weekday::Friday), ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

/// Words that may follow "the 14th" when it is a date ("on the 14th at 3"), so that "the
/// first available slot" is not read as the 1st.
const AFTER_DAY: &[&str] = &[
    "at", "in", "then", "works", "is", "around", "and", "or", "from", "between", "for", "sharp",
];
const BEFORE_DAY: &[&str] = &["on", "for", "until", "by", "from"];

/// Words before "the 2nd" that make it a count, not a date ("only the first", "pick the second").
fn is_counting(word: &str) -> bool {
    matches!(
        word,
        "only" | "pick" | "choose" | "take" | "just" | "like" | "want" | "prefer"
    )
}
/// Set phrases where "today" is small talk, not a date: "how can I help you today?".
const SMALL_TALK_TODAY: &[&[&str]] = &[
    &["help", "you"],
    &["help", "you", "with"],
    &["calling"],
    &["else"],
    &["for", "you"],
];

/// Which weekday a word names, if it names exactly one day ("Tuesdays" is a habit, not a date).
pub fn weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(w, _)| *w == word).map(|(_, d)| *d)
}

/// The first `day` strictly after today.
fn bare_weekday(today: Date, day: Weekday) -> (Date, f32) {
    match today.weekday().until(day) {
        0 => (today.saturating_add(7.days()), WEEKDAY),
        n => (today.saturating_add(i64::from(n).days()), WEEKDAY),
    }
}

/// All date expressions in a sentence.
fn mentions(s: &Sentence, today: Date) -> Vec<Mention> {
    let words = s.lower();
    let mut found = calendar_dates(s, &words, today);
    found.retain(|m| !super::time::negated(&words, m.start));
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
            "morning" | "afternoon" | "evening" if prev(1) == Some("this") => {
                Some((today, WEEKDAY))
            }
            _ => None,
        };
        if let Some((value, confidence)) = relative {
            found.push(Mention {
                value,
                confidence,
                start: i,
                end: i + 1,
            });
        } else if let Some(day) = weekday(words[i]) {
            if prev(1) == Some("last") || super::time::negated(&words, i) {
                i += 1;
                continue;
            }
            let (value, confidence) = bare_weekday(today, day);
            weekdays.push((
                day,
                Mention {
                    value,
                    confidence,
                    start: i,
                    end: i + 1,
                },
            ));
        } else if words[i] == "the" {
            if let Some((d, k)) = ordinal(&words[i + 1..]).filter(|(d, _)| (1..=31).contains(d)) {
                let end = i + 1 + k;
                // "the 22nd at a quarter to three", "so the 22nd, then": a day of the month
                // when what follows is a time, a pause or the end; "the second option" is not.
                let before_ok = prev(1).is_none_or(|w| {
                    BEFORE_DAY.contains(&w) || weekday(w).is_some() || !is_counting(w)
                });
                let after_ok = words.get(end).is_none_or(|w| AFTER_DAY.contains(w))
                    || s.words[end - 1].pause_after;
                let value = Date::new(today.year(), today.month(), d as i8)
                    .ok()
                    .filter(|v| *v >= today)
                    .or_else(|| {
                        let next = today.first_of_month().saturating_add(1.month());
                        Date::new(next.year(), next.month(), d as i8).ok()
                    });
                if let (true, Some(value)) = (before_ok && after_ok, value) {
                    found.push(Mention {
                        value,
                        confidence: DAY_ONLY,
                        start: i,
                        end,
                    });
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
    let best = found
        .iter()
        .filter(|m| m.value == last.value)
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))?;
    let confidence = if conflict { CONFLICT } else { best.confidence };
    Some(Field::new(
        last.value,
        confidence,
        s.said(best.start, best.end),
    ))
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
        assert_eq!(
            when("How about tomorrow at 3?"),
            Some((date(2025, 3, 13), SURE))
        );
        assert_eq!(
            when("the day after tomorrow works"),
            Some((date(2025, 3, 14), WEEKDAY))
        );
    }

    #[test]
    fn weekdays_resolve_strictly_after_today() {
        assert_eq!(
            when("I have Friday at 2."),
            Some((date(2025, 3, 14), WEEKDAY))
        );
        assert_eq!(when("this Tuesday"), Some((date(2025, 3, 18), WEEKDAY)));
        assert_eq!(
            when("On Wednesday then."),
            Some((date(2025, 3, 19), WEEKDAY)),
            "today's weekday is next week's"
        );
        assert_eq!(
            when("Thursday, not Wednesday."),
            Some((date(2025, 3, 13), WEEKDAY))
        );
        assert_eq!(when("We're closed Sundays."), None);
    }

    #[test]
    fn next_and_this_coming_weekday_are_the_first_one_after_today() {
        assert_eq!(when("next Tuesday"), Some((date(2025, 3, 18), WEEKDAY)));
        assert_eq!(when("next Friday"), Some((date(2025, 3, 14), WEEKDAY)));
        assert_eq!(
            when("this coming Friday"),
            Some((date(2025, 3, 14), WEEKDAY))
        );
        assert_eq!(when("next Monday").unwrap().0, date(2025, 3, 17));
        assert_eq!(when("this afternoon at 4"), Some((TODAY, WEEKDAY)));
    }

    #[test]
    fn day_of_month_with_any_time_after_it() {
        assert_eq!(
            when("So the 22nd at a quarter to three."),
            Some((date(2025, 3, 22), DAY_ONLY))
        );
        assert_eq!(
            when("the 12th at noon"),
            Some((TODAY, DAY_ONLY)),
            "today is the 12th"
        );
    }

    #[test]
    fn day_of_month_alone_this_month_or_next() {
        assert_eq!(when("That's March 14th."), Some((date(2025, 3, 14), SURE)));
        assert_eq!(
            when("on the 14th at 3"),
            Some((date(2025, 3, 14), DAY_ONLY))
        );
        assert_eq!(when("on the 5th."), Some((date(2025, 4, 5), DAY_ONLY)));
        assert_eq!(
            when("for the fourteenth"),
            Some((date(2025, 3, 14), DAY_ONLY))
        );
        assert_eq!(when("for the first available slot"), None);
        assert_eq!(when("the second option"), None);
    }

    #[test]
    fn a_weekday_must_agree_with_its_date() {
        assert_eq!(when("Friday, March 14th"), Some((date(2025, 3, 14), SURE)));
        assert_eq!(
            when("Tuesday the 18th"),
            Some((date(2025, 3, 18), DAY_ONLY))
        );
        assert_eq!(
            when("Thursday, March 14th"),
            Some((date(2025, 3, 14), CONFLICT))
        );
    }

    #[test]
    fn two_dates_are_a_conflict() {
        assert_eq!(
            when("Thursday is full, but Friday is open."),
            Some((date(2025, 3, 14), CONFLICT))
        );
        assert_eq!(
            when("Friday, so that's Friday."),
            Some((date(2025, 3, 14), WEEKDAY))
        );
    }
}
