//! SignalWire media-stream JSON (`docs/signalwire.md` §3), both directions.
//!
//! * [`parse_inbound`] / [`decode_payload`]: what SignalWire sends us, parsed tolerantly
//!   (numbers as strings, optional `streamSid` and `customParameters`, unknown fields and events).
//! * [`write_media`], [`write_mark`], [`write_clear`], [`write_dtmf`]: what we send back, written
//!   into a reused buffer.
//! * [`write_connected`], [`write_start`], [`write_inbound_media`], [`write_stop`] and
//!   [`parse_outbound`]: the caller's side, so the simulator and tests can play SignalWire.

use std::collections::BTreeMap;

use crate::codec::WireFormat;

pub use super::ProtocolError;

mod caller;
mod inbound;
mod outbound;

pub use caller::{write_connected, write_inbound_media, write_start, write_stop};
pub use inbound::{decode_payload, dtmf_key, parse_inbound};
pub use outbound::{
    parse_outbound, parse_outbound_message, write_clear, write_dtmf, write_mark, write_media,
};

/// One message from SignalWire: the event plus its `sequenceNumber` (absent on `connected`, and
/// on `mark` echoes) so a gap or reordering can be logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    pub sequence_number: Option<u64>,
    pub event: InboundEvent,
}

/// What SignalWire told us. `Unknown` keeps the event name so a new SignalWire event is logged
/// and skipped instead of dropping the call.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundEvent {
    Connected {
        protocol: Option<String>,
        version: Option<String>,
    },
    Start(StartInfo),
    Media(MediaChunk),
    /// A key the caller pressed: always one of `0-9 * # A-D` ([`parse_inbound`] refuses
    /// anything else, so a 50 KB "digit" never travels further than the parser).
    Dtmf {
        digit: char,
        duration_ms: Option<u64>,
    },
    /// A mark we sent, returned once the audio queued before it was played to the caller.
    Mark {
        name: String,
    },
    Stop,
    Unknown {
        event: String,
    },
}

/// The `start` event: the only message that reliably carries the `streamSid` (media and stop may
/// lack it), so everything the call needs later is taken from here.
#[derive(Debug, Clone, PartialEq)]
pub struct StartInfo {
    pub stream_sid: String,
    pub account_sid: Option<String>,
    pub call_sid: String,
    pub tracks: Vec<String>,
    /// The `<Parameter>`s of the cXML `<Stream>`; empty when SignalWire omits the object.
    pub custom_parameters: BTreeMap<String, String>,
    pub media_format: MediaFormat,
}

/// The negotiated audio format, as SignalWire spells it (`audio/x-mulaw`, 8000, 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFormat {
    pub encoding: String,
    pub sample_rate: u32,
    pub channels: u16,
}

/// One chunk of caller audio (20 ms by convention; do not rely on it).
#[derive(Debug, Clone, PartialEq)]
pub struct MediaChunk {
    pub track: Option<String>,
    pub chunk: Option<u64>,
    pub timestamp: Option<u64>,
    /// Base64 audio in the negotiated codec; decode with [`decode_payload`].
    pub payload: String,
}

/// What our server sent, as the simulator (playing SignalWire) sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outbound {
    Media { payload: String },
    Mark { name: String },
    Clear,
    Dtmf { digit: String },
    Unknown { event: String },
}

/// An [`Outbound`] event plus the `streamSid` it was addressed to, so the simulator can flag a
/// server that answers on the wrong stream.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    pub stream_sid: Option<String>,
    pub event: Outbound,
}

const MULAW: &str = "audio/x-mulaw";
const L16: &str = "audio/x-L16";

impl MediaFormat {
    /// SignalWire's default codec (`PCMU@8000h`), also assumed when `start` has no `mediaFormat`.
    pub fn pcmu() -> Self {
        MediaFormat {
            encoding: MULAW.to_owned(),
            sample_rate: 8000,
            channels: 1,
        }
    }

    /// The `mediaFormat` SignalWire announces for a codec; used by the simulator.
    pub fn from_wire(format: WireFormat) -> Self {
        match format {
            WireFormat::Mulaw8k => Self::pcmu(),
            WireFormat::L16 { rate } => MediaFormat {
                encoding: L16.to_owned(),
                sample_rate: rate,
                channels: 1,
            },
        }
    }

    /// Maps the announced format to one switchboard can transcode, or says why it cannot.
    pub fn wire_format(&self) -> Result<WireFormat, ProtocolError> {
        let enc = self.encoding.trim();
        let format = match self.sample_rate {
            8000 if enc.eq_ignore_ascii_case(MULAW) => Some(WireFormat::Mulaw8k),
            16000 | 24000 if enc.eq_ignore_ascii_case(L16) => Some(WireFormat::L16 {
                rate: self.sample_rate,
            }),
            _ => None,
        };
        match format {
            Some(f) if self.channels == 1 => Ok(f),
            _ => Err(ProtocolError::UnsupportedFormat {
                encoding: self.encoding.clone(),
                sample_rate: self.sample_rate,
                channels: self.channels,
            }),
        }
    }
}

#[cfg(test)]
mod media_json_proptest;

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(encoding: &str, sample_rate: u32, channels: u16) -> MediaFormat {
        MediaFormat {
            encoding: encoding.into(),
            sample_rate,
            channels,
        }
    }

    #[test]
    fn supported_formats_map_to_wire_formats() {
        assert_eq!(
            fmt("audio/x-mulaw", 8000, 1).wire_format().unwrap(),
            WireFormat::Mulaw8k
        );
        assert_eq!(
            fmt("audio/x-L16", 16000, 1).wire_format().unwrap(),
            WireFormat::L16 { rate: 16000 }
        );
        assert_eq!(
            fmt("audio/x-l16", 24000, 1).wire_format().unwrap(),
            WireFormat::L16 { rate: 24000 }
        );
    }

    #[test]
    fn unsupported_formats_are_refused_with_a_clear_message() {
        for f in [
            fmt("audio/x-mulaw", 16000, 1),
            fmt("audio/x-L16", 8000, 1),
            fmt("audio/x-L16", 44100, 1),
            fmt("audio/x-mulaw", 8000, 2),
            fmt("audio/x-alaw", 8000, 1),
        ] {
            let err = f.wire_format().unwrap_err();
            assert!(
                matches!(err, ProtocolError::UnsupportedFormat { .. }),
                "{f:?}"
            );
            let msg = err.to_string();
            assert!(msg.contains(&f.encoding) && msg.contains("mono"), "{msg}");
        }
    }

    #[test]
    fn from_wire_round_trips() {
        for w in [
            WireFormat::Mulaw8k,
            WireFormat::L16 { rate: 16000 },
            WireFormat::L16 { rate: 24000 },
        ] {
            assert_eq!(MediaFormat::from_wire(w).wire_format().unwrap(), w);
        }
    }
}
