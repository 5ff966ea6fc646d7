//! `MediaWriter`: the write half of the media socket, bounded in memory and in time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_ws::{CloseReason, Session};
use bytes::Bytes;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::Notify;

/// Messages the call may have waiting for the socket: 10 s of 20 ms audio frames. A peer that
/// reads keeps this queue near empty; a full one means it stopped reading long ago.
pub const QUEUE_LIMIT: usize = 500;

/// Longest ping payload a pong may echo (RFC 6455 §5.5: control frames carry at most 125 bytes).
const MAX_CONTROL_PAYLOAD: usize = 125;

/// Told to the session when its peer has not taken what we send for the write timeout.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct WriterStalled {
    pub waited: Duration,
}

/// The queue towards the peer is full: it is not reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog;

/// What the writer task sends, in order.
enum Outgoing {
    Text(String),
    Close(Option<CloseReason>),
}

/// State shared by the handle and the writer task.
#[derive(Default)]
struct Shared {
    /// The payload of the latest ping not answered yet: a new ping replaces it, so a peer that
    /// pings without reading has at most one pong waiting for it, whatever its ping rate.
    pong: Mutex<Option<Bytes>>,
    pong_ready: Notify,
    /// When the handle was dropped (the session ended): the writer then has one write timeout
    /// to finish what was queued (a goodbye, a close) and stops, reading peer or not.
    dropped_at: Mutex<Option<Instant>>,
}

/// Sends text frames, pongs and the close frame to the media socket's peer.
///
/// actix-ws's `Session` sends are async and an actor handler is not, so a small task owns the
/// `Session` and drains an in-order queue. Both ends are bounded: the queue holds at most
/// [`QUEUE_LIMIT`] messages ([`MediaWriter::text`] says when it is full), pongs do not queue at
/// all (the latest replaces the one not sent yet), and a send the peer has not taken within the
/// write timeout ends the task and tells the session ([`WriterStalled`]). So a peer that stops
/// reading costs a bounded amount of memory for a bounded time, then is disconnected.
pub struct MediaWriter {
    queue: mpsc::Sender<Outgoing>,
    shared: Arc<Shared>,
}

impl MediaWriter {
    /// Starts the writer task on the current arbiter.
    pub fn spawn(
        session: Session,
        write_timeout: Duration,
        on_stall: Recipient<WriterStalled>,
    ) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_LIMIT);
        let shared = Arc::new(Shared::default());
        actix_rt::spawn(run(
            session,
            receiver,
            shared.clone(),
            write_timeout,
            on_stall,
        ));
        MediaWriter { queue, shared }
    }

    /// Queues a text frame, or says the peer is not keeping up. Once the writer has stopped
    /// (socket closed) the frame is dropped quietly: the session learns of the close from its
    /// stream.
    pub fn text(&self, text: String) -> Result<(), Backlog> {
        match self.queue.try_send(Outgoing::Text(text)) {
            Err(TrySendError::Full(_)) => Err(Backlog),
            Ok(()) | Err(TrySendError::Closed(_)) => Ok(()),
        }
    }

    /// Answers a ping. Replaces any pong not sent yet rather than queueing another.
    pub fn pong(&self, ping: &[u8]) {
        // A copy, not a slice: the ping is a view into the socket's read buffer, and keeping
        // it would keep that whole buffer alive.
        let payload = Bytes::copy_from_slice(&ping[..ping.len().min(MAX_CONTROL_PAYLOAD)]);
        *lock(&self.shared.pong) = Some(payload);
        self.shared.pong_ready.notify_one();
    }

    /// Queues the close frame after what is queued; the writer stops once it is sent. With a
    /// full queue there is no room for it, and none needed: that peer is being disconnected.
    pub fn close(&self, reason: Option<CloseReason>) {
        let _ = self.queue.try_send(Outgoing::Close(reason));
    }
}

impl Drop for MediaWriter {
    fn drop(&mut self) {
        *lock(&self.shared.dropped_at) = Some(Instant::now());
    }
}

/// The writer task: one message at a time, each within what is left of the write timeout.
async fn run(
    mut session: Session,
    mut queue: mpsc::Receiver<Outgoing>,
    shared: Arc<Shared>,
    write_timeout: Duration,
    on_stall: Recipient<WriterStalled>,
) {
    loop {
        let next = tokio::select! {
            _ = shared.pong_ready.notified() => None,
            item = queue.recv() => match item {
                Some(item) => Some(item),
                None => break,
            },
        };
        let budget = match *lock(&shared.dropped_at) {
            Some(dropped) => (dropped + write_timeout).saturating_duration_since(Instant::now()),
            None => write_timeout,
        };
        let sent = match next {
            None => {
                let Some(payload) = lock(&shared.pong).take() else {
                    continue;
                };
                tokio::time::timeout(budget, session.pong(&payload)).await
            }
            Some(Outgoing::Text(text)) => tokio::time::timeout(budget, session.text(text)).await,
            Some(Outgoing::Close(reason)) => {
                let _ = tokio::time::timeout(budget, session.close(reason)).await;
                break;
            }
        };
        match sent {
            Ok(Ok(())) => {}
            // The connection is gone.
            Ok(Err(_closed)) => break,
            Err(_elapsed) => {
                on_stall.do_send(WriterStalled { waited: budget });
                break;
            }
        }
    }
    // Dropping the `Session` here ends the response stream: the connection closes once what
    // is buffered is written, or the kernel gives up on a peer that never reads it.
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
