//! Command-line options of `switchboard call`.

use std::path::PathBuf;

use actors::codec::WireFormat;

/// Place a simulated call against a switchboard server, behaving like SignalWire's media stream.
///
/// Exists so that the whole call path (media socket, transcoding, PersonaPlex, barge-in, marks)
/// can be exercised from a WAV file without a phone number or a SignalWire account.
#[derive(clap::Args, Debug, Clone)]
pub struct CallArgs {
    /// WAV file the caller says: any sample rate, mono or stereo (downmixed), integer or float.
    #[arg(long, value_name = "WAV")]
    pub audio: PathBuf,

    /// Where to write what the caller heard: mono 16-bit WAV at the wire rate, recorded in real
    /// time from the emulated play-out queue (silence where the queue was empty).
    #[arg(long, value_name = "WAV")]
    pub out: PathBuf,

    /// The server's incoming-call webhook. The call starts there, as SignalWire starts it: the
    /// cXML answer gives the media stream's URL and its per-call bearer token.
    #[arg(
        long,
        value_name = "URL",
        default_value = "http://127.0.0.1:8080/signalwire/voice"
    )]
    pub webhook: String,

    /// Signs the webhook request with this SignalWire Signing Key (needed when the server
    /// checks signatures).
    #[arg(long, value_name = "KEY")]
    pub signing_key: Option<String>,

    /// Skip the webhook and open this media-stream WebSocket URL directly (with `--token`),
    /// e.g. the static-token endpoint `ws://127.0.0.1:8080/signalwire/media`.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// With `--url`: the bearer token sent on the WebSocket upgrade, as SignalWire sends the
    /// `authBearerToken` of the cXML `<Stream>`. Omitted when not given.
    #[arg(long, value_name = "TOKEN", requires = "url")]
    pub token: Option<String>,

    /// Caller number, sent in `start.customParameters.from`.
    #[arg(long, value_name = "E164", default_value = "+15551234567")]
    pub from: String,

    /// Called number, sent in `start.customParameters.to`.
    #[arg(long, value_name = "E164", default_value = "+15557654321")]
    pub to: String,

    /// Call SID to announce in `start` (a random UUID when omitted).
    #[arg(long, value_name = "SID")]
    pub call_sid: Option<String>,

    /// Seconds of silence the caller keeps sending after the WAV ends, so the agent's answer to
    /// the last words is heard and recorded before hanging up.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0, value_parser = parse_tail_secs)]
    pub tail_secs: f64,

    /// Codec of the stream, as negotiated by the cXML `codec` attribute: `pcmu` (PCMU@8000h,
    /// SignalWire's default), `l16-16000` (L16@16000h) or `l16-24000` (L16@24000h).
    #[arg(long, value_enum, default_value_t = Codec::Pcmu)]
    pub codec: Codec,

    /// For wss:// URLs: accept any server certificate (self-signed test servers). Never use it
    /// across an untrusted network.
    #[arg(long)]
    pub insecure: bool,
}

/// The stream codecs SignalWire offers.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// G.711 mu-law at 8 kHz.
    #[value(name = "pcmu")]
    Pcmu,
    /// 16-bit linear PCM at 16 kHz.
    #[value(name = "l16-16000")]
    L16_16000,
    /// 16-bit linear PCM at 24 kHz.
    #[value(name = "l16-24000")]
    L16_24000,
}

impl Codec {
    pub fn wire_format(self) -> WireFormat {
        match self {
            Codec::Pcmu => WireFormat::Mulaw8k,
            Codec::L16_16000 => WireFormat::L16 { rate: 16000 },
            Codec::L16_24000 => WireFormat::L16 { rate: 24000 },
        }
    }
}

fn parse_tail_secs(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("not a number of seconds: {s:?}"))?;
    if v.is_finite() && (0.0..=3600.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be between 0 and 3600 seconds, got {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: CallArgs,
    }

    #[test]
    fn defaults_match_the_documented_usage() {
        let a = Cli::try_parse_from(["x", "--audio", "in.wav", "--out", "out.wav"])
            .unwrap()
            .args;
        assert_eq!(a.webhook, "http://127.0.0.1:8080/signalwire/voice");
        assert_eq!((a.url, a.signing_key), (None, None));
        assert_eq!(a.codec.wire_format(), WireFormat::Mulaw8k);
        assert_eq!(a.tail_secs, 2.0);
        assert_eq!(a.token, None);
        assert!(!a.insecure);
    }

    #[test]
    fn codecs_and_tail_are_parsed_and_checked() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["x", "--audio", "a", "--out", "b"];
            argv.extend_from_slice(extra);
            Cli::try_parse_from(argv).map(|c| c.args)
        };
        assert_eq!(
            parse(&["--codec", "l16-16000"])
                .unwrap()
                .codec
                .wire_format(),
            WireFormat::L16 { rate: 16000 }
        );
        assert_eq!(
            parse(&["--codec", "l16-24000"])
                .unwrap()
                .codec
                .wire_format(),
            WireFormat::L16 { rate: 24000 }
        );
        assert!(parse(&["--codec", "opus"]).is_err());
        assert_eq!(parse(&["--tail-secs", "0.5"]).unwrap().tail_secs, 0.5);
        assert!(parse(&["--tail-secs", "-1"]).is_err());
        assert!(parse(&["--tail-secs", "NaN"]).is_err());
        let a = parse(&[
            "--url",
            "ws://h/m",
            "--token",
            "T",
            "--call-sid",
            "CA1",
            "--insecure",
        ])
        .unwrap();
        assert_eq!(
            (
                a.url.as_deref(),
                a.token.as_deref(),
                a.call_sid.as_deref(),
                a.insecure
            ),
            (Some("ws://h/m"), Some("T"), Some("CA1"), true)
        );
        // A token goes with a URL given by hand; the webhook hands out its own.
        assert!(parse(&["--token", "T"]).is_err());
        let a = parse(&[
            "--webhook",
            "https://v.example/signalwire/voice",
            "--signing-key",
            "K",
        ])
        .unwrap();
        assert_eq!(a.signing_key.as_deref(), Some("K"));
    }
}
