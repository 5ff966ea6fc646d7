//! The legacy pipeline's chat client against `tests/peers/openai_peer.py`, which checks the
//! OpenAI request shapes (chat messages and tool-call ordering) and answers from scripts.
//!
//! The pure parts (tool parsing, conversation JSON) have their unit tests beside them in
//! `src/legacy/*_tests.rs`; here they are only used to drive the client. The speech-to-text
//! client is tested in `legacy_stt.rs`.

mod common;

use std::time::{Duration, Instant};

use actors::booking::business::Business;
use actors::booking::BookingDetails;
use actors::call::booking_executor::ToolRequest;
use actors::legacy::{
    parse_tool_call, tool_schemas, ChatMessage, Completion, Conversation, Handover, LegacyError,
    LlmClient, LlmConfig, ToolAction,
};
use common::{conversation, llm, Peer, Script, CHAT};
use jiff::civil::{date, time};
use serde_json::{json, Value};

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
            problem: None,
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
