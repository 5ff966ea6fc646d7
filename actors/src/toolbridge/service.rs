//! Which of the business's services the agent is talking about.
//!
//! The agent rarely says the configured name exactly ("Drain cleaning"): it says "the clogged
//! drain" or "drain cleanings". So a service matches by its full name (singular or plural) or
//! by its distinctive words and a few synonyms; when the words fit more than one service the
//! match is ambiguous and too uncertain to book.

use super::facts::Field;
use super::words::Sentence;

const FULL_NAME: f32 = 0.95;
const KEYWORD: f32 = 0.85;
/// Shared words narrowed down by a generic word ("install" the "water heater").
const NARROWED: f32 = 0.8;
/// Only a generic word ("tune-up", "cleaning") matched.
const GENERIC_ONLY: f32 = 0.6;
const AMBIGUOUS: f32 = 0.4;

/// Words that name what is done, not what it is done to: on their own they say little.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "repair", "service", "cleaning", "installation", "inspection", "replacement", "maintenance",
    "tune", "up", "check", "estimate", "general", "visit", "job", "new",
];
const STOP: &[&str] = &[
    "and", "the", "a", "an", "of", "for", "or", "to", "in", "&", "your", "my",
];
/// Everyday words mapped onto the words services are named with.
#[rustfmt::skip]
const SYNONYMS: &[(&str, &str)] = &[
    ("clog", "drain"), ("clogged", "drain"), ("unclog", "drain"), ("blocked", "drain"),
    ("backed", "drain"), ("leaking", "leak"), ("leaky", "leak"), ("dripping", "leak"),
    ("drip", "leak"), ("conditioning", "ac"), ("conditioner", "ac"), ("a/c", "ac"),
    ("aircon", "ac"), ("install", "installation"), ("installing", "installation"),
    ("installed", "installation"), ("replace", "replacement"), ("replacing", "replacement"),
    ("fix", "repair"), ("fixing", "repair"), ("repairs", "repair"), ("clean", "cleaning"),
    ("inspect", "inspection"), ("tuneup", "tune"), ("light", "lighting"), ("lamp", "lighting"),
    ("charging", "charger"),
];

/// Singular form, good enough for service words ("drains", "batteries", "boxes").
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() > 2) {
        return format!("{stem}y");
    }
    for ending in ["ches", "shes", "sses", "xes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].to_string();
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if stem.len() > 2 && !stem.ends_with('s') && !stem.ends_with('u') => {
            stem.to_string()
        }
        _ => word.to_string(),
    }
}

fn canonical(word: &str) -> String {
    let word = singular(word);
    SYNONYMS
        .iter()
        .find(|(s, _)| *s == word)
        .map_or(word, |(_, k)| k.to_string())
}

/// A service as the business configures it: its name, and the words a caller uses when
/// describing a problem it solves ("water heater", "no hot water").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSpec {
    pub name: String,
    /// Words or phrases, lower case; the name's own words always count too.
    pub keywords: Vec<String>,
}

impl ServiceSpec {
    /// A service known by its name alone.
    pub fn named(name: impl Into<String>) -> Self {
        ServiceSpec {
            name: name.into(),
            keywords: Vec::new(),
        }
    }
}

/// One configured service, pre-split for matching.
#[derive(Debug, Clone)]
struct Service {
    name: String,
    /// The name's words, singular, for a full-name match.
    phrase: Vec<String>,
    /// The name's meaningful words (no stop words), synonyms applied.
    words: Vec<String>,
    /// Configured keyword phrases, each as canonical words.
    keywords: Vec<Vec<String>>,
}

/// Matches sentences against the business's services; built once per call.
#[derive(Debug, Clone)]
pub struct ServiceMatcher {
    services: Vec<Service>,
}

impl ServiceMatcher {
    pub fn new(specs: &[ServiceSpec]) -> Self {
        let services = specs
            .iter()
            .map(|spec| {
                let name = &spec.name;
                // "Spay/neuter", "Lock & key": each side is a word of the service.
                let lower = Sentence::parse(&name.replace(['/', '&', '+'], " "))
                    .lower()
                    .iter()
                    .map(|w| w.to_string())
                    .collect::<Vec<_>>();
                let phrase = lower.iter().map(|w| singular(w)).collect();
                let words = lower
                    .iter()
                    .filter(|w| !STOP.contains(&w.as_str()))
                    .map(|w| canonical(w))
                    .collect();
                let keywords = spec
                    .keywords
                    .iter()
                    .map(|k| {
                        Sentence::parse(k)
                            .lower()
                            .iter()
                            .map(|w| canonical(w))
                            .collect()
                    })
                    .filter(|k: &Vec<String>| !k.is_empty())
                    .collect();
                Service {
                    name: name.clone(),
                    phrase,
                    words,
                    keywords,
                }
            })
            .collect();
        ServiceMatcher { services }
    }

    /// Every lower-case word of every service name (so the name extractor can skip them).
    pub fn words(&self) -> Vec<String> {
        self.services
            .iter()
            .flat_map(|s| s.phrase.iter().cloned())
            .collect()
    }

    /// The service a sentence talks about.
    pub fn extract(&self, s: &Sentence) -> Option<Field<String>> {
        let said: Vec<String> = s.lower().iter().map(|w| singular(w)).collect();
        // Full names first; a name inside a longer matched name does not count on its own.
        let mut full: Vec<(usize, usize, &Service)> = Vec::new();
        for service in &self.services {
            let n = service.phrase.len();
            if let Some(start) = said.windows(n).position(|w| w == service.phrase.as_slice()) {
                full.push((start, start + n, service));
            }
        }
        let outer: Vec<_> = full
            .iter()
            .filter(|(a, b, _)| {
                !full
                    .iter()
                    .any(|(c, d, _)| c <= a && b <= d && (d - c) > (b - a))
            })
            .collect();
        if let Some((start, end, service)) = outer.iter().max_by_key(|(a, _, _)| *a) {
            let confidence = if outer.len() == 1 {
                FULL_NAME
            } else {
                AMBIGUOUS
            };
            return Some(Field::new(
                service.name.clone(),
                confidence,
                s.said(*start, *end),
            ));
        }
        self.by_words(s)
    }

    /// Matching by meaningful words when no full name was said.
    fn by_words(&self, s: &Sentence) -> Option<Field<String>> {
        let said: Vec<String> = s.lower().iter().map(|w| canonical(w)).collect();
        let hits: Vec<(&Service, Vec<&str>, bool)> = self
            .services
            .iter()
            .map(|service| {
                let mut specific: Vec<&str> = service
                    .words
                    .iter()
                    .filter(|w| !GENERIC.contains(&w.as_str()) && said.contains(w))
                    .map(String::as_str)
                    .collect();
                for keyword in &service.keywords {
                    let hit = said.windows(keyword.len()).any(|w| w == keyword.as_slice());
                    if hit {
                        specific.extend(keyword.iter().map(String::as_str));
                    }
                }
                specific.sort_unstable();
                specific.dedup();
                let generic = service
                    .words
                    .iter()
                    .any(|w| GENERIC.contains(&w.as_str()) && said.contains(w));
                (service, specific, generic)
            })
            .collect();
        let specific: Vec<_> = hits
            .iter()
            .filter(|(_, words, _)| !words.is_empty())
            .collect();
        let pick = |service: &Service, confidence: f32, words: &[&str]| {
            Some(Field::new(
                service.name.clone(),
                confidence,
                words.join(" "),
            ))
        };
        match specific.as_slice() {
            [] => {
                let generic: Vec<_> = hits.iter().filter(|(_, _, g)| *g).collect();
                match generic.as_slice() {
                    [(service, _, _)] => pick(service, GENERIC_ONLY, &[]),
                    [.., (service, _, _)] => pick(service, AMBIGUOUS, &[]),
                    [] => None,
                }
            }
            [(service, words, _)] => pick(service, KEYWORD, words),
            many => {
                // Same shared words everywhere ("water heater"), one generic word tells them
                // apart ("install"): narrowed. Anything else is ambiguous.
                let same = many.iter().all(|(_, w, _)| *w == many[0].1);
                let with_generic: Vec<_> = many.iter().filter(|(_, _, g)| *g).collect();
                match (same, with_generic.as_slice()) {
                    (true, [(service, words, _)]) => pick(service, NARROWED, words),
                    _ => {
                        let (service, words, _) = many.last().expect("non-empty");
                        pick(service, AMBIGUOUS, words)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> ServiceMatcher {
        let names = [
            "Drain cleaning",
            "Water heater repair",
            "Water heater installation",
            "Leak repair",
            "AC tune-up",
        ];
        ServiceMatcher::new(&names.map(ServiceSpec::named))
    }

    fn service(text: &str) -> Option<(String, f32)> {
        matcher()
            .extract(&Sentence::parse(text))
            .map(|f| (f.value, f.confidence))
    }

    #[test]
    fn full_names_any_case_or_number() {
        assert_eq!(
            service("That's for drain cleaning."),
            Some(("Drain cleaning".into(), FULL_NAME))
        );
        assert_eq!(
            service("We do Drain Cleanings all the time."),
            Some(("Drain cleaning".into(), FULL_NAME))
        );
        assert_eq!(
            service("an AC tune-up"),
            Some(("AC tune-up".into(), FULL_NAME))
        );
        assert_eq!(
            service("drain cleaning and leak repair").map(|s| s.1),
            Some(AMBIGUOUS)
        );
    }

    #[test]
    fn distinctive_words_and_synonyms() {
        assert_eq!(
            service("a technician for the clogged sink"),
            Some(("Drain cleaning".into(), KEYWORD))
        );
        assert_eq!(
            service("to fix that leaky pipe"),
            Some(("Leak repair".into(), KEYWORD))
        );
        assert_eq!(
            service("your air conditioner"),
            Some(("AC tune-up".into(), KEYWORD))
        );
        assert_eq!(
            service("to install a new water heater"),
            Some(("Water heater installation".into(), NARROWED))
        );
    }

    #[test]
    fn vague_words_are_not_enough() {
        assert_eq!(
            service("look at your water heater").map(|s| s.1),
            Some(AMBIGUOUS)
        );
        assert_eq!(service("a repair visit").map(|s| s.1), Some(AMBIGUOUS));
        assert_eq!(
            service("a cleaning"),
            Some(("Drain cleaning".into(), GENERIC_ONLY))
        );
        assert_eq!(service("See you Tuesday."), None);
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("drains"), "drain");
        assert_eq!(singular("batteries"), "battery");
        assert_eq!(singular("boxes"), "box");
        assert_eq!(singular("glass"), "glass");
        assert_eq!(singular("gas"), "gas");
    }
}
