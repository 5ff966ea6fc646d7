//! The embedded engine: espeak-ng as a child process.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use super::error::{body_snippet, SpeechError};
use super::wav::decode_wav;

/// espeak-ng renders a sentence in tens of milliseconds; a child that takes this long is stuck,
/// and is killed rather than left holding a call's reply forever.
const ESPEAK_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `espeak-ng --stdout` for each sentence and decodes its WAV.
///
/// Exists because espeak-ng is the one engine that is always there (a Debian package, no GPU,
/// no network): the default, and the fallback when an HTTP engine fails. It runs as a child
/// process through `tokio::process`, so synthesis never blocks the actix thread, and gets the
/// text on stdin, so no text can ever be read as an option or pass through a shell.
#[derive(Clone, Debug)]
pub struct Espeak {
    /// The binary; `espeak-ng` from `PATH` except in tests of the "missing" case.
    program: String,
    voice: String,
    words_per_minute: u32,
}

impl Espeak {
    /// An engine speaking with `voice` (e.g. `en-us+f3`) at `words_per_minute`.
    pub fn new(voice: &str, words_per_minute: u32) -> Self {
        Self::with_program("espeak-ng", voice, words_per_minute)
    }

    /// Like [`Espeak::new`] with another binary (tests use a missing one).
    pub fn with_program(program: &str, voice: &str, words_per_minute: u32) -> Self {
        Self {
            program: program.to_owned(),
            voice: voice.to_owned(),
            words_per_minute,
        }
    }

    /// Synthesizes `text` at espeak-ng's native rate; returns (rate, mono samples).
    pub async fn synthesize(&self, text: &str) -> Result<(u32, Vec<i16>), SpeechError> {
        let mut command = Command::new(&self.program);
        command
            .arg("--stdout")
            // UTF-8 input whatever the server's locale is.
            .args(["-b", "1"])
            .args(["-v", &self.voice])
            .args(["-s", &self.words_per_minute.to_string()])
            // Read all of stdin as one text, not line by line.
            .arg("--stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A timed-out (dropped) synthesis must not leave an espeak-ng behind.
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SpeechError::EspeakMissing {
                program: self.program.clone(),
            },
            _ => SpeechError::Spawn(e),
        })?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| SpeechError::Spawn(std::io::Error::other("no stdin pipe")))?;
        let input = text.as_bytes().to_vec();
        // Write and read at the same time: a long text could otherwise fill both pipes and
        // deadlock. Closing stdin (dropping it) is what tells espeak-ng the text is complete.
        let write = async move {
            // An early exit (bad voice) closes the pipe; its stderr says why, so ignore this.
            let _ = stdin.write_all(&input).await;
            drop(stdin);
        };
        let run = async {
            let ((), output) = tokio::join!(write, child.wait_with_output());
            output
        };
        let output = match tokio::time::timeout(ESPEAK_TIMEOUT, run).await {
            Ok(output) => output.map_err(SpeechError::Spawn)?,
            Err(_) => {
                return Err(SpeechError::Timeout {
                    engine: "espeak-ng",
                    after: ESPEAK_TIMEOUT,
                })
            }
        };
        if !output.status.success() {
            return Err(SpeechError::EspeakFailed {
                status: output.status.to_string(),
                stderr: body_snippet(&output.stderr),
            });
        }
        if output.stdout.is_empty() {
            return Err(SpeechError::Empty("espeak-ng"));
        }
        decode_wav(&output.stdout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_rt::test]
    async fn missing_binary_is_named() {
        let e = match Espeak::with_program("/nonexistent/espeak-ng", "en-us", 160)
            .synthesize("hello")
            .await
        {
            Ok((_, pcm)) => panic!("spoke {} samples without a binary", pcm.len()),
            Err(e) => e,
        };
        assert!(matches!(e, SpeechError::EspeakMissing { .. }), "{e:?}");
        assert!(e.to_string().contains("install"), "{e}");
    }

    #[actix_rt::test]
    async fn unknown_voice_reports_espeak_message() {
        // (Not "no-...": espeak-ng reads that as Norwegian and speaks.)
        let e = match Espeak::new("nosuchvoice", 160).synthesize("hello").await {
            Ok((_, pcm)) => panic!("spoke {} samples with an unknown voice", pcm.len()),
            Err(e) => e,
        };
        assert!(matches!(e, SpeechError::EspeakFailed { .. }), "{e:?}");
        assert!(e.to_string().contains("voice"), "{e}");
    }

    #[actix_rt::test]
    async fn text_that_looks_like_options_is_spoken() {
        // On the command line "--help" or "-w /tmp/x" would be options; on stdin they are words.
        let (rate, pcm) = Espeak::new("en-us", 160)
            .synthesize("--help -w /tmp/x")
            .await
            .unwrap();
        assert_eq!(rate, 22050);
        assert!(pcm.len() > rate as usize / 2, "{} samples", pcm.len());
    }
}
