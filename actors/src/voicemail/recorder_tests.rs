//! Recording to disk, length cap and file naming.

use std::time::Duration;

use super::test_support::{read_wav, TempDir};
use super::*;

const MINUTE: Duration = Duration::from_secs(60);

fn ramp(start: i16, n: usize) -> Vec<i16> {
    (0..n)
        .map(|i| start.wrapping_add((i as i16).wrapping_mul(37)))
        .collect()
}

#[test]
fn writes_and_reads_back() {
    let dir = TempDir::new("rw");
    let mut rec = VoicemailRecorder::create(dir.path(), "CA123", 8000, MINUTE).unwrap();
    let (a, b) = (ramp(-3000, 160), ramp(500, 4000));
    assert_eq!(rec.push(&a).unwrap(), RecordState::Recording);
    assert_eq!(rec.push(&[]).unwrap(), RecordState::Recording);
    assert_eq!(rec.push(&b).unwrap(), RecordState::Recording);
    assert_eq!(rec.samples(), 4160);
    let done = rec.finish().unwrap();

    assert_eq!(done.path, dir.path().join("CA123.wav"));
    assert_eq!(done.samples, 4160);
    assert_eq!(done.duration, Duration::from_millis(520));
    let (spec, samples) = read_wav(&done.path);
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (8000, 1, 16)
    );
    assert_eq!(samples, [a, b].concat());
}

#[test]
fn audio_is_on_disk_before_finish() {
    let dir = TempDir::new("crash");
    let mut rec = VoicemailRecorder::create(dir.path(), "CA1", 16000, MINUTE).unwrap();
    let path = rec.path().to_owned();
    // An empty recording already has a valid header.
    assert_eq!(read_wav(&path).1.len(), 0);
    let pcm = ramp(1, 320);
    rec.push(&pcm).unwrap();
    rec.push(&pcm).unwrap();
    // Simulate a crash: no finish, no destructor.
    std::mem::forget(rec);
    let (spec, samples) = read_wav(&path);
    assert_eq!(spec.sample_rate, 16000);
    assert_eq!(samples, [&pcm[..], &pcm[..]].concat());
}

#[test]
fn max_length_reports_full_and_caps_the_file() {
    let dir = TempDir::new("max");
    let mut rec =
        VoicemailRecorder::create(dir.path(), "CA1", 8000, Duration::from_millis(100)).unwrap();
    let pcm = ramp(7, 500);
    assert_eq!(rec.push(&pcm).unwrap(), RecordState::Recording);
    assert_eq!(rec.push(&pcm).unwrap(), RecordState::Full);
    assert_eq!(rec.push(&pcm).unwrap(), RecordState::Full);
    let done = rec.finish().unwrap();
    assert_eq!(done.samples, 800);
    assert_eq!(done.duration, Duration::from_millis(100));
    let (_, samples) = read_wav(&done.path);
    assert_eq!(samples, [&pcm[..], &pcm[..300]].concat());
}

#[test]
fn reaching_max_exactly_is_full() {
    let dir = TempDir::new("exact");
    let mut rec =
        VoicemailRecorder::create(dir.path(), "CA1", 8000, Duration::from_millis(20)).unwrap();
    assert_eq!(rec.push(&[1; 159]).unwrap(), RecordState::Recording);
    assert_eq!(rec.push(&[1; 1]).unwrap(), RecordState::Full);
    assert_eq!(rec.finish().unwrap().samples, 160);
}

#[test]
fn call_sid_cannot_escape_the_directory() {
    let dir = TempDir::new("sid");
    let inner = dir.path().join("voicemail");
    let cases = [
        ("../x", "x.wav"),
        ("../../etc/passwd", "etcpasswd.wav"),
        ("/abs/path", "abspath.wav"),
        ("a.b\\c d:e", "abcde.wav"),
        ("CA_ok-1", "CA_ok-1.wav"),
        ("..", "unknown.wav"),
        ("", "unknown-2.wav"),
    ];
    for (sid, name) in cases {
        let rec = VoicemailRecorder::create(&inner, sid, 8000, MINUTE).unwrap();
        assert_eq!(rec.path(), inner.join(name), "sid {sid:?}");
        rec.finish().unwrap();
    }
    // Nothing was written beside the voicemail directory.
    let outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside, ["voicemail"]);
    assert_eq!(std::fs::read_dir(&inner).unwrap().count(), cases.len());
}

#[test]
fn long_sid_is_shortened() {
    let dir = TempDir::new("long");
    let rec = VoicemailRecorder::create(dir.path(), &"a".repeat(5000), 8000, MINUTE).unwrap();
    assert_eq!(rec.path().file_name().unwrap().len(), 100 + ".wav".len());
}

#[test]
fn existing_message_is_never_overwritten() {
    let dir = TempDir::new("dup");
    let mut first = VoicemailRecorder::create(dir.path(), "CA1", 8000, MINUTE).unwrap();
    first.push(&[42; 80]).unwrap();
    let first = first.finish().unwrap();
    let second = VoicemailRecorder::create(dir.path(), "CA1", 8000, MINUTE)
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(second.path, dir.path().join("CA1-2.wav"));
    assert_eq!(read_wav(&first.path).1, vec![42; 80]);
}

#[test]
fn zero_sample_rate_is_rejected() {
    let dir = TempDir::new("zero");
    let err = VoicemailRecorder::create(dir.path(), "CA1", 0, MINUTE)
        .err()
        .unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
