//! Appointments in the store: booking without double booking, idempotent repeats, corrections,
//! cancelling.
//!
//! Three layers keep a slot from being sold twice:
//! 1. `book` runs in one IMMEDIATE transaction, so the availability re-check and the insert
//!    hold SQLite's write lock together: no other connection can book in between.
//! 2. A partial unique index on `start_local` for live rows refuses an exact duplicate even if
//!    a future code path skipped the re-check.
//! 3. A call holds at most one live appointment: booking again with the same details (the agent
//!    saying the booking phrase twice) is `AlreadyBooked` with the same id, and booking again
//!    with different details (a correction) replaces it in the same transaction. The
//!    idempotency key (call sid + start) backs this up for live rows.

use jiff::civil::{self, DateTime};
use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};

use super::availability;
use super::business::Business;
use super::store::{dt_col, dt_sql, opt_ts_col, ts_col, ts_sql, Store, StoreError};
use super::{Availability, BookingDetails, BookingOutcome, UnavailableReason};

/// A stored appointment, live or cancelled; what availability checks against and what the
/// admin pages list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: i64,
    pub call_sid: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub service: String,
    /// The caller's problem as the agent summarised it.
    pub problem: Option<String>,
    /// Local civil time in the business's zone.
    pub start: DateTime,
    /// `start` plus the appointment length at the time of booking (kept, so a later change of
    /// `appointment_minutes` does not move existing appointments' ends).
    pub end: DateTime,
    pub status: AppointmentStatus,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    /// The appointment this one replaced (a correction in the same call, or a move).
    pub replaces: Option<i64>,
}

/// Whether an appointment still holds its slot. Cancelled rows are kept for the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
}

impl Appointment {
    /// The appointment as booking details (what its confirmation email says).
    pub fn details(&self) -> BookingDetails {
        BookingDetails {
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            service: self.service.clone(),
            problem: self.problem.clone(),
            date: self.start.date(),
            time: self.start.time(),
        }
    }
}

impl AppointmentStatus {
    fn parse(s: &str) -> AppointmentStatus {
        match s {
            "cancelled" => AppointmentStatus::Cancelled,
            // The CHECK constraint allows only the two values.
            _ => AppointmentStatus::Booked,
        }
    }
}

const SELECT_APPOINTMENT: &str = "SELECT id, call_sid, name, phone, email, address, service,
    start_local, end_local, status, created_at, cancelled_at, problem, replaces FROM appointments";

fn appointment_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    Ok(Appointment {
        id: r.get(0)?,
        call_sid: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        email: r.get(4)?,
        address: r.get(5)?,
        service: r.get(6)?,
        start: dt_col(r, 7)?,
        end: dt_col(r, 8)?,
        status: AppointmentStatus::parse(&r.get::<_, String>(9)?),
        created_at: ts_col(r, 10)?,
        cancelled_at: opt_ts_col(r, 11)?,
        problem: r.get(12)?,
        replaces: r.get(13)?,
    })
}

impl Store {
    /// Live (booked) appointments overlapping `[from, to)`, in start order.
    pub fn appointments_between(
        &self,
        from: DateTime,
        to: DateTime,
    ) -> Result<Vec<Appointment>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT_APPOINTMENT}
             WHERE status = 'booked' AND start_local < ?2 AND end_local > ?1
             ORDER BY start_local"
        ))?;
        let rows = stmt.query_map(params![dt_sql(from), dt_sql(to)], appointment_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Live appointments starting at or after `from`, in start order.
    pub fn appointments_from(&self, from: DateTime) -> Result<Vec<Appointment>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT_APPOINTMENT} WHERE status = 'booked' AND start_local >= ?1
             ORDER BY start_local, id"
        ))?;
        let rows = stmt.query_map([dt_sql(from)], appointment_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One appointment by id, live or cancelled.
    pub fn appointment(&self, id: i64) -> Result<Option<Appointment>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("{SELECT_APPOINTMENT} WHERE id = ?1"),
                [id],
                appointment_row,
            )
            .optional()?)
    }

    /// The live appointment this call holds, if any (the latest, should an old database hold
    /// several).
    pub fn appointment_of_call(&self, call_sid: &str) -> Result<Option<Appointment>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "{SELECT_APPOINTMENT} WHERE call_sid = ?1 AND status = 'booked'
                     ORDER BY id DESC LIMIT 1"
                ),
                [call_sid],
                appointment_row,
            )
            .optional()?)
    }

    /// Books `details` for `call_sid` if the slot is free at this moment.
    ///
    /// The start is truncated to the minute (nobody books 3:00:27). The service is stored by its
    /// configured spelling when it names a configured service or the default one (a blank
    /// service is the default); any other name is stored as given.
    ///
    /// A call holds one appointment. When it already holds one:
    /// * the same details again (a repeated trigger) are `AlreadyBooked` and write nothing;
    /// * different details (a correction: "no, 2:30", "it's Jon with no h") replace it: the old
    ///   row is cancelled and the new one booked in the same transaction, so the old slot never
    ///   blocks the new one (2 PM → 2:30) and, if the new slot is not free, nothing changes.
    ///
    /// "Same" compares name, phone, email, address, service and start (case and spacing
    /// ignored); the problem is a summary the agent may word differently each time, so it
    /// alone never replaces a booking. An email or problem missing from the new details is
    /// kept from the old booking.
    pub fn book(
        &self,
        call_sid: &str,
        details: &BookingDetails,
        business: &Business,
        now: Timestamp,
    ) -> Result<BookingOutcome, StoreError> {
        // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so the checks
        // below see every booking committed before ours and none can slip in after them.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let outcome = self.book_in_transaction(call_sid, details, business, now)?;
        if outcome.wrote() {
            tx.commit()?;
        }
        Ok(outcome)
    }

    /// [`book`](Self::book)'s work inside a transaction the caller opened and commits when
    /// [`BookingOutcome::wrote`]; dropping it undoes a replacement's cancel.
    pub(super) fn book_in_transaction(
        &self,
        call_sid: &str,
        details: &BookingDetails,
        business: &Business,
        now: Timestamp,
    ) -> Result<BookingOutcome, StoreError> {
        let mut wanted = NewAppointment::from_details(details, business);
        let Some(held) = self.appointment_of_call(call_sid)? else {
            return Ok(
                match self.insert_if_free(call_sid, &wanted, business, now)? {
                    Ok(appointment_id) => BookingOutcome::Booked {
                        appointment_id,
                        start: wanted.start,
                    },
                    Err(refused) => refused.into(),
                },
            );
        };
        wanted.email = wanted.email.or_else(|| held.email.clone());
        wanted.problem = wanted.problem.or_else(|| held.problem.clone());
        if wanted.same_as(&held) {
            return Ok(BookingOutcome::AlreadyBooked {
                appointment_id: held.id,
                start: held.start,
            });
        }
        wanted.replaces = Some(held.id);
        self.cancel_row(held.id, now)?;
        Ok(
            match self.insert_if_free(call_sid, &wanted, business, now)? {
                Ok(appointment_id) => {
                    log::info!(
                        "call {call_sid}: appointment {appointment_id} replaces {}",
                        held.id
                    );
                    BookingOutcome::Replaced {
                        appointment_id,
                        start: wanted.start,
                        replaced_id: held.id,
                        replaced_start: held.start,
                    }
                }
                Err(refused) => refused.into(),
            },
        )
    }

    /// Cancels this call's live appointment at `start`; false if there was none. The row is
    /// kept (status 'cancelled', `cancelled_at` = the current time) and its idempotency key
    /// released, so the same call may book the slot again.
    pub fn cancel(&self, call_sid: &str, start: DateTime) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE appointments
             SET status = 'cancelled', cancelled_at = ?3, idempotency_key = NULL
             WHERE call_sid = ?1 AND start_local = ?2 AND status = 'booked'",
            params![call_sid, dt_sql(start), ts_sql(Timestamp::now())],
        )?;
        Ok(n > 0)
    }

    /// Cancels one row by id, inside the caller's transaction (a replacement or a move).
    pub(super) fn cancel_row(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE appointments
             SET status = 'cancelled', cancelled_at = ?2, idempotency_key = NULL
             WHERE id = ?1 AND status = 'booked'",
            params![id, ts_sql(now)],
        )?;
        Ok(())
    }

    /// Inserts `wanted` for `call_sid` if its slot is free now, inside the caller's
    /// transaction: the new id, or why not (after which the caller must not commit).
    pub(super) fn insert_if_free(
        &self,
        call_sid: &str,
        wanted: &NewAppointment,
        business: &Business,
        now: Timestamp,
    ) -> Result<Result<i64, Refused>, StoreError> {
        let start = wanted.start;
        let now_local = business.tz().to_datetime(now);
        let (from, to) = availability::search_window(start, now_local);
        let existing = self.appointments_between(from, to)?;
        if let Availability::Unavailable {
            reason,
            alternatives,
        } = availability::check(business, &existing, start, now_local)
        {
            return Ok(Err(Refused {
                reason,
                alternatives,
            }));
        }
        let end = start + SignedDuration::from_mins(i64::from(business.appointment_minutes));
        let inserted = self.conn.execute(
            "INSERT INTO appointments (call_sid, name, phone, email, address, service, problem,
                start_local, end_local, status, created_at, idempotency_key, replaces)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'booked', ?10, ?11, ?12)",
            params![
                call_sid,
                wanted.name,
                wanted.phone,
                wanted.email,
                wanted.address,
                wanted.service,
                wanted.problem,
                dt_sql(start),
                dt_sql(end),
                ts_sql(now),
                idempotency_key(call_sid, start),
                wanted.replaces,
            ],
        );
        match inserted {
            Ok(_) => {
                let id = self.conn.last_insert_rowid();
                log::info!("booked appointment {id} at {start} for call {call_sid}");
                Ok(Ok(id))
            }
            // Only reachable if the re-check above and the unique index disagree (e.g. an
            // appointment with an odd stored end); the index wins and the caller is told.
            Err(e) if is_unique_violation(&e) => {
                log::warn!("booking {start} for call {call_sid} hit the unique index: {e}");
                let alternatives =
                    availability::alternatives(business, &existing, start, now_local);
                Ok(Err(Refused {
                    reason: UnavailableReason::Taken,
                    alternatives,
                }))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Why a slot could not be booked, with the nearest free ones.
#[derive(Debug, Clone)]
pub(super) struct Refused {
    pub reason: UnavailableReason,
    pub alternatives: Vec<DateTime>,
}

impl From<Refused> for BookingOutcome {
    fn from(r: Refused) -> Self {
        BookingOutcome::Unavailable {
            reason: r.reason,
            alternatives: r.alternatives,
        }
    }
}

/// An appointment about to be written: booking details cleaned up (trimmed, service by its
/// configured name, start on the minute), possibly merged with the appointment it replaces.
#[derive(Debug, Clone)]
pub(super) struct NewAppointment {
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub service: String,
    pub problem: Option<String>,
    pub start: DateTime,
    pub replaces: Option<i64>,
}

impl NewAppointment {
    pub fn from_details(details: &BookingDetails, business: &Business) -> Self {
        let service = details.service.trim();
        NewAppointment {
            name: details.name.trim().to_string(),
            phone: details.phone.trim().to_string(),
            email: non_blank(details.email.as_deref()),
            address: details.address.trim().to_string(),
            service: business
                .service_name(service)
                .unwrap_or(service)
                .to_string(),
            problem: non_blank(details.problem.as_deref()),
            start: details.date.to_datetime(civil::time(
                details.time.hour(),
                details.time.minute(),
                0,
                0,
            )),
            replaces: None,
        }
    }

    /// Whether writing this would change nothing the caller cares about (see [`Store::book`]).
    pub fn same_as(&self, a: &Appointment) -> bool {
        let same = |x: &str, y: &str| fold(x) == fold(y);
        self.start == a.start
            && same(&self.name, &a.name)
            && digits(&self.phone) == digits(&a.phone)
            && same(
                self.email.as_deref().unwrap_or(""),
                a.email.as_deref().unwrap_or(""),
            )
            && same(&self.address, &a.address)
            && same(&self.service, &a.service)
    }
}

/// Lower case with runs of spaces as one, for comparing what two readings of a detail said.
pub(super) fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The digits of a phone number ("+1 (555) 123-4567" → "15551234567").
pub(super) fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

pub(super) fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Identifies "this call booking this start", whatever else the details say.
fn idempotency_key(call_sid: &str, start: DateTime) -> String {
    format!("{call_sid}|{}", dt_sql(start))
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ConstraintViolation)
    )
}

#[cfg(test)]
#[path = "appointments_tests.rs"]
mod tests;
