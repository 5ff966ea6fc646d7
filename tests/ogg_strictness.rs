//! Proof that the end-to-end test guards our Ogg framing: the same stream that the peer (sphn's
//! strict reader, like the real server) echoes back intact goes silent after a single corrupted
//! CRC byte. So an Ogg writer bug cannot pass `call_path.rs`, which needs the echo.

mod support;

use std::time::Duration;

use actors::codec::WireFormat;
use actors::protocol::personaplex::{audio_message, parse_server_frame, ServerFrame};
use actors::transcode::Upstream;
use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use support::*;

/// Streams 2 s of a tone to the peer as switchboard would, corrupting the CRC of the
/// `corrupt_page`-th audio page if given; returns how many audio messages came back.
fn stream_tone(peer: &PersonaPlexPeer, corrupt_page: Option<usize>) -> usize {
    let url = format!(
        "ws://127.0.0.1:{}/api/chat?voice_prompt=NATF2.pt&text_prompt=Hi",
        peer.port
    );
    actix_web::rt::System::new().block_on(async move {
        let (_, socket) = awc::Client::new().ws(url).connect().await.unwrap();
        let (mut tx, mut rx) = socket.split();
        // Wait for the handshake before sending anything, as the real server requires.
        loop {
            if let Some(Ok(Frame::Binary(b))) = rx.next().await {
                if matches!(parse_server_frame(&b), Ok(ServerFrame::Handshake)) {
                    break;
                }
            }
        }
        let reader = actix_web::rt::spawn(async move {
            let mut audio = 0;
            while let Ok(Some(Ok(Frame::Binary(b)))) =
                actix_web::rt::time::timeout(Duration::from_millis(1500), rx.next()).await
            {
                if matches!(parse_server_frame(&b), Ok(ServerFrame::Audio(_))) {
                    audio += 1;
                }
            }
            audio
        });
        let mut upstream = Upstream::new(WireFormat::Mulaw8k, 24_000).unwrap();
        let mut ogg = Vec::new();
        upstream.begin_stream(&mut ogg);
        tx.send(Message::Binary(audio_message(&ogg))).await.unwrap();
        let mut tick = actix_web::rt::time::interval(Duration::from_millis(20));
        let mut wire = Vec::new();
        for n in 0..100usize {
            tick.tick().await;
            let pcm: Vec<i16> = (0..160)
                .map(|i| {
                    (8000.0
                        * (2.0 * std::f64::consts::PI * 440.0 * ((n * 160 + i) as f64 / 8000.0))
                            .sin()) as i16
                })
                .collect();
            wire.clear();
            WireFormat::Mulaw8k.encode_into(&pcm, &mut wire);
            ogg.clear();
            upstream.push(&wire, &mut ogg).unwrap();
            if corrupt_page == Some(n) && !ogg.is_empty() {
                ogg[22] ^= 0x01; // first byte of the page's CRC field
            }
            tx.send(Message::Binary(audio_message(&ogg))).await.unwrap();
        }
        reader.await.unwrap()
    })
}

#[test]
fn one_bad_crc_silences_the_strict_reader() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "50"]);
    let intact = stream_tone(&peer, None);
    assert!(
        intact >= 20,
        "intact stream: only {intact} audio messages echoed"
    );
    assert_eq!(
        peer.stats()["sessions"][0]["reader_dead"],
        false,
        "{}",
        peer.stats()
    );

    let corrupted = stream_tone(&peer, Some(10));
    let stats = peer.stats();
    assert_eq!(stats["sessions"][1]["reader_dead"], true, "{stats}");
    assert!(
        corrupted + 15 < intact,
        "corrupted stream still echoed {corrupted} messages (intact: {intact})"
    );
}
