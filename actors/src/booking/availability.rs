//! Is a slot bookable, and if not, what is the nearest that is?
//!
//! Pure: [`check`] gets the business, the live appointments around the slot and "now" in the
//! business's local time, so it is tested without a clock or a database. The store's
//! [`Store::check_availability`] and `Store::book` feed it from SQLite.

use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Timestamp};

use super::business::Business;
use super::store::{Appointment, Store, StoreError};
use super::{Availability, UnavailableReason};

/// At most this many alternatives are offered: more is too much to say on the phone.
pub const MAX_ALTERNATIVES: usize = 3;

/// Alternatives are searched on the wanted day and this many days after it.
pub const SEARCH_DAYS: i64 = 14;

/// Whether `wanted` (local civil time) is free, and if not why and the nearest free slots.
///
/// A slot is free when its day is open, it lies wholly inside the opening hours
/// (`open <= start`, `start + length <= close`), it has not started yet, and it overlaps no
/// live appointment. `wanted` need not be on the slot grid (3:30 is fine if free).
///
/// Alternatives are grid slots (every appointment length from opening time) that are free:
/// on the wanted day the ones closest to `wanted` (earlier or later), then the following days'
/// earliest, up to [`MAX_ALTERNATIVES`] within [`SEARCH_DAYS`]; returned soonest first.
pub fn check(
    business: &Business,
    existing: &[Appointment],
    wanted: DateTime,
    now_local: DateTime,
) -> Availability {
    let len = slot_length(business);
    let reason = if wanted < now_local {
        Some(UnavailableReason::InThePast)
    } else {
        match business.hours.for_weekday(wanted.weekday()).open_close() {
            None => Some(UnavailableReason::Closed),
            Some((open, close)) => {
                let day = wanted.date();
                if wanted < day.to_datetime(open) || wanted + len > day.to_datetime(close) {
                    Some(UnavailableReason::OutsideHours)
                } else if overlaps_any(existing, wanted, wanted + len) {
                    Some(UnavailableReason::Taken)
                } else {
                    None
                }
            }
        }
    };
    match reason {
        None => Availability::Free { start: wanted },
        Some(reason) => Availability::Unavailable {
            reason,
            alternatives: alternatives(business, existing, wanted, now_local),
        },
    }
}

/// The local range whose appointments [`check`] needs for `wanted`: from the start of the
/// earlier of `wanted` and now, to the end of the alternatives' search window.
pub fn search_window(wanted: DateTime, now_local: DateTime) -> (DateTime, DateTime) {
    let from = wanted
        .min(now_local)
        .date()
        .to_datetime(jiff::civil::Time::midnight());
    let last_day = add_days(first_search_day(wanted, now_local), SEARCH_DAYS);
    let to = add_days(last_day, 1).to_datetime(jiff::civil::Time::midnight());
    (from, to)
}

impl Store {
    /// [`check`] against the live appointments in the store, at instant `now`.
    pub fn check_availability(
        &self,
        business: &Business,
        wanted: DateTime,
        now: Timestamp,
    ) -> Result<Availability, StoreError> {
        let now_local = business.tz().to_datetime(now);
        let (from, to) = search_window(wanted, now_local);
        let existing = self.appointments_between(from, to)?;
        Ok(check(business, &existing, wanted, now_local))
    }
}

fn slot_length(business: &Business) -> SignedDuration {
    SignedDuration::from_mins(i64::from(business.appointment_minutes))
}

/// Alternatives never start in the past: a request for last week searches from today.
fn first_search_day(wanted: DateTime, now_local: DateTime) -> Date {
    wanted.date().max(now_local.date())
}

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(SignedDuration::from_hours(24 * n))
        .unwrap_or(d)
}

fn overlaps_any(existing: &[Appointment], start: DateTime, end: DateTime) -> bool {
    existing.iter().any(|a| start < a.end && a.start < end)
}

/// The nearest free grid slots to `wanted` (never `wanted` itself), as described on [`check`].
pub(super) fn alternatives(
    business: &Business,
    existing: &[Appointment],
    wanted: DateTime,
    now_local: DateTime,
) -> Vec<DateTime> {
    let first = first_search_day(wanted, now_local);
    let mut picked = Vec::with_capacity(MAX_ALTERNATIVES);
    for offset in 0..=SEARCH_DAYS {
        let day = add_days(first, offset);
        let mut free = free_grid_slots(business, existing, day, now_local);
        if day == wanted.date() {
            // Same day: the caller's time is the anchor, earlier or later alike (ties go to
            // the earlier slot, which is what the sort by (distance, start) gives).
            free.sort_by_key(|s| (s.duration_since(wanted).abs(), *s));
        }
        for slot in free {
            if picked.len() == MAX_ALTERNATIVES {
                break;
            }
            if slot != wanted {
                picked.push(slot);
            }
        }
        if picked.len() == MAX_ALTERNATIVES {
            break;
        }
    }
    picked.sort();
    picked
}

/// The free, not-yet-started grid slots of one day, in time order.
fn free_grid_slots(
    business: &Business,
    existing: &[Appointment],
    day: Date,
    now_local: DateTime,
) -> Vec<DateTime> {
    let Some((open, close)) = business.hours.for_weekday(day.weekday()).open_close() else {
        return Vec::new();
    };
    let len = slot_length(business);
    let close = day.to_datetime(close);
    let mut slot = day.to_datetime(open);
    let mut out = Vec::new();
    while slot + len <= close {
        if slot >= now_local && !overlaps_any(existing, slot, slot + len) {
            out.push(slot);
        }
        slot += len;
    }
    out
}

#[cfg(test)]
#[path = "availability_tests.rs"]
mod tests;
