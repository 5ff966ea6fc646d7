//! Properties of the Ogg writer and reader together: whatever the packets and however the bytes
//! are cut into WebSocket messages, the reader gives back exactly what the writer framed; and
//! whatever damage is done to the bytes, it never hands out a corrupted packet or panics.

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

/// Packets of every interesting length: empty, below, at and across the 255-byte lacing steps,
/// and a few spanning pages.
fn packets() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let len = prop_oneof![
        4 => 0usize..300,
        2 => 250usize..1300,
        1 => Just(255usize),
        1 => Just(510usize),
        1 => 60_000usize..70_000,
    ];
    vec(len.prop_flat_map(|n| vec(any::<u8>(), n)), 0..12)
}

/// Sizes of the messages the stream is cut into (the last one takes what is left).
fn cuts() -> impl Strategy<Value = Vec<usize>> {
    vec(prop_oneof![1usize..8, 8usize..400, 400usize..5000], 0..40)
}

/// Writes the headers then `packets`, either one page per packet or packed several to a page.
fn write_stream(serial: u32, packets: &[Vec<u8>], packed: bool) -> Vec<u8> {
    let mut w = OggOpusWriter::new(serial);
    let mut out = Vec::new();
    w.write_headers(&mut out);
    if packed {
        let refs: Vec<&[u8]> = packets.iter().map(|p| &p[..]).collect();
        w.write_packets(&refs, 960, &mut out);
    } else {
        for p in packets {
            w.write_packet(p, 1920, &mut out);
        }
    }
    out
}

/// Feeds `bytes` cut at `cuts` and collects every packet and error, in order.
fn read_in_pieces(bytes: &[u8], cuts: &[usize]) -> (Vec<Vec<u8>>, Vec<OggError>, usize) {
    let mut r = OggPacketReader::new();
    let (mut packets, mut errors) = (Vec::new(), Vec::new());
    let mut rest = bytes;
    let mut cuts = cuts.iter();
    while !rest.is_empty() {
        let n = cuts.next().copied().unwrap_or(rest.len()).min(rest.len());
        let (now, later) = rest.split_at(n);
        r.push(now);
        rest = later;
        // Every call either makes progress or says it needs more bytes: bounded.
        let mut calls = 0;
        loop {
            calls += 1;
            assert!(calls < 1_000_000, "reader does not converge");
            match r.next_packet() {
                Ok(Some(p)) => {
                    assert!(p.data.len() <= 1 << 20, "packet over the reader's limit");
                    packets.push(p.data.to_vec());
                }
                Ok(None) => break,
                Err(e) => errors.push(e),
            }
        }
    }
    (packets, errors, r.buffered())
}

/// Offsets of the pages of a well-formed stream.
fn page_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        starts.push(at);
        let nseg = bytes[at + 26] as usize;
        let body: usize = bytes[at + 27..at + 27 + nseg]
            .iter()
            .map(|&l| l as usize)
            .sum();
        at += 27 + nseg + body;
    }
    starts
}

/// The `n`th header packet (`OpusHead`, `OpusTags`) of a clean stream.
fn got_header(clean: &[u8], n: usize) -> Vec<u8> {
    read_in_pieces(clean, &[]).0[n].clone()
}

/// Whether `sub` appears in `all` in order (not necessarily contiguously).
fn is_subsequence(sub: &[Vec<u8>], all: &[Vec<u8>]) -> bool {
    let mut it = all.iter();
    sub.iter().all(|p| it.any(|q| q == p))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn writer_output_reads_back_across_any_message_split(
        packets in packets(),
        cuts in cuts(),
        packed in any::<bool>(),
        serial in any::<u32>(),
    ) {
        let bytes = write_stream(serial, &packets, packed);
        let (got, errors, left) = read_in_pieces(&bytes, &cuts);
        prop_assert!(errors.is_empty(), "{errors:?}");
        prop_assert_eq!(left, 0);
        prop_assert_eq!(got.len(), packets.len() + 2);
        prop_assert!(got[0].starts_with(b"OpusHead") && got[1].starts_with(b"OpusTags"));
        prop_assert!(got[2..] == packets[..]);
    }

    #[test]
    fn damage_never_yields_a_corrupted_packet(
        packets in vec(vec(any::<u8>(), 0..600), 1..10),
        flips in vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
        cuts in cuts(),
    ) {
        let clean = write_stream(7, &packets, false);
        let mut bytes = clean.clone();
        for (at, mask) in &flips {
            bytes[at.index(clean.len())] ^= mask;
        }
        let (got, errors, left) = read_in_pieces(&bytes, &cuts);
        // The CRC covers every byte of a page, so a damaged page is dropped whole.
        let originals: Vec<Vec<u8>> = {
            let (p, _, _) = read_in_pieces(&clean, &[]);
            p
        };
        prop_assert!(is_subsequence(&got, &originals), "a packet was altered or invented");
        // Damage is reported, unless it made the last page claim more bytes than were sent, in
        // which case the reader is still waiting for them.
        prop_assert!(!errors.is_empty() || left > 0, "damage went unnoticed");
    }

    #[test]
    fn damage_costs_only_the_damaged_page(
        packets in vec(vec(any::<u8>(), 0..600), 2..10),
        page in any::<prop::sample::Index>(),
        byte in any::<prop::sample::Index>(),
        mask in 1u8..=255,
        in_header in any::<bool>(),
        cuts in cuts(),
    ) {
        // One packet per page: headers are pages 0 and 1, packet i is on page i + 2.
        let clean = write_stream(7, &packets, false);
        let starts = page_starts(&clean);
        let hit = page.index(starts.len());
        let end = starts.get(hit + 1).copied().unwrap_or(clean.len());
        // Half the time the header or segment table: damaged lengths are the hard case.
        let header = 27 + clean[starts[hit] + 26] as usize;
        let span = if in_header { header } else { end - starts[hit] };
        let mut bytes = clean.clone();
        bytes[starts[hit] + byte.index(span)] ^= mask;
        let (got, errors, left) = read_in_pieces(&bytes, &cuts);
        let mut want = vec![got_header(&clean, 0), got_header(&clean, 1)];
        want.extend(packets.iter().cloned());
        want.remove(hit);
        prop_assert!(got == want, "lost more than page {hit} of {}", starts.len());
        // Only a damaged last page may leave bytes waiting (its true length is unknowable).
        if hit + 1 < starts.len() {
            prop_assert_eq!(left, 0);
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in vec(any::<u8>(), 0..4000),
        patterns in vec(any::<prop::sample::Index>(), 0..12),
        cuts in cuts(),
    ) {
        let mut bytes = bytes;
        // Plant capture patterns so that header parsing is reached, not only the garbage skip.
        for at in patterns {
            if bytes.len() >= 4 {
                let i = at.index(bytes.len() - 3);
                bytes[i..i + 4].copy_from_slice(CAPTURE_PATTERN);
            }
        }
        let (_, _, left) = read_in_pieces(&bytes, &cuts);
        // What is kept can only be the start of a page still being received.
        prop_assert!(left <= bytes.len());
    }
}
