//! Street addresses: a house number, a street name and a street suffix, then maybe a unit.
//! "42 Oak Street", "one twenty three Main Street apartment 4", "at 7 Elm Avenue".
//!
//! Written out in one canonical form so the label and the booking compare exactly: the number
//! in digits, the street name as said (capitalised), the suffix in full ("St" -> "Street"),
//! and a unit as ", Apartment 4". City, state and zip are not part of it.

use super::facts::Field;
use super::numbers::{is_number_word, ordinal, spoken_number};
use super::words::Sentence;

/// Street suffixes as said or abbreviated, and their full written form.
#[rustfmt::skip]
const SUFFIXES: &[(&str, &str)] = &[
    ("street", "Street"), ("st", "Street"), ("avenue", "Avenue"), ("ave", "Avenue"),
    ("road", "Road"), ("rd", "Road"), ("drive", "Drive"), ("dr", "Drive"), ("lane", "Lane"),
    ("ln", "Lane"), ("court", "Court"), ("ct", "Court"), ("boulevard", "Boulevard"),
    ("blvd", "Boulevard"), ("way", "Way"), ("place", "Place"), ("pl", "Place"),
    ("terrace", "Terrace"), ("circle", "Circle"), ("parkway", "Parkway"), ("pkwy", "Parkway"),
    ("highway", "Highway"), ("hwy", "Highway"), ("trail", "Trail"), ("square", "Square"),
    ("loop", "Loop"), ("crescent", "Crescent"), ("row", "Row"), ("alley", "Alley"),
    ("pike", "Pike"),
];
/// Directions said after a street's suffix, and their written form.
#[rustfmt::skip]
const DIRECTIONS: &[(&str, &str)] = &[
    ("north", "North"), ("south", "South"), ("east", "East"), ("west", "West"),
    ("northeast", "Northeast"), ("northwest", "Northwest"), ("southeast", "Southeast"),
    ("southwest", "Southwest"), ("ne", "NE"), ("nw", "NW"), ("se", "SE"), ("sw", "SW"),
];

/// Unit words and their written form.
const UNITS: &[(&str, &str)] = &[
    ("apartment", "Apartment"),
    ("apt", "Apartment"),
    ("unit", "Unit"),
    ("suite", "Suite"),
    ("ste", "Suite"),
];
/// Street names are at most this many words ("Martin Luther King Junior").
const MAX_NAME_WORDS: usize = 4;

const DIGITS: f32 = 0.9;
const SPOKEN: f32 = 0.85;
/// "210 Broadway": a number and capitalised words set off by a pause, without a suffix.
const NO_SUFFIX: f32 = 0.85;
const CONFLICT: f32 = super::facts::DOUBTED;

/// Whether a word is a street suffix ("street", "ave").
pub fn is_street_suffix(lower: &str) -> bool {
    SUFFIXES.iter().any(|(s, _)| *s == lower)
}

/// The written form of a street suffix or unit word ("st" and "street" are both "Street",
/// "apt" is "Apartment"), for comparing an address written one way with one said another.
pub fn written_form(lower: &str) -> Option<&'static str> {
    suffix(lower).or_else(|| UNITS.iter().find(|(u, _)| *u == lower).map(|(_, w)| *w))
}

/// A word of a house number said aloud; "oh" is a zero inside one ("twelve oh five").
fn numberish(lower: &str) -> bool {
    is_number_word(lower) || lower == "oh"
}

fn suffix(lower: &str) -> Option<&'static str> {
    SUFFIXES
        .iter()
        .find(|(s, _)| *s == lower)
        .map(|(_, full)| *full)
}

/// The house number starting at `i`: digits ("42", "42B") or number words, which must not
/// run on from a number before them. Returns (number, end, written in digits).
fn house_number(s: &Sentence, words: &[&str], i: usize) -> Option<(String, usize, bool)> {
    let w = words[i];
    if w.chars().next().is_some_and(|c| c.is_ascii_digit())
        && w.len() <= 6
        && w.chars().all(|c| c.is_ascii_alphanumeric())
        && ordinal(&[w]).is_none()
    {
        return Some((w.to_uppercase(), i + 1, true));
    }
    let continues = i > 0 && numberish(words[i - 1]) && !s.words[i - 1].pause_after;
    if continues || !is_number_word(w) {
        return None;
    }
    // Stop the number at the first pause: "three, one twenty three" is two numbers.
    let end = (i..words.len())
        .find(|&j| s.words[j].pause_after || !numberish(words[j]))
        .map_or(words.len(), |j| if numberish(words[j]) { j + 1 } else { j });
    let (number, used) = spoken_number(&words[i..end])?;
    Some((number, i + used, false))
}

/// The street name and suffix after a house number: capitalised words or ordinals, then a
/// suffix. Returns ("Oak Street", end, with a suffix). A street without a suffix ("210
/// Broadway", "63 Willow Bend") counts when its capitalised words end where the speaker paused
/// (or the sentence, or a unit starts).
fn street(s: &Sentence, words: &[&str], mut i: usize) -> Option<(String, usize, bool)> {
    let mut name: Vec<String> = Vec::new();
    while i < words.len() {
        let w = &s.words[i];
        if let (Some(full), false) = (suffix(words[i]), name.is_empty()) {
            // "Lyndale Avenue South": a direction after the suffix belongs to the street.
            let direction = words
                .get(i + 1)
                .and_then(|d| DIRECTIONS.iter().find(|(w, _)| w == d))
                .filter(|_| !s.words[i].pause_after);
            return Some(match direction {
                Some((_, written)) => (format!("{} {full} {written}", name.join(" ")), i + 2, true),
                None => (format!("{} {full}", name.join(" ")), i + 1, true),
            });
        }
        let unit_next = UNITS.iter().any(|(u, _)| *u == words[i]);
        if unit_next
            && !name.is_empty()
            && name
                .iter()
                .all(|n| !n.starts_with(|c: char| c.is_ascii_digit()))
        {
            return Some((name.join(" "), i, false));
        }
        if name.len() == MAX_NAME_WORDS {
            return None;
        }
        let capital = w.text.chars().next().is_some_and(char::is_uppercase);
        let street_number = ordinal(&words[i..]).filter(|(_, k)| *k == 1);
        let word = match street_number {
            Some((n, _)) if w.text.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                format!("{n}{}", &words[i][n.to_string().len()..])
            }
            _ if capital
                && w.text.chars().all(|c| c.is_alphabetic() || c == '\'')
                && !not_a_street_word(&w.lower) =>
            {
                w.text.clone()
            }
            _ => return None,
        };
        name.push(word);
        i += 1;
        // "505 Crescent, uh, Avenue": a pause before the suffix does not end the street.
        let suffix_next = words.get(i).is_some_and(|n| suffix(n).is_some());
        let ends = (w.pause_after && !suffix_next) || i == words.len();
        if ends {
            let named = name
                .iter()
                .any(|n| !n.starts_with(|c: char| c.is_ascii_digit()));
            return (named && suffix(words[i - 1]).is_none()).then(|| (name.join(" "), i, false));
        }
    }
    None
}

/// Capitalised words that do not name a street: days, months, am/pm, everyday words.
fn not_a_street_word(lower: &str) -> bool {
    super::date::weekday(lower).is_some()
        || super::calendar::is_month(lower)
        || super::name::is_everyday_word(lower)
}

/// ", Apartment 4" after a street, if said.
fn unit(s: &Sentence, words: &[&str], i: usize) -> Option<(String, usize)> {
    let (_, kind) = UNITS.iter().find(|(u, _)| Some(u) == words.get(i))?;
    let skip = usize::from(words.get(i + 1) == Some(&"number"));
    let j = i + 1 + skip;
    let w = *words.get(j)?;
    // "4", "3B", or a single letter ("unit B"); otherwise a number said in words.
    let written =
        w.chars().all(|c| c.is_ascii_alphanumeric()) && w.chars().any(|c| c.is_ascii_digit());
    let letter = w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic());
    let id = if written || letter {
        (w.to_uppercase(), j + 1)
    } else {
        let end = (j..words.len())
            .find(|&k| s.words[k].pause_after || !numberish(words[k]))
            .map_or(words.len(), |k| if numberish(words[k]) { k + 1 } else { k });
        let (n, used) = spoken_number(&words[j..end])?;
        (n, j + used)
    };
    Some((format!(", {kind} {}", id.0), id.1))
}

/// A unit said on its own, correcting or completing the address read before: "Sorry, 3D, D as
/// in dog." after "150 Grove Street, apartment 3B"; ", apartment 3D" in a later read-back.
/// Only when the sentence names no street address of its own.
pub fn unit_alone(s: &Sentence) -> Option<Field<String>> {
    if extract(s).is_some() {
        return None;
    }
    let words = s.lower();
    let (i, _) = words
        .iter()
        .enumerate()
        .find(|(_, w)| UNITS.iter().any(|(u, _)| u == *w))?;
    let (unit, end) = unit(s, &words, i)?;
    Some(Field::new(unit.clone(), DIGITS, s.said(i, end)))
}

/// The street address in a sentence (the caller decides, in [`super::caveats`], whether the
/// sentence is about the business's own premises).
pub fn extract(s: &Sentence) -> Option<Field<String>> {
    let words = s.lower();
    let mut found: Vec<(String, f32, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let Some((number, after_number, digits)) = house_number(s, &words, i) else {
            i += 1;
            continue;
        };
        let Some((street, mut end, suffixed)) = street(s, &words, after_number) else {
            i += 1;
            continue;
        };
        // A house number and its street are said in one breath: "at 9, Fatima Benali" is a
        // time and a name, not a street without a suffix.
        if !suffixed && s.words[after_number - 1].pause_after {
            i += 1;
            continue;
        }
        let mut address = format!("{number} {street}");
        if let Some((unit, unit_end)) = unit(s, &words, end) {
            address.push_str(&unit);
            end = unit_end;
        }
        let confidence = match (suffixed, digits) {
            (true, true) => DIGITS,
            (true, false) => SPOKEN,
            (false, _) => NO_SUFFIX,
        };
        found.push((address, confidence, i, end));
        i = end;
    }
    let (value, confidence, start, end) = found.last()?.clone();
    let confidence = if found.iter().any(|f| f.0 != value) {
        CONFLICT
    } else {
        confidence
    };
    Some(Field::new(value, confidence, s.said(start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> Option<(String, f32)> {
        extract(&Sentence::parse(text)).map(|f| (f.value, f.confidence))
    }

    #[test]
    fn digits_and_suffixes() {
        assert_eq!(
            address("So that's 42 Oak Street."),
            Some(("42 Oak Street".into(), DIGITS))
        );
        assert_eq!(
            address("We'll see you at 7 Elm Ave. then"),
            Some(("7 Elm Avenue".into(), DIGITS))
        );
        assert_eq!(
            address("That's 1600 Martin Luther King Blvd, right?"),
            Some(("1600 Martin Luther King Boulevard".into(), DIGITS))
        );
        assert_eq!(
            address("at 100 West 5th Street"),
            Some(("100 West 5th Street".into(), DIGITS))
        );
        assert_eq!(
            address("at 12 Court Street"),
            Some(("12 Court Street".into(), DIGITS))
        );
    }

    #[test]
    fn spoken_numbers_and_units() {
        assert_eq!(
            address("one twenty three Main Street apartment 4"),
            Some(("123 Main Street, Apartment 4".into(), SPOKEN))
        );
        assert_eq!(
            address("That's forty two Birch Lane, unit B."),
            Some(("42 Birch Lane, Unit B".into(), SPOKEN))
        );
        assert_eq!(
            address("at fifteen hundred Lakeview Drive, suite two ten"),
            Some(("1500 Lakeview Drive, Suite 210".into(), SPOKEN))
        );
        assert_eq!(
            address("Tuesday at three, twelve oh five Pine Road."),
            Some(("1205 Pine Road".into(), SPOKEN))
        );
    }

    #[test]
    fn streets_without_a_suffix() {
        assert_eq!(
            address("210 Broadway, apartment 5."),
            Some(("210 Broadway, Apartment 5".into(), NO_SUFFIX))
        );
        assert_eq!(
            address("63 Willow Bend. Phone?"),
            Some(("63 Willow Bend".into(), NO_SUFFIX))
        );
        assert_eq!(
            address("That's 3 Birch Hollow"),
            Some(("3 Birch Hollow".into(), NO_SUFFIX))
        );
        assert_eq!(address("at 2 PM, okay"), None);
        assert_eq!(address("So 14 Tuesday."), None);
        assert_eq!(address("I have 3 Thanks"), None);
    }

    #[test]
    fn a_unit_alone() {
        let unit = |t: &str| unit_alone(&Sentence::parse(t)).map(|f| f.value);
        assert_eq!(
            unit("Furniture pickup Tuesday at two, apartment 3D."),
            Some(", Apartment 3D".into())
        );
        assert_eq!(
            unit("42 Oak Street, apartment 3D."),
            None,
            "a whole address"
        );
        assert_eq!(unit("See you Tuesday."), None);
    }

    #[test]
    fn not_addresses() {
        assert_eq!(address("It's a one way street."), None);
        assert_eq!(address("the 3rd Street bridge"), None);
        assert_eq!(
            address("5 Oak, and then Street").map(|a| a.1),
            Some(NO_SUFFIX)
        );
        assert_eq!(
            address("Is it 42 Oak Street or 44 Oak Street?").map(|a| a.1),
            Some(CONFLICT)
        );
    }
}
