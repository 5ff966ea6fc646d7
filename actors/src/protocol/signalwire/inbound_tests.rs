//! Tests of [`super::parse_inbound`] against the examples and traps of `docs/signalwire.md` §3.

use super::*;

fn event(text: &str) -> InboundEvent {
    parse_inbound(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .event
}

#[test]
fn connected_from_the_spec() {
    let m = parse_inbound(r#"{"event":"connected","protocol":"Call","version":"0.2.0"}"#).unwrap();
    assert_eq!(m.sequence_number, None);
    assert_eq!(
        m.event,
        InboundEvent::Connected {
            protocol: Some("Call".into()),
            version: Some("0.2.0".into())
        }
    );
}

#[test]
fn start_from_the_spec() {
    let m = parse_inbound(
        r#"{"event":"start","sequenceNumber":"1","start":{"streamSid":"7d56","accountSid":"b08d",
        "callSid":"76ac","tracks":["inbound"],"customParameters":{"caller":"+1555"},
        "mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}"#,
    )
    .unwrap();
    assert_eq!(m.sequence_number, Some(1));
    let InboundEvent::Start(s) = m.event else {
        panic!("not start: {:?}", m.event)
    };
    assert_eq!(s.stream_sid, "7d56");
    assert_eq!(s.account_sid.as_deref(), Some("b08d"));
    assert_eq!(s.call_sid, "76ac");
    assert_eq!(s.tracks, vec!["inbound".to_string()]);
    assert_eq!(
        s.custom_parameters.get("caller").map(String::as_str),
        Some("+1555")
    );
    assert_eq!(s.media_format, MediaFormat::pcmu());
}

#[test]
fn start_without_custom_parameters_or_account_and_with_unknown_fields() {
    let e = event(
        r#"{"event":"start","sequenceNumber":2,"extra":{"x":[1,2]},"start":{"streamSid":"s",
        "callSid":"c","future":true,"mediaFormat":{"encoding":"audio/x-L16","sampleRate":"16000",
        "channels":"1","bitDepth":16}}}"#,
    );
    let InboundEvent::Start(s) = e else { panic!() };
    assert!(s.custom_parameters.is_empty());
    assert!(s.tracks.is_empty());
    assert_eq!(s.account_sid, None);
    assert_eq!(
        s.media_format.wire_format().unwrap(),
        crate::codec::WireFormat::L16 { rate: 16000 }
    );
}

#[test]
fn start_with_null_custom_parameters_and_l16_24k() {
    let e = event(
        r#"{"event":"start","start":{"streamSid":"s","callSid":"c","customParameters":null,
        "mediaFormat":{"encoding":"audio/x-L16","sampleRate":24000,"channels":1}}}"#,
    );
    let InboundEvent::Start(s) = e else { panic!() };
    assert!(s.custom_parameters.is_empty());
    assert_eq!(
        s.media_format.wire_format().unwrap(),
        crate::codec::WireFormat::L16 { rate: 24000 }
    );
}

#[test]
fn start_takes_the_top_level_stream_sid_twilio_style() {
    let e = event(r#"{"event":"start","streamSid":"top","start":{"callSid":"c"}}"#);
    let InboundEvent::Start(s) = e else { panic!() };
    assert_eq!(s.stream_sid, "top");
    assert_eq!(s.media_format, MediaFormat::pcmu());
}

#[test]
fn start_missing_call_sid_or_stream_sid_is_a_clear_error() {
    let err = parse_inbound(r#"{"event":"start","start":{"streamSid":"s"}}"#).unwrap_err();
    assert!(err.to_string().contains("start.callSid"), "{err}");
    let err = parse_inbound(r#"{"event":"start","start":{"callSid":"c"}}"#).unwrap_err();
    assert!(err.to_string().contains("start.streamSid"), "{err}");
    let err = parse_inbound(r#"{"event":"start"}"#).unwrap_err();
    assert!(matches!(
        err,
        ProtocolError::MissingField {
            event: "start",
            field: "start"
        }
    ));
}

#[test]
fn media_from_the_spec_with_numbers_as_strings_and_no_stream_sid() {
    let m = parse_inbound(
        r#"{"event":"media","sequenceNumber":"42","media":{"track":"inbound","chunk":"41",
        "timestamp":"800","payload":"/w=="}}"#,
    )
    .unwrap();
    assert_eq!(m.sequence_number, Some(42));
    assert_eq!(
        m.event,
        InboundEvent::Media(MediaChunk {
            track: Some("inbound".into()),
            chunk: Some(41),
            timestamp: Some(800),
            payload: "/w==".into(),
        })
    );
}

#[test]
fn media_with_numbers_as_numbers_and_twilio_stream_sid() {
    let e = event(
        r#"{"event":"media","sequenceNumber":3,"streamSid":"MZ1","media":{"track":"inbound",
        "chunk":2,"timestamp":40,"payload":"AAAA"}}"#,
    );
    let InboundEvent::Media(c) = e else { panic!() };
    assert_eq!((c.chunk, c.timestamp), (Some(2), Some(40)));
}

#[test]
fn media_without_payload_is_an_error() {
    let err = parse_inbound(r#"{"event":"media","media":{"chunk":"1"}}"#).unwrap_err();
    assert!(err.to_string().contains("media.payload"), "{err}");
}

#[test]
fn dtmf_mark_and_stop_from_the_spec() {
    assert_eq!(
        event(
            r#"{"event":"dtmf","sequenceNumber":"123","streamSid":"x","dtmf":{"digit":"5","duration":2000}}"#
        ),
        InboundEvent::Dtmf {
            digit: '5',
            duration_ms: Some(2000)
        }
    );
    assert_eq!(
        event(r#"{"event":"dtmf","dtmf":{"digit":7,"duration":"150"}}"#),
        InboundEvent::Dtmf {
            digit: '7',
            duration_ms: Some(150)
        }
    );
    assert_eq!(
        event(r#"{"event":"mark","streamSid":"x","mark":{"name":"utt-17"}}"#),
        InboundEvent::Mark {
            name: "utt-17".into()
        }
    );
    let stop = parse_inbound(r#"{"event":"stop","sequenceNumber":"999"}"#).unwrap();
    assert_eq!(
        (stop.sequence_number, stop.event),
        (Some(999), InboundEvent::Stop)
    );
}

#[test]
fn stop_with_twilio_payload_still_parses() {
    assert_eq!(
        event(r#"{"event":"stop","streamSid":"x","stop":{"accountSid":"a","callSid":"c"}}"#),
        InboundEvent::Stop
    );
}

#[test]
fn unknown_events_are_kept_by_name() {
    assert_eq!(
        event(r#"{"event":"futureThing","sequenceNumber":"5","payload":{"a":1}}"#),
        InboundEvent::Unknown {
            event: "futureThing".into()
        }
    );
}

#[test]
fn errors_for_bad_input_say_what_is_wrong() {
    assert!(matches!(
        parse_inbound("{not json"),
        Err(ProtocolError::InvalidJson(_))
    ));
    assert!(matches!(
        parse_inbound(""),
        Err(ProtocolError::InvalidJson(_))
    ));
    assert!(matches!(
        parse_inbound(r#"{"sequenceNumber":"1"}"#),
        Err(ProtocolError::MissingEvent)
    ));
    assert!(matches!(
        parse_inbound("[1,2]"),
        Err(ProtocolError::Malformed(_))
    ));
    let err = parse_inbound(r#"{"event":"media","sequenceNumber":"abc","media":{"payload":""}}"#)
        .unwrap_err();
    assert!(matches!(err, ProtocolError::Malformed(_)), "{err}");
    // Found by `any_json_is_parsed_or_refused_with_a_message`: serde_json calls an over-long
    // array "trailing characters", a syntax error, although the text is valid JSON.
    assert!(matches!(
        parse_inbound(r#"{"dtmf":[null,"0",null]}"#),
        Err(ProtocolError::Malformed(_))
    ));
    assert!(parse_inbound(r#"{"event":"mark","mark":{}}"#)
        .unwrap_err()
        .to_string()
        .contains("mark.name"));
}

#[test]
fn decode_payload_reuses_the_buffer() {
    let mut buf = vec![9, 9, 9, 9, 9];
    decode_payload("AAEC/w==", &mut buf).unwrap();
    assert_eq!(buf, [0, 1, 2, 255]);
    decode_payload("AAEC/w", &mut buf).unwrap();
    assert_eq!(buf, [0, 1, 2, 255], "missing padding is tolerated");
    decode_payload("", &mut buf).unwrap();
    assert!(buf.is_empty());
}

#[test]
fn decode_payload_rejects_bad_base64() {
    let mut buf = vec![1];
    for bad in ["***", "AA AA", "AA-_", "A"] {
        assert!(
            matches!(decode_payload(bad, &mut buf), Err(ProtocolError::Base64(_))),
            "{bad}"
        );
        assert!(buf.is_empty());
    }
}

#[test]
fn dtmf_keys_are_the_phone_pad_and_nothing_else() {
    for key in "0123456789*#ABCD".chars() {
        assert_eq!(dtmf_key(&key.to_string()), Some(key));
    }
    for bad in ["", "12", "a", "E", " 1", "1 ", "١", "**", "\u{0}"] {
        assert_eq!(dtmf_key(bad), None, "{bad:?}");
    }
}

#[test]
fn a_dtmf_digit_that_is_not_a_key_is_refused_without_echoing_it() {
    let digit = "9".repeat(50_000);
    let text = format!(r#"{{"event":"dtmf","dtmf":{{"digit":"{digit}"}}}}"#);
    let err = parse_inbound(&text).unwrap_err();
    assert!(
        matches!(err, ProtocolError::InvalidDtmf { bytes: 50_000 }),
        "{err}"
    );
    let said = err.to_string();
    assert!(said.len() < 80 && !said.contains("99"), "{said}");
}
