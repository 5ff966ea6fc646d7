//! Many threads leasing at once must never share a server.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use super::*;

const THREADS: usize = 8;
const ITERATIONS: usize = 1000;
const SERVERS: u16 = 3;

#[test]
fn eight_threads_never_double_lease() {
    let list = (0..SERVERS)
        .map(|i| ServerConfig::new("gpu", 9000 + i, false))
        .collect();
    let pool = PersonaPlexPool::new(list, Duration::from_secs(60));
    // One flag per server, raised by whoever believes they hold it.
    let occupied: Arc<Vec<AtomicBool>> =
        Arc::new((0..SERVERS).map(|_| AtomicBool::new(false)).collect());
    let granted = Arc::new(AtomicU64::new(0));
    let start = Arc::new(Barrier::new(THREADS));

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, occupied, granted, start) = (
                pool.clone(),
                occupied.clone(),
                granted.clone(),
                start.clone(),
            );
            std::thread::spawn(move || {
                start.wait();
                for i in 0..ITERATIONS {
                    // More threads than servers: retry until this iteration gets one, so every
                    // thread really completes ITERATIONS leases (holders always let go soon).
                    let lease = loop {
                        match pool.lease(&format!("CA{t}-{i}")) {
                            Some(lease) => break lease,
                            None => std::thread::yield_now(),
                        }
                    };
                    let slot = usize::from(lease.server().port - 9000);
                    let was = occupied[slot].swap(true, Ordering::SeqCst);
                    assert!(!was, "server {slot} leased twice at once");
                    granted.fetch_add(1, Ordering::SeqCst);
                    std::thread::yield_now();
                    // Lower the flag before the lease goes, or the next holder could see it.
                    occupied[slot].store(false, Ordering::SeqCst);
                    drop(lease);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a leasing thread failed");
    }

    let served: u64 = pool.servers().iter().map(|s| s.sessions_served).sum();
    assert_eq!(
        granted.load(Ordering::SeqCst),
        (THREADS * ITERATIONS) as u64
    );
    assert_eq!(served, (THREADS * ITERATIONS) as u64);
    assert_eq!(pool.free_count(), usize::from(SERVERS), "a lease leaked");
}

#[test]
fn eight_threads_never_exceed_a_batched_servers_capacity() {
    const CAPACITY: u32 = 3;
    let list = (0..2)
        .map(|i| ServerConfig::new("gpu", 9000 + i, false).with_capacity(CAPACITY))
        .collect();
    let pool = PersonaPlexPool::new(list, Duration::from_secs(60));
    // Seats in use per server, as the holders believe.
    let in_use: Arc<Vec<AtomicU64>> = Arc::new((0..2).map(|_| AtomicU64::new(0)).collect());
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pool, in_use, start) = (pool.clone(), in_use.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                for i in 0..ITERATIONS {
                    let lease = loop {
                        match pool.lease(&format!("CA{t}-{i}")) {
                            Some(lease) => break lease,
                            None => std::thread::yield_now(),
                        }
                    };
                    let slot = usize::from(lease.server().port - 9000);
                    let now = in_use[slot].fetch_add(1, Ordering::SeqCst) + 1;
                    assert!(
                        now <= u64::from(CAPACITY),
                        "server {slot} holds {now} sessions"
                    );
                    std::thread::yield_now();
                    in_use[slot].fetch_sub(1, Ordering::SeqCst);
                    drop(lease);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a leasing thread failed");
    }
    assert_eq!(pool.free_seats(), 2 * CAPACITY as usize, "a seat leaked");
}
