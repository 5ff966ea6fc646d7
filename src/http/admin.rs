//! The admin API: what is going on right now.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::auth::has_bearer;
use super::AppState;

/// `GET /healthz`: the process is up and serving; 503 once it is draining, so a load balancer
/// stops sending it calls.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let live_calls = state.calls.registry.len();
    if state.drain.is_draining() {
        HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "draining", "live_calls": live_calls }))
    } else {
        HttpResponse::Ok().json(json!({ "status": "ok", "live_calls": live_calls }))
    }
}

/// `GET /admin/calls`: every live call (bearer token from `server.admin_token`).
pub async fn calls(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match authorized(&req, &state) {
        Some(refusal) => refusal,
        None => HttpResponse::Ok().json(json!({ "calls": state.calls.registry.snapshot() })),
    }
}

/// `GET /admin/servers`: each PersonaPlex server's state, current call and recent failures.
pub async fn servers(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match authorized(&req, &state) {
        Some(refusal) => refusal,
        None => HttpResponse::Ok().json(json!({ "servers": state.calls.services.pool.servers() })),
    }
}

/// None when the admin token is present and right; else the 401 to send.
fn authorized(req: &HttpRequest, state: &AppState) -> Option<HttpResponse> {
    (!has_bearer(req, &state.config.server.admin_token)).then(|| {
        HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Bearer"))
            .json(json!({ "error": "missing or wrong bearer token" }))
    })
}
