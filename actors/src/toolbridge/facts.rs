//! What the agent has read back during a call, field by field, with how sure we are.

use jiff::civil::{Date, Time};

use crate::booking::BookingDetails;

/// Confidence at or below which a sentence doubts a value rather than states it: two
/// different values in one sentence, or a slot said to be unavailable ("Monday is full").
/// Such a mention overrides even a matching earlier one, which [`merge`] would otherwise keep.
pub const DOUBTED: f32 = 0.3;

/// A first and a last name said apart, each plainly as the caller's ("first name Ines" ...
/// "last name Duarte").
const JOINED: f32 = 0.85;

/// Two names joined in the order said, with nothing to say which is the first name.
const GUESSED_ORDER: f32 = 0.7;

/// A single name said plainly as the caller's (spelled back, or after "your name is").
const SPELLED_SINGLE: f32 = 0.6;

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

/// The details an extractor settled on for a booking, each present or not: the one place that
/// says what a booking needs (the rules and the LLM extractor both end here).
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub service: String,
    pub problem: Option<String>,
    pub date: Option<Date>,
    pub time: Option<Time>,
}

impl Candidate {
    /// A booking when name, phone, date, time (and the address, unless `need_address` is false:
    /// moving an appointment keeps its own) are all there; else the missing fields, in a fixed
    /// order.
    pub fn booking(self, need_address: bool) -> Result<BookingDetails, Vec<&'static str>> {
        let missing: Vec<&'static str> = [
            ("name", self.name.is_some()),
            ("phone", self.phone.is_some()),
            ("address", self.address.is_some() || !need_address),
            ("date", self.date.is_some()),
            ("time", self.time.is_some()),
        ]
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(field, _)| field)
        .collect();
        match (self.name, self.phone, self.date, self.time) {
            (Some(name), Some(phone), Some(date), Some(time)) if missing.is_empty() => {
                Ok(BookingDetails {
                    name,
                    phone,
                    email: self.email,
                    address: self.address.unwrap_or_default(),
                    service: self.service,
                    problem: self.problem,
                    date,
                    time,
                })
            }
            _ => Err(missing),
        }
    }
}

/// Which part of a name was said on its own ("first name is Ines", "last name Duarte").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePart {
    First,
    Last,
}

/// Everything a call has established: what the agent read back, field by field with how sure
/// we are, and what the tools did (the slot booked, where the confirmation went).
///
/// One type with one owner: the call's ToolBridge keeps it (it hears the agent and sees every
/// tool result) and sends a copy to the supervisor whenever it changes, for the prompt of the
/// next PersonaPlex session and for a fallback engine taking the call over.
///
/// Later statements override earlier ones, because the agent corrects itself ("sorry, that's
/// Thursday"); a restatement that says less (the first name alone after the full name, "at
/// three" after "3 pm") does not weaken what was already said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFacts {
    pub name: Option<Field<String>>,
    /// Set when the sentence said only a first or a last name, so the two can be joined.
    pub name_part: Option<NamePart>,
    pub phone: Option<Field<String>>,
    pub email: Option<Field<String>>,
    pub address: Option<Field<String>>,
    pub service: Option<Field<String>>,
    pub date: Option<Field<Date>>,
    pub time: Option<Field<Time>>,
    /// A unit said without its street ("apartment 3D"): it replaces the unit of the address.
    pub unit: Option<Field<String>>,
    /// What the caller's problem is, as the agent summarised it ("a leak under the sink").
    pub problem: Option<Field<String>>,
    /// The sentence corrects something said before ("sorry, I mean 1 PM"): its values replace
    /// earlier ones even when less sure.
    pub correction: bool,
    /// The appointment this call holds, as spoken ("Tuesday March 3rd at 3 PM").
    pub booked: Option<String>,
    /// Where a confirmation email was queued.
    pub email_sent_to: Option<String>,
}

impl CallFacts {
    /// The caller's full name, when it is sure enough to say to them.
    pub fn caller_name(&self) -> Option<&str> {
        self.name
            .as_ref()
            .filter(|f| f.confidence >= super::BOOKING_THRESHOLD)
            .map(|f| f.value.as_str())
    }

    /// What the call established, as short lines ("phone: 5551234567"), for an engine taking
    /// the call over. Only values sure enough to book on.
    pub fn summary(&self) -> Vec<String> {
        fn sure<T: ToString>(label: &str, f: &Option<Field<T>>, lines: &mut Vec<String>) {
            if let Some(f) = f
                .as_ref()
                .filter(|f| f.confidence >= super::BOOKING_THRESHOLD)
            {
                lines.push(format!("{label}: {}", f.value.to_string()));
            }
        }
        let mut lines = Vec::new();
        sure("caller name", &self.name, &mut lines);
        sure("phone", &self.phone, &mut lines);
        sure("email", &self.email, &mut lines);
        sure("address", &self.address, &mut lines);
        sure("service", &self.service, &mut lines);
        if let Some(problem) = &self.problem {
            lines.push(format!("problem: {}", problem.value));
        }
        sure("date", &self.date, &mut lines);
        sure("time", &self.time, &mut lines);
        if let Some(booked) = &self.booked {
            lines.push(format!("booked: {booked}"));
        }
        if let Some(to) = &self.email_sent_to {
            lines.push(format!("confirmation email sent to: {to}"));
        }
        lines
    }

    /// A complete booking only when name, phone, address, date and time are present with
    /// confidence >= `threshold`. The service is the one the agent named or described when it is
    /// sure, else `default_service`; the email is left out when missing or uncertain, so a
    /// confirmation never goes to a misheard address. `Err` lists the missing or uncertain
    /// field names in a fixed order.
    pub fn booking(
        &self,
        threshold: f32,
        default_service: &str,
    ) -> Result<BookingDetails, Vec<&'static str>> {
        self.complete(threshold, default_service, true)
    }

    /// Like [`CallFacts::booking`], for moving an existing appointment: the address may be left
    /// out (the appointment being moved has it), and comes back empty when it is.
    pub fn reschedule(
        &self,
        threshold: f32,
        default_service: &str,
    ) -> Result<BookingDetails, Vec<&'static str>> {
        self.complete(threshold, default_service, false)
    }

    fn complete(
        &self,
        threshold: f32,
        default_service: &str,
        need_address: bool,
    ) -> Result<BookingDetails, Vec<&'static str>> {
        fn sure<T>(field: &Option<Field<T>>, threshold: f32) -> Option<&T> {
            field
                .as_ref()
                .filter(|f| f.confidence >= threshold)
                .map(|f| &f.value)
        }
        Candidate {
            name: sure(&self.name, threshold).cloned(),
            phone: sure(&self.phone, threshold).cloned(),
            email: sure(&self.email, threshold).cloned(),
            address: sure(&self.address, threshold).cloned(),
            service: sure(&self.service, threshold)
                .cloned()
                .unwrap_or_else(|| default_service.to_string()),
            problem: self.problem.as_ref().map(|f| f.value.clone()),
            date: sure(&self.date, threshold).copied(),
            time: sure(&self.time, threshold).copied(),
        }
        .booking(need_address)
    }

    /// Takes in what one sentence said. Each field follows [`merge`] with its own idea of a
    /// restatement; a sentence that corrects itself overrides whatever it names.
    pub fn absorb(&mut self, said: CallFacts) {
        let correction = said.correction;
        self.absorb_name(said.name, said.name_part, correction);
        merge(&mut self.phone, said.phone, |old, new| {
            old.ends_with(new.as_str())
        });
        merge(&mut self.email, said.email, |old, new| old == new);
        merge(&mut self.address, said.address, |old, new| {
            old.starts_with(new.as_str())
        });
        // "the termite inspection" then "the inspection": the shorter name restates the longer.
        // A service named outright is not undone by a word in passing ("keep the thermostat
        // off" after "a furnace repair"), unless the agent corrects itself.
        let service = said.service.filter(|new| {
            correction
                || self
                    .service
                    .as_ref()
                    .is_none_or(|old| new.confidence >= old.confidence)
        });
        merge(&mut self.service, service, |old, new| {
            old.to_lowercase().contains(&new.to_lowercase())
        });
        merge(&mut self.date, said.date, |old, new| old == new);
        merge(&mut self.time, said.time, |old, new| {
            // "at three" after "3 pm": same clock reading, the earlier one knew am/pm.
            old.hour() % 12 == new.hour() % 12 && old.minute() == new.minute()
        });
        if self.problem.is_none() {
            self.problem = said.problem;
        }
        // "…, apartment 3D" after "150 Grove Street, apartment 3B": the street stays.
        if let (Some(unit), Some(address)) = (said.unit, self.address.as_mut()) {
            let street = address.value.split(", ").next().unwrap_or("").to_string();
            let value = format!("{street}{}", unit.value);
            if value != address.value {
                address.value = value;
                address.said = format!("{} … {}", address.said, unit.said);
            }
        }
    }

    /// Names are said about other people too ("our technician Marco Ruiz"), so a different
    /// name replaces the one we have only when it is said at least as surely, or as a
    /// correction. A first name and a last name said apart are joined, when either was said
    /// as one ("and the last name?" ... "N-W-O-S-U, Nwosu" ... "okay Emeka").
    fn absorb_name(
        &mut self,
        new: Option<Field<String>>,
        part: Option<NamePart>,
        correction: bool,
    ) {
        let Some(new) = new else { return };
        let single = |f: &Field<String>| !f.value.contains(' ');
        // Two names each plainly said as the caller's ("N-G-O-Z-I, Ngozi." ... "C-H-U-K-W-U,
        // Chukwuemeka."): a first name, then a last name.
        let both_sure = self
            .name
            .as_ref()
            .is_some_and(|o| o.confidence >= SPELLED_SINGLE)
            && new.confidence >= SPELLED_SINGLE;
        // Both said as the same part ("last name"): one of them is not; the order is a guess.
        let explicit = (part.is_some() || self.name_part.is_some()) && part != self.name_part;
        let known_part = explicit || both_sure;
        match &mut self.name {
            Some(old) if known_part && single(old) && single(&new) && old.value != new.value => {
                // Said in order unless a part says otherwise: first name, then last name.
                let new_is_last =
                    part != Some(NamePart::First) && self.name_part != Some(NamePart::Last);
                let (first, last) = if new_is_last {
                    (&old.value, &new.value)
                } else {
                    (&new.value, &old.value)
                };
                let said = format!("{} … {}", old.said, new.said);
                // Without a "first name"/"last name" to go by, the order is a guess: never
                // booked on, though the agent's next full read-back settles it.
                let confidence = if explicit { JOINED } else { GUESSED_ORDER };
                *old = Field::new(format!("{first} {last}"), confidence, said);
                self.name_part = None;
            }
            // "Ms. Delacroix-Hale" after "Anne-Marie Delacroix-Hale" was pieced together: the
            // title settles which is the family name.
            Some(old)
                if single(&new)
                    && part == Some(NamePart::Last)
                    && old.confidence < super::BOOKING_THRESHOLD
                    && old.value.split(' ').count() == 2
                    && old
                        .value
                        .rsplit(' ')
                        .next()
                        .is_some_and(|l| l.eq_ignore_ascii_case(&new.value)) =>
            {
                old.confidence = JOINED;
                old.said = format!("{} … {}", old.said, new.said);
            }
            // "K-E-L-L-E-H-E-R, Kelleher" after "Siobhan Kelliher": the spelling corrects one
            // word of the name.
            Some(old) if single(&new) && respelled(&old.value, &new.value).is_some() => {
                let value = respelled(&old.value, &new.value).expect("checked");
                let said = format!("{} … {}", old.said, new.said);
                *old = Field::new(value, old.confidence.max(new.confidence), said);
            }
            Some(old) => {
                let old_words: Vec<String> = old.value.split(' ').map(str::to_lowercase).collect();
                let restates = new
                    .value
                    .split(' ')
                    .all(|w| old_words.contains(&w.to_lowercase()));
                let stronger = new.confidence >= old.confidence || correction;
                // "Ifeoma Chukwuemeka" read back whole after the two were heard apart: the
                // agent's own order is the name's.
                let reordered = restates
                    && new.value != old.value
                    && new.value.split(' ').count() == old.value.split(' ').count()
                    && new.confidence >= JOINED;
                if (restates
                    && !reordered
                    && old.confidence >= new.confidence
                    && new.confidence > DOUBTED)
                    || (!restates && !stronger && new.confidence > DOUBTED)
                {
                    return;
                }
                *old = new;
                self.name_part = part;
            }
            None => {
                self.name = Some(new);
                self.name_part = part;
            }
        }
    }
}

/// `name` with one of its words replaced by `word`, when `word` is a respelling of it (same
/// first letter, a letter or two apart) and not already in the name.
fn respelled(name: &str, word: &str) -> Option<String> {
    let parts: Vec<&str> = name.split(' ').collect();
    if parts.len() < 2 || parts.iter().any(|p| p.eq_ignore_ascii_case(word)) {
        return None;
    }
    let close = |p: &&str| {
        p.chars().next().map(|c| c.to_ascii_lowercase())
            == word.chars().next().map(|c| c.to_ascii_lowercase())
            && edit_distance(&p.to_lowercase(), &word.to_lowercase()) <= 2
            && p.len() >= 4
    };
    let i = parts.iter().position(close)?;
    let mut parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    parts[i] = word.to_string();
    Some(parts.join(" "))
}

/// Levenshtein distance, for telling a respelling from another name.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Later overrides earlier, except a restatement (`restates(old, new)`) that is less sure
/// than what we have, which only confirms it, unless it is doubted ([`DOUBTED`]). A correction
/// ("sorry, the 16th") replaces what it contradicts and never weakens what it repeats.
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
#[path = "facts_tests.rs"]
mod tests;
