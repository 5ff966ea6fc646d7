//! `https://` endpoints are reached over TLS. A regression test: awc silently dropped our TLS
//! connector once (every https endpoint failed with "SSL is not supported"). Against a local
//! TLS server whose certificate no public root signed, the clients must fail on the
//! certificate, which proves a TLS handshake was attempted.

mod common;

use std::process::Command;

use actors::legacy::{SttClient, SttConfig};

/// A TLS server (the PersonaPlex peer serves https with `--ssl-cert`) on a self-signed cert.
fn tls_server(dir: &std::path::Path) -> (std::process::Child, u16) {
    let out = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
            "cert.pem",
        ])
        .args([
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .current_dir(dir)
        .output()
        .expect("openssl (scripts/setup installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::spawn_peer(
        "personaplex_peer.py",
        &["--ssl-cert", "cert.pem", "--ssl-key", "key.pem"],
        Some(dir),
    )
}

#[actix_rt::test]
async fn https_endpoints_are_reached_over_tls() {
    let dir = std::env::temp_dir().join(format!("switchboard-https-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut server, port) = tls_server(&dir);
    let stt = SttClient::new(SttConfig {
        base_url: format!("https://127.0.0.1:{port}"),
        ..SttConfig::default()
    });
    let err = stt
        .transcribe(&[0i16; 1600], 8000)
        .await
        .unwrap_err()
        .to_string();
    let _ = server.kill();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !err.contains("SSL is not supported"),
        "TLS was not even attempted: {err}"
    );
    assert!(
        err.to_lowercase().contains("certificate"),
        "expected a certificate error, got: {err}"
    );
}
