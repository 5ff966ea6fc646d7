//! `Announcer`: speaks sentences to the caller in place of the agent.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;

use super::messages::{
    AgentAudio, AgentBack, Announce, AnnouncementDone, HoldAgentAudio, MediaCommand, Shutdown,
    StopSpeaking,
};
use super::registry::CallStats;
use crate::codec::WireFormat;
use crate::speech::Speech;

/// One frame is 20 ms of audio.
const FRAME: Duration = Duration::from_millis(20);

/// Frames sent ahead of real time, to ride out timer jitter without starving SignalWire's queue
/// (more would make a later `clear` or hand-back late by as much).
const LEAD_FRAMES: u32 = 3;

/// Speaks a sentence (tool result, filler, greeting) to the caller, in real time, while the
/// agent's own audio is held back.
///
/// PersonaPlex cannot be told anything mid-session, so a tool's result reaches the caller this
/// way: synthesized with [`Speech`], cut into 20 ms frames of the stream's wire format, paced at
/// real time (SignalWire plays whatever is queued, so pacing keeps the queue, and the latency of
/// everything after it, short), followed by a mark. Announcements queue up; one plays at a time.
pub struct Announcer {
    call_id: String,
    format: WireFormat,
    speech: Speech,
    to_caller: Recipient<AgentAudio>,
    media: Recipient<MediaCommand>,
    /// Told to hold the agent's audio while we speak.
    transcoder: Option<Recipient<HoldAgentAudio>>,
    /// Told when each announcement ends.
    supervisor: Recipient<AnnouncementDone>,
    stats: Arc<CallStats>,
    queue: VecDeque<(Announce, Instant)>,
    playing: Option<Playback>,
}

/// The announcement being played.
struct Playback {
    announce: Announce,
    requested: Instant,
    /// Wire-format audio, frame after frame.
    audio: Vec<u8>,
    frame_bytes: usize,
    sent: u32,
    started: Instant,
    timer: SpawnHandle,
}

impl Announcer {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        call_id: String,
        format: WireFormat,
        speech: Speech,
        to_caller: Recipient<AgentAudio>,
        media: Recipient<MediaCommand>,
        transcoder: Option<Recipient<HoldAgentAudio>>,
        supervisor: Recipient<AnnouncementDone>,
        stats: Arc<CallStats>,
    ) -> Self {
        Announcer {
            call_id,
            format,
            speech,
            to_caller,
            media,
            transcoder,
            supervisor,
            stats,
            queue: VecDeque::new(),
            playing: None,
        }
    }

    /// Synthesizes the next queued announcement, unless one is in progress.
    fn next(&mut self, ctx: &mut Context<Self>) {
        if self.playing.is_some() {
            return;
        }
        let Some((announce, requested)) = self.queue.pop_front() else {
            self.hold(false);
            return;
        };
        if let Some(pcm) = announce.pcm.clone() {
            return self.play(announce, requested, &pcm, ctx);
        }
        let speech = self.speech.clone();
        let (text, rate) = (announce.text.clone(), self.format.sample_rate());
        let synth = async move { speech.synthesize(&text, rate).await };
        // `wait` keeps later announcements from starting while this one is synthesized.
        ctx.wait(
            synth
                .into_actor(self)
                .map(move |result, me, ctx| match result {
                    Ok(pcm) => me.play(announce, requested, &pcm, ctx),
                    Err(e) => {
                        log::warn!(
                            "call {}: could not speak {:?}: {e}",
                            me.call_id,
                            announce.text
                        );
                        me.done(
                            &announce,
                            AnnouncementDone {
                                text: announce.text.clone(),
                                spoken: false,
                                first_frame_ms: None,
                            },
                        );
                        me.next(ctx);
                    }
                }),
        );
    }

    fn play(
        &mut self,
        announce: Announce,
        requested: Instant,
        pcm: &[i16],
        ctx: &mut Context<Self>,
    ) {
        let mut audio = Vec::with_capacity(pcm.len() * self.format.bytes_per_sample());
        self.format.encode_into(pcm, &mut audio);
        let frame_bytes = self.format.frame_bytes();
        // Pad to whole frames: SignalWire expects steady 20 ms chunks.
        let padding = (frame_bytes - audio.len() % frame_bytes) % frame_bytes;
        let silence = match self.format {
            WireFormat::Mulaw8k => crate::codec::mulaw::SILENCE,
            WireFormat::L16 { .. } => 0,
        };
        audio.extend(std::iter::repeat_n(silence, padding));
        self.hold(true);
        let timer = ctx.run_interval(FRAME, |me, ctx| me.tick(ctx));
        self.playing = Some(Playback {
            announce,
            requested,
            audio,
            frame_bytes,
            sent: 0,
            started: Instant::now(),
            timer,
        });
        self.tick(ctx);
    }

    /// Sends every frame that is due (real time plus the lead).
    fn tick(&mut self, ctx: &mut Context<Self>) {
        let Some(p) = self.playing.as_mut() else {
            return;
        };
        let due = (p.started.elapsed().as_millis() / FRAME.as_millis()) as u32 + LEAD_FRAMES;
        let total = (p.audio.len() / p.frame_bytes) as u32;
        if p.sent == 0 && total > 0 {
            let ms = p.requested.elapsed().as_millis() as u64;
            // Recorded at the first frame: that is when the caller starts hearing it.
            self.stats
                .result_latency_ms
                .store(ms.max(1), Ordering::Relaxed);
            log::info!(
                "call {}: speaking {:?} ({ms} ms after the request)",
                self.call_id,
                p.announce.text
            );
        }
        while p.sent < due.min(total) {
            let at = p.sent as usize * p.frame_bytes;
            self.to_caller
                .do_send(AgentAudio(p.audio[at..at + p.frame_bytes].to_vec()));
            self.stats.frames_out.fetch_add(1, Ordering::Relaxed);
            p.sent += 1;
        }
        if p.sent < total {
            return;
        }
        let p = self.playing.take().expect("checked above");
        ctx.cancel_future(p.timer);
        if let Some(mark) = &p.announce.mark {
            self.media.do_send(MediaCommand::Mark(mark.clone()));
        }
        let first_frame_ms = Some(p.started.duration_since(p.requested).as_millis() as u64);
        self.done(
            &p.announce,
            AnnouncementDone {
                text: p.announce.text.clone(),
                spoken: total > 0,
                first_frame_ms,
            },
        );
        self.next(ctx);
    }

    fn done(&self, announce: &Announce, done: AnnouncementDone) {
        if let Some(notify) = &announce.notify {
            notify.do_send(done.clone());
        }
        self.supervisor.do_send(done);
    }

    fn hold(&self, hold: bool) {
        if let Some(transcoder) = &self.transcoder {
            transcoder.do_send(HoldAgentAudio(hold));
        }
    }
}

impl Actor for Announcer {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Context<Self>) {
        self.hold(false);
    }
}

impl Handler<Announce> for Announcer {
    type Result = ();

    fn handle(&mut self, msg: Announce, ctx: &mut Context<Self>) {
        if msg.only_if_idle && (self.playing.is_some() || !self.queue.is_empty()) {
            log::debug!(
                "call {}: not saying {:?} over other speech",
                self.call_id,
                msg.text
            );
            return;
        }
        let requested = msg.requested_at;
        self.queue.push_back((msg, requested));
        self.next(ctx);
    }
}

impl Handler<Shutdown> for Announcer {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

impl Handler<StopSpeaking> for Announcer {
    type Result = ();

    fn handle(&mut self, _: StopSpeaking, ctx: &mut Context<Self>) {
        self.queue.clear();
        if let Some(p) = self.playing.take() {
            ctx.cancel_future(p.timer);
            log::info!("call {}: stopped speaking (barge-in)", self.call_id);
            self.done(
                &p.announce,
                AnnouncementDone {
                    text: p.announce.text.clone(),
                    spoken: p.sent > 0,
                    first_frame_ms: None,
                },
            );
        }
        self.hold(false);
    }
}

impl Handler<AgentBack> for Announcer {
    type Result = ();

    /// Fillers stop the moment the agent is back: they exist only to cover its absence.
    fn handle(&mut self, _: AgentBack, ctx: &mut Context<Self>) {
        self.queue.retain(|(a, _)| !a.yields_to_agent);
        if self
            .playing
            .as_ref()
            .is_some_and(|p| p.announce.yields_to_agent)
        {
            let p = self.playing.take().expect("checked above");
            ctx.cancel_future(p.timer);
            let done = AnnouncementDone {
                text: p.announce.text.clone(),
                spoken: p.sent > 0,
                first_frame_ms: None,
            };
            self.done(&p.announce, done);
            self.next(ctx);
        }
    }
}
