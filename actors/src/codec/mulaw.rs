//! G.711 mu-law, the default codec of a SignalWire media stream (`PCMU@8000h`).
//!
//! Both directions are table-driven: decoding is a 256-entry lookup, encoding needs only the
//! segment (exponent) lookup of the classic Sun/CCITT reference code. Tables are built at compile
//! time, so nothing here allocates or branches on data beyond a sign test and a clip.

/// The byte of a silent mu-law sample (positive zero).
pub const SILENCE: u8 = 0xFF;

/// Added to the magnitude before encoding so that every segment boundary is a power of two.
const BIAS: i32 = 0x84;
/// Largest magnitude that still fits the top segment once `BIAS` is added.
const CLIP: i32 = 32635;

/// Linear value of every mu-law byte, computed once at compile time.
static DECODE: [i16; 256] = build_decode_table();

/// Segment number for `(biased magnitude >> 7)`: the position of its highest set bit.
static SEGMENT: [u8; 256] = build_segment_table();

const fn build_decode_table() -> [i16; 256] {
    let mut table = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        // Bytes are transmitted inverted so that silence is 0xFF (good ones density on T1 lines).
        let u = !(i as u8);
        let exponent = ((u >> 4) & 0x07) as i32;
        let mantissa = (u & 0x0F) as i32;
        let magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
        table[i] = if u & 0x80 != 0 {
            -magnitude as i16
        } else {
            magnitude as i16
        };
        i += 1;
    }
    table
}

const fn build_segment_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut i = 1;
    while i < 256 {
        let mut seg = 0u8;
        let mut v = i >> 1;
        while v > 0 {
            seg += 1;
            v >>= 1;
        }
        table[i] = seg;
        i += 1;
    }
    table
}

/// Linear 16-bit value of one mu-law byte.
#[inline]
pub fn decode(byte: u8) -> i16 {
    DECODE[byte as usize]
}

/// Mu-law byte for one linear sample (magnitudes above 32635 are clipped, as G.711 does).
#[inline]
pub fn encode(sample: i16) -> u8 {
    // Work in i32 so that -32768 has a magnitude.
    let s = sample as i32;
    let sign: u8 = if s < 0 { 0x80 } else { 0 };
    let magnitude = s.abs().min(CLIP) + BIAS;
    let exponent = SEGMENT[((magnitude >> 7) & 0xFF) as usize];
    let mantissa = ((magnitude >> (exponent + 3)) & 0x0F) as u8;
    !(sign | (exponent << 4) | mantissa)
}

/// Appends the linear samples of `bytes` to `out`.
pub fn decode_into(bytes: &[u8], out: &mut Vec<i16>) {
    out.extend(bytes.iter().map(|&b| decode(b)));
}

/// Appends the mu-law bytes of `pcm` to `out`.
pub fn encode_into(pcm: &[i16], out: &mut Vec<u8>) {
    out.extend(pcm.iter().map(|&s| encode(s)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_vectors() {
        assert_eq!(decode(0xFF), 0);
        assert_eq!(decode(0x7F), 0);
        assert_eq!(decode(0x00), -32124);
        assert_eq!(decode(0x80), 32124);
        assert_eq!(decode(0xF0), 120); // exponent 0, mantissa 15: (15 * 8 + 132) - 132
        assert_eq!(decode(0xEF), 132); // exponent 1, mantissa 0: 264 - 132
        assert_eq!(encode(0), 0xFF);
        assert_eq!(encode(-1), 0x7F);
        assert_eq!(encode(i16::MAX), 0x80);
        assert_eq!(encode(i16::MIN), 0x00);
        assert_eq!(encode(1000), 0xCE);
        assert_eq!(encode(-1000), 0x4E);
        assert_eq!(SILENCE, encode(0));
    }

    #[test]
    fn every_byte_round_trips() {
        for b in 0..=255u8 {
            // 0x7F is negative zero: it decodes to 0, which encodes as positive zero.
            let expect = if b == 0x7F { 0xFF } else { b };
            assert_eq!(encode(decode(b)), expect, "byte {b:#04x}");
        }
    }

    #[test]
    fn decode_is_monotonic() {
        // Positive codes run from 0xFF (0) down to 0x80 (max); negative from 0x7F down to 0x00.
        for b in 0x81..=0xFFu8 {
            assert!(decode(b - 1) > decode(b), "{b:#04x}");
        }
        for b in 0x01..=0x7Fu8 {
            assert!(decode(b - 1) < decode(b), "{b:#04x}");
        }
    }

    #[test]
    fn round_trip_error_is_within_half_a_step() {
        for s in i16::MIN..=i16::MAX {
            let byte = encode(s);
            let back = decode(byte) as i32;
            let exponent = ((!byte >> 4) & 0x07) as i32;
            // Quantisation step in segment e is 8 << e; the decoder returns the step's centre.
            let mut bound = 4 << exponent;
            if (s as i32).abs() > 32124 {
                bound = bound.max((s as i32).abs() - 32124); // G.711 clips the top.
            }
            let err = (back - s as i32).abs();
            assert!(
                err <= bound,
                "sample {s}: decoded {back}, error {err} > {bound}"
            );
            // Sign must survive (zero may go either way).
            if s.unsigned_abs() > 8 {
                assert_eq!(back.signum(), (s as i32).signum(), "sample {s}");
            }
        }
    }

    #[test]
    fn slice_helpers_append() {
        let mut out = vec![7i16];
        decode_into(&[0xFF, 0x80], &mut out);
        assert_eq!(out, vec![7, 0, 32124]);
        let mut bytes = vec![1u8];
        encode_into(&[0, -32768], &mut bytes);
        assert_eq!(bytes, vec![1, 0xFF, 0x00]);
    }
}
