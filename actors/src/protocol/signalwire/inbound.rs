//! Parsing what SignalWire sends on the media stream.
//!
//! One serde pass into a permissive raw shape, then validation per event: every field is optional
//! in the raw shape so unknown events and unexpected companions never fail the parse, and the
//! error for a missing field can name the event and the field.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;
use base64::Engine as _;
use serde::Deserialize;

use super::{Inbound, InboundEvent, MediaChunk, MediaFormat, ProtocolError, StartInfo};
use crate::protocol::json::{lenient_string, lenient_u64, CowStr, LenientString};

/// The union of every inbound event's fields; anything not listed is ignored by serde.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw<'a> {
    #[serde(borrow, default)]
    event: Option<CowStr<'a>>,
    #[serde(default, deserialize_with = "lenient_u64")]
    sequence_number: Option<u64>,
    /// Twilio puts it at the top level of `start` too; used when `start.streamSid` is missing.
    #[serde(borrow, default)]
    stream_sid: Option<CowStr<'a>>,
    #[serde(default, deserialize_with = "lenient_string")]
    protocol: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    version: Option<String>,
    #[serde(default)]
    start: Option<RawStart>,
    #[serde(default)]
    media: Option<RawMedia>,
    #[serde(default)]
    dtmf: Option<RawDtmf>,
    #[serde(default)]
    mark: Option<RawMark>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStart {
    #[serde(default)]
    stream_sid: Option<String>,
    #[serde(default)]
    account_sid: Option<String>,
    #[serde(default)]
    call_sid: Option<String>,
    #[serde(default)]
    tracks: Option<Vec<String>>,
    #[serde(default)]
    custom_parameters: Option<BTreeMap<String, LenientString>>,
    #[serde(default)]
    media_format: Option<RawMediaFormat>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMediaFormat {
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    sample_rate: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    channels: Option<u64>,
}

#[derive(Deserialize)]
struct RawMedia {
    #[serde(default)]
    track: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    chunk: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    timestamp: Option<u64>,
    #[serde(default)]
    payload: Option<String>,
}

#[derive(Deserialize)]
struct RawDtmf {
    #[serde(default, deserialize_with = "lenient_string")]
    digit: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    duration: Option<u64>,
}

#[derive(Deserialize)]
struct RawMark {
    #[serde(default, deserialize_with = "lenient_string")]
    name: Option<String>,
}

/// Parses one text frame from SignalWire.
pub fn parse_inbound(text: &str) -> Result<Inbound, ProtocolError> {
    let raw: Raw = serde_json::from_str(text).map_err(|e| json_error(text, e))?;
    let event_name = raw.event.ok_or(ProtocolError::MissingEvent)?.0;
    let event = match event_name.as_ref() {
        "connected" => InboundEvent::Connected {
            protocol: raw.protocol,
            version: raw.version,
        },
        "start" => InboundEvent::Start(start_info(raw.start, raw.stream_sid)?),
        "media" => {
            let m = raw.media.ok_or(missing("media", "media"))?;
            InboundEvent::Media(MediaChunk {
                track: m.track,
                chunk: m.chunk,
                timestamp: m.timestamp,
                payload: m.payload.ok_or(missing("media", "media.payload"))?,
            })
        }
        "dtmf" => {
            let d = raw.dtmf.ok_or(missing("dtmf", "dtmf"))?;
            let digit = d.digit.ok_or(missing("dtmf", "dtmf.digit"))?;
            InboundEvent::Dtmf {
                digit: dtmf_key(&digit).ok_or(ProtocolError::InvalidDtmf { bytes: digit.len() })?,
                duration_ms: d.duration,
            }
        }
        "mark" => {
            let m = raw.mark.ok_or(missing("mark", "mark"))?;
            InboundEvent::Mark {
                name: m.name.ok_or(missing("mark", "mark.name"))?,
            }
        }
        "stop" => InboundEvent::Stop,
        _ => InboundEvent::Unknown {
            event: event_name.into_owned(),
        },
    };
    Ok(Inbound {
        sequence_number: raw.sequence_number,
        event,
    })
}

fn start_info(
    start: Option<RawStart>,
    top_level_sid: Option<CowStr<'_>>,
) -> Result<StartInfo, ProtocolError> {
    let s = start.ok_or(missing("start", "start"))?;
    let stream_sid = s
        .stream_sid
        .or_else(|| top_level_sid.map(|c| c.0.into_owned()))
        .ok_or(missing("start", "start.streamSid"))?;
    let media_format = match s.media_format {
        None => MediaFormat::pcmu(),
        Some(f) => MediaFormat {
            encoding: f
                .encoding
                .ok_or(missing("start", "start.mediaFormat.encoding"))?,
            sample_rate: f
                .sample_rate
                .ok_or(missing("start", "start.mediaFormat.sampleRate"))?
                .try_into()
                .unwrap_or(u32::MAX),
            // Telephony is mono; an absent count means the default, not an error.
            channels: f.channels.unwrap_or(1).try_into().unwrap_or(u16::MAX),
        },
    };
    Ok(StartInfo {
        stream_sid,
        account_sid: s.account_sid,
        call_sid: s.call_sid.ok_or(missing("start", "start.callSid"))?,
        tracks: s.tracks.unwrap_or_default(),
        custom_parameters: s
            .custom_parameters
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.0.unwrap_or_default()))
            .collect(),
        media_format,
    })
}

/// The phone-pad key `digit` names, if it names exactly one of `0-9 * # A-D`.
pub fn dtmf_key(digit: &str) -> Option<char> {
    let mut chars = digit.chars();
    match (chars.next(), chars.next()) {
        (Some(key @ ('0'..='9' | '*' | '#' | 'A'..='D')), None) => Some(key),
        _ => None,
    }
}

fn missing(event: &'static str, field: &'static str) -> ProtocolError {
    ProtocolError::MissingField { event, field }
}

/// Syntax errors mean "not JSON"; data errors mean "JSON of the wrong shape". serde_json reports
/// some shape errors as syntax errors (an array with more elements than the struct it is read
/// into is "trailing characters"), so a syntax error on text that is valid JSON is a shape error.
/// Only bad messages take the second parse.
pub(super) fn json_error(text: &str, e: serde_json::Error) -> ProtocolError {
    let valid_json = || serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    match e.classify() {
        serde_json::error::Category::Data => ProtocolError::Malformed(e),
        _ if valid_json() => ProtocolError::Malformed(e),
        _ => ProtocolError::InvalidJson(e),
    }
}

/// Decodes a base64 media payload into `out`, which is cleared first so one buffer serves the
/// whole call. Padding is optional: a peer that trims it still gets its audio played.
pub fn decode_payload(b64: &str, out: &mut Vec<u8>) -> Result<(), ProtocolError> {
    out.clear();
    STANDARD_PAD_INDIFFERENT
        .decode_vec(b64.trim(), out)
        .map_err(|e| {
            out.clear();
            ProtocolError::Base64(e)
        })
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;
