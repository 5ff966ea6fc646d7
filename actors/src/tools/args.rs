//! A tool call's arguments as an LLM sends them (a JSON object in a string), read into the
//! types the tools take, with errors written for the model to correct itself.
//!
//! Dates are `YYYY-MM-DD` and times `HH:MM` 24-hour, in the business's time zone; the system
//! prompt gives the model today's date to resolve "next Tuesday".

use jiff::civil::{Date, Time};
use serde_json::{Map, Value};

/// A tool call's arguments object, with the tool name for error messages.
pub struct Args<'a> {
    tool: &'a str,
    map: Map<String, Value>,
}

impl<'a> Args<'a> {
    /// The tool these arguments are for, to start error messages with.
    pub fn tool(&self) -> &str {
        self.tool
    }

    pub fn parse(tool: &'a str, arguments: &str) -> Result<Self, String> {
        // Some models send "" for a call without arguments.
        let text = if arguments.trim().is_empty() {
            "{}"
        } else {
            arguments
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Args { tool, map }),
            Ok(other) => Err(format!(
                "{tool}: arguments must be a JSON object, got {}",
                short(&other.to_string())
            )),
            Err(e) => Err(format!(
                "{tool}: arguments are not valid JSON ({e}): {}",
                short(arguments)
            )),
        }
    }

    /// The trimmed string at `key`, or `None` when absent, null or blank.
    pub fn optional(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            // A phone number as a JSON number is a common slip; keep its digits.
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(format!(
                "{}: {key:?} must be a string, got {}",
                self.tool,
                short(&other.to_string())
            )),
        }
    }

    pub fn text(&self, key: &str) -> Result<String, String> {
        self.optional(key)?
            .ok_or_else(|| format!("{}: missing {key:?}", self.tool))
    }

    pub fn date(&self, key: &str) -> Result<Date, String> {
        let s = self.text(key)?;
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return Err(format!(
                "{}: {key:?} must be a date as YYYY-MM-DD, got {s:?}",
                self.tool
            ));
        }
        s.parse::<Date>()
            .map_err(|_| format!("{}: {key:?} is not a real date: {s:?}", self.tool))
    }

    pub fn time(&self, key: &str) -> Result<Time, String> {
        let s = self.text(key)?;
        let bad = || {
            format!(
                "{}: {key:?} must be a time as HH:MM on a 24-hour clock (3 PM is 15:00), got {s:?}",
                self.tool
            )
        };
        let mut parts = s.split(':');
        let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
            return Err(bad());
        };
        // "15:00:00" is fine; seconds other than 0 are not a slot.
        if let Some(sec) = parts.next() {
            if sec != "00" || parts.next().is_some() {
                return Err(bad());
            }
        }
        let digits = |p: &str, max_len| {
            !p.is_empty() && p.len() <= max_len && p.bytes().all(|c| c.is_ascii_digit())
        };
        if !digits(h, 2) || m.len() != 2 || !digits(m, 2) {
            return Err(bad());
        }
        let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Time::new(h, m, 0, 0).map_err(|_| bad())
    }

    /// Digits only, a leading `+` kept; 7 to 15 digits (E.164's maximum).
    pub fn phone(&self, key: &str) -> Result<String, String> {
        let s = self.text(key)?;
        let plus = s.starts_with('+');
        let mut digits = String::new();
        for c in s.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' | ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(format!(
                        "{}: {key:?} must be a phone number in digits, got {s:?}",
                        self.tool
                    ))
                }
            }
        }
        if !(7..=15).contains(&digits.len()) {
            return Err(format!(
                "{}: {key:?} has {} digits, a phone number has 7 to 15: {s:?}",
                self.tool,
                digits.len()
            ));
        }
        Ok(if plus { format!("+{digits}") } else { digits })
    }

    /// An optional email address; present but malformed is an error, not `None`.
    pub fn email(&self, key: &str) -> Result<Option<String>, String> {
        let Some(s) = self.optional(key)? else {
            return Ok(None);
        };
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !s.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if valid {
            Ok(Some(s))
        } else {
            Err(format!(
                "{}: {key:?} is not an email address: {s:?}",
                self.tool
            ))
        }
    }
}

/// At most 120 characters of `s`, for error messages the model reads back.
pub fn short(s: &str) -> String {
    if s.chars().count() <= 120 {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(120).collect();
        t.push('…');
        t
    }
}

/// The JSON schema of a date argument.
pub fn date_schema() -> Value {
    serde_json::json!({
        "type": "string",
        "description": "Appointment date as YYYY-MM-DD, in the business's local time.",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    })
}

/// The JSON schema of a time argument.
pub fn time_schema() -> Value {
    serde_json::json!({
        "type": "string",
        "description": "Start time as HH:MM, 24-hour clock (3 PM is 15:00).",
        "pattern": "^[0-9]{1,2}:[0-9]{2}$",
    })
}
