//! The simulator against a scripted fake server on a real socket: what it sends must look like
//! SignalWire, and what it does with the server's media, marks and clears must be SignalWire's
//! behaviour, in real time.

use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use actors::protocol::signalwire::{
    decode_payload, parse_inbound, write_clear, write_mark, write_media, InboundEvent,
};
use serde_json::Value;

use super::args::{CallArgs, Codec};
use super::connection::place_call;

type Log = Arc<Mutex<Vec<String>>>;

/// A loopback agent: echoes each caller frame, sends a mark after frame 3, two bad frames at
/// frame 5, and at frame 6 a burst of audio followed by a mark and a clear (barge-in).
async fn agent(
    req: HttpRequest,
    body: web::Payload,
    log: web::Data<Log>,
) -> actix_web::Result<HttpResponse> {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    if auth != Some("Bearer secret") {
        return Ok(HttpResponse::Unauthorized().finish());
    }
    let (response, mut session, mut stream) = actix_ws::handle(&req, body)?;
    let log = log.get_ref().clone();
    actix_web::rt::spawn(async move {
        let (mut sid, mut frames, mut audio, mut out) =
            (String::new(), 0, Vec::new(), String::new());
        while let Some(Ok(actix_ws::Message::Text(text))) = stream.recv().await {
            log.lock().unwrap().push(text.to_string());
            match parse_inbound(&text)
                .expect("the simulator sent an invalid message")
                .event
            {
                InboundEvent::Start(start) => sid = start.stream_sid,
                InboundEvent::Media(chunk) => {
                    frames += 1;
                    decode_payload(&chunk.payload, &mut audio).unwrap();
                    write_media(&sid, &audio, &mut out);
                    let _ = session.text(out.clone()).await;
                    if frames == 3 {
                        write_mark(&sid, "m3", &mut out);
                        let _ = session.text(out.clone()).await;
                    }
                    if frames == 5 {
                        let _ = session.binary(vec![1u8, 2, 3]).await;
                        let _ = session
                            .text(format!(r#"{{"event":"bogus","streamSid":"{sid}"}}"#))
                            .await;
                    }
                    if frames == 6 {
                        for _ in 0..20 {
                            write_media(&sid, &audio, &mut out);
                            let _ = session.text(out.clone()).await;
                        }
                        write_mark(&sid, "flushed", &mut out);
                        let _ = session.text(out.clone()).await;
                        write_clear(&sid, &mut out);
                        let _ = session.text(out.clone()).await;
                    }
                }
                InboundEvent::Stop => break,
                _ => {}
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

fn args(port: u16, token: &str, out: &std::path::Path) -> CallArgs {
    CallArgs {
        audio: "unused.wav".into(),
        out: out.to_owned(),
        webhook: String::new(),
        signing_key: None,
        url: Some(format!("ws://127.0.0.1:{port}/signalwire/media")),
        token: Some(token.into()),
        from: "+15550001111".into(),
        to: "+15550002222".into(),
        call_sid: Some("call-123".into()),
        tail_secs: 0.2,
        codec: Codec::Pcmu,
        insecure: false,
    }
}

/// Runs `test` with a fake server listening on a free port.
fn with_server<F: std::future::Future<Output = ()>>(test: impl FnOnce(u16, Log) -> F) {
    actix::System::new().block_on(async move {
        let log: Log = Arc::default();
        let data = web::Data::new(log.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/signalwire/media", web::get().to(agent))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        let handle = server.run();
        let stop = handle.handle();
        actix::spawn(handle);
        test(port, log).await;
        stop.stop(false).await;
    });
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[test]
fn a_call_looks_and_behaves_like_signalwire() {
    let out = std::env::temp_dir().join(format!("switchboard-sim-e2e-{}.wav", std::process::id()));
    let out2 = out.clone();
    with_server(|port, log| async move {
        // 0.2 s of a loud 440 Hz tone at 8 kHz = 10 frames, then 10 frames of tail.
        let tone: Vec<i16> = (0..1600)
            .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 8000.0) as i16)
            .collect();
        let s = place_call(&args(port, "secret", &out2), tone)
            .await
            .unwrap();
        actix::clock::sleep(std::time::Duration::from_millis(100)).await;
        let log = log.lock().unwrap().clone();

        // What SignalWire sends: connected, start, 20 paced media frames, stop.
        assert_eq!(json(&log[0])["event"], "connected");
        let start = json(&log[1]);
        assert_eq!(start["event"], "start");
        assert_eq!(start["sequenceNumber"], "1");
        assert_eq!(start["start"]["callSid"], "call-123");
        assert_eq!(start["start"]["customParameters"]["from"], "+15550001111");
        assert_eq!(start["start"]["customParameters"]["to"], "+15550002222");
        assert_eq!(start["start"]["customParameters"]["callSid"], "call-123");
        assert_eq!(start["start"]["mediaFormat"]["encoding"], "audio/x-mulaw");
        let sid = start["start"]["streamSid"].as_str().unwrap().to_owned();
        let media: Vec<Value> = log
            .iter()
            .map(|m| json(m))
            .filter(|v| v["event"] == "media")
            .collect();
        assert_eq!(media.len(), 20);
        for (i, m) in media.iter().enumerate() {
            assert_eq!(m["sequenceNumber"], format!("{}", i + 2));
            assert_eq!(m["media"]["chunk"], format!("{}", i + 1));
            assert_eq!(m["media"]["timestamp"], format!("{}", i * 20));
            assert!(
                m.get("streamSid").is_none(),
                "SignalWire sends no streamSid on media"
            );
        }
        let last = json(log.last().unwrap());
        assert_eq!(
            last,
            serde_json::json!({"event":"stop","sequenceNumber":"22"})
        );

        // Marks come back with the streamSid; m3 only once the 3 echoed frames were played.
        let marks: Vec<(usize, Value)> = log
            .iter()
            .map(|m| json(m))
            .enumerate()
            .filter(|(_, v)| v["event"] == "mark")
            .collect();
        let names: Vec<&str> = marks
            .iter()
            .map(|(_, v)| v["mark"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["m3", "flushed"]);
        assert!(marks.iter().all(|(_, v)| v["streamSid"] == sid.as_str()));
        let chunk4 = log
            .iter()
            .position(|m| json(m)["media"]["chunk"] == "4")
            .unwrap();
        assert!(
            marks[0].0 > chunk4,
            "m3 echoed before its audio could have been played"
        );

        assert_eq!(s.frames_sent, 20);
        assert!((30..=40).contains(&s.frames_received), "{s:?}");
        assert_eq!(
            (
                s.marks_received,
                s.marks_acknowledged,
                s.clears,
                s.bad_frames
            ),
            (2, 2, 1, 2),
            "{s:?}"
        );
        assert!(
            s.first_audio_latency_ms.is_some_and(|ms| ms < 1000.0),
            "{s:?}"
        );
        assert!(
            s.max_queue_ms >= 400.0,
            "the burst of 20 frames was queued: {s:?}"
        );
        assert!(
            s.duration_secs >= 0.38,
            "20 frames take 380 ms at real time: {s:?}"
        );
        assert!(!s.ended_by_server);
    });
    let reader = hound::WavReader::open(&out).unwrap();
    assert_eq!(
        (
            reader.spec().channels,
            reader.spec().sample_rate,
            reader.spec().bits_per_sample
        ),
        (1, 8000, 16)
    );
    let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
    assert_eq!(samples.len(), 20 * 160, "one frame played per frame sent");
    assert!(
        samples.iter().any(|s| s.unsigned_abs() > 4000),
        "the echoed tone was played"
    );
    let _ = std::fs::remove_file(out);
}

#[test]
fn a_wrong_token_is_refused_at_the_upgrade() {
    let out = std::env::temp_dir().join(format!(
        "switchboard-sim-e2e-401-{}.wav",
        std::process::id()
    ));
    let out2 = out.clone();
    with_server(|port, log| async move {
        let err = place_call(&args(port, "wrong", &out2), vec![0; 160])
            .await
            .unwrap_err();
        let err = err.to_string();
        assert!(
            err.contains("cannot open the media stream") && err.contains("401"),
            "{err}"
        );
        assert!(log.lock().unwrap().is_empty());
    });
    let _ = std::fs::remove_file(out);
}
