//! The business the agent answers for: who it is, what it sells, when it works, and the persona
//! prompt PersonaPlex is started with.
//!
//! This is the `[business]` section of the config. It is plain data plus the two strings
//! PersonaPlex needs (`text_prompt`, `voice_prompt`); the booking tools read the hours, time zone
//! and appointment length from here.

use crate::toolbridge::CallFacts;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

pub use super::after_hours::AfterHours;
use super::after_hours::{default_after_hours_greeting, default_after_hours_line};
pub use super::hours::{DayHours, WeeklyHours};
pub use super::service_catalog::ServiceCatalog;

/// The exact words that tell switchboard the caller confirmed and the booking should be made.
/// The prompt makes the agent say it verbatim; the tool bridge listens for it.
pub const BOOKING_PHRASE: &str = "let me book that for you";

/// The persona and booking rules of one small business (config section `[business]`).
///
/// Every field but `voice` and `default_service` is required in the config, so a half-written
/// section is an error rather than silently mixing in the example business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Business {
    /// "Bright Plumbing".
    pub name: String,
    /// The receptionist's first name, said in the greeting ("Ava").
    pub agent_name: String,
    /// What can be booked, with the price the agent may quote.
    pub services: Vec<Service>,
    /// What is booked when the caller describes a problem no configured service matches
    /// ("Service call"): the booking then carries the problem, and the office sorts it out.
    #[serde(default = "default_service")]
    pub default_service: String,
    /// Where the business works, in words the agent can say ("Springfield and nearby towns").
    pub service_area: String,
    pub hours: WeeklyHours,
    /// Length of every appointment; slots are this long.
    pub appointment_minutes: u32,
    /// IANA name ("America/Chicago"); appointment times are civil times in this zone.
    pub time_zone: String,
    /// Where customers can reach the business; printed in the confirmation email.
    pub contact_email: String,
    /// A PersonaPlex voice file ("NATM1.pt"); when absent it is chosen from `agent_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// How a call is answered outside opening hours and on `closed_dates`; absent: the agent
    /// answers as usual, whatever the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_hours: Option<AfterHours>,
    /// Days the business is closed whatever `hours` say (holidays), in its time zone.
    #[serde(default)]
    pub closed_dates: Vec<jiff::civil::Date>,
    /// Said before the voicemail beep when `after_hours = "voicemail"` (`{name}`: the business).
    #[serde(default = "default_after_hours_greeting")]
    pub after_hours_greeting: String,
    /// Added to the agent's prompt when `after_hours = "agent"` and the business is closed.
    #[serde(default = "default_after_hours_line")]
    pub after_hours_line: String,
}

/// One bookable service and its price as the agent should say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// "Drain cleaning"; `BookingDetails::service` must be one of these names.
    pub name: String,
    /// Free text so it can be "$150" or "from $90" or "free estimate".
    pub price: String,
    /// Words or short phrases of a caller's problem that mean this service ("clog", "hot
    /// water"). Absent: the meaningful words of `name` (see
    /// [`super::service_catalog::derived_keywords`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
}

/// The default service's name when the config gives none.
pub const DEFAULT_SERVICE: &str = "Service call";

fn default_service() -> String {
    DEFAULT_SERVICE.into()
}

impl Default for Business {
    /// A complete, plausible example business: what `check-config` shows and tests use.
    fn default() -> Self {
        let open = |o: (i8, i8), c: (i8, i8)| DayHours::Open {
            open: jiff::civil::time(o.0, o.1, 0, 0),
            close: jiff::civil::time(c.0, c.1, 0, 0),
        };
        let weekday = open((8, 0), (17, 0));
        let words = |w: &[&str]| w.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        Business {
            name: "Bright Plumbing".into(),
            agent_name: "Ava".into(),
            services: vec![
                Service {
                    name: "Drain cleaning".into(),
                    price: "$150".into(),
                    keywords: Some(words(&["drain", "clog", "sink", "backed up"])),
                },
                Service {
                    name: "Leak repair".into(),
                    price: "$120".into(),
                    keywords: Some(words(&["leak", "drip", "burst pipe"])),
                },
                Service {
                    name: "Water heater repair".into(),
                    price: "$250".into(),
                    keywords: Some(words(&["water heater", "hot water", "heater"])),
                },
                Service {
                    name: "Toilet repair".into(),
                    price: "$110".into(),
                    keywords: None,
                },
            ],
            default_service: DEFAULT_SERVICE.into(),
            service_area: "Springfield and towns within 25 miles".into(),
            hours: WeeklyHours {
                monday: weekday,
                tuesday: weekday,
                wednesday: weekday,
                thursday: weekday,
                friday: weekday,
                saturday: open((9, 0), (13, 0)),
                sunday: DayHours::Closed,
            },
            appointment_minutes: 60,
            time_zone: "America/Chicago".into(),
            contact_email: "office@brightplumbing.example".into(),
            voice: None,
            after_hours: None,
            closed_dates: Vec::new(),
            after_hours_greeting: default_after_hours_greeting(),
            after_hours_line: default_after_hours_line(),
        }
    }
}

impl Business {
    /// Checks what serde cannot: a real time zone, sane hours and length, something to book.
    /// The error names the field, for `check-config`.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("business.name is empty".into());
        }
        if self.agent_name.trim().is_empty() {
            return Err("business.agent_name is empty".into());
        }
        if let Err(e) = TimeZone::get(&self.time_zone) {
            return Err(format!(
                "business.time_zone {:?} is not a known time zone: {e}",
                self.time_zone
            ));
        }
        if !(15..=480).contains(&self.appointment_minutes) {
            return Err(format!(
                "business.appointment_minutes is {}; it must be 15 to 480",
                self.appointment_minutes
            ));
        }
        if self.services.is_empty() {
            return Err(
                "business.services is empty: add at least one [[business.services]]".into(),
            );
        }
        for (i, s) in self.services.iter().enumerate() {
            if s.name.trim().is_empty() {
                return Err(format!("business.services[{i}].name is empty"));
            }
            if let Some(k) = s.keywords.iter().flatten().find(|k| k.trim().is_empty()) {
                return Err(format!(
                    "business.services[{i}].keywords has an empty keyword {k:?}"
                ));
            }
        }
        if self.default_service.trim().is_empty() {
            return Err("business.default_service is empty".into());
        }
        let mut any_open = false;
        for (day, hours) in self.hours.days() {
            if let DayHours::Open { open, close } = hours {
                if open >= close {
                    return Err(format!(
                        "business.hours.{day}: opens at {open} but closes at {close}"
                    ));
                }
                any_open = true;
            }
        }
        if !any_open {
            return Err("business.hours: closed every day, nothing can be booked".into());
        }
        if !self.contact_email.contains('@') {
            return Err(format!(
                "business.contact_email {:?} is not an email address",
                self.contact_email
            ));
        }
        self.validate_after_hours()?;
        if let Some(v) = &self.voice {
            // The PersonaPlex server refuses anything but a bare ".pt" file name (it joins it to
            // its voice directory), so catch it here rather than as a dropped WebSocket.
            if v.contains('/') || v.contains('\\') || !v.ends_with(".pt") {
                return Err(format!(
                    "business.voice {v:?} must be a voice file name like \"NATF2.pt\""
                ));
            }
        }
        Ok(())
    }

    /// The business's time zone. Falls back to UTC only for an unvalidated config, which
    /// `validate` would have refused.
    pub fn tz(&self) -> TimeZone {
        TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC)
    }

    /// The service configured under this name, ignoring case and surrounding spaces (the model
    /// may say "drain cleaning" for "Drain cleaning").
    pub fn service(&self, name: &str) -> Option<&Service> {
        let name = name.trim();
        self.services
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    }

    /// The configured service said as `name`, or the default service, by their configured
    /// spellings (ignoring case); a blank name is the default service. `None` for anything else.
    pub fn service_name(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        if name.is_empty() || name.eq_ignore_ascii_case(self.default_service.trim()) {
            return Some(self.default_service.trim());
        }
        self.service(name).map(|s| s.name.as_str())
    }

    /// The services with their keywords and the default service, for turning a described
    /// problem into a service.
    pub fn service_catalog(&self) -> ServiceCatalog {
        ServiceCatalog::new(self)
    }

    /// Each service's name with its effective keywords (configured, else derived from the name).
    pub fn service_keywords(&self) -> Vec<(String, Vec<String>)> {
        self.service_catalog()
            .services()
            .iter()
            .map(|s| (s.name.clone(), s.keywords.clone()))
            .collect()
    }

    /// The PersonaPlex `text_prompt`: persona, offer, hours and booking procedure, plus what this
    /// call already established (`facts`) and any `notes` ("the call is already under way").
    /// Kept terse because every token is prefill time before the agent can speak.
    pub fn text_prompt(&self, facts: &CallFacts, notes: &[&str]) -> String {
        let services: Vec<String> = self
            .services
            .iter()
            .map(|s| format!("{} {}", s.name, s.price))
            .collect();
        let mut p = format!(
            "You are {agent}, the receptionist at {name}. Services: {services}. Area: {area}. \
             Hours: {hours}. Visits take {mins} minutes. \
             To book, get the caller's name, phone, email (for the confirmation), address, what the problem is, and date and time. \
             To check a time, say \"let me check if <day> at <time> is open\". \
             Read every detail back to the caller; once they confirm, say exactly \"{phrase}\". \
             Be brief and warm.",
            agent = self.agent_name,
            name = self.name,
            services = services.join(", "),
            area = self.service_area,
            hours = self.hours.summary(),
            mins = self.appointment_minutes,
            phrase = BOOKING_PHRASE,
        );
        let mut known = Vec::new();
        if let Some(n) = facts.caller_name() {
            known.push(format!("the caller is {n}"));
        }
        if let Some(b) = &facts.booked {
            known.push(format!("they are booked for {b}, do not book again"));
        }
        if let Some(e) = &facts.email_sent_to {
            known.push(format!("a confirmation was emailed to {e}"));
        }
        if !known.is_empty() {
            p.push_str(" Already known: ");
            p.push_str(&known.join("; "));
            p.push('.');
        }
        for note in notes {
            p.push(' ');
            p.push_str(note.trim());
        }
        p
    }

    /// The PersonaPlex `voice_prompt`: the configured `voice`, else a natural voice matching the
    /// agent's name (a man's name gets a male voice; anything unknown the default female one).
    pub fn voice_prompt(&self) -> String {
        if let Some(v) = &self.voice {
            return v.clone();
        }
        let first = self
            .agent_name
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if MALE_NAMES.contains(&first.as_str()) {
            "NATM1.pt".into()
        } else {
            // Female names and unknown ones alike: the female voice is the product's default.
            "NATF2.pt".into()
        }
    }
}

/// Common English male first names, lower case. Only these switch the default voice; the list
/// is short on purpose (a miss just keeps the default), and no female list is needed since
/// female and unknown names get the same voice.
const MALE_NAMES: &[&str] = &[
    "adam", "alex", "andrew", "anthony", "ben", "brian", "charles", "chris", "daniel", "david",
    "eric", "ethan", "george", "jack", "james", "jason", "john", "joseph", "kevin", "leo", "liam",
    "mark", "matt", "max", "michael", "mike", "noah", "oliver", "paul", "peter", "richard",
    "robert", "ryan", "sam", "steve", "thomas", "tom", "will", "william",
];

#[cfg(test)]
#[path = "business_tests.rs"]
mod tests;
