//! SignalWire's cXML webhooks: the incoming call and the status callbacks.

use actix_web::{web, HttpRequest, HttpResponse};
use actors::call::registry::mask_number;

use super::body::read_body;
use super::AppState;
use crate::signalwire::media_credentials::is_valid_call_sid;
use crate::signalwire::{cxml, signature};

/// The signature headers SignalWire (and its Twilio-compatible alias) may send.
const SIGNATURE_HEADERS: [&str; 2] = ["X-SignalWire-Signature", "X-Twilio-Signature"];

/// The longest status detail kept on a call (and logged).
const MAX_STATUS_CHARS: usize = 200;

/// A webhook request after its signature was checked.
struct Webhook {
    params: Vec<(String, String)>,
}

impl Webhook {
    fn get(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// Why a webhook was refused: 403, and nothing happens.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    MissingSignature,
    BadSignature,
}

impl Refusal {
    fn response(self) -> HttpResponse {
        HttpResponse::Forbidden().body(match self {
            Refusal::MissingSignature => "missing signature",
            Refusal::BadSignature => "invalid signature",
        })
    }
}

/// Reads a webhook's body (bounded in size and time) and checks it: every SignalWire webhook
/// starts here. `Err` is the answer to send instead.
async fn signed_webhook(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<Webhook, HttpResponse> {
    let body = read_body(req, payload, state.body_timeout())
        .await
        .map_err(|e| e.response())?;
    verify(req, &body, state).map_err(|refusal| refusal.response())
}

/// Parses the form parameters and checks the signature when a signing key is configured.
fn verify(req: &HttpRequest, body: &[u8], state: &AppState) -> Result<Webhook, Refusal> {
    // GET webhooks carry their fields in the query; POST ones in the form body.
    let form: &[u8] = if req.method() == actix_web::http::Method::GET {
        req.query_string().as_bytes()
    } else {
        body
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(form).into_owned().collect();
    let key = &state.config.signalwire.signing_key;
    if key.is_empty() {
        return Ok(Webhook { params });
    }
    let Some(given) = SIGNATURE_HEADERS
        .iter()
        .find_map(|h| req.headers().get(*h))
        .and_then(|v| v.to_str().ok())
    else {
        log::warn!("webhook {} refused: no signature header", req.path());
        return Err(Refusal::MissingSignature);
    };
    // Behind a proxy the Host header is not what SignalWire called: rebuild the URL from the
    // configured public base URL.
    let mut url = format!(
        "{}{}",
        state.config.server.public_base_url.trim_end_matches('/'),
        req.path()
    );
    if !req.query_string().is_empty() {
        url.push('?');
        url.push_str(req.query_string());
    }
    let valid = if url.contains("bodySHA256=") {
        signature::verify_json_body(key, &url, body, given)
    } else {
        let signed_params: &[(String, String)] = if req.method() == actix_web::http::Method::GET {
            &[]
        } else {
            &params
        };
        signature::verify(key, &url, signed_params, given)
    };
    if valid {
        Ok(Webhook { params })
    } else {
        log::warn!("webhook {} refused: signature does not match", req.path());
        Err(Refusal::BadSignature)
    }
}

/// `POST /signalwire/voice`: answers an incoming call with a bidirectional media stream whose
/// URL and token open that call's media socket and no other.
pub async fn incoming_call(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let hook = match signed_webhook(&req, payload, &state).await {
        Ok(hook) => hook,
        Err(refused) => return refused,
    };
    let (call_sid, from, to) = (hook.get("CallSid"), hook.get("From"), hook.get("To"));
    if call_sid.is_empty() {
        log::warn!("incoming-call webhook without CallSid refused");
        return HttpResponse::BadRequest().body("CallSid is required");
    }
    if !is_valid_call_sid(call_sid) {
        log::warn!("incoming-call webhook refused: CallSid is not 1-64 letters, digits, - or _");
        return HttpResponse::BadRequest().body("CallSid must be 1-64 letters, digits, - or _");
    }
    log::info!(
        "call {call_sid}: incoming from {} to {} ({})",
        mask_number(from),
        mask_number(to),
        hook.get("CallStatus")
    );
    let config = &state.config;
    if state.drain.is_draining() {
        let redirect = config.server.drain_redirect_url.trim();
        if !redirect.is_empty() {
            log::info!("call {call_sid}: draining; redirected elsewhere");
            return HttpResponse::Ok()
                .content_type("text/xml; charset=utf-8")
                .body(cxml::redirect(redirect));
        }
        log::info!("call {call_sid}: draining, but no drain_redirect_url: answering it here");
    }
    state.drain.note_answered();
    let stream_url = config.media_stream_url(call_sid);
    let token = state.media_secret.token(call_sid);
    let base = config.server.public_base_url.trim_end_matches('/');
    let status_url = format!("{base}/signalwire/status");
    let action_url = format!("{base}/signalwire/after-stream");
    let document = cxml::connect_stream(&cxml::StreamResponse {
        url: &stream_url,
        auth_bearer_token: &token,
        status_callback: Some(&status_url),
        codec: Some(&config.signalwire.codec),
        parameters: &[("from", from), ("to", to), ("callSid", call_sid)],
        action: Some(&action_url),
    });
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(document)
}

/// `POST /signalwire/after-stream`: the `<Connect action>` webhook, requested by SignalWire
/// when the media stream ends (the caller hung up, or switchboard closed the stream: goodbye,
/// voicemail saved). Its cXML answer is what the call does next.
pub async fn after_stream(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let hook = match signed_webhook(&req, payload, &state).await {
        Ok(hook) => hook,
        Err(refused) => return refused,
    };
    let call_sid = hook.get("CallSid");
    if is_valid_call_sid(call_sid) {
        log::info!("call {call_sid}: stream over; hanging up");
    }
    // The one place deciding what follows the stream. A transfer will answer `<Dial>` here.
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(cxml::hangup())
}

/// `POST /signalwire/status`: stream and call status callbacks, recorded on the live call.
pub async fn status_callback(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let hook = match signed_webhook(&req, payload, &state).await {
        Ok(hook) => hook,
        Err(refused) => return refused,
    };
    let call_sid = hook.get("CallSid");
    let event = [hook.get("StreamEvent"), hook.get("CallStatus")]
        .into_iter()
        .find(|e| !e.is_empty())
        .unwrap_or("unknown");
    let mut detail = match hook.get("StreamError") {
        "" => event.to_string(),
        error => format!("{event}: {error}"),
    };
    // Bounded: it is stored on the call and logged.
    if let Some((cut, _)) = detail.char_indices().nth(MAX_STATUS_CHARS) {
        detail.truncate(cut);
        detail.push('…');
    }
    if !is_valid_call_sid(call_sid) {
        log::debug!("status callback without a valid CallSid ignored");
        return HttpResponse::NoContent().finish();
    }
    match state.calls.registry.get(call_sid) {
        Some(call) => call.add_status_event(detail.clone()),
        None => log::debug!("status callback for a call that is not live: {call_sid}"),
    }
    log::info!("call {call_sid}: status {detail}");
    HttpResponse::NoContent().finish()
}
