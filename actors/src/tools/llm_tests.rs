use jiff::civil::{date, time};
use serde_json::json;

use super::*;
use crate::booking::BookingDetails;

const CHECK_AVAILABILITY: &str = check_availability::NAME;
const BOOK_APPOINTMENT: &str = book_appointment::NAME;
const RESCHEDULE_APPOINTMENT: &str = reschedule_appointment::NAME;
const SEND_CONFIRMATION_EMAIL: &str = send_confirmation_email::NAME;

fn book_args() -> serde_json::Value {
    json!({
        "name": "John Smith",
        "phone": "(555) 123-4567",
        "email": "john.smith@example.com",
        "address": "42 Oak Street",
        "service": "drain cleaning",
        "date": "2026-03-03",
        "time": "15:00",
    })
}

fn parse(name: &str, arguments: &str) -> Result<ToolAction, String> {
    super::parse(name, arguments, &Business::default())
}

fn parse_err(name: &str, arguments: &str) -> String {
    match parse(name, arguments) {
        Err(e) => e,
        Ok(action) => panic!("{name} {arguments} parsed: {action:?}"),
    }
}

fn book_with(key: &str, value: serde_json::Value) -> String {
    let mut args = book_args();
    if value.is_null() {
        args.as_object_mut().unwrap().remove(key);
    } else {
        args[key] = value;
    }
    args.to_string()
}

#[test]
fn schemas_are_openai_functions_with_the_business_services() {
    let schemas = tool_schemas(&Business::default());
    let tools = schemas.as_array().unwrap();
    let names: Vec<&str> = tools
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            CHECK_AVAILABILITY,
            BOOK_APPOINTMENT,
            RESCHEDULE_APPOINTMENT,
            SEND_CONFIRMATION_EMAIL
        ]
    );
    for t in tools {
        assert_eq!(t["type"], "function");
        assert_eq!(t["function"]["parameters"]["type"], "object");
        assert!(t["function"]["description"].as_str().unwrap().len() > 20);
        // Every required field is a declared property.
        let props = t["function"]["parameters"]["properties"]
            .as_object()
            .unwrap();
        for r in t["function"]["parameters"]["required"].as_array().unwrap() {
            assert!(props.contains_key(r.as_str().unwrap()), "{r} in {t}");
        }
    }
    let book = &tools[1]["function"]["parameters"];
    assert_eq!(
        book["properties"]["service"]["enum"],
        json!([
            "Drain cleaning",
            "Leak repair",
            "Water heater repair",
            "Toilet repair",
            "Service call"
        ])
    );
    // Service optional: a described problem is enough.
    assert_eq!(
        book["required"],
        json!(["name", "phone", "address", "date", "time"])
    );
    assert!(book["properties"]["problem"].is_object());
    let reschedule = &tools[2]["function"]["parameters"];
    assert_eq!(
        reschedule["required"],
        json!(["name", "phone", "date", "time"])
    );
    assert_eq!(
        tools[0]["function"]["parameters"]["required"],
        json!(["date", "time"])
    );
}

#[test]
fn book_appointment_becomes_a_book_request() {
    let action = parse(BOOK_APPOINTMENT, &book_args().to_string()).unwrap();
    let ToolAction::Run(ToolRequest::Book(details)) = action else {
        panic!("{action:?}");
    };
    assert_eq!(
        details,
        BookingDetails {
            name: "John Smith".into(),
            phone: "5551234567".into(),
            email: Some("john.smith@example.com".into()),
            address: "42 Oak Street".into(),
            // The configured spelling, whatever case the model used.
            service: "Drain cleaning".into(),
            problem: None,
            date: date(2026, 3, 3),
            time: time(15, 0, 0, 0),
        }
    );

    // Email optional (absent, null or blank); phone as a number; "+" kept; seconds allowed.
    for email in [json!(null), json!(""), json!("  ")] {
        let mut args = book_args();
        args["email"] = email.clone();
        args["phone"] = json!(5551234567u64);
        args["time"] = json!("9:30:00");
        let Ok(ToolAction::Run(ToolRequest::Book(d))) = parse(BOOK_APPOINTMENT, &args.to_string())
        else {
            panic!("{email}");
        };
        assert_eq!(
            (d.email, d.phone.as_str(), d.time),
            (None, "5551234567", time(9, 30, 0, 0))
        );
    }
    let Ok(ToolAction::Run(ToolRequest::Book(d))) = parse(
        BOOK_APPOINTMENT,
        &book_with("phone", json!("+44 20 7946 0958")),
    ) else {
        panic!()
    };
    assert_eq!(d.phone, "+442079460958");
}

#[test]
fn check_availability_becomes_a_check_request() {
    let action = parse(
        CHECK_AVAILABILITY,
        r#"{"date": "2026-12-31", "time": "08:05"}"#,
    )
    .unwrap();
    let ToolAction::Run(ToolRequest::CheckAvailability { date: d, time: t }) = action else {
        panic!("{action:?}");
    };
    assert_eq!((d, t), (date(2026, 12, 31), time(8, 5, 0, 0)));
}

#[test]
fn send_confirmation_email_runs_nothing_and_says_why() {
    let action = parse(SEND_CONFIRMATION_EMAIL, r#"{"email": "a@b.example"}"#).unwrap();
    let ToolAction::Reply(text) = action else {
        panic!("{action:?}");
    };
    assert!(
        text.starts_with("No email was sent to a@b.example."),
        "{text}"
    );
    assert!(text.contains("book_appointment"), "{text}");
    assert!(text.contains("office@brightplumbing.example"), "{text}");
    assert!(parse_err(SEND_CONFIRMATION_EMAIL, "{}").contains("missing \"email\""));
    assert!(parse_err(SEND_CONFIRMATION_EMAIL, r#"{"email": "nope"}"#).contains("not an email"));
}

#[test]
fn bad_json_is_a_clear_error() {
    let e = parse_err(BOOK_APPOINTMENT, r#"{"name": "John", "phone": "#);
    assert!(
        e.starts_with("book_appointment: arguments are not valid JSON"),
        "{e}"
    );
    assert!(
        e.contains(r#"{"name": "John", "phone": "#),
        "quotes what it got: {e}"
    );
    let e = parse_err(CHECK_AVAILABILITY, r#"["2026-03-03", "15:00"]"#);
    assert!(e.contains("arguments must be a JSON object"), "{e}");
    // Empty arguments read as {}: then the fields are missing.
    assert_eq!(
        parse_err(CHECK_AVAILABILITY, ""),
        "check_availability: missing \"date\""
    );
}

#[test]
fn missing_fields_are_named() {
    for field in ["name", "phone", "address", "date", "time"] {
        let e = parse_err(BOOK_APPOINTMENT, &book_with(field, json!(null)));
        assert_eq!(e, format!("book_appointment: missing \"{field}\""));
        let e = parse_err(BOOK_APPOINTMENT, &book_with(field, json!("  ")));
        assert_eq!(e, format!("book_appointment: missing \"{field}\""));
    }
    let e = parse_err(
        BOOK_APPOINTMENT,
        &book_with("name", json!({"first": "John"})),
    );
    assert!(e.contains("\"name\" must be a string"), "{e}");
    assert_eq!(
        parse_err(CHECK_AVAILABILITY, r#"{"date": "2026-03-03"}"#),
        "check_availability: missing \"time\""
    );
}

#[test]
fn unknown_service_lists_the_real_ones() {
    let e = parse_err(
        BOOK_APPOINTMENT,
        &book_with("service", json!("Roof repair")),
    );
    assert_eq!(
        e,
        "book_appointment: unknown service \"Roof repair\"; the services are Drain cleaning, \
         Leak repair, Water heater repair, Toilet repair, or leave it out and give the problem"
    );
}

#[test]
fn without_a_service_the_problem_decides_else_the_default() {
    let book = |args: serde_json::Value| {
        let Ok(ToolAction::Run(ToolRequest::Book(d))) = parse(BOOK_APPOINTMENT, &args.to_string())
        else {
            panic!("{args}");
        };
        d
    };
    let mut args = book_args();
    args.as_object_mut().unwrap().remove("service");
    let d = book(args.clone());
    assert_eq!((d.service.as_str(), d.problem), ("Service call", None));

    args["problem"] = json!("the water heater is making noise");
    let d = book(args.clone());
    assert_eq!(d.service, "Water heater repair");
    assert_eq!(
        d.problem.as_deref(),
        Some("the water heater is making noise")
    );

    args["problem"] = json!("a strange smell in the garage");
    assert_eq!(book(args.clone()).service, "Service call");

    // Named, the default service is accepted too, in any case.
    args["service"] = json!("service CALL");
    assert_eq!(book(args).service, "Service call");
}

#[test]
fn reschedule_becomes_a_reschedule_request_with_blanks_kept() {
    let action = parse(
        RESCHEDULE_APPOINTMENT,
        r#"{"name": "John Smith", "phone": "555-123-4567", "date": "2026-03-05", "time": "13:00"}"#,
    )
    .unwrap();
    let ToolAction::Run(ToolRequest::Reschedule(d)) = action else {
        panic!("{action:?}");
    };
    assert_eq!(
        d,
        BookingDetails {
            name: "John Smith".into(),
            phone: "5551234567".into(),
            email: None,
            address: String::new(),
            service: String::new(),
            problem: None,
            date: date(2026, 3, 5),
            time: time(13, 0, 0, 0),
        }
    );
    let e = parse_err(
        RESCHEDULE_APPOINTMENT,
        r#"{"name": "John Smith", "date": "2026-03-05", "time": "13:00"}"#,
    );
    assert_eq!(e, "reschedule_appointment: missing \"phone\"");
    let Ok(ToolAction::Run(ToolRequest::Reschedule(d))) = parse(
        RESCHEDULE_APPOINTMENT,
        r#"{"name": "J S", "phone": "5551234567", "date": "2026-03-05", "time": "13:00",
            "service": "leak repair", "address": "1 Elm St"}"#,
    ) else {
        panic!()
    };
    assert_eq!(
        (d.service.as_str(), d.address.as_str()),
        ("Leak repair", "1 Elm St")
    );
}

#[test]
fn bad_dates_and_times() {
    for bad in [
        "next Tuesday",
        "03/03/2026",
        "2026-3-3",
        "20260303",
        "2026-03-03T15:00",
    ] {
        let e = parse_err(
            CHECK_AVAILABILITY,
            &json!({"date": bad, "time": "15:00"}).to_string(),
        );
        assert_eq!(
            e,
            format!("check_availability: \"date\" must be a date as YYYY-MM-DD, got {bad:?}")
        );
    }
    for unreal in ["2026-02-30", "2026-13-01", "2026-00-10"] {
        let e = parse_err(
            CHECK_AVAILABILITY,
            &json!({"date": unreal, "time": "15:00"}).to_string(),
        );
        assert_eq!(
            e,
            format!("check_availability: \"date\" is not a real date: {unreal:?}")
        );
    }
    for bad in [
        "3 PM",
        "3pm",
        "15",
        "24:00",
        "15:60",
        "15:5",
        "15:00:30",
        "x:00",
        "-1:00",
        "15:00:00:00",
    ] {
        let e = parse_err(BOOK_APPOINTMENT, &book_with("time", json!(bad)));
        assert!(
            e.starts_with("book_appointment: \"time\" must be a time as HH:MM on a 24-hour clock"),
            "{bad}: {e}"
        );
        assert!(e.ends_with(&format!("got {bad:?}")), "{e}");
    }
}

#[test]
fn bad_phone_and_email() {
    let e = parse_err(
        BOOK_APPOINTMENT,
        &book_with("phone", json!("call me maybe")),
    );
    assert!(
        e.contains("\"phone\" must be a phone number in digits"),
        "{e}"
    );
    let e = parse_err(BOOK_APPOINTMENT, &book_with("phone", json!("12345")));
    assert!(e.contains("has 5 digits"), "{e}");
    for bad in [
        "john",
        "john@",
        "@example.com",
        "john@example",
        "john smith@example.com",
        "a@b@c.com",
    ] {
        let e = parse_err(BOOK_APPOINTMENT, &book_with("email", json!(bad)));
        assert_eq!(
            e,
            format!("book_appointment: \"email\" is not an email address: {bad:?}")
        );
    }
}

#[test]
fn unknown_tool() {
    let e = parse_err("cancel_everything", "{}");
    assert_eq!(
        e,
        "unknown tool \"cancel_everything\"; the tools are check_availability, book_appointment, \
         reschedule_appointment, send_confirmation_email"
    );
}
