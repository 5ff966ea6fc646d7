//! Unit tests of the chat client: the OpenAI message shapes, answer parsing (including the
//! lenient shapes some servers send), the request body and the config.

use super::*;

fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

#[test]
fn messages_serialize_to_openai_shapes() {
    let messages = vec![
        ChatMessage::system("Be brief."),
        ChatMessage::user("Hi"),
        ChatMessage::assistant("Hello!"),
        ChatMessage::assistant_calls(&[call(
            "call_1",
            "check_availability",
            r#"{"date":"2026-03-03","time":"15:00"}"#,
        )]),
        ChatMessage::tool("call_1", "Tuesday March 3rd at 3 PM is open."),
    ];
    assert_eq!(
        serde_json::to_value(&messages).unwrap(),
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {
                    "name": "check_availability",
                    "arguments": "{\"date\":\"2026-03-03\",\"time\":\"15:00\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "Tuesday March 3rd at 3 PM is open."},
        ])
    );
    // And back.
    let back: Vec<ChatMessage> =
        serde_json::from_value(serde_json::to_value(&messages).unwrap()).unwrap();
    assert_eq!(back, messages);
    assert_eq!(
        messages.iter().map(ChatMessage::role).collect::<Vec<_>>(),
        ["system", "user", "assistant", "assistant", "tool"]
    );
}

#[test]
fn text_answer() {
    let body = br#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
        "choices":[{"index":0,"message":{"role":"assistant","content":" Sure, what day? ","refusal":null},
        "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
    assert_eq!(
        parse_completion(body).unwrap(),
        Completion::Text("Sure, what day?".into())
    );
}

#[test]
fn tool_call_answers_including_lenient_shapes() {
    let body = br#"{"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
        "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"book_appointment","arguments":"{\"name\":\"Jo\"}"}},
                      {"type":"function","function":{"name":"check_availability","arguments":{"date":"2026-03-03"}}}]}}]}"#;
    assert_eq!(
        parse_completion(body).unwrap(),
        Completion::ToolCalls(vec![
            call("call_abc", "book_appointment", r#"{"name":"Jo"}"#),
            // Arguments given as an object (some servers), no id: both repaired.
            call("call_1", "check_availability", r#"{"date":"2026-03-03"}"#),
        ])
    );
    // Tool calls win even when finish_reason says "stop" (vLLM, llama.cpp do that).
    let body = br#"{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"Let me check.",
        "tool_calls":[{"id":"c","type":"function","function":{"name":"check_availability","arguments":"{}"}}]}}]}"#;
    assert!(matches!(parse_completion(body).unwrap(), Completion::ToolCalls(c) if c.len() == 1));
}

#[test]
fn bad_answers_are_bad_responses() {
    for (body, expected) in [
        (&b"<html>oops</html>"[..], "not a chat completion"),
        (br#"{"choices":[]}"#, "without choices"),
        (br#"{"choices":[{"index":0}]}"#, "without a message"),
        (
            br#"{"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"length"}]}"#,
            "empty message (finish_reason \"length\")",
        ),
        (
            br#"{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":" ","arguments":"{}"}}]}}]}"#,
            "without a function name",
        ),
    ] {
        let e = parse_completion(body).unwrap_err();
        assert!(matches!(e, LegacyError::BadResponse(_)), "{e}");
        assert!(e.to_string().contains(expected), "{e}");
        assert!(e.to_string().starts_with("chat endpoint"), "{e}");
    }
}

#[test]
fn request_body_shape() {
    let client = LlmClient::new(LlmConfig {
        base_url: "http://h/".into(),
        model: "qwen".into(),
        temperature: 0.3,
        ..LlmConfig::default()
    });
    assert_eq!(client.url(), "http://h/v1/chat/completions");
    let messages = [ChatMessage::user("Hi")];
    let tools = json!([{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}]);
    assert_eq!(
        client.request_body(&messages, &tools),
        json!({"model": "qwen", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.3,
               "tools": tools, "tool_choice": "auto"})
    );
    for none in [json!([]), Value::Null] {
        assert_eq!(
            client.request_body(&messages, &none),
            json!({"model": "qwen", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.3})
        );
    }
}

#[test]
fn config_defaults_validation_and_redaction() {
    let c: LlmConfig =
        serde_json::from_str(r#"{"api_key": "sk-hidden", "base_url": "https://api.example"}"#)
            .unwrap();
    assert_eq!(c.validate(), Ok(()));
    assert!(!format!("{:?}", LlmClient::new(c.clone())).contains("sk-hidden"));
    let hot = LlmConfig {
        temperature: 3.0,
        ..c
    };
    assert!(hot.validate().unwrap_err().contains("temperature"));
    assert!(serde_json::from_str::<LlmConfig>(r#"{"temprature": 1}"#).is_err());
}
