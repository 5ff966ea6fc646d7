//! PersonaPlex's WebSocket messages (see `switchboard_fuzz::messages` for how the input is cut),
//! through the frame parser and, for audio, the whole downstream pipeline (Ogg, Opus, resampling,
//! wire encoding). Nothing may panic and every frame handed to the caller is exactly 20 ms.
#![no_main]

use actors::codec::WireFormat;
use actors::protocol::personaplex::{parse_server_frame, ServerFrame};
use actors::transcode::Downstream;
use libfuzzer_sys::fuzz_target;
use switchboard_fuzz::messages;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let format = match choice % 3 {
        0 => WireFormat::Mulaw8k,
        1 => WireFormat::L16 { rate: 16000 },
        _ => WireFormat::L16 { rate: 24000 },
    };
    let mut downstream = Downstream::new(format).expect("pipeline");
    let frame_bytes = format.frame_bytes();
    for msg in messages(rest) {
        match parse_server_frame(msg) {
            Ok(ServerFrame::Audio(ogg)) => {
                downstream.push(ogg, |frame| assert_eq!(frame.len(), frame_bytes));
            }
            Ok(ServerFrame::Text(text)) => assert_eq!(text.as_bytes(), &msg[1..]),
            Ok(ServerFrame::Handshake) => downstream.reset(),
            Ok(ServerFrame::Unknown(kind)) => assert!(kind > 2),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
