//! The simulated caller's audio: the WAV it says, cut into 20 ms wire frames, and the WAV of what
//! it heard.
//!
//! The input is read whole and converted up front (any rate, mono or stereo, integer or float)
//! so the real-time loop only slices; the output is written frame by frame as it is "played".

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::Path;

use actors::codec::resample::Resampler;
use anyhow::{bail, Context};

/// Reads `path` as mono 16-bit audio at `rate` Hz.
pub fn load_wav(path: &Path, rate: u32) -> anyhow::Result<Vec<i16>> {
    let reader = hound::WavReader::open(path)
        .with_context(|| format!("cannot read WAV {}", path.display()))?;
    let (mono, from) =
        decode_mono(reader).with_context(|| format!("bad WAV {}", path.display()))?;
    resample(&mono, from, rate)
}

/// Decodes any PCM WAV into mono `i16` samples (channels averaged) and its sample rate.
pub fn decode_mono<R: Read>(reader: hound::WavReader<R>) -> anyhow::Result<(Vec<i16>, u32)> {
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    if channels == 0 || spec.sample_rate == 0 {
        bail!(
            "WAV declares {} channels at {} Hz",
            spec.channels,
            spec.sample_rate
        );
    }
    // Every sample as a float in [-1, 1), so integer depths and float files share one path.
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect::<Result<_, _>>()?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()?
        }
    };
    let mono = samples
        .chunks_exact(channels)
        .map(|frame| {
            let avg = frame.iter().sum::<f32>() / channels as f32;
            (avg * 32768.0).round().clamp(-32768.0, 32767.0) as i16
        })
        .collect();
    Ok((mono, spec.sample_rate))
}

/// Converts the whole clip from `from` Hz to `to` Hz, without the resampler's start-up delay and
/// with its held-back tail flushed, so the clip keeps its length.
pub fn resample(input: &[i16], from: u32, to: u32) -> anyhow::Result<Vec<i16>> {
    let mut resampler = Resampler::new(from, to)
        .with_context(|| format!("cannot resample {from} Hz to {to} Hz"))?;
    let mut out = Vec::with_capacity(input.len() * to as usize / from as usize + 1024);
    resampler.process(input, &mut out);
    // Push silence through to flush the last partial block and the filter delay.
    let flush = vec![0i16; resampler.block_input_samples() * 2];
    resampler.process(&flush, &mut out);
    let delay = resampler.delay_samples().min(out.len());
    out.drain(..delay);
    let expected = (input.len() as u64 * u64::from(to) / u64::from(from)) as usize;
    out.truncate(expected);
    Ok(out)
}

/// The caller's side of the call, one 20 ms frame at a time: the clip, then `tail_frames` of
/// silence (so the agent's answer to the last words is heard), then nothing.
pub struct CallerAudio {
    samples: Vec<i16>,
    frame_samples: usize,
    next: usize,
    tail_frames: u64,
}

impl CallerAudio {
    pub fn new(samples: Vec<i16>, frame_samples: usize, tail_frames: u64) -> Self {
        CallerAudio {
            samples,
            frame_samples,
            next: 0,
            tail_frames,
        }
    }

    /// Fills `frame` with the next frame (the last clip frame padded with silence). Returns false
    /// once the clip and the tail are over.
    pub fn next_frame(&mut self, frame: &mut Vec<i16>) -> bool {
        frame.clear();
        if self.next < self.samples.len() {
            let end = (self.next + self.frame_samples).min(self.samples.len());
            frame.extend_from_slice(&self.samples[self.next..end]);
            self.next = end;
        } else if self.tail_frames > 0 {
            self.tail_frames -= 1;
        } else {
            return false;
        }
        frame.resize(self.frame_samples, 0);
        true
    }

    /// Frames still to come, tail included.
    pub fn remaining_frames(&self) -> u64 {
        let left = self.samples.len() - self.next;
        left.div_ceil(self.frame_samples) as u64 + self.tail_frames
    }
}

/// Writes what the caller heard: mono 16-bit at the wire rate.
pub struct Recorder {
    writer: hound::WavWriter<BufWriter<File>>,
}

impl Recorder {
    pub fn create(path: &Path, rate: u32) -> anyhow::Result<Self> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let writer = hound::WavWriter::create(path, spec)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Recorder { writer })
    }

    pub fn write(&mut self, frame: &[i16]) -> anyhow::Result<()> {
        let mut w = self.writer.get_i16_writer(frame.len() as u32);
        for &s in frame {
            w.write_sample(s);
        }
        w.flush().context("cannot write the output WAV")
    }

    /// Fixes up the WAV header; without it the file claims to be empty.
    pub fn finish(self) -> anyhow::Result<()> {
        self.writer
            .finalize()
            .context("cannot finalize the output WAV")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn wav_bytes(
        spec: hound::WavSpec,
        write: impl FnOnce(&mut hound::WavWriter<Cursor<&mut Vec<u8>>>),
    ) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut w = hound::WavWriter::new(Cursor::new(&mut buf), spec).unwrap();
        write(&mut w);
        w.finalize().unwrap();
        buf
    }

    fn spec(channels: u16, rate: u32, bits: u16, format: hound::SampleFormat) -> hound::WavSpec {
        hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: bits,
            sample_format: format,
        }
    }

    #[test]
    fn stereo_is_downmixed_and_the_rate_reported() {
        let bytes = wav_bytes(spec(2, 44100, 16, hound::SampleFormat::Int), |w| {
            for (l, r) in [(1000i16, 3000i16), (-32768, -32768), (100, -100)] {
                w.write_sample(l).unwrap();
                w.write_sample(r).unwrap();
            }
        });
        let (mono, rate) = decode_mono(hound::WavReader::new(Cursor::new(bytes)).unwrap()).unwrap();
        assert_eq!(rate, 44100);
        assert_eq!(mono, [2000, -32768, 0]);
    }

    #[test]
    fn float_and_24_bit_are_scaled_to_16_bit() {
        let bytes = wav_bytes(spec(1, 16000, 32, hound::SampleFormat::Float), |w| {
            for s in [0.5f32, -1.0, 2.0] {
                w.write_sample(s).unwrap();
            }
        });
        let (mono, _) = decode_mono(hound::WavReader::new(Cursor::new(bytes)).unwrap()).unwrap();
        assert_eq!(
            mono,
            [16384, -32768, 32767],
            "out-of-range floats are clipped"
        );
        let bytes = wav_bytes(spec(1, 8000, 24, hound::SampleFormat::Int), |w| {
            w.write_sample(1i32 << 22).unwrap();
        });
        let (mono, _) = decode_mono(hound::WavReader::new(Cursor::new(bytes)).unwrap()).unwrap();
        assert_eq!(mono, [16384]);
    }

    #[test]
    fn resampling_keeps_the_duration_and_the_tone() {
        // One second of a 440 Hz tone at 44.1 kHz down to 8 kHz.
        let input: Vec<i16> = (0..44100)
            .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / 44100.0).sin() * 10000.0) as i16)
            .collect();
        let out = resample(&input, 44100, 8000).unwrap();
        assert_eq!(out.len(), 8000);
        let rms = (out[1000..7000]
            .iter()
            .map(|&s| f64::from(s).powi(2))
            .sum::<f64>()
            / 6000.0)
            .sqrt();
        assert!(
            (6000.0..8000.0).contains(&rms),
            "rms {rms} of a 10000-peak sine"
        );
        assert_eq!(resample(&input[..100], 8000, 8000).unwrap(), &input[..100]);
    }

    #[test]
    fn caller_audio_pads_the_last_frame_then_sends_the_tail() {
        let mut c = CallerAudio::new((1..=5).collect(), 2, 2);
        assert_eq!(c.remaining_frames(), 5);
        let mut f = Vec::new();
        let mut frames = Vec::new();
        while c.next_frame(&mut f) {
            frames.push(f.clone());
        }
        assert_eq!(
            frames,
            [vec![1, 2], vec![3, 4], vec![5, 0], vec![0, 0], vec![0, 0]]
        );
        assert!(!c.next_frame(&mut f));
        assert_eq!(c.remaining_frames(), 0);
    }

    #[test]
    fn recorder_writes_a_readable_mono_wav() {
        let path = std::env::temp_dir().join(format!("switchboard-rec-{}.wav", std::process::id()));
        let mut r = Recorder::create(&path, 16000).unwrap();
        r.write(&[1, -2, 3]).unwrap();
        r.write(&[4]).unwrap();
        r.finish().unwrap();
        let reader = hound::WavReader::open(&path).unwrap();
        assert_eq!(reader.spec(), spec(1, 16000, 16, hound::SampleFormat::Int));
        let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        assert_eq!(samples, [1, -2, 3, 4]);
        let _ = std::fs::remove_file(path);
    }
}
