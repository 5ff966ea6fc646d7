//! The HTTP client for OpenAI-compatible endpoints (speech, transcription, chat).

use crate::call::tls::{client_config, TrustPolicy};

thread_local! {
    /// awc clients are `!Send` and per-thread; one per actix worker thread keeps connections
    /// alive between requests (no new TCP/TLS handshake per sentence or turn) while the
    /// structs that use it stay `Send + Sync`.
    static CLIENT: awc::Client = build_client();
}

/// A POST request to `url` on this thread's client.
///
/// HTTP/1.1, the public web PKI for `https://`, and no built-in timeout: each caller bounds the
/// whole exchange with its own configured budget.
pub fn post(url: &str) -> awc::ClientRequest {
    CLIENT.with(|c| c.post(url))
}

fn build_client() -> awc::Client {
    let mut connector = awc::Connector::new();
    match client_config(TrustPolicy::PublicRoots) {
        Ok(tls) => connector = connector.rustls_0_23(tls),
        Err(e) => log::warn!("no TLS for https endpoints: {e}"),
    }
    // No `max_http_version` here: awc then rebuilds a default TLS connector, dropping ours
    // (every https endpoint would fail with "SSL is not supported"). Our rustls config's ALPN
    // already pins HTTP/1.1.
    awc::Client::builder()
        .connector(connector)
        .disable_timeout()
        .finish()
}
