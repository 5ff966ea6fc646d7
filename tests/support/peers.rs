//! The Python protocol peers the end-to-end tests talk to: a PersonaPlex server (on sphn, as the
//! real one runs) and an SMTP sink, each started from `tests/peers/` in the test venv on a free
//! port and killed when dropped.
//!
//! Re-exported from `support`, so tests reach them through `use support::*;`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{http_request, repo, Proc};

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
