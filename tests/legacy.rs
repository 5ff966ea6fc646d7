//! The legacy pipeline against OpenAI-compatible protocol peers (real HTTP, the documented
//! request and response shapes): a booking through a function-call round trip, barge-in,
//! a mid-call takeover from a failed PersonaPlex session, and voicemail when an endpoint fails.

mod support;

use std::path::Path;
use std::time::Duration;

use actors::booking::store::Store;
use support::*;

/// The peer's speech is a tone: the caller hears it wherever the pipeline speaks.
const TTS_HZ: &str = "600";

struct OpenAiPeer {
    _proc: Proc,
    port: u16,
}

impl OpenAiPeer {
    fn start(args: &[&str]) -> Self {
        let mut all = vec!["--tts-hz", TTS_HZ, "--tts-ms-per-char", "40"];
        all.extend_from_slice(args);
        let (proc, port) = start_python_peer("openai_peer.py", "openai-peer", &all);
        OpenAiPeer { _proc: proc, port }
    }

    fn stats(&self) -> serde_json::Value {
        let (status, body) = http_request(self.port, "GET", "/stats", &[], b"");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Server config lines pointing the legacy pipeline and speech at this peer.
    fn config(&self) -> Vec<(&'static str, String)> {
        let base = format!("base_url = \"http://127.0.0.1:{}\"", self.port);
        vec![
            ("legacy", "enabled = true".into()),
            ("legacy.stt", base.clone()),
            ("legacy.stt", "timeout_ms = 2000".into()),
            ("legacy.llm", base.clone()),
            ("legacy.llm", "timeout_ms = 2000".into()),
            ("speech", "engine = \"openai\"".into()),
            (
                "speech",
                format!("openai_base_url = \"http://127.0.0.1:{}\"", self.port),
            ),
        ]
    }
}

fn start_server(name: &str, personaplex_port: u16, extra: Vec<(&'static str, String)>) -> Server {
    let extra: Vec<(&str, &str)> = extra.iter().map(|(s, l)| (*s, l.as_str())).collect();
    Server::start(name, personaplex_port, &extra)
}

/// A caller WAV at 8 kHz: silence with 250 Hz "utterances" of 0.8 s starting at `starts` (s).
fn caller_wav(path: &Path, secs: f64, starts: &[f64]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(8000.0 * secs) as usize {
        let t = i as f64 / 8000.0;
        let speaking = starts.iter().any(|s| t >= *s && t < s + 0.8);
        let x = if speaking {
            0.3 * (2.0 * std::f64::consts::PI * 250.0 * t).sin()
        } else {
            0.0
        };
        wav.write_sample((x * 32767.0) as i16).unwrap();
    }
    wav.finalize().unwrap();
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// Seconds of the caller's audio dominated by the peer's speech tone.
fn seconds_of_tts(path: &Path) -> f64 {
    let (rate, heard) = read_wav(path);
    let window = rate as usize / 10;
    heard
        .chunks(window)
        .filter(|w| w.len() == window && rms_dbfs(w) > -35.0)
        .filter(|w| dominant(w, rate, &[250.0, 440.0, 600.0, 1000.0]) == 600.0)
        .count() as f64
        / 10.0
}

fn call(
    server: &Server,
    name: &str,
    secs: f64,
    starts: &[f64],
    sid: &str,
) -> (String, std::path::PathBuf) {
    let input = server.dir.join(format!("{name}-in.wav"));
    let output = server.dir.join(format!("{name}-out.wav"));
    caller_wav(&input, secs, starts);
    let summary = simulate_call(&[
        "--webhook",
        &server.webhook_url(),
        "--tail-secs",
        "0.5",
        "--call-sid",
        sid,
        "--audio",
        input.to_str().unwrap(),
        "--out",
        output.to_str().unwrap(),
    ]);
    (summary, output)
}

#[test]
fn the_legacy_pipeline_books_through_a_tool_call_and_yields_to_barge_in() {
    let dir = temp_dir("legacy-book");
    let day = bookable_day();
    let stt = dir.join("stt.txt");
    write_lines(
        &stt,
        &[
            "Hi, this is John Smith, I need a drain cleaned at 42 Oak Street.".into(),
            "What else do you do?".into(),
            "Okay, thanks.".into(),
        ],
    );
    let chat = dir.join("chat.jsonl");
    let booking = serde_json::json!({"tool_call": {"name": "book_appointment", "arguments": {
        "name": "John Smith", "phone": "5551234567", "email": "john@example.com", "address": "42 Oak Street",
        "service": "Drain cleaning", "date": day.to_string(), "time": "15:00"}}});
    write_lines(
        &chat,
        &[
            booking.to_string(),
            r#"{"text": "You're all set, John."}"#.into(),
            format!(
                r#"{{"text": "{}"}}"#,
                "We also repair leaks, water heaters and toilets, and we serve the whole county. "
                    .repeat(3)
            ),
            r#"{"text": "Okay."}"#.into(),
        ],
    );
    let peer = OpenAiPeer::start(&[
        "--stt-script",
        stt.to_str().unwrap(),
        "--chat-script",
        chat.to_str().unwrap(),
    ]);
    let mut config = peer.config();
    config.push(("personaplex", "enabled = false".into()));
    let server = start_server("legacy-book", free_port(), config);

    // Greeting ~2.6 s; the caller speaks at 3.5 s, again at 7.5 s, and talks over the long
    // answer at 11 s.
    let (summary, heard) = call(&server, "book", 14.0, &[3.5, 7.5, 11.0], "CAlegacy");
    println!("{summary}");

    // The tool call round trip: the model asked, the executor booked, the model got the result.
    let stats = peer.stats();
    let tool_message = stats["last_tool_message"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(tool_message.contains("You're booked"), "{stats}");
    let store = Store::open(&server.dir.join("switchboard.db")).unwrap();
    let midnight = jiff::civil::time(0, 0, 0, 0);
    let rows = store
        .appointments_between(
            day.to_datetime(midnight),
            day.tomorrow().unwrap().to_datetime(midnight),
        )
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].name.as_str(), rows[0].start.to_string()),
        ("John Smith", format!("{day}T15:00:00"))
    );
    let record = store.call("CAlegacy").unwrap().unwrap();
    assert!(
        record
            .notes
            .iter()
            .any(|n| n.contains("PersonaPlex is disabled: handed to legacy")),
        "{record:?}"
    );

    // The caller heard the pipeline speak, and barge-in cleared the long answer.
    let spoken = seconds_of_tts(&heard);
    assert!(
        spoken > 3.0,
        "only {spoken:.1} s of the pipeline's speech was heard"
    );
    assert!(
        summary.contains("clears:            1") || summary.contains("clears:            2"),
        "{summary}"
    );
    // The long answer (~9 s at 40 ms a character) was cut, not played out.
    assert!(
        spoken < 12.0,
        "{spoken:.1} s of speech: barge-in did not stop the answer"
    );
}

#[test]
fn a_problem_booking_its_correction_and_a_later_reschedule_each_email_the_caller() {
    // Not the server's folder name: the server's folder is made afresh.
    let dir = temp_dir("legacy-rebook-scripts");
    let smtp = SmtpSink::start(&dir.join("mail"), &[]);
    let day = bookable_day();
    let later_day = day.tomorrow().unwrap();
    let stt = dir.join("stt.txt");
    write_lines(
        &stt,
        &[
            "My water heater is making a banging noise, can someone come at three?".into(),
            "Sorry, I meant half past three.".into(),
            "Hi, it's John Smith, 555 123 4567, can you move my appointment to the next day at ten?".into(),
        ],
    );
    // No service named: the problem decides (Water heater repair by its keywords).
    let booking = |time: &str| {
        serde_json::json!({"tool_call": {"name": "book_appointment", "arguments": {
            "name": "John Smith", "phone": "5551234567", "email": "john@example.com",
            "address": "42 Oak Street", "problem": "water heater making a banging noise",
            "date": day.to_string(), "time": time}}})
        .to_string()
    };
    let reschedule = serde_json::json!({"tool_call": {"name": "reschedule_appointment", "arguments": {
        "name": "john smith", "phone": "555-123-4567", "date": later_day.to_string(), "time": "10:00"}}});
    let chat = dir.join("chat.jsonl");
    write_lines(
        &chat,
        &[
            booking("15:00"),
            r#"{"text": "You're booked."}"#.into(),
            booking("15:30"),
            r#"{"text": "Changed."}"#.into(),
            reschedule.to_string(),
            r#"{"text": "Moved."}"#.into(),
        ],
    );
    let peer = OpenAiPeer::start(&[
        "--stt-script",
        stt.to_str().unwrap(),
        "--chat-script",
        chat.to_str().unwrap(),
    ]);
    let mut config = peer.config();
    config.push(("personaplex", "enabled = false".into()));
    config.push(("email", format!("port = {}", smtp.port)));
    let server = start_server("legacy-rebook", free_port(), config);

    // First call: the booking at 3.5 s, the correction at 8 s.
    call(&server, "rebook", 12.0, &[3.5, 8.0], "CAfirst");
    let store = Store::open(&server.dir.join("switchboard.db")).unwrap();
    let first = store
        .appointment_of_call("CAfirst")
        .unwrap()
        .expect("booked");
    assert_eq!(first.start.to_string(), format!("{day}T15:30:00"));
    assert_eq!(first.service, "Water heater repair");
    assert_eq!(
        first.problem.as_deref(),
        Some("water heater making a banging noise")
    );
    let replaced = first
        .replaces
        .expect("the correction replaced the 3 PM booking");
    let runs = store.tool_runs("CAfirst").unwrap();
    let corrected = runs
        .iter()
        .filter(|r| r.name == "book_appointment")
        .nth(1)
        .expect("a second book_appointment run");
    assert!(
        corrected
            .result
            .as_deref()
            .unwrap_or("")
            .contains(&format!("\"replaced_appointment_id\":{replaced}")),
        "{corrected:?}"
    );

    // A later call moves it, found by name and phone.
    call(&server, "move", 8.0, &[3.5], "CAsecond");
    let moved = store
        .appointment_of_call("CAsecond")
        .unwrap()
        .expect("moved");
    assert_eq!(moved.start.to_string(), format!("{later_day}T10:00:00"));
    assert_eq!(moved.replaces, Some(first.id));
    assert_eq!(
        (moved.service.as_str(), moved.address.as_str()),
        ("Water heater repair", "42 Oak Street")
    );
    assert!(store.appointment_of_call("CAfirst").unwrap().is_none());
    let stats = peer.stats();
    assert!(
        stats["last_tool_message"]["content"]
            .as_str()
            .unwrap_or("")
            .starts_with("I've moved your appointment to"),
        "{stats}"
    );

    // Three confirmations reached the real SMTP server: booked, changed, moved.
    wait_until(Duration::from_secs(15), "three confirmation emails", || {
        smtp.messages().len() >= 3
    });
    let mail = smtp.messages();
    let subjects: Vec<&str> = mail
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(mail.len(), 3, "{subjects:?}");
    assert!(
        subjects[0].starts_with("Your Bright Plumbing appointment"),
        "{subjects:?}"
    );
    assert!(subjects[1].starts_with("Changed: "), "{subjects:?}");
    assert!(subjects[2].starts_with("Moved: "), "{subjects:?}");
    for m in &mail {
        assert!(
            m["body"]
                .as_str()
                .unwrap()
                .contains("Problem:  water heater making a banging noise"),
            "{m}"
        );
    }
    assert!(mail[1]["body"]
        .as_str()
        .unwrap()
        .contains(&format!("This replaces booking #{replaced}")));
}

#[test]
fn a_failed_personaplex_session_hands_the_call_to_the_legacy_pipeline_mid_call() {
    let personaplex = PersonaPlexPeer::start(&[
        "--prefill-ms",
        "100",
        "--mode",
        "close-after:2",
        "--text",
        "Hello, this is Ava at Bright Plumbing.",
    ]);
    let peer = OpenAiPeer::start(&[
        "--stt-text",
        "Are you still there?",
        "--chat-text",
        "Yes, I'm here.",
    ]);
    let server = start_server("legacy-handover", personaplex.port, peer.config());
    let (summary, heard) = call(&server, "handover", 9.0, &[6.0], "CAhandover");
    println!("{summary}");
    let stats = peer.stats();
    let request = stats["last_bodies"]["/v1/chat/completions"].to_string();
    assert!(
        request.contains("Hello, this is Ava at Bright Plumbing."),
        "the transcript was not handed over: {request}"
    );
    assert!(
        seconds_of_tts(&heard) > 1.0,
        "the caller never heard the legacy pipeline"
    );
}

#[test]
fn a_failing_endpoint_sends_the_caller_to_voicemail() {
    let peer = OpenAiPeer::start(&["--stt-fail"]);
    let mut config = peer.config();
    config.push(("personaplex", "enabled = false".into()));
    let server = start_server("legacy-fail", free_port(), config);
    call(&server, "fail", 8.0, &[3.0], "CAfail");
    let store = Store::open(&server.dir.join("switchboard.db")).unwrap();
    // The end of the call is recorded off the actor thread, just after the caller hangs up.
    wait_until(
        Duration::from_secs(5),
        "the call's end to be recorded",
        || {
            store
                .call("CAfail")
                .unwrap()
                .is_some_and(|r| r.ended_at.is_some())
        },
    );
    let record = store.call("CAfail").unwrap().unwrap();
    assert_eq!(record.outcome.as_deref(), Some("voicemail"), "{record:?}");
    assert!(
        record
            .notes
            .iter()
            .any(|n| n.contains("handed to voicemail")),
        "{record:?}"
    );
}
