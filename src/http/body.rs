//! Reading a webhook's body with a deadline and a size cap.
//!
//! The `web::Bytes` extractor waits for a body as long as the client takes to send it, and a
//! webhook needs no authentication to be sent: a few hundred clients that never finish their
//! body would hold a few hundred connections for ever. Here the whole body must arrive within
//! `server.body_timeout_secs`, or the request gets a 408 and its connection is closed.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;

/// Largest webhook body: SignalWire's form posts are a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// Why a body could not be read; each maps to the response the client gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Not all of it within the timeout.
    Timeout,
    /// Larger than [`MAX_BODY`] (declared or sent).
    TooLarge,
    /// The connection broke or the framing was invalid.
    Broken,
}

impl BodyError {
    pub fn response(self) -> HttpResponse {
        let mut response = match self {
            BodyError::Timeout => HttpResponse::RequestTimeout(),
            BodyError::TooLarge => HttpResponse::PayloadTooLarge(),
            BodyError::Broken => HttpResponse::BadRequest(),
        };
        // The rest of the body is not read: the connection cannot carry another request.
        response
            .insert_header((header::CONNECTION, "close"))
            .body(match self {
                BodyError::Timeout => "request body not received in time",
                BodyError::TooLarge => "request body too large",
                BodyError::Broken => "request body could not be read",
            })
    }
}

/// The request's whole body, if it arrives within `timeout` and is at most [`MAX_BODY`] bytes.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY as u64) {
        return Err(BodyError::TooLarge);
    }
    match actix_web::rt::time::timeout(timeout, payload.to_bytes_limited(MAX_BODY)).await {
        Err(_elapsed) => {
            log::warn!(
                "{} {} from {}: body not received within {timeout:?}",
                req.method(),
                req.path(),
                req.peer_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "unknown".into())
            );
            Err(BodyError::Timeout)
        }
        Ok(Err(_over_limit)) => Err(BodyError::TooLarge),
        Ok(Ok(Err(_broken))) => Err(BodyError::Broken),
        Ok(Ok(Ok(body))) => Ok(body),
    }
}
