//! What a call gets outside opening hours.
//!
//! Split from [`super::business`] because it is a decision about answering calls, not about
//! what can be booked: the business's weekly hours and its holidays say whether it is open at an
//! instant, and `after_hours` says what a caller hears when it is not.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::business::Business;
use super::hours::DayHours;

/// How a call is answered while the business is closed (`[business] after_hours`).
///
/// Exists so the choice is one typed value the supervisor matches on; when the key is absent
/// opening hours do not change how calls are answered (the agent answers as usual).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterHours {
    /// Straight to voicemail, with `after_hours_greeting` spoken before the beep.
    Voicemail,
    /// The agent answers, its prompt carrying `after_hours_line`.
    Agent,
}

/// The sentence voicemail speaks before the beep when the business is closed (default of
/// `[business] after_hours_greeting`; `{name}` is the business's name).
pub const DEFAULT_AFTER_HOURS_GREETING: &str = "Thank you for calling {name}. We're closed right now. \
     Please leave your name, number and what you need after the beep, and we'll call you back when we open.";

/// What the agent is told when it answers while the business is closed (default of
/// `[business] after_hours_line`).
pub const DEFAULT_AFTER_HOURS_LINE: &str = "We are closed right now: tell the caller \
     \"we're closed now; I can book you for the next opening\", and book a time within opening hours.";

pub(super) fn default_after_hours_greeting() -> String {
    DEFAULT_AFTER_HOURS_GREETING.into()
}

pub(super) fn default_after_hours_line() -> String {
    DEFAULT_AFTER_HOURS_LINE.into()
}

impl Business {
    /// True when the business is open at `at`: not a `closed_dates` day (in the business's
    /// zone) and within that weekday's hours (opening time included, closing time excluded).
    pub fn is_open_at(&self, at: Timestamp) -> bool {
        let local = self.tz().to_datetime(at);
        if self.closed_dates.contains(&local.date()) {
            return false;
        }
        match self.hours.for_weekday(local.date().weekday()) {
            DayHours::Open { open, close } => open <= local.time() && local.time() < close,
            DayHours::Closed => false,
        }
    }

    /// How a call arriving at `at` is answered: `None` when the business is open, or when no
    /// `after_hours` is configured (the agent answers as usual).
    pub fn after_hours_at(&self, at: Timestamp) -> Option<AfterHours> {
        self.after_hours.filter(|_| !self.is_open_at(at))
    }

    /// The voicemail greeting said outside opening hours, with `{name}` filled in.
    pub fn after_hours_greeting(&self) -> String {
        self.after_hours_greeting.replace("{name}", &self.name)
    }

    /// Checks the after-hours settings (called from [`Business::validate`]).
    pub(super) fn validate_after_hours(&self) -> Result<(), String> {
        if self.after_hours == Some(AfterHours::Voicemail)
            && self.after_hours_greeting.trim().is_empty()
        {
            return Err("business.after_hours_greeting is empty".into());
        }
        if self.after_hours == Some(AfterHours::Agent) && self.after_hours_line.trim().is_empty() {
            return Err("business.after_hours_line is empty".into());
        }
        Ok(())
    }
}
