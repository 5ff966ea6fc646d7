//! A clock reading as words or digits, before am/pm is known: "3", "3:30", "15:30", "three
//! thirty", "three oh five", "ten o'clock", "half past two", "a quarter to eleven".
//!
//! Separate from [`super::time`], which decides whether a reading is a time at all and which
//! half of the day it is in.

use super::numbers::small;

/// A clock reading: the hour as said (1-12, or 0-23 when written "15:30"), the minute, and
/// the words it used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub hour: i8,
    pub minute: i8,
    pub used: usize,
    /// "3:30", "half past two", "o'clock": unmistakably a time even without "at".
    pub explicit: bool,
}

impl Clock {
    fn new(hour: i8, minute: i8, used: usize, explicit: bool) -> Clock {
        Clock {
            hour,
            minute,
            used,
            explicit,
        }
    }
}

/// An hour from 1 to 12, as a numeral or a word.
fn hour_word(word: &str) -> Option<i8> {
    let n = word
        .parse::<i8>()
        .ok()
        .or_else(|| small(&[word]).map(|(n, _)| n as i8))?;
    (1..=12).contains(&n).then_some(n)
}

/// The clock reading that starts the given words, if any.
pub fn clock(words: &[&str]) -> Option<Clock> {
    let first = *words.first()?;
    if let Some((h, m)) = first.split_once(':') {
        let (hour, minute) = (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?);
        let ok = (0..=23).contains(&hour) && (0..=59).contains(&minute) && m.len() == 2;
        return ok.then_some(Clock::new(hour, minute, 1, true));
    }
    if let ["half" | "quarter", relation, hour, ..] = words {
        let hour = hour_word(hour)?;
        return match (first, *relation) {
            ("half", "past") => Some(Clock::new(hour, 30, 3, true)),
            ("quarter", "past" | "after") => Some(Clock::new(hour, 15, 3, true)),
            ("quarter", "to" | "till" | "of") => Some(Clock::new(
                if hour == 1 { 12 } else { hour - 1 },
                45,
                3,
                true,
            )),
            _ => None,
        };
    }
    let hour = hour_word(first)?;
    let rest = &words[1..];
    let (minute, used) = match rest {
        ["o'clock", ..] => return Some(Clock::new(hour, 0, 2, true)),
        ["oh" | "o", digit, ..] => (small(&[digit]).filter(|(n, _)| *n < 10)?.0 as i8, 3),
        // Minutes in words follow an hour in words ("three thirty"); after a numeral ("3
        // fifteen") they are more likely something else.
        _ => match small(rest).filter(|(n, _)| (10..60).contains(n)) {
            Some((n, k)) if !first.chars().all(|c| c.is_ascii_digit()) => (n as i8, 1 + k),
            _ => (0, 1),
        },
    };
    Some(Clock::new(hour, minute, used, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(i8, i8, usize, bool)> {
        let words: Vec<&str> = text.split(' ').collect();
        clock(&words).map(|c| (c.hour, c.minute, c.used, c.explicit))
    }

    #[test]
    fn digits_and_words() {
        assert_eq!(read("3 pm"), Some((3, 0, 1, false)));
        assert_eq!(read("3:30 pm"), Some((3, 30, 1, true)));
        assert_eq!(read("15:05"), Some((15, 5, 1, true)));
        assert_eq!(read("three thirty in"), Some((3, 30, 2, false)));
        assert_eq!(read("eleven forty five"), Some((11, 45, 3, false)));
        assert_eq!(read("three oh five"), Some((3, 5, 3, false)));
        assert_eq!(read("ten o'clock"), Some((10, 0, 2, true)));
    }

    #[test]
    fn half_and_quarter() {
        assert_eq!(read("half past two"), Some((2, 30, 3, true)));
        assert_eq!(read("quarter past ten"), Some((10, 15, 3, true)));
        assert_eq!(read("quarter to one"), Some((12, 45, 3, true)));
        assert_eq!(read("half an hour"), None);
    }

    #[test]
    fn not_clock_readings() {
        assert_eq!(read("13"), None);
        assert_eq!(read("twenty"), None);
        assert_eq!(read("3:5"), None);
        assert_eq!(read("25:00"), None);
        assert_eq!(
            read("five five"),
            Some((5, 0, 1, false)),
            "digits read one by one are not minutes"
        );
    }
}
