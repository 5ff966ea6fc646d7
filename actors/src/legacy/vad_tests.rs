use super::*;

const FRAME_MS: u32 = 20;

/// A 440 Hz sine whose RMS level is `dbfs`, `ms` long, at `rate`.
fn tone(rate: u32, ms: u32, dbfs: f32) -> Vec<i16> {
    let n = (u64::from(ms) * u64::from(rate) / 1000) as usize;
    let amplitude = 10f64.powf(f64::from(dbfs) / 20.0) * 2f64.sqrt() * 32768.0;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            (amplitude * (2.0 * std::f64::consts::PI * 440.0 * t).sin()).round() as i16
        })
        .collect()
}

/// A line's noise floor: deterministic pseudo-random samples around -60 dBFS.
fn noise(rate: u32, ms: u32) -> Vec<i16> {
    let n = (u64::from(ms) * u64::from(rate) / 1000) as usize;
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((x >> 16) as i16 as i32 * 56 / 32768) as i16
        })
        .collect()
}

/// Feeds `pcm` in 20 ms frames; returns (time in ms at the end of the frame, event).
fn run(vad: &mut Vad, rate: u32, pcm: &[i16]) -> Vec<(u32, VadEvent)> {
    let frame = (rate * FRAME_MS / 1000) as usize;
    pcm.chunks(frame)
        .enumerate()
        .filter_map(|(i, f)| vad.push(f).map(|e| ((i as u32 + 1) * FRAME_MS, e)))
        .collect()
}

fn concat(parts: &[Vec<i16>]) -> Vec<i16> {
    parts.concat()
}

fn ended_len(event: &VadEvent) -> usize {
    match event {
        VadEvent::UtteranceEnded(pcm) => pcm.len(),
        other => panic!("expected UtteranceEnded, got {other:?}"),
    }
}

#[test]
fn noise_floor_test_signal_is_about_minus_60() {
    let level = rms_dbfs(&noise(8000, 1000));
    assert!((-64.0..-56.0).contains(&level), "{level}");
    let level = rms_dbfs(&tone(8000, 1000, -20.0));
    assert!((level + 20.0).abs() < 0.1, "{level}");
    assert_eq!(rms_dbfs(&[0; 160]), f32::NEG_INFINITY);
}

#[test]
fn silence_and_line_noise_give_nothing() {
    for rate in [8000, 16000] {
        let mut vad = Vad::new(VadConfig::default(), rate);
        assert!(run(&mut vad, rate, &vec![0; rate as usize * 5]).is_empty());
        assert!(run(&mut vad, rate, &noise(rate, 5000)).is_empty());
        assert!(!vad.is_speaking());
    }
}

#[test]
fn one_second_burst_starts_then_ends_after_end_silence() {
    for rate in [8000u32, 16000] {
        let mut vad = Vad::new(VadConfig::default(), rate);
        let burst = tone(rate, 1000, -20.0);
        let pcm = concat(&[noise(rate, 500), burst.clone(), noise(rate, 1500)]);
        let events = run(&mut vad, rate, &pcm);
        assert_eq!(
            events.len(),
            2,
            "{rate} Hz: {:?}",
            events.iter().map(|e| e.0).collect::<Vec<_>>()
        );

        // Started once 120 ms of the burst (which begins at 500 ms) were heard.
        assert_eq!(events[0], (620, VadEvent::SpeechStarted), "{rate} Hz");
        // Ended 700 ms after the burst (which ends at 1500 ms).
        assert_eq!(events[1].0, 2200, "{rate} Hz");

        // 200 ms pre-roll + 1 s burst + 200 ms tail.
        let ms = |n: usize| (n as u64 * 1000 / u64::from(rate)) as i64;
        let utterance = match &events[1].1 {
            VadEvent::UtteranceEnded(pcm) => pcm,
            other => panic!("{other:?}"),
        };
        assert!(
            (ms(utterance.len()) - 1400).abs() <= 20,
            "{} ms",
            ms(utterance.len())
        );
        // The burst sits right after the pre-roll, intact.
        let pre = (rate / 5) as usize;
        assert_eq!(&utterance[pre..pre + burst.len()], &burst[..], "{rate} Hz");
        assert!(rms_dbfs(&utterance[..pre]) < -50.0);
        assert!(!vad.is_speaking());
    }
}

#[test]
fn end_silence_is_configurable() {
    let rate = 8000;
    let mut vad = Vad::new(
        VadConfig {
            end_silence_ms: 300,
            ..VadConfig::default()
        },
        rate,
    );
    let pcm = concat(&[noise(rate, 500), tone(rate, 1000, -20.0), noise(rate, 1500)]);
    let events = run(&mut vad, rate, &pcm);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].0, 1800);
}

#[test]
fn clicks_shorter_than_min_speech_are_ignored() {
    let rate = 8000;
    let mut vad = Vad::new(VadConfig::default(), rate);
    // Loud (-6 dBFS) but only 60 and 100 ms long, apart.
    let pcm = concat(&[
        noise(rate, 300),
        tone(rate, 60, -6.0),
        noise(rate, 400),
        tone(rate, 100, -6.0),
        noise(rate, 1500),
    ]);
    assert!(run(&mut vad, rate, &pcm).is_empty());
    // The detector is not stuck: real speech afterwards is still found.
    let pcm = concat(&[tone(rate, 500, -20.0), noise(rate, 800)]);
    let events = run(&mut vad, rate, &pcm);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].1, VadEvent::SpeechStarted);
    assert!(matches!(events[1].1, VadEvent::UtteranceEnded(_)));
}

#[test]
fn quieter_syllables_within_hysteresis_keep_the_utterance() {
    let rate = 8000;
    let mut vad = Vad::new(VadConfig::default(), rate);
    // -38 dBFS is under the -35 threshold but within 6 dB of it: once speech has begun it
    // still counts, so the utterance spans both parts.
    let pcm = concat(&[
        noise(rate, 300),
        tone(rate, 300, -20.0),
        tone(rate, 1000, -38.0),
        noise(rate, 1000),
    ]);
    let events = run(&mut vad, rate, &pcm);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[1].0, 300 + 1300 + 700);
    assert_eq!(ended_len(&events[1].1), 8 * (200 + 1300 + 200));

    // But -38 dBFS alone never starts one.
    let mut vad = Vad::new(VadConfig::default(), rate);
    assert!(run(&mut vad, rate, &tone(rate, 2000, -38.0)).is_empty());
    // And -45 dBFS ends it like silence does.
    let mut vad = Vad::new(VadConfig::default(), rate);
    let pcm = concat(&[tone(rate, 300, -20.0), tone(rate, 1000, -45.0)]);
    let events = run(&mut vad, rate, &pcm);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].0, 1000);
}

#[test]
fn max_utterance_cuts_and_the_rest_follows_without_a_new_start() {
    let rate = 8000;
    let mut vad = Vad::new(VadConfig::default(), rate);
    let pcm = concat(&[
        noise(rate, 400),
        tone(rate, 20_000, -20.0),
        noise(rate, 1000),
    ]);
    let events = run(&mut vad, rate, &pcm);
    assert_eq!(
        events.len(),
        3,
        "{:?}",
        events.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    assert_eq!(events[0].1, VadEvent::SpeechStarted);
    // Cut at exactly 15 s of audio (pre-roll included): 200 ms pre-roll + 14.8 s of tone.
    assert_eq!(ended_len(&events[1].1), 15 * 8000);
    assert_eq!(events[1].0, 400 + 14_800);
    // The remaining 5.2 s of tone + the 200 ms tail, after the end silence.
    assert_eq!(events[2].0, 400 + 20_000 + 700);
    assert_eq!(ended_len(&events[2].1), 8 * (5200 + 200));
}

#[test]
fn silence_left_after_a_cut_is_not_an_utterance() {
    let rate = 8000;
    let mut vad = Vad::new(
        VadConfig {
            max_utterance_ms: 2000,
            ..VadConfig::default()
        },
        rate,
    );
    // Pre-roll 200 ms + 1800 ms of tone = exactly the 2 s cap, then silence.
    let pcm = concat(&[noise(rate, 400), tone(rate, 1800, -20.0), noise(rate, 2000)]);
    let events = run(&mut vad, rate, &pcm);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(ended_len(&events[1].1), 2 * 8000);
}

#[test]
fn reset_forgets_the_utterance_in_progress() {
    let rate = 8000;
    let mut vad = Vad::new(VadConfig::default(), rate);
    let events = run(&mut vad, rate, &tone(rate, 500, -20.0));
    assert_eq!(events, vec![(120, VadEvent::SpeechStarted)]);
    assert!(vad.is_speaking());
    vad.reset();
    assert!(!vad.is_speaking());
    assert!(run(&mut vad, rate, &noise(rate, 2000)).is_empty());
}

#[test]
fn config_defaults_and_validation() {
    let c: VadConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(c, VadConfig::default());
    assert_eq!(
        (
            c.threshold_dbfs,
            c.min_speech_ms,
            c.end_silence_ms,
            c.max_utterance_ms
        ),
        (-35.0, 120, 700, 15_000)
    );
    assert_eq!(c.validate(), Ok(()));
    assert!(VadConfig {
        threshold_dbfs: 3.0,
        ..c
    }
    .validate()
    .is_err());
    assert!(VadConfig {
        end_silence_ms: 0,
        ..c
    }
    .validate()
    .is_err());
    assert!(serde_json::from_str::<VadConfig>(r#"{"threshold": -30}"#).is_err());
}
