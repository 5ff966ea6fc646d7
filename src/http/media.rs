//! `GET /signalwire/media/<CallSid>`: the media-stream WebSocket of one call (and, for
//! compatibility, `GET /signalwire/media` with the static token).

use actix_web::{dev, web, FromRequest, HttpRequest, HttpResponse};
use actors::call::MediaStreamSession;

use super::auth::{bearer, has_bearer};
use super::connection::cutter;
use super::frame_limit::FrameLimited;
use super::AppState;

/// Frames above this size close the socket: past it the WebSocket codec cannot skip the frame
/// and resync. Messages between `server.max_message_bytes` and this are dropped one by one.
const TRANSPORT_FRAME_LIMIT: usize = 1024 * 1024;

/// Upgrades to the media stream of the call named in the path, once the bearer token is that
/// call's (see `signalwire::media_credentials`) and the call is not live already.
pub async fn call_media_socket(
    req: HttpRequest,
    body: web::Payload,
    call_sid: web::Path<String>,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let call_sid = call_sid.into_inner();
    let peer = peer(&req);
    let token = bearer(&req).unwrap_or_default();
    if !state.media_secret.verify(&call_sid, token) {
        log::warn!("media socket from {peer} refused: missing or wrong token for its call");
        return Ok(unauthorized());
    }
    if state.calls.registry.contains(&call_sid) {
        log::warn!("call {call_sid}: second media socket from {peer} refused: the call is live");
        return Ok(HttpResponse::Conflict().body("this call already has its media stream"));
    }
    upgrade(req, body, &state, peer, Some(call_sid))
}

/// The compatibility endpoint: the static `signalwire.media_token` opens it (when one is set),
/// and the call is whatever `start` names.
pub async fn static_media_socket(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let peer = peer(&req);
    if !has_bearer(&req, &state.config.signalwire.media_token) {
        log::warn!("media socket from {peer} refused: missing or wrong bearer token");
        return Ok(unauthorized());
    }
    upgrade(req, body, &state, peer, None)
}

fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    state: &AppState,
    peer: String,
    call_sid: Option<String>,
) -> actix_web::Result<HttpResponse> {
    let limit = TRANSPORT_FRAME_LIMIT.max(state.config.server.max_message_bytes);
    let body = frame_limited(&req, body, limit, peer.clone())?;
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream
        .max_frame_size(limit)
        .aggregate_continuations()
        .max_continuation_size(limit);
    match &call_sid {
        Some(sid) => log::info!("call {sid}: media socket opened from {peer}"),
        None => log::info!("media socket opened from {peer} (static token)"),
    }
    let (response, disconnect) = cutter(&req, response);
    MediaStreamSession::start(
        state.calls.clone(),
        peer,
        call_sid,
        session,
        disconnect,
        stream,
    );
    Ok(response)
}

/// The request payload with every WebSocket frame held to `limit` by its declared length.
fn frame_limited(
    req: &HttpRequest,
    body: web::Payload,
    limit: usize,
    peer: String,
) -> actix_web::Result<web::Payload> {
    let limited: std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>> =
        Box::pin(FrameLimited::new(body.into_inner(), limit, peer));
    // `web::Payload` has no public constructor; its extractor wraps whatever payload it is given.
    web::Payload::from_request(req, &mut dev::Payload::from(limited)).into_inner()
}

fn peer(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn unauthorized() -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header(("WWW-Authenticate", "Bearer"))
        .body("missing or wrong bearer token")
}
