//! PersonaPlex → caller: Ogg/Opus bytes in, 20 ms wire frames out.

use crate::codec::opus::{OpusDecoder, OPUS_RATE};
use crate::codec::resample::Resampler;
use crate::codec::{CodecError, WireFormat};
use crate::ogg::{is_opus_header, OggPacketReader};

/// What one `Downstream::push` did, for counters and logs.
///
/// Exists so that damage is visible to the caller (which logs and counts it) while the pipeline
/// itself keeps going: a bad page must cost audio, never the call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DownstreamReport {
    /// 20 ms wire frames emitted.
    pub frames: usize,
    /// Damaged stretches of the Ogg stream that were skipped (bad CRC, garbage, ...).
    pub damaged_pages: usize,
    /// Packets that libopus could not decode.
    pub bad_packets: usize,
}

/// Turns PersonaPlex's Ogg/Opus byte stream into 20 ms frames in the caller's wire format.
///
/// Exists to hide everything about the agent's stream that the telephony side must not care
/// about: how pages are split over WebSocket messages, header packets, 80 ms (or 40 ms) packets,
/// non-standard granules and pre-skip (ignored, see `docs/ogg.md`), and the 24 kHz rate.
/// A frame is emitted as soon as its last sample is decoded; at most one partial frame waits.
pub struct Downstream {
    format: WireFormat,
    reader: OggPacketReader,
    decoder: OpusDecoder,
    resampler: Resampler,
    /// Decoded 24 kHz samples of one packet.
    pcm24: Vec<i16>,
    /// Wire-rate samples waiting to fill a frame (fewer than one frame between pushes).
    wire_pcm: Vec<i16>,
    /// One encoded frame, handed to `emit`.
    frame: Vec<u8>,
}

impl Downstream {
    /// A pipeline producing frames in `format`.
    pub fn new(format: WireFormat) -> Result<Self, CodecError> {
        Ok(Self {
            format,
            reader: OggPacketReader::new(),
            decoder: OpusDecoder::new()?,
            resampler: Resampler::new(OPUS_RATE, format.sample_rate())?,
            pcm24: Vec::with_capacity(2880),
            wire_pcm: Vec::with_capacity(format.frame_samples() * 8),
            frame: Vec::with_capacity(format.frame_bytes()),
        })
    }

    /// The wire format this pipeline produces.
    pub fn format(&self) -> WireFormat {
        self.format
    }

    /// Forgets the old stream: a new PersonaPlex session begins a new Ogg stream.
    pub fn reset(&mut self) {
        self.reader.reset();
        let _ = self.decoder.reset(); // a failed reset only leaves stale history
        self.resampler.reset();
        self.wire_pcm.clear();
    }

    /// Feeds bytes of the agent's Ogg stream (pages split or joined arbitrarily) and calls
    /// `emit` with each complete 20 ms frame of wire bytes. Damaged pages are skipped (counted)
    /// and decoding resumes with the next good page.
    pub fn push(&mut self, ogg: &[u8], mut emit: impl FnMut(&[u8])) -> DownstreamReport {
        let mut report = DownstreamReport::default();
        let frame_samples = self.format.frame_samples();
        self.reader.push(ogg);
        loop {
            let packet = match self.reader.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => break,
                Err(e) => {
                    log::debug!("agent Ogg stream: {e}");
                    report.damaged_pages += 1;
                    continue;
                }
            };
            if is_opus_header(packet.data) {
                if packet.bos {
                    // A new stream without `reset`: start decoding it from a clean state.
                    let _ = self.decoder.reset();
                }
                continue;
            }
            self.pcm24.clear();
            if let Err(e) = self.decoder.decode(packet.data, &mut self.pcm24) {
                log::debug!("agent Opus packet of {} bytes: {e}", packet.data.len());
                report.bad_packets += 1;
                continue;
            }
            self.resampler.process(&self.pcm24, &mut self.wire_pcm);
            for samples in self.wire_pcm.chunks_exact(frame_samples) {
                self.frame.clear();
                self.format.encode_into(samples, &mut self.frame);
                emit(&self.frame);
                report.frames += 1;
            }
            let used = self.wire_pcm.len() - self.wire_pcm.len() % frame_samples;
            self.wire_pcm.drain(..used);
        }
        report
    }
}
