//! The SQLite store: calls, tool runs, appointments and the email outbox, in one file on disk.
//!
//! Blocking by design (rusqlite): the lead runs it on a thread of its own, never on the audio
//! path. The schema is created and migrated on open, so a fresh path or an old file both just
//! work. Appointment booking lives in [`super::appointments`] (moves in [`super::reschedule`])
//! and the outbox in [`super::outbox`]; all are `impl Store` blocks on the connection held here.
//!
//! Time is stored as text in fixed-width forms so SQL string comparison orders it correctly:
//! instants as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`, appointment times as local civil
//! `YYYY-MM-DDTHH:MM:SS` in the business's zone (what the caller was promised, unaffected by a
//! later change of DST rules).

use std::path::Path;
use std::time::Duration;

use jiff::civil::DateTime;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

pub use super::appointments::{Appointment, AppointmentStatus};
pub use super::outbox::{EmailStatus, OutboxEmail};

/// Why a store call failed. Booking conflicts are not errors (they are a
/// [`super::BookingOutcome`]); these are the database itself failing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("the database is at schema version {found}, newer than this build's {supported}")]
    TooNew { found: i64, supported: i64 },
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },
    /// The blocking task running the query died (it panicked or was cancelled).
    #[error("store worker failed: {0}")]
    Worker(String),
}

/// One open connection to the database. Not `Sync` (rusqlite); open one per thread, they
/// coordinate through SQLite's locks (WAL + busy timeout).
pub struct Store {
    pub(super) conn: Connection,
}

/// A call as recorded: who called, which engine answered, how it ended, and notes added
/// during it (e.g. "booking incomplete: missing phone").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub sid: String,
    pub from_number: String,
    pub to_number: String,
    pub engine: String,
    /// `None` when only the end (or a note) was recorded, e.g. after a crash mid-call.
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub outcome: Option<String>,
    pub transcript: Option<String>,
    pub notes: Vec<String>,
}

/// One tool call the agent triggered, with what it returned and how long it took, so a call
/// can be audited and slow tools spotted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolRun {
    pub id: i64,
    pub call_sid: String,
    pub name: String,
    pub arguments: String,
    pub result: Option<String>,
    pub error: Option<String>,
    pub latency_ms: u64,
    pub at: Timestamp,
}

/// Schema migrations, in order; `PRAGMA user_version` counts how many have run. Append only:
/// an existing entry must never change, since databases in the field already ran it.
const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    "
    CREATE TABLE calls (
        sid          TEXT PRIMARY KEY,
        from_number  TEXT NOT NULL DEFAULT '',
        to_number    TEXT NOT NULL DEFAULT '',
        engine       TEXT NOT NULL DEFAULT '',
        started_at   TEXT,
        ended_at     TEXT,
        outcome      TEXT,
        transcript   TEXT,
        notes        TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE appointments (
        id               INTEGER PRIMARY KEY,
        call_sid         TEXT NOT NULL,
        name             TEXT NOT NULL,
        phone            TEXT NOT NULL,
        email            TEXT,
        address          TEXT NOT NULL,
        service          TEXT NOT NULL,
        start_local      TEXT NOT NULL,
        end_local        TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
        created_at       TEXT NOT NULL,
        cancelled_at     TEXT,
        idempotency_key  TEXT UNIQUE
    );
    -- The last line of defence against double booking: two live rows can never share a start.
    CREATE UNIQUE INDEX appointments_booked_start ON appointments (start_local)
        WHERE status = 'booked';
    CREATE TABLE tool_runs (
        id          INTEGER PRIMARY KEY,
        call_sid    TEXT NOT NULL,
        name        TEXT NOT NULL,
        arguments   TEXT NOT NULL,
        result      TEXT,
        error       TEXT,
        latency_ms  INTEGER NOT NULL,
        at          TEXT NOT NULL
    );
    CREATE INDEX tool_runs_call ON tool_runs (call_sid, id);
    CREATE TABLE email_outbox (
        id               INTEGER PRIMARY KEY,
        to_addr          TEXT NOT NULL,
        subject          TEXT NOT NULL,
        body             TEXT NOT NULL,
        call_sid         TEXT,
        status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        last_error       TEXT,
        created_at       TEXT NOT NULL,
        sent_at          TEXT
    );
    CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';
    ",
    // 2: voicemail messages.
    "
    CREATE TABLE voicemails (
        id INTEGER PRIMARY KEY,
        call_sid TEXT NOT NULL,
        from_number TEXT NOT NULL,
        path TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    ",
    // 3: the caller's problem as the agent summarised it (bookings need no named service), and
    // which appointment a correction or a move replaced.
    "
    ALTER TABLE appointments ADD COLUMN problem TEXT;
    ALTER TABLE appointments ADD COLUMN replaces INTEGER REFERENCES appointments (id);
    ",
];

/// How long a connection waits for another's write lock before giving up: bookings are rare
/// and short, so this is only ever hit under a real problem.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens (creating the file and its folder if needed) and migrates the database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        Self::setup(Connection::open(path)?)
    }

    /// A private database that disappears with the value; for tests and dry runs.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets the admin page read while a booking writes; in-memory databases answer
        // "memory", which is fine.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// The schema version this database is at (the number of migrations run).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Records that a call started. A repeat for the same sid (a reconnect) updates the
    /// numbers and engine but keeps the earliest start.
    pub fn record_call_start(
        &self,
        call_sid: &str,
        from: &str,
        to: &str,
        engine: &str,
        started_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO calls (sid, from_number, to_number, engine, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (sid) DO UPDATE SET
                from_number = excluded.from_number,
                to_number = excluded.to_number,
                engine = excluded.engine,
                started_at = min(coalesce(started_at, excluded.started_at), excluded.started_at)",
            params![call_sid, from, to, engine, ts_sql(started_at)],
        )?;
        Ok(())
    }

    /// Records how a call ended. Creates the row if the start was never recorded, so the end
    /// of a call is never lost.
    pub fn record_call_end(
        &self,
        call_sid: &str,
        ended_at: Timestamp,
        outcome: &str,
        transcript: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO calls (sid, ended_at, outcome, transcript) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sid) DO UPDATE SET
                ended_at = excluded.ended_at,
                outcome = excluded.outcome,
                transcript = excluded.transcript",
            params![call_sid, ts_sql(ended_at), outcome, transcript],
        )?;
        Ok(())
    }

    /// Adds one line to the call's notes (newlines inside `note` become spaces, since notes
    /// are stored one per line).
    pub fn append_call_note(&self, call_sid: &str, note: &str) -> Result<(), StoreError> {
        let note = note.replace(['\r', '\n'], " ");
        self.conn.execute(
            "INSERT INTO calls (sid, notes) VALUES (?1, ?2)
             ON CONFLICT (sid) DO UPDATE SET
                notes = CASE WHEN notes = '' THEN excluded.notes
                             ELSE notes || char(10) || excluded.notes END",
            params![call_sid, note],
        )?;
        Ok(())
    }

    /// Records one tool run, stamped with the current time.
    pub fn record_tool_run(
        &self,
        call_sid: &str,
        name: &str,
        arguments_json: &str,
        result_json: Option<&str>,
        error: Option<&str>,
        latency_ms: u64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO tool_runs (call_sid, name, arguments, result, error, latency_ms, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                call_sid,
                name,
                arguments_json,
                result_json,
                error,
                i64::try_from(latency_ms).unwrap_or(i64::MAX),
                ts_sql(Timestamp::now())
            ],
        )?;
        Ok(())
    }

    /// The call with this sid, if recorded.
    pub fn call(&self, call_sid: &str) -> Result<Option<CallRecord>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT sid, from_number, to_number, engine, started_at, ended_at, outcome,
                        transcript, notes
                 FROM calls WHERE sid = ?1",
                [call_sid],
                |r| {
                    let notes: String = r.get(8)?;
                    Ok(CallRecord {
                        sid: r.get(0)?,
                        from_number: r.get(1)?,
                        to_number: r.get(2)?,
                        engine: r.get(3)?,
                        started_at: opt_ts_col(r, 4)?,
                        ended_at: opt_ts_col(r, 5)?,
                        outcome: r.get(6)?,
                        transcript: r.get(7)?,
                        notes: notes.lines().map(str::to_string).collect(),
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    /// The tool runs of one call, in the order they were recorded.
    pub fn tool_runs(&self, call_sid: &str) -> Result<Vec<ToolRun>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, call_sid, name, arguments, result, error, latency_ms, at
             FROM tool_runs WHERE call_sid = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([call_sid], |r| {
            Ok(ToolRun {
                id: r.get(0)?,
                call_sid: r.get(1)?,
                name: r.get(2)?,
                arguments: r.get(3)?,
                result: r.get(4)?,
                error: r.get(5)?,
                latency_ms: r.get::<_, i64>(6)?.max(0) as u64,
                at: ts_col(r, 7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Runs the migrations this database has not run yet, each in its own IMMEDIATE transaction
/// so two processes opening a fresh file at once cannot both run the same one.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let supported = MIGRATIONS.len() as i64;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > supported {
            return Err(StoreError::TooNew {
                found: version,
                supported,
            });
        }
        if version == supported {
            return Ok(());
        }
        tx.execute_batch(MIGRATIONS[version as usize])?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        log::info!("database migrated to schema version {}", version + 1);
    }
}

/// An instant as stored: UTC, millisecond precision, fixed width (so text order is time order).
pub(super) fn ts_sql(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A local appointment time as stored: fixed width, whole seconds.
pub(super) fn dt_sql(dt: DateTime) -> String {
    dt.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

fn conversion_error(
    idx: usize,
    e: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

/// Reads a stored instant column.
pub(super) fn ts_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<Timestamp> {
    let s: String = r.get(idx)?;
    s.parse().map_err(|e| conversion_error(idx, e))
}

/// Reads a nullable stored instant column.
pub(super) fn opt_ts_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Timestamp>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| s.parse().map_err(|e| conversion_error(idx, e)))
        .transpose()
}

/// Reads a stored local datetime column.
pub(super) fn dt_col(r: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime> {
    let s: String = r.get(idx)?;
    s.parse().map_err(|e| conversion_error(idx, e))
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "test_support.rs"]
pub(crate) mod test_support;
