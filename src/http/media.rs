//! `GET /signalwire/media`: the media-stream WebSocket.

use actix_web::{web, HttpRequest, HttpResponse};
use actors::call::MediaStreamSession;

use super::auth::has_bearer;
use super::AppState;

/// Frames above this size close the socket: past it the WebSocket codec cannot skip the frame
/// and resync. Messages between `server.max_message_bytes` and this are dropped one by one.
const TRANSPORT_FRAME_LIMIT: usize = 1024 * 1024;

/// Upgrades to the media stream once the bearer token matches `signalwire.media_token`.
pub async fn media_socket(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let peer = req
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|| "unknown".into());
    if !has_bearer(&req, &state.config.signalwire.media_token) {
        log::warn!("media socket from {peer} refused: missing or wrong bearer token");
        return Ok(HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Bearer"))
            .body("missing or wrong bearer token"));
    }
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let limit = TRANSPORT_FRAME_LIMIT.max(state.config.server.max_message_bytes);
    let stream = stream
        .max_frame_size(limit)
        .aggregate_continuations()
        .max_continuation_size(limit);
    log::info!("media socket opened from {peer}");
    MediaStreamSession::start(state.calls.clone(), peer, session, stream);
    Ok(response)
}
