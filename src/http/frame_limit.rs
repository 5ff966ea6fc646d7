//! Refuses a WebSocket frame by the length its header declares, before any of it is buffered.
//!
//! actix-http's frame codec checks its size limit only once the whole frame has arrived (so it
//! can skip the frame and carry on), and actix-ws buffers every byte the socket delivers until
//! then: a client declaring a 200 MB frame made the server hold 200 MB. [`FrameLimited`] sits
//! between the request payload and actix-ws, follows the frame headers as the bytes go by (it
//! copies nothing), and ends the stream with an error as soon as a header declares more than
//! the limit; the media session then closes the socket.

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::error::PayloadError;
use bytes::Bytes;
use futures_util::Stream;

/// The longest frame header: 2 bytes, a 64-bit extended length, a 4-byte mask.
const MAX_HEADER: usize = 14;

/// A frame header declared more than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameTooLarge {
    pub declared: u64,
    pub limit: u64,
}

/// Where a byte stream of WebSocket frames is: inside a header, or inside a payload.
#[derive(Debug)]
pub struct FrameScanner {
    limit: u64,
    header: [u8; MAX_HEADER],
    /// Header bytes seen of the frame being read (0 while inside a payload).
    have: usize,
    /// Payload bytes still to come of the current frame.
    remaining: u64,
}

impl FrameScanner {
    /// Frames of at most `limit` payload bytes pass.
    pub fn new(limit: usize) -> Self {
        FrameScanner {
            limit: limit as u64,
            header: [0; MAX_HEADER],
            have: 0,
            remaining: 0,
        }
    }

    /// Follows the next bytes from the client. Errors at the first header over the limit; the
    /// scanner must not be fed after that.
    pub fn scan(&mut self, mut chunk: &[u8]) -> Result<(), FrameTooLarge> {
        while !chunk.is_empty() {
            if self.remaining > 0 {
                let skip = chunk
                    .len()
                    .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
                self.remaining -= skip as u64;
                chunk = &chunk[skip..];
                continue;
            }
            let want = self.header_len().unwrap_or(2);
            let take = (want - self.have).min(chunk.len());
            self.header[self.have..self.have + take].copy_from_slice(&chunk[..take]);
            self.have += take;
            chunk = &chunk[take..];
            if self.header_len() == Some(self.have) {
                let declared = self.declared_len();
                if declared > self.limit {
                    return Err(FrameTooLarge {
                        declared,
                        limit: self.limit,
                    });
                }
                self.remaining = declared;
                self.have = 0;
            }
        }
        Ok(())
    }

    /// The whole header's length, once its first two bytes are known.
    fn header_len(&self) -> Option<usize> {
        if self.have < 2 {
            return None;
        }
        let extended = match self.header[1] & 0x7f {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask = if self.header[1] & 0x80 != 0 { 4 } else { 0 };
        Some(2 + extended + mask)
    }

    /// The payload length a complete header declares.
    fn declared_len(&self) -> u64 {
        match self.header[1] & 0x7f {
            126 => u64::from(u16::from_be_bytes([self.header[2], self.header[3]])),
            127 => u64::from_be_bytes(self.header[2..10].try_into().expect("8 bytes")),
            short => u64::from(short),
        }
    }
}

/// A request payload whose WebSocket frames are held to a size limit (see the module doc).
pub struct FrameLimited<S> {
    inner: S,
    scanner: FrameScanner,
    /// Who is on the other end, for the one log line a refusal gets.
    peer: String,
    refused: bool,
}

impl<S> FrameLimited<S> {
    pub fn new(inner: S, limit: usize, peer: String) -> Self {
        FrameLimited {
            inner,
            scanner: FrameScanner::new(limit),
            peer,
            refused: false,
        }
    }
}

impl<S> Stream for FrameLimited<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.refused {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => match this.scanner.scan(&bytes) {
                Ok(()) => Poll::Ready(Some(Ok(bytes))),
                Err(FrameTooLarge { declared, limit }) => {
                    log::warn!(
                        "media socket from {}: a frame declares {declared} bytes, over the \
                         {limit}-byte limit: closing",
                        this.peer
                    );
                    this.refused = true;
                    Poll::Ready(Some(Err(PayloadError::Overflow)))
                }
            },
            other => other,
        }
    }
}

#[cfg(test)]
#[path = "frame_limit_tests.rs"]
mod tests;
