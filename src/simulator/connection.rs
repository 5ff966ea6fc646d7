//! The simulated call's WebSocket: connect like SignalWire, then one 20 ms clock that both sends
//! the caller's next frame and plays one frame of the agent's queued audio.
//!
//! A single interval drives both directions so the caller's audio and the recording stay in step
//! with each other and with real time, as on a phone line; the interval catches up after a stall
//! instead of drifting.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use actix::clock::interval;
use actors::call::tls::{client_config, TrustPolicy};
use actors::protocol::signalwire::{
    write_connected, write_inbound_media, write_start, write_stop, MediaFormat, StartInfo,
};
use anyhow::{anyhow, bail, Context};
use awc::ws::{CloseCode, Frame, Message};
use futures_util::{SinkExt as _, StreamExt as _};

use super::audio::{CallerAudio, Recorder};
use super::emulator::Emulator;
use super::summary::Summary;
use super::webhook::{after_stream, ring, IncomingCall};
use super::CallArgs;

/// The telephony packet interval.
const FRAME: Duration = Duration::from_millis(20);

/// Places the call described by `args` with `samples` (mono, already at the wire rate): through
/// the webhook, as SignalWire does, unless `--url` names the media socket directly.
pub async fn place_call(args: &CallArgs, samples: Vec<i16>) -> anyhow::Result<Summary> {
    let wire = args.codec.wire_format();
    let call_sid = args.call_sid.clone().unwrap_or_else(uuid_like);
    let (url, token, parameters, action) = match &args.url {
        Some(url) => (url.clone(), args.token.clone(), None, None),
        None => {
            let webhook = client(&args.webhook, args.insecure)?;
            let call = IncomingCall {
                call_sid: &call_sid,
                from: &args.from,
                to: &args.to,
            };
            let target = ring(&webhook, &args.webhook, args.signing_key.as_deref(), &call).await?;
            log::info!("the webhook answered with the stream {}", target.url);
            (
                target.url,
                target.token,
                Some(target.parameters),
                target.action,
            )
        }
    };
    let start = start_info(args, call_sid, parameters);
    let client = client(&url, args.insecure)?;
    let mut request = client.ws(url.as_str());
    if let Some(token) = &token {
        request = request.bearer_auth(token);
    }
    let began = Instant::now();
    let (_response, framed) = request.connect().await.map_err(|e| {
        anyhow!(
            "cannot open the media stream at {url}: {}",
            upgrade_error(&e)
        )
    })?;
    log::info!(
        "connected to {url} as call {} (stream {})",
        start.call_sid,
        start.stream_sid
    );
    let (mut sink, mut stream) = framed.split();

    let mut recorder = Recorder::create(&args.out, wire.sample_rate())?;
    let tail_frames = (args.tail_secs * 50.0).ceil() as u64;
    let mut caller = CallerAudio::new(samples, wire.frame_samples(), tail_frames);
    let mut emulator = Emulator::new(start.stream_sid.clone(), wire);

    let mut text = String::new();
    write_connected(&mut text);
    sink.send(Message::Text(text.clone().into()))
        .await
        .context("sending `connected`")?;
    let mut seq = 1;
    write_start(seq, &start, &mut text);
    sink.send(Message::Text(text.clone().into()))
        .await
        .context("sending `start`")?;

    let (mut frame, mut encoded, mut played) = (Vec::new(), Vec::new(), Vec::new());
    let mut replies = Vec::new();
    let mut chunk = 0u64;
    let mut ticker = interval(FRAME);
    let mut ended_by_server = false;
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if caller.remaining_frames() == tail_frames && tail_frames > 0 && chunk > 0 {
                    log::info!("caller audio done; {:.1} s of silence before hanging up", args.tail_secs);
                }
                if !caller.next_frame(&mut frame) {
                    break;
                }
                seq += 1;
                chunk += 1;
                encoded.clear();
                wire.encode_into(&frame, &mut encoded);
                write_inbound_media(seq, chunk, (chunk - 1) * 20, &encoded, &mut text);
                if let Err(e) = sink.send(Message::Text(text.clone().into())).await {
                    log::warn!("the server is gone: {e}");
                    ended_by_server = true;
                    break;
                }
                emulator.media_sent(Instant::now());
                played.clear();
                emulator.on_tick(&mut played, &mut replies);
                recorder.write(&played)?;
            }
            msg = stream.next() => match msg {
                None => {
                    log::info!("the server closed the connection");
                    ended_by_server = true;
                    break;
                }
                Some(Err(e)) => {
                    emulator.bad_frame(&format!("WebSocket protocol error: {e}"));
                    ended_by_server = true;
                    break;
                }
                Some(Ok(Frame::Text(bytes))) => match std::str::from_utf8(&bytes) {
                    Ok(t) => emulator.on_server_text(t, Instant::now(), &mut replies),
                    Err(_) => emulator.bad_frame("text frame that is not UTF-8"),
                },
                Some(Ok(Frame::Binary(b))) => {
                    emulator.bad_frame(&format!("binary frame of {} bytes (SignalWire takes JSON text)", b.len()))
                }
                Some(Ok(Frame::Continuation(_))) => emulator.bad_frame("fragmented frame"),
                Some(Ok(Frame::Ping(p))) => {
                    let _ = sink.send(Message::Pong(p)).await;
                }
                Some(Ok(Frame::Pong(_))) => {}
                Some(Ok(Frame::Close(reason))) => {
                    log::info!("the server hung up: {reason:?}");
                    ended_by_server = true;
                    break;
                }
            }
        }
        for reply in replies.drain(..) {
            if let Err(e) = sink.send(Message::Text(reply.into())).await {
                log::warn!("cannot echo a mark: {e}");
            }
        }
    }

    if !ended_by_server {
        seq += 1;
        write_stop(seq, &mut text);
        let _ = sink.send(Message::Text(text.clone().into())).await;
        let _ = sink
            .send(Message::Close(Some(CloseCode::Normal.into())))
            .await;
        // Give the server a moment to answer the close; what it still sends is not played.
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(Ok(f)) = stream.next().await {
                if matches!(f, Frame::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
    if emulator.pending_marks() > 0 {
        log::info!(
            "{} marks were still waiting for their audio at hang-up",
            emulator.pending_marks()
        );
    }
    recorder.finish()?;
    let mut summary = emulator.summary(began.elapsed(), ended_by_server);
    // Like SignalWire: a stream the server ended continues with the `<Connect action>` answer.
    if let (true, Some(action)) = (ended_by_server, action) {
        let http = self::client(&action, args.insecure)?;
        let verb =
            after_stream(&http, &action, args.signing_key.as_deref(), &start.call_sid).await?;
        log::info!("the action URL answered <{verb}>");
        summary.after_stream = Some(verb);
    }
    Ok(summary)
}

/// awc prints a refused upgrade as "Invalid response status" without the status: say it, and
/// what it usually means.
fn upgrade_error(e: &awc::error::WsClientError) -> String {
    match e {
        awc::error::WsClientError::InvalidResponseStatus(code)
            if matches!(code.as_u16(), 401 | 403) =>
        {
            format!("the server answered {code}: wrong or missing token?")
        }
        awc::error::WsClientError::InvalidResponseStatus(code) if code.as_u16() == 409 => {
            format!("the server answered {code}: that call already has its media stream")
        }
        awc::error::WsClientError::InvalidResponseStatus(code) => {
            format!("the server answered {code} instead of upgrading")
        }
        other => other.to_string(),
    }
}

/// The `start` event SignalWire would send for this call: `customParameters` are the cXML's
/// `<Parameter>`s when the call went through the webhook.
fn start_info(
    args: &CallArgs,
    call_sid: String,
    parameters: Option<BTreeMap<String, String>>,
) -> StartInfo {
    let custom_parameters = parameters.unwrap_or_else(|| {
        BTreeMap::from([
            ("from".to_owned(), args.from.clone()),
            ("to".to_owned(), args.to.clone()),
            ("callSid".to_owned(), call_sid.clone()),
        ])
    });
    StartInfo {
        stream_sid: uuid_like(),
        account_sid: Some(uuid_like()),
        call_sid,
        tracks: vec!["inbound".to_owned()],
        custom_parameters,
        media_format: MediaFormat::from_wire(args.codec.wire_format()),
    }
}

/// A random version-4-shaped UUID, the form SignalWire uses for its sids.
fn uuid_like() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// An awc client for `url` (the webhook or the media socket); wss:// and https:// get rustls with
/// public roots, or no verification at all with `--insecure`.
fn client(url: &str, insecure: bool) -> anyhow::Result<awc::Client> {
    let parsed = url::Url::parse(url).with_context(|| format!("invalid URL {url:?}"))?;
    let builder = awc::Client::builder().timeout(Duration::from_secs(10));
    match parsed.scheme() {
        "ws" | "http" => {
            if insecure {
                log::warn!("--insecure has no effect on a plain {url}");
            }
            Ok(builder.finish())
        }
        "wss" | "https" => {
            let policy = if insecure {
                TrustPolicy::AcceptInvalid
            } else {
                TrustPolicy::PublicRoots
            };
            let tls = client_config(policy).map_err(|e| anyhow!(e))?;
            Ok(builder
                .connector(awc::Connector::new().rustls_0_23(tls))
                .finish())
        }
        other => bail!("{url}: expected ws(s):// or http(s)://, not {other}://"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_like_has_the_uuid_shape_and_varies() {
        let a = uuid_like();
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_eq!(&a[14..15], "4");
        assert_ne!(a, uuid_like());
    }

    #[test]
    fn client_refuses_other_schemes() {
        actix::System::new().block_on(async {
            assert!(client("ftp://h/x", false).is_err());
            assert!(client("not a url", false).is_err());
            assert!(client("http://127.0.0.1:1/signalwire/voice", false).is_ok());
            assert!(client("ws://127.0.0.1:1/m", false).is_ok());
            assert!(client("wss://127.0.0.1:1/m", true).is_ok());
        });
    }
}
