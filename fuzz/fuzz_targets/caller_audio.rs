//! The caller's audio as SignalWire delivers it: any bytes, in messages of any size, through the
//! upstream pipeline (wire decode with odd L16 bytes carried over, resampling, Opus, Ogg). Pushes
//! never fail, and what comes out is an undamaged Ogg stream with one packet per 20 ms.
#![no_main]

use actors::codec::WireFormat;
use actors::ogg::OggPacketReader;
use actors::transcode::Upstream;
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
    let mut upstream = Upstream::new(format, 24_000).expect("pipeline");
    let mut ogg = Vec::new();
    // Audio before the session's handshake is dropped, not an error.
    assert_eq!(upstream.push(rest, &mut ogg).expect("push before begin"), 0);
    upstream.begin_stream(&mut ogg);
    let mut frames = 0;
    let mut bytes = 0;
    for msg in messages(rest) {
        frames += upstream.push(msg, &mut ogg).expect("push");
        bytes += msg.len();
    }
    // Whole 20 ms frames of what went in, less at most the resampler's delay and one frame.
    let samples = bytes / format.bytes_per_sample();
    assert!(frames <= samples / format.frame_samples() + 1);

    let mut reader = OggPacketReader::new();
    reader.push(&ogg);
    let mut packets = 0;
    while reader
        .next_packet()
        .expect("our own stream is not damaged")
        .is_some()
    {
        packets += 1;
    }
    assert_eq!(packets, frames + 2);
    assert_eq!(reader.buffered(), 0);
});
