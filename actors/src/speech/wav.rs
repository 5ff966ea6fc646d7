//! A tolerant RIFF/WAVE reader for synthesized speech.
//!
//! Written by hand rather than with hound because the two producers we read both stream their
//! output: `espeak-ng --stdout` (and some HTTP TTS servers) write the RIFF and `data` sizes
//! before knowing them, as 0, 0xFFFFFFFF or 0x7FFFF000-ish placeholders. hound trusts those
//! sizes; here a `data` size that is zero or runs past the end of the buffer means "to the end".

use super::error::SpeechError;

/// `WAVE_FORMAT_PCM`: integer samples.
const FORMAT_PCM: u16 = 1;
/// `WAVE_FORMAT_IEEE_FLOAT`: float samples.
const FORMAT_FLOAT: u16 = 3;
/// `WAVE_FORMAT_EXTENSIBLE`: the real format tag is the first two bytes of the sub-format GUID.
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;

/// The parts of a `fmt ` chunk the decoder needs.
///
/// Exists to carry the header from the chunk walk to the sample conversion, which can only
/// start once both `fmt ` and `data` have been found.
#[derive(Clone, Copy, Debug)]
struct Format {
    tag: u16,
    channels: u16,
    rate: u32,
    bits: u16,
}

/// Parses a WAV (RIFF) byte buffer to mono i16 samples and their sample rate.
///
/// Accepts integer PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64 bits (also inside
/// `WAVE_FORMAT_EXTENSIBLE`); several channels are averaged to mono. The RIFF size is ignored
/// and a `data` size of 0, 0xFFFFFFFF or anything past the end of the buffer is read as "up to
/// the end", which is what streaming writers such as `espeak-ng --stdout` produce. A trailing
/// partial frame is dropped. Anything else malformed is a [`SpeechError::BadWav`].
pub fn decode_wav(bytes: &[u8]) -> Result<(u32, Vec<i16>), SpeechError> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(bad("not a RIFF/WAVE file"));
    }
    let mut format = None;
    let mut data = None;
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let declared = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]);
        let body_start = pos + 8;
        let remaining = bytes.len() - body_start;
        if id == b"data" {
            // Streaming writers leave the size as a placeholder: trust it only when it fits.
            let len = match declared as usize {
                0 => remaining,
                n if n > remaining => remaining,
                n => n,
            };
            data = Some(&bytes[body_start..body_start + len]);
            break;
        }
        let len = declared as usize;
        if len > remaining {
            return Err(bad(&format!(
                "chunk {:?} runs past the end",
                String::from_utf8_lossy(id)
            )));
        }
        if id == b"fmt " {
            format = Some(parse_format(&bytes[body_start..body_start + len])?);
        }
        // Chunks are padded to an even length.
        pos = body_start + len + (len & 1);
    }
    let format = format.ok_or_else(|| bad("no fmt chunk before the data"))?;
    let data = data.ok_or_else(|| bad("no data chunk"))?;
    Ok((format.rate, to_mono_i16(format, data)))
}

/// Reads a `fmt ` chunk body and checks it describes something [`to_mono_i16`] can convert.
fn parse_format(body: &[u8]) -> Result<Format, SpeechError> {
    if body.len() < 16 {
        return Err(bad("fmt chunk shorter than 16 bytes"));
    }
    let u16_at = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
    let mut tag = u16_at(0);
    let channels = u16_at(2);
    let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
    let bits = u16_at(14);
    if tag == FORMAT_EXTENSIBLE {
        // cbSize(2) validBits(2) channelMask(4) then the GUID, whose first two bytes are the tag.
        if body.len() < 26 {
            return Err(bad("WAVE_FORMAT_EXTENSIBLE fmt chunk too short"));
        }
        tag = u16_at(24);
    }
    if channels == 0 {
        return Err(bad("zero channels"));
    }
    if rate == 0 {
        return Err(bad("sample rate 0"));
    }
    match (tag, bits) {
        (FORMAT_PCM, 8 | 16 | 24 | 32) | (FORMAT_FLOAT, 32 | 64) => {}
        (FORMAT_PCM | FORMAT_FLOAT, _) => {
            return Err(bad(&format!("unsupported {bits}-bit samples")))
        }
        _ => return Err(bad(&format!("unsupported format tag {tag:#06x}"))),
    }
    Ok(Format {
        tag,
        channels,
        rate,
        bits,
    })
}

/// Converts interleaved samples of any supported format to mono i16, averaging the channels.
fn to_mono_i16(format: Format, data: &[u8]) -> Vec<i16> {
    let width = usize::from(format.bits / 8);
    let channels = usize::from(format.channels);
    let frame = width * channels;
    // Each sample as f64 in [-1, 1): one conversion path for every format keeps this short, and
    // speech buffers are small enough (a few seconds) for the cost not to matter.
    let sample = |b: &[u8]| -> f64 {
        match (format.tag, format.bits) {
            (FORMAT_PCM, 8) => (f64::from(b[0]) - 128.0) / 128.0,
            (FORMAT_PCM, 16) => f64::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0,
            (FORMAT_PCM, 24) => {
                f64::from(i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) / 8_388_608.0
            }
            (FORMAT_PCM, _) => {
                f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])) / 2_147_483_648.0
            }
            (_, 32) => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            _ => f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    };
    data.chunks_exact(frame)
        .map(|f| {
            let sum: f64 = f.chunks_exact(width).map(sample).sum();
            let mono = sum / channels as f64;
            // NaN (a broken float file) becomes 0 through the `as` cast: silence, not a panic.
            (mono * 32768.0).round().clamp(-32768.0, 32767.0) as i16
        })
        .collect()
}

fn bad(what: &str) -> SpeechError {
    SpeechError::BadWav(what.to_owned())
}

#[cfg(test)]
#[path = "wav_tests.rs"]
mod tests;
