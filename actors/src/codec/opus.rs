//! Opus at 24 kHz mono, the only audio PersonaPlex speaks.
//!
//! Thin owners of libopus state (through `audiopus`) that keep their packet and sample buffers,
//! so that encoding or decoding a frame never allocates.

use audiopus::coder::{Decoder, Encoder, GenericCtl};
use audiopus::{Application, Bandwidth, Bitrate, Channels, SampleRate, Signal};

use super::CodecError;

/// Opus sample rate on both sides of the PersonaPlex connection.
pub const OPUS_RATE: u32 = 24_000;
/// Samples in one 20 ms frame at [`OPUS_RATE`]: the frame the upstream encoder produces.
pub const FRAME_SAMPLES: usize = 480;
/// Samples in the longest legal Opus packet (120 ms) at [`OPUS_RATE`].
pub const MAX_PACKET_SAMPLES: usize = 2880;

/// libopus' own recommendation for an output buffer that can hold any packet.
const MAX_PACKET_BYTES: usize = 4000;

/// Encodes the caller's voice (24 kHz mono) into Opus packets for PersonaPlex.
///
/// Exists to pin the settings the server expects (24 kHz, mono, VOIP application, fixed bitrate)
/// and to own the packet buffer so that `encode` hands out a slice without allocating.
pub struct OpusEncoder {
    encoder: Encoder,
    packet: Box<[u8; MAX_PACKET_BYTES]>,
}

impl OpusEncoder {
    /// A 24 kHz mono VOIP encoder at `bitrate_bps` (libopus accepts 500..=512000).
    pub fn new(bitrate_bps: i32) -> Result<Self, CodecError> {
        let mut encoder = Encoder::new(SampleRate::Hz24000, Channels::Mono, Application::Voip)?;
        encoder.set_bitrate(Bitrate::BitsPerSecond(bitrate_bps))?;
        // The input is always a human voice; telling the encoder saves it guessing.
        encoder.set_signal(Signal::Voice)?;
        Ok(Self {
            encoder,
            packet: Box::new([0; MAX_PACKET_BYTES]),
        })
    }

    /// Encodes one frame and returns the packet, valid until the next call.
    ///
    /// `pcm` should be [`FRAME_SAMPLES`] (20 ms); any other legal Opus duration (2.5 to 120 ms) is
    /// accepted too, which the benchmark and tests use to build PersonaPlex-shaped 80 ms packets.
    pub fn encode(&mut self, pcm: &[i16]) -> Result<&[u8], CodecError> {
        if !is_frame_size(pcm.len()) {
            return Err(CodecError::FrameSize {
                expected: FRAME_SAMPLES,
                got: pcm.len(),
            });
        }
        let n = self.encoder.encode(pcm, &mut self.packet[..])?;
        Ok(&self.packet[..n.min(MAX_PACKET_BYTES)])
    }

    /// Trades CPU for quality (0..=10; libopus defaults to 9). Each step down saves roughly a
    /// tenth of the encode time; telephone-band speech barely suffers down to about 5.
    pub fn set_complexity(&mut self, complexity: u8) -> Result<(), CodecError> {
        Ok(self.encoder.set_complexity(complexity.min(10))?)
    }

    /// Caps the coded audio band at the highest frequency the input can contain.
    ///
    /// Caller audio reaches us band-limited (4 kHz for mu-law, 8 kHz for L16 at 16 kHz) but is
    /// encoded at 24 kHz; left on auto, Opus spends most of its effort on hybrid SILK+CELT
    /// coding of an empty upper band. Capped, it codes with SILK alone, for a fraction of the
    /// CPU and no loss of anything that was there.
    pub fn set_max_audio_hz(&mut self, highest_hz: u32) -> Result<(), CodecError> {
        let band = match highest_hz {
            0..=4_000 => Bandwidth::Narrowband,
            4_001..=6_000 => Bandwidth::Mediumband,
            6_001..=8_000 => Bandwidth::Wideband,
            8_001..=12_000 => Bandwidth::Superwideband,
            _ => Bandwidth::Fullband,
        };
        Ok(self.encoder.set_max_bandwidth(band)?)
    }

    /// The current complexity setting.
    pub fn complexity(&self) -> Result<u8, CodecError> {
        Ok(self.encoder.complexity()?)
    }

    /// Samples (at 24 kHz) the encoder looks ahead; twice this is the Ogg pre-skip at 48 kHz.
    pub fn lookahead(&self) -> Result<u32, CodecError> {
        Ok(self.encoder.lookahead()?)
    }

    /// Forgets the signal history, as when a new stream starts.
    pub fn reset(&mut self) -> Result<(), CodecError> {
        Ok(self.encoder.reset_state()?)
    }
}

/// Decodes PersonaPlex's Opus packets to 24 kHz mono samples.
///
/// Exists so that the downstream pipeline can append decoded audio straight into its own
/// buffer, without an intermediate allocation per packet.
pub struct OpusDecoder {
    decoder: Decoder,
}

impl OpusDecoder {
    /// A 24 kHz mono decoder.
    pub fn new() -> Result<Self, CodecError> {
        Ok(Self {
            decoder: Decoder::new(SampleRate::Hz24000, Channels::Mono)?,
        })
    }

    /// Decodes one packet (up to 120 ms), appends its samples to `out` and returns how many.
    /// On error `out` is left as it was.
    pub fn decode(&mut self, packet: &[u8], out: &mut Vec<i16>) -> Result<usize, CodecError> {
        let start = out.len();
        // Decode in place into the spare room of `out`: no copy, no allocation once it has grown.
        out.resize(start + MAX_PACKET_SAMPLES, 0);
        match self.decoder.decode(Some(packet), &mut out[start..], false) {
            Ok(n) => {
                let n = n.min(MAX_PACKET_SAMPLES);
                out.truncate(start + n);
                Ok(n)
            }
            Err(e) => {
                out.truncate(start);
                Err(e.into())
            }
        }
    }

    /// Forgets the signal history, as when a new stream starts.
    pub fn reset(&mut self) -> Result<(), CodecError> {
        Ok(self.decoder.reset_state()?)
    }
}

/// Whether `samples` at 24 kHz is a duration Opus can put in one packet.
fn is_frame_size(samples: usize) -> bool {
    // 2.5, 5, 10, 20, 40, 60 ms, and since libopus 1.2 also 80, 100, 120 ms.
    matches!(
        samples,
        60 | 120 | 240 | 480 | 960 | 1440 | 1920 | 2400 | 2880
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize, hz: f64) -> Vec<i16> {
        (0..n)
            .map(|i| {
                let t = i as f64 / OPUS_RATE as f64;
                (8000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn encode_decode_20ms_frames() {
        let mut enc = OpusEncoder::new(32_000).unwrap();
        let mut dec = OpusDecoder::new().unwrap();
        let pcm = tone(FRAME_SAMPLES * 25, 440.0);
        let mut out = Vec::new();
        for frame in pcm.chunks(FRAME_SAMPLES) {
            let packet = enc.encode(frame).unwrap().to_vec();
            assert!(!packet.is_empty() && packet.len() < 400);
            assert_eq!(dec.decode(&packet, &mut out).unwrap(), FRAME_SAMPLES);
        }
        assert_eq!(out.len(), pcm.len());
        let energy: f64 = out[2400..].iter().map(|&s| (s as f64).powi(2)).sum();
        assert!(energy > 1e9, "decoded audio is silent");
    }

    #[test]
    fn rejects_illegal_frame_size() {
        let mut enc = OpusEncoder::new(32_000).unwrap();
        assert!(matches!(
            enc.encode(&[0; 479]),
            Err(CodecError::FrameSize { got: 479, .. })
        ));
        assert!(enc.encode(&[0; 1920]).is_ok(), "80 ms must be accepted");
    }

    #[test]
    fn complexity_is_adjustable() {
        let mut enc = OpusEncoder::new(24_000).unwrap();
        enc.set_complexity(5).unwrap();
        assert_eq!(enc.complexity().unwrap(), 5);
        enc.set_complexity(200).unwrap(); // clamped, not an error
        assert_eq!(enc.complexity().unwrap(), 10);
    }

    #[test]
    fn lookahead_matches_the_usual_pre_skip() {
        let enc = OpusEncoder::new(24_000).unwrap();
        // 312 at 48 kHz is what libopus reports for a 24 kHz VOIP encoder.
        assert_eq!(enc.lookahead().unwrap() * 2, 312);
    }

    #[test]
    fn decoder_appends_and_survives_garbage() {
        let mut enc = OpusEncoder::new(32_000).unwrap();
        let packet = enc.encode(&tone(1920, 300.0)).unwrap().to_vec();
        let mut dec = OpusDecoder::new().unwrap();
        let mut out = vec![9, 9];
        assert_eq!(dec.decode(&packet, &mut out).unwrap(), 1920);
        assert_eq!(out.len(), 1922);
        assert_eq!(&out[..2], &[9, 9]);
        assert!(dec.decode(&[], &mut out).is_err());
        assert_eq!(
            out.len(),
            1922,
            "failed decode must not leave samples behind"
        );
        // Code 3 packet claiming 63 frames of 60 ms: more than 120 ms, invalid.
        assert!(dec.decode(&[0xFB, 0x3F], &mut out).is_err());
        let mut seed = 1u32;
        for len in 1..300 {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 24) as u8
                })
                .collect();
            let _ = dec.decode(&junk, &mut out); // must not panic
        }
        dec.reset().unwrap();
    }
}
