//! Loading and resampling the greeting WAV.

use std::path::PathBuf;

use super::test_support::{goertzel, read_wav, rms, sine, TempDir};
use super::*;

fn committed_greeting() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/voicemail-greeting.wav")
}

fn write_wav(path: &std::path::Path, spec: hound::WavSpec, samples: &[i16]) {
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

fn spec(rate: u32, channels: u16) -> hound::WavSpec {
    hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

#[test]
fn committed_greeting_loads_at_8000_hz() {
    let (spec, original) = read_wav(&committed_greeting());
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (16000, 1, 16)
    );
    let seconds = original.len() as f64 / 16000.0;
    assert!(
        (4.0..20.0).contains(&seconds),
        "greeting lasts {seconds:.1} s"
    );

    let g = load_greeting(&committed_greeting(), 8000).unwrap();
    assert_eq!(g.len(), original.len().div_ceil(2), "duration changed");
    assert!(
        rms(&g) > 1000.0,
        "greeting is (nearly) silent: rms {:.0}",
        rms(&g)
    );
    // Speech throughout, not one burst: every whole second has audible content (the partial
    // last one is espeak's trailing silence).
    for (i, second) in g.chunks_exact(8000).enumerate() {
        assert!(rms(second) > 100.0, "second {i} is silent");
    }
}

#[test]
fn same_rate_loads_unchanged() {
    let (_, original) = read_wav(&committed_greeting());
    assert_eq!(
        load_greeting(&committed_greeting(), 16000).unwrap(),
        original
    );
}

#[test]
fn resampling_keeps_duration_pitch_and_alignment() {
    let dir = TempDir::new("greet");
    let path = dir.path().join("tone.wav");
    // 1 s of 1 kHz at 16 kHz, silent for the first 100 ms.
    let mut pcm = vec![0; 1600];
    pcm.extend(sine(16000, 1000.0, 8000.0, 14400));
    write_wav(&path, spec(16000, 1), &pcm);
    for rate in [8000, 24000] {
        let out = load_greeting(&path, rate).unwrap();
        assert_eq!(out.len(), rate as usize, "{rate} Hz");
        let tenth = rate as usize / 10;
        let tone = &out[tenth + tenth / 10..out.len() - tenth / 10];
        assert!(
            (rms(tone) - 8000.0 / 2f64.sqrt()).abs() < 200.0,
            "{rate} Hz level {:.0}",
            rms(tone)
        );
        assert!(goertzel(tone, rate, 1000.0) > 1000.0 * goertzel(tone, rate, 1500.0));
        // The resampler's delay was removed: the silence still ends at 100 ms.
        assert!(
            rms(&out[..tenth - tenth / 10]) < 100.0,
            "{rate} Hz: tone starts early"
        );
        assert!(
            rms(&out[tenth + tenth / 20..tenth + tenth / 5]) > 3000.0,
            "{rate} Hz: tone starts late"
        );
    }
}

#[test]
fn stereo_is_mixed_to_mono() {
    let dir = TempDir::new("stereo");
    let path = dir.path().join("stereo.wav");
    // Left 4000, right 2000: the mix is 3000.
    let frames: Vec<i16> = std::iter::repeat_n([4000i16, 2000], 800)
        .flatten()
        .collect();
    write_wav(&path, spec(8000, 2), &frames);
    assert_eq!(load_greeting(&path, 8000).unwrap(), vec![3000; 800]);
}

#[test]
fn missing_file_is_not_found() {
    let dir = TempDir::new("missing");
    let err = load_greeting(&dir.path().join("nope.wav"), 8000).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}
