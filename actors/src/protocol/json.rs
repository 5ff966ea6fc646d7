//! Small JSON helpers shared by the protocol writers and parsers.
//!
//! The writers build JSON by hand into a reused `String` so that sending 50 audio frames a second
//! per call allocates nothing; [`push_str_literal`] is the one place that makes that safe for
//! arbitrary strings (sids and mark names come from peers and configuration). The lenient
//! deserializers exist because SignalWire sends numbers as strings (`"sequenceNumber":"42"`)
//! where Twilio sends numbers, and we must accept both.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// Appends `s` to `out` as a JSON string literal, quotes included (RFC 8259 §7: `"`, `\` and
/// control characters are escaped; everything else, non-ASCII included, is copied verbatim).
pub(crate) fn push_str_literal(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0x00..=0x1f => None,
            _ => continue,
        };
        // Every escaped byte is ASCII, so `start..i` always falls on char boundaries.
        out.push_str(&s[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends `n` as a JSON string (`"42"`), the way SignalWire writes its counters.
pub(crate) fn push_u64_as_string(out: &mut String, n: u64) {
    let _ = write!(out, "\"{n}\"");
}

/// A string that borrows from the message when it has no escapes (event names, sids), so the hot
/// path of parsing a media frame does not allocate for them.
#[derive(Debug)]
pub(crate) struct CowStr<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// Accepts `42`, `"42"`, `null` or an absent field (with `#[serde(default)]`).
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a non-negative integer or a string of digits")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("negative number {v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // `8000.0` is still a number a peer may mean as an integer.
            if v >= 0.0 && v.fract() == 0.0 && v <= u64::MAX as f64 {
                Ok(Some(v as u64))
            } else {
                Err(E::custom(format!("expected an integer, got {v}")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| E::custom(format!("expected digits, got {v:?}")))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// Accepts a string, a number or a boolean as text (a DTMF digit may arrive as `5`), and `null`
/// as absent.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A map value that [`lenient_string`] accepts; used for `customParameters`, whose values are
/// strings in practice but are not worth failing a whole `start` over.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(crate) struct LenientString(#[serde(deserialize_with = "lenient_string")] pub Option<String>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_literals_round_trip_through_serde_json() {
        let nasty = [
            "",
            "plain",
            "quote\" back\\slash",
            "new\nline\r\ttab\u{8}\u{c}",
            "\u{0}\u{1f} controls",
            "unicode é ü 日本 🎉",
            "</script>&<>'",
        ];
        for s in nasty {
            let mut out = String::from("prefix-kept?");
            out.clear();
            push_str_literal(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{out}: {e}"));
            assert_eq!(back, s);
        }
    }

    #[test]
    fn control_characters_are_escaped_not_copied() {
        let mut out = String::new();
        push_str_literal(&mut out, "a\u{1}b");
        assert_eq!(out, "\"a\\u0001b\"");
    }

    #[test]
    fn numbers_are_written_as_strings() {
        let mut out = String::new();
        push_u64_as_string(&mut out, 42);
        assert_eq!(out, "\"42\"");
    }

    #[derive(Deserialize)]
    struct N {
        #[serde(default, deserialize_with = "lenient_u64")]
        n: Option<u64>,
    }

    #[test]
    fn lenient_u64_accepts_numbers_strings_null_and_absence() {
        let n = |s: &str| serde_json::from_str::<N>(s).map(|n| n.n);
        assert_eq!(n(r#"{"n":42}"#).unwrap(), Some(42));
        assert_eq!(n(r#"{"n":"42"}"#).unwrap(), Some(42));
        assert_eq!(n(r#"{"n":" 7 "}"#).unwrap(), Some(7));
        assert_eq!(n(r#"{"n":8000.0}"#).unwrap(), Some(8000));
        assert_eq!(n(r#"{"n":null}"#).unwrap(), None);
        assert_eq!(n(r#"{}"#).unwrap(), None);
        assert!(n(r#"{"n":"x1"}"#).is_err());
        assert!(n(r#"{"n":-1}"#).is_err());
        assert!(n(r#"{"n":1.5}"#).is_err());
        assert!(n(r#"{"n":[1]}"#).is_err());
    }

    #[test]
    fn cow_str_borrows_when_it_can() {
        let c: CowStr = serde_json::from_str(r#""media""#).unwrap();
        assert!(matches!(c.0, Cow::Borrowed("media")));
        let c: CowStr = serde_json::from_str(r#""a\"b""#).unwrap();
        assert_eq!(c.0, "a\"b");
    }
}
