//! The legacy pipeline's speech-to-text client against `tests/peers/openai_peer.py`, which
//! checks the OpenAI request shapes (multipart WAV upload) and answers from scripts; and what
//! both clients share (thread safety, a new runtime on the same thread).
//!
//! The pure parts (VAD, tool parsing, conversation JSON) have their unit tests beside them in
//! `src/legacy/*_tests.rs`; here they are only used to drive the clients. The chat client is
//! tested in `legacy_llm.rs`.

mod common;

use std::time::{Duration, Instant};

use actors::legacy::{
    Completion, Conversation, LegacyError, LlmClient, SttClient, SttConfig, Vad, VadConfig,
    VadEvent,
};
use common::{conversation, llm, stt, Peer, Script, CHAT, STT};
use serde_json::{json, Value};

/// A 440 Hz tone at -20 dBFS RMS.
fn tone(rate: u32, ms: u32) -> Vec<i16> {
    let n = (u64::from(ms) * u64::from(rate) / 1000) as usize;
    let amplitude = 0.1 * 2f64.sqrt() * 32768.0;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            (amplitude * (2.0 * std::f64::consts::PI * 440.0 * t).sin()).round() as i16
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Speech to text

#[actix_rt::test]
async fn stt_uploads_a_16_bit_wav_at_the_call_rate_and_returns_the_script() {
    let script = Script::new(
        "stt-script",
        "Hello, I need a plumber.\nTuesday at three works.\n",
    );
    let peer = Peer::start(&["--stt-script", script.arg(), "--api-key", "stt-key-1"]);
    let client = SttClient::new(SttConfig {
        api_key: "stt-key-1".into(),
        ..SttConfig {
            base_url: peer.base_url(),
            ..SttConfig::default()
        }
    });

    let text = client.transcribe(&tone(8000, 1500), 8000).await.unwrap();
    assert_eq!(text, "Hello, I need a plumber.");
    let stats = peer.stats().await;
    let form = &stats["last_bodies"][STT];
    assert_eq!(form["model"], "whisper-1", "{stats}");
    assert_eq!(form["language"], "en");
    assert_eq!(form["response_format"], "json");
    assert_eq!(
        form["file"],
        json!({"filename": "utterance.wav", "content_type": "audio/wav", "bytes": 44 + 2 * 12000,
               "channels": 1, "sample_width": 2, "sample_rate": 8000, "frames": 12000, "duration_ms": 1500})
    );
    let headers = &stats["last_headers"][STT];
    assert_eq!(headers["Authorization"], "Bearer stt-key-1");
    assert!(
        headers["Content-Type"]
            .as_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary="),
        "{headers}"
    );

    // Wideband calls keep their rate.
    let text = client.transcribe(&tone(16000, 750), 16000).await.unwrap();
    assert_eq!(text, "Tuesday at three works.");
    let stats = peer.stats().await;
    let file = &stats["last_bodies"][STT]["file"];
    assert_eq!(
        (file["sample_rate"].as_u64(), file["duration_ms"].as_u64()),
        (Some(16000), Some(750))
    );

    // After the script: what Whisper gives for nothing.
    assert_eq!(client.transcribe(&tone(8000, 500), 8000).await.unwrap(), "");
    let stats = peer.stats().await;
    assert_eq!(stats["counts"][STT], 3);
    assert!(stats["refused"].get(STT).is_none(), "{stats}");
}

#[actix_rt::test]
async fn vad_utterance_goes_to_stt_with_its_length() {
    // The two halves of the input side together: a 1 s burst between silences becomes one
    // utterance of pre-roll + burst + tail, and the peer receives exactly that.
    let rate = 8000;
    let mut vad = Vad::new(VadConfig::default(), rate);
    let pcm = [vec![0i16; 4000], tone(rate, 1000), vec![0i16; 8000]].concat();
    let mut utterance = None;
    let mut started = false;
    for frame in pcm.chunks(160) {
        match vad.push(frame) {
            Some(VadEvent::SpeechStarted) => started = true,
            Some(VadEvent::UtteranceEnded(u)) => utterance = Some(u),
            None => {}
        }
    }
    assert!(started);
    let utterance = utterance.expect("an utterance");
    let peer = Peer::start(&["--stt-text", "Yes, that works."]);
    assert_eq!(
        stt(&peer).transcribe(&utterance, rate).await.unwrap(),
        "Yes, that works."
    );
    let file = &peer.stats().await["last_bodies"][STT]["file"];
    assert_eq!(file["sample_rate"], 8000);
    assert_eq!(file["duration_ms"], 200 + 1000 + 200, "{file}");
}

#[actix_rt::test]
async fn stt_server_error_is_an_http_error_naming_the_endpoint() {
    let peer = Peer::start(&["--stt-fail"]);
    let e = stt(&peer)
        .transcribe(&tone(8000, 500), 8000)
        .await
        .unwrap_err();
    assert!(matches!(e, LegacyError::Http { status: 500, .. }), "{e:?}");
    let message = e.to_string();
    assert!(
        message.starts_with("speech-to-text endpoint answered HTTP 500: "),
        "{message}"
    );
    assert!(message.contains("The server had an error"), "{message}");
    // The request was valid: the failure is the server's.
    assert!(peer.stats().await["refused"].get(STT).is_none());
}

#[actix_rt::test]
async fn stt_slow_endpoint_times_out() {
    let peer = Peer::start(&["--stt-delay-ms", "3000"]);
    let client = SttClient::new(SttConfig {
        timeout_ms: 300,
        base_url: peer.base_url(),
        ..SttConfig::default()
    });
    let started = Instant::now();
    let e = client.transcribe(&tone(8000, 500), 8000).await.unwrap_err();
    let took = started.elapsed();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(
        e.to_string(),
        "speech-to-text endpoint gave no answer within 300ms"
    );
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(
        took < Duration::from_millis(2500),
        "{took:?}: the timeout did not cut it"
    );
}

#[actix_rt::test]
async fn stt_wrong_key_is_401_and_the_key_stays_secret() {
    let peer = Peer::start(&["--api-key", "right-key"]);
    let client = SttClient::new(SttConfig {
        api_key: "sk-wrong-secret".into(),
        base_url: peer.base_url(),
        ..SttConfig::default()
    });
    let e = client.transcribe(&tone(8000, 200), 8000).await.unwrap_err();
    assert!(matches!(e, LegacyError::Http { status: 401, .. }), "{e:?}");
    assert!(e.to_string().contains("Incorrect API key"), "{e}");
    for shown in [e.to_string(), format!("{e:?}"), format!("{client:?}")] {
        assert!(!shown.contains("sk-wrong-secret"), "{shown}");
    }
}

#[actix_rt::test]
async fn stt_unreachable_and_empty_audio() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = SttClient::new(SttConfig {
        base_url: format!("http://127.0.0.1:{port}"),
        ..SttConfig::default()
    });
    let e = client.transcribe(&tone(8000, 200), 8000).await.unwrap_err();
    assert!(matches!(e, LegacyError::Request(_)), "{e:?}");
    assert!(
        e.to_string().starts_with(&format!(
            "speech-to-text endpoint request to http://127.0.0.1:{port}/v1/audio/transcriptions failed"
        )),
        "{e}"
    );
    // No audio, no request (the unreachable endpoint would fail it).
    assert_eq!(client.transcribe(&[], 8000).await.unwrap(), "");
    assert!(matches!(
        client.transcribe(&tone(8000, 200), 0).await,
        Err(LegacyError::Request(_))
    ));
}

// ------------------------------------------------------------------------------------------
// Both clients

#[test]
fn clients_can_be_shared_across_threads() {
    fn send_sync_clone<T: Send + Sync + Clone>() {}
    send_sync_clone::<SttClient>();
    send_sync_clone::<LlmClient>();
    send_sync_clone::<Conversation>();
    send_sync_clone::<Vad>();
}

#[test]
fn clients_survive_a_new_runtime_on_the_same_thread() {
    // The per-thread awc client outlives a runtime; a pooled connection from the first one
    // must not be reused in the next (tools and tests run one System after another).
    let peer = Peer::start(&["--stt-text", "Still here."]);
    let (stt, llm) = (stt(&peer), llm(&peer));
    let messages = conversation().messages().to_vec();
    for round in 0..3 {
        actix_rt::System::new().block_on(async {
            assert_eq!(
                stt.transcribe(&tone(8000, 200), 8000).await.unwrap(),
                "Still here."
            );
            assert!(matches!(
                llm.complete(&messages, &Value::Null).await.unwrap(),
                Completion::Text(_)
            ));
            let stats = peer.stats().await;
            assert_eq!(stats["counts"][STT], round + 1, "{stats}");
            assert_eq!(stats["counts"][CHAT], round + 1, "{stats}");
        });
    }
}
