//! TLS to PersonaPlex over a real `wss://` socket: trusted through a CA file, accepted through
//! the explicit "accept invalid certificates" switch, and refused otherwise.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::*;

/// A throw-away CA and a leaf certificate for 127.0.0.1 signed by it, like mkcert makes.
struct Certificates {
    ca: PathBuf,
    leaf: PathBuf,
    leaf_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl (scripts/setup installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn certificates(dir: &Path) -> Certificates {
    let ext = dir.join("leaf.ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=switchboard test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
    Certificates {
        ca: dir.join("ca.pem"),
        leaf: dir.join("leaf.pem"),
        leaf_key: dir.join("leaf.key"),
    }
}

fn tls_peer(certs: &Certificates) -> PersonaPlexPeer {
    PersonaPlexPeer::start(&[
        "--prefill-ms",
        "100",
        "--ssl-cert",
        certs.leaf.to_str().unwrap(),
        "--ssl-key",
        certs.leaf_key.to_str().unwrap(),
    ])
}

/// Places a short call; returns the simulator's summary.
fn short_call(server: &Server) -> String {
    let input = server.dir.join("in.wav");
    write_tone_wav(&input, 8000, 440.0, 2.0, 0.3);
    simulate_call(&[
        "--webhook",
        &server.webhook_url(),
        "--tail-secs",
        "0.5",
        "--audio",
        input.to_str().unwrap(),
        "--out",
        server.dir.join("out.wav").to_str().unwrap(),
    ])
}

/// True when the caller heard its own tone echoed back by the peer (the session worked; a
/// voicemail greeting would be speech, not 440 Hz).
fn heard_the_echo(server: &Server) -> bool {
    let (rate, heard) = read_wav(&server.dir.join("out.wav"));
    // 20 ms windows that are loud and mostly the 440 Hz tone: at least a second of them.
    let tone_windows = heard
        .chunks(rate as usize / 50)
        .filter(|w| rms_dbfs(w) > -40.0)
        .filter(|w| {
            goertzel(w, rate, 440.0) * 2.0 / (w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64)
                > 0.5
        })
        .count();
    tone_windows >= 50
}

#[test]
fn a_ca_file_or_the_explicit_switch_lets_wss_through_and_nothing_else_does() {
    let dir = temp_dir("tls-certs");
    let certs = certificates(&dir);
    let peer = tls_peer(&certs);
    let ca = format!("ca_file = \"{}\"", certs.ca.display());

    // Trusted through the CA that signed the server's certificate.
    let server = Server::start(
        "tls-ca",
        peer.port,
        &[("personaplex", "use_ssl = true"), ("personaplex", &ca)],
    );
    let summary = short_call(&server);
    assert!(
        heard_the_echo(&server),
        "no echo over wss with the CA file: {summary}"
    );
    drop(server);

    // Accepted through the explicit switch, with no CA at all.
    let server = Server::start(
        "tls-any",
        peer.port,
        &[
            ("personaplex", "use_ssl = true"),
            ("personaplex", "accept_invalid_certs = true"),
        ],
    );
    let summary = short_call(&server);
    assert!(
        heard_the_echo(&server),
        "no echo over wss with accept_invalid_certs: {summary}"
    );
    drop(server);

    // Neither: the certificate is refused and no session starts; the caller gets voicemail.
    let server = Server::start(
        "tls-refused",
        peer.port,
        &[("personaplex", "use_ssl = true")],
    );
    let input = server.dir.join("in.wav");
    write_tone_wav(&input, 8000, 440.0, 3.0, 0.3);
    let mut call = Command::new(switchboard_bin())
        .args([
            "call",
            "--webhook",
            &server.webhook_url(),
            "--tail-secs",
            "0.5",
            "--audio",
        ])
        .arg(&input)
        .arg("--out")
        .arg(server.dir.join("out.wav"))
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(5), "the refusal", || {
        server
            .calls()
            .first()
            .is_some_and(|c| c["engine"] == "voicemail")
    });
    let call_json = server.calls().remove(0);
    assert!(
        call_json["last_error"]
            .to_string()
            .to_lowercase()
            .contains("certificate"),
        "{call_json}"
    );
    assert!(call.wait().unwrap().success());
    assert!(
        !heard_the_echo(&server),
        "an untrusted server must not get a session"
    );
}
