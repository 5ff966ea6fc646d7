//! The tone that tells the caller to start speaking.

use std::f64::consts::PI;
use std::time::Duration;

/// Pitch of the beep: 1 kHz sits in the middle of the telephone band and survives mu-law.
pub const BEEP_HZ: f64 = 1000.0;
/// Long enough to be noticed, short enough not to eat into the message.
pub const BEEP_DURATION: Duration = Duration::from_millis(400);
/// Peak level: clearly audible without clipping or sounding harsh after mu-law.
pub const BEEP_LEVEL_DBFS: f64 = -12.0;
/// Raised-cosine ramps at both ends, so the tone starts and stops without a click.
const FADE: Duration = Duration::from_millis(10);

/// A beep: 1 kHz sine, 400 ms, peak at -12 dBFS, 10 ms fade in and out, at `sample_rate`.
pub fn beep(sample_rate: u32) -> Vec<i16> {
    let rate = f64::from(sample_rate);
    let n = (BEEP_DURATION.as_secs_f64() * rate).round() as usize;
    let fade = ((FADE.as_secs_f64() * rate).round() as usize).min(n / 2);
    let amplitude = 32767.0 * 10f64.powf(BEEP_LEVEL_DBFS / 20.0);
    (0..n)
        .map(|i| {
            let edge = i.min(n - 1 - i);
            let gain = if edge < fade {
                // 0 at the very first/last sample, rising to 1 over `fade` samples.
                0.5 - 0.5 * (PI * edge as f64 / fade as f64).cos()
            } else {
                1.0
            };
            let phase = 2.0 * PI * BEEP_HZ * i as f64 / rate;
            (amplitude * gain * phase.sin()).round() as i16
        })
        .collect()
}
