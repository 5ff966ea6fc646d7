//! What a simulated call measured, printed for a human and returned for tests.

use std::fmt;

/// The outcome of one simulated call.
///
/// Exists so that an end-to-end check can assert on numbers (did the agent answer, how fast, were
/// marks honoured, was outbound audio paced) instead of scraping the printed text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// From the WebSocket upgrade to the end of the call.
    pub duration_secs: f64,
    /// From the first media frame sent to the first received frame with audible audio; `None`
    /// when the agent never said anything.
    pub first_audio_latency_ms: Option<f64>,
    pub frames_sent: u64,
    /// `media` messages received from the server.
    pub frames_received: u64,
    pub marks_received: u64,
    /// Marks echoed back (played through, or returned by a `clear`).
    pub marks_acknowledged: u64,
    pub clears: u64,
    /// Messages from the server that SignalWire would reject or ignore: not JSON, unknown shape,
    /// wrong or missing `streamSid`, undecodable payload, binary frames.
    pub bad_frames: u64,
    /// The longest the play-out queue got, in ms of audio: a server that does not pace its
    /// output at real time shows up here (and its audio plays long after barge-in).
    pub max_queue_ms: f64,
    /// True when the server closed the socket before the caller hung up.
    pub ended_by_server: bool,
    /// The first verb of the `<Connect action>` answer, requested after the server closed the
    /// stream (`hangup`); `None` when there was no action to request.
    pub after_stream: Option<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = if self.ended_by_server {
            "the server"
        } else {
            "the caller"
        };
        writeln!(f, "call ended by {who} after {:.2} s", self.duration_secs)?;
        match self.first_audio_latency_ms {
            Some(ms) => writeln!(
                f,
                "  first agent audio: {ms:.0} ms after the caller's first frame"
            )?,
            None => writeln!(f, "  first agent audio: never (no audible audio received)")?,
        }
        writeln!(f, "  frames sent:       {}", self.frames_sent)?;
        writeln!(f, "  frames received:   {}", self.frames_received)?;
        writeln!(
            f,
            "  marks:             {} received, {} acknowledged",
            self.marks_received, self.marks_acknowledged
        )?;
        writeln!(f, "  clears:            {}", self.clears)?;
        writeln!(f, "  max queued audio:  {:.0} ms", self.max_queue_ms)?;
        write!(f, "  bad frames:        {}", self.bad_frames)?;
        if let Some(verb) = &self.after_stream {
            write!(f, "\n  after the stream:  {verb}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_every_figure() {
        let s = Summary {
            duration_secs: 12.345,
            first_audio_latency_ms: Some(412.4),
            frames_sent: 617,
            frames_received: 580,
            marks_received: 12,
            marks_acknowledged: 11,
            clears: 3,
            bad_frames: 2,
            max_queue_ms: 240.0,
            ended_by_server: true,
            after_stream: Some("hangup".into()),
        };
        let text = s.to_string();
        for needle in [
            "the server",
            "12.35 s",
            "412 ms",
            "617",
            "580",
            "12 received",
            "11 acknowledged",
            "clears:            3",
            "240 ms",
            "bad frames:        2",
            "after the stream:  hangup",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
    }

    #[test]
    fn display_says_when_the_agent_never_spoke() {
        let text = Summary::default().to_string();
        assert!(text.contains("never"), "{text}");
        assert!(text.contains("the caller"), "{text}");
    }
}
