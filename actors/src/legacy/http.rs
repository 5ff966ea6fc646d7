//! What the two HTTP clients of the legacy pipeline share: the per-thread awc client, the
//! endpoint URL rule, the whole-exchange timeout, and the answer reading with key redaction.
//!
//! Same conventions as the speech engine ([`crate::speech::openai`]): HTTP/1.1, public web PKI
//! for `https://`, no awc timeout (the configured budget bounds the whole exchange instead),
//! error bodies cut to one line, the API key never in a message.

use std::future::Future;
use std::time::Duration;

use awc::http::StatusCode;
use bytes::Bytes;

use super::error::LegacyError;
use crate::speech::error::body_snippet;

/// A POST request to `url` on this thread's client, with the bearer key when there is one.
pub(crate) fn post(url: &str, api_key: &str) -> awc::ClientRequest {
    let request = crate::http_client::post(url);
    if api_key.is_empty() {
        request
    } else {
        request.bearer_auth(api_key)
    }
}

/// `{base}/v1/{path}`; a base that already ends in `/v1` (the OpenAI SDK convention) gets
/// only `/{path}`.
pub(crate) fn endpoint_url(base_url: &str, path: &str) -> String {
    let base = base_url.trim().trim_end_matches('/');
    if base.ends_with("/v1") {
        format!("{base}/{path}")
    } else {
        format!("{base}/v1/{path}")
    }
}

/// Removes the API key from text about to become an error message (some servers echo it).
pub(crate) fn redact(text: &str, api_key: &str) -> String {
    if api_key.is_empty() {
        text.to_owned()
    } else {
        text.replace(api_key, "[redacted]")
    }
}

/// Runs `exchange` within `after`, turning the overrun into [`LegacyError::Timeout`].
pub(crate) async fn within<T>(
    endpoint: &'static str,
    after: Duration,
    exchange: impl Future<Output = Result<T, LegacyError>>,
) -> Result<T, LegacyError> {
    match tokio::time::timeout(after, exchange).await {
        Ok(result) => result,
        Err(_) => Err(LegacyError::Timeout { endpoint, after }),
    }
}

/// Sends `request` (already built, body included by `send`) and reads the whole answer, at
/// most `limit` bytes. A non-2xx status becomes [`LegacyError::Http`] with a redacted snippet.
pub(crate) async fn read_answer<F, S, E>(
    endpoint: &'static str,
    url: &str,
    api_key: &str,
    limit: usize,
    send: F,
) -> Result<Bytes, LegacyError>
where
    F: Future<Output = Result<awc::ClientResponse<S>, E>>,
    S: futures_util::Stream<Item = Result<Bytes, awc::error::PayloadError>> + Unpin,
    E: std::fmt::Display,
{
    let mut response = send.await.map_err(|e| {
        LegacyError::Request(redact(
            &format!("{endpoint} request to {url} failed: {e}"),
            api_key,
        ))
    })?;
    let status: StatusCode = response.status();
    let body = response.body().limit(limit).await.map_err(|e| {
        LegacyError::Request(format!("{endpoint}: reading the answer from {url}: {e}"))
    })?;
    if !status.is_success() {
        return Err(LegacyError::Http {
            endpoint,
            status: status.as_u16(),
            body: redact(&body_snippet(&body), api_key),
        });
    }
    Ok(body)
}

/// `"[redacted]"` when a key is set, `""` otherwise: what `Debug` impls show for keys.
pub(crate) fn key_shown(api_key: &str) -> &'static str {
    if api_key.is_empty() {
        ""
    } else {
        "[redacted]"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_accepts_base_with_or_without_v1() {
        for base in [
            "http://h:8000",
            "http://h:8000/",
            "http://h:8000/v1",
            " http://h:8000/v1/ ",
        ] {
            assert_eq!(
                endpoint_url(base, "chat/completions"),
                "http://h:8000/v1/chat/completions"
            );
        }
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("bad key sk-1 sk-1", "sk-1"),
            "bad key [redacted] [redacted]"
        );
        assert_eq!(redact("nothing", ""), "nothing");
        assert_eq!(key_shown("k"), "[redacted]");
        assert_eq!(key_shown(""), "");
    }
}
