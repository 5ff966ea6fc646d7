//! Helpers shared by the booking tests: a temporary folder and fixed moments.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use jiff::civil::{date, time};
use jiff::Timestamp;

use crate::booking::business::Business;
use crate::booking::BookingDetails;

/// A fresh folder under the system temp dir, removed (with its contents) on drop, so tests
/// can use real database files without a tempfile dependency.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "switchboard-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Monday 2026-03-02 10:00 in Chicago (16:00 UTC): "now" for store tests, so Tuesday
/// 2026-03-03 is bookable.
pub fn monday_morning() -> Timestamp {
    "2026-03-02T16:00:00Z".parse().unwrap()
}

/// A complete booking for the default business on Tuesday 2026-03-03 at `hour`:00.
pub fn details(name: &str, hour: i8) -> BookingDetails {
    BookingDetails {
        name: name.into(),
        phone: "5551234567".into(),
        email: Some("john@example.com".into()),
        address: "42 Oak Street".into(),
        service: "Drain cleaning".into(),
        problem: None,
        date: date(2026, 3, 3),
        time: time(hour, 0, 0, 0),
    }
}

pub fn business() -> Business {
    Business::default()
}
