//! Tests of name extraction: structure finds the run, cues say how sure it is.

use super::*;

fn name(text: &str) -> Option<(String, f32)> {
    let stop = vec![
        "drain".to_string(),
        "cleaning".to_string(),
        "acme".to_string(),
        "plumbing".to_string(),
    ];
    extract(&Sentence::parse(text), &stop).map(|(f, _)| (f.value, f.confidence))
}

fn part(text: &str) -> Option<NamePart> {
    extract(&Sentence::parse(text), &[]).and_then(|(_, p)| p)
}

#[test]
fn full_names_after_cues() {
    assert_eq!(
        name("So that's John Smith at 42 Oak Street."),
        Some(("John Smith".into(), WEAK_FULL))
    );
    assert_eq!(
        name("I have your name as Maria Garcia, is that right?"),
        Some(("Maria Garcia".into(), STRONG_FULL))
    );
    assert_eq!(
        name("Okay, I've got you down as Sean O'Brien."),
        Some(("Sean O'Brien".into(), STRONG_FULL))
    );
    assert_eq!(
        name("Helen Park, thank you."),
        Some(("Helen Park".into(), WEAK_FULL))
    );
    assert_eq!(
        name("Name, Ines Duarte."),
        Some(("Ines Duarte".into(), STRONG_FULL))
    );
}

#[test]
fn full_names_by_where_they_stand() {
    assert_eq!(
        name("So Dana Whitfield, 14 Ash Lane, 555 404 1188, Tuesday at 9 AM."),
        Some(("Dana Whitfield".into(), WEAK_FULL)),
        "a read-back list"
    );
    assert_eq!(
        name("Tobias Lind."),
        Some(("Tobias Lind".into(), WEAK_FULL)),
        "alone, as an answer"
    );
    assert_eq!(
        name("Ruth Okafor."),
        Some(("Ruth Okafor".into(), WEAK_FULL))
    );
    assert_eq!(
        name("Great, so that's for Omar Haddad at 7 Maple Court."),
        Some(("Omar Haddad".into(), WEAK_FULL))
    );
    assert_eq!(
        name("Got it, Anne-Marie Dubois-Laurent."),
        Some(("Anne-Marie Dubois-Laurent".into(), WEAK_FULL))
    );
}

#[test]
fn spelled_names() {
    assert_eq!(
        name("Your last name is N-O-V-A-K."),
        Some(("Novak".into(), STRONG_SINGLE))
    );
    assert_eq!(
        name("So that's Jan Novak, N-O-V-A-K."),
        Some(("Jan Novak".into(), STRONG_FULL)),
        "spelled back: plainly the caller's"
    );
    assert_eq!(
        part("And the last name is N-O-V-A-K."),
        Some(NamePart::Last)
    );
    assert_eq!(
        name("A-O-I-F-E, Aoife, Ni Dhuibhir, D-H-U-I-B-H-I-R."),
        Some(("Aoife Ni Dhuibhir".into(), STRONG_FULL))
    );
    assert_eq!(
        name("S-I-D-D-H-A-R-T-H, Siddharth, I-Y-E-R, Iyer. Phone number?"),
        Some(("Siddharth Iyer".into(), STRONG_FULL))
    );
    assert_eq!(
        name(
            "A-O-I-F-E, Aoife, and Bren|nan, B-R-E-N-N-A-N?"
                .replace('|', "")
                .as_str()
        ),
        Some(("Aoife Brennan".into(), STRONG_FULL))
    );
    assert_eq!(
        name("E-B-E-R-E, Ebere, Okafor? Okay."),
        Some(("Ebere Okafor".into(), STRONG_FULL))
    );
    assert_eq!(
        name("Then Zofia Przybylska is scheduled for an eye exam."),
        Some(("Zofia Przybylska".into(), STRONG_FULL))
    );
    assert_eq!(
        name("Giu|seppe, uh, Romano. Okay.".replace('|', "").as_str()),
        Some(("Giuseppe Romano".into(), WEAK_FULL))
    );
    assert_eq!(
        name("That's A-O-I-F-E, first name, and B-Y-R-N-E, last name."),
        Some(("Aoife Byrne".into(), STRONG_FULL))
    );
    assert_eq!(
        name("Pieter van der Berg, okay."),
        Some(("Pieter van der Berg".into(), WEAK_FULL))
    );
    assert_eq!(
        name("Min-jun Seo. Phone number?"),
        Some(("Min-jun Seo".into(), WEAK_FULL))
    );
    assert_eq!(
        name("That's on the calendar, this afternoon at 4, Gustavo Almeida, 55 Riverside."),
        Some(("Gustavo Almeida".into(), WEAK_FULL))
    );
    assert_eq!(
        name("First name Ines, last name Duarte."),
        Some(("Ines Duarte".into(), STRONG_FULL))
    );
}

#[test]
fn first_names_and_titles_are_not_enough() {
    assert_eq!(name("Thank you, John."), Some(("John".into(), WEAK_SINGLE)));
    assert_eq!(
        name("Thanks, Mr. Smith."),
        Some(("Smith".into(), WEAK_SINGLE))
    );
    assert_eq!(
        name("Your name is John, right?"),
        Some(("John".into(), STRONG_SINGLE))
    );
    assert_eq!(part("And your first name is Ines?"), Some(NamePart::First));
}

#[test]
fn labels_titles_and_addressed_callers() {
    assert_eq!(
        name("Owner, Lerato Mokoena. Address, 820 Riverbend Road."),
        Some(("Lerato Mokoena".into(), STRONG_FULL))
    );
    assert_eq!(
        name("Thanks for calling, Hiroshi Tanaka. We'll see you on the 6th."),
        Some(("Hiroshi Tanaka".into(), WEAK_FULL))
    );
    assert_eq!(
        part("Sure, Mr. Haddad, let me pull that up."),
        Some(NamePart::Last)
    );
    assert_eq!(
        name("Is that Delacroix hyphen Hale?").map(|n| n.0),
        Some("Delacroix-Hale".into())
    );
    assert_eq!(
        name("Z-S-O-F-I-A, Zsofia, and Horvath."),
        Some(("Zsofia Horvath".into(), STRONG_FULL))
    );
}

#[test]
fn the_greeting_names_the_agent() {
    let business = vec!["brightwire".to_string()];
    let said = |t: &str| extract_with(&Sentence::parse(t), &[], &business).map(|(f, _)| f.value);
    assert_eq!(said("Brightwire Electric, Paolo."), None);
    assert_eq!(
        said("Lisa Moreau, 75 Canal Street."),
        Some("Lisa Moreau".into())
    );
}

#[test]
fn things_that_are_not_the_callers_name() {
    assert_eq!(name("Hi, my name is Sarah Jones, how can I help?"), None);
    assert_eq!(
        name("Thanks for calling Acme Plumbing, this is Sam Peters."),
        None
    );
    assert_eq!(name("So that's Tuesday at 3 pm."), None);
    assert_eq!(name("That's Oak Street, right?"), None);
    assert_eq!(name("That's Drain Cleaning then."), None);
    assert_eq!(name("that's great"), None);
    assert_eq!(name("I have Tuesday at 1 pm open."), None);
    assert_eq!(name("Great, thank you."), None);
    assert_eq!(name("Our technician Marco Ruiz will be there."), None);
    assert_eq!(name("Twenty-eight Thornbury Close. Phone?"), None);
    assert_eq!(name("Bring ID and the key fob."), None);
    assert_eq!(name("So that's March 14th at 2."), None);
    assert!(
        name("Marco Ruiz is our best tech and he will see you then.").is_none_or(|(_, c)| c < 0.8),
        "a name with nothing saying it is the caller's is a guess"
    );
}
