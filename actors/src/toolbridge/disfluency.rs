//! Disfluencies: what a speaker says on the way to what they mean.
//!
//! PersonaPlex transcribes its own speech as spoken, hesitations included: "oh one, uh, five
//! five", "I'm putting, I'm putting you on for Saturday", "Rah... Rahmani", "Delacroix hyphen
//! Hale". Every extractor reads the cleaned words, so none of them has to know about it.

use super::words::Word;

/// Sounds that fill a hesitation and carry nothing: "uh", "um".
const FILLERS: &[&str] = &[
    "uh", "um", "uhm", "umm", "er", "erm", "uhh", "hmm", "mm", "mhm",
];

/// The words as the speaker meant them: fillers dropped ("oh one, uh, five five"), restarts
/// collapsed ("I'm putting, I'm putting you on", "8 Spruce, Spruce Street"), and a word broken
/// off before it is said whole dropped ("Rah... Rahmani"). Digits, number words and spelled
/// letters are never collapsed: "five five five" is three fives.
pub fn fluent(mut words: Vec<Word>) -> Vec<Word> {
    // The commas around a filler mark the hesitation, not a pause in what is said:
    // "Giuseppe, uh, Romano" is one name; "Giuseppe, uh Romano" keeps its comma.
    let mut kept: Vec<Word> = Vec::with_capacity(words.len());
    for w in words.drain(..) {
        if FILLERS.contains(&w.lower.as_str()) {
            if let Some(last) = kept.last_mut() {
                last.pause_after = last.pause_after && !w.pause_after;
            }
            continue;
        }
        kept.push(w);
    }
    let mut words = kept;
    // "Delacroix hyphen Hale" is "Delacroix-Hale".
    let mut i = 1;
    while i + 1 < words.len() {
        let capital = |w: &Word| w.text.starts_with(|c: char| c.is_uppercase());
        if matches!(words[i].lower.as_str(), "hyphen" | "dash")
            && capital(&words[i - 1])
            && capital(&words[i + 1])
            && !words[i - 1].pause_after
        {
            words.remove(i);
            words[i - 1].hyphen_after = true;
        } else {
            i += 1;
        }
    }
    // "Rah... Rahmani": a fragment that the next words say whole.
    let mut i = 0;
    while i < words.len() {
        let fragment = words[i].lower.clone();
        let cut_off = words[i].hesitant
            && fragment.len() >= 2
            && words[i + 1..]
                .iter()
                .take(2)
                .any(|n| n.lower.len() > fragment.len() && n.lower.starts_with(&fragment));
        if cut_off {
            words.remove(i);
        } else {
            i += 1;
        }
    }
    // Restarts: the same one to four words said twice in a row.
    let countable = |w: &Word| {
        w.text.chars().any(|c| c.is_ascii_digit())
            || super::numbers::is_number_word(&w.lower)
            || w.lower == "oh"
            || w.text.chars().count() == 1
    };
    let mut i = 0;
    while i < words.len() {
        let mut collapsed = false;
        for k in (1..=4).rev() {
            if i + 2 * k > words.len() {
                continue;
            }
            let same = (0..k).all(|j| words[i + j].lower == words[i + k + j].lower);
            if same && !words[i..i + k].iter().any(countable) {
                words.drain(i..i + k);
                collapsed = true;
                break;
            }
        }
        if !collapsed {
            i += 1;
        }
    }
    words
}
