//! The caller's side of the media stream: the messages SignalWire sends us, written the way
//! SignalWire writes them (counters as strings, no top-level `streamSid` on media and stop) so
//! the simulator and tests exercise the same traps the real service does.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::StartInfo;
use crate::protocol::json::{push_str_literal, push_u64_as_string};

/// `{"event":"connected","protocol":"Call","version":"0.2.0"}`, the first message of a stream.
pub fn write_connected(out: &mut String) {
    out.clear();
    out.push_str(r#"{"event":"connected","protocol":"Call","version":"0.2.0"}"#);
}

/// The `start` event announcing the stream, its call and its codec.
pub fn write_start(seq: u64, start: &StartInfo, out: &mut String) {
    out.clear();
    out.push_str("{\"event\":\"start\",\"sequenceNumber\":");
    push_u64_as_string(out, seq);
    out.push_str(",\"start\":{\"streamSid\":");
    push_str_literal(out, &start.stream_sid);
    if let Some(account) = &start.account_sid {
        out.push_str(",\"accountSid\":");
        push_str_literal(out, account);
    }
    out.push_str(",\"callSid\":");
    push_str_literal(out, &start.call_sid);
    out.push_str(",\"tracks\":[");
    for (i, track) in start.tracks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str_literal(out, track);
    }
    out.push_str("],\"customParameters\":{");
    for (i, (k, v)) in start.custom_parameters.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str_literal(out, k);
        out.push(':');
        push_str_literal(out, v);
    }
    out.push_str("},\"mediaFormat\":{\"encoding\":");
    let f = &start.media_format;
    push_str_literal(out, &f.encoding);
    let _ = write!(
        out,
        ",\"sampleRate\":{},\"channels\":{}}}}}}}",
        f.sample_rate, f.channels
    );
}

/// One inbound `media` event; `chunk` and `timestamp` (ms since the stream began) as strings.
pub fn write_inbound_media(
    seq: u64,
    chunk: u64,
    timestamp_ms: u64,
    audio: &[u8],
    out: &mut String,
) {
    out.clear();
    out.push_str("{\"event\":\"media\",\"sequenceNumber\":");
    push_u64_as_string(out, seq);
    out.push_str(",\"media\":{\"track\":\"inbound\",\"chunk\":");
    push_u64_as_string(out, chunk);
    out.push_str(",\"timestamp\":");
    push_u64_as_string(out, timestamp_ms);
    out.push_str(",\"payload\":\"");
    STANDARD.encode_string(audio, out);
    out.push_str("\"}}");
}

/// `{"event":"stop","sequenceNumber":"…"}`, the last message before SignalWire closes.
pub fn write_stop(seq: u64, out: &mut String) {
    out.clear();
    out.push_str("{\"event\":\"stop\",\"sequenceNumber\":");
    push_u64_as_string(out, seq);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::super::{parse_inbound, InboundEvent, MediaChunk, MediaFormat};
    use super::*;
    use serde_json::{json, Value};

    fn start_info() -> StartInfo {
        StartInfo {
            stream_sid: "st\"ream".into(),
            account_sid: Some("acct".into()),
            call_sid: "call".into(),
            tracks: vec!["inbound".into()],
            custom_parameters: [
                ("from".to_string(), "+1555 & <x>".to_string()),
                ("to".into(), "+1666".into()),
            ]
            .into_iter()
            .collect(),
            media_format: MediaFormat {
                encoding: "audio/x-L16".into(),
                sample_rate: 16000,
                channels: 1,
            },
        }
    }

    #[test]
    fn connected_matches_the_spec() {
        let mut out = String::new();
        write_connected(&mut out);
        assert_eq!(
            parse_inbound(&out).unwrap().event,
            InboundEvent::Connected {
                protocol: Some("Call".into()),
                version: Some("0.2.0".into())
            }
        );
    }

    #[test]
    fn start_round_trips_and_uses_string_sequence_numbers() {
        let mut out = String::new();
        let s = start_info();
        write_start(1, &s, &mut out);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["sequenceNumber"], json!("1"));
        assert_eq!(v["start"]["mediaFormat"]["sampleRate"], json!(16000));
        let m = parse_inbound(&out).unwrap();
        assert_eq!(m.sequence_number, Some(1));
        assert_eq!(m.event, InboundEvent::Start(s));
    }

    #[test]
    fn start_without_account_or_parameters_is_still_valid_json() {
        let mut s = start_info();
        s.account_sid = None;
        s.custom_parameters.clear();
        s.tracks.clear();
        let mut out = String::new();
        write_start(9, &s, &mut out);
        assert_eq!(parse_inbound(&out).unwrap().event, InboundEvent::Start(s));
    }

    #[test]
    fn media_is_written_like_signalwire_without_stream_sid() {
        let mut out = String::new();
        write_inbound_media(42, 41, 800, &[0xff, 0x7f], &mut out);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            json!({"event":"media","sequenceNumber":"42","media":{"track":"inbound","chunk":"41",
                   "timestamp":"800","payload":"/38="}})
        );
        assert_eq!(
            parse_inbound(&out).unwrap().event,
            InboundEvent::Media(MediaChunk {
                track: Some("inbound".into()),
                chunk: Some(41),
                timestamp: Some(800),
                payload: "/38=".into()
            })
        );
    }

    #[test]
    fn stop_matches_the_spec() {
        let mut out = String::from("junk");
        write_stop(999, &mut out);
        assert_eq!(out, r#"{"event":"stop","sequenceNumber":"999"}"#);
    }
}
