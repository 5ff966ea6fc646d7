//! Webhook signature checks (`docs/signalwire.md` §2).
//!
//! SignalWire signs every cXML webhook with the project's Signing Key; a request that fails the
//! check must get a 403 and change nothing, because the webhook URL is public. The URL that was
//! signed is the one SignalWire called, which may differ from ours only by an explicit default
//! port, so both spellings are tried.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `base64(HMAC-SHA1(key, url + k1 + v1 + k2 + v2 …))` with the params sorted by key (stable, so
/// repeated keys keep the order they were sent in).
pub fn expected_signature(signing_key: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(signing_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// True when `signature` signs `url` (as given, or with its default port added or removed) and
/// `params`. Compared in constant time so the signature cannot be guessed byte by byte.
pub fn verify(signing_key: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let signature = signature.trim();
    if signature.is_empty() {
        return false;
    }
    let mut ok = subtle::Choice::from(0);
    for candidate in url_variants(url) {
        let expected = expected_signature(signing_key, &candidate, params);
        // Lengths are public (always 28 for SHA-1); only the content is compared in constant time.
        if expected.len() == signature.len() {
            ok |= expected.as_bytes().ct_eq(signature.as_bytes());
        }
    }
    ok.into()
}

/// JSON-bodied webhooks: the URL carries `bodySHA256=<hex sha256 of body>` and the params are
/// empty. Both the body hash and the URL signature must match.
pub fn verify_json_body(signing_key: &str, url: &str, body: &[u8], signature: &str) -> bool {
    let Some(claimed) = body_sha256_param(url) else {
        return false;
    };
    let actual = hex(&Sha256::digest(body));
    let hash_ok: bool = claimed
        .to_ascii_lowercase()
        .as_bytes()
        .ct_eq(actual.as_bytes())
        .into();
    // Evaluate both so the timing does not tell which check failed.
    let sig_ok = verify(signing_key, url, &[], signature);
    hash_ok & sig_ok
}

fn body_sha256_param(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// The URL as given plus, for http(s), the same URL with its default port toggled. Done on the
/// string rather than through `url::Url`, which would normalise away the very difference (and
/// possibly re-encode the query) that changes the signature.
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let (scheme_len, default_port) = if lower.starts_with("https://") {
        (8, ":443")
    } else if lower.starts_with("http://") {
        (7, ":80")
    } else {
        return out;
    };
    let rest = &url[scheme_len..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    // The port, if any, follows the last ':' after the userinfo and any IPv6 literal.
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let after_v6 = authority[host_start..]
        .rfind(']')
        .map_or(host_start, |i| host_start + i + 1);
    let authority_end = scheme_len + authority_len;
    match authority[after_v6..].rfind(':') {
        Some(i) => {
            if &authority[after_v6 + i..] == default_port {
                let port_start = scheme_len + after_v6 + i;
                out.push(format!("{}{}", &url[..port_start], &url[authority_end..]));
            }
        }
        None => out.push(format!(
            "{}{}{}",
            &url[..authority_end],
            default_port,
            &url[authority_end..]
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // Twilio's documented example (same algorithm). Recomputed with:
    // python3 -c "import hmac,hashlib,base64; s='https://mycompany.com/myapp.php?foo=1&bar=2'
    //   + 'CallSidCA1234567890ABCDE'+'Caller+12349013030'+'Digits1234'+'From+12349013030'
    //   + 'To+18005551212'; print(base64.b64encode(hmac.new(b'12345', s.encode(),
    //   hashlib.sha1).digest()).decode())"
    const DOC_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const DOC_SIG: &str = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
    fn doc_params() -> Vec<(String, String)> {
        // Deliberately unsorted: the signer must sort.
        params(&[
            ("To", "+18005551212"),
            ("CallSid", "CA1234567890ABCDE"),
            ("From", "+12349013030"),
            ("Digits", "1234"),
            ("Caller", "+12349013030"),
        ])
    }

    #[test]
    fn matches_the_documented_vector() {
        assert_eq!(expected_signature("12345", DOC_URL, &doc_params()), DOC_SIG);
        assert!(verify("12345", DOC_URL, &doc_params(), DOC_SIG));
    }

    #[test]
    fn matches_an_independently_computed_signalwire_vector() {
        // python3: key=b'PSK_test_signing_key', url='https://example.com/signalwire/voice?tenant=acme',
        // s = url + ''.join(k+v for k,v in sorted(params.items())); base64(hmac sha1) of s.
        let p = params(&[
            ("CallSid", "76ac-1"),
            ("AccountSid", "b08d-2"),
            ("From", "+15551234567"),
            ("To", "+15557654321"),
            ("CallStatus", "ringing"),
        ]);
        let url = "https://example.com/signalwire/voice?tenant=acme";
        assert_eq!(
            expected_signature("PSK_test_signing_key", url, &p),
            "Z2PjbsJ8AJncfc325ad+3rXgqVI="
        );
    }

    #[test]
    fn default_port_is_accepted_both_ways() {
        // The same request signed with ":443" spelled out (python, as above, with
        // 'https://mycompany.com:443/myapp.php?foo=1&bar=2').
        let sig_443 = "EpDEmp1PyjDYp77YxYU3GILBWzE=";
        assert!(verify("12345", DOC_URL, &doc_params(), sig_443));
        assert!(verify(
            "12345",
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &doc_params(),
            DOC_SIG
        ));
        // A non-default port is not a spelling of the same URL.
        assert!(!verify(
            "12345",
            "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
            &doc_params(),
            DOC_SIG
        ));
    }

    #[test]
    fn url_variants_toggle_only_the_default_port() {
        assert_eq!(url_variants("http://h/x"), ["http://h/x", "http://h:80/x"]);
        assert_eq!(
            url_variants("http://h:80?q"),
            ["http://h:80?q", "http://h?q"]
        );
        assert_eq!(
            url_variants("HTTPS://u:p@h"),
            ["HTTPS://u:p@h", "HTTPS://u:p@h:443"]
        );
        assert_eq!(
            url_variants("https://[::1]:443/a"),
            ["https://[::1]:443/a", "https://[::1]/a"]
        );
        assert_eq!(url_variants("https://h:80/a"), ["https://h:80/a"]);
        assert_eq!(url_variants("ftp://h/a"), ["ftp://h/a"]);
    }

    #[test]
    fn param_order_does_not_matter_but_content_does() {
        let mut reversed = doc_params();
        reversed.reverse();
        assert!(verify("12345", DOC_URL, &reversed, DOC_SIG));
        let mut tampered = doc_params();
        tampered[0].1 = "+18005551213".into();
        assert!(!verify("12345", DOC_URL, &tampered, DOC_SIG));
        let mut extra = doc_params();
        extra.push(("Extra".into(), "1".into()));
        assert!(!verify("12345", DOC_URL, &extra, DOC_SIG));
    }

    #[test]
    fn wrong_key_url_or_signature_fails() {
        assert!(!verify("12346", DOC_URL, &doc_params(), DOC_SIG));
        assert!(!verify(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &doc_params(),
            DOC_SIG
        ));
        assert!(!verify("12345", DOC_URL, &doc_params(), ""));
        assert!(!verify("12345", DOC_URL, &doc_params(), "   "));
        assert!(!verify("12345", DOC_URL, &doc_params(), &DOC_SIG[..27]));
        assert!(!verify(
            "12345",
            DOC_URL,
            &doc_params(),
            "1/KCTR6DLpKmkAf8muzZqo1nDgQ="
        ));
    }

    #[test]
    fn json_body_needs_both_the_hash_and_the_signature() {
        // python3: body=b'{"CallSid":"abc","CallStatus":"completed"}'; h=sha256(body).hexdigest();
        // u='https://example.com/status?bodySHA256='+h; base64(hmac sha1(b'PSK_test_signing_key', u)).
        let body = br#"{"CallSid":"abc","CallStatus":"completed"}"#;
        let url = "https://example.com/status?bodySHA256=\
                   0b9de59eb60a4f54a2f3a4186143bd4dbfd5a32dbf06686799a9825f45deb966";
        let sig = "8da72edfTv/MiKXJfCUoRLXggM4=";
        assert!(verify_json_body("PSK_test_signing_key", url, body, sig));
        assert!(!verify_json_body(
            "PSK_test_signing_key",
            url,
            b"{\"CallSid\":\"abd\"}",
            sig
        ));
        assert!(!verify_json_body("wrong", url, body, sig));
        assert!(!verify_json_body(
            "PSK_test_signing_key",
            "https://example.com/status",
            body,
            sig
        ));
        // A correct hash is not enough without a matching signature.
        let bad_sig = expected_signature("PSK_test_signing_key", "https://example.com/other", &[]);
        assert!(!verify_json_body(
            "PSK_test_signing_key",
            url,
            body,
            &bad_sig
        ));
    }
}
