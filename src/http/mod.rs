//! The HTTP server: SignalWire webhooks, the media socket and the admin API.

mod admin;
mod auth;
mod media;
mod voice;

use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, App, HttpServer};
use actors::call::tls::{client_config, TrustPolicy};
use actors::call::{CallContext, CallRegistry, CallSettings, LinkSettings};
use anyhow::Context;

use crate::config::Config;

/// Everything a request handler can reach.
pub struct AppState {
    pub config: Config,
    pub calls: CallContext,
}

/// Builds the per-call settings the actor tree needs from the configuration.
pub fn call_settings(config: &Config) -> anyhow::Result<CallSettings> {
    let pp = &config.personaplex;
    let link = if pp.enabled {
        let tls = if pp.use_ssl {
            let policy = match (&pp.ca_file, pp.accept_invalid_certs) {
                (_, true) => TrustPolicy::AcceptInvalid,
                (Some(ca), false) => TrustPolicy::CaFile(ca),
                (None, false) => TrustPolicy::PublicRoots,
            };
            Some(client_config(policy).map_err(anyhow::Error::msg)?)
        } else {
            None
        };
        Some(Arc::new(LinkSettings {
            use_tls: pp.use_ssl,
            host: pp.host.clone(),
            port: pp.port,
            voice_prompt: pp.voice_prompt.clone(),
            seed: pp.seed,
            tls,
            connect_timeout: Duration::from_secs(pp.connect_timeout_secs),
            handshake_timeout: Duration::from_secs(pp.handshake_timeout_secs),
        }))
    } else {
        None
    };
    Ok(CallSettings {
        link,
        text_prompt: pp.text_prompt.clone(),
        opus_bitrate: pp.opus_bitrate,
        opus_complexity: pp.opus_complexity,
        max_message_bytes: config.server.max_message_bytes,
        restart_budget: 2,
    })
}

/// Runs the server until it is stopped (Ctrl-C / SIGTERM).
pub fn serve(config: Config) -> anyhow::Result<()> {
    let settings = Arc::new(call_settings(&config)?);
    if config.signalwire.signing_key.is_empty() {
        log::warn!("signalwire.signing_key is empty: webhook signatures are NOT checked");
    }
    let listen = config.server.listen;
    let state = web::Data::new(AppState {
        config,
        calls: CallContext { settings, registry: CallRegistry::new() },
    });
    actix_web::rt::System::new().block_on(async move {
        log::info!("switchboard listening on http://{listen}");
        HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(64 * 1024))
                .configure(routes)
        })
        .bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?
        .shutdown_timeout(5)
        .run()
        .await
        .context("server stopped with an error")
    })
}

/// Every route of the server.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(admin::healthz))
        .route("/admin/calls", web::get().to(admin::calls))
        .route("/signalwire/voice", web::post().to(voice::incoming_call))
        .route("/signalwire/voice", web::get().to(voice::incoming_call))
        .route("/signalwire/status", web::post().to(voice::status_callback))
        .route("/signalwire/media", web::get().to(media::media_socket));
}
