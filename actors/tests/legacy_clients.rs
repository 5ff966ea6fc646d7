//! The legacy pipeline's HTTP clients against `tests/peers/openai_peer.py`, which checks the
//! OpenAI request shapes (multipart WAV upload, chat messages and tool-call ordering) and
//! answers from scripts.
//!
//! The pure parts (VAD, tool parsing, conversation JSON) have their unit tests beside them in
//! `src/legacy/*_tests.rs`; here they are only used to drive the clients.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actors::booking::business::Business;
use actors::booking::BookingDetails;
use actors::call::booking_executor::ToolRequest;
use actors::legacy::{
    parse_tool_call, tool_schemas, ChatMessage, Completion, Conversation, Handover, LegacyError,
    LlmClient, LlmConfig, SttClient, SttConfig, ToolAction, Vad, VadConfig, VadEvent,
};
use jiff::civil::{date, time};
use serde_json::{json, Value};

// ------------------------------------------------------------------------------------------
// Helpers

/// The peer's Python: `SWITCHBOARD_PEER_PYTHON`, else the repository's `.venv`.
fn peer_python() -> PathBuf {
    let python = std::env::var_os("SWITCHBOARD_PEER_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv/bin/python"));
    assert!(
        python.exists(),
        "no Python for the test peers at {} (run scripts/test)",
        python.display()
    );
    python
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A script file for the peer, removed when dropped.
struct Script(PathBuf);

impl Script {
    fn new(name: &str, content: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("switchboard-legacy-{}-{name}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        Script(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A running `openai_peer.py`, killed when dropped.
struct Peer {
    child: Child,
    port: u16,
}

impl Peer {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(peer_python())
            .arg(repo().join("tests/peers/openai_peer.py"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the OpenAI peer");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("peer did not say READY <port>, said {line:?}"));
        Peer { child, port }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn stats(&self) -> Value {
        let mut response = awc::Client::new()
            .get(format!("{}/stats", self.base_url()))
            .send()
            .await
            .expect("GET /stats");
        response.json().limit(1 << 22).await.expect("stats JSON")
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const STT: &str = "/v1/audio/transcriptions";
const CHAT: &str = "/v1/chat/completions";

fn stt(peer: &Peer) -> SttClient {
    SttClient::new(SttConfig {
        base_url: peer.base_url(),
        ..SttConfig::default()
    })
}

fn llm(peer: &Peer) -> LlmClient {
    LlmClient::new(LlmConfig {
        base_url: peer.base_url(),
        model: "receptionist-7b".into(),
        ..LlmConfig::default()
    })
}

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

/// Tuesday March 3rd 2026: the day the scripts book; "today" is the Monday before.
fn conversation() -> Conversation {
    Conversation::new_on(&Business::default(), None, date(2026, 3, 2))
}

fn book_arguments() -> Value {
    json!({
        "name": "John Smith",
        "phone": "555-123-4567",
        "email": "john@example.com",
        "address": "42 Oak Street",
        "service": "Leak repair",
        "date": "2026-03-03",
        "time": "15:00",
    })
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
// Chat completions with tools

#[actix_rt::test]
async fn llm_tool_call_round_trip_books_and_the_peer_sees_the_result() {
    let script = Script::new(
        "chat-roundtrip",
        &[
            json!({"tool_call": {"name": "book_appointment", "arguments": book_arguments()}}),
            json!({"text": "You're all set for Tuesday at 3 PM, John."}),
        ]
        .iter()
        .map(|t| t.to_string() + "\n")
        .collect::<String>(),
    );
    let peer = Peer::start(&["--chat-script", script.arg(), "--api-key", "llm-key-9"]);
    let client = LlmClient::new(LlmConfig {
        api_key: "llm-key-9".into(),
        temperature: 0.2,
        ..LlmConfig {
            base_url: peer.base_url(),
            model: "receptionist-7b".into(),
            ..LlmConfig::default()
        }
    });
    let business = Business::default();
    let tools = tool_schemas(&business);
    let mut conversation = conversation();
    conversation.user_said("Yes, that's all correct, please book it.");

    // Turn 1: the model calls book_appointment.
    let Completion::ToolCalls(calls) = client
        .complete(conversation.messages(), &tools)
        .await
        .unwrap()
    else {
        panic!("expected tool calls");
    };
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("call_1", "book_appointment")
    );
    let ToolAction::Run(ToolRequest::Book(details)) = parse_tool_call(call, &business).unwrap()
    else {
        panic!("expected a Book request");
    };
    assert_eq!(
        details,
        BookingDetails {
            name: "John Smith".into(),
            phone: "5551234567".into(),
            email: Some("john@example.com".into()),
            address: "42 Oak Street".into(),
            service: "Leak repair".into(),
            date: date(2026, 3, 3),
            time: time(15, 0, 0, 0),
        }
    );
    let stats = peer.stats().await;
    let first = &stats["last_bodies"][CHAT];
    assert_eq!(
        first,
        &json!({"model": "receptionist-7b", "messages": serde_json::to_value(conversation.messages()).unwrap(),
                "temperature": 0.2, "tools": tools, "tool_choice": "auto"})
    );
    assert_eq!(
        stats["last_headers"][CHAT]["Authorization"],
        "Bearer llm-key-9"
    );

    // The executor's sentence goes back as the tool result.
    // The arguments are the model's JSON text, passed back untouched.
    let arguments = call.arguments.clone();
    assert_eq!(
        serde_json::from_str::<Value>(&arguments).unwrap(),
        book_arguments()
    );
    let sentence = "You're booked for Tuesday March 3rd at 3 PM; a confirmation is on its way to john at example dot com.";
    conversation.assistant_called(&calls);
    conversation.tool_result(&call.id, sentence);

    // Turn 2: the model speaks.
    let completion = client
        .complete(conversation.messages(), &tools)
        .await
        .unwrap();
    assert_eq!(
        completion,
        Completion::Text("You're all set for Tuesday at 3 PM, John.".into())
    );
    conversation.assistant_said("You're all set for Tuesday at 3 PM, John.");

    let stats = peer.stats().await;
    assert_eq!(stats["counts"][CHAT], 2);
    assert!(stats["refused"].get(CHAT).is_none(), "{stats}");
    assert_eq!(
        stats["last_tool_message"],
        json!({"tool_call_id": "call_1", "content": sentence, "request": 2})
    );
    // The second request carried the assistant's call and the result in OpenAI's shapes.
    let messages = stats["last_bodies"][CHAT]["messages"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(messages.len(), 4);
    assert_eq!(
        messages[2],
        json!({"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
               "function": {"name": "book_appointment", "arguments": arguments}}]})
    );
    assert_eq!(
        messages[3],
        json!({"role": "tool", "tool_call_id": "call_1", "content": sentence})
    );
    assert_eq!(conversation.messages().len(), 5);
}

#[actix_rt::test]
async fn llm_bad_arguments_go_back_to_the_model_as_an_error_result() {
    let script = Script::new(
        "chat-bad-args",
        &[
            // Broken JSON, as a string so the peer sends it as is.
            json!({"tool_call": {"name": "check_availability", "arguments": "{\"date\": \"2026-03-03\", \"time\": "}}),
            json!({"tool_call": {"name": "check_availability", "arguments": {"date": "next Tuesday", "time": "15:00"}}}),
            json!({"text": "What date would that be?"}),
        ]
        .iter()
        .map(|t| t.to_string() + "\n")
        .collect::<String>(),
    );
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let (client, business) = (llm(&peer), Business::default());
    let tools = tool_schemas(&business);
    let mut conversation = conversation();
    conversation.user_said("Is Tuesday at 3 free?");

    let mut results = Vec::new();
    let text = loop {
        match client
            .complete(conversation.messages(), &tools)
            .await
            .unwrap()
        {
            Completion::Text(t) => break t,
            Completion::ToolCalls(calls) => {
                conversation.assistant_called(&calls);
                for call in &calls {
                    let result = match parse_tool_call(call, &business) {
                        Ok(action) => panic!("{action:?}"),
                        Err(e) => format!("Error: {e}"),
                    };
                    conversation.tool_result(&call.id, &result);
                    results.push(result);
                }
            }
        }
    };
    assert_eq!(text, "What date would that be?");
    let stats = peer.stats().await;
    let seen: Vec<(&str, &str)> = stats["tool_messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["tool_call_id"].as_str().unwrap(),
                m["content"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("call_1", results[0].as_str()),
            ("call_2", results[1].as_str())
        ]
    );
    assert!(
        results[0].starts_with("Error: check_availability: arguments are not valid JSON"),
        "{}",
        results[0]
    );
    assert_eq!(
        results[1],
        "Error: check_availability: \"date\" must be a date as YYYY-MM-DD, got \"next Tuesday\""
    );
    assert!(stats["refused"].get(CHAT).is_none(), "{stats}");
}

#[actix_rt::test]
async fn llm_without_tools_sends_none_and_gets_text() {
    let peer = Peer::start(&["--chat-text", "Hi, this is Ava. How can I help?"]);
    let conversation = Conversation::new_on(
        &Business::default(),
        Some(Handover {
            transcript: "Agent: Bright Plumbing, this is Ava.\nCaller: Hi, my sink is leaking."
                .into(),
            facts: vec!["caller name: Maria Lopez".into()],
        }),
        date(2026, 3, 2),
    );
    let completion = llm(&peer)
        .complete(conversation.messages(), &Value::Null)
        .await
        .unwrap();
    assert_eq!(
        completion,
        Completion::Text("Hi, this is Ava. How can I help?".into())
    );
    let body = &peer.stats().await["last_bodies"][CHAT];
    assert!(
        body.get("tools").is_none() && body.get("tool_choice").is_none(),
        "{body}"
    );
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(
        system.contains("Already known: caller name: Maria Lopez."),
        "{system}"
    );
    assert!(
        system.ends_with("Caller: Hi, my sink is leaking."),
        "{system}"
    );
}

#[actix_rt::test]
async fn llm_history_with_an_unanswered_call_is_refused_by_the_peer() {
    // What Conversation prevents, sent by hand: the peer refuses it as OpenAI does, and the
    // client reports the 400 with OpenAI's message.
    let peer = Peer::start(&[]);
    let business = Business::default();
    let messages = [
        ChatMessage::system("Be brief."),
        ChatMessage::user("Book it."),
        ChatMessage::assistant_calls(&[actors::legacy::ToolCall {
            id: "call_9".into(),
            name: "book_appointment".into(),
            arguments: "{}".into(),
        }]),
        ChatMessage::user("Hello?"),
    ];
    let e = llm(&peer)
        .complete(&messages, &tool_schemas(&business))
        .await
        .unwrap_err();
    assert!(matches!(e, LegacyError::Http { status: 400, .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("chat endpoint answered HTTP 400"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("did not have response messages: call_9"),
        "{e}"
    );
    assert_eq!(peer.stats().await["refused"][CHAT], 1);
}

#[actix_rt::test]
async fn llm_server_error_timeout_and_wrong_key() {
    let messages = conversation().messages().to_vec();
    let tools = tool_schemas(&Business::default());

    let peer = Peer::start(&["--chat-fail"]);
    let e = llm(&peer).complete(&messages, &tools).await.unwrap_err();
    assert!(matches!(e, LegacyError::Http { status: 500, .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("chat endpoint answered HTTP 500: "),
        "{e}"
    );

    let peer = Peer::start(&["--chat-delay-ms", "3000"]);
    let client = LlmClient::new(LlmConfig {
        timeout_ms: 300,
        base_url: peer.base_url(),
        ..LlmConfig::default()
    });
    let started = Instant::now();
    let e = client.complete(&messages, &tools).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(e.to_string(), "chat endpoint gave no answer within 300ms");
    assert!(started.elapsed() < Duration::from_millis(2500));

    let peer = Peer::start(&["--api-key", "right-key"]);
    let client = LlmClient::new(LlmConfig {
        api_key: "sk-wrong-secret".into(),
        base_url: peer.base_url(),
        ..LlmConfig::default()
    });
    let e = client.complete(&messages, &tools).await.unwrap_err();
    assert!(matches!(e, LegacyError::Http { status: 401, .. }), "{e:?}");
    for shown in [e.to_string(), format!("{e:?}"), format!("{client:?}")] {
        assert!(!shown.contains("sk-wrong-secret"), "{shown}");
    }
}

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
