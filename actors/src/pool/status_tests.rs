//! What `/admin/servers` reports.

use std::sync::Arc;
use std::time::Duration;

use super::*;

const COOLDOWN: Duration = Duration::from_secs(30);

fn pool() -> (PersonaPlexPool, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let mut named = ServerConfig::new("gpu2", 8998, true);
    named.name = "spare".into();
    let list = vec![
        ServerConfig::new("gpu1", 8998, false),
        named,
        ServerConfig::new("gpu3", 8998, false),
    ];
    (
        PersonaPlexPool::with_clock(list, COOLDOWN, clock.clone()),
        clock,
    )
}

#[test]
fn statuses_show_free_busy_and_cooling_down() {
    let (pool, clock) = pool();
    let a = pool.lease("CA-one").unwrap(); // gpu1
    let b = pool.lease("CA-two").unwrap(); // spare
    clock.advance(Duration::from_secs(5));
    b.report_failure("handshake timeout");
    drop(b);
    clock.advance(Duration::from_millis(10_500));

    let s = pool.servers();
    assert_eq!(s.len(), 3);
    assert_eq!(
        (s[0].name.as_str(), s[0].host.as_str(), s[0].port),
        ("gpu1:8998", "gpu1", 8998)
    );
    assert_eq!(s[0].state, ServerState::Busy);
    assert_eq!(s[0].call_sid.as_deref(), Some("CA-one"));
    assert_eq!(s[0].sessions_served, 1);

    assert_eq!(s[1].name, "spare");
    assert_eq!(s[1].state, ServerState::CoolingDown);
    assert_eq!(s[1].call_sid, None);
    assert_eq!(s[1].cooldown_remaining_secs, 20); // 19.5 s left, rounded up
    assert_eq!(
        s[1].recent_failures,
        [FailureRecord {
            at_unix_secs: 1_700_000_005,
            reason: "handshake timeout".into()
        }]
    );

    assert_eq!(s[2].state, ServerState::Free);
    assert_eq!(s[2].sessions_served, 0);
    assert_eq!(s[2].cooldown_remaining_secs, 0);
    assert_eq!(pool.free_count(), 1);
    drop(a);
    assert_eq!(pool.free_count(), 2);
}

#[test]
fn only_the_last_five_failures_are_kept() {
    let clock = Arc::new(ManualClock::new(0));
    let pool = PersonaPlexPool::with_clock(
        vec![ServerConfig::new("gpu1", 8998, false)],
        COOLDOWN,
        clock.clone(),
    );
    for i in 0..7 {
        let lease = pool.lease("CA").expect("cooldown should have ended");
        lease.report_failure(&format!("failure {i}"));
        drop(lease);
        clock.advance(COOLDOWN);
    }
    let s = &pool.servers()[0];
    let reasons: Vec<&str> = s
        .recent_failures
        .iter()
        .map(|f| f.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "failure 2",
            "failure 3",
            "failure 4",
            "failure 5",
            "failure 6"
        ]
    );
    let times: Vec<u64> = s.recent_failures.iter().map(|f| f.at_unix_secs).collect();
    assert_eq!(times, [60, 90, 120, 150, 180]);
    assert_eq!(s.sessions_served, 7);
}

#[test]
fn status_serialises_for_the_admin_page() {
    let (pool, _) = pool();
    let a = pool.lease("CA9").unwrap();
    a.report_failure("bad \"CRC\"");
    let json = serde_json::to_value(pool.servers()).unwrap();
    assert_eq!(json[0]["state"], "busy");
    assert_eq!(json[0]["call_sid"], "CA9");
    assert_eq!(json[0]["recent_failures"][0]["reason"], "bad \"CRC\"");
    assert_eq!(
        json[0]["recent_failures"][0]["at_unix_secs"],
        1_700_000_000u64
    );
    assert_eq!(json[1]["state"], "free");
    drop(a);
    let json = serde_json::to_value(pool.servers()).unwrap();
    assert_eq!(json[0]["state"], "cooling_down");
    assert!(json[0]["call_sid"].is_null());
}
