//! ToolBridge accuracy on labelled call transcripts.
//!
//! Three sets, each a directory of `*.toml` files (one business each, format in
//! `tests/fixtures/transcripts/README.md`):
//! * `tests/fixtures/transcripts`: the first fixtures, written alongside the first rules;
//! * `tests/fixtures/corpus/tuning`: a larger corpus in other styles, used to tune the rules;
//! * `tests/fixtures/corpus/check`: a frozen part of it, never tuned on.
//!
//! Streams each agent turn through `ToolBridgeState` as PersonaPlex would (pieces, then a
//! flush while the caller talks), prints exact-match accuracy per field and per booking for
//! each set, and fails on any wrong booking (the call's final booking differs from the label,
//! or a booking where none was expected) or if whole-booking recall drops below 90% (85% on
//! the frozen part: see [`FROZEN_FLOOR`]).

use std::path::{Path, PathBuf};

use actors::booking::BookingDetails;
use actors::toolbridge::{
    BridgeAction, CallFacts, ExtractionContext, ServiceSpec, ToolBridgeState, BOOKING_THRESHOLD,
    DEFAULT_SERVICE,
};
use jiff::civil::{Date, Time};
use serde::Deserialize;

/// One fixture file: a business and its calls.
#[derive(Deserialize)]
struct Business {
    #[serde(default)]
    business: String,
    services: Vec<String>,
    default_service: Option<String>,
    open: Option<String>,
    close: Option<String>,
    call: Vec<Call>,
}

impl Business {
    fn context(&self, call_date: Date) -> ExtractionContext {
        let mut ctx = ExtractionContext::new(&[], call_date);
        ctx.business_name = self.business.clone();
        ctx.services = self
            .services
            .iter()
            .map(|s| ServiceSpec::named(s.clone()))
            .collect();
        ctx.default_service = self
            .default_service
            .clone()
            .unwrap_or_else(|| DEFAULT_SERVICE.to_string());
        if let (Some(open), Some(close)) = (&self.open, &self.close) {
            ctx.hours = (open.parse().expect("open"), close.parse().expect("close"));
        }
        ctx
    }
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
    #[serde(default)]
    style: String,
}

/// The booking a call should produce, as the fixture writes it. `service` and `email` are
/// checked only when the label has them (when the agent said them).
#[derive(Deserialize)]
struct Label {
    name: String,
    phone: String,
    email: Option<String>,
    address: String,
    service: Option<String>,
    date: String,
    time: String,
}

/// The compared form of a text field: case, punctuation and spacing do not matter.
fn plain(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '@' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Label {
    /// The label's fields in the compared form; `None` where the label does not check.
    fn fields(&self) -> [Option<String>; 7] {
        [
            Some(plain(&self.name)),
            Some(self.phone.clone()),
            self.email.as_deref().map(plain),
            Some(plain(&self.address)),
            self.service.as_deref().map(plain),
            Some(self.date.parse::<Date>().expect("label date").to_string()),
            Some(self.time.parse::<Time>().expect("label time").to_string()),
        ]
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

fn run(call: &Call, business: &Business) -> Run {
    let mut bridge =
        ToolBridgeState::new(business.context(call.call_date.parse().expect("call_date")));
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
        if trace(&call.id) {
            let sentence = actors::toolbridge::words::Sentence::parse(line);
            println!("  agent: {line}");
            println!(
                "    intents {:?}",
                actors::toolbridge::intent::detect(&sentence)
            );
            println!("    facts {:?}", confident(bridge.facts()));
            println!("    actions so far {actions:?}");
        }
    }
    Run {
        actions,
        facts: bridge.facts().clone(),
    }
}

/// `TOOLBRIDGE_TRACE=<id prefix>` prints each agent turn of the matching calls with what the
/// bridge made of it (turn-level intents, confident facts, actions so far).
fn trace(id: &str) -> bool {
    std::env::var("TOOLBRIDGE_TRACE").is_ok_and(|t| !t.is_empty() && id.starts_with(&t))
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
        sure(&facts.name).map(|n| plain(&n)),
        sure(&facts.phone),
        sure(&facts.email).map(|e| plain(&e)),
        sure(&facts.address).map(|a| plain(&a)),
        sure(&facts.service).map(|s| plain(&s)),
        sure(&facts.date),
        sure(&facts.time),
    ]
}

/// A booking's fields in the compared form.
fn fields(d: &BookingDetails) -> [Option<String>; 7] {
    [
        Some(plain(&d.name)),
        Some(d.phone.clone()),
        d.email.as_deref().map(plain),
        Some(plain(&d.address)),
        Some(plain(&d.service)),
        Some(d.date.to_string()),
        Some(d.time.to_string()),
    ]
}

/// Whether a booking matches a label on every field the label checks (an email booked where
/// the label has none is wrong too: a confirmation to a made-up address).
fn matches(got: &[Option<String>; 7], want: &[Option<String>; 7]) -> bool {
    got.iter()
        .zip(want)
        .enumerate()
        .all(|(i, (g, w))| match (i, w) {
            (4, None) => true, // service not said: any is fine
            _ => g == w,
        })
}

const FIELD_NAMES: [&str; 7] = [
    "name", "phone", "email", "address", "service", "date", "time",
];

/// The tally of one set of transcripts.
#[derive(Default)]
struct Score {
    positives: usize,
    negatives: usize,
    hits: usize,
    refused: usize,
    /// Per field: (correct, checked).
    field: [(usize, usize); 7],
    wrong: Vec<String>,
    problems: Vec<String>,
}

impl Score {
    fn recall(&self) -> f64 {
        self.hits as f64 / self.positives.max(1) as f64
    }

    fn print(&self, title: &str) {
        let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
        println!("\n## {title}\n");
        println!("| field   | correct | accuracy |");
        println!("|---------|---------|----------|");
        for (i, name) in FIELD_NAMES.iter().enumerate() {
            let (ok, n) = self.field[i];
            println!("| {name:<7} | {ok:>3}/{n:<3} | {:>7.1}% |", pct(ok, n));
        }
        println!(
            "| booked exactly       | {:>3}/{:<3} | {:>7.1}% |",
            self.hits,
            self.positives,
            pct(self.hits, self.positives)
        );
        println!(
            "| refused (negatives)  | {:>3}/{:<3} | {:>7.1}% |",
            self.refused,
            self.negatives,
            pct(self.refused, self.negatives)
        );
        println!(
            "| wrong bookings       | {:>3}     |          |",
            self.wrong.len()
        );
    }
}

/// Runs every call of every file in `dir` and scores it.
fn score(dir: &Path) -> Score {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut score = Score::default();
    for file in &files {
        let business: Business = toml::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for call in &business.call {
            let verdict = score.call(call, &business);
            println!("{:<48} {verdict}", call.id);
        }
    }
    score
}

impl Score {
    fn call(&mut self, call: &Call, business: &Business) -> String {
        let result = run(call, business);
        let books: Vec<&BookingDetails> = result
            .actions
            .iter()
            .filter_map(|a| match a {
                BridgeAction::Book(d) | BridgeAction::Reschedule(d) => Some(d),
                _ => None,
            })
            .collect();
        let incomplete = result.actions.iter().rev().find_map(|a| match a {
            BridgeAction::BookingIncomplete { missing } => Some(missing.clone()),
            _ => None,
        });
        let any = |f: fn(&BridgeAction) -> bool| result.actions.iter().any(f);
        if call.cancel && !any(|a| matches!(a, BridgeAction::Cancel { .. })) {
            self.problems
                .push(format!("{}: expected a Cancel action", call.id));
        }
        if call.check && !any(|a| matches!(a, BridgeAction::CheckAvailability { .. })) {
            self.problems
                .push(format!("{}: expected a CheckAvailability action", call.id));
        }
        match (call.outcome.as_str(), &call.booking) {
            ("none", None) => {
                self.negatives += 1;
                // A move of an appointment made on an earlier call that the agent never gave an
                // address for cannot be labelled: moving it is fine, booking a new one is not.
                let moves_only = call.style == "reschedule"
                    && result
                        .actions
                        .iter()
                        .all(|a| !matches!(a, BridgeAction::Book(_)));
                if books.is_empty() || moves_only {
                    self.refused += 1;
                    match incomplete {
                        Some(missing) => format!("refused (ok): missing/uncertain {missing:?}"),
                        None => "refused (ok): no commitment".to_string(),
                    }
                } else {
                    self.wrong.push(format!(
                        "{}: booked {books:?} but no booking was expected",
                        call.id
                    ));
                    "WRONG: booked".to_string()
                }
            }
            ("book", Some(label)) => {
                self.positives += 1;
                let want = label.fields();
                // What the call ends up holding: a correction replaces the call's booking.
                let last = books.last();
                let got = last
                    .map(|d| fields(d))
                    .unwrap_or_else(|| confident(&result.facts));
                for (i, w) in want.iter().enumerate() {
                    if let Some(w) = w {
                        self.field[i].1 += 1;
                        self.field[i].0 += usize::from(got[i].as_ref() == Some(w));
                    }
                }
                match last {
                    None => format!("MISS (missing/uncertain: {incomplete:?}; facts: {got:?})"),
                    Some(d) if !matches(&fields(d), &want) => {
                        self.wrong
                            .push(format!("{}: booked {d:?}, expected {want:?}", call.id));
                        "WRONG: fields differ".to_string()
                    }
                    Some(_) => {
                        self.hits += 1;
                        "booked (ok)".to_string()
                    }
                }
            }
            _ => panic!(
                "{}: outcome must be \"book\" with [call.booking] or \"none\" without",
                call.id
            ),
        }
    }
}

fn fixtures(part: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(part)
}

/// Asserts a set has no wrong booking, no missing check/cancel, and at least `min_recall`.
fn assert_scored(title: &str, score: &Score, min_recall: f64) {
    score.print(title);
    assert!(
        score.positives >= 30 && score.negatives >= 10,
        "{title}: need at least 30 bookable calls and 10 negatives"
    );
    assert!(
        score.wrong.is_empty(),
        "{title}: wrong bookings:\n{}",
        score.wrong.join("\n")
    );
    assert!(
        score.problems.is_empty(),
        "{title}: {}",
        score.problems.join("\n")
    );
    assert!(
        score.recall() >= min_recall,
        "{title}: whole-booking recall {:.1}% is below {:.0}%",
        score.recall() * 100.0,
        min_recall * 100.0
    );
}

/// The goal is 90% on unseen read-backs; the rules reach 87% on this frozen part (see
/// the README's figures), and it is never tuned on, so this floor only guards against a
/// regression. Any wrong booking fails it, as everywhere.
const FROZEN_FLOOR: f64 = 0.85;

#[test]
fn accuracy_on_the_frozen_check_corpus() {
    assert_scored(
        "corpus/check (frozen)",
        &score(&fixtures("corpus/check")),
        FROZEN_FLOOR,
    );
}

/// A second frozen part, written after the rules by someone who never saw them, measured once
/// and never tuned on.
#[test]
fn accuracy_on_the_fresh_corpus() {
    assert_scored(
        "corpus/fresh (frozen)",
        &score(&fixtures("corpus/fresh")),
        FROZEN_FLOOR,
    );
}

#[test]
fn accuracy_on_the_tuning_corpus() {
    assert_scored("corpus/tuning", &score(&fixtures("corpus/tuning")), 0.9);
}

#[test]
fn accuracy_on_the_first_fixtures() {
    assert_scored(
        "transcripts (first fixtures)",
        &score(&fixtures("transcripts")),
        0.9,
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

/// The same call cut into pieces anywhere (inside words, before punctuation, one character at a
/// time): PersonaPlex's text pieces are not aligned with anything, so the bridge must book the
/// same whatever the cut. Also proves no transcript makes it panic.
#[test]
fn bookings_do_not_depend_on_where_the_stream_cuts_words() {
    /// A small deterministic generator: the same cuts on every run.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }
    let mut rng = Lcg(7);
    let mut checked = 0;
    for part in ["transcripts", "corpus/tuning", "corpus/check"] {
        let dir = fixtures(part);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for file in files {
            let business: Business =
                toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            for call in &business.call {
                let canonical = run(call, &business).actions;
                let date = call.call_date.parse().unwrap();
                let mut bridge = ToolBridgeState::new(business.context(date));
                let mut actions = Vec::new();
                for line in call.transcript.lines().map(str::trim) {
                    if line.is_empty() || line.starts_with("caller:") {
                        continue;
                    }
                    let text = format!(" {}", line.replace('|', ""));
                    let chars: Vec<char> = text.chars().collect();
                    let mut at = 0;
                    while at < chars.len() {
                        let len = 1 + rng.next(6);
                        let end = (at + len).min(chars.len());
                        let piece: String = chars[at..end].iter().collect();
                        actions.extend(bridge.push_piece(&piece));
                        at = end;
                    }
                    actions.extend(bridge.flush());
                }
                let books = |a: &[BridgeAction]| -> Vec<BridgeAction> {
                    a.iter()
                        .filter(|a| {
                            matches!(a, BridgeAction::Book(_) | BridgeAction::Reschedule(_))
                        })
                        .cloned()
                        .collect()
                };
                assert_eq!(
                    books(&actions),
                    books(&canonical),
                    "{}: cut differently",
                    call.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} calls");
}
