//! Ending calls (issue 9, part 2) on real processes: the PersonaPlex peer says a closing line,
//! the caller stays silent, switchboard closes the stream, and the simulator (acting as
//! SignalWire) requests the `<Connect action>` URL, signed, and gets `<Hangup/>`.

mod support;

use std::path::Path;
use std::time::Duration;

use actors::booking::store::Store;
use support::*;

const SIGNING_KEY: &str = "PSK_ending_key";
/// `[signalwire] hangup_after_goodbye_secs`, the default.
const HANGUP_AFTER_GOODBYE_SECS: f64 = 3.0;

/// A server whose agent (the peer) says `line`, one word a piece, then nothing more.
fn agent_saying(name: &str, line: &str) -> (PersonaPlexPeer, Server) {
    let dir = temp_dir(name);
    let script = dir.join("script.txt");
    let pieces: Vec<String> = line.split_whitespace().map(|w| format!(" {w}")).collect();
    std::fs::write(&script, pieces.join("\n") + "\n").unwrap();
    let peer = PersonaPlexPeer::start(&[
        "--prefill-ms",
        "200",
        "--mode",
        "tone:300",
        "--text-delay-ms",
        "100",
        "--text-interval-ms",
        "40",
        "--script",
        script.to_str().unwrap(),
    ]);
    let key = format!("signing_key = \"{SIGNING_KEY}\"");
    let server = Server::start(name, peer.port, &[("signalwire", &key)]);
    (peer, server)
}

/// Calls in (signed webhook) playing `secs` of a 440 Hz tone at `amplitude` (0: silence);
/// returns the simulator's summary.
fn call(server: &Server, call_sid: &str, secs: f64, amplitude: f64) -> String {
    let input = server.dir.join(format!("{call_sid}-in.wav"));
    let output = server.dir.join(format!("{call_sid}-heard.wav"));
    write_tone_wav(&input, 8000, 440.0, secs, amplitude);
    simulate_call(&[
        "--webhook",
        &server.webhook_url(),
        "--signing-key",
        SIGNING_KEY,
        "--call-sid",
        call_sid,
        "--tail-secs",
        "0",
        "--audio",
        input.to_str().unwrap(),
        "--out",
        output.to_str().unwrap(),
    ])
}

/// The seconds in "call ended by … after 4.21 s".
fn duration_of(summary: &str) -> f64 {
    summary
        .split(" after ")
        .nth(1)
        .and_then(|rest| rest.split(" s").next())
        .and_then(|secs| secs.trim().parse().ok())
        .unwrap_or_else(|| panic!("no duration in:\n{summary}"))
}

fn record(dir: &Path, call_sid: &str) -> actors::booking::store::CallRecord {
    let store = Store::open(&dir.join("switchboard.db")).unwrap();
    let mut found = None;
    wait_until(Duration::from_secs(5), "the call record's end", || {
        found = store
            .call(call_sid)
            .unwrap()
            .filter(|r| r.outcome.is_some());
        found.is_some()
    });
    found.unwrap()
}

#[test]
fn a_silent_caller_is_hung_up_after_the_agents_goodbye() {
    let (_peer, server) = agent_saying("goodbye", "Thanks for calling, have a great day!");
    // The caller would stay on the line for 30 s; the goodbye ends the call long before.
    let summary = call(&server, "CAgoodbye", 30.0, 0.0);
    assert!(summary.contains("call ended by the server"), "{summary}");
    assert!(summary.contains("after the stream:  hangup"), "{summary}");
    // Handshake (0.2 s), the line's text (~0.5 s), the wait, and 2 s of slack.
    let bound = 0.2 + 0.5 + HANGUP_AFTER_GOODBYE_SECS + 2.0;
    let took = duration_of(&summary);
    assert!(
        took >= HANGUP_AFTER_GOODBYE_SECS && took <= bound,
        "ended after {took} s, expected {HANGUP_AFTER_GOODBYE_SECS}..{bound}:\n{summary}"
    );
    let record = record(&server.dir, "CAgoodbye");
    assert_eq!(record.outcome.as_deref(), Some("completed"), "{record:?}");
    assert!(
        record
            .notes
            .iter()
            .any(|n| n.contains("ended by the agent's goodbye")),
        "{record:?}"
    );
}

#[test]
fn a_caller_who_keeps_talking_after_the_goodbye_is_not_hung_up() {
    let (_peer, server) = agent_saying("goodbye-talk", "Okay, goodbye.");
    let secs = HANGUP_AFTER_GOODBYE_SECS + 4.0;
    let summary = call(&server, "CAtalking", secs, 0.3);
    assert!(summary.contains("call ended by the caller"), "{summary}");
    assert!(!summary.contains("after the stream"), "{summary}");
    let record = record(&server.dir, "CAtalking");
    assert!(
        !record.notes.iter().any(|n| n.contains("goodbye")),
        "{record:?}"
    );
}

#[test]
fn a_full_voicemail_is_saved_and_the_caller_hung_up() {
    let key = format!("signing_key = \"{SIGNING_KEY}\"");
    let server = Server::start(
        "voicemail-end",
        free_port(),
        &[
            ("signalwire", &key),
            ("personaplex", "enabled = false"),
            ("voicemail", "max_secs = 2"),
        ],
    );
    let summary = call(&server, "CAvmfull", 30.0, 0.3);
    assert!(summary.contains("call ended by the server"), "{summary}");
    assert!(summary.contains("after the stream:  hangup"), "{summary}");
    assert!(duration_of(&summary) < 25.0, "{summary}");
    let store = Store::open(&server.dir.join("switchboard.db")).unwrap();
    wait_until(Duration::from_secs(5), "the voicemail record", || {
        store.voicemails().unwrap().len() == 1
    });
    assert_eq!(
        record(&server.dir, "CAvmfull").outcome.as_deref(),
        Some("voicemail")
    );
}
