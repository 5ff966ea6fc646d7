//! End to end on loopback: the simulator calls the real server, which bridges the call to the
//! PersonaPlex protocol peer (sphn's strict Ogg reader, echoing what it decodes).
//!
//! The checks are on audio content: a tone the caller sends must come back to the caller at the
//! same frequency and a sensible level, which only happens if every stage (mu-law/L16, resampling,
//! Opus, our Ogg pages, the peer's strict reader, its Ogg writer, our Ogg reader, and back) works.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::*;

const GREETING: &str = "Hello, thanks for calling Bright Plumbing. How can I help?";

/// The 20 ms windows of `samples` louder than -40 dBFS, joined.
fn active_audio(samples: &[f64], rate: u32) -> Vec<f64> {
    let window = rate as usize / 50;
    samples
        .chunks(window)
        .filter(|w| w.len() == window && rms_dbfs(w) > -40.0)
        .flatten()
        .copied()
        .collect()
}

/// Places a call with a tone and checks what the caller heard; returns the admin snapshot seen
/// while the call was live and the simulator's summary.
fn call_with_tone(
    server: &Server,
    codec: &str,
    wav_rate: u32,
    hz: f64,
) -> (serde_json::Value, String) {
    let input = server.dir.join(format!("in-{hz}.wav"));
    let output = server.dir.join(format!("out-{hz}.wav"));
    write_tone_wav(&input, wav_rate, hz, 4.0, 0.3);
    let mut simulator = Command::new(switchboard_bin())
        .args(["call", "--webhook", &server.webhook_url(), "--codec", codec])
        .args([
            "--from",
            "+15551234567",
            "--to",
            "+15557654321",
            "--tail-secs",
            "1",
        ])
        .arg("--audio")
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Watch the admin API while the call runs: the call leaves the table when it ends.
    let mut seen = serde_json::Value::Null;
    while simulator.try_wait().unwrap().is_none() {
        if let Some(call) = server.calls().into_iter().next() {
            seen = call;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = simulator.wait_with_output().unwrap();
    let summary = String::from_utf8_lossy(&result.stdout).to_string();
    assert!(result.status.success(), "simulator failed: {summary}");
    println!("{summary}");

    let (rate, heard) = read_wav(&output);
    let active = active_audio(&heard, rate);
    let active_secs = active.len() as f64 / rate as f64;
    assert!(
        active_secs > 2.0,
        "the caller heard only {active_secs:.2} s of audio back"
    );
    let candidates = [300.0, hz, 600.0, 1500.0, 2000.0];
    assert_eq!(
        dominant(&active, rate, &candidates),
        hz,
        "the echoed audio is not the caller's tone"
    );
    let tone = goertzel(&active, rate, hz);
    for other in candidates.iter().filter(|c| **c != hz) {
        assert!(
            tone > 20.0 * goertzel(&active, rate, *other),
            "{other} Hz is too strong next to {hz} Hz"
        );
    }
    // Sent at -13.5 dBFS RMS; two Opus and two telephony codec passes may cost a few dB.
    let level = rms_dbfs(&active);
    assert!(
        (-20.0..=-8.0).contains(&level),
        "echo level {level:.1} dBFS is far from the -13.5 dBFS sent"
    );
    assert!(
        server.calls().is_empty(),
        "the call must leave the admin table when it ends"
    );
    (seen, summary)
}

#[test]
fn caller_tone_comes_back_and_agent_text_reaches_admin() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "300", "--text", GREETING]);
    let server = Server::start("tone-pcmu", peer.port, &[]);

    let (seen, summary) = call_with_tone(&server, "pcmu", 16_000, 440.0);
    // Two sentences, two marks, both played back to the caller and echoed by "SignalWire".
    assert!(
        summary.contains("marks:             2 received, 2 acknowledged"),
        "{summary}"
    );
    assert_eq!(seen["transcript"], GREETING, "admin snapshot: {seen}");
    assert_eq!(seen["caller"], "+1******4567");
    assert_eq!(seen["engine"], "personaplex");
    assert!(seen["frames_in"].as_u64().unwrap() > 100, "{seen}");
    assert!(seen["frames_out"].as_u64().unwrap() > 50, "{seen}");

    let stats = peer.stats();
    assert_eq!(stats["last_query"]["voice_prompt"], "NATF2.pt", "{stats}");
    assert_eq!(stats["last_query"]["seed_present"], false, "{stats}");
    assert!(
        !stats["last_query"]["text_prompt"]
            .as_str()
            .unwrap()
            .is_empty(),
        "{stats}"
    );
}

#[test]
fn l16_stream_at_16k_is_bridged_too() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "200"]);
    let server = Server::start("tone-l16", peer.port, &[]);
    call_with_tone(&server, "l16-16000", 8_000, 1000.0);
}

/// Abusive media sockets opened next to a good call: none of them may disturb it.
fn abuse(port: u16) {
    use std::io::Write;
    actix_web::rt::System::new().block_on(async move {
        use awc::ws::Message;
        use futures_util::SinkExt;
        let start = |sid: &str, encoding: &str, rate: u32| {
            format!(
                r#"{{"event":"start","start":{{"streamSid":"MZ{sid}","callSid":"CA{sid}","mediaFormat":{{"encoding":"{encoding}","sampleRate":{rate},"channels":1}}}}}}"#
            )
        };
        let socket = |sid: &str, max_frame: usize| {
            let (url, token) = media_credentials(port, &format!("CA{sid}"));
            awc::Client::new()
                .ws(url.as_str())
                .bearer_auth(token)
                .max_frame_size(max_frame)
                .connect()
        };
        // A call whose socket dies without a close frame right after start.
        let (_, mut dying) = socket("dies", 65_536).await.unwrap();
        dying.send(Message::Text(start("dies", "audio/x-mulaw", 8000).into())).await.unwrap();
        drop(dying);
        // A media format we cannot serve.
        let (_, mut opus) = socket("opus", 65_536).await.unwrap();
        opus.send(Message::Text(start("opus", "audio/x-opus", 48000).into())).await.unwrap();
        // A frame far beyond the transport limit.
        let (_, mut huge) = socket("huge", 4 << 20).await.unwrap();
        let _ = huge.send(Message::Text("x".repeat(2 << 20).into())).await;
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    });
    // Garbage that is not even HTTP.
    let mut raw = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _ = raw.write_all(b"\x16\x03\x01garbage\r\n\r\n");
}

#[test]
fn one_calls_failure_does_not_touch_another() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "200"]);
    let server = Server::start("isolation", peer.port, &[]);
    let port = server.port;
    let abuser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        abuse(port);
    });
    call_with_tone(&server, "pcmu", 8_000, 440.0);
    abuser.join().unwrap();
    let (status, _) = http_request(server.port, "GET", "/healthz", &[], b"");
    assert_eq!(status, 200, "the server must survive");
}
