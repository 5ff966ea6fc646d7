//! Opening hours: per weekday, written in the config as strings ("08:00-17:00", "closed").
//!
//! Split from [`super::business`] because the hours have their own parsing, serde and
//! summary wording; the business only holds a [`WeeklyHours`].

use std::fmt;

use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::sentences::spoken_time;

/// Opening hours per weekday; in TOML each day is a string: `monday = "08:00-17:00"`,
/// `sunday = "closed"`. All seven are required so a forgotten day is an error, not a closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub monday: DayHours,
    pub tuesday: DayHours,
    pub wednesday: DayHours,
    pub thursday: DayHours,
    pub friday: DayHours,
    pub saturday: DayHours,
    pub sunday: DayHours,
}

/// One day's hours. A string in the config ("08:00-17:00" or "closed") because that is how
/// people write hours; `open < close` is checked by `Business::validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayHours {
    #[default]
    Closed,
    Open {
        open: Time,
        close: Time,
    },
}

impl WeeklyHours {
    /// The hours of one weekday.
    pub fn for_weekday(&self, day: Weekday) -> DayHours {
        match day {
            Weekday::Monday => self.monday,
            Weekday::Tuesday => self.tuesday,
            Weekday::Wednesday => self.wednesday,
            Weekday::Thursday => self.thursday,
            Weekday::Friday => self.friday,
            Weekday::Saturday => self.saturday,
            Weekday::Sunday => self.sunday,
        }
    }

    /// All seven days with their config names, Monday first.
    pub fn days(&self) -> [(&'static str, DayHours); 7] {
        [
            ("monday", self.monday),
            ("tuesday", self.tuesday),
            ("wednesday", self.wednesday),
            ("thursday", self.thursday),
            ("friday", self.friday),
            ("saturday", self.saturday),
            ("sunday", self.sunday),
        ]
    }

    /// "Mon-Fri 8 AM-5 PM, Sat 9 AM-1 PM, Sun closed": consecutive days with equal hours are
    /// merged so the prompt stays short.
    pub fn summary(&self) -> String {
        const SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let days = self.days();
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            let mut j = i;
            while j + 1 < 7 && days[j + 1].1 == days[i].1 {
                j += 1;
            }
            let span = if i == j {
                SHORT[i].to_string()
            } else {
                format!("{}-{}", SHORT[i], SHORT[j])
            };
            let hours = match days[i].1 {
                DayHours::Closed => "closed".to_string(),
                DayHours::Open { open, close } => {
                    format!("{}-{}", spoken_time(open), spoken_time(close))
                }
            };
            parts.push(format!("{span} {hours}"));
            i = j + 1;
        }
        parts.join(", ")
    }
}

impl DayHours {
    /// Parses "08:00-17:00", "8:00 - 17:00" or "closed" (any case).
    pub fn parse(s: &str) -> Result<DayHours, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("closed") {
            return Ok(DayHours::Closed);
        }
        let (open, close) = s
            .split_once('-')
            .ok_or_else(|| format!("hours {s:?} must look like \"08:00-17:00\" or \"closed\""))?;
        Ok(DayHours::Open {
            open: parse_hhmm(open)?,
            close: parse_hhmm(close)?,
        })
    }

    /// `(open, close)` on an open day.
    pub fn open_close(&self) -> Option<(Time, Time)> {
        match *self {
            DayHours::Closed => None,
            DayHours::Open { open, close } => Some((open, close)),
        }
    }
}

/// "8:00" or "08:00" to a time; seconds are not accepted (hours are never that precise).
fn parse_hhmm(s: &str) -> Result<Time, String> {
    let s = s.trim();
    let bad = || format!("time {s:?} must be HH:MM (24-hour)");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

impl fmt::Display for DayHours {
    /// The config form, so serialization round-trips.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayHours::Closed => f.write_str("closed"),
            DayHours::Open { open, close } => write!(
                f,
                "{:02}:{:02}-{:02}:{:02}",
                open.hour(),
                open.minute(),
                close.hour(),
                close.minute()
            ),
        }
    }
}

impl Serialize for DayHours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DayHours::parse(&s).map_err(serde::de::Error::custom)
    }
}
