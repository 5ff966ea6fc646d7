//! Supervision with real processes: PersonaPlex peers killed mid-call, peers that never shake
//! hands or go mute, a pool exhausted by concurrent calls, and voicemail on the shipped config.
//!
//! Gaps are measured from what the caller heard (the simulator's WAV), in 20 ms windows.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actors::booking::store::Store;
use support::*;

/// How each 20 ms window of the caller's audio sounds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Heard {
    Silence,
    /// The echoed caller tone: the PersonaPlex session is serving.
    Tone,
    /// Anything else audible: the filler, a greeting, a beep.
    Other,
}

fn classify(rate: u32, samples: &[f64], hz: f64) -> Vec<Heard> {
    let window = rate as usize / 50;
    samples
        .chunks(window)
        .map(|w| {
            if rms_dbfs(w) < -40.0 {
                Heard::Silence
            } else {
                let power = w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64;
                if goertzel(w, rate, hz) * 2.0 / power > 0.5 {
                    Heard::Tone
                } else {
                    Heard::Other
                }
            }
        })
        .collect()
}

/// Longest run of silence between the first and the last tone window, in ms.
fn longest_gap_ms(heard: &[Heard]) -> u64 {
    let first = heard.iter().position(|h| *h == Heard::Tone).unwrap_or(0);
    let last = heard.iter().rposition(|h| *h == Heard::Tone).unwrap_or(0);
    let (mut longest, mut run) = (0, 0);
    for h in &heard[first..=last.max(first)] {
        run = if *h == Heard::Silence { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest * 20
}

/// The agent's absence after a failure at about `near_ms` into the call: the first break in the
/// echoed tone from a little before then (the WAV starts after the test's clock did, by the
/// simulator's start-up and connect), as (start window, length in windows).
fn absence_near(heard: &[Heard], near_ms: u64) -> Option<(usize, usize)> {
    let from = (near_ms.saturating_sub(600) / 20) as usize;
    let start = from + heard.iter().skip(from).position(|h| *h != Heard::Tone)?;
    let len = heard.iter().skip(start).position(|h| *h == Heard::Tone)?;
    Some((start, len))
}

/// Starts the simulator with a tone for `secs` (returns the child; the WAV is `out`).
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
        .stdout(Stdio::inherit())
        .spawn()
        .unwrap();
    (child, output)
}

fn finish(mut child: Child, output: &std::path::Path) -> (u32, Vec<f64>) {
    assert!(child.wait().unwrap().success());
    read_wav(output)
}

fn two_server_pool(a: u16, b: u16) -> [(&'static str, String); 2] {
    [
        ("personaplex", format!("servers = [{{ name = \"a\", host = \"127.0.0.1\", port = {a} }}, {{ name = \"b\", host = \"127.0.0.1\", port = {b} }}]")),
        ("personaplex", "agent_silence_secs = 1.0".to_string()),
    ]
}

fn server_with(name: &str, extra: &[(&'static str, String)]) -> Server {
    let extra: Vec<(&str, &str)> = extra.iter().map(|(s, l)| (*s, l.as_str())).collect();
    Server::start(name, free_port(), &extra)
}

#[test]
fn a_booking_refreshes_the_session_and_a_killed_peer_is_replaced_without_losing_it() {
    let dir = temp_dir("kill-mid-call");
    let day = bookable_day();
    let script = dir.join("script.txt");
    let readback = format!(
        "So that's John Smith, phone 555 123 4567, at 42 Oak Street, for drain cleaning on {} at 3 PM. Let me book that for you.",
        day.strftime("%B %-d")
    );
    std::fs::write(
        &script,
        readback
            .split_whitespace()
            .map(|w| format!(" {w}\n"))
            .collect::<String>(),
    )
    .unwrap();
    let first = PersonaPlexPeer::start(&[
        "--prefill-ms",
        "200",
        "--text-interval-ms",
        "30",
        "--script",
        script.to_str().unwrap(),
    ]);
    let mut second = PersonaPlexPeer::start(&["--prefill-ms", "300"]);
    let server = server_with("kill", &two_server_pool(first.port, second.port));

    let call_started = Instant::now();
    let (call, output) = start_call(&server, "kill", 13.0, "CAkill");
    // The booking makes the call move, before breaking the first session, to a session on
    // the second server whose prompt knows about the booking.
    wait_until(Duration::from_secs(8), "the refreshed session", || {
        second.stats()["handshakes_sent"] == 1
    });
    let refreshed = second.stats()["last_query"]["text_prompt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        refreshed.contains("John Smith") && refreshed.to_lowercase().contains("booked"),
        "{refreshed}"
    );
    // Let the spoken booking result finish, so what follows measures the failure alone.
    std::thread::sleep(Duration::from_millis(5500));
    let killed_at = Instant::now();
    second.proc.child.kill().unwrap();
    wait_until(
        Duration::from_secs(5),
        "the first server to serve again",
        || first.stats()["sessions_started"] == 2,
    );
    let took_over_ms = killed_at.elapsed().as_millis();
    let kill_ms = killed_at.duration_since(call_started).as_millis() as u64;
    let servers = http_request(
        server.port,
        "GET",
        "/admin/servers",
        &[("Authorization", &format!("Bearer {ADMIN_TOKEN}"))],
        b"",
    );
    let (rate, heard) = finish(call, &output);

    let sounds = classify(rate, &heard, 440.0);
    let gap = longest_gap_ms(&sounds);
    let (start, len) = absence_near(&sounds, kill_ms).expect("the agent never came back");
    let back = len as u64 * 20;
    println!(
        "killed peer: new session serving {took_over_ms} ms after the kill; the agent's audio \
         was away {back} ms (filler meanwhile); longest silent gap {gap} ms"
    );
    assert!(back < 2000, "the agent was away {back} ms");
    // Meanwhile the caller heard the filler, not dead air.
    let filler_ms = sounds[start..start + len]
        .iter()
        .filter(|h| **h == Heard::Other)
        .count()
        * 20;
    assert!(
        filler_ms >= 200,
        "only {filler_ms} ms of filler while the agent was away"
    );
    assert!(gap < 1500, "the caller heard {gap} ms of silence");
    // The refresh switch itself left no silence (the gap above covers the whole call).

    // The third session (back on the first server) still knew about the booking, and its
    // replayed dialogue booked nothing twice.
    let prompt = first.stats()["last_query"]["text_prompt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(prompt.to_lowercase().contains("booked"), "{prompt}");
    let store = Store::open(&server.dir.join("switchboard.db")).unwrap();
    let midnight = jiff::civil::time(0, 0, 0, 0);
    assert_eq!(
        store
            .appointments_between(
                day.to_datetime(midnight),
                day.tomorrow().unwrap().to_datetime(midnight)
            )
            .unwrap()
            .len(),
        1
    );
    assert!(
        servers.1.contains("\"recent_failures\":[{"),
        "{}",
        servers.1
    );
}

#[test]
fn a_peer_whose_reader_dies_is_replaced() {
    let mute = PersonaPlexPeer::start(&["--prefill-ms", "100", "--mode", "mute-after:2"]);
    let healthy = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let server = server_with("mute", &two_server_pool(mute.port, healthy.port));
    let (call, output) = start_call(&server, "mute", 7.0, "CAmute");
    let (rate, heard) = finish(call, &output);
    let sounds = classify(rate, &heard, 440.0);
    let gap = longest_gap_ms(&sounds);
    println!("mute peer: longest silent gap {gap} ms");
    assert_eq!(healthy.stats()["sessions_started"], 1);
    assert!(gap < 2500, "the caller heard {gap} ms of silence");
    assert!(
        sounds.iter().rposition(|h| *h == Heard::Tone).unwrap() * 20 > 5500,
        "no echo after the switch"
    );
}

#[test]
fn a_peer_that_never_shakes_hands_falls_back_to_voicemail() {
    let stuck = PersonaPlexPeer::start(&["--mode", "no-handshake"]);
    let server = server_with(
        "stuck",
        &[
            ("personaplex", format!("port = {}", stuck.port)),
            ("personaplex", "handshake_timeout_secs = 2".into()),
        ],
    );
    let started = Instant::now();
    let (call, output) = start_call(&server, "stuck", 6.0, "CAstuck");
    wait_until(Duration::from_secs(10), "voicemail", || {
        server
            .calls()
            .first()
            .is_some_and(|c| c["engine"] == "voicemail")
    });
    let fallback_ms = started.elapsed().as_millis();
    let (rate, heard) = finish(call, &output);
    let sounds = classify(rate, &heard, 1000.0);
    println!("no handshake: on voicemail {fallback_ms} ms after the call started (handshake timeout 2 s)");
    assert!(
        sounds.iter().filter(|h| **h != Heard::Silence).count() > 50,
        "the caller heard no greeting"
    );
}

#[test]
fn an_exhausted_pool_sends_the_next_call_to_voicemail_without_touching_the_busy_server() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let server = Server::start("exhausted", peer.port, &[]);
    let (first, first_out) = start_call(&server, "first", 6.0, "CAfirst");
    wait_until(Duration::from_secs(5), "the first call to be live", || {
        server.calls().iter().any(|c| c["state"] == "live")
    });
    let (second, second_out) = start_call(&server, "second", 3.0, "CAsecond");
    wait_until(Duration::from_secs(5), "the second call", || {
        server.calls().len() == 2
    });
    let calls = server.calls();
    let engine_of = |sid: &str| {
        calls
            .iter()
            .find(|c| c["call_sid"] == sid)
            .map(|c| c["engine"].clone())
    };
    assert_eq!(engine_of("CAsecond"), Some("voicemail".into()), "{calls:?}");
    finish(second, &second_out);
    let (rate, heard) = finish(first, &first_out);
    assert!(
        classify(rate, &heard, 440.0)
            .iter()
            .filter(|h| **h == Heard::Tone)
            .count()
            > 150
    );
    let stats = peer.stats();
    assert_eq!(
        stats["connects_while_busy"], 0,
        "a second connection reached a busy server: {stats}"
    );
    assert_eq!(stats["sessions_started"], 1, "{stats}");
}

#[test]
fn with_the_shipped_config_and_nothing_else_running_a_call_gets_voicemail() {
    let server = Server::start_shipped("voicemail-default");
    // The caller waits through the greeting and the beep, then leaves a 3-second "message".
    let input = server.dir.join("message.wav");
    let output = server.dir.join("heard.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = hound::WavWriter::create(&input, spec).unwrap();
    for i in 0..(8000 * 15) {
        let t = i as f64 / 8000.0;
        let tone = if t > 11.5 {
            0.3 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()
        } else {
            0.0
        };
        wav.write_sample((tone * 32767.0) as i16).unwrap();
    }
    wav.finalize().unwrap();
    let summary = simulate_call(&[
        "--webhook",
        &server.webhook_url(),
        "--tail-secs",
        "0.5",
        "--call-sid",
        "CAvoicemail",
        "--audio",
        input.to_str().unwrap(),
        "--out",
        output.to_str().unwrap(),
    ]);
    println!("{summary}");

    // The caller heard the greeting, then the beep.
    let (rate, heard) = read_wav(&output);
    let greeting = &heard[..rate as usize * 8];
    assert!(rms_dbfs(greeting) > -35.0, "no greeting heard");
    let beep = (0..heard.len() / 160)
        .map(|w| &heard[w * 160..(w + 1) * 160])
        .filter(|w| {
            rms_dbfs(w) > -30.0
                && goertzel(w, rate, 1000.0) * 2.0 / (w.iter().map(|x| x * x).sum::<f64>() / 160.0)
                    > 0.7
        })
        .count();
    assert!(beep >= 10, "no beep heard ({beep} beep windows)");

    // The message is on disk, in the store, and the business is told about it.
    wait_until(Duration::from_secs(5), "the voicemail record", || {
        Store::open(&server.dir.join("switchboard.db"))
            .unwrap()
            .voicemails()
            .unwrap()
            .len()
            == 1
    });
    let store = Store::open(&server.dir.join("switchboard.db")).unwrap();
    let record = &store.voicemails().unwrap()[0];
    assert_eq!(record.call_sid, "CAvoicemail");
    let (vm_rate, message) = read_wav(std::path::Path::new(&record.path));
    let tone_secs = message
        .chunks(vm_rate as usize / 10)
        .filter(|w| w.len() == vm_rate as usize / 10 && rms_dbfs(w) > -20.0)
        .count() as f64
        / 10.0;
    assert!(
        (2.5..=3.6).contains(&tone_secs),
        "{tone_secs} s of the caller's message recorded"
    );
    assert_eq!(dominant(&message, vm_rate, &[300.0, 440.0, 1000.0]), 440.0);
    let outbox = store.outbox().unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].to, "office@brightplumbing.example");
    assert!(outbox[0].body.contains(&record.path), "{}", outbox[0].body);
    let call = store.call("CAvoicemail").unwrap().unwrap();
    assert_eq!(call.outcome.as_deref(), Some("voicemail"));
}
