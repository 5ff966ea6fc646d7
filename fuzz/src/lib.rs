//! Support for the fuzz targets: the binary crate's pure parsers, and a way to cut one fuzz input
//! into several network messages.
//!
//! `switchboard` is a binary crate with no library target, so its webhook signature check and its
//! configuration loader are compiled here straight from their source files (they depend only on
//! `switchboard-actors` and ordinary crates, never on the rest of the binary). The fuzzers then
//! exercise exactly the code the server runs, without moving it.

#[path = "../../src/signalwire/signature.rs"]
pub mod signature;

// Not in a test build of this crate: the module's own tests need the main crate's dev-dependencies.
#[cfg(not(test))]
#[allow(dead_code)]
#[path = "../../src/config/mod.rs"]
pub mod config;

/// Cuts `data` into messages: each is a little-endian `u16` length followed by that many bytes
/// (fewer at the end). Lets one fuzz input describe what a peer sent, message by message.
pub fn messages(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let (len, rest) = match data {
            [lo, hi, rest @ ..] => (u16::from_le_bytes([*lo, *hi]), rest),
            _ => return None,
        };
        let n = (len as usize).min(rest.len());
        let (msg, later) = rest.split_at(n);
        data = later;
        Some(msg)
    })
}

/// Builds an input for [`messages`] (used to write seed corpora).
pub fn frame_messages<'a>(messages: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        let len = u16::try_from(m.len()).expect("message under 64 KiB");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(m);
    }
    out
}
