//! Moving a caller's existing appointment to another time, found by their phone and name.
//!
//! The appointment was usually made on an earlier call, so the call sid cannot find it: the
//! caller's phone number and name do. Both must match, strictly but sanely:
//! * **phone**: the same digits, ignoring formatting; when both have at least ten digits, the
//!   last ten decide ("+1 555 123 4567" is "5551234567");
//! * **name**: the same words ignoring case and punctuation; or the same surname (last word)
//!   with first names starting with the same letter ("Jon Smith" for "John Smith", "Steven"
//!   for "Stephen"); or the surname alone ("Smith"). A first name alone is not enough.
//!
//! Only live appointments that have not started are candidates; with several, the soonest
//! moves.

use jiff::Timestamp;
use rusqlite::{Transaction, TransactionBehavior};

use super::appointments::{digits, fold, non_blank, NewAppointment};
use super::business::Business;
use super::store::{Appointment, Store, StoreError};
use super::{BookingDetails, RescheduleOutcome};

impl Store {
    /// Moves the caller's appointment to `details`' date and time for `call_sid` (which then
    /// holds it), in one transaction: the old row is cancelled and the new one booked, so the
    /// old slot never blocks the new one, and if the new one is not free nothing changes.
    ///
    /// The moved appointment keeps its name, phone and every other detail, except those
    /// `details` give: a non-blank address, an email, a problem, or a service other than blank
    /// or the default one (which is what the ToolBridge fills in when none was named).
    ///
    /// When no appointment matches, `details` are booked as a new appointment if they are
    /// complete (an address), else the outcome is [`RescheduleOutcome::NotFound`].
    pub fn reschedule(
        &self,
        call_sid: &str,
        details: &BookingDetails,
        business: &Business,
        now: Timestamp,
    ) -> Result<RescheduleOutcome, StoreError> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let now_local = business.tz().to_datetime(now);
        let found = self
            .appointments_from(now_local)?
            .into_iter()
            .find(|a| same_phone(&a.phone, &details.phone) && same_person(&a.name, &details.name));
        let Some(old) = found else {
            if details.address.trim().is_empty() {
                return Ok(RescheduleOutcome::NotFound);
            }
            let outcome = self.book_in_transaction(call_sid, details, business, now)?;
            if outcome.wrote() {
                tx.commit()?;
            }
            return Ok(RescheduleOutcome::NotFoundBooked(outcome));
        };
        let wanted = moved(&old, details, business);
        if wanted.same_as(&old) {
            return Ok(RescheduleOutcome::Unchanged {
                appointment_id: old.id,
                start: old.start,
            });
        }
        self.cancel_row(old.id, now)?;
        match self.insert_if_free(call_sid, &wanted, business, now)? {
            Ok(appointment_id) => {
                tx.commit()?;
                log::info!(
                    "call {call_sid}: appointment {} moved from {} to {} as {appointment_id}",
                    old.id,
                    old.start,
                    wanted.start
                );
                Ok(RescheduleOutcome::Moved {
                    appointment_id,
                    start: wanted.start,
                    moved_id: old.id,
                    moved_from: old.start,
                })
            }
            // Dropping the transaction undoes the cancel: the old appointment stands.
            Err(refused) => Ok(RescheduleOutcome::Unavailable {
                reason: refused.reason,
                alternatives: refused.alternatives,
                kept_id: old.id,
                kept_start: old.start,
            }),
        }
    }
}

/// `old` at the new date and time, with the details the caller gave in place of its own.
fn moved(old: &Appointment, details: &BookingDetails, business: &Business) -> NewAppointment {
    let given = NewAppointment::from_details(details, business);
    let service_given = !details.service.trim().is_empty()
        && !given
            .service
            .eq_ignore_ascii_case(business.default_service.trim());
    NewAppointment {
        name: old.name.clone(),
        phone: old.phone.clone(),
        email: given.email.or_else(|| old.email.clone()),
        address: non_blank(Some(&given.address)).unwrap_or_else(|| old.address.clone()),
        service: if service_given {
            given.service
        } else {
            old.service.clone()
        },
        problem: given.problem.or_else(|| old.problem.clone()),
        start: given.start,
        replaces: Some(old.id),
    }
}

/// The same phone number, as described in the module docs.
pub fn same_phone(a: &str, b: &str) -> bool {
    let (a, b) = (digits(a), digits(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.len() >= 10 && b.len() >= 10 {
        return a[a.len() - 10..] == b[b.len() - 10..];
    }
    a == b
}

/// The same person's name, as described in the module docs: `stored` is the appointment's,
/// `said` the caller's.
pub fn same_person(stored: &str, said: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        fold(&s.replace(|c: char| !c.is_alphanumeric() && c != ' ', ""))
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (stored, said) = (words(stored), words(said));
    if stored.is_empty() || said.is_empty() {
        return false;
    }
    if stored == said {
        return true;
    }
    let (Some(stored_last), Some(said_last)) = (stored.last(), said.last()) else {
        return false;
    };
    if stored_last != said_last {
        return false;
    }
    match (stored.as_slice(), said.as_slice()) {
        // The surname alone, said or stored.
        ([_], _) | (_, [_]) => true,
        ([first_a, ..], [first_b, ..]) => first_a.chars().next() == first_b.chars().next(),
        _ => false,
    }
}

#[cfg(test)]
#[path = "reschedule_tests.rs"]
mod tests;
