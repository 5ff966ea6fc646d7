//! Which service a described problem is, so a caller need not know the business's service names.
//!
//! A caller says "my water heater is making a noise", not "Water heater repair". Each configured
//! service has keywords (`[[business.services]] keywords`, or by default the meaningful words of
//! its name: "Water heater repair" → "water", "heater"); a problem whose words hit one service's
//! keywords more than any other's is that service. Anything else (no hit, or a tie) is the
//! business's default service ("Service call"): the problem itself is kept with the booking, so
//! nothing the caller said is lost by not matching.
//!
//! Words are compared after [`stem`], on both sides, so "heaters", "leaking" and "leaky" meet
//! "heater" and "leak".

use super::business::Business;

/// Words that say what is done, not what it is done to: left out of the keywords derived from a
/// service's name ("Drain cleaning" → "drain"), since "repair" or "service" would match every
/// problem.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "repair", "service", "installation", "install", "cleaning", "clean", "replacement", "replace",
    "maintenance", "inspection", "check", "tune", "up", "estimate", "general", "visit", "job",
    "new", "fix", "call",
];

/// Joining words that never identify a service.
const STOP: &[&str] = &[
    "and", "the", "a", "an", "of", "for", "or", "to", "in", "on", "your", "my",
];

/// One service as the matcher sees it: its configured name and its keywords, each a phrase of
/// one or more stemmed words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogService {
    /// The configured name, the spelling bookings are stored under.
    pub name: String,
    /// The effective keywords, lower case, as configured (or derived from the name).
    pub keywords: Vec<String>,
    /// `keywords` split into stemmed words, for matching.
    stemmed: Vec<Vec<String>>,
}

/// The business's services with their keywords, and the default service: what the ToolBridge
/// and the legacy LLM tools need to turn a described problem into a service. Built once per call
/// from [`Business::service_catalog`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCatalog {
    default_service: String,
    services: Vec<CatalogService>,
}

impl ServiceCatalog {
    pub fn new(business: &Business) -> Self {
        let services = business
            .services
            .iter()
            .map(|s| {
                let keywords: Vec<String> = match &s.keywords {
                    Some(k) => k
                        .iter()
                        .map(|k| k.trim().to_lowercase())
                        .filter(|k| !k.is_empty())
                        .collect(),
                    None => derived_keywords(&s.name),
                };
                let stemmed = keywords.iter().map(|k| stemmed_words(k)).collect();
                CatalogService {
                    name: s.name.clone(),
                    keywords,
                    stemmed,
                }
            })
            .collect();
        ServiceCatalog {
            default_service: business.default_service.trim().to_string(),
            services,
        }
    }

    /// What is booked when no configured service is recognised ("Service call").
    pub fn default_service(&self) -> &str {
        &self.default_service
    }

    /// Every configured service with its effective keywords, in configuration order.
    pub fn services(&self) -> &[CatalogService] {
        &self.services
    }

    /// The configured service a problem's words point to, or `None` when none or several do
    /// equally (the caller then gets the default service).
    ///
    /// `words` may be in any case and form ("Heaters", "leaking"); punctuation around a word is
    /// ignored. A keyword of several words ("hot water") matches only when its words are said
    /// in a row, and counts as many hits as it has words, so the more specific service wins.
    pub fn match_problem(&self, words: &[&str]) -> Option<&str> {
        let said: Vec<String> = words.iter().flat_map(|w| stemmed_words(w)).collect();
        let mut best: Option<(&str, usize)> = None;
        let mut tie = false;
        for service in &self.services {
            let score: usize = service
                .stemmed
                .iter()
                .filter(|k| !k.is_empty() && said.windows(k.len()).any(|w| w == k.as_slice()))
                .map(Vec::len)
                .sum();
            if score == 0 {
                continue;
            }
            match best {
                Some((_, top)) if score < top => {}
                Some((_, top)) if score == top => tie = true,
                _ => {
                    best = Some((&service.name, score));
                    tie = false;
                }
            }
        }
        if tie {
            return None;
        }
        best.map(|(name, _)| name)
    }

    /// [`match_problem`](Self::match_problem) on a whole text ("The water heater is noisy.").
    pub fn match_text(&self, text: &str) -> Option<&str> {
        let words: Vec<&str> = text.split_whitespace().collect();
        self.match_problem(&words)
    }
}

/// The keywords a service gets when none are configured: the meaningful words of its name,
/// lower case and singular, without generic words ("Water heater repair" → "water", "heater";
/// "AC tune-up" → "ac"). May be empty ("General service"): such a service is matched only by
/// name.
pub fn derived_keywords(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in stemmed_words(name) {
        if !GENERIC.contains(&word.as_str())
            && !STOP.contains(&word.as_str())
            && !out.contains(&word)
        {
            out.push(word);
        }
    }
    out
}

/// The lower-case, stemmed words of `text`, split at anything not a letter or digit.
fn stemmed_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_lowercase()))
        .collect()
}

/// A crude stem, good enough to meet keywords: plural to singular ("heaters", "batteries",
/// "boxes") and the common verb and adjective endings ("leaking", "leaked", "leaky",
/// "dripping", "clogged") removed. Applied to keywords and said words alike, so its mistakes
/// cancel out ("ceiling" → "ceil" on both sides).
pub fn stem(word: &str) -> String {
    let w = singular(word);
    for ending in ["ing", "ed"] {
        if let Some(s) = w.strip_suffix(ending).filter(|s| s.len() >= 3) {
            return undouble(s);
        }
    }
    if let Some(s) = w.strip_suffix('y').filter(|s| s.len() >= 4) {
        // "leaky" → "leak", "drippy" → "drip"; short words ("key", "city") stay.
        return undouble(s);
    }
    w
}

/// Singular form, good enough for service words ("drains", "batteries", "boxes", not "gas").
fn singular(w: &str) -> String {
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
        return format!("{s}y");
    }
    for ending in ["ches", "shes", "sses", "xes"] {
        if w.len() > ending.len() + 1 && w.ends_with(ending) {
            return w[..w.len() - 2].to_string();
        }
    }
    match w.strip_suffix('s') {
        Some(s) if s.len() > 2 && !s.ends_with('s') && !s.ends_with('u') => s.to_string(),
        _ => w.to_string(),
    }
}

/// "dripp" → "drip", "clogg" → "clog": the consonant doubled before "-ing"/"-ed".
fn undouble(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    if n >= 2 && b[n - 1] == b[n - 2] && !b"aeiouls".contains(&b[n - 1]) {
        s[..n - 1].to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
#[path = "service_catalog_tests.rs"]
mod tests;
