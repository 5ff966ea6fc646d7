//! What our server sends to SignalWire, and the parser the simulator uses to read it back.
//!
//! The writers run 50 times a second per call, so they write into a caller-owned `String` that is
//! cleared first and reused: no allocation once the buffer has grown to one frame's size.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Deserialize;

use super::inbound::json_error;
use super::{Outbound, OutboundMessage, ProtocolError};
use crate::protocol::json::{lenient_string, push_str_literal, CowStr};

fn head(event: &str, stream_sid: &str, out: &mut String) {
    out.clear();
    out.push_str("{\"event\":\"");
    out.push_str(event);
    out.push_str("\",\"streamSid\":");
    push_str_literal(out, stream_sid);
}

/// `{"event":"media","streamSid":…,"media":{"payload":"<base64>"}}`: audio in the negotiated codec.
pub fn write_media(stream_sid: &str, audio: &[u8], out: &mut String) {
    head("media", stream_sid, out);
    out.push_str(",\"media\":{\"payload\":\"");
    STANDARD.encode_string(audio, out);
    out.push_str("\"}}");
}

/// `{"event":"mark",…,"mark":{"name":…}}`: SignalWire echoes it once the audio before it played.
pub fn write_mark(stream_sid: &str, name: &str, out: &mut String) {
    head("mark", stream_sid, out);
    out.push_str(",\"mark\":{\"name\":");
    push_str_literal(out, name);
    out.push_str("}}");
}

/// `{"event":"clear",…}`: flushes SignalWire's play-out queue (barge-in).
pub fn write_clear(stream_sid: &str, out: &mut String) {
    head("clear", stream_sid, out);
    out.push('}');
}

/// `{"event":"dtmf",…,"dtmf":{"digit":"5"}}`: plays a tone to the caller (SignalWire only).
pub fn write_dtmf(stream_sid: &str, digit: char, out: &mut String) {
    head("dtmf", stream_sid, out);
    out.push_str(",\"dtmf\":{\"digit\":");
    let mut buf = [0u8; 4];
    push_str_literal(out, digit.encode_utf8(&mut buf));
    out.push_str("}}");
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw<'a> {
    #[serde(borrow, default)]
    event: Option<CowStr<'a>>,
    #[serde(default)]
    stream_sid: Option<String>,
    #[serde(default)]
    media: Option<RawMedia>,
    #[serde(default)]
    mark: Option<RawName>,
    #[serde(default)]
    dtmf: Option<RawDigit>,
}

#[derive(Deserialize)]
struct RawMedia {
    #[serde(default)]
    payload: Option<String>,
}

#[derive(Deserialize)]
struct RawName {
    #[serde(default, deserialize_with = "lenient_string")]
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawDigit {
    #[serde(default, deserialize_with = "lenient_string")]
    digit: Option<String>,
}

/// Parses one message our server sent, with the `streamSid` it was addressed to.
pub fn parse_outbound_message(text: &str) -> Result<OutboundMessage, ProtocolError> {
    let raw: Raw = serde_json::from_str(text).map_err(|e| json_error(text, e))?;
    let name = raw.event.ok_or(ProtocolError::MissingEvent)?.0;
    let missing = |event, field| ProtocolError::MissingField { event, field };
    let event = match name.as_ref() {
        "media" => Outbound::Media {
            payload: raw
                .media
                .and_then(|m| m.payload)
                .ok_or(missing("media", "media.payload"))?,
        },
        "mark" => Outbound::Mark {
            name: raw
                .mark
                .and_then(|m| m.name)
                .ok_or(missing("mark", "mark.name"))?,
        },
        "clear" => Outbound::Clear,
        "dtmf" => Outbound::Dtmf {
            digit: raw
                .dtmf
                .and_then(|d| d.digit)
                .ok_or(missing("dtmf", "dtmf.digit"))?,
        },
        _ => Outbound::Unknown {
            event: name.into_owned(),
        },
    };
    Ok(OutboundMessage {
        stream_sid: raw.stream_sid,
        event,
    })
}

/// Parses one message our server sent (see [`parse_outbound_message`] for its `streamSid`).
pub fn parse_outbound(text: &str) -> Result<Outbound, ProtocolError> {
    parse_outbound_message(text).map(|m| m.event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn value(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn writers_produce_the_documented_shapes() {
        let mut out = String::from("stale content that must disappear");
        write_media("MZ1", &[0, 1, 2, 255], &mut out);
        assert_eq!(
            value(&out),
            json!({"event":"media","streamSid":"MZ1","media":{"payload":"AAEC/w=="}})
        );
        write_mark("MZ1", "utt-17", &mut out);
        assert_eq!(
            value(&out),
            json!({"event":"mark","streamSid":"MZ1","mark":{"name":"utt-17"}})
        );
        write_clear("MZ1", &mut out);
        assert_eq!(value(&out), json!({"event":"clear","streamSid":"MZ1"}));
        write_dtmf("MZ1", '#', &mut out);
        assert_eq!(
            value(&out),
            json!({"event":"dtmf","streamSid":"MZ1","dtmf":{"digit":"#"}})
        );
    }

    #[test]
    fn sids_and_names_are_escaped() {
        let sid = "a\"b\\c\nd";
        let name = "mark \"quoted\" </x> é";
        let mut out = String::new();
        write_mark(sid, name, &mut out);
        assert_eq!(
            value(&out),
            json!({"event":"mark","streamSid":sid,"mark":{"name":name}})
        );
        let m = parse_outbound_message(&out).unwrap();
        assert_eq!(m.stream_sid.as_deref(), Some(sid));
        assert_eq!(m.event, Outbound::Mark { name: name.into() });
    }

    #[test]
    fn the_buffer_is_reused_without_growing() {
        let mut out = String::new();
        let audio = [0x7fu8; 160];
        write_media("sid", &audio, &mut out);
        let cap = out.capacity();
        let first = out.clone();
        for _ in 0..10 {
            write_media("sid", &audio, &mut out);
        }
        assert_eq!(out, first);
        assert_eq!(out.capacity(), cap);
    }

    #[test]
    fn parse_outbound_round_trips_every_writer() {
        let mut out = String::new();
        write_media("s", &[1, 2, 3], &mut out);
        assert_eq!(
            parse_outbound(&out).unwrap(),
            Outbound::Media {
                payload: "AQID".into()
            }
        );
        write_clear("s", &mut out);
        assert_eq!(parse_outbound(&out).unwrap(), Outbound::Clear);
        write_dtmf("s", '5', &mut out);
        assert_eq!(
            parse_outbound(&out).unwrap(),
            Outbound::Dtmf { digit: "5".into() }
        );
    }

    #[test]
    fn parse_outbound_tolerates_unknown_and_rejects_broken() {
        assert_eq!(
            parse_outbound(r#"{"event":"weird","x":1}"#).unwrap(),
            Outbound::Unknown {
                event: "weird".into()
            }
        );
        let m = parse_outbound_message(r#"{"event":"clear"}"#).unwrap();
        assert_eq!(m.stream_sid, None);
        assert!(matches!(
            parse_outbound("nope"),
            Err(ProtocolError::InvalidJson(_))
        ));
        assert!(matches!(
            parse_outbound("{}"),
            Err(ProtocolError::MissingEvent)
        ));
        assert!(parse_outbound(r#"{"event":"media","media":{}}"#)
            .unwrap_err()
            .to_string()
            .contains("media.payload"));
        assert!(parse_outbound(r#"{"event":"mark"}"#).is_err());
    }
}
