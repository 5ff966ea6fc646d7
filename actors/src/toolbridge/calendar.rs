//! Calendar dates said outright: "March 14th", "the 3rd of March", "3/14", with an optional
//! year. Kept apart from [`super::date`], which adds the relative forms ("tomorrow",
//! "next Tuesday") and decides between several dates in a sentence.
//!
//! Without a year, a date is this year's unless it has passed, then next year's. "3/14" is
//! month first, as in the US.

use jiff::civil::Date;

use super::numbers::{ordinal, small};
use super::words::Sentence;

pub const SURE: f32 = 0.95;
/// "3/14": the order is an assumption.
pub const NUMERIC: f32 = 0.85;
/// A date with a year that has passed: misheard or misspoken.
pub const PAST: f32 = 0.5;

#[rustfmt::skip]
const MONTHS: &[(&str, i8)] = &[
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4),
    ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8), ("aug", 8),
    ("september", 9), ("sept", 9), ("sep", 9), ("october", 10), ("oct", 10), ("november", 11),
    ("nov", 11), ("december", 12), ("dec", 12),
];

/// One date expression found in a sentence, with the words it covers.
#[derive(Debug, Clone)]
pub struct Mention {
    pub value: Date,
    pub confidence: f32,
    pub start: usize,
    pub end: usize,
}

/// Whether a lower-case word names a month ("march", "dec").
pub fn is_month(lower: &str) -> bool {
    MONTHS.iter().any(|(m, _)| *m == lower)
}

/// The month a word names; month names must be capitalised, so "you may" is not May.
fn month(text: &str) -> Option<i8> {
    let capital = text.chars().next().is_some_and(char::is_uppercase);
    let lower = text.to_lowercase();
    capital
        .then(|| MONTHS.iter().find(|(m, _)| *m == lower).map(|(_, n)| *n))
        .flatten()
}

/// A day of the month after a month name: "14", "14th", "fourteenth", "the fourteenth",
/// "twenty one". Returns the day and words used.
fn day_after(words: &[&str]) -> Option<(i8, usize)> {
    let skip = usize::from(words.first() == Some(&"the"));
    let rest = &words[skip..];
    let (day, used) = ordinal(rest)
        .or_else(|| {
            rest.first()
                .and_then(|w| w.parse::<u32>().ok())
                .map(|d| (d, 1))
        })
        .or_else(|| small(rest))?;
    (1..=31).contains(&day).then_some((day as i8, skip + used))
}

/// This year's date unless it has passed, then next year's.
fn upcoming(today: Date, month: i8, day: i8) -> Option<Date> {
    let this_year = Date::new(today.year(), month, day).ok()?;
    if this_year >= today {
        Some(this_year)
    } else {
        Date::new(today.year() + 1, month, day).ok()
    }
}

/// Explicit calendar dates: "March 14th", "the 14th of March", "3/14", with optional year.
pub fn calendar_dates(s: &Sentence, words: &[&str], today: Date) -> Vec<Mention> {
    let mut found = Vec::new();
    for (i, word) in s.words.iter().enumerate() {
        if let Some(m) = month(&word.text) {
            let after = day_after(&words[i + 1..]).map(|(d, k)| (d, i, i + 1 + k));
            let before = (1..=2).rev().find_map(|k| {
                let start = i.checked_sub(1 + k)?;
                (words[i - 1] == "of").then_some(())?;
                let (d, used) = ordinal(&words[start..i - 1])?;
                let start = if start > 0 && words[start - 1] == "the" {
                    start - 1
                } else {
                    start
                };
                (used == k && (1..=31).contains(&d)).then_some((d as i8, start, i + 1))
            });
            let Some((day, start, mut end)) = after.or(before) else {
                continue;
            };
            let year = words
                .get(end)
                .and_then(|w| w.parse::<i16>().ok())
                .filter(|y| (2000..2100).contains(y));
            let value = match year {
                Some(y) => {
                    end += 1;
                    Date::new(y, m, day).ok()
                }
                None => upcoming(today, m, day),
            };
            if let Some(value) = value {
                let confidence = if value < today { PAST } else { SURE };
                found.push(Mention {
                    value,
                    confidence,
                    start,
                    end,
                });
            }
        } else if let Some(value) = numeric(words[i], today) {
            found.push(Mention {
                value,
                confidence: NUMERIC,
                start: i,
                end: i + 1,
            });
        }
    }
    found
}

/// "3/14" or "3/14/2025" (month first, as in the US).
fn numeric(word: &str, today: Date) -> Option<Date> {
    let parts: Vec<i16> = word
        .split('/')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [m, d] if (1..=12).contains(&m) => upcoming(today, m as i8, i8::try_from(d).ok()?),
        [m, d, y] => Date::new(
            if y < 100 { 2000 + y } else { y },
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Wednesday 12 March 2025.
    const TODAY: Date = date(2025, 3, 12);

    fn dates(text: &str) -> Vec<(Date, f32)> {
        let s = Sentence::parse(text);
        calendar_dates(&s, &s.lower(), TODAY)
            .into_iter()
            .map(|m| (m.value, m.confidence))
            .collect()
    }

    #[test]
    fn month_and_day_in_any_order() {
        assert_eq!(dates("That's March 14th."), [(date(2025, 3, 14), SURE)]);
        assert_eq!(
            dates("on March the third"),
            [(date(2026, 3, 3), SURE)],
            "passed: next year"
        );
        assert_eq!(
            dates("the twenty first of April"),
            [(date(2025, 4, 21), SURE)]
        );
        assert_eq!(dates("April 21"), [(date(2025, 4, 21), SURE)]);
        assert_eq!(dates("June 2nd, 2026"), [(date(2026, 6, 2), SURE)]);
        assert_eq!(dates("June 2nd, 2024"), [(date(2024, 6, 2), PAST)]);
    }

    #[test]
    fn numeric_dates_are_month_first() {
        assert_eq!(
            dates("So that's 3/20 at 2."),
            [(date(2025, 3, 20), NUMERIC)]
        );
        assert_eq!(dates("on 1/5"), [(date(2026, 1, 5), NUMERIC)]);
        assert_eq!(dates("3/20/2025"), [(date(2025, 3, 20), NUMERIC)]);
        assert_eq!(dates("13/20"), []);
    }

    #[test]
    fn months_need_a_capital_and_a_day() {
        assert_eq!(dates("you may want to"), []);
        assert_eq!(dates("May I have your name?"), []);
        assert_eq!(dates("February 30th"), []);
    }
}
