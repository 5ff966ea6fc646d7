//! Shared by the actors crate's integration tests (legacy clients, speech, https): starting
//! `tests/peers/openai_peer.py` on a free port, the script files it answers from, and clients
//! pointed at it.
//!
//! Each test binary uses a subset, hence `allow(dead_code)`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use actors::booking::business::Business;
use actors::legacy::{Conversation, LlmClient, LlmConfig, SttClient, SttConfig};
use jiff::civil::date;
use serde_json::Value;

/// The peer's Python: `SWITCHBOARD_PEER_PYTHON`, else the repository's `.venv`.
pub fn peer_python() -> PathBuf {
    let python = std::env::var_os("SWITCHBOARD_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "no Python for the test peers at {} (run scripts/test)",
        python.display()
    );
    python
}

/// Starts `tests/peers/<script>` on a free port (in `dir` when given) and waits for the one
/// line every peer prints when listening, `READY <port>`.
pub fn spawn_peer(script: &str, args: &[&str], dir: Option<&std::path::Path>) -> (Child, u16) {
    let mut command = Command::new(peer_python());
    command
        .arg(repo().join("tests/peers").join(script))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("start {script}: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("READY ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{script} did not say READY <port>, said {line:?}"));
    (child, port)
}

/// The repository root (this crate is `actors/`).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A script file for the peer, removed when dropped.
pub struct Script(PathBuf);

impl Script {
    pub fn new(name: &str, content: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("switchboard-legacy-{}-{name}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        Script(path)
    }

    pub fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A running `openai_peer.py`, killed when dropped.
pub struct Peer {
    child: Child,
    port: u16,
}

impl Peer {
    pub fn start(args: &[&str]) -> Self {
        let (child, port) = spawn_peer("openai_peer.py", args, None);
        Peer { child, port }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn stats(&self) -> Value {
        let mut response = awc::Client::new()
            .get(format!("{}/stats", self.base_url()))
            .send()
            .await
            .expect("GET /stats");
        response.json().limit(1 << 22).await.expect("stats JSON")
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The peer's endpoints, as its `/stats` keys them.
pub const STT: &str = "/v1/audio/transcriptions";
pub const CHAT: &str = "/v1/chat/completions";

/// A speech-to-text client on `peer`, otherwise with the defaults.
pub fn stt(peer: &Peer) -> SttClient {
    SttClient::new(SttConfig {
        base_url: peer.base_url(),
        ..SttConfig::default()
    })
}

/// A chat client on `peer`, otherwise with the defaults.
pub fn llm(peer: &Peer) -> LlmClient {
    LlmClient::new(LlmConfig {
        base_url: peer.base_url(),
        model: "receptionist-7b".into(),
        ..LlmConfig::default()
    })
}

/// Tuesday March 3rd 2026: the day the scripts book; "today" is the Monday before.
pub fn conversation() -> Conversation {
    Conversation::new_on(&Business::default(), None, date(2026, 3, 2))
}
