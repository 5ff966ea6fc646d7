//! SignalWire media-stream messages, as the media session handles them: parse, then act on the
//! event (format of `start`, base64 of `media`). Every message we can represent must survive our
//! own writer unchanged, and the simulator's parser of our replies must hold up too.
#![no_main]

use actors::protocol::signalwire::{
    decode_payload, parse_inbound, parse_outbound_message, write_start, InboundEvent,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_inbound(&text) {
        Ok(inbound) => match inbound.event {
            InboundEvent::Start(start) => {
                let _ = start.media_format.wire_format();
                let mut out = String::new();
                write_start(inbound.sequence_number.unwrap_or(0), &start, &mut out);
                let again = parse_inbound(&out).expect("our own start parses");
                assert_eq!(again.event, InboundEvent::Start(start));
            }
            InboundEvent::Media(media) => {
                let mut audio = Vec::new();
                if decode_payload(&media.payload, &mut audio).is_err() {
                    assert!(audio.is_empty(), "a refused payload left bytes behind");
                }
            }
            _ => {}
        },
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    if let Err(e) = parse_outbound_message(&text) {
        assert!(!e.to_string().is_empty());
    }
});
