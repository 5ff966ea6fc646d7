//! Drain on deploy: stop taking calls, let live ones finish, then exit.
//!
//! actix-web's own signal handling stops the server on SIGTERM and cuts every live call after
//! its shutdown timeout. A deploy must not drop callers, so the server runs with its signals
//! disabled and [`on_signals`] takes over: the first SIGTERM or SIGINT marks the process as
//! draining (`/healthz` answers 503 so the load balancer stops sending, new calls are redirected
//! or still answered), waits until no call is live or `drain_secs` have passed, then stops the
//! server; a second signal stops it at once.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actors::call::CallRegistry;
use tokio::signal::unix::{signal, Signal, SignalKind};

/// How often the drain looks at the call registry.
const POLL: Duration = Duration::from_millis(200);

/// How long after a webhook was answered with a media stream the drain still waits for that
/// stream: SignalWire opens it a moment after the cXML, and the call is only registered at its
/// `start` event. Without it a call answered just before the signal could find the process gone.
pub const STREAM_GRACE: Duration = Duration::from_secs(10);

/// Whether the process is draining, shared by the HTTP handlers and the signal task.
///
/// Exists so `/healthz` and the incoming-call webhook see the signal the moment it arrives, and
/// so the drain knows whether a call was answered so recently that its stream may still come.
#[derive(Debug)]
pub struct Drain {
    draining: AtomicBool,
    /// Milliseconds from `since` to the last webhook answered with a media stream (0: none).
    last_answer_ms: AtomicU64,
    since: Instant,
}

impl Default for Drain {
    fn default() -> Self {
        Drain {
            draining: AtomicBool::new(false),
            last_answer_ms: AtomicU64::new(0),
            since: Instant::now(),
        }
    }
}

impl Drain {
    /// True once a stop signal arrived.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Starts draining.
    pub fn begin(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// A webhook was just answered with a media stream.
    pub fn note_answered(&self) {
        let ms = self.since.elapsed().as_millis() as u64;
        self.last_answer_ms.store(ms.max(1), Ordering::SeqCst);
    }

    /// True when a webhook was answered with a media stream less than `grace` ago.
    fn answered_within(&self, grace: Duration) -> bool {
        match self.last_answer_ms.load(Ordering::SeqCst) {
            0 => false,
            ms => self.since.elapsed() < Duration::from_millis(ms) + grace,
        }
    }
}

/// The stop signals, registered before the server runs so none is missed.
///
/// Exists so registration (which can fail) happens up front, with an error naming it.
pub struct StopSignals {
    term: Signal,
    interrupt: Signal,
}

impl StopSignals {
    /// Registers SIGTERM and SIGINT (inside the actix system: it needs the tokio runtime).
    pub fn register() -> std::io::Result<Self> {
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.interrupt.recv() => "SIGINT",
        }
    }
}

/// Waits for a stop signal, drains for at most `limit`, then stops `server`.
pub async fn on_signals(
    mut signals: StopSignals,
    server: ServerHandle,
    drain: Arc<Drain>,
    registry: CallRegistry,
    limit: Duration,
) {
    let first = signals.next().await;
    drain.begin();
    log::info!(
        "{first}: draining: /healthz answers 503, new calls go elsewhere; waiting up to {}s for \
         {} live calls (a second signal exits now)",
        limit.as_secs(),
        registry.len()
    );
    let deadline = Instant::now() + limit;
    loop {
        tokio::select! {
            second = signals.next() => {
                log::warn!("{second} while draining: exiting now, {} calls cut", registry.len());
                server.stop(false).await;
                return;
            }
            _ = tokio::time::sleep(POLL) => {}
        }
        let live = registry.len();
        if live == 0 && !drain.answered_within(STREAM_GRACE) {
            log::info!("drained: no live calls; exiting");
            break;
        }
        if Instant::now() >= deadline {
            log::warn!("drain_secs reached with {live} live calls: exiting, they are cut");
            break;
        }
    }
    server.stop(true).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draining_starts_once_begun() {
        let drain = Drain::default();
        assert!(!drain.is_draining());
        drain.begin();
        assert!(drain.is_draining());
    }

    #[test]
    fn a_recent_answer_holds_the_drain_for_the_grace() {
        let drain = Drain::default();
        assert!(
            !drain.answered_within(Duration::from_secs(3600)),
            "none yet"
        );
        drain.note_answered();
        assert!(drain.answered_within(Duration::from_secs(3600)));
        std::thread::sleep(Duration::from_millis(5));
        assert!(!drain.answered_within(Duration::ZERO));
    }
}
