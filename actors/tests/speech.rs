//! The speech component end to end: real espeak-ng, and the OpenAI-compatible HTTP engine
//! against `tests/peers/openai_peer.py` (a tone generator speaking the OpenAI audio API).
//!
//! The peer's tone (440 Hz, 60 ms per input character) is what tells its audio apart from
//! espeak-ng's speech: Goertzel finds almost all of the tone's energy at 440 Hz, and almost
//! none of speech's.
//!
//! `decode_wav`'s own unit tests live beside the parser, in `src/speech/wav_tests.rs`.

use std::time::{Duration, Instant};

use actors::speech::{Speech, SpeechConfig, SpeechEngineKind, SpeechError};
use common::Peer;

mod common;

const SENTENCE: &str = "You're booked for Tuesday at three PM.";

// ------------------------------------------------------------------------------------------
// Helpers

fn openai_config(peer: &Peer) -> SpeechConfig {
    SpeechConfig {
        engine: SpeechEngineKind::Openai,
        openai_base_url: peer.base_url(),
        ..SpeechConfig::default()
    }
}

/// RMS level in dBFS (-inf for silence).
fn rms_dbfs(pcm: &[i16]) -> f64 {
    let mean_square =
        pcm.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / pcm.len().max(1) as f64;
    20.0 * (mean_square.sqrt() / 32768.0).log10()
}

/// Share of the signal's energy at `hz` (Goertzel): about 1 for a pure tone at `hz`, near 0
/// for speech.
fn tone_share(pcm: &[i16], rate: u32, hz: f64) -> f64 {
    let coeff = 2.0 * (2.0 * std::f64::consts::PI * hz / f64::from(rate)).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in pcm {
        let s0 = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let energy: f64 = pcm.iter().map(|&x| f64::from(x).powi(2)).sum();
    2.0 * power / (pcm.len() as f64 * energy.max(1.0))
}

/// Asserts `pcm` is the peer's 440 Hz tone for `text` (60 ms per character) at `rate`.
fn assert_peer_tone(pcm: &[i16], rate: u32, text: &str) {
    let expected = (text.chars().count() as f64 * 0.060 * f64::from(rate)).round() as i64;
    assert!(
        (pcm.len() as i64 - expected).abs() <= 2,
        "{} samples, expected {expected}",
        pcm.len()
    );
    let share = tone_share(pcm, rate, 440.0);
    assert!(share > 0.9, "440 Hz holds only {share:.3} of the energy");
    for other in [220.0, 330.0, 660.0, 1000.0] {
        let s = tone_share(pcm, rate, other);
        assert!(
            s < 0.05,
            "{other} Hz holds {s:.3} of the energy of the 440 Hz tone"
        );
    }
}

/// Asserts `pcm` is speech (espeak-ng), not silence and not the peer's tone.
fn assert_spoken(pcm: &[i16], rate: u32) {
    assert!(
        pcm.len() > rate as usize,
        "only {} samples at {rate} Hz",
        pcm.len()
    );
    let level = rms_dbfs(pcm);
    assert!(level > -40.0, "too quiet: {level:.1} dBFS");
    let share = tone_share(pcm, rate, 440.0);
    assert!(
        share < 0.2,
        "looks like the peer's tone: {share:.3} of the energy at 440 Hz"
    );
}

// ------------------------------------------------------------------------------------------
// espeak-ng

#[actix_rt::test]
async fn espeak_speaks_a_booking_sentence_at_8k() {
    let speech = Speech::new(SpeechConfig::default());
    let started = Instant::now();
    let pcm = speech.synthesize(SENTENCE, 8000).await.unwrap();
    let first = started.elapsed();
    assert!(
        pcm.len() > 8000,
        "{} samples: under a second of audio",
        pcm.len()
    );
    assert_spoken(&pcm, 8000);

    // The same sentence at espeak-ng's own rate: the 8 kHz version has exactly the ratio's
    // worth of samples (nothing lost or added by resampling), and 16 kHz twice as many.
    let native = speech.synthesize(SENTENCE, 22050).await.unwrap();
    let wideband = speech.synthesize(SENTENCE, 16000).await.unwrap();
    assert_eq!(
        pcm.len(),
        (native.len() as f64 * 8000.0 / 22050.0).round() as usize
    );
    assert!(
        (wideband.len() as i64 - 2 * pcm.len() as i64).abs() <= 1,
        "{} vs {}",
        wideband.len(),
        pcm.len()
    );

    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        speech.synthesize(SENTENCE, 8000).await.unwrap();
        runs.push(t.elapsed());
    }
    runs.sort();
    eprintln!(
        "espeak-ng latency for {SENTENCE:?} ({:.2} s of audio) at 8 kHz: first {first:?}, median {:?} of 5",
        pcm.len() as f64 / 8000.0,
        runs[2]
    );
}

#[actix_rt::test]
async fn blank_text_is_empty_audio_and_rate_zero_an_error() {
    let speech = Speech::new(SpeechConfig::default());
    assert!(speech.synthesize("  \n", 8000).await.unwrap().is_empty());
    assert!(matches!(
        speech.synthesize("Hello.", 0).await,
        Err(SpeechError::Resample(_))
    ));
}

// ------------------------------------------------------------------------------------------
// OpenAI-compatible engine

#[actix_rt::test]
async fn openai_engine_returns_the_peers_tone_and_sends_the_key() {
    let peer = Peer::start(&["--api-key", "test-key-123"]);
    let speech = Speech::new(SpeechConfig {
        openai_api_key: "test-key-123".into(),
        openai_voice: "af_bella".into(),
        ..openai_config(&peer)
    });
    let text = "Booked for Tuesday.";
    let pcm = speech.synthesize(text, 8000).await.unwrap();
    assert_peer_tone(&pcm, 8000, text);
    let pcm = speech.synthesize(text, 16000).await.unwrap();
    assert_peer_tone(&pcm, 16000, text);

    let stats = peer.stats().await;
    let path = "/v1/audio/speech";
    assert_eq!(stats["counts"][path], 2, "{stats}");
    assert!(stats["refused"].get(path).is_none(), "{stats}");
    assert_eq!(
        stats["last_headers"][path]["Authorization"],
        "Bearer test-key-123"
    );
    assert_eq!(
        stats["last_bodies"][path],
        serde_json::json!({"model": "kokoro", "input": text, "voice": "af_bella", "response_format": "wav"})
    );
}

#[actix_rt::test]
async fn raw_pcm_and_streaming_wav_answers_are_understood() {
    let text = "One moment please.";
    for answer in ["pcm", "wav-streaming"] {
        let peer = Peer::start(&["--tts-answer-format", answer]);
        let pcm = Speech::new(openai_config(&peer))
            .synthesize(text, 8000)
            .await
            .unwrap();
        assert_peer_tone(&pcm, 8000, text);
    }
}

#[actix_rt::test]
async fn wrong_key_falls_back_to_espeak() {
    let peer = Peer::start(&["--api-key", "right"]);
    let speech = Speech::new(SpeechConfig {
        openai_api_key: "wrong".into(),
        ..openai_config(&peer)
    });
    assert_spoken(&speech.synthesize(SENTENCE, 8000).await.unwrap(), 8000);
    let stats = peer.stats().await;
    assert_eq!(stats["refused"]["/v1/audio/speech"], 1, "{stats}");
}

#[actix_rt::test]
async fn server_error_falls_back_to_espeak() {
    let peer = Peer::start(&["--tts-fail"]);
    let speech = Speech::new(openai_config(&peer));
    assert_spoken(&speech.synthesize(SENTENCE, 8000).await.unwrap(), 8000);
    // The endpoint was really asked first.
    assert_eq!(peer.stats().await["counts"]["/v1/audio/speech"], 1);
}

#[actix_rt::test]
async fn slow_endpoint_times_out_and_falls_back_to_espeak() {
    let peer = Peer::start(&["--tts-delay-ms", "3000"]);
    let speech = Speech::new(SpeechConfig {
        timeout_ms: 300,
        ..openai_config(&peer)
    });
    let started = Instant::now();
    let pcm = speech.synthesize(SENTENCE, 8000).await.unwrap();
    let took = started.elapsed();
    assert_spoken(&pcm, 8000);
    assert!(
        took >= Duration::from_millis(300),
        "answered in {took:?}: the timeout was not waited for"
    );
    assert!(
        took < Duration::from_millis(2500),
        "took {took:?}: the 300 ms timeout did not cut the request"
    );
}

#[actix_rt::test]
async fn unreachable_endpoint_falls_back_to_espeak() {
    // A port that was free a moment ago: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let speech = Speech::new(SpeechConfig {
        engine: SpeechEngineKind::Openai,
        openai_base_url: format!("http://127.0.0.1:{port}"),
        ..SpeechConfig::default()
    });
    assert_spoken(&speech.synthesize(SENTENCE, 8000).await.unwrap(), 8000);
}

// ------------------------------------------------------------------------------------------
// Configuration

#[test]
fn speech_handle_can_be_shared_across_threads() {
    fn send_sync_clone<T: Send + Sync + Clone>() {}
    send_sync_clone::<Speech>();
}

#[test]
fn config_defaults_unknown_keys_and_redaction() {
    let config: SpeechConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(config.engine, SpeechEngineKind::Espeak);
    assert_eq!(config.espeak_voice, "en-us+f3");
    assert_eq!(config.espeak_words_per_minute, 160);
    assert_eq!(
        (config.openai_model.as_str(), config.openai_voice.as_str()),
        ("kokoro", "af_heart")
    );
    assert_eq!(config.timeout_ms, 3000);
    assert!(config.validate().is_ok());

    let config: SpeechConfig =
        serde_json::from_str(r#"{"engine": "openai", "openai_api_key": "sk-very-secret"}"#)
            .unwrap();
    assert!(
        !format!("{config:?}").contains("sk-very-secret"),
        "{config:?}"
    );
    assert!(!format!("{:?}", Speech::new(config.clone())).contains("sk-very-secret"));
    assert!(config.validate().unwrap_err().contains("openai_base_url"));

    assert!(serde_json::from_str::<SpeechConfig>(r#"{"engine": "kokoro"}"#).is_err());
    assert!(serde_json::from_str::<SpeechConfig>(r#"{"espeak_vioce": "en"}"#).is_err());
}

#[test]
fn openai_engine_survives_a_new_runtime_on_the_same_thread() {
    // Tests, and tools that start a System per job, run one runtime after another on a thread;
    // a pooled connection from the first runtime must not be reused in the second.
    let peer = Peer::start(&[]);
    let speech = Speech::new(openai_config(&peer));
    let text = "Still here.";
    for round in 0..3 {
        actix_rt::System::new().block_on(async {
            let pcm = speech.synthesize(text, 8000).await.unwrap();
            assert_peer_tone(&pcm, 8000, text);
            let stats = peer.stats().await;
            assert_eq!(stats["counts"]["/v1/audio/speech"], round + 1, "{stats}");
        });
    }
}
