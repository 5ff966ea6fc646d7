//! Whole-utterance resampling on top of the streaming [`Resampler`].

use crate::codec::resample::Resampler;

use super::error::SpeechError;

/// Resamples a complete utterance from `from_hz` to `to_hz`, keeping it aligned and whole.
///
/// The codec's [`Resampler`] is built for endless streams: it holds back a partial block and
/// delays its output by half a block, and has no flush. A finished sentence needs neither, so
/// this feeds silence after the last sample to push the tail out, drops the leading delay, and
/// cuts the result to exactly `round(len * to / from)` samples, so that durations survive.
pub fn resample_utterance(pcm: &[i16], from_hz: u32, to_hz: u32) -> Result<Vec<i16>, SpeechError> {
    let mut resampler = Resampler::new(from_hz, to_hz)?;
    if from_hz == to_hz || pcm.is_empty() {
        return Ok(pcm.to_vec());
    }
    let wanted = ((pcm.len() as u64 * u64::from(to_hz) + u64::from(from_hz) / 2)
        / u64::from(from_hz)) as usize;
    let delay = resampler.delay_samples();
    let mut out = Vec::with_capacity(wanted + delay + 2 * resampler.block_input_samples());
    resampler.process(pcm, &mut out);
    // Two blocks of silence: one to complete the partial block, one to cover the delay.
    let flush = vec![0i16; 2 * resampler.block_input_samples()];
    while out.len() < delay + wanted {
        resampler.process(&flush, &mut out);
    }
    out.drain(..delay);
    out.truncate(wanted);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f64, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| {
                (8000.0 * (2.0 * std::f64::consts::PI * hz * i as f64 / rate as f64).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn length_follows_the_ratio_exactly() {
        for (from, to, n) in [
            (22050, 8000, 22050),
            (22050, 16000, 12345),
            (24000, 8000, 7),
            (8000, 48000, 999),
        ] {
            let out = resample_utterance(&sine(from, 440.0, n), from, to).unwrap();
            let wanted = (n as f64 * to as f64 / from as f64).round() as usize;
            assert_eq!(out.len(), wanted, "{from}->{to} n={n}");
        }
    }

    #[test]
    fn output_is_aligned_not_delayed() {
        // A click in the middle must stay in the middle: the resampler's delay is removed.
        let mut pcm = vec![0i16; 22050];
        for s in &mut pcm[11025..11030] {
            *s = 20000;
        }
        let out = resample_utterance(&pcm, 22050, 8000).unwrap();
        let peak = out
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| s.unsigned_abs())
            .unwrap()
            .0;
        assert!(
            (peak as i64 - 4000).abs() <= 3,
            "peak at {peak}, expected ~4000"
        );
    }

    #[test]
    fn same_rate_passes_through_and_zero_rate_fails() {
        assert_eq!(
            resample_utterance(&[1, 2, 3], 8000, 8000).unwrap(),
            vec![1, 2, 3]
        );
        assert!(resample_utterance(&[1, 2, 3], 22050, 0).is_err());
    }
}
