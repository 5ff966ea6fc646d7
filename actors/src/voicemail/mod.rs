//! Voicemail: when no PersonaPlex server is free (or the business is closed), the caller hears
//! a greeting and a beep, then their message is recorded to a WAV file.
//!
//! Pure, blocking file and sample code; the call actors decide when to play and record.

mod beep;
mod greeting;
mod recorder;

#[cfg(test)]
mod beep_tests;
#[cfg(test)]
mod greeting_tests;
#[cfg(test)]
mod recorder_tests;
#[cfg(test)]
mod test_support;

pub use beep::{beep, BEEP_DURATION, BEEP_HZ, BEEP_LEVEL_DBFS};
pub use greeting::load_greeting;
pub use recorder::{RecordState, Recording, VoicemailRecorder};
