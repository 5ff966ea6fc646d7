//! Unit tests of [`decode_wav`](super::decode_wav): files written by hound (an independent
//! writer), the placeholder sizes of streaming writers, real `espeak-ng --stdout` output, and
//! garbage. Kept beside wav.rs so that file stays about the parser.

use std::process::Command;

use super::decode_wav;
use crate::speech::SpeechError;

/// RMS level in dBFS.
fn rms_dbfs(pcm: &[i16]) -> f64 {
    let mean_square =
        pcm.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / pcm.len().max(1) as f64;
    20.0 * (mean_square.sqrt() / 32768.0).log10()
}

fn hound_wav<S: hound::Sample + Copy>(spec: hound::WavSpec, samples: &[S]) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for &s in samples {
        writer.write_sample(s).unwrap();
    }
    writer.finalize().unwrap();
    cursor.into_inner()
}

fn spec(channels: u16, rate: u32, bits: u16, format: hound::SampleFormat) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: format,
    }
}

fn decode_err(bytes: &[u8]) -> String {
    match decode_wav(bytes) {
        Ok((rate, pcm)) => panic!("decoded {} samples at {rate} Hz from a bad file", pcm.len()),
        Err(e) => {
            assert!(matches!(e, SpeechError::BadWav(_)), "{e:?}");
            e.to_string()
        }
    }
}

#[test]
fn normal_16_bit_mono() {
    let samples = [0i16, 1, -1, 32767, -32768, 1234];
    let bytes = hound_wav(spec(1, 16000, 16, hound::SampleFormat::Int), &samples);
    assert_eq!(decode_wav(&bytes).unwrap(), (16000, samples.to_vec()));
}

#[test]
fn streaming_sizes_mean_to_the_end() {
    let samples = [5i16, -6, 7, -8];
    let bytes = hound_wav(spec(1, 22050, 16, hound::SampleFormat::Int), &samples);
    for (riff, data) in [
        (0xFFFF_FFFFu32, 0xFFFF_FFFFu32),
        (0, 0),
        (0x7FFF_F024, 0x7FFF_F000),
    ] {
        let mut b = bytes.clone();
        b[4..8].copy_from_slice(&riff.to_le_bytes());
        b[40..44].copy_from_slice(&data.to_le_bytes());
        assert_eq!(
            decode_wav(&b).unwrap(),
            (22050, samples.to_vec()),
            "sizes {riff:#x}/{data:#x}"
        );
    }
    // A trailing half sample (a stream cut mid-write) is dropped, not an error.
    let mut b = bytes.clone();
    b[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
    b.push(0x12);
    assert_eq!(decode_wav(&b).unwrap().1, samples.to_vec());
}

#[test]
fn real_espeak_stdout() {
    let out = Command::new("espeak-ng")
        .args(["--stdout", "Hello there."])
        .output()
        .expect("espeak-ng");
    assert!(out.status.success());
    let declared = u32::from_le_bytes(out.stdout[40..44].try_into().unwrap()) as usize;
    assert!(
        declared > out.stdout.len(),
        "espeak-ng now writes real sizes ({declared})?"
    );
    let (rate, pcm) = decode_wav(&out.stdout).unwrap();
    assert_eq!(rate, 22050);
    assert_eq!(pcm.len(), (out.stdout.len() - 44) / 2);
    assert!(rms_dbfs(&pcm) > -40.0);
}

#[test]
fn stereo_is_averaged() {
    let bytes = hound_wav(
        spec(2, 24000, 16, hound::SampleFormat::Int),
        &[1000i16, 3000, -2000, 0],
    );
    assert_eq!(decode_wav(&bytes).unwrap(), (24000, vec![2000, -1000]));
}

#[test]
fn float_and_24_bit() {
    let bytes = hound_wav(
        spec(1, 24000, 32, hound::SampleFormat::Float),
        &[0.5f32, -0.25, 1.5, 0.0],
    );
    assert_eq!(
        decode_wav(&bytes).unwrap(),
        (24000, vec![16384, -8192, 32767, 0])
    );
    let bytes = hound_wav(
        spec(1, 48000, 24, hound::SampleFormat::Int),
        &[0x40_0000i32, -0x20_0000],
    );
    assert_eq!(decode_wav(&bytes).unwrap(), (48000, vec![16384, -8192]));
}

#[test]
fn odd_chunks_before_data_are_skipped() {
    let mut bytes = hound_wav(spec(1, 8000, 16, hound::SampleFormat::Int), &[42i16, 43]);
    // Insert a 3-byte LIST chunk (plus its pad byte) between fmt and data.
    let list = [b"LIST".as_slice(), &3u32.to_le_bytes(), b"abc\0"].concat();
    bytes.splice(36..36, list);
    assert_eq!(decode_wav(&bytes).unwrap(), (8000, vec![42, 43]));
}

#[test]
fn garbage_is_an_error() {
    assert!(decode_err(b"").contains("RIFF"));
    assert!(decode_err(b"ID3\x04\0\0\0\0\0\0 an mp3, say").contains("RIFF"));
    assert!(decode_err(b"{\"error\":{\"message\":\"nope\"}}").contains("RIFF"));
    let good = hound_wav(spec(1, 8000, 16, hound::SampleFormat::Int), &[1i16, 2]);
    // Header only, no chunks.
    assert!(decode_err(&good[..12]).contains("fmt"));
    // fmt claims more bytes than there are.
    let mut b = good.clone();
    b[16..20].copy_from_slice(&1000u32.to_le_bytes());
    assert!(decode_err(&b[..30]).contains("past the end"));
    // 12-bit samples, a compressed format tag, zero channels, rate 0.
    let mut b = good.clone();
    b[34..36].copy_from_slice(&12u16.to_le_bytes());
    assert!(decode_err(&b).contains("12-bit"));
    let mut b = good.clone();
    b[20..22].copy_from_slice(&0x55u16.to_le_bytes());
    assert!(decode_err(&b).contains("format tag"));
    let mut b = good.clone();
    b[22..24].copy_from_slice(&0u16.to_le_bytes());
    assert!(decode_err(&b).contains("channels"));
    let mut b = good;
    b[24..28].copy_from_slice(&0u32.to_le_bytes());
    assert!(decode_err(&b).contains("rate"));
}
