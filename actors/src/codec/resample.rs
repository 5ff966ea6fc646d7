//! Streaming sample-rate conversion between the telephony rate and Opus' 24 kHz.
//!
//! Wraps rubato's synchronous FFT resampler (`Fft`, `FixedSync::Both`) with one FFT block of
//! 10 ms of input: the block length sets both the algorithmic delay (half a block, 5 ms) and the
//! most audio ever held back, while keeping the anti-alias filter long enough for the 300–3400 Hz
//! telephone band. SignalWire's 20 ms frames and Opus' 20/80 ms packets are whole numbers of
//! blocks, so in practice nothing waits in the input buffer at all.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler as _, WindowFunction};

use super::CodecError;

/// Converts 16-bit mono audio from one fixed rate to another, in a stream of arbitrary pieces.
///
/// Exists because rubato wants fixed-size `f32` blocks while the call code has `i16` samples in
/// whatever pieces the network delivered; this keeps that bookkeeping (and the scratch buffers,
/// so no allocation per call) in one place. Equal rates pass through untouched.
pub struct Resampler {
    inner: Option<Inner>,
}

/// The rubato state for a real rate change.
struct Inner {
    fft: Fft<f32>,
    /// Input samples per FFT block.
    block_in: usize,
    /// Output samples per FFT block.
    block_out: usize,
    /// Input collected towards the next block (always shorter than `block_in` between calls).
    pending: Vec<f32>,
    /// rubato's output for one block.
    scratch_out: Vec<f32>,
}

/// Length of one FFT block, as a duration: 10 ms (see the module comment for why).
const BLOCK_HZ: u32 = 100;

impl Resampler {
    /// A resampler from `from_hz` to `to_hz` (both non-zero).
    pub fn new(from_hz: u32, to_hz: u32) -> Result<Self, CodecError> {
        if from_hz == 0 {
            return Err(CodecError::UnsupportedRate(from_hz));
        }
        if to_hz == 0 {
            return Err(CodecError::UnsupportedRate(to_hz));
        }
        if from_hz == to_hz {
            return Ok(Self { inner: None });
        }
        let chunk = (from_hz / BLOCK_HZ).max(1) as usize;
        // One sub-chunk: the whole 10 ms block is one FFT, the longest filter for that delay.
        // Blackman-Harris (not rubato's default squared form) keeps the 8 kHz passband flat to
        // 3.4 kHz with this short filter; the FFT's spectrum truncation still removes
        // everything above the lower Nyquist when downsampling.
        let fft = Fft::<f32>::new_custom(
            from_hz as usize,
            to_hz as usize,
            chunk,
            1,
            1,
            WindowFunction::BlackmanHarris,
            FixedSync::Both,
        )
        .map_err(|e| CodecError::Resampler(e.to_string()))?;
        let block_in = fft.input_frames_next();
        let block_out = fft.output_frames_next();
        Ok(Self {
            inner: Some(Inner {
                fft,
                block_in,
                block_out,
                pending: Vec::with_capacity(block_in),
                scratch_out: vec![0.0; block_out],
            }),
        })
    }

    /// Appends resampled audio for `input` (any length) to `out`. Buffers at most one internal
    /// block (10 ms). No allocation per call once `out` has grown to its working size.
    pub fn process(&mut self, input: &[i16], out: &mut Vec<i16>) {
        let Some(inner) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            return;
        };
        let mut rest = input;
        while !rest.is_empty() {
            let take = (inner.block_in - inner.pending.len()).min(rest.len());
            let (now, later) = rest.split_at(take);
            inner
                .pending
                .extend(now.iter().map(|&s| s as f32 * (1.0 / 32768.0)));
            rest = later;
            if inner.pending.len() == inner.block_in {
                inner.run_block(out);
            }
        }
    }

    /// Algorithmic delay, in output samples (half an FFT block; 0 when passing through).
    pub fn delay_samples(&self) -> usize {
        self.inner.as_ref().map_or(0, |i| i.fft.output_delay())
    }

    /// Input samples per internal block (the pass-through has no blocks and reports 1).
    pub fn block_input_samples(&self) -> usize {
        self.inner.as_ref().map_or(1, |i| i.block_in)
    }

    /// Forgets all history and any partial block, as at construction.
    pub fn reset(&mut self) {
        if let Some(inner) = self.inner.as_mut() {
            inner.fft.reset();
            inner.pending.clear();
        }
    }
}

impl Inner {
    /// Resamples the full `pending` block and appends it to `out` as `i16`.
    fn run_block(&mut self, out: &mut Vec<i16>) {
        let written = match (
            InterleavedSlice::new(&self.pending[..], 1, self.block_in),
            InterleavedSlice::new_mut(&mut self.scratch_out[..], 1, self.block_out),
        ) {
            (Ok(input), Ok(mut output)) => self
                .fft
                .process_into_buffer(&input, &mut output, None)
                .map_or(0, |(_, written)| written),
            // Cannot happen (the buffers are sized from rubato's own figures); if it ever
            // did, dropping 10 ms is better than a panic in the middle of a call.
            _ => 0,
        };
        self.pending.clear();
        out.extend(
            self.scratch_out[..written]
                .iter()
                .map(|&x| (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f64, amplitude: f64, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| {
                let t = i as f64 / rate as f64;
                (amplitude * (2.0 * std::f64::consts::PI * hz * t).sin()).round() as i16
            })
            .collect()
    }

    fn rms(x: &[i16]) -> f64 {
        (x.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    /// Level (dB relative to the input) of a tone after resampling, steady state only.
    fn gain_db(from: u32, to: u32, hz: f64) -> f64 {
        let mut r = Resampler::new(from, to).unwrap();
        let input = sine(from, hz, 10000.0, from as usize / 2);
        let mut out = Vec::new();
        for piece in input.chunks(from as usize / 50) {
            r.process(piece, &mut out);
        }
        let skip = to as usize / 10;
        20.0 * (rms(&out[skip..]) / rms(&input)).log10()
    }

    #[test]
    fn passthrough_when_rates_match() {
        let mut r = Resampler::new(24000, 24000).unwrap();
        let mut out = vec![1];
        r.process(&[5, 6, 7], &mut out);
        assert_eq!(out, vec![1, 5, 6, 7]);
        assert_eq!(r.delay_samples(), 0);
    }

    #[test]
    fn zero_rate_is_an_error() {
        assert!(Resampler::new(0, 8000).is_err());
        assert!(Resampler::new(8000, 0).is_err());
    }

    #[test]
    fn output_count_follows_ratio_for_any_split() {
        for (from, to) in [(8000, 24000), (24000, 8000), (16000, 24000), (24000, 16000)] {
            let mut r = Resampler::new(from, to).unwrap();
            let input = sine(from, 440.0, 5000.0, from as usize); // one second
            let mut out = Vec::new();
            // Odd, uneven pieces: 1, 2, ..., 37, 1, 2, ...
            let mut i = 0;
            let mut len = 1;
            while i < input.len() {
                let end = (i + len).min(input.len());
                r.process(&input[i..end], &mut out);
                i = end;
                len = len % 37 + 1;
            }
            assert_eq!(out.len(), to as usize, "{from}->{to}");
        }
    }

    #[test]
    fn block_is_10ms_and_delay_is_5ms() {
        for (from, to) in [(8000, 24000), (24000, 8000), (16000, 24000), (24000, 16000)] {
            let r = Resampler::new(from, to).unwrap();
            assert_eq!(r.block_input_samples(), from as usize / 100);
            assert_eq!(r.delay_samples(), to as usize / 200, "{from}->{to}");
        }
    }

    #[test]
    fn passband_is_flat_and_alias_is_rejected() {
        for (from, to) in [(8000, 24000), (24000, 8000), (16000, 24000), (24000, 16000)] {
            for hz in [300.0, 1000.0, 2500.0] {
                let g = gain_db(from, to, hz);
                assert!(g.abs() < 0.5, "{from}->{to} {hz} Hz: {g:.2} dB");
            }
        }
        // The whole telephone band (to 3400 Hz) must pass, both ways.
        for (from, to) in [(8000, 24000), (24000, 8000)] {
            let edge = gain_db(from, to, 3400.0);
            assert!(edge > -1.0, "3400 Hz at {from}->{to}: {edge:.2} dB");
        }
        // Content above the 4 kHz Nyquist of the phone must not fold back into the band.
        let alias = gain_db(24000, 8000, 5000.0);
        assert!(alias < -40.0, "5 kHz into 8k: {alias:.2} dB");
        let alias = gain_db(24000, 16000, 9500.0);
        assert!(alias < -40.0, "9.5 kHz into 16k: {alias:.2} dB");
    }

    #[test]
    fn reset_clears_partial_block() {
        let mut r = Resampler::new(8000, 24000).unwrap();
        let mut out = Vec::new();
        r.process(&[1000; 50], &mut out);
        assert!(out.is_empty());
        r.reset();
        r.process(&[0; 80], &mut out);
        assert_eq!(out.len(), 240);
        assert!(out.iter().all(|&s| s == 0), "history survived reset");
    }
}
