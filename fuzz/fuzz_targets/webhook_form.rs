//! A webhook request: the URL SignalWire called, the signature header and the form body, split at
//! the first two NUL bytes. Parsing and checking must never panic, the signature we compute must
//! verify, and the same signature must fail for any other body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_fuzz::signature::{expected_signature, verify, verify_json_body};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let url = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let header = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let body = parts.next().unwrap_or_default();

    // What the webhook handler does with the body.
    let params: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let _ = verify("PSK_fuzz", &url, &params, &header);
    let _ = verify_json_body("PSK_fuzz", &url, body, &header);

    let sig = expected_signature("PSK_fuzz", &url, &params);
    assert!(
        verify("PSK_fuzz", &url, &params, &sig),
        "own signature refused"
    );
    let mut other = params.clone();
    other.push(("Tampered".into(), String::new()));
    assert!(
        !verify("PSK_fuzz", &url, &other, &sig),
        "signature ignores a field"
    );
});
