//! The server tried as a hostile network would try it: raw sockets on loopback against the
//! real binary, one test per attack of the hardening table. Memory is read from
//! `/proc/<pid>/status` (VmRSS) and descriptors from `/proc/<pid>/fd` of the server process.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actors::booking::store::Store;
use support::*;

/// A WebSocket client frame (masked, as clients must) with `payload`; `declared` overrides the
/// length written in the header (a header may promise more than follows).
fn client_frame(opcode: u8, payload: &[u8], declared: Option<u64>) -> Vec<u8> {
    let len = declared.unwrap_or(payload.len() as u64);
    let mut frame = vec![0x80 | opcode];
    match len {
        0..=125 => frame.push(0x80 | len as u8),
        126..=65_535 => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&len.to_be_bytes());
        }
    }
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

const TEXT: u8 = 0x1;
const PING: u8 = 0x9;

/// A `start` for `call_sid` (mu-law 8 kHz).
fn start_event(call_sid: &str) -> String {
    format!(
        r#"{{"event":"start","sequenceNumber":"1","start":{{"streamSid":"MZ{call_sid}","callSid":"{call_sid}","customParameters":{{"from":"+15551234567"}},"mediaFormat":{{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}}}}"#
    )
}

/// Opens a raw WebSocket to `path` with `token`; returns the socket and the upgrade's status.
fn raw_upgrade(port: u16, path: &str, token: &str) -> (TcpStream, u16) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    // Byte by byte: nothing after the head may be consumed here.
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let status = String::from_utf8_lossy(&head)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (stream, status)
}

/// The per-call media socket of `call_sid`, through the webhook like SignalWire; must upgrade.
fn media_socket(port: u16, call_sid: &str) -> TcpStream {
    let (url, token) = media_credentials(port, call_sid);
    let path = &url[url.find("/signalwire/").unwrap()..];
    let (stream, status) = raw_upgrade(port, path, &token);
    assert_eq!(status, 101, "upgrade of {path}");
    stream
}

/// Reads until the server closes the connection; true if it did within `limit` (a close
/// frame, EOF or a reset), false if the connection was still open.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// Samples the server's VmRSS every 50 ms until dropped; `peak()` is the highest seen.
struct RssWatch {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl RssWatch {
    fn new(pid: u32) -> Self {
        let (peak, stop) = (
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (p, s) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Some(kib) = rss_kib(pid) {
                    p.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        RssWatch { peak, stop }
    }

    fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for RssWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn admin_servers(port: u16) -> serde_json::Value {
    let auth = format!("Bearer {ADMIN_TOKEN}");
    let (status, body) = http_request(
        port,
        "GET",
        "/admin/servers",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_client_that_pings_and_never_reads_is_bounded_and_disconnected() {
    // No PersonaPlex: the call gets voicemail, whose greeting adds to what is not read. The
    // inactivity timeout is set long so only the write timeout can end this call.
    let server = Server::start(
        "ping-flood",
        free_port(),
        &[
            ("signalwire", "media_timeout_secs = 60"),
            ("server", "write_timeout_secs = 3"),
        ],
    );
    let mut socket = media_socket(server.port, "CApingflood");
    socket
        .write_all(&client_frame(
            TEXT,
            start_event("CApingflood").as_bytes(),
            None,
        ))
        .unwrap();
    wait_until(Duration::from_secs(5), "the call to start", || {
        server.calls().len() == 1
    });
    let before = server.rss_kib();
    let watch = RssWatch::new(server.pid());
    // Pings as fast as the socket takes them, for 10 s; nothing is ever read.
    let ping = client_frame(PING, &[b'p'; 125], None).repeat(64);
    let began = Instant::now();
    let mut sent = 0u64;
    let disconnected = loop {
        if began.elapsed() > Duration::from_secs(10) {
            break None;
        }
        match socket.write(&ping) {
            Ok(n) => sent += n as u64,
            Err(_) => break Some(began.elapsed()),
        }
    };
    let peak = watch.peak();
    drop(socket);
    std::thread::sleep(Duration::from_secs(1));
    let after = server.rss_kib();
    eprintln!(
        "ping flood: {} MB sent; server RSS {before} KiB before, peak {peak} KiB, {after} KiB \
         after the client left; disconnected after {disconnected:?}",
        sent >> 20
    );
    assert!(
        peak < before + 64 * 1024,
        "RSS grew from {before} KiB to {peak} KiB under a ping flood"
    );
    assert!(
        after < before + 32 * 1024,
        "RSS {after} KiB kept after the client left"
    );
    assert!(
        disconnected.is_some_and(|t| t < Duration::from_secs(9)),
        "a client that does not read must be disconnected within a few seconds"
    );
    wait_until(Duration::from_secs(5), "the call to end", || {
        server.calls().is_empty()
    });
    let record = Store::open(&server.dir.join("switchboard.db"))
        .unwrap()
        .call("CApingflood")
        .unwrap()
        .unwrap();
    assert!(record.ended_at.is_some(), "{record:?}");
}

#[test]
fn a_frame_declaring_200_mb_is_refused_from_its_header() {
    let server = Server::start("huge-frame", free_port(), &[]);
    let mut socket = media_socket(server.port, "CAhugeframe");
    let before = server.rss_kib();
    let watch = RssWatch::new(server.pid());
    let declared = 200u64 << 20;
    socket
        .write_all(&client_frame(TEXT, b"", Some(declared)))
        .unwrap();
    // Then the promised payload, for as long as the server takes it.
    let chunk = vec![b'x'; 1 << 20];
    let mut sent = 0u64;
    socket
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    while sent < declared {
        match socket.write(&chunk) {
            Ok(n) => sent += n as u64,
            Err(_) => break,
        }
    }
    let closed = closed_within(&mut socket, Duration::from_secs(5));
    let peak = watch.peak();
    eprintln!(
        "200 MB frame: {} MB of it sent; server RSS {before} KiB before, peak {peak} KiB",
        sent >> 20
    );
    assert!(closed, "the connection must be closed");
    assert!(
        peak < before + 32 * 1024,
        "RSS grew from {before} KiB to {peak} KiB: the frame was buffered"
    );
    let (status, _) = http_request(server.port, "GET", "/healthz", &[], b"");
    assert_eq!(status, 200);
}

#[test]
fn slow_post_bodies_time_out_and_cannot_exhaust_the_server() {
    // A small open-file limit, as on a modest box, so that exhaustion is quick to reach.
    let (command, port, dir) = Server::prepare("slow-post", free_port(), &[]);
    let mut limited = Command::new("sh");
    limited
        .args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\""])
        .arg(command.get_program())
        .args(command.get_args());
    let server = Server::spawn_prepared(limited, port, dir);
    // A live call's media socket credentials, fetched before the attack.
    let (url, token) = media_credentials(server.port, "CAslowpost");
    let fds_before = server.open_fds();

    // 300 anonymous POSTs whose body never finishes.
    let began = Instant::now();
    let mut attackers = Vec::new();
    for _ in 0..300 {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
            continue;
        };
        let _ = write!(
            s,
            "POST /signalwire/voice HTTP/1.1\r\nHost: x\r\nContent-Type: \
             application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nCallSid=CA"
        );
        attackers.push(s);
    }
    // The server still answers, and a live call's media socket still opens.
    let healthz = Instant::now();
    let (status, _) = http_request(port, "GET", "/healthz", &[], b"");
    let healthz = healthz.elapsed();
    assert_eq!(status, 200, "/healthz under the attack");
    // Well before the 10 s body timeout frees anything.
    assert!(
        healthz < Duration::from_secs(4),
        "/healthz took {healthz:?}"
    );
    let path = &url[url.find("/signalwire/").unwrap()..];
    let (_media, status) = raw_upgrade(port, path, &token);
    assert_eq!(status, 101, "a live call's media socket under the attack");

    // Every slow request is answered (408 at the body timeout, or 503 at once) and closed.
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    for s in &mut attackers {
        let left = Duration::from_secs(14).saturating_sub(began.elapsed());
        s.set_read_timeout(Some(left.max(Duration::from_millis(10))))
            .unwrap();
        let mut response = Vec::new();
        let outcome = match s.read_to_end(&mut response) {
            Ok(_) => String::from_utf8_lossy(&response)
                .split(' ')
                .nth(1)
                .unwrap_or("closed")
                .to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => "reset".into(),
            Err(_) => "still open".into(),
        };
        *answers.entry(outcome).or_default() += 1;
    }
    eprintln!("slow POSTs after {:?}: {answers:?}", began.elapsed());
    assert!(!answers.contains_key("still open"), "{answers:?}");
    assert!(answers.contains_key("408"), "{answers:?}");
    drop(attackers);
    wait_until(Duration::from_secs(5), "descriptors to be released", || {
        server.open_fds() <= fds_before + 3
    });
}

#[test]
fn media_sockets_that_never_send_start_are_closed() {
    let server = Server::start(
        "no-start",
        free_port(),
        &[("signalwire", "start_timeout_secs = 2")],
    );
    let fds_before = server.open_fds();
    let credentials: Vec<(String, String)> = (0..200)
        .map(|i| media_credentials(server.port, &format!("CAnostart{i}")))
        .collect();
    let mut sockets: Vec<TcpStream> = credentials
        .iter()
        .map(|(url, token)| {
            let (socket, status) = raw_upgrade(
                server.port,
                &url[url.find("/signalwire/").unwrap()..],
                token,
            );
            assert_eq!(status, 101);
            socket
        })
        .collect();
    let opened = Instant::now();
    let held = server.open_fds() - fds_before;
    assert!(held >= 190, "only {held} sockets held");
    for (i, s) in sockets.iter_mut().enumerate() {
        let left = Duration::from_secs(6).saturating_sub(opened.elapsed());
        assert!(
            closed_within(s, left),
            "socket {i} still open after {:?}",
            opened.elapsed()
        );
    }
    wait_until(Duration::from_secs(3), "descriptors to be released", || {
        server.open_fds() <= fds_before + 3
    });
    assert!(server.calls().is_empty());
}

#[test]
fn a_caller_who_starts_and_goes_quiet_is_ended_and_its_server_released() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let server = Server::start(
        "quiet",
        peer.port,
        &[("signalwire", "media_timeout_secs = 2")],
    );
    let mut socket = media_socket(server.port, "CAquiet");
    socket
        .write_all(&client_frame(TEXT, start_event("CAquiet").as_bytes(), None))
        .unwrap();
    // Drain what the server sends, as a live but silent caller would.
    let mut reader = socket.try_clone().unwrap();
    let drained = std::thread::spawn(move || closed_within(&mut reader, Duration::from_secs(15)));
    wait_until(
        Duration::from_secs(5),
        "the PersonaPlex server to be leased",
        || admin_servers(server.port)["servers"][0]["call_sid"] == "CAquiet",
    );
    let started = Instant::now();
    wait_until(Duration::from_secs(8), "the quiet call to end", || {
        server.calls().is_empty()
    });
    let ended = started.elapsed();
    assert!(drained.join().unwrap(), "the socket must be closed");
    wait_until(
        Duration::from_secs(3),
        "the PersonaPlex server to be free",
        || admin_servers(server.port)["servers"][0]["state"] != "busy",
    );
    eprintln!("quiet call ended {ended:?} after the lease");
    let record = Store::open(&server.dir.join("switchboard.db"))
        .unwrap()
        .call("CAquiet")
        .unwrap()
        .unwrap();
    assert_eq!(record.outcome.as_deref(), Some("timed out"));
    assert!(record.ended_at.is_some(), "{record:?}");
}

#[test]
fn a_second_socket_for_a_live_call_is_refused() {
    let server = Server::start(
        "duplicate",
        free_port(),
        &[("signalwire", "media_token = \"static-compat-token\"")],
    );
    let port = server.port;
    // Per-call credentials: the token opens its call once.
    let (url, token) = media_credentials(port, "CAdup");
    let path = &url[url.find("/signalwire/").unwrap()..];
    let (mut first, status) = raw_upgrade(port, path, &token);
    assert_eq!(status, 101);
    first
        .write_all(&client_frame(TEXT, start_event("CAdup").as_bytes(), None))
        .unwrap();
    wait_until(Duration::from_secs(5), "the call", || {
        server.calls().len() == 1
    });
    let (_second, status) = raw_upgrade(port, path, &token);
    assert_eq!(status, 409, "a second socket for a live call");

    // A socket whose `start` names another call than its credentials is closed.
    let mut other = media_socket(port, "CAmine");
    other
        .write_all(&client_frame(TEXT, start_event("CAdup").as_bytes(), None))
        .unwrap();
    assert!(closed_within(&mut other, Duration::from_secs(3)));

    // The static compatibility token trusts `start`: a duplicate is refused there.
    let (mut third, status) = raw_upgrade(port, "/signalwire/media", "static-compat-token");
    assert_eq!(status, 101);
    third
        .write_all(&client_frame(TEXT, start_event("CAdup").as_bytes(), None))
        .unwrap();
    assert!(closed_within(&mut third, Duration::from_secs(3)));

    let calls = server.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["call_sid"], "CAdup");
    assert_eq!(
        calls[0]["stream_sid"], "MZCAdup",
        "the first stream's call is the one shown"
    );
}

#[test]
fn dtmf_digits_are_validated_and_never_logged() {
    let server = Server::start_logged(
        "dtmf",
        free_port(),
        &[("server", "max_message_bytes = 65536")],
    );
    let mut socket = media_socket(server.port, "CAkeys");
    socket
        .write_all(&client_frame(TEXT, start_event("CAkeys").as_bytes(), None))
        .unwrap();
    let mut reader = socket.try_clone().unwrap();
    std::thread::spawn(move || closed_within(&mut reader, Duration::from_secs(30)));
    wait_until(Duration::from_secs(5), "the call", || {
        server.calls().len() == 1
    });
    let log_before = server.log().len();
    let huge = "7".repeat(50_000);
    for digit in std::iter::repeat_n(huge.as_str(), 200).chain(["4", "#", "D"]) {
        let event = format!(r#"{{"event":"dtmf","dtmf":{{"digit":"{digit}","duration":100}}}}"#);
        socket
            .write_all(&client_frame(TEXT, event.as_bytes(), None))
            .unwrap();
    }
    wait_until(Duration::from_secs(5), "the three keys", || {
        server.log().matches("caller pressed a key").count() == 3
    });
    let log = server.log();
    let logged = &log[log_before..];
    eprintln!(
        "200 DTMF events with a 50 KB digit: {} bytes of log",
        logged.len()
    );
    assert!(logged.len() < 8 * 1024, "{} bytes of log", logged.len());
    let warnings: Vec<&str> = logged.lines().filter(|l| l.contains("`dtmf`")).collect();
    assert!(
        !warnings.is_empty() && warnings.len() <= 12,
        "one short warning per bad digit, rate-limited: {warnings:?}"
    );
    assert!(warnings.iter().all(|l| l.len() < 300), "{warnings:?}");
    // (A run of sevens: a timestamp or a port may well contain "777".)
    assert!(!logged.contains("77777777"), "a digit reached the log");
    for line in logged.lines().filter(|l| l.contains("pressed")) {
        assert!(
            line.ends_with("caller pressed a key"),
            "a key reached the log: {line}"
        );
    }
    assert_eq!(server.calls().len(), 1, "the call goes on");
}

#[test]
fn the_shipped_config_hands_out_per_call_credentials_only() {
    let server = Server::start_shipped("shipped-credentials");
    let port = server.port;
    let (url, token) = media_credentials(port, "CAshipped1");
    assert_eq!(
        url,
        format!("ws://127.0.0.1:{port}/signalwire/media/CAshipped1")
    );
    // That token opens no other call, and the static endpoint is off.
    let (_, status) = raw_upgrade(port, "/signalwire/media/CAshipped2", &token);
    assert_eq!(status, 401, "another call's socket");
    let (_, status) = raw_upgrade(port, "/signalwire/media", &token);
    assert_eq!(status, 401, "the static endpoint");
    let (_, status) = raw_upgrade(port, "/signalwire/media/CAshipped1", &token);
    assert_eq!(status, 101, "its own call");
}

#[test]
fn unsigned_webhooks_on_a_public_address_refuse_to_start() {
    let shipped = repo().join("config.toml");
    let run = |command: &str, extra: &[(&str, &str)]| {
        let mut cmd = Command::new(switchboard_bin());
        cmd.args(["--config", shipped.to_str().unwrap(), command])
            .current_dir(repo())
            .env("ATLAS_SERVER_LISTEN", format!("0.0.0.0:{}", free_port()))
            .env("ATLAS_STORE_PATH", temp_dir("unsigned").join("db"));
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    for command in ["serve", "check-config"] {
        let (ok, stderr) = run(command, &[]);
        assert!(!ok, "{command} must refuse");
        assert!(
            stderr.contains("signing_key")
                && stderr.contains("allow_unsigned")
                && stderr.contains("0.0.0.0"),
            "{command}: {stderr}"
        );
    }
    let (ok, stderr) = run(
        "check-config",
        &[("ATLAS_SIGNALWIRE_ALLOW_UNSIGNED", "true")],
    );
    assert!(ok, "an explicit allow_unsigned is accepted: {stderr}");
}
