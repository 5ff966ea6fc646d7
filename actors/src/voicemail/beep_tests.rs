//! The beep's pitch, length, level and ramps.

use super::test_support::{goertzel, rms};
use super::*;

fn db(ratio: f64) -> f64 {
    10.0 * ratio.log10()
}

#[test]
fn lasts_400_ms_at_every_wire_rate() {
    for rate in [8000, 16000, 24000] {
        assert_eq!(beep(rate).len(), rate as usize * 4 / 10, "{rate} Hz");
    }
}

#[test]
fn is_a_1_khz_tone() {
    for rate in [8000, 16000] {
        let b = beep(rate);
        let tone = goertzel(&b, rate, 1000.0);
        for other in [500.0, 800.0, 1200.0, 2000.0, 3000.0] {
            let gap = db(tone / goertzel(&b, rate, other));
            assert!(
                gap > 40.0,
                "{rate} Hz: 1 kHz only {gap:.1} dB above {other} Hz"
            );
        }
    }
}

#[test]
fn peaks_at_minus_12_dbfs() {
    let b = beep(8000);
    let peak = b
        .iter()
        .map(|s| f64::from(s.unsigned_abs()))
        .fold(0.0, f64::max);
    let peak_dbfs = 20.0 * (peak / 32767.0).log10();
    assert!(
        (peak_dbfs - BEEP_LEVEL_DBFS).abs() < 0.1,
        "peak {peak_dbfs:.2} dBFS"
    );
    // Steady part of a sine: RMS is 3 dB under the peak.
    let middle = &b[800..2400];
    let rms_dbfs = 20.0 * (rms(middle) / 32767.0).log10();
    assert!(
        (rms_dbfs - (BEEP_LEVEL_DBFS - 3.01)).abs() < 0.1,
        "rms {rms_dbfs:.2} dBFS"
    );
}

#[test]
fn fades_in_and_out_without_a_click() {
    let b = beep(8000);
    assert_eq!(b[0], 0);
    assert!(
        b[b.len() - 1].unsigned_abs() < 100,
        "ends at {}",
        b[b.len() - 1]
    );
    // The first and last 2.5 ms are well below the steady level.
    let steady = rms(&b[800..2400]);
    let n = 20;
    assert!(rms(&b[..n]) < steady / 4.0, "no fade in");
    assert!(rms(&b[b.len() - n..]) < steady / 4.0, "no fade out");
}
