//! SignalWire's reactions to what our server sends, without the socket.
//!
//! The connection loop hands every text frame and every 20 ms tick to an [`Emulator`], which
//! answers the way SignalWire would (mark echoes) and keeps the figures of the [`Summary`]. Being
//! free of I/O and clocks (time is passed in), it can be tested message by message.

use std::time::{Duration, Instant};

use actors::codec::WireFormat;
use actors::protocol::signalwire::{decode_payload, parse_outbound_message, write_mark, Outbound};

use super::playout::Playout;
use super::summary::Summary;

/// Peak amplitude above which received audio counts as the agent speaking (about -36 dBFS), so
/// comfort noise or dithered silence does not fake a fast first answer.
const AUDIBLE_PEAK: u16 = 512;

/// The SignalWire side of one simulated call.
pub struct Emulator {
    stream_sid: String,
    wire: WireFormat,
    playout: Playout,
    summary: Summary,
    first_media_sent: Option<Instant>,
    first_audio: Option<Instant>,
    max_queue_samples: usize,
    /// Reused decode buffers: the emulator handles 50 frames a second.
    payload: Vec<u8>,
    pcm: Vec<i16>,
}

impl Emulator {
    pub fn new(stream_sid: String, wire: WireFormat) -> Self {
        Emulator {
            stream_sid,
            wire,
            playout: Playout::new(wire.frame_samples()),
            summary: Summary::default(),
            first_media_sent: None,
            first_audio: None,
            max_queue_samples: 0,
            payload: Vec::new(),
            pcm: Vec::new(),
        }
    }

    /// Records that the caller sent one media frame at `now`.
    pub fn media_sent(&mut self, now: Instant) {
        self.summary.frames_sent += 1;
        self.first_media_sent.get_or_insert(now);
    }

    /// Reacts to one text frame from the server; any messages to send back go into `replies`.
    pub fn on_server_text(&mut self, text: &str, now: Instant, replies: &mut Vec<String>) {
        let msg = match parse_outbound_message(text) {
            Ok(msg) => msg,
            Err(e) => {
                return self.bad_frame(&format!("unparseable message ({e}): {}", preview(text)))
            }
        };
        if msg.stream_sid.as_deref() != Some(self.stream_sid.as_str()) {
            // SignalWire routes by streamSid: a message for another stream is not played.
            return self.bad_frame(&format!(
                "streamSid {:?} instead of {:?}: {}",
                msg.stream_sid,
                self.stream_sid,
                preview(text)
            ));
        }
        match msg.event {
            Outbound::Media { payload } => self.on_media(&payload, now),
            Outbound::Mark { name } => {
                self.summary.marks_received += 1;
                if let Some(name) = self.playout.push_mark(name) {
                    self.acknowledge(&name, replies);
                }
            }
            Outbound::Clear => {
                self.summary.clears += 1;
                log::debug!(
                    "clear: dropping {} queued samples",
                    self.playout.queued_samples()
                );
                for name in self.playout.clear() {
                    self.acknowledge(&name, replies);
                }
            }
            Outbound::Dtmf { digit } => log::info!("agent played DTMF {digit:?}"),
            Outbound::Unknown { event } => self.bad_frame(&format!("unknown event {event:?}")),
        }
    }

    fn on_media(&mut self, payload: &str, now: Instant) {
        if let Err(e) = decode_payload(payload, &mut self.payload) {
            return self.bad_frame(&format!("media payload: {e}"));
        }
        if matches!(self.wire, WireFormat::L16 { .. }) && !self.payload.len().is_multiple_of(2) {
            return self.bad_frame(&format!("L16 payload of odd length {}", self.payload.len()));
        }
        self.summary.frames_received += 1;
        self.pcm.clear();
        self.wire.decode_into(&self.payload, &mut self.pcm);
        if self.first_audio.is_none() && self.pcm.iter().any(|s| s.unsigned_abs() > AUDIBLE_PEAK) {
            self.first_audio = Some(now);
        }
        self.playout.push_audio(&self.pcm);
        self.max_queue_samples = self.max_queue_samples.max(self.playout.queued_samples());
    }

    /// One 20 ms tick of play-out: appends the frame the caller hears to `played` and echoes the
    /// marks whose audio has now been played.
    pub fn on_tick(&mut self, played: &mut Vec<i16>, replies: &mut Vec<String>) {
        let mut due = Vec::new();
        self.playout.play_frame(played, &mut due);
        for name in due {
            self.acknowledge(&name, replies);
        }
    }

    /// Counts and logs a frame SignalWire could not use (binary, fragmented, malformed...).
    pub fn bad_frame(&mut self, why: &str) {
        self.summary.bad_frames += 1;
        log::warn!("bad frame from the server: {why}");
    }

    fn acknowledge(&mut self, name: &str, replies: &mut Vec<String>) {
        self.summary.marks_acknowledged += 1;
        let mut out = String::new();
        write_mark(&self.stream_sid, name, &mut out);
        replies.push(out);
    }

    /// Marks still waiting for their audio: at hang-up these are never echoed, as on a real call.
    pub fn pending_marks(&self) -> usize {
        self.playout.pending_marks()
    }

    /// The figures of the call so far.
    pub fn summary(&self, duration: Duration, ended_by_server: bool) -> Summary {
        let latency = match (self.first_media_sent, self.first_audio) {
            (Some(sent), Some(heard)) => {
                Some(heard.saturating_duration_since(sent).as_secs_f64() * 1000.0)
            }
            _ => None,
        };
        Summary {
            duration_secs: duration.as_secs_f64(),
            first_audio_latency_ms: latency,
            max_queue_ms: self.max_queue_samples as f64 * 1000.0
                / f64::from(self.wire.sample_rate()),
            ended_by_server,
            ..self.summary.clone()
        }
    }
}

/// The start of a message for a log line; whole media frames would flood the log.
fn preview(text: &str) -> &str {
    match text.char_indices().nth(120) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
#[path = "emulator_tests.rs"]
mod tests;
