//! ToolBridge accuracy on labelled call transcripts (tests/fixtures/transcripts/*.toml).
//!
//! Streams each agent turn through `ToolBridgeState` as PersonaPlex would (pieces, then a
//! flush while the caller talks), prints exact-match accuracy per field and per booking, and
//! fails on any wrong booking (fields differ from the label, or a booking where none was
//! expected) or if whole-booking recall drops below 80%.

use std::path::PathBuf;

use actors::booking::BookingDetails;
use actors::toolbridge::{
    BridgeAction, CallFacts, ExtractionContext, ToolBridgeState, BOOKING_THRESHOLD,
};
use jiff::civil::{Date, Time};
use serde::Deserialize;

const MIN_RECALL: f64 = 0.8;

/// One fixture file: a business and its calls.
#[derive(Deserialize)]
struct Business {
    services: Vec<String>,
    call: Vec<Call>,
}

/// One labelled call: its transcript and what it should lead to.
#[derive(Deserialize)]
struct Call {
    id: String,
    call_date: String,
    outcome: String,
    transcript: String,
    booking: Option<Label>,
    #[serde(default)]
    cancel: bool,
    #[serde(default)]
    check: bool,
}

/// The booking a call should produce, as the fixture writes it.
#[derive(Deserialize)]
struct Label {
    name: String,
    phone: String,
    email: Option<String>,
    address: String,
    service: String,
    date: String,
    time: String,
}

impl Label {
    fn details(&self) -> BookingDetails {
        BookingDetails {
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            service: self.service.clone(),
            problem: None,
            date: self.date.parse::<Date>().expect("label date"),
            time: self.time.parse::<Time>().expect("label time"),
        }
    }
}

/// Cuts one agent line into pieces the way PersonaPlex streams them: a leading space starts a
/// word, `.?!` are pieces of their own, every other comma too, e-mail addresses are cut at `.`
/// and `@`, long words are cut in two, and `|` marks an extra cut inside a word.
fn pieces(line: &str, commas: &mut usize) -> Vec<String> {
    let mut out = Vec::new();
    for word in line.split_whitespace() {
        let core = word.trim_end_matches(['.', ',', '?', '!']);
        let trailing = &word[core.len()..];
        let mut parts: Vec<String> = if core.contains('|') {
            core.split('|').map(str::to_string).collect()
        } else if core.contains('@') {
            let mut parts = vec![String::new()];
            for c in core.chars() {
                if c == '.' || c == '@' {
                    parts.push(c.to_string());
                    parts.push(String::new());
                } else {
                    parts.last_mut().unwrap().push(c);
                }
            }
            parts.into_iter().filter(|p| !p.is_empty()).collect()
        } else if core.chars().count() >= 9 {
            let mid = core.char_indices().nth(core.chars().count() / 2).unwrap().0;
            vec![core[..mid].to_string(), core[mid..].to_string()]
        } else {
            vec![core.to_string()]
        };
        parts[0].insert(0, ' ');
        for mark in trailing.chars() {
            if mark == ',' {
                *commas += 1;
                if commas.is_multiple_of(2) {
                    parts.last_mut().unwrap().push(',');
                    continue;
                }
            }
            parts.push(mark.to_string());
        }
        out.extend(parts);
    }
    out
}

/// What one call produced.
struct Run {
    actions: Vec<BridgeAction>,
    facts: CallFacts,
}

fn run(call: &Call, services: &[String]) -> Run {
    let ctx = ExtractionContext {
        services: services.to_vec(),
        call_date: call.call_date.parse().expect("call_date"),
    };
    let mut bridge = ToolBridgeState::new(ctx);
    let mut actions = Vec::new();
    let mut commas = 0;
    for line in call.transcript.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("caller:") {
            continue;
        }
        for piece in pieces(line, &mut commas) {
            actions.extend(bridge.push_piece(&piece));
        }
        actions.extend(bridge.flush());
    }
    Run {
        actions,
        facts: bridge.facts().clone(),
    }
}

/// The confident value of every field at the end of a call, for per-field accuracy when no
/// booking was made.
fn confident(facts: &CallFacts) -> [Option<String>; 7] {
    fn sure<T: ToString>(f: &Option<actors::toolbridge::Field<T>>) -> Option<String> {
        f.as_ref()
            .filter(|f| f.confidence >= BOOKING_THRESHOLD)
            .map(|f| f.value.to_string())
    }
    [
        sure(&facts.name),
        sure(&facts.phone),
        sure(&facts.email),
        sure(&facts.address),
        sure(&facts.service),
        sure(&facts.date),
        sure(&facts.time),
    ]
}

fn fields(d: &BookingDetails) -> [Option<String>; 7] {
    [
        Some(d.name.clone()),
        Some(d.phone.clone()),
        d.email.clone(),
        Some(d.address.clone()),
        Some(d.service.clone()),
        Some(d.date.to_string()),
        Some(d.time.to_string()),
    ]
}

const FIELD_NAMES: [&str; 7] = [
    "name", "phone", "email", "address", "service", "date", "time",
];

#[test]
fn toolbridge_accuracy_on_labelled_transcripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();

    let (mut calls, mut negatives, mut positives, mut hits, mut refused) = (0, 0, 0, 0, 0);
    let mut field_ok = [0usize; 7];
    let mut wrong: Vec<String> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for file in &files {
        let business: Business = toml::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for call in &business.call {
            calls += 1;
            let result = run(call, &business.services);
            let books: Vec<&BookingDetails> = result
                .actions
                .iter()
                .filter_map(|a| {
                    if let BridgeAction::Book(d) = a {
                        Some(d)
                    } else {
                        None
                    }
                })
                .collect();
            let incomplete = result.actions.iter().rev().find_map(|a| match a {
                BridgeAction::BookingIncomplete { missing } => Some(missing.clone()),
                _ => None,
            });
            if call.cancel
                && !result
                    .actions
                    .iter()
                    .any(|a| matches!(a, BridgeAction::Cancel { .. }))
            {
                problems.push(format!("{}: expected a Cancel action", call.id));
            }
            if call.check
                && !result
                    .actions
                    .iter()
                    .any(|a| matches!(a, BridgeAction::CheckAvailability { .. }))
            {
                problems.push(format!("{}: expected a CheckAvailability action", call.id));
            }
            let verdict = match (call.outcome.as_str(), &call.booking) {
                ("none", None) => {
                    negatives += 1;
                    if books.is_empty() {
                        refused += 1;
                        match incomplete {
                            Some(missing) => format!("refused (ok): missing/uncertain {missing:?}"),
                            None => "refused (ok): no commitment".to_string(),
                        }
                    } else {
                        wrong.push(format!(
                            "{}: booked {:?} but no booking was expected",
                            call.id, books
                        ));
                        "WRONG: booked".to_string()
                    }
                }
                ("book", Some(label)) => {
                    positives += 1;
                    let expected = label.details();
                    let got = books
                        .first()
                        .map(|d| fields(d))
                        .unwrap_or_else(|| confident(&result.facts));
                    for (i, want) in fields(&expected).iter().enumerate() {
                        field_ok[i] += usize::from(got[i] == *want);
                    }
                    if let Some(bad) = books.iter().find(|d| ***d != expected) {
                        wrong.push(format!(
                            "{}: booked {bad:?}, expected {expected:?}",
                            call.id
                        ));
                        "WRONG: fields differ".to_string()
                    } else if books.is_empty() {
                        format!(
                            "MISS (missing/uncertain: {incomplete:?}; facts: {:?})",
                            confident(&result.facts)
                        )
                    } else {
                        hits += 1;
                        "booked (ok)".to_string()
                    }
                }
                _ => panic!(
                    "{}: outcome must be \"book\" with [call.booking] or \"none\" without",
                    call.id
                ),
            };
            println!("{:<48} {verdict}", call.id);
        }
    }

    let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
    println!("\nPer-field exact match on the {positives} calls that should book:");
    println!("| field   | correct | accuracy |");
    println!("|---------|---------|----------|");
    for (i, name) in FIELD_NAMES.iter().enumerate() {
        println!(
            "| {name:<7} | {:>3}/{:<3} | {:>7.1}% |",
            field_ok[i],
            positives,
            pct(field_ok[i], positives)
        );
    }
    println!("\n| whole booking        | count   | rate     |");
    println!("|----------------------|---------|----------|");
    println!(
        "| booked exactly       | {:>3}/{:<3} | {:>7.1}% |",
        hits,
        positives,
        pct(hits, positives)
    );
    println!(
        "| refused (negatives)  | {:>3}/{:<3} | {:>7.1}% |",
        refused,
        negatives,
        pct(refused, negatives)
    );
    println!(
        "| wrong bookings       | {:>3}     |          |",
        wrong.len()
    );

    assert!(
        calls >= 40 && negatives >= 10,
        "need at least 40 calls and 10 negatives, have {calls} and {negatives}"
    );
    assert!(wrong.is_empty(), "wrong bookings:\n{}", wrong.join("\n"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let recall = hits as f64 / positives as f64;
    assert!(
        recall >= MIN_RECALL,
        "whole-booking recall {:.1}% is below {:.0}%",
        recall * 100.0,
        MIN_RECALL * 100.0
    );
}

#[test]
fn the_piece_splitter_cuts_like_personaplex() {
    let mut commas = 0;
    let got = pieces(
        "So that's John Smi|th, john.smith@example.com, technician.",
        &mut commas,
    );
    assert_eq!(
        got,
        [
            " So", " that's", " John", " Smi", "th", ",", " john", ".", "smith", "@", "example",
            ".", "com,", " techn", "ician", "."
        ]
    );
}
