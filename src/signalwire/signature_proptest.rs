//! Properties of webhook signatures and the form bodies they sign: whatever the fields, a body
//! encoded the way SignalWire encodes it parses back to the fields that were signed, the
//! signature verifies for exactly that request, and no input makes the check panic.

use proptest::collection::vec;
use proptest::prelude::*;

use super::signature::{expected_signature, verify, verify_json_body};

/// The request's fields as the webhook handler sees them: parsed from the form body.
fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn encode_form(params: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop_oneof![
        Just("CallSid".to_string()),
        Just("From".to_string()),
        Just("To".to_string()),
        Just("CallStatus".to_string()),
        any::<String>(),
    ];
    vec((key, any::<String>()), 0..8)
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://voice.example.com/signalwire/voice".to_string()),
        Just("http://127.0.0.1:8080/signalwire/status?x=1".to_string()),
        "https?://[a-z0-9.\\[\\]:@]{0,20}(/[a-z?=&]{0,10})?",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn signed_form_verifies_after_encoding_and_parsing(
        key in "[!-~]{1,40}",
        url in url(),
        params in params(),
    ) {
        let body = encode_form(&params);
        let parsed = parse_form(body.as_bytes());
        prop_assert_eq!(&parsed, &params, "form encoding lost something");
        let sig = expected_signature(&key, &url, &params);
        prop_assert_eq!(sig.len(), 28);
        prop_assert!(verify(&key, &url, &parsed, &sig));
        // Surrounding whitespace in the header is tolerated; another key is not.
        let padded = format!(" {sig}\t");
        prop_assert!(verify(&key, &url, &parsed, &padded));
        let other_key = format!("{key}x");
        prop_assert!(!verify(&other_key, &url, &parsed, &sig));
    }

    #[test]
    fn any_change_to_a_field_breaks_the_signature(
        params in params().prop_filter("need a field", |p| !p.is_empty()),
        which in any::<prop::sample::Index>(),
        extra in "[a-z0-9]{1,4}",
    ) {
        let url = "https://voice.example.com/signalwire/voice";
        let sig = expected_signature("key", url, &params);
        let mut tampered = params.clone();
        tampered[which.index(params.len())].1.push_str(&extra);
        prop_assert!(!verify("key", url, &tampered, &sig));
        let mut added = params.clone();
        added.push(("Z".into(), extra.clone()));
        prop_assert!(!verify("key", url, &added, &sig));
    }

    #[test]
    fn field_order_does_not_matter(params in params(), seed in any::<u64>()) {
        let url = "https://voice.example.com/signalwire/voice";
        let sig = expected_signature("key", url, &params);
        // Reorder fields with distinct keys only: repeated keys keep their relative order.
        let mut shuffled = params.clone();
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(i as u64 + 1) >> 7) as usize % (i + 1);
            if shuffled[i].0 != shuffled[j].0 {
                shuffled.swap(i, j);
            }
        }
        let mut stable = shuffled.clone();
        stable.sort_by(|a, b| a.0.cmp(&b.0));
        let mut want = params.clone();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        prop_assume!(stable == want);
        prop_assert!(verify("key", url, &shuffled, &sig));
    }

    #[test]
    fn arbitrary_requests_never_panic(
        key in any::<String>(),
        url in url(),
        body in vec(any::<u8>(), 0..300),
        signature in any::<String>(),
    ) {
        let params = parse_form(&body);
        let _ = verify(&key, &url, &params, &signature);
        let _ = verify_json_body(&key, &url, &body, &signature);
    }
}
