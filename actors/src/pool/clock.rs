//! The pool's source of time, replaceable in tests.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where the pool reads the time from.
///
/// Exists so that cooldown tests (and the lead's actor tests) can move time forward instead of
/// sleeping. Two readings because they serve two purposes: the monotonic [`Instant`] decides
/// when a cooldown ends (immune to wall-clock jumps), and the wall-clock Unix seconds label
/// failures in `/admin/servers` for humans.
pub trait Clock: Send + Sync {
    /// Monotonic time, for cooldowns.
    fn now(&self) -> Instant;
    /// Wall-clock seconds since the Unix epoch, for display.
    fn unix_secs(&self) -> u64;
}

/// The real clock.
///
/// Exists as the default [`Clock`] of [`PersonaPlexPool::new`](super::PersonaPlexPool::new).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn unix_secs(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock that only moves when told to.
///
/// Exists for tests: `advance` steps both readings together, so a test can check "still cooling
/// down one millisecond before the end, free at the end" deterministically.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    start_unix: u64,
    elapsed: Mutex<Duration>,
}

impl ManualClock {
    /// A clock frozen at the current instant, reading `start_unix` as wall-clock time.
    pub fn new(start_unix: u64) -> Self {
        Self {
            start: Instant::now(),
            start_unix,
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves time forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }

    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }

    fn unix_secs(&self) -> u64 {
        self.start_unix + self.elapsed().as_secs()
    }
}
