//! PersonaPlex's Ogg byte stream, damaged any way and cut into messages of any size (the first
//! input byte picks the size): the reader must never panic, always come to rest, never hand out a
//! packet over its limit, and keep no more than one page's worth of bytes waiting.
#![no_main]

use actors::ogg::OggPacketReader;
use libfuzzer_sys::fuzz_target;

/// A page is at most 27 + 255 + 255 * 255 bytes.
const MAX_PAGE: usize = 27 + 255 + 255 * 255;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, stream)) = data.split_first() else {
        return;
    };
    let mut reader = OggPacketReader::new();
    for piece in stream.chunks(cut as usize + 1) {
        reader.push(piece);
        let mut calls = 0;
        loop {
            calls += 1;
            assert!(calls < 1_000_000, "reader does not come to rest");
            match reader.next_packet() {
                Ok(Some(packet)) => assert!(packet.data.len() <= 1 << 20),
                Ok(None) => break,
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
        assert!(
            reader.buffered() < MAX_PAGE,
            "{} bytes held",
            reader.buffered()
        );
    }
});
