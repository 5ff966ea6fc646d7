//! Message-by-message tests of [`super::Emulator`].

use super::*;
use actors::protocol::signalwire::{parse_inbound, write_clear, write_media, InboundEvent};

const SID: &str = "stream-1";

fn media(sid: &str, samples: &[i16], wire: WireFormat) -> String {
    let mut bytes = Vec::new();
    wire.encode_into(samples, &mut bytes);
    let mut out = String::new();
    write_media(sid, &bytes, &mut out);
    out
}

fn mark(name: &str) -> String {
    let mut out = String::new();
    write_mark(SID, name, &mut out);
    out
}

/// The names of the mark echoes in `replies`, checking each is a well-formed SignalWire mark.
fn echoed(replies: &mut Vec<String>) -> Vec<String> {
    replies
        .drain(..)
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r).unwrap();
            assert_eq!(v["streamSid"], SID, "{r}");
            match parse_inbound(&r).unwrap().event {
                InboundEvent::Mark { name } => name,
                other => panic!("not a mark echo: {other:?}"),
            }
        })
        .collect()
}

#[test]
fn media_is_played_and_marks_echoed_after_it() {
    let wire = WireFormat::L16 { rate: 16000 };
    let mut e = Emulator::new(SID.into(), wire);
    let t0 = Instant::now();
    e.media_sent(t0);
    let mut replies = Vec::new();
    // 30 ms of loud audio, then a mark: the mark is due after the second tick.
    e.on_server_text(
        &media(SID, &[1000; 480], wire),
        t0 + Duration::from_millis(250),
        &mut replies,
    );
    e.on_server_text(&mark("utt-1"), t0, &mut replies);
    assert!(replies.is_empty());
    let mut played = Vec::new();
    e.on_tick(&mut played, &mut replies);
    assert_eq!(played, vec![1000; 320]);
    assert!(replies.is_empty(), "mark must wait for its audio");
    played.clear();
    e.on_tick(&mut played, &mut replies);
    assert_eq!(&played[..160], &[1000; 160][..]);
    assert_eq!(&played[160..], &[0; 160][..]);
    assert_eq!(echoed(&mut replies), ["utt-1"]);
    let s = e.summary(Duration::from_secs(1), false);
    assert_eq!(
        (
            s.frames_sent,
            s.frames_received,
            s.marks_received,
            s.marks_acknowledged
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(s.first_audio_latency_ms, Some(250.0));
    assert_eq!(s.max_queue_ms, 30.0);
    assert_eq!(s.bad_frames, 0);
}

#[test]
fn silence_does_not_count_as_first_audio() {
    let wire = WireFormat::Mulaw8k;
    let mut e = Emulator::new(SID.into(), wire);
    let t0 = Instant::now();
    e.media_sent(t0);
    let mut replies = Vec::new();
    e.on_server_text(
        &media(SID, &[0; 160], wire),
        t0 + Duration::from_millis(10),
        &mut replies,
    );
    assert_eq!(
        e.summary(Duration::ZERO, false).first_audio_latency_ms,
        None
    );
    e.on_server_text(
        &media(SID, &[8000; 160], wire),
        t0 + Duration::from_millis(90),
        &mut replies,
    );
    let s = e.summary(Duration::ZERO, true);
    assert_eq!(s.first_audio_latency_ms, Some(90.0));
    assert_eq!(s.frames_received, 2);
    assert!(s.ended_by_server);
}

#[test]
fn clear_returns_pending_marks_at_once() {
    let wire = WireFormat::Mulaw8k;
    let mut e = Emulator::new(SID.into(), wire);
    let mut replies = Vec::new();
    let now = Instant::now();
    e.on_server_text(&media(SID, &[5000; 1600], wire), now, &mut replies);
    e.on_server_text(&mark("a"), now, &mut replies);
    e.on_server_text(&media(SID, &[5000; 160], wire), now, &mut replies);
    e.on_server_text(&mark("b"), now, &mut replies);
    let mut clear = String::new();
    write_clear(SID, &mut clear);
    e.on_server_text(&clear, now, &mut replies);
    assert_eq!(echoed(&mut replies), ["a", "b"]);
    let mut played = Vec::new();
    e.on_tick(&mut played, &mut replies);
    assert!(played.iter().all(|&s| s == 0), "queue flushed");
    let s = e.summary(Duration::ZERO, false);
    assert_eq!(
        (s.clears, s.marks_received, s.marks_acknowledged),
        (1, 2, 2)
    );
}

#[test]
fn a_mark_with_nothing_queued_is_echoed_immediately() {
    let mut e = Emulator::new(SID.into(), WireFormat::Mulaw8k);
    let mut replies = Vec::new();
    e.on_server_text(&mark("now"), Instant::now(), &mut replies);
    assert_eq!(echoed(&mut replies), ["now"]);
}

#[test]
fn bad_frames_are_counted_not_fatal() {
    let wire = WireFormat::L16 { rate: 24000 };
    let mut e = Emulator::new(SID.into(), wire);
    let mut replies = Vec::new();
    let now = Instant::now();
    let mut odd = String::new();
    write_media(SID, &[1, 2, 3], &mut odd);
    for text in [
        "not json".to_string(),
        r#"{"streamSid":"stream-1"}"#.to_string(),
        r#"{"event":"media","streamSid":"stream-1","media":{"payload":"***"}}"#.to_string(),
        r#"{"event":"media","media":{"payload":"AAAA"}}"#.to_string(),
        media("other-stream", &[1000; 480], wire),
        r#"{"event":"bogus","streamSid":"stream-1"}"#.to_string(),
        odd,
    ] {
        e.on_server_text(&text, now, &mut replies);
    }
    e.bad_frame("binary frame");
    let s = e.summary(Duration::ZERO, false);
    assert_eq!(s.bad_frames, 8);
    assert_eq!(s.frames_received, 0);
    assert!(replies.is_empty());
    let mut played = Vec::new();
    e.on_tick(&mut played, &mut replies);
    assert_eq!(played, vec![0; 480], "nothing from a bad frame is played");
}
