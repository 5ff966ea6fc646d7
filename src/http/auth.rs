//! Bearer-token checks shared by the media socket and the admin API.

use actix_web::HttpRequest;
use subtle::ConstantTimeEq;

/// True when the request carries `Authorization: Bearer <expected>`.
///
/// Compared in constant time so the token cannot be guessed byte by byte from response times.
pub fn has_bearer(req: &HttpRequest, expected: &str) -> bool {
    let Some(given) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return false;
    };
    !expected.is_empty() && bool::from(given.trim().as_bytes().ct_eq(expected.as_bytes()))
}
