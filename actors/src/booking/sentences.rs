//! The one short sentence the agent speaks for each tool result.
//!
//! The caller hears these through TTS, so they are written to be *said*: "3 PM" not "15:00",
//! "March 3rd" not "2026-03-03", "john at example dot com" not "john@example.com". Each result is
//! one sentence because the caller is waiting on the line: anything longer delays the
//! conversation and invites interruption.

use jiff::civil::{Date, DateTime, Time, Weekday};

use super::UnavailableReason;

/// "Tuesday March 3rd at 3 PM", "Tuesday March 3rd at 3:30 PM", "Tuesday March 3rd at noon".
///
/// No year: bookings are at most weeks ahead, and a year is noise on the phone.
pub fn spoken_datetime(dt: DateTime) -> String {
    format!("{} at {}", spoken_date(dt.date()), spoken_time(dt.time()))
}

/// "Tuesday March 3rd".
pub fn spoken_date(date: Date) -> String {
    format!(
        "{} {} {}",
        weekday_name(date.weekday()),
        month_name(date.month()),
        ordinal(date.day())
    )
}

/// "3 PM", "3:30 PM", "noon", "midnight" (seconds are never spoken).
pub fn spoken_time(t: Time) -> String {
    match (t.hour(), t.minute()) {
        (0, 0) => "midnight".to_string(),
        (12, 0) => "noon".to_string(),
        (h, m) => {
            let suffix = if h < 12 { "AM" } else { "PM" };
            let h12 = match h % 12 {
                0 => 12,
                h => h,
            };
            if m == 0 {
                format!("{h12} {suffix}")
            } else {
                format!("{h12}:{m:02} {suffix}")
            }
        }
    }
}

/// "john.smith@example.com" -> "john dot smith at example dot com", so TTS neither spells the
/// `@` as a symbol name nor runs the domain together.
pub fn spoken_email(email: &str) -> String {
    let mut out = String::with_capacity(email.len() + 16);
    for c in email.trim().chars() {
        let word = match c {
            '@' => " at ",
            '.' => " dot ",
            '_' => " underscore ",
            '-' => " dash ",
            '+' => " plus ",
            _ => {
                out.extend(c.to_lowercase());
                continue;
            }
        };
        out.push_str(word);
    }
    // Collapse the doubled spaces that adjacent symbols ("a._b") leave behind.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Sorry, <slot> is taken; I could do ..." for every reason, with or without the wanted slot
/// (unnamed, it is "that time").
pub fn unavailable_sentence(
    reason: UnavailableReason,
    wanted: Option<DateTime>,
    alternatives: &[DateTime],
) -> String {
    format!(
        "{}{}",
        unavailable_head(reason, wanted),
        alternatives_tail(wanted, alternatives)
    )
}

/// Like [`unavailable_sentence`] when the caller already holds an appointment that stays:
/// "Sorry, Tuesday March 3rd at 3 PM is taken, so you're still booked for Tuesday March 3rd at
/// 2 PM; I could do 4 PM that day."
pub fn still_booked_sentence(
    reason: UnavailableReason,
    wanted: DateTime,
    kept: DateTime,
    alternatives: &[DateTime],
) -> String {
    format!(
        "{}, so you're still booked for {}{}",
        unavailable_head(reason, Some(wanted)),
        spoken_datetime(kept),
        alternatives_tail(Some(wanted), alternatives)
    )
}

/// "Sorry, <slot> is taken" (no punctuation at the end).
fn unavailable_head(reason: UnavailableReason, wanted: Option<DateTime>) -> String {
    let slot = wanted.map(spoken_datetime);
    match (reason, &slot) {
        (UnavailableReason::Taken, Some(s)) => format!("Sorry, {s} is taken"),
        (UnavailableReason::Taken, None) => "Sorry, that time is taken".to_string(),
        (UnavailableReason::OutsideHours, Some(s)) => format!("Sorry, {s} is outside our hours"),
        (UnavailableReason::OutsideHours, None) => {
            "Sorry, that time is outside our hours".to_string()
        }
        (UnavailableReason::Closed, _) => match wanted {
            Some(w) => format!("Sorry, we're closed on {}s", weekday_name(w.weekday())),
            None => "Sorry, we're closed that day".to_string(),
        },
        (UnavailableReason::InThePast, Some(s)) => format!("Sorry, {s} has already passed"),
        (UnavailableReason::InThePast, None) => "Sorry, that time has already passed".to_string(),
    }
}

/// "; I could do ..." or ", and I have nothing free in the next two weeks.", ending the
/// sentence.
fn alternatives_tail(wanted: Option<DateTime>, alternatives: &[DateTime]) -> String {
    if alternatives.is_empty() {
        return ", and I have nothing free in the next two weeks.".to_string();
    }
    format!(
        "; I could do {}.",
        alternatives_phrase(wanted.map(|w| w.date()), alternatives)
    )
}

/// "2 PM or 4 PM that day, or Wednesday March 4th at 9 AM": alternatives grouped by day (in the
/// order given) so a day is said once; the wanted day is "that day".
fn alternatives_phrase(same_day: Option<Date>, alternatives: &[DateTime]) -> String {
    let mut groups: Vec<(Date, Vec<Time>)> = Vec::new();
    for alt in alternatives {
        match groups.last_mut() {
            Some((date, times)) if *date == alt.date() => times.push(alt.time()),
            _ => groups.push((alt.date(), vec![alt.time()])),
        }
    }
    let phrases: Vec<String> = groups
        .iter()
        .map(|(date, times)| {
            let times: Vec<String> = times.iter().map(|t| spoken_time(*t)).collect();
            let times = join_or(&times, " or ");
            if Some(*date) == same_day {
                format!("{times} that day")
            } else {
                format!("{} at {times}", spoken_date(*date))
            }
        })
        .collect();
    join_or(&phrases, ", or ")
}

/// "a", "a or b", "a, b or c" (`last` separates the final item).
fn join_or(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(", ")),
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

fn month_name(m: i8) -> &'static str {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    MONTHS[(m.clamp(1, 12) - 1) as usize]
}

/// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 23rd, 31st.
fn ordinal(day: i8) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

#[cfg(test)]
#[path = "sentences_tests.rs"]
mod tests;
