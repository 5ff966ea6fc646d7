//! Sentences whose details are not the caller's appointment.
//!
//! The extractors find a phone number, an address or a time wherever one is said; but "call
//! us at 555 000 1111", "our office is at 12 Main Street", "we open at 8 am" and "Monday is
//! full" are the business talking about itself or about slots the caller cannot have. Left
//! alone they would overwrite what was read back and could book a wrong appointment. These
//! phrase tables (data, in the [`super::pattern`] language) mark such sentences.

use std::sync::LazyLock;

use super::pattern::Pattern;
use super::words::Sentence;

/// The business's own phone or e-mail: neither is the caller's.
#[rustfmt::skip]
const OWN_CONTACT: &[&str] = &[
    "call|text|email|reach|contact us", "our number|phone|email|line", "call back at",
    "give us a call",
];

/// The business's own premises: not the job's address.
#[rustfmt::skip]
const OWN_PREMISES: &[&str] = &[
    "we're|we located|at", "we are located|at", "our office|shop|address|location|showroom|store|warehouse",
    "visit us", "come by", "drop it off",
];

/// Dates and times that are not the slot being agreed: unavailable ones, opening hours,
/// reminders. Their mentions stay (they may correct an earlier one) but are not trusted.
#[rustfmt::skip]
const NOT_THE_SLOT: &[&str] = &[
    "closed", "is|are|we're full", "fully", "booked up", "unavailable", "not available", "no openings", "taken",
    "don't have", "do not have", "nothing", "we open|close", "we're open|closed", "opens|closes at",
    "open from|until|till", "our hours", "business hours", "reminder", "remind", "call|text you at",
];

/// A service the business does not do: naming it is not choosing it.
#[rustfmt::skip]
const NOT_OFFERED: &[&str] = &[
    "don't|doesn't do|offer|provide|handle", "do|does not do|offer|provide|handle", "we can't|cannot do",
    "not something we do",
    "no longer do|offer",
];

/// What a sentence says about whose details it holds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Caveats {
    /// Phone and e-mail in it are the business's.
    pub own_contact: bool,
    /// An address in it is the business's.
    pub own_premises: bool,
    /// Dates and times in it are not the slot being agreed.
    pub not_the_slot: bool,
    /// A service in it is one the business does not do.
    pub not_offered: bool,
}

fn compile(table: &[&str]) -> Vec<Pattern> {
    table.iter().map(|p| Pattern::compile(p, &[])).collect()
}

static TABLES: LazyLock<[Vec<Pattern>; 4]> = LazyLock::new(|| {
    [
        compile(OWN_CONTACT),
        compile(OWN_PREMISES),
        compile(NOT_THE_SLOT),
        compile(NOT_OFFERED),
    ]
});

/// The caveats of one sentence.
pub fn caveats(s: &Sentence) -> Caveats {
    let words = s.lower();
    let any = |table: &[Pattern]| table.iter().any(|p| p.find(&words).is_some());
    let [contact, premises, slot, offered] = &*TABLES;
    Caveats {
        own_contact: any(contact),
        own_premises: any(premises),
        not_the_slot: any(slot),
        not_offered: any(offered),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Caveats {
        caveats(&Sentence::parse(text))
    }

    #[test]
    fn the_business_talking_about_itself() {
        assert!(of("You can always call us at 555 000 1111.").own_contact);
        assert!(of("Or email us at info at rapidrooter dot com.").own_contact);
        assert!(of("Our office is at 12 Main Street.").own_premises);
        assert!(of("We're at 12 Main Street if you want to drop it off.").own_premises);
        assert!(of("We open at 8 am tomorrow.").not_the_slot);
        assert!(of("Monday is fully booked, sorry.").not_the_slot);
        assert!(of("You'll get a reminder text at 9 am the day before.").not_the_slot);
        assert!(of("We'll call you at 8 am to confirm.").not_the_slot);
        assert!(of("Sorry, we don't do skylight installation.").not_offered);
    }

    #[test]
    fn readbacks_have_no_caveats() {
        let none = Caveats::default();
        assert_eq!(
            of("So that's John Smith at 42 Oak Street, 555 123 4567."),
            none
        );
        assert_eq!(of("Good news, Friday at 3 pm is open."), none);
        assert_eq!(of("You're all booked for Friday at 3 pm."), none);
        assert_eq!(of("We'll be at 42 Oak Street on Friday."), none);
    }
}
