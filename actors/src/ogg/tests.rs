//! Writer layout and reader robustness, checked against each other and against hand-built bytes.

use super::*;

/// Deterministic noise for the tests (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Splits well-formed writer output into pages using the header lengths.
fn split_pages(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let nseg = bytes[26] as usize;
        let body: usize = bytes[27..27 + nseg].iter().map(|&l| l as usize).sum();
        let (page, rest) = bytes.split_at(27 + nseg + body);
        out.push(page);
        bytes = rest;
    }
    out
}

fn lacing(page: &[u8]) -> &[u8] {
    &page[27..27 + page[26] as usize]
}

fn granule(page: &[u8]) -> u64 {
    u64::from_le_bytes(page[6..14].try_into().unwrap())
}

fn crc_ok(page: &[u8]) -> bool {
    let mut copy = page.to_vec();
    copy[22..26].fill(0);
    crc32(&copy).to_le_bytes() == page[22..26]
}

/// Reads everything currently available: the packets and the errors, in order.
fn drain(r: &mut OggPacketReader, packets: &mut Vec<Vec<u8>>, errors: &mut Vec<OggError>) {
    for _ in 0..100_000 {
        match r.next_packet() {
            Ok(Some(p)) => packets.push(p.data.to_vec()),
            Ok(None) => return,
            Err(e) => errors.push(e),
        }
    }
    panic!("reader does not converge");
}

fn read_all(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<OggError>) {
    let mut r = OggPacketReader::new();
    let (mut p, mut e) = (Vec::new(), Vec::new());
    r.push(bytes);
    drain(&mut r, &mut p, &mut e);
    (p, e)
}

/// Headers plus `n` audio packets of assorted lengths (0..=700), one page each.
fn sample_stream(n: usize, seed: u64) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut rng = Rng(seed);
    let mut w = OggOpusWriter::new(0xDEAD_BEEF);
    let mut out = Vec::new();
    w.write_headers(&mut out);
    let mut packets = Vec::new();
    for i in 0..n {
        let len = match i % 5 {
            0 => 255,
            1 => 600,
            _ => rng.below(701),
        };
        let p = rng.bytes(len);
        w.write_packet(&p, 960, &mut out);
        packets.push(p);
    }
    (out, packets)
}

/// Asserts that `got` is the two Opus header packets followed by `packets`.
fn assert_stream(got: &[Vec<u8>], packets: &[Vec<u8>]) {
    assert_eq!(got.len(), packets.len() + 2);
    assert!(got[0].starts_with(b"OpusHead") && got[1].starts_with(b"OpusTags"));
    assert_eq!(&got[2..], packets);
}

#[test]
fn writer_page_layout() {
    let mut w = OggOpusWriter::new(0x0102_0304);
    let mut out = Vec::new();
    w.write_headers(&mut out);
    w.write_packet(&[7; 100], 960, &mut out);
    w.write_packet(&[8; 600], 960, &mut out);
    w.write_packet(&[9; 255], 1920, &mut out);
    let pages = split_pages(&out);
    assert_eq!(pages.len(), 5);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(&page[..4], b"OggS");
        assert_eq!(page[4], 0, "version");
        assert_eq!(
            page[5],
            if i == 0 { FLAG_BOS } else { 0 },
            "header type of page {i}"
        );
        assert_eq!(&page[14..18], &0x0102_0304u32.to_le_bytes());
        assert_eq!(&page[18..22], &(i as u32).to_le_bytes(), "sequence");
        assert!(crc_ok(page), "CRC of page {i}");
    }
    let granules: Vec<u64> = pages.iter().map(|p| granule(p)).collect();
    assert_eq!(granules, vec![0, 0, 960, 1920, 3840]);
    assert_eq!(lacing(pages[2]), &[100]);
    assert_eq!(lacing(pages[3]), &[255, 255, 90]);
    assert_eq!(lacing(pages[4]), &[255, 0]);
    assert_eq!(&pages[3][30..], &[8; 600][..]);
    assert_eq!(w.next_sequence(), 5);
}

#[test]
fn opus_head_and_tags_bytes() {
    let mut out = Vec::new();
    OggOpusWriter::new(1).write_headers(&mut out);
    let pages = split_pages(&out);
    assert_eq!(lacing(pages[0]), &[19]);
    let head = &pages[0][28..];
    let mut expect = b"OpusHead".to_vec();
    expect.extend_from_slice(&[1, 1, 0x38, 0x01, 0xC0, 0x5D, 0, 0, 0, 0, 0]);
    assert_eq!(head, &expect[..]);
    let tags = &pages[1][28..];
    let mut expect = b"OpusTags".to_vec();
    expect.extend_from_slice(&[11, 0, 0, 0]);
    expect.extend_from_slice(b"switchboard");
    expect.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(tags, &expect[..]);
    assert!(is_opus_header(head) && is_opus_header(tags));
    assert!(!is_opus_header(&[0x78, 1, 2]));

    let mut out = Vec::new();
    OggOpusWriter::new(42)
        .with_pre_skip(3840)
        .write_headers(&mut out);
    assert_eq!(&out[28 + 10..28 + 12], &3840u16.to_le_bytes());
}

#[test]
fn packet_spanning_pages_sets_continued_flag() {
    let mut w = OggOpusWriter::new(5);
    let mut out = Vec::new();
    let small: Vec<Vec<u8>> = (0..254).map(|i| vec![i as u8; 10]).collect();
    let big: Vec<u8> = (0..600).map(|i| (i % 251) as u8).collect();
    let mut all: Vec<&[u8]> = small.iter().map(|p| &p[..]).collect();
    all.push(&big);
    w.write_packets(&all, 960, &mut out);
    let pages = split_pages(&out);
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0][5], 0);
    assert_eq!(lacing(pages[0]).len(), 255);
    assert_eq!(granule(pages[0]), 254 * 960);
    assert_eq!(pages[1][5], FLAG_CONTINUED);
    assert_eq!(lacing(pages[1]), &[255, 90]);
    assert_eq!(granule(pages[1]), 255 * 960);

    let (packets, errors) = read_all(&out);
    assert!(errors.is_empty());
    assert_eq!(packets.len(), 255);
    assert_eq!(packets[254], big);

    // A packet too big for one page: the first page ends no packet, so its granule is -1.
    let mut out = Vec::new();
    let huge: Vec<u8> = (0..70_000u32).map(|i| (i % 253) as u8).collect();
    OggOpusWriter::new(6).write_packet(&huge, 960, &mut out);
    let pages = split_pages(&out);
    assert_eq!(pages.len(), 2);
    assert_eq!(granule(pages[0]), u64::MAX);
    assert_eq!(pages[1][5], FLAG_CONTINUED);
    let (packets, _) = read_all(&out);
    assert_eq!(packets, vec![huge]);
}

#[test]
fn reader_round_trip_and_metadata() {
    let (bytes, packets) = sample_stream(40, 1);
    let mut r = OggPacketReader::new();
    r.push(&bytes);
    let first = r.next_packet().unwrap().unwrap();
    assert!(first.bos && first.serial == 0xDEAD_BEEF && first.granule == 0);
    assert!(first.data.starts_with(b"OpusHead"));
    assert!(!r.next_packet().unwrap().unwrap().bos);
    let third = r.next_packet().unwrap().unwrap();
    assert_eq!((third.granule, third.data), (960, &packets[0][..]));
    let (got, errors) = read_all(&bytes);
    assert!(errors.is_empty());
    assert_eq!(got[2..], packets[..]);
}

#[test]
fn reader_handles_every_split_point() {
    let (bytes, packets) = sample_stream(6, 2);
    for cut in 0..=bytes.len() {
        let mut r = OggPacketReader::new();
        let (mut got, mut errors) = (Vec::new(), Vec::new());
        r.push(&bytes[..cut]);
        drain(&mut r, &mut got, &mut errors);
        r.push(&bytes[cut..]);
        drain(&mut r, &mut got, &mut errors);
        assert!(errors.is_empty(), "cut {cut}: {errors:?}");
        assert_eq!(got[2..], packets[..], "cut {cut}");
    }
    // And one byte at a time.
    let mut r = OggPacketReader::new();
    let (mut got, mut errors) = (Vec::new(), Vec::new());
    for b in &bytes {
        r.push(std::slice::from_ref(b));
        drain(&mut r, &mut got, &mut errors);
    }
    assert!(errors.is_empty());
    assert_stream(&got, &packets);
    assert_eq!(r.buffered(), 0);
}

#[test]
fn several_packets_per_page() {
    let mut w = OggOpusWriter::new(9);
    let mut out = Vec::new();
    w.write_headers(&mut out);
    let packets: Vec<Vec<u8>> = vec![vec![1; 3], vec![2; 255], vec![], vec![4; 600], vec![5; 1]];
    let refs: Vec<&[u8]> = packets.iter().map(|p| &p[..]).collect();
    w.write_packets(&refs, 960, &mut out);
    assert_eq!(split_pages(&out).len(), 3);
    let (got, errors) = read_all(&out);
    assert!(errors.is_empty());
    assert_stream(&got, &packets);
}

#[test]
fn bad_crc_is_reported_once_and_reading_resumes() {
    let (mut bytes, packets) = sample_stream(10, 3);
    let offsets: Vec<usize> = split_pages(&bytes)
        .iter()
        .scan(0, |at, p| {
            let start = *at;
            *at += p.len();
            Some(start)
        })
        .collect();
    // Damage the body of the 4th audio page (page index 5, packet index 3).
    let at = offsets[5] + 28;
    bytes[at] ^= 0x40;
    let (got, errors) = read_all(&bytes);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(matches!(errors[0], OggError::BadCrc { .. }));
    let mut expect = packets.clone();
    expect.remove(3);
    assert_eq!(got[2..], expect[..]);

    // A broken capture pattern is damage too.
    let (mut bytes, packets) = sample_stream(10, 3);
    bytes[offsets[4] + 3] = b'X';
    let (got, errors) = read_all(&bytes);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], OggError::Garbage { .. }));
    assert_eq!(got.len(), 2 + 9);
    assert_eq!(got[2..4], packets[..2]);
    assert_eq!(got[4..], packets[3..]);

    // A version byte other than 0.
    let (mut bytes, _) = sample_stream(4, 3);
    bytes[offsets[3] + 4] = 1;
    let (got, errors) = read_all(&bytes);
    assert_eq!(errors, vec![OggError::BadVersion(1)]);
    assert_eq!(got.len(), 2 + 3);
}

#[test]
fn garbage_before_first_page() {
    let (bytes, packets) = sample_stream(5, 4);
    let mut stream = Rng(99).bytes(1000);
    assert!(!stream.windows(4).any(|w| w == b"OggS"));
    stream.extend_from_slice(b"OggOgOgg"); // near-misses of the capture pattern
    stream.extend_from_slice(&bytes);
    let (got, errors) = read_all(&stream);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], OggError::Garbage { skipped: 1008 }));
    assert_stream(&got, &packets);
}

#[test]
fn lost_page_drops_the_partial_packet() {
    let mut w = OggOpusWriter::new(3);
    let mut out = Vec::new();
    let huge = vec![0xAB; 70_000];
    w.write_packet(&[1; 10], 960, &mut out);
    w.write_packet(&huge, 960, &mut out);
    w.write_packet(&[2; 20], 960, &mut out);
    let p = split_pages(&out);
    assert_eq!(p.len(), 4);
    // Lose the page that finishes the big packet.
    let stream = [p[0], p[1], p[3]].concat();
    let (got, errors) = read_all(&stream);
    assert!(errors.is_empty());
    assert_eq!(got, vec![vec![1; 10], vec![2; 20]]);
    // Join late, on the continuation page: its leading fragment is not a packet.
    let stream = [p[2], p[3]].concat();
    let (got, _) = read_all(&stream);
    assert_eq!(got, vec![vec![2; 20]]);
}

#[test]
fn reset_forgets_partial_state() {
    let (bytes, packets) = sample_stream(3, 5);
    let mut r = OggPacketReader::new();
    r.push(&bytes[..bytes.len() - 7]);
    r.reset();
    let (mut got, mut errors) = (Vec::new(), Vec::new());
    r.push(&bytes);
    drain(&mut r, &mut got, &mut errors);
    assert!(errors.is_empty());
    assert_stream(&got, &packets);
}

#[test]
fn random_input_never_panics() {
    let mut rng = Rng(0x5EED);
    let (valid, _) = sample_stream(20, 6);
    for round in 0..300 {
        let mut stream = if round % 2 == 0 {
            let n = rng.below(5000);
            let mut s = rng.bytes(n);
            // Sprinkle capture patterns so that header parsing is exercised too.
            for _ in 0..rng.below(20) {
                let at = rng.below(s.len().max(1));
                if at + 4 <= s.len() {
                    s[at..at + 4].copy_from_slice(b"OggS");
                }
            }
            s
        } else {
            valid.clone()
        };
        // Mutate: flips, truncation, duplication.
        for _ in 0..rng.below(10) {
            let at = rng.below(stream.len());
            stream[at] ^= 1 << rng.below(8);
        }
        if rng.below(3) == 0 {
            let cut = rng.below(stream.len());
            let copy = stream[cut..].to_vec();
            stream.extend_from_slice(&copy);
        }
        let mut r = OggPacketReader::new();
        let (mut got, mut errors) = (Vec::new(), Vec::new());
        let mut rest = &stream[..];
        while !rest.is_empty() {
            let (now, later) = rest.split_at(rng.below(rest.len()) + 1);
            r.push(now);
            drain(&mut r, &mut got, &mut errors);
            rest = later;
        }
    }
}

/// Found by `damage_costs_only_the_damaged_page`: a page whose damaged segment count claimed more
/// bytes than the rest of the stream made the reader wait for them (up to 64 KiB, over 20 s of
/// PersonaPlex audio), holding back every good page behind it.
#[test]
fn overlong_page_does_not_hold_back_the_pages_after_it() {
    let (mut bytes, packets) = sample_stream(6, 7);
    let offsets: Vec<usize> = split_pages(&bytes)
        .iter()
        .scan(0, |at, p| {
            let start = *at;
            *at += p.len();
            Some(start)
        })
        .collect();
    // The segment count of the second-to-last page (packet 4) now claims 255 lacing values.
    bytes[offsets[6] + 26] = 255;
    let mut r = OggPacketReader::new();
    let (mut got, mut errors) = (Vec::new(), Vec::new());
    r.push(&bytes);
    drain(&mut r, &mut got, &mut errors);
    assert_eq!(errors, vec![OggError::Overlong]);
    let mut expect = packets.clone();
    expect.remove(4);
    assert_stream(&got, &expect);
    assert_eq!(r.buffered(), 0);

    // A page that is merely incomplete, with nothing good after it, is still waited for.
    let (bytes, packets) = sample_stream(3, 8);
    let mut r = OggPacketReader::new();
    let (mut got, mut errors) = (Vec::new(), Vec::new());
    r.push(&bytes[..bytes.len() - 5]);
    drain(&mut r, &mut got, &mut errors);
    assert!(errors.is_empty());
    assert_eq!(got.len(), 2 + 2);
    r.push(&bytes[bytes.len() - 5..]);
    drain(&mut r, &mut got, &mut errors);
    assert!(errors.is_empty());
    assert_stream(&got, &packets);
}
