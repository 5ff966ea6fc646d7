//! PersonaPlex framing and chat URL (`docs/personaplex.md`).
//!
//! Every WebSocket message is one kind byte then the payload. The URL is where most traps live:
//! the voice needs its `.pt` extension and no directory part, the text prompt must be non-empty
//! and URL-encoded, and `seed` kills older servers so it is only sent when asked for.

use bytes::{BufMut, Bytes, BytesMut};

pub use super::ProtocolError;

/// Server → client: the session is ready (prompts prefilled); send nothing before it.
pub const KIND_HANDSHAKE: u8 = 0x00;
/// Both directions: a piece of one continuous Ogg/Opus byte stream.
pub const KIND_AUDIO: u8 = 0x01;
/// Server → client: a UTF-8 piece of the agent's own speech.
pub const KIND_TEXT: u8 = 0x02;

/// One message from the server, borrowing its payload so the audio path copies nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerFrame<'a> {
    Handshake,
    Audio(&'a [u8]),
    Text(&'a str),
    /// Kinds PersonaPlex never sends (Kyutai's control/metadata/error/ping): log and ignore.
    Unknown(u8),
}

/// Splits a binary message into its kind and payload.
pub fn parse_server_frame(msg: &[u8]) -> Result<ServerFrame<'_>, ProtocolError> {
    let (&kind, payload) = msg.split_first().ok_or(ProtocolError::EmptyFrame)?;
    Ok(match kind {
        // PersonaPlex sends no payload, Kyutai's Rust server 8 bytes; neither means anything to us.
        KIND_HANDSHAKE => ServerFrame::Handshake,
        KIND_AUDIO => ServerFrame::Audio(payload),
        KIND_TEXT => {
            ServerFrame::Text(std::str::from_utf8(payload).map_err(ProtocolError::InvalidText)?)
        }
        other => ServerFrame::Unknown(other),
    })
}

/// The client → server audio message: `0x01` followed by Ogg bytes.
pub fn audio_message(ogg: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(1 + ogg.len());
    b.put_u8(KIND_AUDIO);
    b.put_slice(ogg);
    b.freeze()
}

/// Everything needed to build the `/api/chat` URL of one session.
#[derive(Debug, Clone, Copy)]
pub struct ChatUrl<'a> {
    pub use_tls: bool,
    pub host: &'a str,
    pub port: u16,
    /// A voice name such as `NATF2` or `NATF2.pt`.
    pub voice_prompt: &'a str,
    /// The persona; must contain something other than whitespace.
    pub text_prompt: &'a str,
    /// Opt-in only: older servers die before the handshake on any request carrying `seed`.
    pub seed: Option<u64>,
}

impl ChatUrl<'_> {
    /// `ws(s)://host:port/api/chat?voice_prompt=NATF2.pt&text_prompt=…[&seed=N]`.
    pub fn build(&self) -> Result<url::Url, ProtocolError> {
        let voice = self.voice_prompt.trim();
        let invalid = |reason| ProtocolError::InvalidVoice {
            voice: self.voice_prompt.into(),
            reason,
        };
        if voice.is_empty() || voice == ".pt" {
            return Err(invalid("empty voice name"));
        }
        if voice.contains(['/', '\\']) {
            return Err(invalid(
                "a directory part is refused by the server; give a bare name like NATF2",
            ));
        }
        if self.text_prompt.trim().is_empty() {
            return Err(ProtocolError::EmptyTextPrompt);
        }
        let host = self.host.trim();
        // `\` too: URL parsers read it as `/` in ws(s) URLs, moving the rest of the host into the path.
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || "/?#@\\".contains(c)) {
            return Err(ProtocolError::InvalidAddress(format!(
                "bad host {:?}",
                self.host
            )));
        }
        // An IPv6 literal needs brackets in a URL.
        let bracketed = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        let scheme = if self.use_tls { "wss" } else { "ws" };
        let mut url = url::Url::parse(&format!("{scheme}://{bracketed}:{}/api/chat", self.port))
            .map_err(|e| ProtocolError::InvalidAddress(format!("{host}:{}: {e}", self.port)))?;
        if url.path() != "/api/chat" {
            return Err(ProtocolError::InvalidAddress(format!(
                "bad host {:?}: it changes the URL's path",
                self.host
            )));
        }
        let mut query = String::from("voice_prompt=");
        push_encoded(&mut query, voice);
        if !voice.ends_with(".pt") {
            query.push_str(".pt");
        }
        query.push_str("&text_prompt=");
        push_encoded(&mut query, self.text_prompt);
        if let Some(seed) = self.seed {
            query.push_str(&format!("&seed={seed}"));
        }
        url.set_query(Some(&query));
        Ok(url)
    }
}

/// Percent-encodes a query value. Spaces become `%20` rather than form encoding's `+`, which
/// every decoder reads as a space (`+` is ambiguous between RFC 3986 and form decoders).
fn push_encoded(out: &mut String, value: &str) {
    for piece in url::form_urlencoded::byte_serialize(value.as_bytes()) {
        // A literal `+` in the value was already encoded as `%2B`, so any `+` here is a space.
        out.push_str(&piece.replace('+', "%20"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(voice: &str, text: &str, seed: Option<u64>) -> Result<url::Url, ProtocolError> {
        ChatUrl {
            use_tls: true,
            host: "gpu1",
            port: 8998,
            voice_prompt: voice,
            text_prompt: text,
            seed,
        }
        .build()
    }

    fn query(u: &url::Url) -> Vec<(String, String)> {
        u.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn frames_are_split_by_kind() {
        assert_eq!(parse_server_frame(&[0]).unwrap(), ServerFrame::Handshake);
        assert_eq!(
            parse_server_frame(&[0, 1, 0, 0, 0, 2, 0, 0, 0]).unwrap(),
            ServerFrame::Handshake
        );
        assert_eq!(
            parse_server_frame(&[1, b'O', b'g']).unwrap(),
            ServerFrame::Audio(b"Og")
        );
        assert_eq!(parse_server_frame(&[1]).unwrap(), ServerFrame::Audio(b""));
        assert_eq!(
            parse_server_frame(b"\x02 Hello").unwrap(),
            ServerFrame::Text(" Hello")
        );
        assert_eq!(
            parse_server_frame(&[6, 1]).unwrap(),
            ServerFrame::Unknown(6)
        );
    }

    #[test]
    fn empty_messages_and_bad_text_are_errors() {
        assert!(matches!(
            parse_server_frame(&[]),
            Err(ProtocolError::EmptyFrame)
        ));
        assert!(matches!(
            parse_server_frame(&[2, 0xff, 0xfe]),
            Err(ProtocolError::InvalidText(_))
        ));
    }

    #[test]
    fn audio_message_prefixes_the_kind() {
        assert_eq!(&audio_message(b"OggS")[..], b"\x01OggS");
        assert_eq!(&audio_message(b"")[..], b"\x01");
    }

    #[test]
    fn url_has_the_path_scheme_and_pt_extension() {
        let u = url("NATF2", "You are a receptionist.", None).unwrap();
        assert_eq!(u.scheme(), "wss");
        assert_eq!(u.host_str(), Some("gpu1"));
        assert_eq!(u.port(), Some(8998));
        assert_eq!(u.path(), "/api/chat");
        assert_eq!(
            query(&u),
            [
                ("voice_prompt".into(), "NATF2.pt".into()),
                ("text_prompt".into(), "You are a receptionist.".into())
            ]
        );
        let u = url("VARM4.pt", "x", None).unwrap();
        assert_eq!(query(&u)[0].1, "VARM4.pt", "no double extension");
        let plain = ChatUrl {
            use_tls: false,
            host: "127.0.0.1",
            port: 1,
            voice_prompt: "a",
            text_prompt: "b",
            seed: None,
        };
        assert_eq!(plain.build().unwrap().scheme(), "ws");
    }

    #[test]
    fn values_are_percent_encoded() {
        let prompt = "Hi & bye = 100% + more?\nLine two: café 日本 #1";
        let u = url("NATM0", prompt, None).unwrap();
        let q = u.query().unwrap();
        assert!(
            !q.contains(' ') && !q.contains('\n') && !q.contains('#'),
            "{q}"
        );
        assert!(q.contains("%20") && !q.contains('+'), "spaces as %20: {q}");
        assert_eq!(query(&u)[1], ("text_prompt".into(), prompt.into()));
        assert_eq!(u.fragment(), None);
    }

    #[test]
    fn seed_is_sent_only_when_asked() {
        assert!(!url("NATF0", "p", None).unwrap().as_str().contains("seed"));
        let u = url("NATF0", "p", Some(42)).unwrap();
        assert_eq!(query(&u)[2], ("seed".into(), "42".into()));
    }

    #[test]
    fn bad_voices_and_prompts_are_refused() {
        for v in [
            "voices/NATF2",
            "..\\NATF2.pt",
            "/abs/NATF2.pt",
            "",
            "  ",
            ".pt",
        ] {
            assert!(
                matches!(url(v, "p", None), Err(ProtocolError::InvalidVoice { .. })),
                "{v:?}"
            );
        }
        for t in ["", "   ", "\n\t"] {
            assert!(
                matches!(url("NATF2", t, None), Err(ProtocolError::EmptyTextPrompt)),
                "{t:?}"
            );
        }
    }

    #[test]
    fn hosts_are_checked_and_ipv6_is_bracketed() {
        let mk = |host| ChatUrl {
            use_tls: false,
            host,
            port: 8998,
            voice_prompt: "a",
            text_prompt: "b",
            seed: None,
        };
        assert_eq!(mk("::1").build().unwrap().host_str(), Some("[::1]"));
        // "𐒠\\" was found by `any_host_gives_a_url_or_a_clear_error`: it made `ws://xn--…/:0/api/chat`.
        for bad in ["", "evil.com/x", "a b", "user@host", "h?x", "𐒠\\", "gpu\\x"] {
            assert!(
                matches!(mk(bad).build(), Err(ProtocolError::InvalidAddress(_))),
                "{bad:?}"
            );
        }
    }
}
