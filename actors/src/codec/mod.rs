//! Audio sample codecs: telephony wire formats, resampling and Opus.
//!
//! Everything here is synchronous, allocation-free once warmed up, and never panics on input
//! bytes: a phone call must not die because a peer sent something odd.

pub mod mulaw;
pub mod opus;
pub mod resample;

/// The sample format on the telephony side of a call, as negotiated in SignalWire's
/// `start.mediaFormat`.
///
/// It exists so that the rest of the call code can be written once for every codec SignalWire
/// offers (`PCMU@8000h`, `L16@16000h`, `L16@24000h`) instead of branching on strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireFormat {
    /// G.711 mu-law, 8 kHz mono, one byte per sample.
    Mulaw8k,
    /// 16-bit signed little-endian mono PCM at `rate` Hz (16000 or 24000; 8000 is accepted too).
    L16 { rate: u32 },
}

impl WireFormat {
    /// Maps SignalWire's `mediaFormat` (`encoding`, `sampleRate`) to a format.
    ///
    /// Accepts the encodings with or without the `audio/` prefix and case-insensitively, because
    /// SignalWire and Twilio spell them differently in places.
    pub fn from_media_format(encoding: &str, sample_rate: u32) -> Result<Self, CodecError> {
        let enc = encoding.trim();
        let enc = enc
            .strip_prefix("audio/")
            .or_else(|| enc.strip_prefix("AUDIO/"))
            .unwrap_or(enc);
        if enc.eq_ignore_ascii_case("x-mulaw") || enc.eq_ignore_ascii_case("pcmu") {
            return match sample_rate {
                8000 => Ok(Self::Mulaw8k),
                other => Err(CodecError::UnsupportedRate(other)),
            };
        }
        if enc.eq_ignore_ascii_case("x-l16") || enc.eq_ignore_ascii_case("l16") {
            return match sample_rate {
                8000 | 16000 | 24000 => Ok(Self::L16 { rate: sample_rate }),
                other => Err(CodecError::UnsupportedRate(other)),
            };
        }
        Err(CodecError::UnsupportedEncoding(encoding.to_owned()))
    }

    /// Samples per second on the wire.
    pub fn sample_rate(&self) -> u32 {
        match *self {
            Self::Mulaw8k => 8000,
            Self::L16 { rate } => rate,
        }
    }

    /// Bytes one sample takes on the wire.
    pub fn bytes_per_sample(&self) -> usize {
        match self {
            Self::Mulaw8k => 1,
            Self::L16 { .. } => 2,
        }
    }

    /// Samples in one 20 ms frame, the telephony packet size.
    pub fn frame_samples(&self) -> usize {
        (self.sample_rate() / 50) as usize
    }

    /// Bytes in one 20 ms frame (160 for mu-law, 640 for L16 at 16 kHz).
    pub fn frame_bytes(&self) -> usize {
        self.frame_samples() * self.bytes_per_sample()
    }

    /// Appends the samples in `wire` to `out`. An odd trailing L16 byte is ignored: callers that
    /// receive L16 in arbitrary splits must carry it over themselves (as `Upstream` does).
    pub fn decode_into(&self, wire: &[u8], out: &mut Vec<i16>) {
        match self {
            Self::Mulaw8k => mulaw::decode_into(wire, out),
            Self::L16 { .. } => out.extend(
                wire.chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]])),
            ),
        }
    }

    /// Appends `pcm` to `out` in the wire encoding.
    pub fn encode_into(&self, pcm: &[i16], out: &mut Vec<u8>) {
        match self {
            Self::Mulaw8k => mulaw::encode_into(pcm, out),
            Self::L16 { .. } => {
                out.reserve(pcm.len() * 2);
                for s in pcm {
                    out.extend_from_slice(&s.to_le_bytes());
                }
            }
        }
    }
}

/// Why a codec could not be built or could not process a frame.
///
/// One error type for the whole `codec` module so that the transcoding pipelines can use `?`
/// across mu-law, resampling and Opus alike.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// libopus refused something (creation, a control request, or a packet).
    #[error("opus: {0}")]
    Opus(#[from] audiopus::Error),
    /// A sample rate this code cannot handle (zero, or not offered by SignalWire).
    #[error("unsupported sample rate {0} Hz")]
    UnsupportedRate(u32),
    /// A `mediaFormat.encoding` that is neither mu-law nor L16.
    #[error("unsupported wire encoding {0:?}")]
    UnsupportedEncoding(String),
    /// rubato refused the rate pair.
    #[error("resampler: {0}")]
    Resampler(String),
    /// The Opus encoder was handed a number of samples that is not a legal Opus frame.
    #[error("{got} samples is not an Opus frame size at 24 kHz (expected {expected})")]
    FrameSize { expected: usize, got: usize },
}

#[cfg(test)]
mod wire_format_proptest;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_sizes() {
        assert_eq!(WireFormat::Mulaw8k.frame_bytes(), 160);
        assert_eq!(WireFormat::L16 { rate: 16000 }.frame_bytes(), 640);
        assert_eq!(WireFormat::L16 { rate: 24000 }.frame_bytes(), 960);
        assert_eq!(WireFormat::L16 { rate: 8000 }.frame_samples(), 160);
        assert_eq!(WireFormat::Mulaw8k.sample_rate(), 8000);
    }

    #[test]
    fn l16_little_endian_and_odd_byte() {
        let f = WireFormat::L16 { rate: 16000 };
        let mut pcm = Vec::new();
        f.decode_into(&[0x34, 0x12, 0xFF, 0x7F, 0x99], &mut pcm);
        assert_eq!(pcm, vec![0x1234, 0x7FFF]);
        let mut wire = Vec::new();
        f.encode_into(&[0x1234, -2], &mut wire);
        assert_eq!(wire, vec![0x34, 0x12, 0xFE, 0xFF]);
    }

    #[test]
    fn media_format_names() {
        let m = WireFormat::from_media_format;
        assert_eq!(m("audio/x-mulaw", 8000).unwrap(), WireFormat::Mulaw8k);
        assert_eq!(
            m("audio/x-L16", 16000).unwrap(),
            WireFormat::L16 { rate: 16000 }
        );
        assert!(m("audio/x-L16", 44100).is_err());
        assert!(m("audio/opus", 48000).is_err());
    }
}
