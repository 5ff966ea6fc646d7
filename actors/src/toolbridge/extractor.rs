//! All the entity extractors run over one sentence, with what they need about the business.

use super::facts::CallFacts;
use super::service::ServiceMatcher;
use super::words::Sentence;
use super::{address, date, email, name, phone, time, ExtractionContext};

/// The extractors for one call, prepared once: the service matcher and the service words the
/// name extractor must not take for a surname are built from the context up front.
#[derive(Debug, Clone)]
pub struct Extractor {
    ctx: ExtractionContext,
    services: ServiceMatcher,
    service_words: Vec<String>,
}

impl Extractor {
    pub fn new(ctx: ExtractionContext) -> Self {
        let services = ServiceMatcher::new(&ctx.services);
        let service_words = services.words();
        Extractor {
            ctx,
            services,
            service_words,
        }
    }

    pub fn context(&self) -> &ExtractionContext {
        &self.ctx
    }

    /// What one sentence read back; fields it did not mention are `None`.
    pub fn sentence(&self, s: &Sentence) -> CallFacts {
        CallFacts {
            name: name::extract(s, &self.service_words),
            phone: phone::extract(s),
            email: email::extract(s),
            address: address::extract(s),
            service: self.services.extract(s),
            date: date::extract(s, self.ctx.call_date),
            time: time::extract(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn one_readback_sentence_fills_every_field() {
        let ctx = ExtractionContext {
            services: vec!["Drain cleaning".into(), "Leak repair".into()],
            call_date: date(2025, 3, 12),
        };
        let s = Sentence::parse(
            "So that's John Smith at 42 Oak Street, five five five, one two three, four five six seven, \
             john at example dot com, for drain cleaning on Friday at 3 pm.",
        );
        let facts = Extractor::new(ctx).sentence(&s);
        let details = facts.booking(0.8).expect("complete");
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
