//! Shared pieces of the end-to-end tests: real processes on loopback, real sockets.
//!
//! Each test starts its own PersonaPlex protocol peer (Python, on sphn — what the real server
//! runs), its own `switchboard serve` with a throw-away config, and drives calls through the
//! `switchboard call` simulator or raw sockets. Nothing of switchboard is stubbed.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const MEDIA_TOKEN: &str = "test-media-token";
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The switchboard binary under test.
pub fn switchboard_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_switchboard"))
}

/// A fresh directory for one test's files.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when the test ends, pass or fail.
pub struct Proc {
    pub child: Child,
    pub name: &'static str,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python interpreter of the test peers' venv (made by `scripts/test`).
pub fn peer_python() -> PathBuf {
    let python = std::env::var_os("SWITCHBOARD_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "the test peers' Python venv is missing ({}): run scripts/test, which creates it",
        python.display()
    );
    python
}

/// A running PersonaPlex protocol peer.
pub struct PersonaPlexPeer {
    pub proc: Proc,
    pub port: u16,
}

/// Starts `tests/peers/<script>` with `args` on a free port; waits for its `READY <port>`.
pub fn start_python_peer(script: &str, name: &'static str, args: &[&str]) -> (Proc, u16) {
    let mut child = Command::new(peer_python())
        .arg(repo().join("tests/peers").join(script))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start {script}: {e}"));
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port = line
        .trim()
        .strip_prefix("READY ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{script} did not say READY <port>, said {line:?}"));
    (Proc { child, name }, port)
}

impl PersonaPlexPeer {
    /// Starts `tests/peers/personaplex_peer.py` with `args`.
    pub fn start(args: &[&str]) -> Self {
        let (proc, port) = start_python_peer("personaplex_peer.py", "personaplex-peer", args);
        PersonaPlexPeer { proc, port }
    }

    /// The peer's `/stats` JSON.
    pub fn stats(&self) -> serde_json::Value {
        let (status, body) = http_request(self.port, "GET", "/stats", &[], b"");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

/// A running `switchboard serve`.
pub struct Server {
    pub proc: Proc,
    pub port: u16,
    pub dir: PathBuf,
}

impl Server {
    /// Writes a config (the shipped one, with `extra` TOML lines appended per section) and
    /// starts the server on a free port; waits until `/healthz` answers.
    pub fn start(name: &str, personaplex_port: u16, extra: &[(&str, &str)]) -> Self {
        let dir = temp_dir(name);
        let port = free_port();
        let mut sections: Vec<(String, Vec<String>)> = vec![
            (
                "server".into(),
                vec![
                    format!("listen = \"127.0.0.1:{port}\""),
                    format!("public_base_url = \"http://127.0.0.1:{port}\""),
                    format!("admin_token = \"{ADMIN_TOKEN}\""),
                    "max_message_bytes = 4096".into(),
                ],
            ),
            (
                "signalwire".into(),
                vec![format!("media_token = \"{MEDIA_TOKEN}\"")],
            ),
            (
                "personaplex".into(),
                vec![
                    format!("port = {personaplex_port}"),
                    "handshake_timeout_secs = 10".into(),
                ],
            ),
            // Each test has its own database, and no mail server unless it starts one.
            (
                "store".into(),
                vec![format!(
                    "path = \"{}\"",
                    dir.join("switchboard.db").display()
                )],
            ),
            ("email".into(), vec![format!("port = {}", free_port())]),
            (
                "voicemail".into(),
                vec![format!("dir = \"{}\"", dir.join("voicemail").display())],
            ),
        ];
        for (section, line) in extra {
            let key = line.split('=').next().unwrap_or("").trim();
            match sections.iter_mut().find(|(s, _)| s == section) {
                Some((_, lines)) => {
                    // A key given again replaces the default line (TOML forbids duplicates).
                    lines.retain(|l| l.split('=').next().unwrap_or("").trim() != key);
                    lines.push(line.to_string());
                }
                None => sections.push((section.to_string(), vec![line.to_string()])),
            }
        }
        let mut config = String::new();
        for (section, lines) in &sections {
            config.push_str(&format!("[{section}]\n{}\n\n", lines.join("\n")));
        }
        let config_path = dir.join("config.toml");
        std::fs::write(&config_path, config).unwrap();
        let child = Command::new(switchboard_bin())
            .args(["--config", config_path.to_str().unwrap(), "serve"])
            .env("RUST_LOG", "info")
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start switchboard serve");
        let server = Server {
            proc: Proc {
                child,
                name: "switchboard",
            },
            port,
            dir,
        };
        wait_until(Duration::from_secs(20), "server /healthz", || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http_request(port, "GET", "/healthz", &[], b"").0 == 200
        });
        server
    }

    /// Starts the server on the repository's own `config.toml`, changing only ports, paths and
    /// tokens through `ATLAS_*` variables: what a fresh checkout runs.
    pub fn start_shipped(name: &str) -> Self {
        let dir = temp_dir(name);
        let port = free_port();
        let db = dir.join("switchboard.db");
        let voicemail = dir.join("voicemail");
        let child = Command::new(switchboard_bin())
            .args([
                "--config",
                repo().join("config.toml").to_str().unwrap(),
                "serve",
            ])
            .current_dir(repo())
            .env("RUST_LOG", "info")
            .env("ATLAS_SERVER_LISTEN", format!("127.0.0.1:{port}"))
            .env(
                "ATLAS_SERVER_PUBLIC_BASE_URL",
                format!("http://127.0.0.1:{port}"),
            )
            .env("ATLAS_SERVER_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("ATLAS_SIGNALWIRE_MEDIA_TOKEN", MEDIA_TOKEN)
            .env("ATLAS_STORE_PATH", &db)
            .env("ATLAS_VOICEMAIL_DIR", &voicemail)
            // Nothing listens here: the shipped config's PersonaPlex and mail server are absent.
            .env("ATLAS_PERSONAPLEX_PORT", free_port().to_string())
            .env("ATLAS_EMAIL_PORT", free_port().to_string())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start switchboard serve");
        let server = Server {
            proc: Proc {
                child,
                name: "switchboard",
            },
            port,
            dir,
        };
        wait_until(Duration::from_secs(20), "server /healthz", || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http_request(port, "GET", "/healthz", &[], b"").0 == 200
        });
        server
    }

    pub fn media_url(&self) -> String {
        format!("ws://127.0.0.1:{}/signalwire/media", self.port)
    }

    /// `GET /admin/calls` with the admin token: the `calls` array.
    pub fn calls(&self) -> Vec<serde_json::Value> {
        let auth = format!("Bearer {ADMIN_TOKEN}");
        let (status, body) = http_request(
            self.port,
            "GET",
            "/admin/calls",
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        json["calls"].as_array().cloned().unwrap_or_default()
    }
}

/// Polls `ready` until it is true or `limit` passes (then panics naming `what`).
pub fn wait_until(limit: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A minimal HTTP/1.1 request over a fresh connection: (status, body).
pub fn http_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("connection"))
    {
        request.push_str("Connection: close\r\n");
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&chunk[..n]),
        }
        // An upgraded connection stays open: its headers are the whole answer.
        if response.starts_with(b"HTTP/1.1 101") && response.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let response = String::from_utf8_lossy(&response).to_string();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Writes a mono 16-bit WAV of a sine tone.
pub fn write_tone_wav(path: &Path, rate: u32, hz: f64, secs: f64, amplitude: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = hound::WavWriter::create(path, spec).unwrap();
    let n = (rate as f64 * secs) as usize;
    for i in 0..n {
        let t = i as f64 / rate as f64;
        wav.write_sample(
            (amplitude * 32767.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16,
        )
        .unwrap();
    }
    wav.finalize().unwrap();
}

/// Reads a mono 16-bit WAV: (rate, samples as f64 in -1..1).
pub fn read_wav(path: &Path) -> (u32, Vec<f64>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let rate = reader.spec().sample_rate;
    let samples = reader
        .samples::<i16>()
        .map(|s| s.unwrap() as f64 / 32768.0)
        .collect();
    (rate, samples)
}

/// Power of `hz` in `samples` (Goertzel), normalised by length.
pub fn goertzel(samples: &[f64], rate: u32, hz: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * hz / rate as f64;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.len() as f64).powi(2)
}

/// RMS level in dBFS.
pub fn rms_dbfs(samples: &[f64]) -> f64 {
    let mean = samples.iter().map(|x| x * x).sum::<f64>() / samples.len().max(1) as f64;
    10.0 * mean.max(1e-12).log10()
}

/// The frequency among `candidates` with the most power.
pub fn dominant(samples: &[f64], rate: u32, candidates: &[f64]) -> f64 {
    candidates
        .iter()
        .copied()
        .max_by(|a, b| goertzel(samples, rate, *a).total_cmp(&goertzel(samples, rate, *b)))
        .unwrap()
}

/// Runs the simulator: `switchboard call` with `args`; returns its stdout (the summary).
pub fn simulate_call(args: &[&str]) -> String {
    let output = Command::new(switchboard_bin())
        .arg("call")
        .args(args)
        .env("RUST_LOG", "info")
        .stderr(Stdio::inherit())
        .output()
        .expect("run switchboard call");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "simulator failed: {stdout}");
    stdout
}

/// A real SMTP server on loopback (aiosmtpd) that saves what it receives.
pub struct SmtpSink {
    pub proc: Proc,
    pub port: u16,
    pub maildir: PathBuf,
}

impl SmtpSink {
    pub fn start(maildir: &Path, args: &[&str]) -> Self {
        let mut all = vec!["--maildir", maildir.to_str().unwrap()];
        all.extend_from_slice(args);
        let (proc, port) = start_python_peer("smtp_sink.py", "smtp-sink", &all);
        SmtpSink {
            proc,
            port,
            maildir: maildir.to_path_buf(),
        }
    }

    /// The messages received so far (the sink's JSON sidecars), oldest first.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}
