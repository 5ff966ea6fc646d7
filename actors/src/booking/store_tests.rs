use super::test_support::{monday_morning, TempDir};
use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn open_creates_folder_and_migrates_once() {
    let dir = TempDir::new("store-open");
    let path = dir.path().join("nested/deeper/switchboard.db");
    let store = Store::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    store
        .record_call_start(
            "CA1",
            "+15550001",
            "+15550002",
            "personaplex",
            monday_morning(),
        )
        .unwrap();
    drop(store);

    // Opening again runs nothing twice (a re-run CREATE TABLE would fail) and keeps the data.
    let again = Store::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(again.call("CA1").unwrap().unwrap().from_number, "+15550001");
    let mode: String = again
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_ascii_lowercase(), "wal");
    let fk: i64 = again
        .conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = TempDir::new("store-newer");
    let path = dir.path().join("db.sqlite");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    match Store::open(&path) {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a database from a newer build must not be opened"),
    }
}

#[test]
fn call_lifecycle_with_upsert_and_notes() {
    let s = Store::open_in_memory().unwrap();
    let t0 = ts("2026-03-02T16:00:00Z");
    let t1 = ts("2026-03-02T16:00:05.250Z");
    s.record_call_start("CA1", "+1555", "+1666", "personaplex", t1)
        .unwrap();
    // A reconnect: new engine, earlier start kept... and a later start does not move it.
    s.record_call_start("CA1", "+1555", "+1666", "scripted", t0)
        .unwrap();
    s.record_call_start("CA1", "+1555", "+1666", "scripted", t1)
        .unwrap();
    s.append_call_note("CA1", "booking incomplete: missing phone")
        .unwrap();
    s.append_call_note("CA1", "two\nlines").unwrap();
    let t2 = ts("2026-03-02T16:04:00Z");
    s.record_call_end("CA1", t2, "booked", "agent: hello\ncaller: hi")
        .unwrap();

    let c = s.call("CA1").unwrap().unwrap();
    assert_eq!(c.engine, "scripted");
    assert_eq!(c.started_at, Some(t0));
    assert_eq!(c.ended_at, Some(t2));
    assert_eq!(c.outcome.as_deref(), Some("booked"));
    assert_eq!(c.transcript.as_deref(), Some("agent: hello\ncaller: hi"));
    assert_eq!(
        c.notes,
        vec!["booking incomplete: missing phone", "two lines"]
    );
    assert!(s.call("CA-unknown").unwrap().is_none());
}

#[test]
fn end_or_note_without_start_is_kept() {
    let s = Store::open_in_memory().unwrap();
    s.append_call_note("CA9", "note first").unwrap();
    s.record_call_end("CA9", monday_morning(), "hangup", "")
        .unwrap();
    let c = s.call("CA9").unwrap().unwrap();
    assert_eq!(c.started_at, None);
    assert_eq!(c.ended_at, Some(monday_morning()));
    assert_eq!(c.notes, vec!["note first"]);
}

#[test]
fn tool_runs_in_order() {
    let s = Store::open_in_memory().unwrap();
    s.record_tool_run(
        "CA1",
        "check_availability",
        r#"{"day":"tue"}"#,
        Some(r#"{"free":true}"#),
        None,
        12,
    )
    .unwrap();
    s.record_tool_run(
        "CA1",
        "book_appointment",
        "{}",
        None,
        Some("missing phone"),
        3,
    )
    .unwrap();
    s.record_tool_run("CA2", "other", "{}", None, None, 1)
        .unwrap();
    let runs = s.tool_runs("CA1").unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].name, "check_availability");
    assert_eq!(runs[0].result.as_deref(), Some(r#"{"free":true}"#));
    assert_eq!(runs[0].latency_ms, 12);
    assert_eq!(runs[1].error.as_deref(), Some("missing phone"));
    assert_eq!(runs[1].result, None);
    assert!(runs[0].at <= Timestamp::now());
}

#[test]
fn stored_instants_sort_as_text() {
    // Fixed width with milliseconds: ".5" must not sort after "Z".
    let a = ts_sql(ts("2026-03-02T16:00:00Z"));
    let b = ts_sql(ts("2026-03-02T16:00:00.5Z"));
    assert_eq!(a, "2026-03-02T16:00:00.000Z");
    assert!(a < b, "{a} vs {b}");
    assert_eq!(
        b.parse::<Timestamp>().unwrap(),
        ts("2026-03-02T16:00:00.5Z")
    );
}

#[test]
fn migration_adds_problem_to_a_database_of_the_previous_version() {
    let dir = TempDir::new("store-v2");
    let path = dir.path().join("v2.db");
    // A database as the previous build left it: schema version 2, one appointment.
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(MIGRATIONS[1]).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute(
            "INSERT INTO appointments (call_sid, name, phone, address, service, start_local,
                end_local, status, created_at, idempotency_key)
             VALUES ('CA0', 'Old Timer', '5550001111', '1 Elm St', 'Leak repair',
                '2026-03-03T09:00:00', '2026-03-03T10:00:00', 'booked',
                '2026-03-01T00:00:00.000Z', 'CA0|2026-03-03T09:00:00')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 3);
    assert_eq!(MIGRATIONS.len(), 3);
    let old = store.appointment(1).unwrap().unwrap();
    assert_eq!(
        (old.name.as_str(), old.problem.as_deref(), old.replaces),
        ("Old Timer", None, None)
    );
    // The new column takes a booking's problem.
    let mut d = super::test_support::details("John Smith", 15);
    d.problem = Some("dripping tap".into());
    let out = store
        .book(
            "CA1",
            &d,
            &super::test_support::business(),
            monday_morning(),
        )
        .unwrap();
    let id = out.appointment().unwrap().0;
    assert_eq!(
        store.appointment(id).unwrap().unwrap().problem.as_deref(),
        Some("dripping tap")
    );
}
