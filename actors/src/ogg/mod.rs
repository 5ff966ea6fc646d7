//! Ogg framing for one logical Opus stream (RFC 3533, RFC 7845).
//!
//! PersonaPlex's reader (sphn 0.1.12) is strict: the first page must carry the BOS flag and
//! `OpusHead`, every page needs a correct CRC, and a second BOS kills the session. The writer
//! here produces exactly that shape; the reader is the opposite, forgiving: it accepts pages split
//! or joined arbitrarily, resynchronises after damage, and never panics.

mod crc;
mod reader;
mod writer;

pub use crc::{crc32, crc32_update};
pub use reader::{OggError, OggPacket, OggPacketReader};
pub use writer::OggOpusWriter;

/// The four bytes that start every Ogg page.
pub const CAPTURE_PATTERN: &[u8; 4] = b"OggS";
/// Header-type flag: this page continues a packet from the previous page.
pub const FLAG_CONTINUED: u8 = 0x01;
/// Header-type flag: first page of a logical stream.
pub const FLAG_BOS: u8 = 0x02;
/// Header-type flag: last page of a logical stream.
pub const FLAG_EOS: u8 = 0x04;
/// Fixed part of a page header, before the segment table.
pub const HEADER_LEN: usize = 27;
/// Offset of the CRC field within a page header.
pub const CRC_OFFSET: usize = 22;

/// Whether `packet` is one of the two Ogg Opus header packets (`OpusHead`, `OpusTags`) rather
/// than audio: decoders must skip these.
pub fn is_opus_header(packet: &[u8]) -> bool {
    packet.starts_with(b"OpusHead") || packet.starts_with(b"OpusTags")
}

#[cfg(test)]
mod round_trip_proptest;
#[cfg(test)]
mod tests;
