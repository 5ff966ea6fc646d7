//! Shared pieces of the end-to-end tests: real processes on loopback, real sockets.
//!
//! Each test starts its own PersonaPlex protocol peer (Python, on sphn — what the real server
//! runs), its own `switchboard serve` with a throw-away config, and drives calls through the
//! `switchboard call` simulator or raw sockets. Nothing of switchboard is stubbed.
//!
//! The peers live in `peers.rs` and the audio analysis in `audio.rs`; both are re-exported here,
//! so a test's `use support::*;` sees everything.

#![allow(dead_code)]

mod audio;
mod peers;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// Each test uses a subset, like the rest of this module (hence its `allow(dead_code)`).
#[allow(unused_imports)]
pub use audio::{dominant, goertzel, read_wav, rms_dbfs, write_tone_wav};
#[allow(unused_imports)]
pub use peers::{peer_python, start_python_peer, PersonaPlexPeer, SmtpSink};

pub const ADMIN_TOKEN: &str = "test-admin-token";
/// `signalwire.media_secret` of every test server: tests get their tokens from the webhook, as
/// SignalWire does, but a test may derive one independently from this.
pub const MEDIA_SECRET: &str = "test-media-secret";

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

/// A running `switchboard serve`.
pub struct Server {
    pub proc: Proc,
    pub port: u16,
    pub dir: PathBuf,
    /// The log goes to `dir/server.log` rather than the test's output.
    pub logged: bool,
}

impl Server {
    /// Writes a config (the shipped one, with `extra` TOML lines appended per section) and
    /// starts the server on a free port; waits until `/healthz` answers.
    pub fn start(name: &str, personaplex_port: u16, extra: &[(&str, &str)]) -> Self {
        Server::start_with(name, personaplex_port, extra, false)
    }

    /// Writes the config of [`Server::start`] and returns the command that serves it, with its
    /// port and directory, for a test that must start the process its own way.
    pub fn prepare(
        name: &str,
        personaplex_port: u16,
        extra: &[(&str, &str)],
    ) -> (Command, u16, PathBuf) {
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
                vec![format!("media_secret = \"{MEDIA_SECRET}\"")],
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
        let mut command = Command::new(switchboard_bin());
        command.args(["--config", config_path.to_str().unwrap(), "serve"]);
        (command, port, dir)
    }

    fn start_with(name: &str, personaplex_port: u16, extra: &[(&str, &str)], logged: bool) -> Self {
        let (command, port, dir) = Server::prepare(name, personaplex_port, extra);
        Server::spawn_with(command, port, dir, logged)
    }

    /// Starts `command` (from [`Server::prepare`], possibly wrapped) and waits for `/healthz`.
    pub fn spawn_prepared(command: Command, port: u16, dir: PathBuf) -> Self {
        Server::spawn(command, port, dir)
    }

    /// [`Server::spawn_prepared`] with the log in `server.log()`, as [`Server::start_logged`].
    pub fn spawn_prepared_logged(command: Command, port: u16, dir: PathBuf) -> Self {
        Server::spawn_with(command, port, dir, true)
    }

    /// Like [`Server::start`], but the server's log (stderr) goes to `server.log()` instead of
    /// the test's output, so a test can read what it logged.
    pub fn start_logged(name: &str, personaplex_port: u16, extra: &[(&str, &str)]) -> Self {
        Server::start_with(name, personaplex_port, extra, true)
    }

    /// Runs `command` (a `switchboard … serve`) and waits until it answers `/healthz`.
    fn spawn(command: Command, port: u16, dir: PathBuf) -> Self {
        Server::spawn_with(command, port, dir, false)
    }

    fn spawn_with(mut command: Command, port: u16, dir: PathBuf, logged: bool) -> Self {
        let stderr = if logged {
            Stdio::from(std::fs::File::create(dir.join("server.log")).unwrap())
        } else {
            Stdio::inherit()
        };
        let child = command
            .env("RUST_LOG", "info")
            .stdout(Stdio::inherit())
            .stderr(stderr)
            .spawn()
            .expect("start switchboard serve");
        let server = Server {
            proc: Proc {
                child,
                name: "switchboard",
            },
            port,
            dir,
            logged,
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
        let mut command = Command::new(switchboard_bin());
        command
            .args([
                "--config",
                repo().join("config.toml").to_str().unwrap(),
                "serve",
            ])
            .current_dir(repo())
            .env("ATLAS_SERVER_LISTEN", format!("127.0.0.1:{port}"))
            .env(
                "ATLAS_SERVER_PUBLIC_BASE_URL",
                format!("http://127.0.0.1:{port}"),
            )
            .env("ATLAS_SERVER_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("ATLAS_SIGNALWIRE_MEDIA_SECRET", MEDIA_SECRET)
            .env("ATLAS_STORE_PATH", &db)
            .env("ATLAS_VOICEMAIL_DIR", &voicemail)
            // Nothing listens here: the shipped config's PersonaPlex and mail server are absent.
            .env("ATLAS_PERSONAPLEX_PORT", free_port().to_string())
            .env("ATLAS_EMAIL_PORT", free_port().to_string());
        Server::spawn(command, port, dir)
    }

    /// The incoming-call webhook: where `switchboard call --webhook` starts a call.
    pub fn webhook_url(&self) -> String {
        format!("http://127.0.0.1:{}/signalwire/voice", self.port)
    }

    /// The server's log so far (only for a server started with [`Server::start_logged`]).
    pub fn log(&self) -> String {
        assert!(self.logged, "start the server with Server::start_logged");
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// The server process's id (for `/proc/<pid>/…`).
    pub fn pid(&self) -> u32 {
        self.proc.child.id()
    }

    /// The server's resident memory in KiB, from `/proc/<pid>/status` (`VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }

    /// The server's open file descriptors, from `/proc/<pid>/fd`.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|d| d.count())
            .unwrap_or(0)
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

/// Rings the webhook of the server on `port` for `call_sid`, as SignalWire does, and returns the
/// media stream it answers with: (`ws://…/signalwire/media/<call_sid>`, bearer token).
pub fn media_credentials(port: u16, call_sid: &str) -> (String, String) {
    let form =
        format!("CallSid={call_sid}&From=%2B15551234567&To=%2B15557654321&CallStatus=ringing");
    let (status, body) = http_request(
        port,
        "POST",
        "/signalwire/voice",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    let attribute = |name: &str| {
        let start = body
            .find(&format!("{name}=\""))
            .unwrap_or_else(|| panic!("{name} in {body}"))
            + name.len()
            + 2;
        body[start..start + body[start..].find('"').unwrap()].to_string()
    };
    (attribute("url"), attribute("authBearerToken"))
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

/// A weekday at least two days ahead in the shipped business's time zone: open, and never in
/// the past, whatever day the tests run.
pub fn bookable_day() -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("America/Chicago").unwrap();
    let mut day = tz
        .to_datetime(jiff::Timestamp::now())
        .date()
        .tomorrow()
        .unwrap()
        .tomorrow()
        .unwrap();
    while matches!(
        day.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        day = day.tomorrow().unwrap();
    }
    day
}
