//! What the agent has read back during a call, field by field, with how sure we are.

use jiff::civil::{Date, Time};

use crate::booking::BookingDetails;

/// Confidence at or below which a sentence doubts a value rather than states it: two
/// different values in one sentence, or a slot said to be unavailable ("Monday is full").
/// Such a mention overrides even a matching earlier one, which [`merge`] would otherwise keep.
pub const DOUBTED: f32 = 0.3;

/// One extracted value, its confidence, and the words it came from.
///
/// Confidence exists so the bridge can refuse to book on a guess: every extractor says how
/// sure it is (a full name read back: high; a first name alone: low), and
/// [`CallFacts::booking`] books only above a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<T> {
    pub value: T,
    pub confidence: f32,
    /// The words it came from, for logs and for the human who checks a refused booking.
    pub said: String,
}

impl<T> Field<T> {
    pub fn new(value: T, confidence: f32, said: impl Into<String>) -> Self {
        Field {
            value,
            confidence,
            said: said.into(),
        }
    }
}

/// Everything the agent has read back so far in a call.
///
/// Later statements override earlier ones, because the agent corrects itself ("sorry, that's
/// Thursday"); a restatement that says less (the first name alone after the full name, "at
/// three" after "3 pm") does not weaken what was already said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFacts {
    pub name: Option<Field<String>>,
    pub phone: Option<Field<String>>,
    pub email: Option<Field<String>>,
    pub address: Option<Field<String>>,
    pub service: Option<Field<String>>,
    pub date: Option<Field<Date>>,
    pub time: Option<Field<Time>>,
}

impl CallFacts {
    /// A complete booking only when name, phone, address, service, date and time are present
    /// with confidence >= `threshold` (email optional: left out when missing or uncertain, so a
    /// confirmation never goes to a misheard address). `Err` lists the missing or uncertain
    /// field names in a fixed order.
    pub fn booking(&self, threshold: f32) -> Result<BookingDetails, Vec<&'static str>> {
        fn sure<T>(field: &Option<Field<T>>, threshold: f32) -> Option<&T> {
            field
                .as_ref()
                .filter(|f| f.confidence >= threshold)
                .map(|f| &f.value)
        }
        let mut missing = Vec::new();
        let mut need = |name: &'static str, present: bool| {
            if !present {
                missing.push(name);
            }
        };
        let name = sure(&self.name, threshold);
        need("name", name.is_some());
        let phone = sure(&self.phone, threshold);
        need("phone", phone.is_some());
        let address = sure(&self.address, threshold);
        need("address", address.is_some());
        let service = sure(&self.service, threshold);
        need("service", service.is_some());
        let date = sure(&self.date, threshold);
        need("date", date.is_some());
        let time = sure(&self.time, threshold);
        need("time", time.is_some());
        match (name, phone, address, service, date, time) {
            (Some(name), Some(phone), Some(address), Some(service), Some(date), Some(time)) => {
                Ok(BookingDetails {
                    name: name.clone(),
                    phone: phone.clone(),
                    email: sure(&self.email, threshold).cloned(),
                    address: address.clone(),
                    service: service.clone(),
                    problem: None,
                    date: *date,
                    time: *time,
                })
            }
            _ => Err(missing),
        }
    }

    /// Takes in what one sentence said. Each field follows [`merge`] with its own idea of a
    /// restatement.
    pub fn absorb(&mut self, said: CallFacts) {
        merge(&mut self.name, said.name, |old, new| {
            // "Thank you, John" after "John Smith": fewer words, all already known.
            let old_words: Vec<String> = old.split(' ').map(str::to_lowercase).collect();
            new.split(' ')
                .all(|w| old_words.contains(&w.to_lowercase()))
        });
        merge(&mut self.phone, said.phone, |old, new| {
            old.ends_with(new.as_str())
        });
        merge(&mut self.email, said.email, |old, new| old == new);
        merge(&mut self.address, said.address, |old, new| {
            old.starts_with(new.as_str())
        });
        merge(&mut self.service, said.service, |old, new| old == new);
        merge(&mut self.date, said.date, |old, new| old == new);
        merge(&mut self.time, said.time, |old, new| {
            // "at three" after "3 pm": same clock reading, the earlier one knew am/pm.
            old.hour() % 12 == new.hour() % 12 && old.minute() == new.minute()
        });
    }
}

/// Later overrides earlier, except a restatement (`restates(old, new)`) that is less sure
/// than what we have, which only confirms it; unless it is doubted ([`DOUBTED`]).
fn merge<T>(slot: &mut Option<Field<T>>, new: Option<Field<T>>, restates: impl Fn(&T, &T) -> bool) {
    let Some(new) = new else { return };
    match slot {
        Some(old)
            if restates(&old.value, &new.value)
                && old.confidence >= new.confidence
                && new.confidence > DOUBTED => {}
        _ => *slot = Some(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn complete() -> CallFacts {
        CallFacts {
            name: Some(Field::new("John Smith".into(), 0.9, "John Smith")),
            phone: Some(Field::new("5551234567".into(), 0.95, "555 123 4567")),
            email: Some(Field::new("j@x.com".into(), 0.5, "j at x dot com")),
            address: Some(Field::new("42 Oak Street".into(), 0.9, "42 Oak Street")),
            service: Some(Field::new("Drain cleaning".into(), 0.9, "drain")),
            date: Some(Field::new(date(2025, 3, 18), 0.9, "Tuesday")),
            time: Some(Field::new(time(15, 0, 0, 0), 0.95, "3 pm")),
        }
    }

    #[test]
    fn books_only_when_every_required_field_is_sure() {
        let details = complete().booking(0.8).unwrap();
        assert_eq!(details.name, "John Smith");
        assert_eq!(details.email, None, "an uncertain email is left out");
        let mut facts = complete();
        facts.time.as_mut().unwrap().confidence = 0.6;
        facts.name = None;
        assert_eq!(facts.booking(0.8), Err(vec!["name", "time"]));
        assert_eq!(CallFacts::default().booking(0.8).unwrap_err().len(), 6);
    }

    #[test]
    fn corrections_override_and_weaker_restatements_do_not() {
        let mut facts = complete();
        facts.absorb(CallFacts {
            name: Some(Field::new("John".into(), 0.5, "John")),
            ..Default::default()
        });
        assert_eq!(facts.name.as_ref().unwrap().value, "John Smith");
        facts.absorb(CallFacts {
            time: Some(Field::new(time(3, 0, 0, 0), 0.6, "three")),
            ..Default::default()
        });
        assert_eq!(facts.time.as_ref().unwrap().value, time(15, 0, 0, 0));
        facts.absorb(CallFacts {
            date: Some(Field::new(date(2025, 3, 20), 0.9, "Thursday")),
            ..Default::default()
        });
        assert_eq!(facts.date.as_ref().unwrap().value, date(2025, 3, 20));
        facts.absorb(CallFacts {
            name: Some(Field::new("Mike".into(), 0.5, "Mike")),
            ..Default::default()
        });
        assert_eq!(
            facts.name.as_ref().unwrap().value,
            "Mike",
            "a different name is a correction"
        );
    }
}
