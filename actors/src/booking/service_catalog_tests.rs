use super::*;
use crate::booking::business::Service;

/// A business whose services all use keywords derived from their names.
fn derived_only() -> Business {
    let service = |name: &str| Service {
        name: name.into(),
        price: "$1".into(),
        keywords: None,
    };
    Business {
        services: vec![
            service("Drain cleaning"),
            service("Leak repair"),
            service("Water heater repair"),
            service("Toilet repair"),
            service("AC tune-up"),
            service("General service"),
        ],
        ..Business::default()
    }
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

#[test]
fn keywords_are_derived_from_the_name_without_generic_words() {
    assert_eq!(derived_keywords("Water heater repair"), ["water", "heater"]);
    assert_eq!(derived_keywords("Drain cleaning"), ["drain"]);
    assert_eq!(derived_keywords("AC tune-up"), ["ac"]);
    assert_eq!(
        derived_keywords("Gutters and downspouts"),
        ["gutter", "downspout"]
    );
    assert!(derived_keywords("General service").is_empty());
    assert!(derived_keywords("Service call").is_empty());
}

#[test]
fn a_described_problem_maps_to_its_service() {
    let catalog = derived_only().service_catalog();
    assert_eq!(
        catalog.match_problem(&words("water heater is making noise")),
        Some("Water heater repair")
    );
    assert_eq!(
        catalog.match_problem(&words("My TOILET keeps running.")),
        Some("Toilet repair")
    );
    assert_eq!(
        catalog.match_problem(&words("the pipe is leaking")),
        Some("Leak repair")
    );
    assert_eq!(
        catalog.match_problem(&words("the heaters are cold")),
        Some("Water heater repair")
    );
    assert_eq!(catalog.match_text("the ac is dead"), Some("AC tune-up"));
}

#[test]
fn no_hit_or_a_tie_is_no_service() {
    let catalog = derived_only().service_catalog();
    assert_eq!(catalog.match_problem(&words("a strange smell")), None);
    assert_eq!(catalog.match_problem(&[]), None);
    // "water" (Water heater repair) and "leak" (Leak repair) score one each: too unsure.
    assert_eq!(
        catalog.match_problem(&words("water leaking by the door")),
        None
    );
    // Generic words are not keywords: "repair" alone says nothing.
    assert_eq!(catalog.match_problem(&words("needs a repair")), None);
}

#[test]
fn configured_keywords_replace_the_derived_ones_and_phrases_count_more() {
    let catalog = Business::default().service_catalog();
    assert_eq!(catalog.default_service(), "Service call");
    assert_eq!(
        catalog.match_problem(&words("water heater is making noise")),
        Some("Water heater repair")
    );
    assert_eq!(
        catalog.match_problem(&words("the kitchen sink is clogged")),
        Some("Drain cleaning")
    );
    // "water" alone is not a keyword here ("water heater", "hot water" are): a leak it is.
    assert_eq!(
        catalog.match_problem(&words("water dripping from the ceiling")),
        Some("Leak repair")
    );
    // "backed up" only counts as a phrase.
    assert_eq!(
        catalog.match_problem(&words("the shower is backed up")),
        Some("Drain cleaning")
    );
    assert_eq!(catalog.match_problem(&words("I backed the car up")), None);
    // The hot-water phrase (2) and "leak" (1): the more specific wins.
    assert_eq!(
        catalog.match_problem(&words("no hot water and a small leak")),
        Some("Water heater repair")
    );
    // Toilet repair has no keywords configured: derived from its name.
    let toilet = &catalog.services()[3];
    assert_eq!(
        (toilet.name.as_str(), toilet.keywords.clone()),
        ("Toilet repair", vec!["toilet".to_string()])
    );
}

#[test]
fn business_exposes_names_keywords_and_the_default() {
    let b = Business::default();
    let keywords = b.service_keywords();
    assert_eq!(keywords.len(), 4);
    assert_eq!(keywords[0].0, "Drain cleaning");
    assert_eq!(keywords[0].1, ["drain", "clog", "sink", "backed up"]);
    assert_eq!(b.service_name(" drain CLEANING "), Some("Drain cleaning"));
    assert_eq!(b.service_name("service call"), Some("Service call"));
    assert_eq!(b.service_name("  "), Some("Service call"));
    assert_eq!(b.service_name("Roof repair"), None);
}

#[test]
fn stems_meet_across_forms() {
    for (a, b) in [
        ("leaking", "leak"),
        ("leaky", "leak"),
        ("leaks", "leak"),
        ("dripping", "drip"),
        ("clogged", "clog"),
        ("batteries", "battery"),
        ("boxes", "box"),
        ("ceiling", "ceiling"),
    ] {
        assert_eq!(stem(a), stem(b), "{a} / {b}");
    }
    assert_eq!(stem("gas"), "gas");
    assert_eq!(stem("installed"), "install");
}
