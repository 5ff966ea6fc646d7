//! Per-call media credentials: what the incoming-call webhook hands SignalWire so that it, and
//! only it, can open the media socket of that one call.
//!
//! The stream URL names the call in its path (`…/signalwire/media/<CallSid>`, never in a query:
//! SignalWire forbids one) and the bearer token is `base64url(HMAC-SHA256(media_secret,
//! CallSid))`. The server keeps no table of issued tokens: the upgrade recomputes the token from
//! the path's CallSid. A leaked token opens that call's socket and no other, and only while the
//! call is not live already (a second socket for a live CallSid is refused).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The longest CallSid accepted (SignalWire's are 36-character UUIDs).
const MAX_CALL_SID: usize = 64;

/// The key the per-call tokens are derived from (`signalwire.media_secret`).
pub struct MediaSecret(Vec<u8>);

impl MediaSecret {
    /// The configured secret, or, when it is empty, 32 random bytes for this process (tokens
    /// then stop working at a restart, and several instances cannot share calls).
    pub fn new(configured: &str) -> Self {
        if configured.is_empty() {
            MediaSecret(rand::random::<[u8; 32]>().to_vec())
        } else {
            MediaSecret(configured.as_bytes().to_vec())
        }
    }

    /// The bearer token that opens the media socket of `call_sid`.
    pub fn token(&self, call_sid: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC accepts keys of any length");
        mac.update(call_sid.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// True when `token` is the token of `call_sid`, compared in constant time.
    pub fn verify(&self, call_sid: &str, token: &str) -> bool {
        let expected = self.token(call_sid);
        // The length is public (always 43); only the content is compared in constant time.
        expected.len() == token.len() && bool::from(expected.as_bytes().ct_eq(token.as_bytes()))
    }
}

impl std::fmt::Debug for MediaSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MediaSecret(<redacted>)")
    }
}

/// True for a CallSid that can travel in a URL path segment as it is: 1 to 64 ASCII letters,
/// digits, `-` or `_` (SignalWire's are UUIDs). Anything else is refused at the webhook, so a
/// crafted sid can never change the shape of the stream URL.
pub fn is_valid_call_sid(sid: &str) -> bool {
    (1..=MAX_CALL_SID).contains(&sid.len())
        && sid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed independently with Python's `hmac` and `base64.urlsafe_b64encode` (padding
    /// stripped): `hmac.new(b"media-secret-for-tests", b"CA0123456789abcdef", sha256)`.
    const PYTHON_TOKEN: &str = "5QnuKA1bhWW1HdgZ67e39D-aOhblxzP1cXSxEx26ZHE";

    #[test]
    fn the_token_is_base64url_hmac_sha256_of_the_call_sid() {
        let secret = MediaSecret::new("media-secret-for-tests");
        assert_eq!(secret.token("CA0123456789abcdef"), PYTHON_TOKEN);
        assert!(secret.verify("CA0123456789abcdef", PYTHON_TOKEN));
    }

    #[test]
    fn a_token_opens_its_own_call_only() {
        let secret = MediaSecret::new("media-secret-for-tests");
        assert!(!secret.verify("CA0123456789abcdeg", PYTHON_TOKEN));
        assert!(!secret.verify("CA0123456789abcdef", &PYTHON_TOKEN[1..]));
        assert!(!secret.verify("CA0123456789abcdef", ""));
        let other = MediaSecret::new("another-secret");
        assert!(!other.verify("CA0123456789abcdef", PYTHON_TOKEN));
    }

    #[test]
    fn an_empty_secret_becomes_a_random_one() {
        let (a, b) = (MediaSecret::new(""), MediaSecret::new(""));
        assert_ne!(a.token("CA1"), b.token("CA1"));
        assert_ne!(a.token("CA1"), MediaSecret::new("").token("CA1"));
        assert_eq!(format!("{a:?}"), "MediaSecret(<redacted>)");
    }

    #[test]
    fn call_sids_are_path_safe() {
        for good in [
            "CA1",
            "CAd1a2b3c4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            "a_b",
            &"x".repeat(64),
        ] {
            assert!(is_valid_call_sid(good), "{good}");
        }
        for bad in [
            "",
            "CA/1",
            "CA 1",
            "..",
            "CA%2F",
            "CA?x=1",
            "ÇA1",
            &"x".repeat(65),
        ] {
            assert!(!is_valid_call_sid(bad), "{bad}");
        }
    }
}
