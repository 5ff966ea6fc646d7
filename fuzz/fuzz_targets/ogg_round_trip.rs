//! Any packets, framed by our writer and cut into any messages, read back exactly.
#![no_main]

use actors::ogg::{OggOpusWriter, OggPacketReader};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    serial: u32,
    packed: bool,
    packets: Vec<Vec<u8>>,
    /// Sizes of the messages the stream is cut into, cycled.
    cuts: Vec<u16>,
}

fuzz_target!(|input: Input| {
    let mut writer = OggOpusWriter::new(input.serial);
    let mut bytes = Vec::new();
    writer.write_headers(&mut bytes);
    if input.packed {
        let refs: Vec<&[u8]> = input.packets.iter().map(|p| &p[..]).collect();
        writer.write_packets(&refs, 960, &mut bytes);
    } else {
        for p in &input.packets {
            writer.write_packet(p, 960, &mut bytes);
        }
    }

    let mut reader = OggPacketReader::new();
    let mut got: Vec<Vec<u8>> = Vec::new();
    let mut rest = &bytes[..];
    let mut cuts = input.cuts.iter().map(|&c| c as usize + 1).cycle();
    while !rest.is_empty() {
        let n = cuts.next().unwrap_or(rest.len()).min(rest.len());
        let (now, later) = rest.split_at(n);
        reader.push(now);
        rest = later;
        while let Some(p) = reader.next_packet().expect("our own stream is not damaged") {
            got.push(p.data.to_vec());
        }
    }
    assert_eq!(reader.buffered(), 0);
    assert_eq!(got.len(), input.packets.len() + 2);
    assert!(got[2..] == input.packets[..], "packets differ");
});
