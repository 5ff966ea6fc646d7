//! Caller audio → PersonaPlex: wire frames in, Ogg/Opus pages out.

use crate::codec::opus::{OpusEncoder, FRAME_SAMPLES, OPUS_RATE};
use crate::codec::resample::Resampler;
use crate::codec::{CodecError, WireFormat};
use crate::ogg::OggOpusWriter;

/// Duration of one 20 ms Opus frame in Ogg granule units (48 kHz, RFC 7845).
const GRANULE_PER_FRAME: u64 = 960;

/// Turns the caller's wire audio into one continuous Ogg/Opus 24 kHz stream for PersonaPlex.
///
/// Exists to keep the whole encode path (wire decode, resample to 24 kHz, 20 ms Opus frames, Ogg
/// pages) in one allocation-free struct whose only latency is the resampler's 5 ms: every
/// complete 20 ms frame becomes a page at once. PersonaPlex clocks its output by this input, so
/// silence must flow through here too; the caller of `push` does not filter it.
pub struct Upstream {
    format: WireFormat,
    resampler: Resampler,
    encoder: OpusEncoder,
    /// Pre-skip announced in `OpusHead`: the encoder's real lookahead at 48 kHz.
    pre_skip: u16,
    /// The current PersonaPlex stream; `None` until `begin_stream`.
    writer: Option<OggOpusWriter>,
    /// Odd L16 byte left over from the previous push.
    carry: Option<u8>,
    /// Decoded wire samples of one push.
    wire_pcm: Vec<i16>,
    /// 24 kHz samples waiting to fill a frame (fewer than `FRAME_SAMPLES` between pushes).
    pcm24: Vec<i16>,
}

impl Upstream {
    /// A pipeline for `format` whose Opus encoder runs at `opus_bitrate_bps`.
    pub fn new(format: WireFormat, opus_bitrate_bps: i32) -> Result<Self, CodecError> {
        let mut encoder = OpusEncoder::new(opus_bitrate_bps)?;
        // Nothing above the wire format's Nyquist frequency exists in the caller's audio.
        encoder.set_max_audio_hz(format.sample_rate() / 2)?;
        let pre_skip = encoder
            .lookahead()
            .map_or(312, |l| (l * 2).min(u16::MAX as u32) as u16);
        Ok(Self {
            format,
            resampler: Resampler::new(format.sample_rate(), OPUS_RATE)?,
            encoder,
            pre_skip,
            writer: None,
            carry: None,
            wire_pcm: Vec::with_capacity(format.frame_samples() * 4),
            pcm24: Vec::with_capacity(FRAME_SAMPLES * 4),
        })
    }

    /// The wire format this pipeline decodes.
    pub fn format(&self) -> WireFormat {
        self.format
    }

    /// Sets the Opus encoder's complexity (0..=10): the knob for CPU per call, since encoding
    /// is most of this pipeline's cost.
    pub fn set_opus_complexity(&mut self, complexity: u8) -> Result<(), CodecError> {
        self.encoder.set_complexity(complexity)
    }

    /// Starts a NEW logical Ogg stream (new random serial, sequence 0) and appends its BOS and
    /// Tags pages to `out`. Called once per PersonaPlex session, after its handshake; a reconnect
    /// calls it again. Codec state is reset too, so the new session hears a clean start.
    pub fn begin_stream(&mut self, out: &mut Vec<u8>) {
        let mut writer = OggOpusWriter::new(rand::random::<u32>()).with_pre_skip(self.pre_skip);
        writer.write_headers(out);
        self.writer = Some(writer);
        self.resampler.reset();
        // A failed reset leaves old history in the encoder: harmless, so not worth an error.
        let _ = self.encoder.reset();
        self.carry = None;
        self.pcm24.clear();
    }

    /// Decodes wire bytes (any length), resamples to 24 kHz, encodes each complete 20 ms frame
    /// and appends one Ogg page per Opus packet to `out`. Returns the number of frames written.
    /// Before `begin_stream` it writes nothing and returns 0.
    ///
    /// On `Err` nothing from this call is left in `out` and the page sequence is unchanged, so
    /// the stream stays valid for PersonaPlex (a sequence gap would mute the call).
    pub fn push(&mut self, wire: &[u8], out: &mut Vec<u8>) -> Result<usize, CodecError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(0);
        };

        self.wire_pcm.clear();
        let mut wire = wire;
        if self.format.bytes_per_sample() == 2 {
            if let (Some(lo), Some((&hi, rest))) = (self.carry, wire.split_first()) {
                self.wire_pcm.push(i16::from_le_bytes([lo, hi]));
                self.carry = None;
                wire = rest;
            }
            if wire.len() % 2 == 1 {
                self.carry = wire.last().copied();
            }
        }
        self.format.decode_into(wire, &mut self.wire_pcm);
        self.resampler.process(&self.wire_pcm, &mut self.pcm24);

        let rollback = (out.len(), writer.clone());
        let mut frames = 0;
        let mut result = Ok(());
        for frame in self.pcm24.chunks_exact(FRAME_SAMPLES) {
            match self.encoder.encode(frame) {
                Ok(packet) => writer.write_packet(packet, GRANULE_PER_FRAME, out),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
            frames += 1;
        }
        // Whole frames are consumed even on error: retrying them would not help.
        let used = self.pcm24.len() - self.pcm24.len() % FRAME_SAMPLES;
        self.pcm24.drain(..used);
        match result {
            Ok(()) => Ok(frames),
            Err(e) => {
                out.truncate(rollback.0);
                *writer = rollback.1;
                Err(e)
            }
        }
    }
}
