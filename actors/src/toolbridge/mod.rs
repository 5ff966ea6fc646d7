//! ToolBridge: PersonaPlex cannot call tools, so this listens to what the agent says, notices
//! when it commits to an action ("let me book that for you"), extracts the details it read
//! back to the caller, and asks for the tool call.
//!
//! Pure logic, no actix and no I/O. The flow is:
//! * [`words`]: pieces -> sentences -> words, cleaned of [`disfluency`];
//! * the extractors, one per field: [`name`] (its word tables in [`name_words`]), [`phone`],
//!   [`email`], [`address`], [`service`], [`problem`], [`date`] (with [`calendar`]) and
//!   [`time`] (with [`clock`]), on the [`numbers`] parser, run together by [`extractor`], which
//!   drops what [`caveats`] says is not the caller's;
//! * [`facts`]: what the call has established so far, with confidence;
//! * [`intent`]: commitments, from the [`rules`] table in the [`pattern`] language;
//! * [`state`]: the per-call state machine that turns all that into actions;
//! * [`llm_extractor`]: the optional LLM extractor's request, and the check of its answer
//!   against the transcript.
//!
//! It never books on a guess: a `Book` action needs every required field at or above
//! [`BOOKING_THRESHOLD`]; otherwise it reports `BookingIncomplete` with what is missing. The
//! design, in prose, is `docs/toolbridge.md`.

pub mod address;
pub mod calendar;
pub mod caveats;
pub mod clock;
pub mod date;
pub mod disfluency;
pub mod email;
pub mod extractor;
pub mod facts;
pub mod intent;
pub mod llm_extractor;
pub mod name;
pub mod name_words;
pub mod numbers;
pub mod pattern;
pub mod phone;
pub mod problem;
pub mod rules;
pub mod service;
pub mod state;
pub mod time;
pub mod words;

pub use extractor::Extractor;
pub use facts::{CallFacts, Field, NamePart};
pub use intent::Intent;
pub use service::ServiceSpec;
pub use state::{BridgeAction, Commitment, CommitmentKind, ToolBridgeState};

/// Confidence every required field needs before a booking is made. Set so that sure
/// readings (full names, complete phone numbers, am/pm times) pass and guesses (first names,
/// "at three" without am/pm, "next Friday" said early in the week) do not.
pub const BOOKING_THRESHOLD: f32 = 0.8;

/// What the extractor needs to know about the business and the call.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractionContext {
    /// The business's own name: its words are never the caller's name.
    pub business_name: String,
    /// The business's services, names exactly as configured; bookings use these spellings.
    pub services: Vec<ServiceSpec>,
    /// Booked when the caller's problem matches no configured service.
    pub default_service: String,
    /// Today in the business's time zone: relative dates ("tomorrow", "Tuesday") resolve to it.
    pub call_date: jiff::civil::Date,
    /// Earliest opening and latest closing time of the week: "at nine" means 9 AM when 9 PM is
    /// after closing.
    pub hours: (jiff::civil::Time, jiff::civil::Time),
}

impl ExtractionContext {
    /// A context with the usual defaults (open 8 to 6, "Service call"), for tests and tools.
    pub fn new(services: &[&str], call_date: jiff::civil::Date) -> Self {
        ExtractionContext {
            business_name: String::new(),
            services: services.iter().map(|s| ServiceSpec::named(*s)).collect(),
            default_service: DEFAULT_SERVICE.to_string(),
            call_date,
            hours: (
                jiff::civil::time(8, 0, 0, 0),
                jiff::civil::time(18, 0, 0, 0),
            ),
        }
    }
}

impl ExtractionContext {
    /// The context for a call to `business` on `today` (in the business's zone).
    pub fn for_business(
        business: &crate::booking::business::Business,
        today: jiff::civil::Date,
    ) -> Self {
        let days = business.hours.days();
        let open_close = days.iter().filter_map(|(_, h)| h.open_close());
        let hours = open_close.fold(
            None,
            |acc: Option<(jiff::civil::Time, jiff::civil::Time)>, (o, c)| {
                Some(match acc {
                    None => (o, c),
                    Some((a, b)) => (a.min(o), b.max(c)),
                })
            },
        );
        let catalog = business.service_catalog();
        let mut ctx = ExtractionContext::new(&[], today);
        ctx.business_name = business.name.clone();
        ctx.default_service = catalog.default_service().to_string();
        ctx.services = catalog
            .services()
            .iter()
            .map(|s| ServiceSpec {
                name: s.name.clone(),
                keywords: s.keywords.clone(),
            })
            .collect();
        if let Some(hours) = hours {
            ctx.hours = hours;
        }
        ctx
    }
}

/// What is booked when no configured service fits what the caller described.
pub const DEFAULT_SERVICE: &str = "Service call";
