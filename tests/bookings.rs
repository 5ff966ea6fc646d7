//! Bookings end to end: the PersonaPlex peer "says" a booking dialogue as text pieces, the
//! ToolBridge hears the agent commit to it, the executor books it in the real SQLite file and
//! queues the confirmation, the outbox delivers it to a real SMTP server, and the result is
//! spoken to the caller in place of the agent's audio.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use actors::booking::store::Store;
use jiff::civil::Date;
use support::*;

/// The agent's tone: the caller hears it whenever the agent's audio is not held back.
const AGENT_HZ: f64 = 300.0;

/// "Tuesday December 1st", as an agent reads a date back.
fn spoken(day: Date) -> String {
    let suffix = match day.day() {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    format!("{} {}{suffix}", day.strftime("%A %B"), day.day())
}

/// Writes a peer script: each word a piece with a leading space, as PersonaPlex streams them.
fn write_script(path: &Path, parts: &[&str]) {
    let mut lines = Vec::new();
    for part in parts {
        if part.starts_with("#wait") {
            lines.push(part.to_string());
        } else {
            lines.extend(part.split_whitespace().map(|w| format!(" {w}")));
        }
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// Calls in with silence for `secs` while the peer plays `script`; returns (admin snapshot seen
/// last while live, what the caller heard as (rate, samples)).
fn call(server: &Server, secs: f64) -> (serde_json::Value, u32, Vec<f64>) {
    let input = server.dir.join("silence.wav");
    let output = server.dir.join("heard.wav");
    write_tone_wav(&input, 8000, 440.0, secs, 0.0);
    let mut simulator = Command::new(switchboard_bin())
        .args([
            "call",
            "--webhook",
            &server.webhook_url(),
            "--tail-secs",
            "1",
        ])
        .args(["--from", "+15551234567", "--call-sid", "CAbooking"])
        .arg("--audio")
        .arg(&input)
        .arg("--out")
        .arg(&output)
        .stdout(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut seen = serde_json::Value::Null;
    while simulator.try_wait().unwrap().is_none() {
        if let Some(call) = server.calls().into_iter().next() {
            seen = call;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(simulator.wait().unwrap().success());
    let (rate, heard) = read_wav(&output);
    (seen, rate, heard)
}

/// Seconds of audio that are loud but not the agent's tone: what the announcer said.
fn seconds_of_speech(rate: u32, heard: &[f64]) -> f64 {
    let window = rate as usize / 10;
    let windows = heard
        .chunks(window)
        .filter(|w| w.len() == window && rms_dbfs(w) > -35.0)
        .filter(|w| {
            // The share of the window's power at the agent's tone: near 1 for the tone.
            let tone = goertzel(w, rate, AGENT_HZ) * 2.0;
            let total = w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64;
            tone / total < 0.3
        })
        .count();
    windows as f64 / 10.0
}

/// The PersonaPlex peer playing `script` (its audio a 300 Hz tone) and a server mailing
/// through `smtp`.
fn agent_and_server(name: &str, script: &Path, smtp: &SmtpSink) -> (PersonaPlexPeer, Server) {
    let peer = PersonaPlexPeer::start(&[
        "--prefill-ms",
        "200",
        "--mode",
        "tone:300",
        "--text-interval-ms",
        "40",
        "--script",
        script.to_str().unwrap(),
    ]);
    let smtp_port = format!("port = {}", smtp.port);
    let server = Server::start(name, peer.port, &[("email", &smtp_port)]);
    (peer, server)
}

fn open_store(server: &Server) -> Store {
    Store::open(&server.dir.join("switchboard.db")).unwrap()
}

#[test]
fn a_booking_dialogue_ends_with_a_row_an_email_and_a_spoken_result() {
    let dir = temp_dir("booking-mail");
    let smtp = SmtpSink::start(&dir.join("mail"), &[]);
    let day = bookable_day();
    let date = spoken(day);
    let script = dir.join("script.txt");
    let readback = format!(
        "So that's John Smith, phone five five five, one two three, four five six seven, email john at example dot com, \
         at 42 Oak Street, for drain cleaning on {date} at 3 PM."
    );
    write_script(
        &script,
        &[
            "Thanks for calling Bright Plumbing, this is Ava.",
            "#wait 300",
            &readback,
            "Let me book that for you.",
            "#wait 4000",
            // The agent repeats itself: the same trigger must not book twice.
            "Let me book that for you.",
            "#wait 3000",
        ],
    );
    let (_peer, server) = agent_and_server("booking", &script, &smtp);

    let (seen, rate, heard) = call(&server, 11.0);

    // The result was spoken to the caller, soon after the trigger, in place of the agent.
    let speech = seconds_of_speech(rate, &heard);
    assert!(
        speech > 2.0,
        "only {speech:.1} s of spoken result reached the caller"
    );
    let latency = seen["result_latency_ms"].as_u64().unwrap();
    assert!(
        latency > 0 && latency < 2000,
        "result spoken {latency} ms after the trigger"
    );
    assert!(
        seen["notes"].to_string().contains("booked appointment"),
        "{seen}"
    );

    // One appointment row with every detail the agent read back.
    let store = open_store(&server);
    let rows = store
        .appointments_between(
            day.to_datetime(jiff::civil::time(0, 0, 0, 0)),
            day.tomorrow()
                .unwrap()
                .to_datetime(jiff::civil::time(0, 0, 0, 0)),
        )
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (row.name.as_str(), row.phone.as_str(), row.address.as_str()),
        ("John Smith", "5551234567", "42 Oak Street")
    );
    assert_eq!(row.email.as_deref(), Some("john@example.com"));
    assert_eq!(row.service, "Drain cleaning");
    assert_eq!(row.start.to_string(), format!("{day}T15:00:00"));

    // The repeated trigger booked nothing new (the bridge takes a repeat with the same details
    // as a confirmation; the store's idempotency key would refuse it anyway): one run of each.
    let runs = store.tool_runs("CAbooking").unwrap();
    let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names.iter().filter(|n| **n == "book_appointment").count(),
        1,
        "{names:?}"
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| **n == "send_confirmation_email")
            .count(),
        1,
        "{names:?}"
    );
    let booked = &runs.iter().find(|r| r.name == "book_appointment").unwrap();
    assert!(
        booked.latency_ms < 1000 && booked.error.is_none(),
        "{booked:?}"
    );

    // The confirmation reached the SMTP server, addressed to the caller, naming the slot.
    wait_until(Duration::from_secs(15), "the confirmation email", || {
        !smtp.messages().is_empty()
    });
    std::thread::sleep(Duration::from_millis(500));
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0]["rcpt_tos"], serde_json::json!(["john@example.com"]));
    let body = mail[0]["body"].as_str().unwrap();
    assert!(
        body.contains("Drain cleaning") && body.contains("42 Oak Street"),
        "{body}"
    );
    assert!(
        mail[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Bright Plumbing"),
        "{}",
        mail[0]
    );

    // The call record: outcome, transcript, and the spoken result as a note.
    let record = store.call("CAbooking").unwrap().expect("call record");
    assert_eq!(record.outcome.as_deref(), Some("booked"));
    assert!(
        record
            .transcript
            .as_deref()
            .unwrap_or("")
            .contains("Let me book that for you."),
        "{record:?}"
    );
    assert!(
        record.notes.iter().any(|n| n.contains("You're booked")),
        "{record:?}"
    );
}

#[test]
fn missing_details_closed_hours_and_a_refusing_mail_server_lose_nothing() {
    let dir = temp_dir("booking-bad");
    let smtp = SmtpSink::start(&dir.join("mail"), &["--refuse"]);
    let day = bookable_day();
    let date = spoken(day);
    let script = dir.join("script.txt");
    let late = format!("Okay, {date} at 11 PM.");
    let morning = format!("Okay, so that is {date} at 10 AM.");
    write_script(
        &script,
        &[
            "So that's Mary Jones, phone five five five, nine eight seven, six five four three, \
         email mary at example dot com, at 7 Elm Avenue, for leak repair.",
            // No date or time yet: nothing may be booked.
            "Let me book that for you.",
            "#wait 300",
            &late,
            "Let me book that for you.",
            "#wait 5000",
            &morning,
            "Let me book that for you.",
            "#wait 3000",
        ],
    );
    let (_peer, server) = agent_and_server("booking-bad", &script, &smtp);

    let (seen, _, _) = call(&server, 14.0);
    let notes = seen["notes"].to_string();
    assert!(
        notes.contains("book_appointment not run: missing or uncertain date"),
        "{notes}"
    );
    assert!(
        notes.contains("Sorry"),
        "the outside-hours answer was not recorded: {notes}"
    );

    let store = open_store(&server);
    let midnight = jiff::civil::time(0, 0, 0, 0);
    let rows = store
        .appointments_between(
            day.to_datetime(midnight),
            day.tomorrow().unwrap().to_datetime(midnight),
        )
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].start.to_string(), format!("{day}T10:00:00"));
    assert_eq!(rows[0].name, "Mary Jones");
    let runs = store.tool_runs("CAbooking").unwrap();
    // 11 PM once (refused, not retried with the same details), then 10 AM.
    assert_eq!(
        runs.iter().filter(|r| r.name == "book_appointment").count(),
        2,
        "{runs:?}"
    );

    // The refusing server got nothing; the email is kept in the outbox with the reason.
    wait_until(
        Duration::from_secs(10),
        "the outbox to record the refusal",
        || {
            store
                .outbox()
                .unwrap()
                .iter()
                .any(|e| e.last_error.is_some())
        },
    );
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].to, "mary@example.com");
    assert!(
        outbox[0].last_error.as_deref().unwrap().contains("550"),
        "{outbox:?}"
    );
    assert!(smtp.messages().is_empty());
}

/// The live appointments on `day`, read from the server's own database.
fn rows_on(server: &Server, day: Date) -> Vec<actors::booking::appointments::Appointment> {
    let midnight = jiff::civil::time(0, 0, 0, 0);
    open_store(server)
        .appointments_between(
            day.to_datetime(midnight),
            day.tomorrow().unwrap().to_datetime(midnight),
        )
        .unwrap()
}

#[test]
fn a_corrected_time_replaces_the_booking_and_the_caller_hears_the_correction() {
    let dir = temp_dir("booking-correction");
    let smtp = SmtpSink::start(&dir.join("mail"), &[]);
    let day = bookable_day();
    let date = spoken(day);
    let script = dir.join("script.txt");
    let first = format!(
        "So that's Ana Lima, phone five five five, two two two, three three three three, \
         at 9 Birch Lane, for leak repair on {date} at 2 PM."
    );
    let corrected = format!("Sorry, you said 1 PM, not 2. So {date} at 1 PM.");
    write_script(
        &script,
        &[
            &first,
            "Let me book that for you.",
            "#wait 4000",
            &corrected,
            "Let me book that for you.",
            "#wait 4000",
        ],
    );
    let (_peer, server) = agent_and_server("booking-correction", &script, &smtp);
    let (seen, rate, heard) = call(&server, 12.0);

    // Exactly one live appointment, at the corrected time; the first is kept, cancelled.
    let rows = rows_on(&server, day);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].start.to_string(), format!("{day}T13:00:00"));
    assert_eq!(rows[0].name, "Ana Lima");
    // Both results were spoken: the booking, then the corrected one.
    let notes = seen["notes"].to_string();
    assert!(notes.contains("1 PM") || notes.contains("1:00"), "{notes}");
    let store = open_store(&server);
    let runs: Vec<_> = store
        .tool_runs("CAbooking")
        .unwrap()
        .into_iter()
        .filter(|r| r.name == "book_appointment")
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let spoken_sentences = seconds_of_speech(rate, &heard);
    assert!(
        spoken_sentences > 4.0,
        "the caller heard only {spoken_sentences:.1} s of results: both must be spoken"
    );
}

#[test]
fn a_described_problem_books_the_default_service_and_keeps_the_problem() {
    let dir = temp_dir("booking-problem");
    let smtp = SmtpSink::start(&dir.join("mail"), &[]);
    let day = bookable_day();
    let date = spoken(day);
    let script = dir.join("script.txt");
    write_script(
        &script,
        &[
            "Oh no, sorry to hear the garbage disposal is jammed and humming.",
            "#wait 300",
            &format!(
                "So that's Tom Reyes, phone five five five, four four four, one two one two, \
                 at 31 Cedar Court, on {date} at 10 AM. I'll pencil you in."
            ),
            "#wait 4000",
        ],
    );
    let (_peer, server) = agent_and_server("booking-problem", &script, &smtp);
    let (seen, _, _) = call(&server, 8.0);
    // The admin view of the call shows the problem with the booking.
    assert!(
        seen["notes"]
            .to_string()
            .contains("problem: the garbage disposal is jammed"),
        "{seen}"
    );
    let rows = rows_on(&server, day);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0].service, "Service call",
        "no configured service fits"
    );
    assert_eq!(
        rows[0].problem.as_deref(),
        Some("the garbage disposal is jammed and humming")
    );
    assert_eq!(rows[0].start.to_string(), format!("{day}T10:00:00"));
}

#[test]
fn a_caller_moving_an_appointment_gets_it_moved_not_doubled() {
    let dir = temp_dir("booking-move");
    let smtp = SmtpSink::start(&dir.join("mail"), &[]);
    let day = bookable_day();
    let date = spoken(day);
    let script = dir.join("script.txt");
    write_script(
        &script,
        &[
            "I found it, Rosa Diaz, phone five five five, three one three, four four four four.",
            &format!("I'll move your appointment to {date} at 2 PM."),
            "#wait 4000",
        ],
    );
    let (_peer, server) = agent_and_server("booking-move", &script, &smtp);
    // An appointment made on an earlier call, at 9 AM the same day.
    let earlier = actors::booking::BookingDetails {
        name: "Rosa Diaz".into(),
        phone: "5553134444".into(),
        email: None,
        address: "12 Pine Road".into(),
        service: "Leak repair".into(),
        problem: None,
        date: day,
        time: jiff::civil::time(9, 0, 0, 0),
    };
    let booked = open_store(&server)
        .book(
            "CAearlier",
            &earlier,
            &actors::booking::business::Business::default(),
            jiff::Timestamp::now(),
        )
        .unwrap();
    assert!(
        matches!(booked, actors::booking::BookingOutcome::Booked { .. }),
        "{booked:?}"
    );

    call(&server, 7.0);

    let rows = rows_on(&server, day);
    assert_eq!(rows.len(), 1, "moved, not doubled: {rows:?}");
    assert_eq!(rows[0].start.to_string(), format!("{day}T14:00:00"));
    assert_eq!(
        (rows[0].name.as_str(), rows[0].address.as_str()),
        ("Rosa Diaz", "12 Pine Road"),
        "the appointment keeps what the move did not say"
    );
}

/// `[toolbridge] extractor = "llm"` through the whole server: the OpenAI peer's answer (checked
/// against the transcript) decides the booking, and the call's notes say so. The model reads
/// "the noisy faucet" as leak repair, which the rules would not: the row shows who decided.
#[test]
fn with_the_llm_extractor_configured_the_model_reads_the_booking() {
    let dir = temp_dir("booking-llm");
    let smtp = SmtpSink::start(&dir.join("mail"), &[]);
    let day = bookable_day();
    let date = spoken(day);
    let answer = serde_json::json!({"json": {
        "name": "John Smith", "phone": "5551234567", "email": null, "address": "42 Oak Street",
        "service": "Leak repair", "problem": "noisy faucet", "date": day.to_string(),
        "time": "15:00", "date_said": date, "time_said": "3 PM",
    }});
    let chat = dir.join("chat.jsonl");
    std::fs::write(&chat, format!("{answer}\n")).unwrap();
    let (_llm, llm_port) = start_python_peer(
        "openai_peer.py",
        "openai-peer",
        &["--chat-script", chat.to_str().unwrap(), "--api-key", "xk-1"],
    );
    let script = dir.join("script.txt");
    let readback = format!(
        "So that's John Smith, phone five five five, one two three, four five six seven, \
         at 42 Oak Street, for the noisy faucet on {date} at 3 PM."
    );
    write_script(
        &script,
        &[
            "Thanks for calling Bright Plumbing, this is Ava.",
            "#wait 300",
            &readback,
            "Let me book that for you.",
            "#wait 3000",
        ],
    );
    let peer = PersonaPlexPeer::start(&[
        "--prefill-ms",
        "200",
        "--mode",
        "tone:300",
        "--text-interval-ms",
        "40",
        "--script",
        script.to_str().unwrap(),
    ]);
    let smtp_port = format!("port = {}", smtp.port);
    let base_url = format!("base_url = \"http://127.0.0.1:{llm_port}\"");
    let server = Server::start(
        "booking-llm",
        peer.port,
        &[
            ("email", &smtp_port),
            ("toolbridge", "extractor = \"llm\""),
            ("toolbridge.llm", &base_url),
            ("toolbridge.llm", "api_key = \"xk-1\""),
        ],
    );

    let (seen, _, _) = call(&server, 8.0);
    let notes = seen["notes"].to_string();
    assert!(
        notes.contains("details read by the llm extractor"),
        "{notes}"
    );
    let rows = rows_on(&server, day);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].name.as_str(), rows[0].service.as_str()),
        ("John Smith", "Leak repair")
    );
    assert_eq!(rows[0].start.to_string(), format!("{day}T15:00:00"));
}
