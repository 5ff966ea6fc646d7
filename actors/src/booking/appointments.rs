//! Appointments in the store: booking without double booking, idempotent repeats, cancelling.
//!
//! Three layers keep a slot from being sold twice:
//! 1. `book` runs in one IMMEDIATE transaction, so the availability re-check and the insert
//!    hold SQLite's write lock together: no other connection can book in between.
//! 2. A partial unique index on `start_local` for live rows refuses an exact duplicate even if
//!    a future code path skipped the re-check.
//! 3. An idempotency key (call sid + start) turns a repeated trigger from the same call (the
//!    agent saying the booking phrase twice) into `AlreadyBooked` with the same id.

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
    /// Local civil time in the business's zone.
    pub start: DateTime,
    /// `start` plus the appointment length at the time of booking (kept, so a later change of
    /// `appointment_minutes` does not move existing appointments' ends).
    pub end: DateTime,
    pub status: AppointmentStatus,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
}

/// Whether an appointment still holds its slot. Cancelled rows are kept for the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
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
    start_local, end_local, status, created_at, cancelled_at FROM appointments";

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

    /// Books `details` for `call_sid` if the slot is free at this moment.
    ///
    /// The start is truncated to the minute (nobody books 3:00:27). A repeat from the same call
    /// for the same start returns `AlreadyBooked` with the first id and writes nothing, even if
    /// other details differ: it is the same booking triggered twice. Service names are stored
    /// as configured when they match one ignoring case.
    pub fn book(
        &self,
        call_sid: &str,
        details: &BookingDetails,
        business: &Business,
        now: Timestamp,
    ) -> Result<BookingOutcome, StoreError> {
        let start = details.date.to_datetime(civil::time(
            details.time.hour(),
            details.time.minute(),
            0,
            0,
        ));
        let key = idempotency_key(call_sid, start);
        // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so the checks
        // below see every booking committed before ours and none can slip in after them.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;

        if let Some(id) = tx
            .query_row(
                "SELECT id FROM appointments WHERE idempotency_key = ?1 AND status = 'booked'",
                [&key],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        {
            return Ok(BookingOutcome::AlreadyBooked {
                appointment_id: id,
                start,
            });
        }

        let now_local = business.tz().to_datetime(now);
        let (from, to) = availability::search_window(start, now_local);
        let existing = self.appointments_between(from, to)?;
        if let Availability::Unavailable {
            reason,
            alternatives,
        } = availability::check(business, &existing, start, now_local)
        {
            return Ok(BookingOutcome::Unavailable {
                reason,
                alternatives,
            });
        }

        let end = start + SignedDuration::from_mins(i64::from(business.appointment_minutes));
        let service = business
            .service(&details.service)
            .map_or(details.service.as_str(), |s| &s.name);
        let inserted = tx.execute(
            "INSERT INTO appointments (call_sid, name, phone, email, address, service,
                start_local, end_local, status, created_at, idempotency_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'booked', ?9, ?10)",
            params![
                call_sid,
                details.name.trim(),
                details.phone.trim(),
                details
                    .email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty()),
                details.address.trim(),
                service,
                dt_sql(start),
                dt_sql(end),
                ts_sql(now),
                key
            ],
        );
        match inserted {
            Ok(_) => {
                let id = tx.last_insert_rowid();
                tx.commit()?;
                log::info!("booked appointment {id} at {start} for call {call_sid}");
                Ok(BookingOutcome::Booked {
                    appointment_id: id,
                    start,
                })
            }
            // Only reachable if the re-check above and the unique index disagree (e.g. an
            // appointment with an odd stored end); the index wins and the caller is told.
            Err(e) if is_unique_violation(&e) => {
                drop(tx); // rolls back
                log::warn!("booking {start} for call {call_sid} hit the unique index: {e}");
                let alternatives =
                    availability::alternatives(business, &existing, start, now_local);
                Ok(BookingOutcome::Unavailable {
                    reason: UnavailableReason::Taken,
                    alternatives,
                })
            }
            Err(e) => Err(e.into()),
        }
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
