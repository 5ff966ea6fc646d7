//! Audio helpers of the end-to-end tests: writing test tones as WAV, reading recordings back,
//! and measuring them (level, and which of a few frequencies dominates) without an FFT crate.
//!
//! Re-exported from `support`, so tests reach them through `use support::*;`.

use std::path::Path;

/// Writes a mono 16-bit WAV of a sine tone.
pub fn write_tone_wav(path: &Path, rate: u32, hz: f64, secs: f64, amplitude: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = hound::WavWriter::create(path, spec).unwrap();
    let n = (rate as f64 * secs) as usize;
    for i in 0..n {
        let t = i as f64 / rate as f64;
        wav.write_sample(
            (amplitude * 32767.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16,
        )
        .unwrap();
    }
    wav.finalize().unwrap();
}

/// Reads a mono 16-bit WAV: (rate, samples as f64 in -1..1).
pub fn read_wav(path: &Path) -> (u32, Vec<f64>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let rate = reader.spec().sample_rate;
    let samples = reader
        .samples::<i16>()
        .map(|s| s.unwrap() as f64 / 32768.0)
        .collect();
    (rate, samples)
}

/// Power of `hz` in `samples` (Goertzel), normalised by length.
pub fn goertzel(samples: &[f64], rate: u32, hz: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * hz / rate as f64;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.len() as f64).powi(2)
}

/// RMS level in dBFS.
pub fn rms_dbfs(samples: &[f64]) -> f64 {
    let mean = samples.iter().map(|x| x * x).sum::<f64>() / samples.len().max(1) as f64;
    10.0 * mean.max(1e-12).log10()
}

/// The frequency among `candidates` with the most power.
pub fn dominant(samples: &[f64], rate: u32, candidates: &[f64]) -> f64 {
    candidates
        .iter()
        .copied()
        .max_by(|a, b| goertzel(samples, rate, *a).total_cmp(&goertzel(samples, rate, *b)))
        .unwrap()
}
