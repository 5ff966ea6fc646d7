//! Leasing, releasing and cooling down, on a manual clock.

use std::sync::Arc;
use std::time::Duration;

use super::*;

const COOLDOWN: Duration = Duration::from_secs(30);

fn servers(n: u16) -> Vec<ServerConfig> {
    (0..n)
        .map(|i| ServerConfig::new("10.0.0.1", 9000 + i, false))
        .collect()
}

fn pool(n: u16) -> (PersonaPlexPool, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let pool = PersonaPlexPool::with_clock(servers(n), COOLDOWN, clock.clone());
    (pool, clock)
}

fn port(lease: &Lease) -> u16 {
    lease.server().port
}

#[test]
fn two_calls_never_get_the_same_server() {
    let (pool, _) = pool(2);
    let a = pool.lease("CA1").unwrap();
    let b = pool.lease("CA2").unwrap();
    assert_ne!(port(&a), port(&b));
    assert_eq!(a.call_sid(), "CA1");
    assert_eq!(b.call_sid(), "CA2");
}

#[test]
fn lease_is_none_when_every_server_is_busy() {
    let (pool, _) = pool(2);
    let _a = pool.lease("CA1").unwrap();
    let _b = pool.lease("CA2").unwrap();
    assert!(pool.lease("CA3").is_none());
    assert_eq!(pool.free_count(), 0);
}

#[test]
fn empty_pool_never_leases() {
    let (pool, _) = pool(0);
    assert!(pool.lease("CA1").is_none());
    assert_eq!(pool.free_count(), 0);
}

#[test]
fn dropping_the_lease_frees_the_server() {
    let (pool, _) = pool(1);
    let a = pool.lease("CA1").unwrap();
    assert!(pool.lease("CA2").is_none());
    drop(a);
    assert_eq!(pool.free_count(), 1);
    let b = pool.lease("CA2").unwrap();
    assert_eq!(port(&b), 9000);
}

#[test]
fn lease_moved_into_a_panicking_thread_is_still_freed() {
    let (pool, _) = pool(1);
    let lease = pool.lease("CA1").unwrap();
    let crashed = std::thread::spawn(move || {
        let _held = lease;
        panic!("call actor crashed");
    })
    .join();
    assert!(crashed.is_err());
    assert!(pool.lease("CA2").is_some());
}

#[test]
fn free_servers_are_used_round_robin() {
    let (pool, _) = pool(3);
    let order: Vec<u16> = (0..6)
        .map(|i| port(&pool.lease(&format!("CA{i}")).unwrap()))
        .collect();
    assert_eq!(order, [9000, 9001, 9002, 9000, 9001, 9002]);
}

#[test]
fn failed_server_cools_down_and_is_skipped_until_the_cooldown_ends() {
    let (pool, clock) = pool(2);
    let a = pool.lease("CA1").unwrap();
    assert_eq!(port(&a), 9000);
    a.report_failure("handshake timeout");
    drop(a);

    // Only 9001 is leasable while 9000 cools down.
    assert_eq!(pool.free_count(), 1);
    let b = pool.lease("CA2").unwrap();
    assert_eq!(port(&b), 9001);
    assert!(pool.lease("CA3").is_none(), "leased a cooling server");

    clock.advance(COOLDOWN - Duration::from_millis(1));
    assert!(pool.lease("CA3").is_none(), "cooldown ended early");
    clock.advance(Duration::from_millis(1));
    let c = pool.lease("CA3").expect("cooldown never ended");
    assert_eq!(port(&c), 9000);
}

#[test]
fn cooldown_counts_from_the_report_not_from_the_lease() {
    let (pool, clock) = pool(1);
    let a = pool.lease("CA1").unwrap();
    clock.advance(COOLDOWN * 2); // a long call, then a failure at its end
    a.report_failure("socket closed");
    drop(a);
    clock.advance(COOLDOWN / 2);
    assert!(pool.lease("CA2").is_none());
    clock.advance(COOLDOWN / 2);
    assert!(pool.lease("CA2").is_some());
}

#[test]
fn failing_lease_stays_held_until_dropped() {
    let (pool, clock) = pool(1);
    let a = pool.lease("CA1").unwrap();
    a.report_failure("reader died");
    clock.advance(COOLDOWN * 3);
    // Cooldown is over, but the call still holds the connection.
    assert!(pool.lease("CA2").is_none());
    assert_eq!(pool.servers()[0].state, ServerState::Busy);
    drop(a);
    assert!(pool.lease("CA2").is_some());
}

#[test]
fn least_recently_failed_server_is_preferred() {
    let (pool, clock) = pool(3);
    let a = pool.lease("CA1").unwrap(); // 9000
    let b = pool.lease("CA2").unwrap(); // 9001
                                        // 9001 fails first, 9000 later: the opposite of their lease order, so plain round-robin
                                        // (least recently leased) would give a different answer.
    b.report_failure("first");
    clock.advance(Duration::from_secs(1));
    a.report_failure("second");
    drop((a, b));
    clock.advance(COOLDOWN * 2);
    // 9002 never failed, then 9001 failed longer ago than 9000. Leases stay held, so each
    // pick is among the remaining ones.
    let held: Vec<Lease> = (0..3)
        .map(|i| pool.lease(&format!("CB{i}")).unwrap())
        .collect();
    let order: Vec<u16> = held.iter().map(port).collect();
    assert_eq!(order, [9002, 9001, 9000]);
}

#[test]
fn stale_release_does_not_free_another_calls_server() {
    let (pool, _) = pool(1);
    let a = pool.lease("CA1").unwrap();
    // A release carrying some other lease's id must be ignored.
    pool.shared.release(0, a.lease_id + 1);
    assert!(pool.lease("CA2").is_none());
    drop(a);
    assert!(pool.lease("CA2").is_some());
}

#[test]
fn duplicate_addresses_are_one_server() {
    let clock = Arc::new(ManualClock::new(0));
    let mut list = servers(1);
    list.push(ServerConfig::new("10.0.0.1", 9000, true));
    list.push(ServerConfig::new("10.0.0.1".to_uppercase(), 9000, false));
    let pool = PersonaPlexPool::with_clock(list, COOLDOWN, clock);
    assert_eq!(pool.servers().len(), 1);
    let _a = pool.lease("CA1").unwrap();
    assert!(pool.lease("CA2").is_none());
}

#[test]
fn server_config_reads_toml_with_default_name() {
    #[derive(serde::Deserialize)]
    struct File {
        servers: Vec<ServerConfig>,
    }
    let file: File = toml::from_str(
        r#"
        [[servers]]
        host = "gpu1"
        port = 8998
        use_ssl = true
        [[servers]]
        name = "spare"
        host = "gpu2"
        port = 8999
        "#,
    )
    .unwrap();
    let pool = PersonaPlexPool::new(file.servers, COOLDOWN);
    let names: Vec<String> = pool.servers().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["gpu1:8998", "spare"]);
    assert!(pool.lease("CA1").unwrap().server().use_ssl);
    assert!(!pool.lease("CA2").unwrap().server().use_ssl);
}

#[test]
fn server_config_rejects_unknown_fields() {
    let err = toml::from_str::<ServerConfig>("host = \"gpu1\"\nport = 8998\nvoice = \"x\"\n");
    assert!(err.is_err());
}

fn batched_pool(capacities: &[u32]) -> (PersonaPlexPool, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let list = capacities
        .iter()
        .zip(9000..)
        .map(|(c, port)| ServerConfig::new("10.0.0.1", port, false).with_capacity(*c))
        .collect();
    (
        PersonaPlexPool::with_clock(list, COOLDOWN, clock.clone()),
        clock,
    )
}

#[test]
fn a_batched_server_takes_up_to_its_capacity_and_never_more() {
    let (pool, _) = batched_pool(&[3]);
    let held: Vec<Lease> = (0..3)
        .map(|i| pool.lease(&format!("CA{i}")).expect("a free seat"))
        .collect();
    assert!(held.iter().all(|l| port(l) == 9000));
    assert!(pool.lease("CA3").is_none(), "a fourth seat was leased");
    assert_eq!(pool.free_seats(), 0);
    let status = &pool.servers()[0];
    assert_eq!((status.seats_used, status.seats_total), (3, 3));
    assert_eq!(status.call_sids, ["CA0", "CA1", "CA2"]);
    assert_eq!(status.state, ServerState::Busy);
    assert_eq!(status.sessions_served, 3);
}

#[test]
fn dropping_one_lease_frees_one_seat_of_a_batched_server() {
    let (pool, _) = batched_pool(&[2]);
    let a = pool.lease("CA1").unwrap();
    let b = pool.lease("CA2").unwrap();
    assert!(pool.lease("CA3").is_none());
    drop(a);
    assert_eq!(pool.free_seats(), 1);
    assert_eq!(pool.servers()[0].call_sids, ["CA2"]);
    let c = pool.lease("CA3").expect("the freed seat");
    assert!(pool.lease("CA4").is_none());
    drop((b, c));
    assert_eq!(pool.servers()[0].state, ServerState::Free);
    assert_eq!(pool.free_seats(), 2);
}

#[test]
fn seats_are_spread_over_servers_before_doubling_up() {
    let (pool, _) = batched_pool(&[2, 2]);
    let held: Vec<Lease> = (0..4)
        .map(|i| pool.lease(&format!("CA{i}")).unwrap())
        .collect();
    let order: Vec<u16> = held.iter().map(port).collect();
    assert_eq!(order, [9000, 9001, 9000, 9001]);
    assert!(pool.lease("CA4").is_none());
}

#[test]
fn a_failed_session_stops_new_seats_but_keeps_the_other_sessions() {
    let (pool, clock) = batched_pool(&[3]);
    let a = pool.lease("CA1").unwrap();
    let b = pool.lease("CA2").unwrap();
    a.report_failure("socket closed");
    drop(a);
    assert!(pool.lease("CA3").is_none(), "leased a cooling server");
    let status = &pool.servers()[0];
    assert_eq!(status.state, ServerState::Busy, "CA2 still runs there");
    assert_eq!(status.seats_used, 1);
    clock.advance(COOLDOWN);
    let _c = pool.lease("CA3").expect("cooldown over");
    drop(b);
}

#[test]
fn capacity_defaults_to_one_in_toml() {
    #[derive(serde::Deserialize)]
    struct File {
        servers: Vec<ServerConfig>,
    }
    let file: File = toml::from_str(
        "[[servers]]\nhost = \"gpu1\"\nport = 1\n[[servers]]\nhost = \"gpu2\"\nport = 2\ncapacity = 4\n",
    )
    .unwrap();
    let capacities: Vec<u32> = file.servers.iter().map(|s| s.capacity).collect();
    assert_eq!(capacities, [1, 4]);
}
