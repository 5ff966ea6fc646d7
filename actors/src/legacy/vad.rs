//! Voice activity detection on the caller's audio: where utterances start (for barge-in) and
//! end (to send them to speech-to-text). Pure: frames in, events out.
//!
//! Energy-based, which suits a phone line: the caller's leg is close-talk audio with a low,
//! steady noise floor. A frame is *voiced* when its RMS level reaches `threshold_dbfs`; once
//! an utterance has begun, it stays voiced down to [`HYSTERESIS_DB`] below that, so the soft
//! ends of words and quieter syllables do not cut it.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Below the threshold, an utterance in progress still counts as speech down to this many dB
/// lower.
pub const HYSTERESIS_DB: f32 = 6.0;
/// Audio kept from before the speech was detected, so the first consonant is not clipped
/// (the detector needs a few frames to be sure).
pub const PRE_ROLL_MS: u32 = 200;
/// Trailing silence kept at the end of an utterance (the rest of `end_silence_ms` is dropped):
/// recognisers do better with a little silence around the speech, and nothing is gained by
/// sending more.
pub const TAIL_MS: u32 = 200;

/// Settings of the [`Vad`], serde-ready (every field defaulted, unknown keys refused).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VadConfig {
    /// A frame at or above this RMS level starts speech (default -35 dBFS).
    pub threshold_dbfs: f32,
    /// Speech must last this long without a break before it counts (default 120): clicks,
    /// pops and line noise are shorter.
    pub min_speech_ms: u32,
    /// This much silence ends an utterance (default 700).
    pub end_silence_ms: u32,
    /// An utterance this long is cut and sent even if the caller keeps talking (default
    /// 15000); the rest becomes the next utterance.
    pub max_utterance_ms: u32,
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            threshold_dbfs: -35.0,
            min_speech_ms: 120,
            end_silence_ms: 700,
            max_utterance_ms: 15_000,
        }
    }
}

impl VadConfig {
    /// What can be checked before the first call, for the config loader.
    pub fn validate(&self) -> Result<(), String> {
        if !(-90.0..=0.0).contains(&self.threshold_dbfs) {
            return Err(format!(
                "vad threshold_dbfs {} is outside -90..=0",
                self.threshold_dbfs
            ));
        }
        if self.end_silence_ms == 0 {
            return Err("vad end_silence_ms must be > 0".into());
        }
        if self.max_utterance_ms < 1000 {
            return Err(format!(
                "vad max_utterance_ms {} is under a second",
                self.max_utterance_ms
            ));
        }
        Ok(())
    }
}

/// What a frame changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VadEvent {
    /// The caller has been speaking for `min_speech_ms`: stop talking over them (barge-in).
    /// Once per utterance, not again when a long one is cut at `max_utterance_ms`.
    SpeechStarted,
    /// An utterance is complete (`end_silence_ms` of silence) or cut (`max_utterance_ms`):
    /// its audio, with [`PRE_ROLL_MS`] before the speech and up to [`TAIL_MS`] after it.
    UtteranceEnded(Vec<i16>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Silence; keeping the pre-roll.
    Idle,
    /// Loud frames, not yet `min_speech_ms` of them.
    Onset,
    /// An utterance in progress.
    Speech,
}

/// The detector for one caller leg.
///
/// Exists to turn a stream of 20 ms frames into the two moments the pipeline acts on: the
/// caller started talking, and the caller finished a sentence (here is its audio). Each
/// [`push`](Self::push) is one frame: its level is measured over the whole slice, so push
/// 10-30 ms at a time.
#[derive(Debug, Clone)]
pub struct Vad {
    cfg: VadConfig,
    state: State,
    /// The last `pre_roll` samples, while idle.
    pre_roll: VecDeque<i16>,
    /// The utterance so far (pre-roll included), in `Onset` and `Speech`.
    utterance: Vec<i16>,
    /// Consecutive voiced samples (in `Onset`).
    voiced_run: usize,
    /// Voiced samples in `utterance` (after a cut, the remainder may be only silence).
    voiced_total: usize,
    /// Consecutive unvoiced samples at the end of `utterance` (in `Speech`).
    silence_run: usize,
    pre_roll_len: usize,
    tail_len: usize,
    min_speech_len: usize,
    end_silence_len: usize,
    max_len: usize,
}

impl Vad {
    /// A detector for mono PCM at `sample_rate` Hz.
    pub fn new(cfg: VadConfig, sample_rate: u32) -> Self {
        debug_assert!(sample_rate > 0, "VAD at 0 Hz");
        let samples = |ms: u32| (u64::from(ms) * u64::from(sample_rate.max(1)) / 1000) as usize;
        Self {
            cfg,
            state: State::Idle,
            pre_roll: VecDeque::with_capacity(samples(PRE_ROLL_MS) + 1),
            utterance: Vec::new(),
            voiced_run: 0,
            voiced_total: 0,
            silence_run: 0,
            pre_roll_len: samples(PRE_ROLL_MS),
            tail_len: samples(TAIL_MS),
            min_speech_len: samples(cfg.min_speech_ms),
            end_silence_len: samples(cfg.end_silence_ms).max(1),
            max_len: samples(cfg.max_utterance_ms).max(1),
        }
    }

    /// Feeds one frame; returns what it changed, if anything.
    pub fn push(&mut self, pcm: &[i16]) -> Option<VadEvent> {
        if pcm.is_empty() {
            return None;
        }
        let level = rms_dbfs(pcm);
        match self.state {
            State::Idle => {
                if level < self.cfg.threshold_dbfs {
                    self.keep_pre_roll(pcm);
                    return None;
                }
                self.utterance.clear();
                self.utterance.extend(self.pre_roll.drain(..));
                self.utterance.extend_from_slice(pcm);
                self.voiced_run = pcm.len();
                self.voiced_total = pcm.len();
                self.state = State::Onset;
                self.confirm_onset()
            }
            State::Onset => {
                self.utterance.extend_from_slice(pcm);
                if level >= self.cfg.threshold_dbfs - HYSTERESIS_DB {
                    self.voiced_run += pcm.len();
                    self.voiced_total += pcm.len();
                    self.confirm_onset()
                } else {
                    // Too short to be speech: back to silence, the audio becomes pre-roll.
                    let utterance = std::mem::take(&mut self.utterance);
                    self.state = State::Idle;
                    self.keep_pre_roll(&utterance);
                    None
                }
            }
            State::Speech => {
                self.utterance.extend_from_slice(pcm);
                if level >= self.cfg.threshold_dbfs - HYSTERESIS_DB {
                    self.silence_run = 0;
                    self.voiced_total += pcm.len();
                } else {
                    self.silence_run += pcm.len();
                }
                if self.silence_run >= self.end_silence_len {
                    return self.finish();
                }
                if self.utterance.len() >= self.max_len {
                    // Cut exactly at the limit; the caller is still talking, so the rest
                    // starts the next utterance without a new SpeechStarted.
                    let rest = self.utterance.split_off(self.max_len);
                    let cut = std::mem::replace(&mut self.utterance, rest);
                    self.voiced_total = self.utterance.len().saturating_sub(self.silence_run);
                    return Some(VadEvent::UtteranceEnded(cut));
                }
                None
            }
        }
    }

    /// Forgets everything: the next frame starts from silence (e.g. after the agent's turn,
    /// or when the pipeline takes over a call).
    pub fn reset(&mut self) {
        self.state = State::Idle;
        self.pre_roll.clear();
        self.utterance.clear();
        self.voiced_run = 0;
        self.voiced_total = 0;
        self.silence_run = 0;
    }

    /// True between `SpeechStarted` and `UtteranceEnded` (the caller is talking).
    pub fn is_speaking(&self) -> bool {
        self.state == State::Speech
    }

    fn confirm_onset(&mut self) -> Option<VadEvent> {
        if self.voiced_run < self.min_speech_len {
            return None;
        }
        self.state = State::Speech;
        self.silence_run = 0;
        Some(VadEvent::SpeechStarted)
    }

    /// End of an utterance: trims the trailing silence to the tail, returns to idle with the
    /// latest audio as pre-roll.
    fn finish(&mut self) -> Option<VadEvent> {
        let mut utterance = std::mem::take(&mut self.utterance);
        self.state = State::Idle;
        self.pre_roll.clear();
        self.keep_pre_roll(&utterance);
        let keep = utterance.len() - self.silence_run + self.silence_run.min(self.tail_len);
        utterance.truncate(keep);
        let voiced = self.voiced_total;
        self.voiced_run = 0;
        self.voiced_total = 0;
        self.silence_run = 0;
        // After a cut at max_utterance_ms the remainder may hold no real speech: not worth
        // a transcription (recognisers hallucinate on silence).
        if voiced < self.min_speech_len.max(1) {
            return None;
        }
        Some(VadEvent::UtteranceEnded(utterance))
    }

    fn keep_pre_roll(&mut self, pcm: &[i16]) {
        let take = pcm.len().min(self.pre_roll_len);
        self.pre_roll.extend(&pcm[pcm.len() - take..]);
        while self.pre_roll.len() > self.pre_roll_len {
            self.pre_roll.pop_front();
        }
    }
}

/// RMS level of `pcm` in dBFS (a full-scale square wave is 0; silence is -inf).
pub fn rms_dbfs(pcm: &[i16]) -> f32 {
    if pcm.is_empty() {
        return f32::NEG_INFINITY;
    }
    let sum: f64 = pcm.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    let rms = (sum / pcm.len() as f64).sqrt() / 32768.0;
    (20.0 * rms.log10()) as f32
}

#[cfg(test)]
#[path = "vad_tests.rs"]
mod tests;
