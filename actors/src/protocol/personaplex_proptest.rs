//! Properties of PersonaPlex's framing and chat URL: every frame we build reads back as itself,
//! every message the server could send is classified without a panic, and any persona survives
//! URL encoding exactly.

use proptest::collection::vec;
use proptest::prelude::*;

use super::personaplex::*;

proptest! {
    #[test]
    fn audio_messages_read_back_as_their_ogg_bytes(ogg in vec(any::<u8>(), 0..2000)) {
        let msg = audio_message(&ogg);
        prop_assert_eq!(msg[0], KIND_AUDIO);
        prop_assert_eq!(parse_server_frame(&msg).unwrap(), ServerFrame::Audio(&ogg));
    }

    #[test]
    fn text_pieces_read_back_as_their_text(text in any::<String>()) {
        let mut msg = vec![KIND_TEXT];
        msg.extend_from_slice(text.as_bytes());
        prop_assert_eq!(parse_server_frame(&msg).unwrap(), ServerFrame::Text(&text));
    }

    #[test]
    fn any_message_is_classified_by_its_first_byte(msg in vec(any::<u8>(), 0..300)) {
        match (msg.split_first(), parse_server_frame(&msg)) {
            (None, Err(ProtocolError::EmptyFrame)) => {}
            (Some((&KIND_HANDSHAKE, _)), Ok(ServerFrame::Handshake)) => {}
            (Some((&KIND_AUDIO, payload)), Ok(ServerFrame::Audio(got))) => {
                prop_assert_eq!(got, payload)
            }
            (Some((&KIND_TEXT, payload)), Ok(ServerFrame::Text(got))) => {
                prop_assert_eq!(got.as_bytes(), payload)
            }
            (Some((&KIND_TEXT, payload)), Err(ProtocolError::InvalidText(_))) => {
                prop_assert!(std::str::from_utf8(payload).is_err())
            }
            (Some((&kind, _)), Ok(ServerFrame::Unknown(k))) => {
                prop_assert!(kind > KIND_TEXT && k == kind)
            }
            (first, other) => prop_assert!(false, "{first:?} gave {other:?}"),
        }
    }

    #[test]
    fn any_persona_and_voice_survive_the_url(
        voice in "[A-Za-z0-9_.-]{0,12}",
        text in any::<String>(),
        seed in proptest::option::of(any::<u64>()),
        tls in any::<bool>(),
    ) {
        let url = ChatUrl {
            use_tls: tls,
            host: "gpu.internal",
            port: 8998,
            voice_prompt: &voice,
            text_prompt: &text,
            seed,
        }
        .build();
        let voice_ok = !voice.is_empty() && voice != ".pt";
        match url {
            Ok(url) => {
                prop_assert!(voice_ok && !text.trim().is_empty());
                prop_assert_eq!(url.path(), "/api/chat");
                prop_assert!(url.fragment().is_none());
                let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
                let want_voice = if voice.ends_with(".pt") { voice.clone() } else { format!("{voice}.pt") };
                prop_assert_eq!(&pairs[0], &("voice_prompt".to_string(), want_voice));
                prop_assert_eq!(&pairs[1], &("text_prompt".to_string(), text.clone()));
                let want_len = if seed.is_some() { 3 } else { 2 };
                prop_assert_eq!(pairs.len(), want_len);
            }
            Err(ProtocolError::InvalidVoice { .. }) => prop_assert!(!voice_ok),
            Err(ProtocolError::EmptyTextPrompt) => prop_assert!(text.trim().is_empty()),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    #[test]
    fn any_host_gives_a_url_or_a_clear_error(host in any::<String>(), port in any::<u16>()) {
        let built = ChatUrl {
            use_tls: false,
            host: &host,
            port,
            voice_prompt: "NATF2",
            text_prompt: "p",
            seed: None,
        }
        .build();
        match built {
            Ok(url) => {
                prop_assert_eq!(url.path(), "/api/chat");
                prop_assert!(url.host_str().is_some());
            }
            Err(ProtocolError::InvalidAddress(msg)) => prop_assert!(!msg.is_empty()),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }
}
