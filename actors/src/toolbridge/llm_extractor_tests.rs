//! Unit tests of the LLM extractor: the request, the answer's parsing, and above all the check
//! of every field against the transcript.

use jiff::civil::{date, time};

use super::*;

/// Wednesday 12 March 2025, open 8 to 6.
fn ctx() -> ExtractionContext {
    ExtractionContext::new(&["Drain cleaning", "Leak repair"], date(2025, 3, 12))
}

fn transcript() -> Vec<String> {
    [
        "Thanks for calling Bright Plumbing, this is Ava.",
        "So that's John Smith at 42 Oak Street.",
        "Your number is five five five, one two three, four five six seven, and your email is john at example dot com.",
        "I have you down for a leak under the kitchen sink on Friday at 3 pm.",
        "Let me book that for you.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn good() -> LlmAnswer {
    let s = |v: &str| Some(v.to_string());
    LlmAnswer {
        name: s("John Smith"),
        phone: s("555-123-4567"),
        email: s("john@example.com"),
        address: s("42 Oak St"),
        service: s("Leak repair"),
        problem: s("a leak under the kitchen sink"),
        date: s("2025-03-14"),
        time: s("15:00"),
        date_said: s("on Friday"),
        time_said: s("at 3 pm"),
    }
}

fn checked(answer: &LlmAnswer) -> Checked {
    check(answer, CommitmentKind::Book, &transcript(), &ctx())
}

fn missing(answer: &LlmAnswer) -> Vec<&'static str> {
    checked(answer).details.expect_err("should be incomplete")
}

#[test]
fn a_supported_answer_gives_its_details() {
    let checked = checked(&good());
    assert_eq!(checked.unsupported, Vec::<&str>::new());
    assert_eq!(
        checked.details,
        Ok(BookingDetails {
            name: "John Smith".into(),
            phone: "5551234567".into(),
            email: Some("john@example.com".into()),
            address: "42 Oak St".into(),
            service: "Leak repair".into(),
            problem: Some("a leak under the kitchen sink".into()),
            date: date(2025, 3, 14),
            time: time(15, 0, 0, 0),
        })
    );
}

#[test]
fn a_made_up_phone_digit_is_missing() {
    let mut answer = good();
    answer.phone = Some("555-123-4568".into());
    assert_eq!(missing(&answer), ["phone"]);
    assert_eq!(checked(&answer).unsupported, ["phone"]);
    // Too short or too long is no phone number either, even when its digits were said.
    answer.phone = Some("123-4567".into());
    assert_eq!(missing(&answer), ["phone"]);
    answer.phone = Some("25551234567".into());
    assert_eq!(missing(&answer), ["phone"]);
}

#[test]
fn phone_digits_are_read_the_way_the_rules_read_them() {
    let transcript = vec![
        "Sarah Lee at 9 Elm Street, eight oh one, double five two, three oh oh nine.".to_string(),
        "On Friday at 3 pm, let me book that.".to_string(),
    ];
    let mut answer = good();
    answer.name = Some("Sarah Lee".into());
    answer.address = Some("9 Elm Street".into());
    answer.email = None;
    answer.problem = None;
    answer.phone = Some("(801) 552-3009".into());
    let details = check(&answer, CommitmentKind::Book, &transcript, &ctx()).details;
    assert_eq!(details.map(|d| d.phone), Ok("8015523009".into()));
    // A correction inside the number: the corrected digits are the number.
    let transcript = vec!["That's 555 404 1188, no wait, 1189.".to_string()];
    let supported = |phone: &str| {
        let answer = LlmAnswer {
            phone: Some(phone.into()),
            ..LlmAnswer::default()
        };
        check(&answer, CommitmentKind::Book, &transcript, &ctx()).unsupported
    };
    assert_eq!(supported("5554041189"), Vec::<&str>::new());
    assert_eq!(supported("5554041188"), ["phone"]);
    // The country code is kept only when it was said.
    let transcript = vec!["That's +1 555 123 4567.".to_string()];
    let mut answer = good();
    answer.phone = Some("+1 555 123 4567".into());
    let checked = check(&answer, CommitmentKind::Book, &transcript, &ctx());
    assert!(!checked.unsupported.contains(&"phone"));
    let checked = check(&answer, CommitmentKind::Book, &self::transcript(), &ctx());
    assert!(
        !checked.unsupported.contains(&"phone"),
        "the 10 digits were said"
    );
}

#[test]
fn a_date_the_rules_resolve_differently_is_missing() {
    let mut answer = good();
    answer.date = Some("2025-03-21".into()); // the Friday after
    assert_eq!(missing(&answer), ["date"]);
    // The words must be the agent's: "next Friday" was never said.
    let mut answer = good();
    answer.date_said = Some("next Friday".into());
    assert_eq!(missing(&answer), ["date"]);
    // Without the words there is nothing to resolve.
    answer.date_said = None;
    assert_eq!(missing(&answer), ["date"]);
    // Not a date at all.
    let mut answer = good();
    answer.date = Some("Friday".into());
    assert_eq!(missing(&answer), ["date"]);
}

#[test]
fn a_time_is_the_rules_reading_of_the_words_and_never_a_guess() {
    let mut answer = good();
    answer.time = Some("03:00".into());
    assert_eq!(missing(&answer), ["time"]);
    answer.time = Some("15:00".into());
    answer.time_said = Some("3 pm".into());
    assert!(checked(&answer).details.is_ok());
    // "at seven" is 7 AM to the rules too (7 PM is after closing, and so is 7 AM), but only a
    // guess: not booked from a model either.
    let mut transcript = transcript();
    transcript[3] = "I have you down for Friday at seven.".into();
    answer.date_said = Some("Friday".into());
    answer.time_said = Some("at seven".into());
    answer.time = Some("07:00".into());
    let details = check(&answer, CommitmentKind::Book, &transcript, &ctx()).details;
    assert_eq!(details.expect_err("a guess"), ["time"]);
}

#[test]
fn words_ruled_out_in_the_transcript_do_not_count() {
    let mut transcript = transcript();
    transcript[3] = "So Friday at 3 pm, not Thursday.".into();
    let mut answer = good();
    answer.date = Some("2025-03-13".into());
    answer.date_said = Some("Thursday".into());
    let details = check(&answer, CommitmentKind::Book, &transcript, &ctx()).details;
    assert_eq!(details.expect_err("ruled out"), ["date"]);
    answer.date = Some("2025-03-14".into());
    answer.date_said = Some("Friday".into());
    let details = check(&answer, CommitmentKind::Book, &transcript, &ctx()).details;
    assert_eq!(details.map(|d| d.date), Ok(date(2025, 3, 14)));
}

#[test]
fn names_must_be_said_or_spelled() {
    let mut answer = good();
    answer.name = Some("John Smyth".into());
    assert_eq!(missing(&answer), ["name"]);
    answer.name = Some("john smith".into());
    assert!(checked(&answer).details.is_ok(), "any case");
    let mut transcript = transcript();
    transcript.push("And the last name is spelled S M Y T H.".into());
    answer.name = Some("John Smyth".into());
    let details = check(&answer, CommitmentKind::Book, &transcript, &ctx()).details;
    assert_eq!(details.map(|d| d.name), Ok("John Smyth".into()));
}

#[test]
fn an_unsupported_email_is_left_out() {
    let mut answer = good();
    answer.email = Some("john@example.org".into());
    let checked = checked(&answer);
    assert_eq!(checked.unsupported, ["email"]);
    assert_eq!(checked.details.map(|d| d.email), Ok(None));
    let mut answer = good();
    answer.email = Some("jo@hnexample.com".into());
    assert_eq!(self::checked(&answer).unsupported, ["email"]);
}

#[test]
fn addresses_need_their_number_and_street_words() {
    let mut answer = good();
    answer.address = Some("44 Oak Street".into());
    assert_eq!(missing(&answer), ["address"]);
    answer.address = Some("42 Elm Street".into());
    assert_eq!(missing(&answer), ["address"]);
    answer.address = Some("Oak Street".into());
    assert_eq!(missing(&answer), ["address"]);
    // Spoken numbers and ordinal street names.
    let transcript = vec!["That's one twenty three Fifth Avenue, apartment four.".to_string()];
    answer.address = Some("123 5th Ave, Apt 4".into());
    let checked = check(&answer, CommitmentKind::Book, &transcript, &ctx());
    assert!(!checked.unsupported.contains(&"address"), "{checked:?}");
    answer.address = Some("123 5th Ave, Apt 5".into());
    let checked = check(&answer, CommitmentKind::Book, &transcript, &ctx());
    assert!(checked.unsupported.contains(&"address"));
}

#[test]
fn services_are_the_configured_ones_or_the_default() {
    let mut answer = good();
    answer.service = Some("leak repair".into());
    assert_eq!(
        checked(&answer).details.map(|d| d.service),
        Ok("Leak repair".into())
    );
    answer.service = Some("Roof repair".into());
    let checked = self::checked(&answer);
    assert_eq!(checked.unsupported, ["service"]);
    assert_eq!(
        checked.details.map(|d| d.service),
        Ok("Service call".into())
    );
    answer.service = None;
    assert_eq!(
        self::checked(&answer).details.map(|d| d.service),
        Ok("Service call".into())
    );
}

#[test]
fn a_problem_not_described_is_left_out() {
    let mut answer = good();
    answer.problem = Some("a burst pipe in the basement".into());
    let checked = checked(&answer);
    assert_eq!(checked.unsupported, ["problem"]);
    assert_eq!(checked.details.map(|d| d.problem), Ok(None));
}

#[test]
fn a_reschedule_needs_no_address_and_missing_fields_keep_the_rules_order() {
    let mut answer = good();
    answer.address = None;
    let details = check(&answer, CommitmentKind::Reschedule, &transcript(), &ctx()).details;
    assert_eq!(details.map(|d| d.address), Ok(String::new()));
    assert_eq!(
        missing(&LlmAnswer::default()),
        ["name", "phone", "address", "date", "time"]
    );
    assert_eq!(
        checked(&LlmAnswer::default()).unsupported,
        Vec::<&str>::new()
    );
}

#[test]
fn answers_are_parsed_leniently_but_must_be_json() {
    let answer = parse_answer(
        "```json\n{\"name\": \"John Smith\", \"phone\": \"\", \"email\": null, \"extra\": 1}\n```",
    )
    .unwrap();
    assert_eq!(
        answer,
        LlmAnswer {
            name: Some("John Smith".into()),
            ..LlmAnswer::default()
        }
    );
    assert!(parse_answer("Sure! The name is John Smith.").is_err());
    let err = parse_answer("{\"phone\": 5551234567}").unwrap_err();
    assert!(!err.contains("5551234567"), "{err}");
    assert!(parse_answer("[]").is_err());
}

#[test]
fn the_request_carries_the_date_services_transcript_and_a_strict_schema() {
    let request = request(CommitmentKind::Book, &transcript(), &ctx());
    assert!(request.user.starts_with("Today is Wednesday 2025-03-12."));
    assert!(request
        .user
        .contains("Services: Drain cleaning; Leak repair."));
    assert!(request
        .user
        .ends_with("- I have you down for a leak under the kitchen sink on Friday at 3 pm.\n- Let me book that for you.\n"));
    assert!(request.system.contains("null"));
    let format = &request.response_format;
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], SCHEMA_NAME);
    assert_eq!(format["json_schema"]["strict"], true);
    let schema = &format["json_schema"]["schema"];
    assert_eq!(schema["additionalProperties"], false);
    let fields = [
        "name",
        "phone",
        "email",
        "address",
        "service",
        "problem",
        "date",
        "time",
        "date_said",
        "time_said",
    ];
    assert_eq!(schema["required"], json!(fields));
    for field in fields {
        assert_eq!(
            schema["properties"][field]["type"],
            json!(["string", "null"]),
            "{field}"
        );
    }
    // What the model gives back deserializes into the answer type.
    let answer: Value = fields
        .iter()
        .map(|f| (f.to_string(), Value::Null))
        .collect();
    assert_eq!(
        parse_answer(&answer.to_string()).unwrap(),
        LlmAnswer::default()
    );
}
