//! The ToolBridge with its optional LLM extractor, against the OpenAI-compatible protocol peer
//! (`tests/peers/openai_peer.py`) over real sockets: the real `ToolBridge` and
//! `BookingExecutor` actors, an in-memory SQLite store, the agent's words fed as text pieces.
//!
//! What it proves: a supported answer books exactly what the model read; an answer the
//! transcript does not support (a phone digit made up) leaves that field missing, so nothing
//! is booked; a model slower than its timeout, one answering HTTP 500 and one answering
//! something that is not JSON all leave the decision to the rules, which book.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::{Actor, Context, Handler};
use actors::booking::business::Business;
use actors::booking::sentences::spoken_date;
use actors::booking::BookingDetails;
use actors::call::booking_executor::BookingExecutor;
use actors::call::messages::Shutdown;
use actors::call::tool_bridge::{AgentSaid, BridgeEvent, FlushBridge, ToolBridge};
use actors::legacy::{LlmClient, LlmConfig};
use actors::services::StoreHandle;
use actors::toolbridge::llm_extractor::SCHEMA_NAME;
use actors::toolbridge::{BridgeAction, ExtractionContext, ToolBridgeState};
use common::{Peer, Script, CHAT};
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use serde_json::{json, Value};

const CALL: &str = "CA-llm-extractor";

/// Passes the bridge's events to the test.
struct Collector(tokio::sync::mpsc::UnboundedSender<BridgeEvent>);

impl Actor for Collector {
    type Context = Context<Self>;
}

impl Handler<BridgeEvent> for Collector {
    type Result = ();

    fn handle(&mut self, event: BridgeEvent, _ctx: &mut Context<Self>) {
        let _ = self.0.send(event);
    }
}

/// Today in the business's zone, and the appointment day: a Tuesday to Friday (open 8 to 5) at
/// least two days ahead, so the executor never finds it past or closed.
fn days() -> (Date, Date) {
    let business = Business::default();
    let today = business.tz().to_datetime(jiff::Timestamp::now()).date();
    let mut day = today.saturating_add(2.days());
    while matches!(
        day.weekday(),
        Weekday::Saturday | Weekday::Sunday | Weekday::Monday
    ) {
        day = day.saturating_add(1.days());
    }
    (today, day)
}

/// The agent's side of the call: the details read back, then the commitment.
fn agent_sentences(day: Date) -> Vec<String> {
    vec![
        "Thanks for calling Bright Plumbing, this is Ava.".into(),
        "So that's John Smith at 42 Oak Street.".into(),
        "Your number is five five five, one two three, four five six seven.".into(),
        format!(
            "I have you down for the noisy faucet in the bathroom on {} at 3 PM.",
            spoken_date(day)
        ),
        "Let me book that for you.".into(),
    ]
}

/// What a model that read the call well answers. The service is the model's reading of "the
/// noisy faucet": a configured service the rules do not infer, so its booking is told apart
/// from the rules'.
fn good_answer(day: Date) -> Value {
    json!({
        "name": "John Smith",
        "phone": "555-123-4567",
        "email": null,
        "address": "42 Oak Street",
        "service": "Leak repair",
        "problem": "noisy faucet in the bathroom",
        "date": day.to_string(),
        "time": "15:00",
        "date_said": spoken_date(day),
        "time_said": "at 3 PM",
    })
}

/// What the rules alone make of the same sentences (the pure state machine, no extractor).
fn rules_details(today: Date, day: Date) -> BookingDetails {
    let mut state =
        ToolBridgeState::new(ExtractionContext::for_business(&Business::default(), today));
    let mut actions = Vec::new();
    for sentence in agent_sentences(day) {
        for word in sentence.split(' ') {
            actions.extend(state.push_piece(&format!(" {word}")));
        }
    }
    actions.extend(state.flush());
    match actions.as_slice() {
        [BridgeAction::Book(details)] => details.clone(),
        other => panic!("the rules should book this call, got {other:?}"),
    }
}

/// What came out of one commitment.
struct Outcome {
    events: Vec<BridgeEvent>,
    /// The appointments booked, as stored.
    booked: Option<BookingDetails>,
    /// From the end of the agent's turn to the decision.
    decided_after: Duration,
}

impl Outcome {
    fn extractor(&self) -> Vec<(&'static str, String)> {
        extracted(&self.events)
    }

    fn incomplete(&self) -> Option<Vec<&'static str>> {
        self.events.iter().find_map(|e| match e {
            BridgeEvent::Incomplete { missing, .. } => Some(missing.clone()),
            _ => None,
        })
    }
}

fn extracted(events: &[BridgeEvent]) -> Vec<(&'static str, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            BridgeEvent::Extracted { extractor, note } => Some((*extractor, note.clone())),
            _ => None,
        })
        .collect()
}

/// A real ToolBridge (LLM extractor on the peer) and BookingExecutor on an in-memory store.
struct Harness {
    bridge: actix::Addr<ToolBridge>,
    events: tokio::sync::mpsc::UnboundedReceiver<BridgeEvent>,
    store: StoreHandle,
    day: Date,
}

impl Harness {
    async fn start(peer: &Peer, timeout_ms: u64, api_key: &str) -> Self {
        let (today, day) = days();
        let business = Arc::new(Business::default());
        let store = StoreHandle::in_memory().unwrap();
        store
            .run(|s| {
                let now = jiff::Timestamp::now();
                s.record_call_start(CALL, "+15550001111", "+15550002222", "personaplex", now)
            })
            .await
            .unwrap();
        let executor =
            BookingExecutor::new(CALL.into(), business.clone(), store.clone(), None).start();
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        let client = LlmClient::new(LlmConfig {
            base_url: peer.base_url(),
            model: "extractor-8b".into(),
            timeout_ms,
            temperature: 0.0,
            api_key: api_key.into(),
        });
        let bridge = ToolBridge::new(
            CALL.into(),
            ExtractionContext::for_business(&business, today),
            executor,
            Collector(tx).start().recipient(),
        )
        .with_llm_extractor(client)
        .start();
        Harness {
            bridge,
            events,
            store,
            day,
        }
    }

    /// The agent says `sentence`, as PersonaPlex streams it: one piece per word.
    fn say(&self, sentence: &str) {
        for word in sentence.split(' ') {
            self.bridge.do_send(AgentSaid(format!(" {word}")));
        }
    }

    async fn next_event(&mut self, within: Duration) -> Option<BridgeEvent> {
        tokio::time::timeout(within, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// Ends the agent's turn and waits for what the bridge decided (a tool result or an
    /// incomplete booking).
    async fn decision(&mut self) -> Outcome {
        self.bridge.do_send(FlushBridge);
        let turn_ended = Instant::now();
        let mut events = Vec::new();
        loop {
            let event = self
                .next_event(Duration::from_secs(15))
                .await
                .expect("the bridge decided nothing within 15 s");
            // Notes on who extracted, and copies of the call's facts, come before the decision.
            let done = !matches!(event, BridgeEvent::Extracted { .. } | BridgeEvent::Facts(_));
            events.push(event);
            if done {
                break;
            }
        }
        let decided_after = turn_ended.elapsed();
        println!("decided {decided_after:?} after the end of the turn");
        let mut booked = self.booked().await;
        assert!(booked.len() <= 1, "{booked:?}");
        Outcome {
            events,
            booked: booked.pop(),
            decided_after,
        }
    }

    /// Every appointment booked on the appointment day, as stored (the store keeps no
    /// problem description).
    async fn booked(&self) -> Vec<BookingDetails> {
        let from = self.day.to_datetime(jiff::civil::Time::midnight());
        let to = from.saturating_add(1.day());
        let appointments = self
            .store
            .run(move |s| s.appointments_between(from, to))
            .await
            .unwrap();
        appointments
            .into_iter()
            .map(|a| BookingDetails {
                name: a.name,
                phone: a.phone,
                email: a.email,
                address: a.address,
                service: a.service,
                problem: None,
                date: a.start.date(),
                time: a.start.time(),
            })
            .collect()
    }
}

/// Plays the agent's sentences into a fresh [`Harness`] and waits for the decision.
async fn call(peer: &Peer, timeout_ms: u64, api_key: &str) -> Outcome {
    let mut harness = Harness::start(peer, timeout_ms, api_key).await;
    for sentence in agent_sentences(harness.day) {
        harness.say(&sentence);
    }
    harness.decision().await
}

fn script(name: &str, turns: &[Value]) -> Script {
    Script::new(
        name,
        &turns
            .iter()
            .map(|t| t.to_string() + "\n")
            .collect::<String>(),
    )
}

/// The stored booking, with what the store does not keep (the problem) left out.
fn as_stored(mut details: BookingDetails) -> BookingDetails {
    details.problem = None;
    details
}

#[actix_rt::test]
async fn a_supported_answer_books_exactly_what_the_model_read() {
    let (today, day) = days();
    let script = script("llm-good", &[json!({"json": good_answer(day)})]);
    let peer = Peer::start(&["--chat-script", script.arg(), "--api-key", "extractor-key"]);
    // The peer wants the key: the bridge's client must send it.
    let outcome = call(&peer, 2000, "extractor-key").await;

    let expected = BookingDetails {
        name: "John Smith".into(),
        phone: "5551234567".into(),
        email: None,
        address: "42 Oak Street".into(),
        service: "Leak repair".into(),
        problem: None,
        date: day,
        time: jiff::civil::time(15, 0, 0, 0),
    };
    assert_eq!(
        outcome.booked,
        Some(expected.clone()),
        "{:?}",
        outcome.events
    );
    // The rules would have booked something else: the model's reading decided.
    assert_ne!(as_stored(rules_details(today, day)), expected);
    assert_eq!(outcome.extractor().len(), 1);
    assert_eq!(outcome.extractor()[0].0, "llm");
    assert_eq!(
        outcome.extractor()[0].1,
        "details read by the llm extractor"
    );

    // The request: the agent's sentences, the call's date, the services, a strict schema.
    let stats = peer.stats().await;
    assert_eq!(stats["counts"][CHAT], 1);
    assert!(stats["refused"].get(CHAT).is_none(), "{stats}");
    assert_eq!(
        stats["last_headers"][CHAT]["Authorization"],
        "Bearer extractor-key"
    );
    let body = &stats["last_bodies"][CHAT];
    assert_eq!(body["model"], "extractor-8b");
    assert_eq!(body["temperature"], 0.0);
    assert!(body.get("tools").is_none(), "{body}");
    assert_eq!(body["response_format"]["json_schema"]["name"], SCHEMA_NAME);
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let user = body["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains(&today.to_string()), "{user}");
    assert!(user.contains("Leak repair"), "{user}");
    assert!(user.contains("- Let me book that for you.\n"), "{user}");
    assert_eq!(body["messages"][0]["role"], "system");
}

#[actix_rt::test]
async fn a_made_up_phone_digit_leaves_the_phone_missing_and_nothing_is_booked() {
    let (_, day) = days();
    let mut answer = good_answer(day);
    answer["phone"] = json!("555-123-4568");
    let script = script("llm-bad-phone", &[json!({ "json": answer })]);
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let outcome = call(&peer, 2000, "").await;

    assert_eq!(outcome.booked, None, "{:?}", outcome.events);
    assert_eq!(outcome.incomplete(), Some(vec!["phone"]));
    let (extractor, note) = outcome.extractor().remove(0);
    assert_eq!(extractor, "llm");
    assert!(note.contains("left out: phone"), "{note}");
}

#[actix_rt::test]
async fn a_model_slower_than_its_timeout_leaves_the_decision_to_the_rules() {
    let (today, day) = days();
    let script = script(
        "llm-slow",
        &[json!({"json": good_answer(day), "delay_ms": 3000})],
    );
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let outcome = call(&peer, 400, "").await;

    assert_eq!(
        outcome.booked,
        Some(as_stored(rules_details(today, day))),
        "{:?}",
        outcome.events
    );
    let (extractor, note) = outcome.extractor().remove(0);
    assert_eq!(extractor, "rules");
    assert!(note.contains("no answer within"), "{note}");
    // Decided at the timeout, not when the slow answer would have come.
    assert!(
        outcome.decided_after < Duration::from_millis(2500),
        "{:?}",
        outcome.decided_after
    );
}

#[actix_rt::test]
async fn an_endpoint_error_leaves_the_decision_to_the_rules() {
    let (today, day) = days();
    let script = script("llm-500", &[json!({"status": 500})]);
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let outcome = call(&peer, 2000, "").await;

    assert_eq!(
        outcome.booked,
        Some(as_stored(rules_details(today, day))),
        "{:?}",
        outcome.events
    );
    let (extractor, note) = outcome.extractor().remove(0);
    assert_eq!(extractor, "rules");
    assert!(note.contains("HTTP 500"), "{note}");
    assert_eq!(peer.stats().await["counts"][CHAT], 1);
}

#[actix_rt::test]
async fn an_answer_that_is_not_json_leaves_the_decision_to_the_rules() {
    let (today, day) = days();
    let script = script(
        "llm-prose",
        &[json!({"text": "Sure! The caller is John Smith."})],
    );
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let outcome = call(&peer, 2000, "").await;

    assert_eq!(
        outcome.booked,
        Some(as_stored(rules_details(today, day))),
        "{:?}",
        outcome.events
    );
    let (extractor, note) = outcome.extractor().remove(0);
    assert_eq!(extractor, "rules");
    assert!(note.contains("not the schema's JSON object"), "{note}");
}

#[actix_rt::test]
async fn a_newer_commitment_supersedes_the_extraction_in_flight() {
    let (_, day) = days();
    // Both requests find the first turn (the peer advances its script only once it answers),
    // so both wait 800 ms; the first is dropped by the client when the second commitment comes.
    let turn = json!({"json": good_answer(day), "delay_ms": 800});
    let script = script("llm-supersede", &[turn.clone(), turn]);
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let mut harness = Harness::start(&peer, 3000, "").await;
    for sentence in agent_sentences(day) {
        harness.say(&sentence);
    }
    harness.bridge.do_send(FlushBridge);
    tokio::time::sleep(Duration::from_millis(200)).await;
    harness.say("Sorry, one second, let me book that for you now.");
    let outcome = harness.decision().await;
    assert_eq!(outcome.extractor().len(), 1, "{:?}", outcome.events);
    assert_eq!(
        outcome.booked.map(|b| b.service),
        Some("Leak repair".into())
    );
    // The superseded extraction never decides: no second note, no second run.
    let mut late = Vec::new();
    while let Some(event) = harness.next_event(Duration::from_millis(1500)).await {
        late.push(event);
    }
    assert!(late.is_empty(), "{late:?}");
    assert_eq!(peer.stats().await["counts"][CHAT], 2);
}

#[actix_rt::test]
async fn a_commitment_at_hang_up_is_still_decided() {
    let (_, day) = days();
    let script = script(
        "llm-hang-up",
        &[json!({"json": good_answer(day), "delay_ms": 300})],
    );
    let peer = Peer::start(&["--chat-script", script.arg()]);
    let mut harness = Harness::start(&peer, 2000, "").await;
    for sentence in agent_sentences(day) {
        harness.say(&sentence);
    }
    // What the supervisor does when the call ends: flush, then shut down at once.
    harness.bridge.do_send(FlushBridge);
    harness.bridge.do_send(Shutdown);
    let mut event = harness.next_event(Duration::from_secs(5)).await;
    while matches!(event, Some(BridgeEvent::Facts(_))) {
        event = harness.next_event(Duration::from_secs(5)).await;
    }
    assert!(
        matches!(
            event,
            Some(BridgeEvent::Extracted {
                extractor: "llm",
                ..
            })
        ),
        "{event:?}"
    );
    // The bridge stops after deciding; the booking it asked for still happens.
    let deadline = Instant::now() + Duration::from_secs(5);
    while harness.booked().await.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let booked = harness.booked().await;
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].service, "Leak repair");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !harness.bridge.connected(),
        "the bridge stops once it has decided"
    );
}

/// Without the LLM extractor, too: a booking the agent committed to in its last turn is made,
/// though the call's end shuts the bridge down right after.
#[actix_rt::test]
async fn a_rules_booking_at_hang_up_is_made() {
    let (today, day) = days();
    let business = Arc::new(Business::default());
    let store = StoreHandle::in_memory().unwrap();
    store
        .run(|s| s.record_call_start(CALL, "+1", "+2", "personaplex", jiff::Timestamp::now()))
        .await
        .unwrap();
    let executor = BookingExecutor::new(CALL.into(), business.clone(), store.clone(), None).start();
    let (tx, _events) = tokio::sync::mpsc::unbounded_channel();
    let bridge = ToolBridge::new(
        CALL.into(),
        ExtractionContext::for_business(&business, today),
        executor,
        Collector(tx).start().recipient(),
    )
    .start();
    for sentence in agent_sentences(day) {
        for word in sentence.split(' ') {
            bridge.do_send(AgentSaid(format!(" {word}")));
        }
    }
    bridge.do_send(FlushBridge);
    bridge.do_send(Shutdown);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut runs = Vec::new();
    while runs.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        runs = store.run(|s| s.tool_runs(CALL)).await.unwrap();
    }
    assert_eq!(runs.len(), 1, "the booking committed at hang-up was lost");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!bridge.connected(), "the bridge stops once the run is done");
}
