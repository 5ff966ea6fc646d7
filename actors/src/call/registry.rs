//! The table of live calls that the admin API reads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use serde::Serialize;

/// Where a call is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallState {
    /// The media stream started; the agent is being connected.
    Connecting,
    /// Connected to PersonaPlex, which is prefilling its prompts (no handshake yet).
    Prefill,
    /// Audio flows both ways.
    Live,
    /// Tearing down.
    Ending,
}

/// Live figures of one call, shared between its actors (writers) and the admin API (reader).
///
/// Frame counters are atomics because they change every 20 ms on the audio path; everything else
/// changes a few times per call and sits behind a mutex.
#[derive(Debug)]
pub struct CallStats {
    pub call_sid: String,
    pub stream_sid: String,
    /// The caller's number with all but the last four digits masked.
    pub caller: String,
    pub started_at: SystemTime,
    pub frames_in: AtomicU64,
    pub frames_out: AtomicU64,
    /// Agent sentences SignalWire has confirmed played (their marks came back).
    pub sentences_heard: AtomicU64,
    /// Milliseconds from the last tool trigger to the first frame of its spoken result.
    pub result_latency_ms: AtomicU64,
    details: Mutex<CallDetails>,
}

#[derive(Debug, Clone)]
struct CallDetails {
    state: CallState,
    engine: String,
    transcript: String,
    last_error: Option<String>,
    status_events: Vec<String>,
    notes: Vec<String>,
}

/// One call as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CallSnapshot {
    pub call_sid: String,
    pub stream_sid: String,
    pub caller: String,
    /// Seconds since the Unix epoch.
    pub started_at: u64,
    pub state: CallState,
    pub engine: String,
    pub frames_in: u64,
    pub frames_out: u64,
    pub sentences_heard: u64,
    /// Trigger-to-speech latency of the last tool result (0 before any).
    pub result_latency_ms: u64,
    pub transcript: String,
    pub last_error: Option<String>,
    pub status_events: Vec<String>,
    /// What the tools did or could not do ("booked …", "book_appointment not run: missing phone").
    pub notes: Vec<String>,
}

impl CallStats {
    pub fn new(call_sid: &str, stream_sid: &str, caller_number: &str, engine: &str) -> Self {
        CallStats {
            call_sid: call_sid.to_string(),
            stream_sid: stream_sid.to_string(),
            caller: mask_number(caller_number),
            started_at: SystemTime::now(),
            frames_in: AtomicU64::new(0),
            frames_out: AtomicU64::new(0),
            sentences_heard: AtomicU64::new(0),
            result_latency_ms: AtomicU64::new(0),
            details: Mutex::new(CallDetails {
                state: CallState::Connecting,
                engine: engine.to_string(),
                transcript: String::new(),
                last_error: None,
                status_events: Vec::new(),
                notes: Vec::new(),
            }),
        }
    }

    pub fn set_state(&self, state: CallState) {
        self.with_details(|d| d.state = state);
    }

    pub fn state(&self) -> CallState {
        self.details
            .lock()
            .map(|d| d.state)
            .unwrap_or(CallState::Ending)
    }

    pub fn set_engine(&self, engine: &str) {
        self.with_details(|d| d.engine = engine.to_string());
    }

    /// Adds the text the agent just said to the call's transcript.
    pub fn append_transcript(&self, text: &str) {
        self.with_details(|d| d.transcript.push_str(text));
    }

    pub fn set_error(&self, error: impl Into<String>) {
        let error = error.into();
        self.with_details(|d| d.last_error = Some(error));
    }

    /// Records a SignalWire status callback (`stream-started`, `completed`, …).
    pub fn add_status_event(&self, event: impl Into<String>) {
        let event = event.into();
        self.with_details(|d| {
            // Bounded: a misbehaving sender must not grow a call's memory without end.
            if d.status_events.len() < 64 {
                d.status_events.push(event);
            }
        });
    }

    /// Records what a tool did or could not do.
    pub fn add_note(&self, note: impl Into<String>) {
        let note = note.into();
        self.with_details(|d| {
            if d.notes.len() < 64 {
                d.notes.push(note);
            }
        });
    }

    pub fn snapshot(&self) -> CallSnapshot {
        let details = self
            .details
            .lock()
            .map(|d| d.clone())
            .unwrap_or_else(|p| p.into_inner().clone());
        CallSnapshot {
            call_sid: self.call_sid.clone(),
            stream_sid: self.stream_sid.clone(),
            caller: self.caller.clone(),
            started_at: self
                .started_at
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            state: details.state,
            engine: details.engine,
            frames_in: self.frames_in.load(Ordering::Relaxed),
            frames_out: self.frames_out.load(Ordering::Relaxed),
            sentences_heard: self.sentences_heard.load(Ordering::Relaxed),
            result_latency_ms: self.result_latency_ms.load(Ordering::Relaxed),
            transcript: details.transcript,
            last_error: details.last_error,
            status_events: details.status_events,
            notes: details.notes,
        }
    }

    fn with_details(&self, change: impl FnOnce(&mut CallDetails)) {
        // A poisoned lock means a thread panicked while holding it; the data is still the
        // best we have, and one call's bug must not take the admin view down.
        let mut guard = self.details.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut guard);
    }
}

/// A call with this sid is already live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a call with this sid is already live")]
pub struct AlreadyLive;

/// All live calls of this process, by call sid. Cheap to clone: every clone is the same table.
#[derive(Debug, Clone, Default)]
pub struct CallRegistry {
    calls: Arc<RwLock<HashMap<String, Arc<CallStats>>>>,
}

impl CallRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a call, unless a live call already has its sid: then nothing changes and the new
    /// one must be refused. SignalWire never reuses a sid, so a second stream for a live one is
    /// a replay or an attack, and replacing the entry would hide a live call from the admin.
    pub fn try_insert(&self, stats: Arc<CallStats>) -> Result<(), AlreadyLive> {
        match self.write().entry(stats.call_sid.clone()) {
            std::collections::hash_map::Entry::Occupied(_) => Err(AlreadyLive),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(stats);
                Ok(())
            }
        }
    }

    /// True when a live call has this sid.
    pub fn contains(&self, call_sid: &str) -> bool {
        self.calls
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(call_sid)
    }

    /// Removes `stats` if it is still the entry for its sid.
    pub fn remove(&self, stats: &Arc<CallStats>) {
        let mut calls = self.write();
        if calls
            .get(&stats.call_sid)
            .is_some_and(|c| Arc::ptr_eq(c, stats))
        {
            calls.remove(&stats.call_sid);
        }
    }

    pub fn get(&self, call_sid: &str) -> Option<Arc<CallStats>> {
        self.calls
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(call_sid)
            .cloned()
    }

    pub fn len(&self) -> usize {
        self.calls.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every live call, oldest first.
    pub fn snapshot(&self) -> Vec<CallSnapshot> {
        let mut calls: Vec<CallSnapshot> = self
            .calls
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(|c| c.snapshot())
            .collect();
        calls.sort_by(|a, b| {
            a.started_at
                .cmp(&b.started_at)
                .then(a.call_sid.cmp(&b.call_sid))
        });
        calls
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<CallStats>>> {
        self.calls.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// Masks a phone number for logs and the admin view: `+15551234567` becomes `+1******4567`.
///
/// The country code and the last four digits are enough to tell calls apart; the full number is
/// personal data that an operator's screen or log file has no need for.
pub fn mask_number(number: &str) -> String {
    let digits = number.chars().filter(|c| c.is_ascii_digit()).count();
    if digits <= 4 {
        return "*".repeat(digits.max(1));
    }
    let mut seen = 0;
    number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .map(|c| {
            if c == '+' {
                return c;
            }
            seen += 1;
            let is_country_code = number.starts_with('+') && seen == 1;
            if is_country_code || seen > digits - 4 {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_country_code_and_last_four() {
        assert_eq!(mask_number("+15551234567"), "+1******4567");
        assert_eq!(mask_number("5551234567"), "******4567");
        assert_eq!(mask_number("123"), "***");
        assert_eq!(mask_number("anonymous"), "*");
    }

    #[test]
    fn registry_lists_refuses_duplicates_and_removes_only_its_own_entry() {
        let registry = CallRegistry::new();
        let first = Arc::new(CallStats::new("CA1", "MZ1", "+15551234567", "personaplex"));
        registry.try_insert(first.clone()).unwrap();
        first.frames_in.fetch_add(3, Ordering::Relaxed);
        first.set_state(CallState::Live);
        let shown = registry.snapshot();
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].frames_in, 3);
        assert_eq!(shown[0].state, CallState::Live);
        assert_eq!(shown[0].caller, "+1******4567");

        let second = Arc::new(CallStats::new("CA1", "MZ2", "+15551234567", "personaplex"));
        assert_eq!(registry.try_insert(second.clone()), Err(AlreadyLive));
        registry.remove(&second);
        assert_eq!(
            registry.snapshot()[0].stream_sid,
            "MZ1",
            "a refused duplicate neither replaces nor removes the live call"
        );
        assert!(registry.contains("CA1"));
        registry.remove(&first);
        assert!(registry.is_empty() && !registry.contains("CA1"));
        registry.try_insert(second).unwrap();
        assert_eq!(
            registry.len(),
            1,
            "the sid is free again once its call ended"
        );
    }
}
