//! Recording a caller's message to a WAV file while it arrives.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::Duration;

use hound::{SampleFormat, WavSpec, WavWriter};

/// Longest file-name stem kept from a call id: far below any file system's name limit, far
/// above the length of real call ids (34-character SIDs, 36-character UUIDs).
const MAX_STEM: usize = 100;
/// A WAV `data` chunk size is a `u32` of bytes; stay clear of it with two bytes per sample.
const MAX_WAV_SAMPLES: u64 = (u32::MAX as u64 - 64) / 2;
/// How many `-2`, `-3`, ... suffixes to try before giving up on a free file name.
const MAX_SUFFIX: u32 = 1000;

/// Whether the recorder will take more audio.
///
/// Exists so the caller of [`VoicemailRecorder::push`] learns the maximum length was reached
/// (time to play a goodbye and hang up) without treating it as an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordState {
    /// Below the maximum length; keep pushing.
    Recording,
    /// The maximum length is on disk; further audio is dropped.
    Full,
}

/// A finished voicemail.
///
/// Exists to hand the file and its length to whatever notifies the business (email, admin page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    pub path: PathBuf,
    pub duration: Duration,
    pub samples: u64,
}

/// Writes a caller's audio (16-bit PCM, mono, at the wire rate) to `<dir>/<sid>.wav`.
///
/// Exists so a message survives the process: every [`push`](Self::push) goes to disk with a
/// valid header at once, so a crash or kill loses at most the buffer being written. It also
/// enforces the maximum message length, so a line left open cannot fill the disk.
pub struct VoicemailRecorder {
    writer: WavWriter<BufWriter<File>>,
    path: PathBuf,
    sample_rate: u32,
    written: u64,
    max_samples: u64,
}

impl VoicemailRecorder {
    /// Creates `dir` if needed and starts `<dir>/<sid>.wav`, where `<sid>` is `call_sid` with
    /// everything but `[A-Za-z0-9_-]` removed (so no id can name a path outside `dir`).
    ///
    /// An existing file is never overwritten: two ids that sanitise to the same name get
    /// `-2`, `-3`, ... suffixes. `max` is the longest message kept.
    pub fn create(dir: &Path, call_sid: &str, sample_rate: u32, max: Duration) -> io::Result<Self> {
        if sample_rate == 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "sample rate 0"));
        }
        fs::create_dir_all(dir)?;
        let (file, path) = create_new_file(dir, &file_stem(call_sid))?;
        let spec = WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 16,
            sample_format: SampleFormat::Int,
        };
        let mut writer = WavWriter::new(BufWriter::new(file), spec).map_err(to_io)?;
        // Put the header on disk now: even an empty message is then a valid file.
        writer.flush().map_err(to_io)?;
        let max_samples = (max.as_nanos() * u128::from(sample_rate) / 1_000_000_000)
            .min(u128::from(MAX_WAV_SAMPLES)) as u64;
        Ok(Self {
            writer,
            path,
            sample_rate,
            written: 0,
            max_samples,
        })
    }

    /// Appends `pcm`, up to the maximum length, and flushes it (with an updated header) to disk.
    ///
    /// Returns [`RecordState::Full`] once the maximum is reached; the excess of this buffer and
    /// everything pushed afterwards is dropped.
    pub fn push(&mut self, pcm: &[i16]) -> io::Result<RecordState> {
        let room = self.max_samples - self.written;
        let take = pcm.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        if take > 0 {
            // `take` fits in u32: it is at most `max_samples`, itself below MAX_WAV_SAMPLES.
            let mut samples = self.writer.get_i16_writer(take as u32);
            for &s in &pcm[..take] {
                samples.write_sample(s);
            }
            samples.flush().map_err(to_io)?;
            // Rewrites the RIFF and data sizes and flushes the file: the crash-safety point.
            self.writer.flush().map_err(to_io)?;
            self.written += take as u64;
        }
        Ok(if self.written >= self.max_samples {
            RecordState::Full
        } else {
            RecordState::Recording
        })
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Samples written so far.
    pub fn samples(&self) -> u64 {
        self.written
    }

    /// Finalises the header and closes the file.
    pub fn finish(self) -> io::Result<Recording> {
        let Self {
            writer,
            path,
            sample_rate,
            written,
            ..
        } = self;
        writer.finalize().map_err(to_io)?;
        let nanos = u128::from(written) * 1_000_000_000 / u128::from(sample_rate);
        Ok(Recording {
            path,
            duration: Duration::from_nanos(nanos as u64),
            samples: written,
        })
    }
}

/// `call_sid` reduced to `[A-Za-z0-9_-]`, at most [`MAX_STEM`] characters, or `unknown`.
fn file_stem(call_sid: &str) -> String {
    let stem: String = call_sid
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(MAX_STEM)
        .collect();
    if stem.is_empty() {
        "unknown".to_owned()
    } else {
        stem
    }
}

/// Creates `<dir>/<stem>.wav`, or the first free `<stem>-N.wav`, atomically (`create_new`), so
/// an earlier message is never overwritten.
fn create_new_file(dir: &Path, stem: &str) -> io::Result<(File, PathBuf)> {
    for n in 1..=MAX_SUFFIX {
        let name = if n == 1 {
            format!("{stem}.wav")
        } else {
            format!("{stem}-{n}.wav")
        };
        let path = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "no free voicemail file name for {stem} in {}",
            dir.display()
        ),
    ))
}

fn to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
    }
}
