//! The recorded "please leave a message" greeting.

use std::io;
use std::path::Path;

use hound::{SampleFormat, WavReader};

use crate::codec::resample::Resampler;

/// Loads the greeting WAV at `path` (normally the committed `assets/voicemail-greeting.wav`)
/// as mono 16-bit samples at `sample_rate`.
///
/// Integer PCM of 8 to 32 bits and 32-bit float are accepted, several channels are averaged,
/// and the rate is converted with the call path's own [`Resampler`], so the greeting sounds the
/// same as everything else the caller hears. The output has exactly the input's duration
/// (the resampler's delay is removed and its last partial block flushed).
pub fn load_greeting(path: &Path, sample_rate: u32) -> io::Result<Vec<i16>> {
    let reader = WavReader::open(path).map_err(to_io)?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let samples: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
        (SampleFormat::Float, 32) => reader.into_samples::<f32>().collect::<Result<_, _>>(),
        (SampleFormat::Int, bits @ 1..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()
        }
        (format, bits) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("unsupported greeting format: {format:?} {bits} bits"),
            ))
        }
    }
    .map_err(to_io)?;
    let mono: Vec<i16> = samples
        .chunks_exact(channels)
        .map(|frame| {
            let mean = frame.iter().sum::<f32>() / channels as f32;
            (mean * 32768.0).round().clamp(-32768.0, 32767.0) as i16
        })
        .collect();
    resample_whole(&mono, spec.sample_rate, sample_rate)
}

/// Converts a complete clip from `from` Hz to `to` Hz, keeping its duration exactly.
///
/// The streaming [`Resampler`] delays its output and holds back a partial block; for a whole
/// clip both are undone: zeros are fed until the tail is out, then the delay is cut off.
fn resample_whole(input: &[i16], from: u32, to: u32) -> io::Result<Vec<i16>> {
    let mut resampler = Resampler::new(from, to)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    let expected =
        ((input.len() as u64 * u64::from(to) + u64::from(from) / 2) / u64::from(from)) as usize;
    let delay = resampler.delay_samples();
    let mut out = Vec::with_capacity(expected + delay + to as usize / 50);
    resampler.process(input, &mut out);
    let silence = vec![0i16; resampler.block_input_samples()];
    while out.len() < delay + expected {
        resampler.process(&silence, &mut out);
    }
    out.truncate(delay + expected);
    out.drain(..delay);
    Ok(out)
}

fn to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
    }
}
