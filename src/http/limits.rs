//! Connection and request limits: what keeps slow or hostile HTTP clients from taking the
//! file descriptors and connections that live calls need.
//!
//! Three layers, each configured under `[server]`:
//! - the server accepts at most `max_connections` TCP connections (clamped to leave a quarter of
//!   the process's open-file limit for PersonaPlex sockets, files and SMTP), and gives each
//!   `header_timeout_secs` for its request head;
//! - requests other than media sockets and `/healthz` are counted while they are handled
//!   ([`RequestLimit`]): past `max_requests` they get a 503 at once, so such clients can hold at
//!   most that many connections and the rest stay free for media sockets;
//! - a peer that stops reading is dropped after `write_timeout_secs` (see `connection.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};

/// Counts the requests being handled that are subject to `server.max_requests`.
#[derive(Debug, Clone)]
pub struct RequestLimit {
    in_flight: Arc<AtomicUsize>,
    max: usize,
    /// Requests refused so far: logged at the first and every 100th, not one line each.
    refused: Arc<AtomicUsize>,
}

/// One counted request; uncounted when dropped (response produced, or the client went away).
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl RequestLimit {
    pub fn new(max: usize) -> Self {
        RequestLimit {
            in_flight: Arc::new(AtomicUsize::new(0)),
            max,
            refused: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Counts one more request, unless `max` are already being handled.
    fn enter(&self) -> Option<InFlight> {
        self.in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| InFlight(self.in_flight.clone()))
    }
}

/// True for the requests the cap leaves alone: media sockets (held for a call's length, and
/// what the headroom is kept for) and `/healthz` (answered at once; a load balancer must see
/// a busy server as alive).
pub fn is_exempt(path: &str) -> bool {
    path == "/healthz" || path == "/signalwire/media" || path.starts_with("/signalwire/media/")
}

/// The middleware: 503 past `max_requests`, otherwise the request runs counted.
pub async fn limit_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if is_exempt(req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let mut _counted = None;
    if let Some(limit) = req.app_data::<web::Data<RequestLimit>>() {
        _counted = limit.enter();
        if _counted.is_none() {
            let refused = limit.refused.fetch_add(1, Ordering::Relaxed) + 1;
            if refused == 1 || refused.is_multiple_of(100) {
                log::warn!(
                    "{} {}: {} requests already in progress: 503 ({refused} refused so far)",
                    req.method(),
                    req.path(),
                    limit.max
                );
            }
            let busy = HttpResponse::ServiceUnavailable()
                .insert_header(("Retry-After", "1"))
                .insert_header(("Connection", "close"))
                .body("busy, retry shortly");
            return Ok(req.into_response(busy).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The connections to accept at once: `configured`, but leaving a quarter of `open_files` (the
/// process's open-file limit, when known; at least 64 of them) for everything else: the store,
/// voicemail files, SMTP and the PersonaPlex sockets (few: a PersonaPlex server serves one call).
pub fn connection_cap(configured: usize, open_files: Option<u64>) -> usize {
    let by_files = open_files.map_or(usize::MAX, |n| {
        let kept = (n / 4).max(64);
        usize::try_from(n.saturating_sub(kept)).unwrap_or(usize::MAX)
    });
    configured.min(by_files).max(1)
}

/// The process's open-file limit, after raising its soft value to the hard one (what a server
/// that holds many sockets should run with). `None` where it cannot be read.
pub fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return None;
            }
            if limit.rlim_cur < limit.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: limit.rlim_max,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit = raised;
                }
            }
        }
        Some(limit.rlim_cur)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_up_to_max_and_frees_on_drop() {
        let limit = RequestLimit::new(2);
        let a = limit.enter().unwrap();
        let b = limit.enter().unwrap();
        assert!(limit.enter().is_none());
        drop(a);
        let c = limit.enter().unwrap();
        assert!(limit.enter().is_none());
        drop((b, c));
        assert_eq!(limit.in_flight.load(Ordering::Acquire), 0);
    }

    #[test]
    fn media_sockets_and_healthz_are_not_counted() {
        assert!(is_exempt("/healthz"));
        assert!(is_exempt("/signalwire/media"));
        assert!(is_exempt("/signalwire/media/CA1"));
        assert!(!is_exempt("/signalwire/voice"));
        assert!(!is_exempt("/signalwire/mediaX"));
        assert!(!is_exempt("/admin/calls"));
    }

    #[test]
    fn connections_leave_a_quarter_of_the_open_files_free() {
        assert_eq!(connection_cap(1024, Some(20_000)), 1024);
        assert_eq!(connection_cap(1024, Some(1024)), 768);
        assert_eq!(connection_cap(1024, Some(256)), 192);
        assert_eq!(connection_cap(1024, Some(100)), 36);
        assert_eq!(connection_cap(1024, None), 1024);
        assert_eq!(connection_cap(1024, Some(10)), 1);
    }
}
