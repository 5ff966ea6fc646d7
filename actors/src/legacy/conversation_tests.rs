use jiff::civil::date;
use serde_json::json;

use super::*;

fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

fn conversation(handover: Option<Handover>) -> Conversation {
    Conversation::new_on(&Business::default(), handover, date(2026, 3, 2))
}

fn system_text(c: &Conversation) -> &str {
    match &c.messages()[0] {
        ChatMessage::System { content } => content,
        other => panic!("first message is {other:?}"),
    }
}

/// The messages after the system prompt, as JSON.
fn tail_json(c: &Conversation) -> serde_json::Value {
    serde_json::to_value(&c.messages()[1..]).unwrap()
}

#[test]
fn system_prompt_has_the_business_tools_and_today() {
    let c = conversation(None);
    assert_eq!(c.messages().len(), 1);
    let p = system_text(&c);
    for needle in [
        "You are Ava, the receptionist at Bright Plumbing",
        "Drain cleaning $150",
        "Toilet repair $110",
        "Springfield and towns within 25 miles",
        "Visits take 60 minutes",
        "Today is Monday March 2nd (2026-03-02)",
        "America/Chicago",
        "call check_availability",
        "call book_appointment",
        "call reschedule_appointment",
        "what the problem is",
        "YYYY-MM-DD",
        "HH:MM on a 24-hour clock",
    ] {
        assert!(p.contains(needle), "{needle:?} missing from:\n{p}");
    }
    assert!(p.contains(&Business::default().hours.summary()));
    // PersonaPlex's spoken trigger has no place here: the model has real tools.
    assert!(!p.contains(crate::booking::business::BOOKING_PHRASE), "{p}");
    assert!(!p.contains("taking over"), "{p}");
}

#[test]
fn handover_carries_facts_and_transcript() {
    let c = conversation(Some(Handover {
        transcript: "Agent: Bright Plumbing, this is Ava.\nCaller: Hi, my drain is clogged.\n"
            .into(),
        facts: vec![
            "caller name: John Smith".into(),
            "  ".into(),
            "phone: 5551234567".into(),
        ],
    }));
    let p = system_text(&c);
    assert!(p.contains("taking over this call mid-way"), "{p}");
    assert!(p.contains("do not greet"), "{p}");
    assert!(
        p.contains("Already known: caller name: John Smith; phone: 5551234567."),
        "{p}"
    );
    assert!(
        p.ends_with(
            "The conversation so far:\nAgent: Bright Plumbing, this is Ava.\nCaller: Hi, my drain is clogged."
        ),
        "{p}"
    );

    // A long transcript keeps its end, from a line start.
    let long: String = (0..2000).map(|i| format!("Caller: line {i}\n")).collect();
    let c = conversation(Some(Handover {
        transcript: long,
        facts: vec![],
    }));
    let p = system_text(&c);
    assert!(!p.contains("Already known"));
    assert!(p.ends_with("Caller: line 1999"), "{}", &p[p.len() - 100..]);
    assert!(p.contains("so far:\n…\nCaller: line "), "cut at a line");
    assert!(!p.contains("Caller: line 10\n"));
    assert!(p.len() < 9000, "{} bytes", p.len());
}

#[test]
fn a_turn_with_a_tool_call_serializes_to_openai_shapes() {
    let mut c = conversation(None);
    c.user_said(" I'd like a drain cleaning on Tuesday at 3. ");
    c.assistant_called(&[call(
        "call_7",
        "check_availability",
        r#"{"date":"2026-03-03","time":"15:00"}"#,
    )]);
    assert_eq!(c.pending_tool_calls(), ["call_7"]);
    c.tool_result("call_7", "Tuesday March 3rd at 3 PM is open.");
    assert!(c.pending_tool_calls().is_empty());
    c.assistant_said("Tuesday at 3 PM is open. May I have your name?");
    c.user_said("John Smith.");

    assert_eq!(
        serde_json::to_value(&c.messages()[0]).unwrap(),
        json!({"role": "system", "content": system_text(&c)})
    );
    assert_eq!(
        tail_json(&c),
        json!([
            {"role": "user", "content": "I'd like a drain cleaning on Tuesday at 3."},
            {"role": "assistant", "content": null, "tool_calls": [{
                "id": "call_7", "type": "function",
                "function": {"name": "check_availability", "arguments": "{\"date\":\"2026-03-03\",\"time\":\"15:00\"}"}
            }]},
            {"role": "tool", "tool_call_id": "call_7", "content": "Tuesday March 3rd at 3 PM is open."},
            {"role": "assistant", "content": "Tuesday at 3 PM is open. May I have your name?"},
            {"role": "user", "content": "John Smith."},
        ])
    );
}

#[test]
fn caller_speech_during_tool_runs_waits_for_the_results() {
    let mut c = conversation(None);
    c.user_said("Book it.");
    c.assistant_called(&[
        call("a", "check_availability", "{}"),
        call("b", "book_appointment", "{}"),
    ]);
    c.user_said("Hello?");
    c.user_said("");
    c.user_said("Are you there?");
    c.tool_result("b", "Booked.");
    // Still one pending: the caller's words must not come between the call and its results.
    assert_eq!(c.pending_tool_calls(), ["a"]);
    c.tool_result("zzz", "for nothing");
    c.tool_result("a", "Free.");
    assert_eq!(
        tail_json(&c),
        json!([
            {"role": "user", "content": "Book it."},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "a", "type": "function", "function": {"name": "check_availability", "arguments": "{}"}},
                {"id": "b", "type": "function", "function": {"name": "book_appointment", "arguments": "{}"}},
            ]},
            {"role": "tool", "tool_call_id": "b", "content": "Booked."},
            {"role": "tool", "tool_call_id": "a", "content": "Free."},
            {"role": "user", "content": "Hello? Are you there?"},
        ])
    );
}

#[test]
fn consecutive_texts_of_one_side_merge_and_blanks_are_ignored() {
    let mut c = conversation(None);
    c.user_said("Hi.");
    c.user_said("  ");
    c.user_said("I need a plumber.");
    c.assistant_said("Sure.");
    c.assistant_said("What's the problem?");
    c.assistant_called(&[]);
    assert_eq!(
        tail_json(&c),
        json!([
            {"role": "user", "content": "Hi. I need a plumber."},
            {"role": "assistant", "content": "Sure. What's the problem?"},
        ])
    );
}
