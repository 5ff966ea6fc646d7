//! SignalWire's play-out queue, as the simulator emulates it.
//!
//! SignalWire queues the audio our server sends and plays it in order at real time, whatever the
//! server does meanwhile; a `mark` comes back only once the audio queued before it has been
//! played, and `clear` flushes the queue and returns every pending mark at once. Keeping this in a
//! plain struct lets the rules be unit-tested without a socket or a clock: the caller drives it
//! with one [`Playout::play_frame`] per 20 ms tick.

use std::collections::VecDeque;

/// Audio waiting to be "played" to the simulated caller, and the marks interleaved with it.
///
/// Positions are counted in samples since the call began: a mark is due once `played` has
/// reached the number of samples that had been queued when the mark arrived.
#[derive(Debug)]
pub struct Playout {
    samples: VecDeque<i16>,
    /// `(queued position, name)`, in arrival order; positions never decrease.
    marks: VecDeque<(u64, String)>,
    queued_total: u64,
    played_total: u64,
    frame_samples: usize,
}

impl Playout {
    /// A queue that plays `frame_samples` samples per tick (one 20 ms frame at the wire rate).
    pub fn new(frame_samples: usize) -> Self {
        Playout {
            samples: VecDeque::new(),
            marks: VecDeque::new(),
            queued_total: 0,
            played_total: 0,
            frame_samples,
        }
    }

    /// Queues decoded audio behind everything already queued.
    pub fn push_audio(&mut self, pcm: &[i16]) {
        self.samples.extend(pcm.iter().copied());
        self.queued_total += pcm.len() as u64;
    }

    /// Queues a mark. Returns it straight back when nothing is waiting to be played before it,
    /// since then "the audio before it has been played" already holds.
    pub fn push_mark(&mut self, name: String) -> Option<String> {
        if self.samples.is_empty() {
            return Some(name);
        }
        self.marks.push_back((self.queued_total, name));
        None
    }

    /// Plays one frame: appends exactly `frame_samples` samples to `out` (queued audio, then
    /// silence if the queue ran dry) and moves the marks that are now due into `due`, in order.
    /// Returns how many of the samples were real audio rather than filler silence.
    pub fn play_frame(&mut self, out: &mut Vec<i16>, due: &mut Vec<String>) -> usize {
        let take = self.frame_samples.min(self.samples.len());
        out.extend(self.samples.drain(..take));
        out.resize(out.len() + (self.frame_samples - take), 0);
        self.played_total += take as u64;
        while let Some((position, _)) = self.marks.front() {
            if *position > self.played_total {
                break;
            }
            if let Some((_, name)) = self.marks.pop_front() {
                due.push(name);
            }
        }
        take
    }

    /// Barge-in: drops all queued audio and returns every pending mark, in order.
    pub fn clear(&mut self) -> Vec<String> {
        self.samples.clear();
        self.queued_total = self.played_total;
        self.marks.drain(..).map(|(_, name)| name).collect()
    }

    /// Samples waiting to be played; how far ahead of real time the server is.
    pub fn queued_samples(&self) -> usize {
        self.samples.len()
    }

    /// Marks waiting for their audio to be played.
    pub fn pending_marks(&self) -> usize {
        self.marks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(p: &mut Playout) -> (Vec<i16>, Vec<String>, usize) {
        let (mut out, mut due) = (Vec::new(), Vec::new());
        let real = p.play_frame(&mut out, &mut due);
        (out, due, real)
    }

    #[test]
    fn plays_in_order_one_frame_per_tick_then_silence() {
        let mut p = Playout::new(4);
        p.push_audio(&[1, 2, 3]);
        p.push_audio(&[4, 5, 6]);
        assert_eq!(tick(&mut p), (vec![1, 2, 3, 4], vec![], 4));
        assert_eq!(tick(&mut p), (vec![5, 6, 0, 0], vec![], 2));
        assert_eq!(tick(&mut p), (vec![0, 0, 0, 0], vec![], 0));
        assert_eq!(p.queued_samples(), 0);
    }

    #[test]
    fn a_mark_waits_for_the_audio_queued_before_it() {
        let mut p = Playout::new(4);
        p.push_audio(&[1; 6]);
        assert_eq!(p.push_mark("m1".into()), None);
        p.push_audio(&[2; 4]);
        assert_eq!(p.push_mark("m2".into()), None);
        assert_eq!(
            tick(&mut p).1,
            Vec::<String>::new(),
            "only 4 of 6 samples played"
        );
        assert_eq!(p.pending_marks(), 2);
        let (out, due, _) = tick(&mut p);
        assert_eq!(out, [1, 1, 2, 2]);
        assert_eq!(due, ["m1"]);
        assert_eq!(tick(&mut p).1, ["m2"]);
        assert_eq!(p.pending_marks(), 0);
    }

    #[test]
    fn marks_at_a_frame_boundary_are_due_on_that_tick() {
        let mut p = Playout::new(4);
        p.push_audio(&[1; 4]);
        p.push_mark("a".into());
        p.push_mark("b".into());
        assert_eq!(tick(&mut p).1, ["a", "b"]);
    }

    #[test]
    fn a_mark_on_an_empty_queue_returns_at_once() {
        let mut p = Playout::new(4);
        assert_eq!(p.push_mark("now".into()), Some("now".into()));
        p.push_audio(&[1; 4]);
        tick(&mut p);
        assert_eq!(p.push_mark("after".into()), Some("after".into()));
    }

    #[test]
    fn clear_flushes_audio_and_returns_pending_marks() {
        let mut p = Playout::new(4);
        p.push_audio(&[1; 8]);
        p.push_mark("x".into());
        p.push_audio(&[2; 8]);
        p.push_mark("y".into());
        tick(&mut p);
        assert_eq!(p.clear(), ["x", "y"]);
        assert_eq!(p.queued_samples(), 0);
        assert_eq!(tick(&mut p), (vec![0; 4], vec![], 0));
        // Positions restart from what was played, so a new mark behind new audio still waits.
        p.push_audio(&[3; 4]);
        assert_eq!(p.push_mark("z".into()), None);
        assert_eq!(tick(&mut p), (vec![3; 4], vec!["z".to_string()], 4));
    }
}
