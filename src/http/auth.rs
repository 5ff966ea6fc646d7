//! Bearer-token checks shared by the media socket and the admin API.

use actix_web::HttpRequest;
use subtle::ConstantTimeEq;

/// The token of an `Authorization: Bearer <token>` header, trimmed.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// True when the request carries `Authorization: Bearer <expected>` and `expected` is set.
///
/// Compared in constant time so the token cannot be guessed byte by byte from response times.
pub fn has_bearer(req: &HttpRequest, expected: &str) -> bool {
    let Some(given) = bearer(req) else {
        return false;
    };
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}
