//! All the entity extractors run over one sentence, with what they need about the business.

use super::caveats::caveats;
use super::facts::{CallFacts, Field};
use super::pattern::Pattern;
use super::service::ServiceMatcher;
use super::words::Sentence;
use super::{address, date, email, name, phone, problem, time, ExtractionContext};

/// Confidence of a date, time or service said not to be on offer ("Monday is full").
const NOT_THE_SLOT: f32 = super::facts::DOUBTED;

/// Words that say a sentence corrects what was said before: "sorry, I mean 1 PM", "no wait,
/// that's eleven eighty-nine", "actually it's Thursday".
#[rustfmt::skip]
const CORRECTION: &[&str] = &[
    "sorry", "i mean", "i meant", "no wait", "wait no", "actually", "correction", "let me correct",
    "my mistake", "my bad", "scratch that", "instead", "i misheard", "oops", "apologies",
    "pardon me", "i stand corrected", "change that", "not the", "rather than",
];

/// Words of business names that name a trade, not this business: a sentence with "dental" in
/// it is not necessarily the greeting.
#[rustfmt::skip]
const GENERIC_BUSINESS: &[&str] = &[
    "plumbing", "plumbers", "electric", "electrical", "heating", "air", "cooling", "hvac", "dental",
    "family", "home", "cleaning", "services", "service", "repair", "repairs", "auto", "lock", "key",
    "pest", "control", "lawn", "garden", "studio", "clinic", "veterinary", "vet", "appliance",
    "garage", "door", "doors", "chiropractic", "roofing", "company", "inc", "llc", "co", "group",
    "and", "the", "hair", "salon", "spa", "care", "center", "centre", "solutions", "pros",
];

/// The extractors for one call, prepared once: the service matcher and the words the name
/// extractor must not take for a name (the business's own) are built from the context.
#[derive(Debug, Clone)]
pub struct Extractor {
    ctx: ExtractionContext,
    services: ServiceMatcher,
    /// Lower-case words of the business's name and services.
    own_words: Vec<String>,
    service_words: Vec<String>,
    /// The distinctive words of the business's name ("brightwire", not "electric").
    business_words: Vec<String>,
    correction: Vec<Pattern>,
}

impl Extractor {
    pub fn new(ctx: ExtractionContext) -> Self {
        let services = ServiceMatcher::new(&ctx.services);
        let service_words = services.words();
        let mut own_words = service_words.clone();
        let business: Vec<String> = Sentence::parse(&ctx.business_name)
            .words
            .iter()
            .filter(|w| !name::is_everyday_word(&w.lower) && w.lower.len() > 2)
            .map(|w| w.lower.clone())
            .collect();
        own_words.extend(business.iter().cloned());
        // Words of a trade ("plumbing", "dental") said in any sentence are not distinctive.
        let business_words = business
            .into_iter()
            .filter(|w| !GENERIC_BUSINESS.contains(&w.as_str()) && !service_words.contains(w))
            .collect();
        Extractor {
            business_words,
            services,
            own_words,
            service_words,
            correction: CORRECTION
                .iter()
                .map(|c| Pattern::compile(c, &[]))
                .collect(),
            ctx,
        }
    }

    pub fn context(&self) -> &ExtractionContext {
        &self.ctx
    }

    /// What one sentence read back; fields it did not mention are `None`.
    ///
    /// Sentences about the business itself or about slots the caller cannot have (see
    /// [`super::caveats`]) give no phone, e-mail or address, and only untrusted dates and times.
    pub fn sentence(&self, s: &Sentence) -> CallFacts {
        let caveats = caveats(s);
        let slot = caveats.not_the_slot;
        // An e-mail address is spelled out in words that mean nothing else.
        let emails = email::spans(s);
        let rest = s.without(&emails);
        let s_all = s;
        let s = &rest;
        let (name, name_part) = match name::extract_with(s, &self.own_words, &self.business_words) {
            Some((field, part)) => (Some(field), part),
            None => (None, None),
        };
        let words = s.lower();
        CallFacts {
            name,
            name_part,
            phone: phone::extract(s).filter(|_| !caveats.own_contact),
            email: email::extract(s_all).filter(|_| !caveats.own_contact),
            address: address::extract(s).filter(|_| !caveats.own_premises),
            unit: address::unit_alone(s).filter(|_| !caveats.own_premises),
            service: self
                .services
                .extract(s)
                .map(|f| distrust(f, caveats.not_offered)),
            date: date::extract(s, self.ctx.call_date).map(|f| distrust(f, slot)),
            time: time::extract(s, self.ctx.hours).map(|f| distrust(f, slot)),
            problem: problem::extract(s, &self.service_words),
            correction: self.correction.iter().any(|p| p.find(&words).is_some()),
            ..CallFacts::default()
        }
    }
}

/// Caps the confidence of a detail the sentence says is not on offer.
fn distrust<T>(mut field: Field<T>, doubted: bool) -> Field<T> {
    if doubted {
        field.confidence = field.confidence.min(NOT_THE_SLOT);
    }
    field
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn extractor() -> Extractor {
        Extractor::new(ExtractionContext::new(
            &["Drain cleaning"],
            date(2025, 3, 12),
        ))
    }

    #[test]
    fn the_business_own_details_are_not_the_callers() {
        let facts = extractor().sentence(&Sentence::parse(
            "Call us at 555 000 1111 or visit our office at 12 Main Street.",
        ));
        assert_eq!((facts.phone, facts.address), (None, None));
        let facts = extractor().sentence(&Sentence::parse(
            "We're closed Monday, we open at 8 am Tuesday.",
        ));
        assert_eq!(facts.date.map(|f| f.confidence), Some(NOT_THE_SLOT));
        assert_eq!(facts.time.map(|f| f.confidence), Some(NOT_THE_SLOT));
        let facts =
            extractor().sentence(&Sentence::parse("We do not offer drain cleaning anymore."));
        assert_eq!(facts.service.map(|f| f.confidence), Some(NOT_THE_SLOT));
    }

    #[test]
    fn an_email_spelled_out_is_nothing_else() {
        let ctx = ExtractionContext::new(&["Local move", "Packing service"], date(2025, 3, 12));
        let facts = Extractor::new(ctx).sentence(&Sentence::parse(
            "The confirmation's going to olivia dot k dot moves at gmail dot com.",
        ));
        assert_eq!(facts.email.unwrap().value, "olivia.k.moves@gmail.com");
        assert_eq!(facts.service, None, "\"moves\" is part of the address");
    }

    #[test]
    fn one_readback_sentence_fills_every_field() {
        let ctx = ExtractionContext::new(&["Drain cleaning", "Leak repair"], date(2025, 3, 12));
        let s = Sentence::parse(
            "So that's John Smith at 42 Oak Street, five five five, one two three, four five six seven, \
             john at example dot com, for drain cleaning on Friday at 3 pm.",
        );
        let facts = Extractor::new(ctx).sentence(&s);
        let details = facts.booking(0.8, "Service call").expect("complete");
        assert_eq!(details.name, "John Smith");
        assert_eq!(details.phone, "5551234567");
        assert_eq!(details.email.as_deref(), Some("john@example.com"));
        assert_eq!(details.address, "42 Oak Street");
        assert_eq!(details.service, "Drain cleaning");
        assert_eq!(
            (details.date, details.time),
            (date(2025, 3, 14), time(15, 0, 0, 0))
        );
    }
}
