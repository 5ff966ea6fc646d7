//! Call control with real processes: a batched PersonaPlex server serving several calls at once
//! (and never more than its capacity), draining on SIGTERM during a deploy, and calls outside
//! opening hours (straight to voicemail, or the agent with an after-hours line).

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::*;

/// Starts the simulator with a 440 Hz tone for `secs` (returns the child; the WAV is the path).
fn start_call(
    server: &Server,
    name: &str,
    secs: f64,
    call_sid: &str,
) -> (Child, std::path::PathBuf) {
    let input = server.dir.join(format!("{name}-in.wav"));
    let output = server.dir.join(format!("{name}-out.wav"));
    write_tone_wav(&input, 8000, 440.0, secs, 0.3);
    let child = Command::new(switchboard_bin())
        .args([
            "call",
            "--webhook",
            &server.webhook_url(),
            "--tail-secs",
            "1",
            "--call-sid",
            call_sid,
        ])
        .arg("--audio")
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    (child, output)
}

/// Waits for the simulator; returns the 20 ms windows of what the caller heard that carry the
/// echoed 440 Hz tone (true) or not (false).
fn tone_windows(mut child: Child, output: &std::path::Path) -> Vec<bool> {
    assert!(child.wait().unwrap().success(), "the simulated call failed");
    let (rate, samples) = read_wav(output);
    let window = rate as usize / 50;
    samples
        .chunks(window)
        .map(|w| {
            let power = w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64;
            rms_dbfs(w) > -40.0 && goertzel(w, rate, 440.0) * 2.0 / power > 0.5
        })
        .collect()
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

/// The incoming-call webhook for `call_sid`, as SignalWire posts it: (status, cXML).
fn ring(port: u16, call_sid: &str) -> (u16, String) {
    let form = format!("CallSid={call_sid}&From=%2B15551230000&To=%2B15557654321");
    http_request(
        port,
        "POST",
        "/signalwire/voice",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
}

fn engine_of(server: &Server, sid: &str) -> Option<String> {
    server
        .calls()
        .iter()
        .find(|c| c["call_sid"] == sid)
        .and_then(|c| c["engine"].as_str().map(String::from))
}

// ---- (5) batched PersonaPlex servers ----------------------------------------------------------

#[test]
fn a_batched_server_serves_its_capacity_at_once_and_never_more() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100", "--capacity", "3"]);
    let servers = format!(
        "servers = [{{ name = \"batch\", host = \"127.0.0.1\", port = {}, capacity = 3 }}]",
        peer.port
    );
    let server = Server::start("batched", peer.port, &[("personaplex", &servers)]);
    let calls: Vec<_> = (0..3)
        .map(|i| start_call(&server, &format!("seat{i}"), 8.0, &format!("CAseat{i}")))
        .collect();
    wait_until(
        Duration::from_secs(15),
        "three live PersonaPlex calls",
        || {
            server
                .calls()
                .iter()
                .filter(|c| c["state"] == "live" && c["engine"] == "personaplex")
                .count()
                == 3
        },
    );
    let status = admin_servers(server.port)["servers"][0].clone();
    assert_eq!(status["seats_used"], 3, "{status}");
    assert_eq!(status["seats_total"], 3, "{status}");
    assert_eq!(
        status["call_sids"].as_array().map(Vec::len),
        Some(3),
        "{status}"
    );

    // A fourth call finds every seat taken: voicemail, as with an exhausted pool.
    let (fourth, fourth_out) = start_call(&server, "fourth", 3.0, "CAfourth");
    wait_until(Duration::from_secs(10), "the fourth call", || {
        engine_of(&server, "CAfourth").is_some()
    });
    assert_eq!(engine_of(&server, "CAfourth").as_deref(), Some("voicemail"));
    tone_windows(fourth, &fourth_out);

    for (i, (child, output)) in calls.into_iter().enumerate() {
        let tone = tone_windows(child, &output).iter().filter(|t| **t).count();
        assert!(tone > 150, "call {i} heard only {tone} windows of its echo");
    }
    let stats = peer.stats();
    assert_eq!(stats["max_concurrent_sessions"], 3, "{stats}");
    assert_eq!(stats["sessions_started"], 3, "{stats}");
    assert_eq!(
        stats["connects_while_busy"], 0,
        "a connection went past the server's capacity: {stats}"
    );
    wait_until(Duration::from_secs(5), "every seat freed", || {
        admin_servers(server.port)["servers"][0]["seats_used"] == 0
    });
}

// ---- (6) drain on deploy ----------------------------------------------------------------------

fn signal(server: &Server, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn healthz(port: u16) -> u16 {
    http_request(port, "GET", "/healthz", &[], b"").0
}

const REDIRECT: &str = "https://standby.example/signalwire/voice?from=drain&x=1";

#[test]
fn sigterm_lets_a_live_call_finish_redirects_new_calls_then_exits() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let redirect = format!("drain_redirect_url = \"{REDIRECT}\"");
    let mut server = Server::start("drain", peer.port, &[("server", &redirect)]);
    let (call, output) = start_call(&server, "drained", 10.0, "CAdrained");
    wait_until(Duration::from_secs(10), "the call to be live", || {
        server.calls().iter().any(|c| c["state"] == "live")
    });
    signal(&server, "TERM");
    wait_until(Duration::from_secs(2), "/healthz to answer 503", || {
        healthz(server.port) == 503
    });
    let (status, cxml) = ring(server.port, "CAlate");
    assert_eq!(status, 200, "{cxml}");
    assert!(
        cxml.contains(
            "<Redirect>https://standby.example/signalwire/voice?from=drain&amp;x=1</Redirect>"
        ),
        "{cxml}"
    );
    assert!(!cxml.contains("<Stream"), "{cxml}");

    // actix-web's own handling would have cut the call 5 s after the signal: it must run on.
    let heard = tone_windows(call, &output);
    let last_tone_ms = heard.iter().rposition(|t| *t).unwrap_or(0) * 20;
    assert!(
        last_tone_ms > 8_500,
        "the call was cut: last echo at {last_tone_ms} ms of a 10 s call"
    );
    let child = &mut server.proc.child;
    let exited = (0..300).find_map(|_| {
        std::thread::sleep(Duration::from_millis(100));
        child.try_wait().unwrap()
    });
    let status = exited.expect("the server did not exit after its last call");
    assert!(status.success(), "exit status {status}");
}

#[test]
fn a_second_signal_exits_at_once() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let mut server = Server::start("drain-twice", peer.port, &[]);
    let (mut call, _output) = start_call(&server, "cut", 30.0, "CAcut");
    wait_until(Duration::from_secs(10), "the call to be live", || {
        server.calls().iter().any(|c| c["state"] == "live")
    });
    signal(&server, "TERM");
    wait_until(Duration::from_secs(2), "/healthz to answer 503", || {
        healthz(server.port) == 503
    });
    // Without a drain_redirect_url a new call is still answered here: no caller is dropped.
    let (status, cxml) = ring(server.port, "CAstill");
    assert_eq!(status, 200, "{cxml}");
    assert!(cxml.contains("<Stream"), "{cxml}");
    std::thread::sleep(Duration::from_secs(1));
    let pid = server.pid();
    signal(&server, "TERM");
    let child = &mut server.proc.child;
    assert!(
        (0..30).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            child.try_wait().unwrap().is_some()
        }),
        "server {pid} still running 3 s after the second SIGTERM"
    );
    let _ = call.kill();
    let _ = call.wait();
}

// ---- (3) after hours ---------------------------------------------------------------------------

/// Today in the shipped business's zone.
fn today_in_business_zone() -> String {
    let tz = jiff::tz::TimeZone::get("America/Chicago").unwrap();
    tz.to_datetime(jiff::Timestamp::now()).date().to_string()
}

/// Starts a logged server whose `[business]` is the shipped one plus `extra` keys.
fn server_with_business(name: &str, personaplex_port: u16, extra: &str) -> Server {
    let (command, port, dir) = Server::prepare(name, personaplex_port, &[]);
    let shipped = std::fs::read_to_string(repo().join("config.toml")).unwrap();
    let start = shipped.find("\n[business]\n").unwrap() + 1;
    let end = shipped.find("\n[store]").unwrap();
    let business =
        shipped[start..end].replacen("[business]\n", &format!("[business]\n{extra}\n"), 1);
    let path = dir.join("config.toml");
    let mut config = std::fs::read_to_string(&path).unwrap();
    config.push_str(&business);
    std::fs::write(&path, config).unwrap();
    Server::spawn_prepared_logged(command, port, dir)
}

#[test]
fn after_hours_voicemail_skips_the_agent_and_speaks_the_after_hours_greeting() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let extra = format!(
        "after_hours = \"voicemail\"\nclosed_dates = [\"{}\"]\n\
         after_hours_greeting = \"{{name}} is closed today. Leave a message.\"",
        today_in_business_zone()
    );
    let server = server_with_business("after-hours-vm", peer.port, &extra);
    let (call, output) = start_call(&server, "closed", 6.0, "CAclosed");
    wait_until(Duration::from_secs(10), "the call", || {
        engine_of(&server, "CAclosed").is_some()
    });
    assert_eq!(engine_of(&server, "CAclosed").as_deref(), Some("voicemail"));
    tone_windows(call, &output);
    let log = server.log();
    assert!(
        log.contains("speaking \"Bright Plumbing is closed today. Leave a message.\""),
        "the after-hours greeting was not spoken:\n{log}"
    );
    let beep = log
        .find("speaking \"voicemail beep\"")
        .expect("no beep after the greeting");
    assert!(log.find("is closed today").unwrap() < beep, "{log}");
    let message = server.dir.join("voicemail/CAclosed.wav");
    wait_until(Duration::from_secs(5), "the message saved", || {
        message.exists()
    });
    let stats = peer.stats();
    assert_eq!(stats["connections"], 0, "PersonaPlex was called: {stats}");
}

#[test]
fn after_hours_agent_answers_with_the_after_hours_line_in_its_prompt() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let line = "We are closed now: offer the next opening.";
    let extra = format!(
        "after_hours = \"agent\"\nclosed_dates = [\"{}\"]\nafter_hours_line = \"{line}\"",
        today_in_business_zone()
    );
    let server = server_with_business("after-hours-agent", peer.port, &extra);
    let (call, output) = start_call(&server, "agent", 4.0, "CAagent");
    wait_until(Duration::from_secs(10), "a PersonaPlex session", || {
        peer.stats()["sessions_started"] == 1
    });
    tone_windows(call, &output);
    let stats = peer.stats();
    let prompt = stats["last_query"]["text_prompt"].as_str().unwrap_or("");
    assert!(
        prompt.contains(line),
        "prompt without the after-hours line: {prompt}"
    );
    assert!(prompt.contains("Bright Plumbing"), "{prompt}");
}
