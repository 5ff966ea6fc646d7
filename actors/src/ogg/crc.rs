//! The CRC-32 of Ogg pages.
//!
//! Ogg uses the plain MSB-first CRC-32 (polynomial 0x04C11DB7, initial value 0, no reflection, no
//! final XOR), which is not the zlib/Ethernet variant most crates offer. A wrong CRC silently mutes
//! the call on PersonaPlex, so it is spelled out here, with a table built at compile time.

/// Generator polynomial, MSB first.
const POLY: u32 = 0x04C1_1DB7;

/// One entry per leading byte, computed by the compiler.
static TABLE: [u32; 256] = build_table();

const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut r = (i as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            r = if r & 0x8000_0000 != 0 {
                (r << 1) ^ POLY
            } else {
                r << 1
            };
            bit += 1;
        }
        table[i] = r;
        i += 1;
    }
    table
}

/// The Ogg CRC of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    crc32_update(0, data)
}

/// Continues a CRC over more bytes, so a page can be checked in pieces (its CRC field is
/// computed as if zero, without copying the page).
pub fn crc32_update(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc = (crc << 8) ^ TABLE[((crc >> 24) as u8 ^ b) as usize];
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value() {
        assert_eq!(crc32(b"123456789"), 0x89A1_897F);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn incremental_equals_whole() {
        let data = b"OggS and some page bytes";
        let split = crc32_update(crc32(&data[..7]), &data[7..]);
        assert_eq!(split, crc32(data));
    }

    #[test]
    fn table_matches_bitwise_definition() {
        fn bitwise(data: &[u8]) -> u32 {
            let mut crc = 0u32;
            for &b in data {
                crc ^= (b as u32) << 24;
                for _ in 0..8 {
                    crc = if crc & 0x8000_0000 != 0 {
                        (crc << 1) ^ POLY
                    } else {
                        crc << 1
                    };
                }
            }
            crc
        }
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        assert_eq!(crc32(&data), bitwise(&data));
    }
}
