//! Splits an arbitrary Ogg byte stream into packets, tolerating damage.

use super::crc::{crc32, crc32_update};
use super::{CAPTURE_PATTERN, CRC_OFFSET, FLAG_BOS, FLAG_CONTINUED, HEADER_LEN};

/// Longest packet the reader will reassemble. Opus packets stay under 8 KiB; this only stops a
/// hostile stream of endless 255-lacings from growing memory without bound.
const MAX_PACKET: usize = 1 << 20;

/// One packet out of an Ogg stream, borrowed from the reader until the next call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OggPacket<'a> {
    pub data: &'a [u8],
    /// Granule position of the page on which the packet ends (-1 if the page had none).
    pub granule: i64,
    pub serial: u32,
    /// The packet came from a beginning-of-stream page.
    pub bos: bool,
}

/// Why a stretch of the byte stream was skipped. The reader has already moved past it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OggError {
    /// Bytes that are not a page, before the next `OggS`.
    #[error("{skipped} bytes without an Ogg capture pattern were skipped")]
    Garbage { skipped: usize },
    /// A page header with a stream structure version other than 0.
    #[error("unsupported Ogg version {0}")]
    BadVersion(u8),
    /// A page whose checksum does not match its bytes.
    #[error("page CRC {found:#010x} does not match the computed {computed:#010x}")]
    BadCrc { found: u32, computed: u32 },
    /// A page header whose length runs past the next good page (a damaged length field).
    #[error("a page header claims more bytes than come before the next good page")]
    Overlong,
    /// A packet kept growing past the reader's limit; it was dropped.
    #[error("packet longer than {MAX_PACKET} bytes was dropped")]
    PacketTooLarge,
}

/// A verified page being drained; offsets are relative to the page start (`reader.pos`).
#[derive(Clone, Copy, Debug)]
struct Page {
    len: usize,
    segments: usize,
    /// Next lacing value to read.
    next_segment: usize,
    /// Offset of the next segment's data.
    data: usize,
    /// Offset where the packet being read started on this page.
    run_start: usize,
    granule: i64,
    serial: u32,
    bos: bool,
}

/// Push-based Ogg reader: feed it bytes as they arrive, pull whole packets out.
///
/// Exists because PersonaPlex's audio comes as WebSocket messages that need not align with
/// pages (newer servers join pages, a proxy may split them), and because one damaged page must
/// cost a few milliseconds of audio, not the call. Like mini-redis' `read_frame`, it first checks
/// that a whole page is buffered, then parses it; "not enough bytes yet" is `Ok(None)`, never an
/// error. Packets that end on the page they start on are returned without copying.
#[derive(Debug, Default)]
pub struct OggPacketReader {
    buf: Vec<u8>,
    /// Start of the current (or next) page within `buf`.
    pos: usize,
    page: Option<Page>,
    /// Head of a packet continued from earlier pages.
    partial: Vec<u8>,
    /// `partial` was handed out whole by the last call and must be emptied first.
    partial_returned: bool,
    /// Drop segments until the current packet ends: its beginning was lost.
    skip_continuation: bool,
    /// Inside a damaged stretch: further damage is skipped without another error.
    resyncing: bool,
    /// Serial and sequence number of the last good page, to notice lost pages.
    last_page: Option<(u32, u32)>,
    /// While the page at `pos` is incomplete: where the look-ahead for a good page after it
    /// resumes (relative to `pos`; 0 = not started, `usize::MAX` = given up), so that bytes
    /// arriving a few at a time are each scanned once.
    ahead: usize,
}

impl OggPacketReader {
    /// An empty reader, with room for a few pages so that steady state never reallocates.
    pub fn new() -> Self {
        Self {
            buf: Vec::with_capacity(16 * 1024),
            partial: Vec::with_capacity(8 * 1024),
            ..Self::default()
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.pos > 0 {
            // Page offsets are relative to `pos`, so compacting never invalidates them.
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet consumed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Forgets everything, as for a new stream.
    pub fn reset(&mut self) {
        self.buf.clear();
        self.partial.clear();
        self.pos = 0;
        self.page = None;
        self.partial_returned = false;
        self.skip_continuation = false;
        self.resyncing = false;
        self.last_page = None;
        self.ahead = 0;
    }

    /// Next complete packet, reassembled across segments and pages. `Ok(None)`: need more bytes.
    /// `Err`: a damaged stretch was skipped (reported once per stretch); call again to go on.
    pub fn next_packet(&mut self) -> Result<Option<OggPacket<'_>>, OggError> {
        if self.partial_returned {
            self.partial.clear();
            self.partial_returned = false;
        }
        loop {
            if let Some(page) = self.page.as_mut() {
                let base = self.pos;
                while page.next_segment < page.segments {
                    let lace = self.buf[base + HEADER_LEN + page.next_segment] as usize;
                    page.next_segment += 1;
                    page.data += lace;
                    if lace == 255 {
                        continue; // the packet goes on
                    }
                    let (from, to) = (base + page.run_start, base + page.data);
                    page.run_start = page.data;
                    if self.skip_continuation {
                        self.skip_continuation = false;
                        continue;
                    }
                    let (granule, serial, bos) = (page.granule, page.serial, page.bos);
                    if self.partial.is_empty() {
                        let data = &self.buf[from..to];
                        return Ok(Some(OggPacket {
                            data,
                            granule,
                            serial,
                            bos,
                        }));
                    }
                    if self.partial.len() + (to - from) > MAX_PACKET {
                        self.partial.clear();
                        return Err(OggError::PacketTooLarge);
                    }
                    self.partial.extend_from_slice(&self.buf[from..to]);
                    self.partial_returned = true;
                    let data = &self.partial[..];
                    return Ok(Some(OggPacket {
                        data,
                        granule,
                        serial,
                        bos,
                    }));
                }
                // Page drained. A packet still open continues on the next page: keep its head.
                let open = base + page.run_start..base + page.data;
                let len = page.len;
                self.page = None;
                self.advance(len);
                if !open.is_empty() && !self.skip_continuation {
                    if self.partial.len() + open.len() > MAX_PACKET {
                        self.partial.clear();
                        self.skip_continuation = true;
                        return Err(OggError::PacketTooLarge);
                    }
                    self.partial.extend_from_slice(&self.buf[open]);
                }
            }
            if !self.next_page()? {
                return Ok(None);
            }
        }
    }

    /// Finds, verifies and installs the next page. `Ok(false)`: it is not fully buffered yet.
    fn next_page(&mut self) -> Result<bool, OggError> {
        loop {
            let avail = &self.buf[self.pos..];
            let skip = match avail.windows(4).position(|w| w == CAPTURE_PATTERN) {
                Some(0) => 0,
                Some(i) => i,
                // Keep a tail that could be the start of a split "OggS".
                None => avail.len().saturating_sub(CAPTURE_PATTERN.len() - 1),
            };
            if skip > 0 {
                self.advance(skip);
                self.damaged(OggError::Garbage { skipped: skip })?;
                continue;
            }
            if avail.len() < HEADER_LEN {
                return Ok(false);
            }
            if avail[4] != 0 {
                let version = avail[4];
                self.advance(1);
                self.damaged(OggError::BadVersion(version))?;
                continue;
            }
            let segments = avail[HEADER_LEN - 1] as usize;
            let data_start = HEADER_LEN + segments;
            let len = page_len(avail);
            if len.is_none_or(|len| avail.len() < len) {
                if !self.good_page_follows() {
                    return Ok(false);
                }
                // A whole good page already follows, so this header's length cannot be right:
                // waiting for the bytes it claims would stall the stream for up to 64 KiB.
                self.advance(1);
                self.damaged(OggError::Overlong)?;
                continue;
            }
            let len = len.unwrap_or_default();
            let page = &avail[..len];
            let (found, computed) = page_crcs(page);
            if found != computed {
                // Skip one byte only: a damaged length field must not swallow good pages.
                self.advance(1);
                self.damaged(OggError::BadCrc { found, computed })?;
                continue;
            }

            let flags = page[5];
            let granule = i64::from_le_bytes(page[6..14].try_into().unwrap_or([0xFF; 8]));
            let serial = u32::from_le_bytes([page[14], page[15], page[16], page[17]]);
            let sequence = u32::from_le_bytes([page[18], page[19], page[20], page[21]]);
            let contiguous = self.last_page == Some((serial, sequence.wrapping_sub(1)));
            if flags & FLAG_CONTINUED != 0 {
                if !contiguous || (self.partial.is_empty() && !self.skip_continuation) {
                    // The packet's beginning is lost (a page is missing, or we joined late).
                    self.partial.clear();
                    self.skip_continuation = true;
                }
            } else {
                // A fresh packet starts: anything unfinished lost its tail.
                self.partial.clear();
                self.skip_continuation = false;
            }
            self.resyncing = false;
            self.last_page = Some((serial, sequence));
            self.page = Some(Page {
                len,
                segments,
                next_segment: 0,
                data: data_start,
                run_start: data_start,
                granule,
                serial,
                bos: flags & FLAG_BOS != 0,
            });
            return Ok(true);
        }
    }

    /// Moves past `n` bytes of the stream.
    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.ahead = 0;
    }

    /// Whether, after the incomplete page at `pos`, a capture pattern starts a complete page
    /// with a good CRC. The first later page that is complete decides, once; a later page still
    /// being received is looked at again when more bytes come.
    fn good_page_follows(&mut self) -> bool {
        let avail = &self.buf[self.pos..];
        let mut from = self.ahead.max(1);
        while let Some(i) = avail
            .get(from..)
            .and_then(|rest| rest.windows(4).position(|w| w == CAPTURE_PATTERN))
        {
            let at = from + i;
            let page = &avail[at..];
            if page.get(4).is_some_and(|&version| version != 0) {
                from = at + 1;
                continue;
            }
            match page_len(page).filter(|&len| len <= page.len()) {
                Some(len) => {
                    let (found, computed) = page_crcs(&page[..len]);
                    self.ahead = usize::MAX;
                    return found == computed;
                }
                None => {
                    self.ahead = at;
                    return false;
                }
            }
        }
        // Nothing yet; a capture pattern may be split across the end.
        self.ahead = avail
            .len()
            .saturating_sub(CAPTURE_PATTERN.len() - 1)
            .max(from);
        false
    }

    /// Enters resync mode; reports `err` only if this starts a new damaged stretch.
    fn damaged(&mut self, err: OggError) -> Result<(), OggError> {
        // What was being assembled cannot be trusted across damage.
        self.partial.clear();
        self.skip_continuation = false;
        if self.resyncing {
            Ok(())
        } else {
            self.resyncing = true;
            Err(err)
        }
    }
}

/// The CRC a page carries and the one its bytes have (computed with the CRC field as zero).
fn page_crcs(page: &[u8]) -> (u32, u32) {
    let found = u32::from_le_bytes([page[22], page[23], page[24], page[25]]);
    let computed = crc32_update(
        crc32_update(crc32(&page[..CRC_OFFSET]), &[0; 4]),
        &page[CRC_OFFSET + 4..],
    );
    (found, computed)
}

/// The length of the page starting at `page`, once its header and lacing values are there.
fn page_len(page: &[u8]) -> Option<usize> {
    let data_start = HEADER_LEN + *page.get(HEADER_LEN - 1)? as usize;
    let lacing = page.get(HEADER_LEN..data_start)?;
    Some(data_start + lacing.iter().map(|&l| l as usize).sum::<usize>())
}
