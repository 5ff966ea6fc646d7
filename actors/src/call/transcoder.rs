//! `Transcoder`: the actor that owns both audio directions of a call.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix::prelude::*;
use bytes::Bytes;

use super::messages::{
    AgentAudio, AgentOgg, AttachAgent, CallerAudio, CallerPcm, DetachAgent, HoldAgentAudio,
    ListenToCaller, Shutdown, UpstreamOgg,
};
use super::registry::CallStats;
use crate::codec::{CodecError, WireFormat};
use crate::transcode::{Downstream, Upstream};

/// Moves audio between the caller's wire format and PersonaPlex's Ogg/Opus stream.
///
/// A thin shell over the pure [`Upstream`] and [`Downstream`] pipelines: it owns them and their
/// reusable buffers, counts frames for the admin view, and sends results on. Encoding a 20 ms
/// frame costs tens of microseconds, so it runs inline on the call's arbiter.
pub struct Transcoder {
    call_id: String,
    upstream: Upstream,
    downstream: Downstream,
    /// Reused buffer for the Ogg pages one push produces.
    ogg_out: Vec<u8>,
    /// The current PersonaPlex session (none until a handshake).
    to_agent: Option<Recipient<UpstreamOgg>>,
    to_caller: Recipient<AgentAudio>,
    /// While true the agent's frames are decoded (to keep the decoder in step) but dropped.
    hold: bool,
    /// An engine that wants the caller's audio as PCM (legacy pipeline, voicemail).
    listener: Option<Recipient<CallerPcm>>,
    stats: Arc<CallStats>,
}

impl Transcoder {
    pub fn new(
        call_id: String,
        format: WireFormat,
        opus_bitrate: i32,
        opus_complexity: u8,
        to_caller: Recipient<AgentAudio>,
        stats: Arc<CallStats>,
    ) -> Result<Self, CodecError> {
        let mut upstream = Upstream::new(format, opus_bitrate)?;
        upstream.set_opus_complexity(opus_complexity)?;
        Ok(Transcoder {
            call_id,
            upstream,
            downstream: Downstream::new(format)?,
            ogg_out: Vec::with_capacity(4096),
            to_agent: None,
            to_caller,
            hold: false,
            listener: None,
            stats,
        })
    }

    fn flush_to_agent(&mut self) {
        if self.ogg_out.is_empty() {
            return;
        }
        if let Some(agent) = &self.to_agent {
            agent.do_send(UpstreamOgg(Bytes::copy_from_slice(&self.ogg_out)));
        }
        self.ogg_out.clear();
    }
}

impl Actor for Transcoder {
    type Context = Context<Self>;
}

impl Handler<AttachAgent> for Transcoder {
    type Result = ();

    fn handle(&mut self, msg: AttachAgent, _ctx: &mut Context<Self>) {
        self.to_agent = Some(msg.to_agent);
        self.downstream.reset();
        self.ogg_out.clear();
        self.upstream.begin_stream(&mut self.ogg_out);
        self.flush_to_agent();
    }
}

impl Handler<CallerAudio> for Transcoder {
    type Result = ();

    fn handle(&mut self, msg: CallerAudio, _ctx: &mut Context<Self>) {
        self.stats.frames_in.fetch_add(1, Ordering::Relaxed);
        if let Some(listener) = &self.listener {
            let mut pcm = Vec::with_capacity(msg.0.len());
            self.upstream.format().decode_into(&msg.0, &mut pcm);
            listener.do_send(CallerPcm(pcm));
        }
        if self.to_agent.is_none() {
            // No session to listen yet (connecting or prefilling): the model is not running, so
            // there is nothing to keep; buffering would only add latency later.
            return;
        }
        match self.upstream.push(&msg.0, &mut self.ogg_out) {
            Ok(_) => self.flush_to_agent(),
            Err(e) => {
                self.ogg_out.clear();
                log::warn!("call {}: could not encode caller audio: {e}", self.call_id);
            }
        }
    }
}

impl Handler<AgentOgg> for Transcoder {
    type Result = ();

    fn handle(&mut self, msg: AgentOgg, _ctx: &mut Context<Self>) {
        let (to_caller, hold) = (&self.to_caller, self.hold);
        let report = self.downstream.push(&msg.0, |frame| {
            if !hold {
                to_caller.do_send(AgentAudio(frame.to_vec()));
            }
        });
        if !hold {
            self.stats
                .frames_out
                .fetch_add(report.frames as u64, Ordering::Relaxed);
        }
        if report.damaged_pages > 0 || report.bad_packets > 0 {
            log::warn!(
                "call {}: agent audio: skipped {} damaged Ogg page(s), {} undecodable packet(s)",
                self.call_id,
                report.damaged_pages,
                report.bad_packets
            );
        }
    }
}

impl Handler<Shutdown> for Transcoder {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

impl Handler<DetachAgent> for Transcoder {
    type Result = ();

    fn handle(&mut self, _: DetachAgent, _ctx: &mut Context<Self>) {
        self.to_agent = None;
    }
}

impl Handler<HoldAgentAudio> for Transcoder {
    type Result = ();

    fn handle(&mut self, msg: HoldAgentAudio, _ctx: &mut Context<Self>) {
        self.hold = msg.0;
    }
}

impl Handler<ListenToCaller> for Transcoder {
    type Result = ();

    fn handle(&mut self, msg: ListenToCaller, _ctx: &mut Context<Self>) {
        self.listener = msg.0;
    }
}
