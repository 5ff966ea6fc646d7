//! The pool's bookkeeping for one server.

use std::collections::VecDeque;
use std::time::Instant;

use super::server::ServerConfig;
use super::status::{FailureRecord, ServerState, ServerStatus, MAX_FAILURES_KEPT};

/// Who holds one seat of a leased server.
///
/// Exists so a dropped [`Lease`](super::Lease) can prove it is the holder before freeing the
/// slot: the id is unique per lease, so a stale handle can never free someone else's session.
#[derive(Debug)]
pub(super) struct Holder {
    pub lease_id: u64,
    pub call_sid: String,
}

/// One server plus everything the pool knows about it.
///
/// Exists to keep the per-server rules (leasable? what state to show?) in one place, away from
/// the locking and selection in the pool itself.
#[derive(Debug)]
pub(super) struct Slot {
    pub config: ServerConfig,
    /// One per leased seat, in lease order; never more than `config.capacity`.
    pub holders: Vec<Holder>,
    /// No lease before this instant; `None` once never failed.
    pub cooldown_until: Option<Instant>,
    /// When the last failure was reported: the selection prefers servers that failed longest ago.
    pub last_failure: Option<Instant>,
    /// Value of the pool's lease counter at the last lease: lower means used longer ago, which
    /// gives round-robin among equally healthy servers.
    pub last_leased: u64,
    pub failures: VecDeque<FailureRecord>,
    pub sessions_served: u64,
}

impl Slot {
    pub fn new(config: ServerConfig) -> Self {
        Self {
            holders: Vec::with_capacity(config.capacity as usize),
            config,
            cooldown_until: None,
            last_failure: None,
            last_leased: 0,
            failures: VecDeque::with_capacity(MAX_FAILURES_KEPT),
            sessions_served: 0,
        }
    }

    /// True while a cooldown is still running at `now` (the end instant itself is free).
    pub fn cooling_down(&self, now: Instant) -> bool {
        self.cooldown_until.is_some_and(|until| now < until)
    }

    /// How many seats are leased right now.
    pub fn seats_used(&self) -> usize {
        self.holders.len()
    }

    /// True when a new call may take a seat of this server at `now`.
    pub fn leasable(&self, now: Instant) -> bool {
        self.seats_used() < self.config.capacity as usize && !self.cooling_down(now)
    }

    /// Frees the seat `lease_id` holds; false when it holds none here (a stale release).
    pub fn release(&mut self, lease_id: u64) -> bool {
        let before = self.holders.len();
        self.holders.retain(|h| h.lease_id != lease_id);
        self.holders.len() != before
    }

    pub fn state(&self, now: Instant) -> ServerState {
        if !self.holders.is_empty() {
            ServerState::Busy
        } else if self.cooling_down(now) {
            ServerState::CoolingDown
        } else {
            ServerState::Free
        }
    }

    /// Records a failure: starts (or restarts) the cooldown and remembers the reason.
    pub fn record_failure(
        &mut self,
        now: Instant,
        until: Instant,
        at_unix_secs: u64,
        reason: &str,
    ) {
        self.last_failure = Some(now);
        self.cooldown_until = Some(self.cooldown_until.map_or(until, |u| u.max(until)));
        if self.failures.len() == MAX_FAILURES_KEPT {
            self.failures.pop_front();
        }
        self.failures.push_back(FailureRecord {
            at_unix_secs,
            reason: reason.to_owned(),
        });
    }

    pub fn status(&self, now: Instant) -> ServerStatus {
        let remaining = match self.cooldown_until {
            Some(until) if until > now => {
                let left = until - now;
                left.as_secs() + u64::from(left.subsec_nanos() > 0)
            }
            _ => 0,
        };
        ServerStatus {
            name: self.config.name.clone(),
            host: self.config.host.clone(),
            port: self.config.port,
            state: self.state(now),
            call_sid: self.holders.first().map(|h| h.call_sid.clone()),
            call_sids: self.holders.iter().map(|h| h.call_sid.clone()).collect(),
            seats_used: self.seats_used() as u32,
            seats_total: self.config.capacity,
            cooldown_remaining_secs: remaining,
            recent_failures: self.failures.iter().cloned().collect(),
            sessions_served: self.sessions_served,
        }
    }
}
