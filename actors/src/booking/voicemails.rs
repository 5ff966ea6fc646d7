//! Voicemail messages in the store.

use jiff::Timestamp;
use rusqlite::params;

use super::store::{Store, StoreError};

/// One recorded message, as listed for the business.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VoicemailRecord {
    pub id: i64,
    pub call_sid: String,
    pub from_number: String,
    /// The WAV file, as written by the recorder.
    pub path: String,
    pub duration_ms: u64,
    pub created_at: String,
}

impl Store {
    /// Records a message left by a caller; returns its id.
    pub fn record_voicemail(
        &self,
        call_sid: &str,
        from: &str,
        path: &str,
        duration_ms: u64,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO voicemails (call_sid, from_number, path, duration_ms, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![call_sid, from, path, duration_ms as i64, now.to_string()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every message, oldest first.
    pub fn voicemails(&self) -> Result<Vec<VoicemailRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, call_sid, from_number, path, duration_ms, created_at FROM voicemails ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(VoicemailRecord {
                id: r.get(0)?,
                call_sid: r.get(1)?,
                from_number: r.get(2)?,
                path: r.get(3)?,
                duration_ms: r.get::<_, i64>(4)? as u64,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voicemails_are_recorded_and_listed() {
        let store = Store::open_in_memory().unwrap();
        assert!(store.voicemails().unwrap().is_empty());
        let id = store
            .record_voicemail(
                "CA1",
                "+15551234567",
                "data/voicemail/CA1.wav",
                4200,
                Timestamp::now(),
            )
            .unwrap();
        let all = store.voicemails().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(
            (all[0].id, all[0].duration_ms, all[0].path.as_str()),
            (id, 4200, "data/voicemail/CA1.wav")
        );
    }
}
