//! Properties of the telephony sample codecs: mu-law and L16 encode and decode consistently for
//! any samples, and any `mediaFormat` a peer announces is mapped or refused, never a panic.

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

proptest! {
    #[test]
    fn mulaw_reencoding_is_stable(pcm in vec(any::<i16>(), 0..400)) {
        // Encoding is lossy once; after that a decode/encode cycle changes nothing, except that
        // negative zero (0x7F, what -1 encodes to) comes back as positive zero.
        let mut wire = Vec::new();
        WireFormat::Mulaw8k.encode_into(&pcm, &mut wire);
        prop_assert_eq!(wire.len(), pcm.len());
        let mut decoded = Vec::new();
        WireFormat::Mulaw8k.decode_into(&wire, &mut decoded);
        let mut again = Vec::new();
        WireFormat::Mulaw8k.encode_into(&decoded, &mut again);
        let positive_zero: Vec<u8> = wire.iter().map(|&b| if b == 0x7F { 0xFF } else { b }).collect();
        prop_assert_eq!(again, positive_zero);
    }

    #[test]
    fn mulaw_keeps_sign_and_order(a in any::<i16>(), b in any::<i16>()) {
        let (da, db) = (mulaw::decode(mulaw::encode(a)), mulaw::decode(mulaw::encode(b)));
        // Quantising is monotonic: it may merge neighbours but never swaps them.
        if a <= b {
            prop_assert!(da <= db, "{a}->{da}, {b}->{db}");
        }
    }

    #[test]
    fn l16_is_lossless_little_endian(pcm in vec(any::<i16>(), 0..400), rate in prop_oneof![Just(16000u32), Just(24000)]) {
        let f = WireFormat::L16 { rate };
        let mut wire = Vec::new();
        f.encode_into(&pcm, &mut wire);
        prop_assert_eq!(wire.len(), pcm.len() * 2);
        prop_assert!(pcm.first().is_none_or(|s| wire[..2] == s.to_le_bytes()));
        let mut back = Vec::new();
        f.decode_into(&wire, &mut back);
        prop_assert_eq!(back, pcm);
    }

    #[test]
    fn any_media_format_is_mapped_or_refused(encoding in any::<String>(), rate in any::<u32>()) {
        match WireFormat::from_media_format(&encoding, rate) {
            Ok(f) => {
                prop_assert_eq!(f.sample_rate(), rate);
                prop_assert_eq!(f.frame_samples() * 50, rate as usize);
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
