//! The email outbox: confirmation emails are written to the database in the same moment as the
//! booking decision, and delivered (and retried) later by [`super::mailer::deliver_due`].
//!
//! Why an outbox rather than sending inline: an SMTP server that is slow, down or greylisting
//! must neither hold the caller on the line nor lose the email. A queued row survives a
//! restart; delivery retries with backoff until it succeeds or clearly cannot.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};

use super::store::{opt_ts_col, ts_col, ts_sql, Store, StoreError};

/// Waits after the 1st, 2nd, ... failed attempt; the last one repeats (the cap). Short at
/// first, since most failures are a blip or a greylisting server asking to come back soon.
pub const EMAIL_BACKOFF: [SignedDuration; 5] = [
    SignedDuration::from_secs(5),
    SignedDuration::from_secs(30),
    SignedDuration::from_mins(2),
    SignedDuration::from_mins(10),
    SignedDuration::from_hours(1),
];

/// After this many failed attempts an email is given up ('failed'): with the backoff above
/// that is about three hours of trying, after which a "confirmation" is no longer timely.
pub const MAX_EMAIL_ATTEMPTS: u32 = 8;

/// One email in the outbox and where it is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub call_sid: Option<String>,
    pub status: EmailStatus,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not to be tried before this.
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// `queued` until delivered (`sent`) or given up (`failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    Queued,
    Sent,
    Failed,
}

impl EmailStatus {
    fn parse(s: &str) -> EmailStatus {
        match s {
            "sent" => EmailStatus::Sent,
            "failed" => EmailStatus::Failed,
            _ => EmailStatus::Queued,
        }
    }
}

/// The wait after `attempts` failed attempts (1-based).
pub fn email_backoff(attempts: u32) -> SignedDuration {
    let i = (attempts.max(1) as usize - 1).min(EMAIL_BACKOFF.len() - 1);
    EMAIL_BACKOFF[i]
}

const SELECT_EMAIL: &str = "SELECT id, to_addr, subject, body, call_sid, status, attempts,
    next_attempt_at, last_error, created_at, sent_at FROM email_outbox";

fn email_row(r: &Row<'_>) -> rusqlite::Result<OutboxEmail> {
    Ok(OutboxEmail {
        id: r.get(0)?,
        to: r.get(1)?,
        subject: r.get(2)?,
        body: r.get(3)?,
        call_sid: r.get(4)?,
        status: EmailStatus::parse(&r.get::<_, String>(5)?),
        attempts: r.get::<_, i64>(6)?.max(0) as u32,
        next_attempt_at: ts_col(r, 7)?,
        last_error: r.get(8)?,
        created_at: ts_col(r, 9)?,
        sent_at: opt_ts_col(r, 10)?,
    })
}

impl Store {
    /// Queues an email, due at once. Returns its id.
    pub fn enqueue_email(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        call_sid: Option<&str>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO email_outbox (to_addr, subject, body, call_sid, status, attempts,
                next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?4, 'queued', 0, ?5, ?5)",
            params![to, subject, body, call_sid, ts_sql(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Queued emails whose time has come, oldest due first, at most `limit`.
    ///
    /// Read only: deliveries must run one at a time (one delivery task), or two could send the
    /// same row.
    pub fn due_emails(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxEmail>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT_EMAIL} WHERE status = 'queued' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, id LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![ts_sql(now), limit], email_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks an email delivered.
    pub fn mark_email_sent(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE email_outbox SET status = 'sent', sent_at = ?2 WHERE id = ?1",
            params![id, ts_sql(now)],
        )?;
        found(n, id)
    }

    /// Records a failed attempt: the email is retried after [`email_backoff`], or given up
    /// ('failed') once it has failed [`MAX_EMAIL_ATTEMPTS`] times.
    pub fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        // Read-modify-write of `attempts` under the write lock, so two failures cannot both
        // count as the same attempt.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let attempts: i64 = tx
            .query_row(
                "SELECT attempts FROM email_outbox WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound { what: "email", id })?;
        let attempts = attempts.max(0) as u32 + 1;
        let status = if attempts >= MAX_EMAIL_ATTEMPTS {
            "failed"
        } else {
            "queued"
        };
        let next = now.saturating_add(email_backoff(attempts)).unwrap_or(now);
        tx.execute(
            "UPDATE email_outbox
             SET attempts = ?2, status = ?3, next_attempt_at = ?4, last_error = ?5
             WHERE id = ?1",
            params![id, attempts, status, ts_sql(next), error],
        )?;
        tx.commit()?;
        if status == "failed" {
            log::warn!("email {id} given up after {attempts} attempts: {error}");
        }
        Ok(())
    }

    /// Gives an email up at once: for errors no retry can fix (the server refused the
    /// recipient, the address is malformed).
    pub fn mark_email_failed_permanently(
        &self,
        id: i64,
        error: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE email_outbox
             SET attempts = attempts + 1, status = 'failed', next_attempt_at = ?2, last_error = ?3
             WHERE id = ?1",
            params![id, ts_sql(now), error],
        )?;
        found(n, id)
    }

    /// Every email, oldest first (admin and tests).
    pub fn outbox(&self) -> Result<Vec<OutboxEmail>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_EMAIL} ORDER BY id"))?;
        let rows = stmt.query_map([], email_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn found(changed: usize, id: i64) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound { what: "email", id })
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
