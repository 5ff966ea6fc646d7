//! E-mail addresses as read back: "john at example dot com", "j dot smith at gmail dot com",
//! spelled "j o h n at ...", or written "john.smith@example.com". Always lower case.

use super::facts::Field;
use super::words::Sentence;

const WRITTEN: f32 = 0.95;
const SPOKEN: f32 = 0.9;
/// A spoken local part whose start is unclear ("chloe adams at ..." may be "chloeadams").
const UNCLEAR_START: f32 = 0.5;
/// Two different addresses in one sentence: keep the last, do not trust it.
const CONFLICT: f32 = super::facts::DOUBTED;

/// Words read out for the symbols of an address.
const SEPARATORS: &[(&str, &str)] = &[
    ("dot", "."),
    ("period", "."),
    ("underscore", "_"),
    ("dash", "-"),
    ("hyphen", "-"),
];

/// Words that sit right before "at" in ordinary speech ("reach you at", "your email is at"):
/// never the end of a local part.
const NOT_LOCAL: &[&str] = &[
    "is", "me", "you", "us", "it", "them", "him", "her", "email", "address", "be", "there",
    "that's", "here", "was", "reach", "contact", "send", "sent", "and", "or", "the", "a", "to",
    "it's",
];

/// Words that introduce an address, so the local part clearly starts after them.
const LEAD_IN: &[&str] = &[
    "is", "that's", "it's", "email", "as", "have", "got", "so", "address", "was", "use", "uses",
    "be", "to", "at", "that", "it", "read", "e-mail",
];

/// The symbol a word reads out inside an address ("dot" is "."), if it is one.
pub fn separator(word: &str) -> Option<&'static str> {
    SEPARATORS.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
}

fn is_atom(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
        && separator(word).is_none()
}

/// "w-e-n-z-h-a-o-8-8" is "wenzhao88": letters spelled with dashes between them.
fn unspell(word: &str) -> String {
    let parts: Vec<&str> = word.split('-').collect();
    if parts.len() >= 3 && parts.iter().all(|p| p.chars().count() == 1) {
        parts.concat()
    } else {
        word.to_string()
    }
}

/// A written address ("John.Smith@Example.com").
fn written(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let (local, domain) = lower.split_once('@')?;
    let ok = !local.is_empty()
        && is_atom(local)
        && domain.contains('.')
        && is_atom(domain)
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    ok.then_some(lower)
}

/// The domain after a spoken "at": atoms joined by separators, at least one dot, ending in a
/// letters-only top-level domain. Returns it and the index after it.
fn domain(words: &[&str], mut i: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    loop {
        let atom = words.get(i).filter(|w| is_atom(w))?;
        out.push_str(atom);
        i += 1;
        match words.get(i).and_then(|w| separator(w)) {
            Some(sep) if words.get(i + 1).is_some_and(|w| is_atom(w)) => {
                out.push_str(sep);
                i += 1;
            }
            _ => break,
        }
    }
    let tld = out.rsplit('.').next().unwrap_or("");
    let ok = out.contains('.')
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    ok.then_some((out, i))
}

/// The local part before a spoken "at" (index `at`): atoms joined by separators, where an
/// atom is one word or a run of spelled single letters ("j o h n"). Returns it and its start.
fn local(words: &[&str], at: usize) -> Option<(String, usize)> {
    let mut parts: Vec<String> = Vec::new();
    let mut j = at;
    loop {
        let spelled = words[..j]
            .iter()
            .rev()
            .take_while(|w| w.len() == 1 && is_atom(w))
            .count();
        let atom = if spelled >= 2 {
            j -= spelled;
            words[j..j + spelled].concat()
        } else {
            let word = *words[..j].last().filter(|w| is_atom(w))?;
            if parts.is_empty() && NOT_LOCAL.contains(&word) {
                return None;
            }
            j -= 1;
            unspell(word)
        };
        parts.push(atom);
        match j.checked_sub(1).and_then(|k| separator(words[k])) {
            Some(sep) if j >= 2 && is_atom(words[j - 2]) => {
                parts.push(sep.to_string());
                j -= 1;
            }
            _ => break,
        }
    }
    parts.reverse();
    Some((parts.concat(), j))
}

/// The e-mail address in a sentence, lower case.
pub fn extract(s: &Sentence) -> Option<Field<String>> {
    let found = mentions(s);
    let (value, mut confidence, said, _) = found.last()?.clone();
    if found.iter().any(|(v, _, _, _)| *v != value) {
        confidence = CONFLICT;
    }
    Some(Field::new(value, confidence, said))
}

/// The words of the sentence that spell e-mail addresses, so other extractors leave them alone
/// ("olivia dot k dot moves at gmail dot com" is not a moving job).
pub fn spans(s: &Sentence) -> Vec<(usize, usize)> {
    mentions(s)
        .into_iter()
        .map(|(_, _, _, span)| span)
        .collect()
}

/// Every address in a sentence: (address, confidence, as said, word span).
fn mentions(s: &Sentence) -> Vec<(String, f32, String, (usize, usize))> {
    let words = s.lower();
    let mut found = Vec::new();
    for (i, word) in s.words.iter().enumerate() {
        if let Some(address) = written(&word.text) {
            found.push((address, WRITTEN, word.text.clone(), (i, i + 1)));
        } else if words[i] == "at" && i > 0 {
            let Some((domain, end)) = domain(&words, i + 1) else {
                continue;
            };
            let Some((local, start)) = local(&words, i) else {
                continue;
            };
            let clear =
                start == 0 || s.words[start - 1].pause_after || LEAD_IN.contains(&words[start - 1]);
            let confidence = if clear { SPOKEN } else { UNCLEAR_START };
            found.push((
                format!("{local}@{domain}"),
                confidence,
                s.said(start, end),
                (start, end),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> Option<String> {
        extract(&Sentence::parse(text)).map(|f| f.value)
    }

    #[test]
    fn spoken_addresses() {
        assert_eq!(
            email("Your email is john at example dot com."),
            Some("john@example.com".into())
        );
        assert_eq!(
            email("So that's j dot smith at gmail dot com, right?"),
            Some("j.smith@gmail.com".into())
        );
        assert_eq!(
            email("I have j o h n at example dot co dot uk."),
            Some("john@example.co.uk".into())
        );
        assert_eq!(
            email("That's maria underscore g at yahoo dot com."),
            Some("maria_g@yahoo.com".into())
        );
        assert_eq!(
            email("It's m a r i a dot g at outlook dot com."),
            Some("maria.g@outlook.com".into())
        );
    }

    #[test]
    fn spelled_with_dashes() {
        assert_eq!(
            email("W-E-N-Z-H-A-O-8-8 at gmail dot com."),
            Some("wenzhao88@gmail.com".into())
        );
    }

    #[test]
    fn an_unclear_start_is_not_trusted() {
        let f = extract(&Sentence::parse("It's chloe adams at yahoo dot com.")).unwrap();
        assert_eq!(
            (f.value.as_str(), f.confidence),
            ("adams@yahoo.com", UNCLEAR_START)
        );
        let f = extract(&Sentence::parse("Got it, adams at yahoo dot com.")).unwrap();
        assert_eq!(f.confidence, SPOKEN);
    }

    #[test]
    fn written_addresses_are_lower_cased() {
        assert_eq!(
            email("Got it, John.Smith@Example.com."),
            Some("john.smith@example.com".into())
        );
        let f = extract(&Sentence::parse("it's john.smith@example.com")).unwrap();
        assert_eq!(f.confidence, WRITTEN);
    }

    #[test]
    fn at_in_ordinary_speech_is_not_an_address() {
        assert_eq!(email("We'll be there at 3 pm at 42 Oak Street."), None);
        assert_eq!(email("I can reach you at five five five dot dot."), None);
        assert_eq!(email("Send it to me at the office dot."), None);
        assert_eq!(email("Your email is at example dot com."), None);
    }

    #[test]
    fn two_addresses_conflict() {
        let f = extract(&Sentence::parse(
            "Is it john at example dot com or jon at example dot com?",
        ))
        .unwrap();
        assert_eq!(
            (f.value.as_str(), f.confidence),
            ("jon@example.com", CONFLICT)
        );
    }
}
