//! Property of the upstream pipeline: the Opus packets PersonaPlex receives depend only on the
//! caller's audio, not on how SignalWire cut it into media messages (odd L16 bytes included).

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;
use crate::codec::WireFormat;
use crate::ogg::OggPacketReader;

/// Pushes `wire` in pieces of the given sizes; returns the Opus packets of the resulting stream.
fn packets(format: WireFormat, wire: &[u8], pieces: &[usize]) -> Vec<Vec<u8>> {
    let mut up = Upstream::new(format, 24_000).unwrap();
    let mut ogg = Vec::new();
    up.begin_stream(&mut ogg);
    let mut rest = wire;
    let mut sizes = pieces.iter().cycle();
    while !rest.is_empty() {
        let n = (*sizes.next().unwrap()).clamp(1, rest.len());
        let (now, later) = rest.split_at(n);
        up.push(now, &mut ogg).unwrap();
        rest = later;
    }
    let mut reader = OggPacketReader::new();
    reader.push(&ogg);
    let mut out = Vec::new();
    while let Some(p) = reader.next_packet().unwrap() {
        out.push(p.data.to_vec());
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn packets_do_not_depend_on_message_boundaries(
        l16 in any::<bool>(),
        wire in vec(any::<u8>(), 0..6000),
        pieces in vec(1usize..700, 1..8),
    ) {
        let format = if l16 { WireFormat::L16 { rate: 16000 } } else { WireFormat::Mulaw8k };
        let whole = packets(format, &wire, &[usize::MAX]);
        let split = packets(format, &wire, &pieces);
        prop_assert_eq!(split, whole);
    }
}
