//! The frame scanner against frames built by hand, split at every possible byte.

use super::*;

/// A client frame (masked, as clients must send) with `len` payload bytes, built by hand.
fn frame(opcode: u8, len: usize) -> Vec<u8> {
    let mut f = vec![0x80 | opcode];
    match len {
        0..=125 => f.push(0x80 | len as u8),
        126..=65535 => {
            f.push(0x80 | 126);
            f.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            f.push(0x80 | 127);
            f.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    f.extend_from_slice(&[1, 2, 3, 4]);
    f.extend(std::iter::repeat_n(b'x', len));
    f
}

/// Only the header of a frame declaring `len` bytes (no payload: the point is not to need it).
fn header(len: u64) -> Vec<u8> {
    let mut f = vec![0x81, 0x80 | 127];
    f.extend_from_slice(&len.to_be_bytes());
    f.extend_from_slice(&[1, 2, 3, 4]);
    f
}

#[test]
fn frames_within_the_limit_pass_however_they_are_split() {
    let mut stream = Vec::new();
    for (opcode, len) in [
        (1, 0),
        (1, 5),
        (9, 125),
        (1, 126),
        (2, 300),
        (1, 65_535),
        (1, 70_000),
    ] {
        stream.extend(frame(opcode, len));
    }
    for split in [1, 2, 3, 7, 13, 64, 4096, stream.len()] {
        let mut scanner = FrameScanner::new(70_000);
        for chunk in stream.chunks(split) {
            scanner.scan(chunk).unwrap();
        }
        assert_eq!((scanner.have, scanner.remaining), (0, 0), "split {split}");
    }
}

#[test]
fn a_header_over_the_limit_is_refused_before_its_payload() {
    let declared = 200 * 1024 * 1024;
    for split in 1..=14 {
        let mut scanner = FrameScanner::new(1024 * 1024);
        let mut stream = frame(1, 10);
        stream.extend(header(declared));
        let mut result = Ok(());
        for chunk in stream.chunks(split) {
            result = scanner.scan(chunk);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(
            result,
            Err(FrameTooLarge {
                declared,
                limit: 1024 * 1024
            }),
            "split {split}"
        );
    }
}

#[test]
fn the_limit_is_inclusive_and_every_length_encoding_is_read() {
    for len in [125u64, 126, 65_535, 65_536] {
        let mut at_limit = FrameScanner::new(len as usize);
        at_limit.scan(&frame(1, len as usize)).unwrap();
        let mut below = FrameScanner::new(len as usize - 1);
        assert_eq!(
            below.scan(&frame(1, len as usize)[..14]),
            Err(FrameTooLarge {
                declared: len,
                limit: len - 1
            })
        );
    }
    // A 64-bit length with its top bit set is still just "too large".
    let mut scanner = FrameScanner::new(1024);
    assert!(scanner.scan(&header(u64::MAX)).is_err());
}

#[test]
fn unmasked_frames_are_followed_too() {
    // A server would refuse them, but the scanner must not lose its place on them.
    let mut scanner = FrameScanner::new(10);
    scanner.scan(&[0x81, 3, b'a', b'b', b'c', 0x81, 2]).unwrap();
    assert_eq!(scanner.remaining, 2);
    assert!(scanner.scan(&[b'x', b'y', 0x81, 11]).is_err());
}
