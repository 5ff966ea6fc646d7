//! The cXML webhooks over real HTTP, with signatures computed by an independent implementation
//! (Python's `hmac`), not by the code under test.

mod support;

use std::process::Command;

use support::*;

const SIGNING_KEY: &str = "PSK_test_signing_key";

/// SignalWire's signature of `url` + sorted form params, computed by Python.
fn python_signature(url: &str, params: &[(&str, &str)]) -> String {
    let script = r#"
import base64, hashlib, hmac, json, sys
key, url, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
data = url + "".join(k + v for k, v in sorted(params, key=lambda p: p[0]))
print(base64.b64encode(hmac.new(key.encode(), data.encode(), hashlib.sha1).digest()).decode())
"#;
    let params = serde_json::to_string(params).unwrap();
    let out = Command::new(peer_python())
        .args(["-c", script, SIGNING_KEY, url, &params])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The per-call media token, computed by Python: base64url(HMAC-SHA256(secret, CallSid)).
fn python_media_token(secret: &str, call_sid: &str) -> String {
    let script = r#"
import base64, hashlib, hmac, sys
digest = hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).digest()
print(base64.urlsafe_b64encode(digest).decode().rstrip("="))
"#;
    let out = Command::new(peer_python())
        .args(["-c", script, secret, call_sid])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn form(params: &[(&str, &str)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
        .into_bytes()
}

const CALL: [(&str, &str); 6] = [
    ("CallSid", "CA7f3c"),
    ("AccountSid", "AC-project"),
    ("From", "+15551234567"),
    ("To", "+15557654321"),
    ("CallStatus", "ringing"),
    ("Direction", "inbound"),
];

fn post_voice(
    server: &Server,
    signature: Option<(&str, &str)>,
    params: &[(&str, &str)],
) -> (u16, String) {
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    headers.extend(signature);
    http_request(
        server.port,
        "POST",
        "/signalwire/voice",
        &headers,
        &form(params),
    )
}

#[test]
fn signed_incoming_call_gets_a_bidirectional_stream() {
    // The public URL is what SignalWire signs; here it differs from the loopback listen address,
    // as it does behind a proxy.
    let server = Server::start(
        "webhook-ok",
        free_port(),
        &[
            ("signalwire", "signing_key = \"PSK_test_signing_key\""),
            ("signalwire", "codec = \"L16@16000h\""),
            ("server", "public_base_url = \"https://voice.example.com\""),
        ],
    );
    let signature = python_signature("https://voice.example.com/signalwire/voice", &CALL);
    let (status, body) = post_voice(&server, Some(("X-SignalWire-Signature", &signature)), &CALL);
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("<?xml"), "{body}");
    // Per-call media credentials: the call's own path and token, never a query string.
    assert!(
        body.contains(r#"url="wss://voice.example.com/signalwire/media/CA7f3c""#),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            r#"authBearerToken="{}""#,
            python_media_token(MEDIA_SECRET, "CA7f3c")
        )),
        "{body}"
    );
    assert!(body.contains(r#"codec="L16@16000h""#), "{body}");
    assert!(
        body.contains(r#"statusCallback="https://voice.example.com/signalwire/status""#),
        "{body}"
    );
    for (name, value) in [
        ("from", "+15551234567"),
        ("to", "+15557654321"),
        ("callSid", "CA7f3c"),
    ] {
        assert!(
            body.contains(&format!(r#"<Parameter name="{name}" value="{value}"/>"#)),
            "{name} missing: {body}"
        );
    }

    // The Twilio alias header and the URL with its default port are accepted too.
    let with_port = python_signature("https://voice.example.com:443/signalwire/voice", &CALL);
    let (status, _) = post_voice(&server, Some(("X-Twilio-Signature", &with_port)), &CALL);
    assert_eq!(status, 200);
}

#[test]
fn bad_or_missing_signatures_are_refused() {
    let server = Server::start(
        "webhook-bad",
        free_port(),
        &[("signalwire", "signing_key = \"PSK_test_signing_key\"")],
    );
    let url = format!("http://127.0.0.1:{}/signalwire/voice", server.port);
    let (status, body) = post_voice(&server, None, &CALL);
    assert_eq!(status, 403, "no signature: {body}");

    let signature = python_signature(&url, &CALL);
    let mut tampered = CALL;
    tampered[2] = ("From", "+15550000000");
    let (status, _) = post_voice(
        &server,
        Some(("X-SignalWire-Signature", &signature)),
        &tampered,
    );
    assert_eq!(status, 403, "a tampered parameter must break the signature");

    let (status, _) = post_voice(&server, Some(("X-SignalWire-Signature", "AAAA")), &CALL);
    assert_eq!(status, 403, "garbage signature");

    let (status, body) = post_voice(&server, Some(("X-SignalWire-Signature", &signature)), &CALL);
    assert_eq!(status, 200, "the genuine request still passes: {body}");
    // Status callbacks are signed the same way.
    let status_url = format!("http://127.0.0.1:{}/signalwire/status", server.port);
    let callback = [("CallSid", "CA7f3c"), ("StreamEvent", "stream-stopped")];
    let signature = python_signature(&status_url, &callback);
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-SignalWire-Signature", signature.as_str()),
    ];
    assert_eq!(
        http_request(
            server.port,
            "POST",
            "/signalwire/status",
            &headers,
            &form(&callback)
        )
        .0,
        204
    );
    assert_eq!(
        http_request(
            server.port,
            "POST",
            "/signalwire/status",
            &headers[..1],
            &form(&callback)
        )
        .0,
        403
    );
}

#[test]
fn after_stream_answers_hangup_and_refuses_a_bad_signature() {
    let server = Server::start(
        "webhook-after-stream",
        free_port(),
        &[("signalwire", "signing_key = \"PSK_test_signing_key\"")],
    );
    // The incoming call's answer names the action URL on its `<Connect>`.
    let url = format!("http://127.0.0.1:{}/signalwire/voice", server.port);
    let signature = python_signature(&url, &CALL);
    let (status, body) = post_voice(&server, Some(("X-SignalWire-Signature", &signature)), &CALL);
    assert_eq!(status, 200, "{body}");
    let action = format!("http://127.0.0.1:{}/signalwire/after-stream", server.port);
    assert!(
        body.contains(&format!("<Connect action=\"{action}\">")),
        "{body}"
    );

    let fields = [
        ("CallSid", "CA7f3c"),
        ("AccountSid", "AC-project"),
        ("CallStatus", "in-progress"),
    ];
    let post = |signature: Option<&str>, fields: &[(&str, &str)]| {
        let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
        if let Some(s) = signature {
            headers.push(("X-SignalWire-Signature", s));
        }
        http_request(
            server.port,
            "POST",
            "/signalwire/after-stream",
            &headers,
            &form(fields),
        )
    };
    let signature = python_signature(&action, &fields);
    let (status, body) = post(Some(&signature), &fields);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<Hangup/>"), "{body}");

    assert_eq!(post(None, &fields).0, 403, "no signature");
    assert_eq!(post(Some("AAAA"), &fields).0, 403, "garbage signature");
    let mut tampered = fields;
    tampered[0] = ("CallSid", "CAother");
    let (status, body) = post(Some(&signature), &tampered);
    assert_eq!(status, 403, "a tampered field must break the signature");
    assert!(!body.contains("Hangup"), "{body}");
}
