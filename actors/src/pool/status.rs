//! What `GET /admin/servers` shows about each server.

use serde::Serialize;

/// What a server is doing right now, from the pool's point of view.
///
/// Exists so the admin page (and tests) can tell "in a call" from "resting after a failure"
/// without re-deriving it from timestamps. Serialised as `"free"`, `"busy"`, `"cooling_down"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerState {
    /// Nobody holds it and no cooldown runs: the next call may get it.
    Free,
    /// At least one seat is leased to a call (even if that call already reported a failure: the
    /// lease is still held and a connection past the server's capacity would corrupt or wait
    /// behind a running session). `seats_used` of `seats_total` says whether it is full.
    Busy,
    /// Not leased, but a session failed recently; skipped until the cooldown ends.
    CoolingDown,
}

/// One recorded session failure.
///
/// Exists so an operator can see why a server is being avoided without digging through logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureRecord {
    /// Wall-clock time of the report, in seconds since the Unix epoch.
    pub at_unix_secs: u64,
    /// The reason given to [`Lease::report_failure`](super::Lease::report_failure).
    pub reason: String,
}

/// A snapshot of one server for `GET /admin/servers`.
///
/// Exists as a plain, serialisable copy so the HTTP handler never holds the pool's lock while
/// it formats a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerStatus {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub state: ServerState,
    /// The call holding the first leased seat, when [`ServerState::Busy`].
    pub call_sid: Option<String>,
    /// Every call holding a seat, in lease order.
    pub call_sids: Vec<String>,
    /// Seats leased right now.
    pub seats_used: u32,
    /// Sessions the server runs at once (`capacity`).
    pub seats_total: u32,
    /// Whole seconds (rounded up) until the cooldown ends; 0 when none runs.
    pub cooldown_remaining_secs: u64,
    /// The last few failures, oldest first (at most [`MAX_FAILURES_KEPT`]).
    pub recent_failures: Vec<FailureRecord>,
    /// Leases ever granted on this server (sessions started) since the process began.
    pub sessions_served: u64,
}

/// How many failures each server remembers for the admin page.
pub const MAX_FAILURES_KEPT: usize = 5;
