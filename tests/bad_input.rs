//! Bad input on the media socket and its doors: every bad frame is dropped with a log line and
//! the call goes on; a wrong or missing token is refused before anything starts.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use actors::codec::WireFormat;
use actors::protocol::signalwire::{self, MediaFormat, StartInfo};
use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use support::*;

fn start_info(call_sid: &str) -> StartInfo {
    StartInfo {
        stream_sid: "MZbad".into(),
        account_sid: Some("AC1".into()),
        call_sid: call_sid.into(),
        tracks: vec!["inbound".into()],
        custom_parameters: BTreeMap::from([("from".to_string(), "+15550001111".to_string())]),
        media_format: MediaFormat {
            encoding: "audio/x-mulaw".into(),
            sample_rate: 8000,
            channels: 1,
        },
    }
}

/// 20 ms of a 440 Hz tone as mu-law, frame `n` of a continuous signal.
fn tone_frame(n: u64) -> Vec<u8> {
    let pcm: Vec<i16> = (0..160)
        .map(|i| {
            let t = (n * 160 + i) as f64 / 8000.0;
            (9000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16
        })
        .collect();
    let mut out = Vec::new();
    WireFormat::Mulaw8k.encode_into(&pcm, &mut out);
    out
}

#[test]
fn bad_frames_are_dropped_and_the_call_continues() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "200", "--text", "Still here."]);
    let server = Server::start("bad-input", peer.port, &[]);
    let (url, token) = media_credentials(server.port, "CAbad");
    let status_port = server.port;

    let agent_frames = actix_web::rt::System::new().block_on(async move {
        let (_, socket) = awc::Client::new()
            .ws(url)
            .bearer_auth(token)
            .connect()
            .await
            .unwrap();
        let (mut tx, mut rx) = socket.split();
        let reader = actix_web::rt::spawn(async move {
            let mut media = 0;
            while let Ok(Some(Ok(frame))) =
                actix_web::rt::time::timeout(Duration::from_secs(3), rx.next()).await
            {
                if let Frame::Text(text) = frame {
                    if let Ok(signalwire::Outbound::Media { .. }) =
                        signalwire::parse_outbound(std::str::from_utf8(&text).unwrap())
                    {
                        media += 1;
                    }
                }
            }
            media
        });
        let mut json = String::new();
        // Out of order: media before start.
        signalwire::write_inbound_media(1, 1, 0, &tone_frame(0), &mut json);
        tx.send(Message::Text(json.clone().into())).await.unwrap();
        signalwire::write_connected(&mut json);
        tx.send(Message::Text(json.clone().into())).await.unwrap();
        signalwire::write_start(2, &start_info("CAbad"), &mut json);
        tx.send(Message::Text(json.clone().into())).await.unwrap();
        let bad: Vec<Message> = vec![
            Message::Text("{not json".into()),
            Message::Text(r#"{"event":"media","media":{"payload":"%%% not base64 %%%"}}"#.into()),
            Message::Text(
                format!(
                    r#"{{"event":"media","media":{{"payload":"{}"}}}}"#,
                    "A".repeat(8000)
                )
                .into(),
            ),
            Message::Binary(vec![0u8; 320].into()),
            Message::Text(r#"{"event":"start","start":{}}"#.into()),
            Message::Text(r#"{"event":"surprise","surprise":{"x":1}}"#.into()),
            Message::Text(r#"[1,2,3]"#.into()),
        ];
        for message in bad {
            tx.send(message).await.unwrap();
        }
        // Then three seconds of good audio, paced like SignalWire.
        let mut tick = actix_web::rt::time::interval(Duration::from_millis(20));
        for n in 1..150u64 {
            tick.tick().await;
            signalwire::write_inbound_media(n + 2, n, n * 20, &tone_frame(n), &mut json);
            tx.send(Message::Text(json.clone().into())).await.unwrap();
            if n == 100 {
                // A status callback for this live call is recorded on it.
                let body = b"CallSid=CAbad&StreamSid=MZbad&StreamEvent=stream-started";
                let (status, _) = http_request(
                    status_port,
                    "POST",
                    "/signalwire/status",
                    &[("Content-Type", "application/x-www-form-urlencoded")],
                    body,
                );
                assert_eq!(status, 204);
            }
        }
        signalwire::write_stop(200, &mut json);
        tx.send(Message::Text(json.clone().into())).await.unwrap();
        reader.await.unwrap()
    });
    assert!(
        agent_frames > 50,
        "the call should have gone on after the bad frames: {agent_frames} agent frames"
    );
    let stats = peer.stats();
    assert_eq!(stats["sessions_started"], 1, "{stats}");
    wait_until(Duration::from_secs(5), "the call to end", || {
        server.calls().is_empty()
    });
}

#[test]
fn status_callbacks_show_on_the_live_call() {
    let peer = PersonaPlexPeer::start(&["--prefill-ms", "100"]);
    let server = Server::start("status", peer.port, &[]);
    let (url, token) = media_credentials(server.port, "CAstatus");
    let admin = actix_web::rt::System::new().block_on(async {
        let (_, mut socket) = awc::Client::new()
            .ws(url)
            .bearer_auth(token)
            .connect()
            .await
            .unwrap();
        let mut json = String::new();
        signalwire::write_start(1, &start_info("CAstatus"), &mut json);
        socket
            .send(Message::Text(json.clone().into()))
            .await
            .unwrap();
        wait_until(Duration::from_secs(5), "the call to appear", || {
            !server.calls().is_empty()
        });
        let body = b"CallSid=CAstatus&StreamSid=MZbad&StreamEvent=stream-started&Timestamp=x";
        let (status, _) = http_request(
            server.port,
            "POST",
            "/signalwire/status",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body,
        );
        assert_eq!(status, 204);
        let call = server.calls().remove(0);
        signalwire::write_stop(2, &mut json);
        socket.send(Message::Text(json.into())).await.unwrap();
        call
    });
    assert_eq!(admin["call_sid"], "CAstatus");
    assert_eq!(
        admin["status_events"],
        serde_json::json!(["stream-started"]),
        "{admin}"
    );
}

#[test]
fn wrong_tokens_are_refused() {
    let server = Server::start("tokens", free_port(), &[]);
    let upgrade = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let with_token = |token: &str| {
        let mut headers = upgrade.to_vec();
        let auth = format!("Bearer {token}");
        headers.push(("Authorization", Box::leak(auth.into_boxed_str())));
        headers
    };
    let (_, token) = media_credentials(server.port, "CAtokens");
    let (_, other) = media_credentials(server.port, "CAother");
    let path = "/signalwire/media/CAtokens";
    let (status, _) = http_request(server.port, "GET", path, &upgrade, b"");
    assert_eq!(status, 401, "upgrade without a token");
    let (status, _) = http_request(server.port, "GET", path, &with_token("not-the-token"), b"");
    assert_eq!(status, 401, "upgrade with a wrong token");
    let (status, _) = http_request(server.port, "GET", path, &with_token(&other), b"");
    assert_eq!(status, 401, "upgrade with another call's token");
    // No static token is configured: the compatibility endpoint opens for nobody.
    for token in ["", &token, MEDIA_SECRET] {
        let (status, _) = http_request(
            server.port,
            "GET",
            "/signalwire/media",
            &with_token(token),
            b"",
        );
        assert_eq!(status, 401, "static endpoint with {token:?}");
    }
    let (status, _) = http_request(server.port, "GET", path, &with_token(&token), b"");
    assert_eq!(status, 101, "upgrade with the call's own token");

    assert_eq!(
        http_request(server.port, "GET", "/admin/calls", &[], b"").0,
        401
    );
    assert_eq!(
        http_request(
            server.port,
            "GET",
            "/admin/calls",
            &[("Authorization", "Bearer nope")],
            b""
        )
        .0,
        401
    );
    let (status, body) = http_request(server.port, "GET", "/healthz", &[], b"");
    assert_eq!((status, body.contains("ok")), (200, true), "{body}");
}
