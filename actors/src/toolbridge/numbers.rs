//! Numbers said as words: "one twenty three", "twenty-five", "fourteenth", "oh five".
//!
//! Hand-written because the agent says numbers the way people do, not the way a cardinal
//! parser expects: house numbers and times are read in groups ("one twenty three" is 123,
//! "three oh five" is 3:05), phone digits one by one. Every function takes lower-case words
//! (see [`super::words::Word::lower`]) and says how many it used, so callers can go on after.

const UNITS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
#[rustfmt::skip]
const TEENS: &[&str] = &[
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
];
const TENS: &[&str] = &[
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const ORDINAL_UNITS: &[&str] = &[
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
];
#[rustfmt::skip]
const ORDINAL_TEENS: &[&str] = &[
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
];
#[rustfmt::skip]
const ORDINAL_TENS: &[&str] = &[
    "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
    "ninetieth",
];

fn index(list: &[&str], word: &str) -> Option<u32> {
    list.iter().position(|w| *w == word).map(|i| i as u32)
}

/// A single digit said as a word, or a one-digit numeral. "oh" and "o" are zero only where
/// the caller knows digits are being read (see [`super::phone`]), so they are not here.
pub fn digit_word(word: &str) -> Option<u32> {
    if let Some(d) = index(UNITS, word) {
        return Some(d);
    }
    (word.len() == 1)
        .then(|| word.chars().next()?.to_digit(10))
        .flatten()
}

/// A tens word ("twenty", "thirty"...) as its value.
pub fn tens_word(word: &str) -> Option<u32> {
    index(TENS, word).map(|i| 20 + 10 * i)
}

/// 0 to 99 said as one unit, tens-and-units, or a teen: ("forty", "two") is 42.
pub fn small(words: &[&str]) -> Option<(u32, usize)> {
    let first = *words.first()?;
    if let Some(t) = tens_word(first) {
        if let Some(u) = words
            .get(1)
            .and_then(|w| index(UNITS, w))
            .filter(|u| *u > 0)
        {
            return Some((t + u, 2));
        }
        return Some((t, 1));
    }
    if let Some(t) = index(TEENS, first) {
        return Some((10 + t, 1));
    }
    index(UNITS, first).map(|u| (u, 1))
}

/// A standard cardinal up to 999,999 ("two thousand five", "one hundred and twenty three",
/// "fifteen hundred"); must contain "hundred" or "thousand" to count, because plain 0..99 and
/// digit groups are read by [`small`] and [`spoken_number`].
pub fn cardinal(words: &[&str]) -> Option<(u32, usize)> {
    let (mut total, mut current, mut used, mut scaled) = (0u32, 0u32, 0usize, false);
    while let Some(&w) = words.get(used) {
        let rest = &words[used..];
        match w {
            "hundred" if (1..=99).contains(&current) => current *= 100,
            "thousand" if total == 0 && (1..=999).contains(&current) => {
                total = current * 1000;
                current = 0;
            }
            // "one hundred and five": "and" only counts when a number follows it.
            "and" if scaled && small(&rest[1..]).is_some() => {}
            _ => match small(rest) {
                // Tens and units fill an empty slot only: "twenty twenty" is not one number.
                Some((n, k)) if current % 100 == 0 => {
                    current += n;
                    used += k;
                    continue;
                }
                _ => break,
            },
        }
        scaled |= w != "and";
        used += 1;
    }
    (scaled && used > 0).then_some((total + current, used))
}

/// A number read the way people read house numbers and times: a cardinal with
/// hundred/thousand, or groups of 0..99 read one after another ("one twenty three" = 123,
/// "twelve oh five" = 1205, "one two three" = 123). Returns the digits as a string (leading
/// zeros matter for times) and the words used.
pub fn spoken_number(words: &[&str]) -> Option<(String, usize)> {
    if let Some((n, k)) = cardinal(words) {
        return Some((n.to_string(), k));
    }
    let mut digits = String::new();
    let mut used = 0;
    while used < words.len() {
        let w = words[used];
        if (w == "oh" || w == "o") && used > 0 {
            if let Some(d) = words.get(used + 1).and_then(|n| index(UNITS, n)) {
                digits.push_str(&format!("0{d}"));
                used += 2;
                continue;
            }
            break;
        }
        match small(&words[used..]) {
            Some((n, k)) => {
                digits.push_str(&n.to_string());
                used += k;
            }
            None => break,
        }
    }
    (used > 0).then_some((digits, used))
}

/// An ordinal: "fourteenth", "twenty first", "twenty-first" (already split into two words),
/// "14th", "3rd", "1st". Returns the value and the words used.
pub fn ordinal(words: &[&str]) -> Option<(u32, usize)> {
    let first = *words.first()?;
    if let Some(t) = tens_word(first) {
        if let Some(u) = words
            .get(1)
            .and_then(|w| index(ORDINAL_UNITS, w))
            .filter(|u| *u > 0)
        {
            return Some((t + u, 2));
        }
    }
    if let Some(u) = index(ORDINAL_UNITS, first) {
        return Some((u, 1));
    }
    if let Some(t) = index(ORDINAL_TEENS, first) {
        return Some((10 + t, 1));
    }
    if let Some(t) = index(ORDINAL_TENS, first) {
        return Some((20 + 10 * t, 1));
    }
    let digits: String = first.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &first[digits.len()..];
    if !digits.is_empty() && ["st", "nd", "rd", "th"].contains(&suffix) {
        return Some((digits.parse().ok()?, 1));
    }
    None
}

/// Whether a word can be part of a number said as words (used to find where one starts).
pub fn is_number_word(word: &str) -> bool {
    index(UNITS, word).is_some()
        || index(TEENS, word).is_some()
        || tens_word(word).is_some()
        || matches!(word, "hundred" | "thousand")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    #[test]
    fn small_numbers() {
        assert_eq!(small(&w("forty two street")), Some((42, 2)));
        assert_eq!(small(&w("forty street")), Some((40, 1)));
        assert_eq!(small(&w("fourteen")), Some((14, 1)));
        assert_eq!(small(&w("seven")), Some((7, 1)));
        assert_eq!(small(&w("street")), None);
    }

    #[test]
    fn cardinals_need_a_scale_word() {
        assert_eq!(cardinal(&w("one hundred and twenty three")), Some((123, 5)));
        assert_eq!(cardinal(&w("two thousand five")), Some((2005, 3)));
        assert_eq!(cardinal(&w("fifteen hundred Main")), Some((1500, 2)));
        assert_eq!(
            cardinal(&w("twelve thousand three hundred forty")),
            Some((12340, 5))
        );
        assert_eq!(cardinal(&w("five hundred and")), Some((500, 2)));
        assert_eq!(cardinal(&w("twenty three")), None);
    }

    #[test]
    fn spoken_groups_read_like_house_numbers() {
        assert_eq!(
            spoken_number(&w("one twenty three Main")),
            Some(("123".into(), 3))
        );
        assert_eq!(
            spoken_number(&w("twelve oh five")),
            Some(("1205".into(), 3))
        );
        assert_eq!(spoken_number(&w("one two three")), Some(("123".into(), 3)));
        assert_eq!(spoken_number(&w("forty two")), Some(("42".into(), 2)));
        assert_eq!(spoken_number(&w("three thirty")), Some(("330".into(), 2)));
        assert_eq!(
            spoken_number(&w("oh five")),
            None,
            "a number never starts with oh"
        );
        assert_eq!(
            spoken_number(&w("fifteen hundred")),
            Some(("1500".into(), 2))
        );
    }

    #[test]
    fn ordinals_in_words_and_digits() {
        assert_eq!(ordinal(&w("fourteenth of")), Some((14, 1)));
        assert_eq!(ordinal(&w("twenty first")), Some((21, 2)));
        assert_eq!(ordinal(&w("thirtieth")), Some((30, 1)));
        assert_eq!(ordinal(&w("3rd")), Some((3, 1)));
        assert_eq!(ordinal(&w("22nd")), Some((22, 1)));
        assert_eq!(ordinal(&w("22")), None);
        assert_eq!(ordinal(&w("twenty")), None);
    }

    #[test]
    fn digit_words() {
        assert_eq!(digit_word("nine"), Some(9));
        assert_eq!(digit_word("7"), Some(7));
        assert_eq!(digit_word("oh"), None);
        assert_eq!(digit_word("12"), None);
        assert!(is_number_word("hundred") && !is_number_word("oh"));
    }
}
