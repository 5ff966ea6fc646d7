//! Writes one logical Ogg Opus stream in the shape PersonaPlex's strict reader demands.

use super::crc::crc32;
use super::{CRC_OFFSET, FLAG_BOS, FLAG_CONTINUED};

/// Encoder lookahead of a 24 kHz libopus encoder, in 48 kHz samples (RFC 7845 pre-skip).
const DEFAULT_PRE_SKIP: u16 = 312;
/// Written into `OpusTags` so a capture of the stream says who produced it.
const VENDOR: &[u8] = b"switchboard";
/// Most lacing values one page can hold.
const MAX_SEGMENTS: usize = 255;

/// Frames Opus packets into Ogg pages for one logical stream.
///
/// Exists because PersonaPlex only accepts Opus inside Ogg, with a BOS page holding `OpusHead`,
/// then `OpusTags`, then audio pages whose sequence numbers increase by one and whose CRCs are
/// right; any slip mutes the call for the rest of the session. It appends to a caller-owned
/// buffer so that a page costs no allocation.
#[derive(Clone, Debug)]
pub struct OggOpusWriter {
    serial: u32,
    sequence: u32,
    /// Granule position after the last packet written (48 kHz samples, per RFC 7845).
    granule: u64,
    pre_skip: u16,
}

/// Where the segmenter stands: which packet, and how many of its bytes are already laced.
#[derive(Clone, Copy)]
struct Cursor {
    packet: usize,
    offset: usize,
}

impl OggOpusWriter {
    /// A writer for the logical stream `serial`, starting at page sequence 0.
    pub fn new(serial: u32) -> Self {
        Self {
            serial,
            sequence: 0,
            granule: 0,
            pre_skip: DEFAULT_PRE_SKIP,
        }
    }

    /// Overrides the `OpusHead` pre-skip (48 kHz samples), e.g. with the encoder's real
    /// lookahead, or to imitate another writer in tests.
    pub fn with_pre_skip(mut self, pre_skip: u16) -> Self {
        self.pre_skip = pre_skip;
        self
    }

    /// The stream's serial number.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// Sequence number the next page will carry.
    pub fn next_sequence(&self) -> u32 {
        self.sequence
    }

    /// Granule position after the last packet written.
    pub fn granule(&self) -> u64 {
        self.granule
    }

    /// Appends the two header pages: BOS with `OpusHead`, then `OpusTags`.
    pub fn write_headers(&mut self, out: &mut Vec<u8>) {
        let mut head = [0u8; 19];
        head[..8].copy_from_slice(b"OpusHead");
        head[8] = 1; // version
        head[9] = 1; // channels
        head[10..12].copy_from_slice(&self.pre_skip.to_le_bytes());
        head[12..16].copy_from_slice(&24_000u32.to_le_bytes()); // input rate, informational
                                                                // Bytes 16..18: output gain 0; byte 18: mapping family 0 (mono/stereo, no table).
        self.write_pages(&[&head], 0, FLAG_BOS, out);

        let mut tags = [0u8; 8 + 4 + VENDOR.len() + 4];
        tags[..8].copy_from_slice(b"OpusTags");
        tags[8..12].copy_from_slice(&(VENDOR.len() as u32).to_le_bytes());
        tags[12..12 + VENDOR.len()].copy_from_slice(VENDOR);
        // Last four bytes: zero user comments.
        self.write_pages(&[&tags], 0, 0, out);
    }

    /// Appends one page holding `packet`, which lasts `samples_48k` (960 for 20 ms).
    pub fn write_packet(&mut self, packet: &[u8], samples_48k: u64, out: &mut Vec<u8>) {
        self.write_pages(&[packet], samples_48k, 0, out);
    }

    /// Appends `packets` (each lasting `samples_48k_each`) packed into as few pages as the
    /// 255-segment limit allows; a packet that does not fit continues on the next page.
    pub fn write_packets(&mut self, packets: &[&[u8]], samples_48k_each: u64, out: &mut Vec<u8>) {
        self.write_pages(packets, samples_48k_each, 0, out);
    }

    fn write_pages(&mut self, packets: &[&[u8]], samples_each: u64, flags: u8, out: &mut Vec<u8>) {
        let mut cursor = Cursor {
            packet: 0,
            offset: 0,
        };
        while cursor.packet < packets.len() {
            let start = out.len();
            let page_first = cursor;
            out.extend_from_slice(b"OggS");
            out.extend_from_slice(&[0; 22]); // version, type, granule, serial, sequence, CRC
            let nseg_at = out.len();
            out.push(0);

            // Lacing values: 255 means "the packet goes on", anything less ends it.
            let mut nseg = 0;
            let mut page_granule = None;
            while nseg < MAX_SEGMENTS && cursor.packet < packets.len() {
                let seg = (packets[cursor.packet].len() - cursor.offset).min(255);
                out.push(seg as u8);
                nseg += 1;
                cursor.offset += seg;
                if seg < 255 {
                    self.granule = self.granule.wrapping_add(samples_each);
                    page_granule = Some(self.granule);
                    cursor = Cursor {
                        packet: cursor.packet + 1,
                        offset: 0,
                    };
                }
            }
            // Body: the bytes laced above.
            let last = cursor.packet.min(packets.len() - 1);
            for (i, packet) in packets
                .iter()
                .enumerate()
                .take(last + 1)
                .skip(page_first.packet)
            {
                let from = if i == page_first.packet {
                    page_first.offset
                } else {
                    0
                };
                let to = if i == cursor.packet {
                    cursor.offset
                } else {
                    packet.len()
                };
                out.extend_from_slice(&packet[from..to]);
            }

            // `flags` (BOS) belongs to the first page of this call only.
            let header_type = if page_first.offset > 0 {
                FLAG_CONTINUED
            } else if page_first.packet == 0 {
                flags
            } else {
                0
            };
            // RFC 3533: a page on which no packet ends carries granule -1.
            let granule = page_granule.unwrap_or(u64::MAX);
            let page = &mut out[start..];
            page[5] = header_type;
            page[6..14].copy_from_slice(&granule.to_le_bytes());
            page[14..18].copy_from_slice(&self.serial.to_le_bytes());
            page[18..22].copy_from_slice(&self.sequence.to_le_bytes());
            page[nseg_at - start] = nseg as u8;
            let crc = crc32(page);
            page[CRC_OFFSET..CRC_OFFSET + 4].copy_from_slice(&crc.to_le_bytes());
            self.sequence = self.sequence.wrapping_add(1);
        }
    }
}
