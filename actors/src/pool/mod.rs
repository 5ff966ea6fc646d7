//! The PersonaPlex server pool: which server may take the next call.
//!
//! A PersonaPlex process serves one session at a time (a batched one a fixed `capacity` of them),
//! and a connection past that does not fail: it waits silently and, worse, writes its prompt into
//! the model a running session is using (see `docs/personaplex.md`). So the client side must know
//! which servers are full and never connect to one of them. This pool is that knowledge: one
//! process-wide table, a [`Lease`] per
//! call that frees the server when dropped, and a cooldown after a failed session so a broken
//! server is not handed straight to the next caller.
//!
//! Pure and synchronous (one `std` mutex, held for microseconds); the actors wrap it.

mod clock;
mod lease;
mod server;
mod slot;
mod status;

#[cfg(test)]
mod concurrency_tests;
#[cfg(test)]
mod lease_tests;
#[cfg(test)]
mod status_tests;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use clock::{Clock, ManualClock, SystemClock};
pub use lease::Lease;
pub use server::ServerConfig;
pub use status::{FailureRecord, ServerState, ServerStatus, MAX_FAILURES_KEPT};

use slot::{Holder, Slot};

/// The process-wide set of PersonaPlex servers and who is using each.
///
/// Exists so every call of the process sees the same busy/free picture: clones share one table,
/// and a server is handed to at most `capacity` calls at a time.
#[derive(Clone)]
pub struct PersonaPlexPool {
    shared: Arc<Shared>,
}

/// What the clones of a pool and its leases share.
///
/// Exists to keep the clock and the cooldown (fixed at construction) outside the mutex.
struct Shared {
    table: Mutex<Table>,
    cooldown: Duration,
    clock: Arc<dyn Clock>,
}

/// The mutable part, behind the mutex.
struct Table {
    slots: Vec<Slot>,
    /// Counts leases ever granted; gives each lease a unique id and orders slots by last use.
    leases_granted: u64,
}

impl PersonaPlexPool {
    /// A pool of `servers` on the real clock; a failed server is skipped for `cooldown`.
    ///
    /// Entries with an empty name are named `host:port`. A second entry with the same host and
    /// port is dropped (with a warning): it is the same process, and counting its seats twice is
    /// exactly the over-connection the pool exists to prevent.
    pub fn new(servers: Vec<ServerConfig>, cooldown: Duration) -> Self {
        Self::with_clock(servers, cooldown, Arc::new(SystemClock))
    }

    /// As [`new`](Self::new), reading time from `clock` (tests pass a [`ManualClock`]).
    pub fn with_clock(
        servers: Vec<ServerConfig>,
        cooldown: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let mut slots: Vec<Slot> = Vec::with_capacity(servers.len());
        for mut config in servers {
            config.fill_default_name();
            if slots.iter().any(|s| s.config.same_address(&config)) {
                log::warn!(
                    "personaplex server {} ({}) is listed twice; ignoring the duplicate",
                    config.name,
                    config.address()
                );
                continue;
            }
            slots.push(Slot::new(config));
        }
        Self {
            shared: Arc::new(Shared {
                table: Mutex::new(Table {
                    slots,
                    leases_granted: 0,
                }),
                cooldown,
                clock,
            }),
        }
    }

    /// Leases a seat of a healthy server with room to `call_sid`, or `None` when every server is
    /// full or cooling down.
    ///
    /// Among the leasable servers it picks the one whose last failure is oldest (never failed
    /// first), then the one with the fewest seats in use, then the one leased longest ago: the
    /// load is spread, round-robin among equally healthy and equally loaded servers.
    pub fn lease(&self, call_sid: &str) -> Option<Lease> {
        let mut table = self.shared.lock();
        let now = self.shared.clock.now();
        let index = table
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.leasable(now))
            .min_by_key(|(i, slot)| (slot.last_failure, slot.seats_used(), slot.last_leased, *i))
            .map(|(i, _)| i)?;
        table.leases_granted += 1;
        let lease_id = table.leases_granted;
        let slot = &mut table.slots[index];
        slot.holders.push(Holder {
            lease_id,
            call_sid: call_sid.to_owned(),
        });
        slot.last_leased = lease_id;
        slot.sessions_served += 1;
        log::debug!(
            "personaplex server {} leased to call {call_sid} (seat {} of {})",
            slot.config.name,
            slot.seats_used(),
            slot.config.capacity
        );
        Some(Lease::new(
            Arc::clone(&self.shared),
            index,
            lease_id,
            slot.config.clone(),
            call_sid.to_owned(),
        ))
    }

    /// A snapshot of every server, in configuration order, for `GET /admin/servers`.
    pub fn servers(&self) -> Vec<ServerStatus> {
        let table = self.shared.lock();
        let now = self.shared.clock.now();
        table.slots.iter().map(|slot| slot.status(now)).collect()
    }

    /// How many servers a call could lease a seat of right now.
    pub fn free_count(&self) -> usize {
        let table = self.shared.lock();
        let now = self.shared.clock.now();
        table.slots.iter().filter(|slot| slot.leasable(now)).count()
    }

    /// How many more calls could lease a seat right now (free seats of healthy servers).
    pub fn free_seats(&self) -> usize {
        let table = self.shared.lock();
        let now = self.shared.clock.now();
        table
            .slots
            .iter()
            .filter(|slot| !slot.cooling_down(now))
            .map(|slot| (slot.config.capacity as usize).saturating_sub(slot.seats_used()))
            .sum()
    }
}

impl Shared {
    /// Locks the table, recovering from poisoning: every update to the table is a few field
    /// writes that cannot be left half-done, and a pool that stays locked forever after one
    /// panicking call would refuse every later call.
    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Frees the seat of slot `index` that lease `lease_id` holds, if it still holds one.
    fn release(&self, index: usize, lease_id: u64) {
        let mut table = self.lock();
        if let Some(slot) = table.slots.get_mut(index) {
            if slot.release(lease_id) {
                log::debug!("personaplex server {} released a seat", slot.config.name);
            }
        }
    }

    /// Starts the cooldown of slot `index` from now.
    fn fail(&self, index: usize, reason: &str) {
        let mut table = self.lock();
        let now: Instant = self.clock.now();
        let unix = self.clock.unix_secs();
        if let Some(slot) = table.slots.get_mut(index) {
            log::warn!(
                "personaplex server {} failed ({reason}); cooling down for {:?}",
                slot.config.name,
                self.cooldown
            );
            slot.record_failure(now, now + self.cooldown, unix, reason);
        }
    }
}
