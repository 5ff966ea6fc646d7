//! End-to-end checks: caller audio through `Upstream`, the Ogg bytes through `Downstream`.

use super::*;
use crate::codec::opus::{OpusEncoder, OPUS_RATE};
use crate::codec::WireFormat;
use crate::ogg::{OggOpusWriter, OggPacketReader};
use std::f64::consts::PI;

const MULAW: WireFormat = WireFormat::Mulaw8k;
const L16_16K: WireFormat = WireFormat::L16 { rate: 16000 };

fn sine(rate: u32, hz: f64, amplitude: f64, seconds: f64) -> Vec<i16> {
    let n = (rate as f64 * seconds) as usize;
    (0..n)
        .map(|i| (amplitude * (2.0 * PI * hz * i as f64 / rate as f64).sin()).round() as i16)
        .collect()
}

fn rms_db(x: &[i16]) -> f64 {
    let ms = x.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / x.len() as f64;
    10.0 * ms.max(1e-9).log10()
}

/// Power of `x` at `hz` (Goertzel).
fn goertzel(x: &[i16], rate: u32, hz: f64) -> f64 {
    let coeff = 2.0 * (2.0 * PI * hz / rate as f64).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &v in x {
        let s = v as f64 + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/// The strongest frequency in `x`, scanned in 5 Hz steps up to just below Nyquist.
fn dominant_hz(x: &[i16], rate: u32) -> f64 {
    let mut best = (0.0, 0.0);
    let mut hz = 50.0;
    while hz < rate as f64 / 2.0 - 50.0 {
        let p = goertzel(x, rate, hz);
        if p > best.1 {
            best = (hz, p);
        }
        hz += 5.0;
    }
    best.0
}

/// Runs `pcm` (at the wire rate) through Upstream in 20 ms frames; returns the Ogg bytes.
fn encode_call(format: WireFormat, pcm: &[i16]) -> Vec<u8> {
    let mut up = Upstream::new(format, 32_000).unwrap();
    let mut ogg = Vec::new();
    up.begin_stream(&mut ogg);
    let mut wire = Vec::new();
    for frame in pcm.chunks(format.frame_samples()) {
        wire.clear();
        format.encode_into(frame, &mut wire);
        up.push(&wire, &mut ogg).unwrap();
    }
    ogg
}

/// Runs Ogg bytes through Downstream in `piece`-byte messages; returns the decoded wire audio.
fn decode_call(format: WireFormat, ogg: &[u8], piece: usize) -> (Vec<i16>, DownstreamReport) {
    let mut down = Downstream::new(format).unwrap();
    let mut pcm = Vec::new();
    let mut total = DownstreamReport::default();
    for chunk in ogg.chunks(piece) {
        let r = down.push(chunk, |frame| {
            assert_eq!(frame.len(), format.frame_bytes());
            format.decode_into(frame, &mut pcm);
        });
        total.frames += r.frames;
        total.damaged_pages += r.damaged_pages;
        total.bad_packets += r.bad_packets;
    }
    (pcm, total)
}

fn check_tone(format: WireFormat, hz: f64) {
    let rate = format.sample_rate();
    let input = sine(rate, hz, 8000.0, 2.0);
    let ogg = encode_call(format, &input);
    let (output, report) = decode_call(format, &ogg, 777);
    assert_eq!(
        report,
        DownstreamReport {
            frames: 100,
            damaged_pages: 0,
            bad_packets: 0
        }
    );
    assert_eq!(output.len(), input.len());
    let steady = &output[rate as usize / 4..];
    let found = dominant_hz(steady, rate);
    assert!(
        (found - hz).abs() <= 10.0,
        "{format:?}: {hz} Hz came back as {found} Hz"
    );
    let diff = rms_db(steady) - rms_db(&input);
    assert!(
        diff.abs() < 3.0,
        "{format:?} {hz} Hz: level changed by {diff:.2} dB"
    );
}

#[test]
fn tones_survive_mulaw_round_trip() {
    check_tone(MULAW, 440.0);
    check_tone(MULAW, 1000.0);
}

#[test]
fn tones_survive_l16_round_trip() {
    check_tone(L16_16K, 440.0);
    check_tone(L16_16K, 1000.0);
    check_tone(WireFormat::L16 { rate: 24000 }, 1000.0);
}

#[test]
fn upstream_writes_a_stream_personaplex_accepts() {
    let ogg = encode_call(MULAW, &sine(8000, 300.0, 3000.0, 1.0));
    assert_eq!(ogg[5], 0x02, "first page must be BOS");
    let mut reader = OggPacketReader::new();
    reader.push(&ogg);
    let mut n = 0;
    let mut serial = None;
    while let Some(p) = reader.next_packet().expect("valid pages") {
        assert_eq!(p.bos, n == 0);
        assert_eq!(*serial.get_or_insert(p.serial), p.serial);
        match n {
            0 => assert!(p.data.starts_with(b"OpusHead")),
            1 => assert!(p.data.starts_with(b"OpusTags")),
            _ => assert_eq!(p.granule, (n as i64 - 1) * 960),
        }
        n += 1;
    }
    assert_eq!(n, 2 + 50);
    // Page sequence numbers 0, 1, 2, ... with one packet per audio page.
    let mut at = 0;
    let mut seq = 0u32;
    while at < ogg.len() {
        assert_eq!(&ogg[at + 18..at + 22], &seq.to_le_bytes());
        let nseg = ogg[at + 26] as usize;
        let body: usize = ogg[at + 27..at + 27 + nseg]
            .iter()
            .map(|&l| l as usize)
            .sum();
        at += 27 + nseg + body;
        seq += 1;
    }
}

#[test]
fn upstream_is_silent_before_begin_and_restarts_streams() {
    let mut up = Upstream::new(MULAW, 24_000).unwrap();
    let mut out = Vec::new();
    assert_eq!(up.push(&[0xFF; 160], &mut out).unwrap(), 0);
    assert!(out.is_empty());
    up.begin_stream(&mut out);
    let serial1 = out[14..18].to_vec();
    // Uneven pieces still give exactly one frame per 20 ms.
    let mut frames = 0;
    for piece in [1usize, 99, 60, 159, 1, 320] {
        frames += up.push(&vec![0xFF; piece], &mut out).unwrap();
    }
    assert_eq!(frames, 4);
    out.clear();
    up.begin_stream(&mut out);
    assert_eq!(out[5], 0x02);
    assert_eq!(&out[18..22], &[0, 0, 0, 0]);
    assert_ne!(
        out[14..18].to_vec(),
        serial1,
        "a new session needs a new serial"
    );
}

#[test]
fn l16_split_at_odd_byte_offsets() {
    let input = sine(16000, 1000.0, 8000.0, 1.0);
    let mut wire = Vec::new();
    L16_16K.encode_into(&input, &mut wire);
    let mut up = Upstream::new(L16_16K, 32_000).unwrap();
    let mut ogg = Vec::new();
    up.begin_stream(&mut ogg);
    let mut frames = 0;
    for chunk in wire.chunks(333) {
        frames += up.push(chunk, &mut ogg).unwrap();
    }
    assert_eq!(frames, 50);
    let (output, _) = decode_call(L16_16K, &ogg, 4096);
    let found = dominant_hz(&output[4000..], 16000);
    assert!(
        (found - 1000.0).abs() <= 10.0,
        "misaligned L16 decoded as {found} Hz"
    );
}

/// The agent's stream as sphn 0.1.12 writes it: serial 42, pre-skip 3840, granule in 24 kHz
/// units, one 80 ms packet per page, one page per WebSocket message.
fn sphn_stream(hz: f64, seconds: f64) -> Vec<Vec<u8>> {
    let pcm = sine(OPUS_RATE, hz, 8000.0, seconds);
    let mut enc = OpusEncoder::new(24_000).unwrap();
    let mut w = OggOpusWriter::new(42).with_pre_skip(3840);
    let mut messages = Vec::new();
    let mut head = Vec::new();
    w.write_headers(&mut head);
    let split = 28 + 19;
    messages.push(head[..split].to_vec());
    messages.push(head[split..].to_vec());
    for frame in pcm.chunks_exact(1920) {
        let mut page = Vec::new();
        w.write_packet(enc.encode(frame).unwrap(), 1920, &mut page);
        messages.push(page);
    }
    messages
}

#[test]
fn decodes_sphn_shaped_stream() {
    let messages = sphn_stream(1000.0, 2.0);
    assert_eq!(messages.len(), 2 + 25);
    let mut down = Downstream::new(MULAW).unwrap();
    let mut pcm = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let r = down.push(m, |f| MULAW.decode_into(f, &mut pcm));
        // Each 80 ms packet yields its four 20 ms frames at once.
        assert_eq!(r.frames, if i < 2 { 0 } else { 4 }, "message {i}");
    }
    assert_eq!(pcm.len(), 16000);
    let found = dominant_hz(&pcm[2000..], 8000);
    assert!((found - 1000.0).abs() <= 10.0, "{found}");
    let diff = rms_db(&pcm[2000..]) - rms_db(&sine(8000, 1000.0, 8000.0, 1.0));
    assert!(diff.abs() < 3.0, "level changed by {diff:.2} dB");

    // Newer sphn: all pages in one message, or pages split anywhere.
    let joined = messages.concat();
    let (pcm2, r) = decode_call(MULAW, &joined, joined.len());
    assert_eq!((r.frames, pcm2.len()), (100, 16000));
    let (_, r) = decode_call(L16_16K, &joined, 13);
    assert_eq!(r.frames, 100);
}

#[test]
fn damaged_page_is_counted_and_skipped() {
    let mut messages = sphn_stream(440.0, 1.0);
    let last = messages[5].len() - 1;
    messages[5][last] ^= 0x55; // break the CRC of the 4th audio page
    let (pcm, r) = decode_call(MULAW, &messages.concat(), 500);
    assert_eq!(r.damaged_pages, 1);
    assert_eq!(r.frames, 12 * 4 - 4);
    assert_eq!(pcm.len(), (12 - 1) * 640);
}

#[test]
fn reset_starts_a_new_session_cleanly() {
    let mut down = Downstream::new(MULAW).unwrap();
    let first = sphn_stream(440.0, 0.4).concat();
    // The first session dies mid-page.
    let r = down.push(&first[..first.len() - 30], |_| {});
    assert_eq!(r.frames, 4 * 4);
    down.reset();
    let mut count = 0;
    let r = down.push(&sphn_stream(440.0, 0.4).concat(), |_| count += 1);
    assert_eq!((r.frames, count, r.damaged_pages), (20, 20, 0));
}

#[test]
fn undecodable_packets_are_counted_not_fatal() {
    let mut w = OggOpusWriter::new(7);
    let mut ogg = Vec::new();
    w.write_headers(&mut ogg);
    w.write_packet(&[], 960, &mut ogg); // empty: libopus refuses it
    w.write_packet(&[0xFB, 0x3F], 960, &mut ogg); // claims 63 x 60 ms: invalid
    let mut state = 7u32;
    for len in [1usize, 3, 17, 200, 1000] {
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (state >> 16) as u8
            })
            .collect();
        w.write_packet(&junk, 960, &mut ogg);
    }
    let (_, r) = decode_call(MULAW, &ogg, 64);
    assert!(r.bad_packets >= 2, "{r:?}");
    assert_eq!(r.damaged_pages, 0);
}

#[test]
fn round_trip_delay_is_small() {
    // A click in silence: where it comes out tells the pipeline's algorithmic delay.
    let mut input = vec![0i16; 8000];
    for (i, s) in input[2000..2008].iter_mut().enumerate() {
        *s = if i % 2 == 0 { 20000 } else { -20000 };
    }
    let (output, _) = decode_call(MULAW, &encode_call(MULAW, &input), 1 << 16);
    let peak = output
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| s.unsigned_abs())
        .map(|(i, _)| i)
        .unwrap();
    let delay_ms = (peak as f64 - 2004.0) / 8.0;
    // Resampler 5 ms each way plus Opus' 6.5 ms lookahead.
    assert!(
        (12.0..22.0).contains(&delay_ms),
        "round-trip delay {delay_ms} ms"
    );
}
