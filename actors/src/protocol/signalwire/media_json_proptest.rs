//! Properties of the media-stream JSON: any text SignalWire (or an attacker holding the media
//! token) could send is parsed or refused with a message, never a panic; and every message our
//! writers produce, for any sids, names and audio, reads back as what was written.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::Value;

use super::*;

/// Any JSON value, nested a few levels, with the keys the parser looks for mixed in.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("event".to_string()),
        Just("sequenceNumber".to_string()),
        Just("streamSid".to_string()),
        Just("start".to_string()),
        Just("media".to_string()),
        Just("payload".to_string()),
        Just("mediaFormat".to_string()),
        Just("customParameters".to_string()),
        Just("callSid".to_string()),
        Just("mark".to_string()),
        Just("name".to_string()),
        Just("dtmf".to_string()),
        Just("digit".to_string()),
        "[a-zA-Z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("start".to_string()),
            Just("media".to_string()),
            Just("mark".to_string()),
            Just("dtmf".to_string()),
            Just("stop".to_string()),
            Just("audio/x-L16".to_string()),
            "[0-9]{1,6}",
            any::<String>(),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn start_info() -> impl Strategy<Value = StartInfo> {
    (
        any::<String>(),
        proptest::option::of(any::<String>()),
        any::<String>(),
        vec(any::<String>(), 0..3),
        btree_map(any::<String>(), any::<String>(), 0..4),
        (any::<String>(), any::<u32>(), any::<u16>()),
    )
        .prop_map(
            |(stream_sid, account_sid, call_sid, tracks, params, (encoding, rate, channels))| {
                StartInfo {
                    stream_sid,
                    account_sid,
                    call_sid,
                    tracks,
                    custom_parameters: params,
                    media_format: MediaFormat {
                        encoding,
                        sample_rate: rate,
                        channels,
                    },
                }
            },
        )
}

/// What the media session does with one text frame, minus the actors.
fn handle(text: &str) -> Result<(), ProtocolError> {
    let inbound = parse_inbound(text)?;
    match inbound.event {
        InboundEvent::Start(start) => start.media_format.wire_format().map(|_| ()),
        InboundEvent::Media(media) => decode_payload(&media.payload, &mut Vec::new()),
        _ => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn any_text_is_parsed_or_refused_with_a_message(text in any::<String>()) {
        if let Err(e) = handle(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn any_json_is_parsed_or_refused_with_a_message(value in json()) {
        let text = value.to_string();
        if let Err(e) = handle(&text) {
            prop_assert!(!e.to_string().is_empty());
            // Valid JSON is never reported as "not JSON".
            prop_assert!(!matches!(e, ProtocolError::InvalidJson(_)), "{e}");
        }
    }

    #[test]
    fn start_round_trips(seq in any::<u64>(), start in start_info()) {
        let mut out = String::new();
        write_start(seq, &start, &mut out);
        let back = parse_inbound(&out).unwrap();
        prop_assert_eq!(back.sequence_number, Some(seq));
        prop_assert_eq!(back.event, InboundEvent::Start(start));
    }

    #[test]
    fn media_round_trips_through_base64(
        seq in any::<u64>(),
        chunk in any::<u64>(),
        ts in any::<u64>(),
        audio in vec(any::<u8>(), 0..1000),
    ) {
        let mut out = String::new();
        write_inbound_media(seq, chunk, ts, &audio, &mut out);
        let back = parse_inbound(&out).unwrap();
        prop_assert_eq!(back.sequence_number, Some(seq));
        let InboundEvent::Media(m) = back.event else {
            return Err(TestCaseError::fail("not media"));
        };
        prop_assert_eq!((m.chunk, m.timestamp), (Some(chunk), Some(ts)));
        let mut decoded = vec![1, 2, 3];
        decode_payload(&m.payload, &mut decoded).unwrap();
        prop_assert_eq!(decoded, audio);
    }

    #[test]
    fn outbound_writers_round_trip(
        sid in any::<String>(),
        name in any::<String>(),
        digit in any::<char>(),
        audio in vec(any::<u8>(), 0..500),
    ) {
        let mut out = String::new();
        write_mark(&sid, &name, &mut out);
        let m = parse_outbound_message(&out).unwrap();
        prop_assert_eq!(m.stream_sid.as_deref(), Some(sid.as_str()));
        prop_assert_eq!(m.event, Outbound::Mark { name: name.clone() });
        write_dtmf(&sid, digit, &mut out);
        prop_assert_eq!(parse_outbound(&out).unwrap(), Outbound::Dtmf { digit: digit.to_string() });
        write_clear(&sid, &mut out);
        prop_assert_eq!(parse_outbound(&out).unwrap(), Outbound::Clear);
        write_media(&sid, &audio, &mut out);
        let Outbound::Media { payload } = parse_outbound(&out).unwrap() else {
            return Err(TestCaseError::fail("not media"));
        };
        let mut decoded = Vec::new();
        decode_payload(&payload, &mut decoded).unwrap();
        prop_assert_eq!(decoded, audio);
    }

    #[test]
    fn payload_decoding_never_keeps_stale_bytes(text in any::<String>()) {
        let mut out = vec![0xAA; 7];
        match decode_payload(&text, &mut out) {
            Ok(()) => prop_assert!(out.len() <= text.len()),
            Err(e) => {
                prop_assert!(out.is_empty());
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn custom_parameters_of_any_value_type_are_kept_as_text() {
    let e = parse_inbound(
        r#"{"event":"start","start":{"streamSid":"s","callSid":"c",
        "customParameters":{"n":5,"b":true,"z":null,"s":"x"}}}"#,
    )
    .unwrap()
    .event;
    let InboundEvent::Start(s) = e else { panic!() };
    let want: BTreeMap<String, String> = [("b", "true"), ("n", "5"), ("s", "x"), ("z", "")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(s.custom_parameters, want);
}
