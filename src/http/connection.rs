//! What switchboard does to a TCP connection below HTTP: socket options on accept, and cutting a
//! media socket whose peer stopped reading.
//!
//! A peer that never reads leaves our data in its kernel's queue and ours; actix then waits to
//! flush it for ever, and keeps reading what the peer sends meanwhile. Two things end that:
//! TCP_USER_TIMEOUT (set on every connection here) makes the kernel drop a connection whose
//! data has waited `server.write_timeout_secs` on a zero window, and [`cutter`] lets the media
//! session reset the connection at once when its own write timeout finds the peer not reading
//! (a peer that keeps sending keeps postponing the kernel's zero-window timer).

use std::any::Any;
use std::cell::Cell;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::Extensions;
use actix_web::{HttpRequest, HttpResponse};
use actors::call::media_session::Disconnect;
use bytes::Bytes;

/// The socket of the connection a request came on (stored by [`on_connect`]).
#[derive(Debug, Clone, Copy)]
struct SocketFd(RawFd);

/// `HttpServer::on_connect`: TCP_USER_TIMEOUT = `write_timeout` on every accepted connection,
/// and its descriptor remembered for [`cutter`].
pub fn on_connect(write_timeout: Duration) -> impl Fn(&dyn Any, &mut Extensions) + Send + Sync {
    move |connection, extensions| {
        let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() else {
            return;
        };
        #[cfg(target_os = "linux")]
        if let Err(e) = socket2::SockRef::from(tcp).set_tcp_user_timeout(Some(write_timeout)) {
            log::debug!("cannot set TCP_USER_TIMEOUT: {e}");
        }
        #[cfg(not(target_os = "linux"))]
        let _ = write_timeout;
        extensions.insert(SocketFd(tcp.as_raw_fd()));
    }
}

/// Makes `response` (a WebSocket upgrade) cuttable: returns it with its body tied to a liveness
/// flag, and the [`Disconnect`] that resets its connection while that body is still alive.
///
/// The flag is what makes touching the descriptor sound: the body is owned by actix's connection
/// dispatcher, which owns the socket too and drops both together, on this same worker thread
/// (hence `Rc`, which also keeps the cutter from leaving the thread). While the flag says alive,
/// the descriptor is still that connection's; once it says dead, the cutter does nothing.
pub fn cutter(req: &HttpRequest, response: HttpResponse) -> (HttpResponse, Option<Disconnect>) {
    let Some(&SocketFd(fd)) = req.conn_data::<SocketFd>() else {
        return (response, None);
    };
    let alive = Rc::new(Cell::new(true));
    let response = response.map_body(|_, body| {
        BoxBody::new(AliveWhile {
            body,
            alive: alive.clone(),
        })
    });
    let cut: Disconnect = Box::new(move || {
        if alive.get() {
            reset(fd);
        }
    });
    (response, Some(cut))
}

/// Resets the connection: discard what is queued (linger 0) and shut both directions, so actix
/// sees the connection fail and drops it, and the peer gets a reset.
fn reset(fd: RawFd) {
    // SAFETY: only called while the connection's dispatcher, which owns `fd`, is alive (see
    // `cutter`), so `fd` is open and is that connection's socket for the whole borrow.
    let socket = unsafe { BorrowedFd::borrow_raw(fd) };
    let socket = socket2::SockRef::from(&socket);
    let _ = socket.set_linger(Some(Duration::ZERO));
    let _ = socket.shutdown(std::net::Shutdown::Both);
}

/// A response body that clears `alive` when actix drops it.
struct AliveWhile {
    body: BoxBody,
    alive: Rc<Cell<bool>>,
}

impl Drop for AliveWhile {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}

impl MessageBody for AliveWhile {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}
