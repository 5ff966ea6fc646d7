//! The HTTP server: SignalWire webhooks, the media socket and the admin API.

mod admin;
mod auth;
mod body;
mod connection;
mod drain;
mod frame_limit;
mod limits;
mod media;
mod voice;

use std::sync::Arc;
use std::time::Duration;

use actix::Actor;
use actix_web::{web, App, HttpServer};
use actors::booking::mailer::Mailer;
use actors::call::legacy_pipeline::LegacySettings;
use actors::call::tls::{client_config, TrustPolicy};
use actors::call::voicemail::VoicemailSettings;
use actors::call::{
    CallContext, CallRegistry, CallServices, CallSettings, LinkSettings, StreamTimeouts,
};
use actors::legacy::LlmClient;
use actors::pool::PersonaPlexPool;
use actors::services::{MailOutbox, StoreHandle};
use actors::speech::Speech;
use actors::voicemail::load_greeting;
use anyhow::Context;

use crate::config::{Config, ExtractorKind};
use crate::signalwire::media_credentials::MediaSecret;

/// Everything a request handler can reach.
pub struct AppState {
    pub config: Config,
    pub calls: CallContext,
    /// Derives and checks the per-call media tokens.
    pub media_secret: MediaSecret,
    /// Set by the first stop signal: `/healthz` and new calls see it.
    pub drain: Arc<drain::Drain>,
}

impl AppState {
    /// How long a webhook's body may take to arrive.
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.config.server.body_timeout_secs)
    }
}

/// Builds the per-call settings the actor tree needs from the configuration.
pub fn call_settings(config: &Config) -> anyhow::Result<CallSettings> {
    let pp = &config.personaplex;
    let link = if pp.enabled {
        let tls = if config.personaplex_servers().iter().any(|s| s.use_ssl) {
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
            voice_prompt: config.voice_prompt(),
            seed: pp.seed,
            tls,
            connect_timeout: Duration::from_secs(pp.connect_timeout_secs),
            handshake_timeout: Duration::from_secs(pp.handshake_timeout_secs),
            agent_silence_timeout: Duration::from_secs_f64(pp.agent_silence_secs),
        }))
    } else {
        None
    };
    Ok(CallSettings {
        link,
        business: Arc::new(config.business.clone()),
        text_prompt_override: Some(pp.text_prompt.trim())
            .filter(|p| !p.is_empty())
            .map(String::from),
        opus_bitrate: pp.opus_bitrate,
        opus_complexity: pp.opus_complexity,
        max_message_bytes: config.server.max_message_bytes,
        stream_timeouts: StreamTimeouts {
            start: Duration::from_secs(config.signalwire.start_timeout_secs),
            inactivity: Duration::from_secs(config.signalwire.media_timeout_secs),
            write: Duration::from_secs(config.server.write_timeout_secs),
        },
        restart_budget: pp.restart_budget,
        fallback_after: Duration::from_secs_f64(pp.fallback_after_secs),
        fallback: pp.fallback,
        hangup_after_goodbye: (config.signalwire.hangup_after_goodbye_secs > 0.0)
            .then(|| Duration::from_secs_f64(config.signalwire.hangup_after_goodbye_secs)),
        voicemail: Arc::new(voicemail_settings(config)?),
        legacy: config.legacy.enabled.then(|| {
            Arc::new(LegacySettings {
                stt: config.legacy.stt.clone(),
                llm: config.legacy.llm.clone(),
                vad: config.legacy.vad,
            })
        }),
        llm_extractor: (config.toolbridge.extractor == ExtractorKind::Llm)
            .then(|| LlmClient::new(config.toolbridge.llm.client_config())),
    })
}

/// Loads the greeting at every wire rate once, so no call reads a file.
fn voicemail_settings(config: &Config) -> anyhow::Result<VoicemailSettings> {
    let vm = &config.voicemail;
    let greetings = [8_000, 16_000, 24_000]
        .into_iter()
        .map(|rate| {
            let pcm = load_greeting(&vm.greeting, rate).with_context(|| {
                format!(
                    "cannot load the voicemail greeting {}",
                    vm.greeting.display()
                )
            })?;
            Ok((rate, Arc::new(pcm)))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(VoicemailSettings {
        dir: vm.dir.clone(),
        max: Duration::from_secs(vm.max_secs),
        greetings,
        notify_to: vm.notify.then(|| config.business.contact_email.clone()),
        business_name: config.business.name.clone(),
    })
}

/// Runs the server until it is stopped (Ctrl-C / SIGTERM, after draining live calls).
pub fn serve(config: Config) -> anyhow::Result<()> {
    let settings = Arc::new(call_settings(&config)?);
    if config.signalwire.signing_key.is_empty() {
        log::warn!("signalwire.signing_key is empty: webhook signatures are NOT checked");
    }
    if config.signalwire.media_token.is_empty() {
        log::info!("media sockets: per-call credentials only");
    } else {
        log::warn!(
            "signalwire.media_token is set: GET /signalwire/media accepts that static token for any call"
        );
    }
    let server = &config.server;
    let (listen, write_timeout) = (
        server.listen,
        Duration::from_secs(server.write_timeout_secs),
    );
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let open_files = limits::raise_open_file_limit();
    let connections = limits::connection_cap(server.max_connections, open_files);
    log::info!(
        "accepting at most {connections} connections ({} requests besides media sockets; \
         open-file limit {})",
        server.max_requests,
        open_files.map_or("unknown".into(), |n| n.to_string())
    );
    let (header_timeout, max_requests) = (
        Duration::from_secs(server.header_timeout_secs),
        server.max_requests,
    );
    let media_secret = MediaSecret::new(&config.signalwire.media_secret);
    let drain_limit = Duration::from_secs(server.drain_secs);
    actix_web::rt::System::new().block_on(async move {
        let signals = drain::StopSignals::register().context("cannot handle SIGTERM and SIGINT")?;
        let services = start_services(&config)?;
        let registry = CallRegistry::new();
        let drain = Arc::new(drain::Drain::default());
        let state = web::Data::new(AppState {
            config,
            calls: CallContext {
                settings,
                registry: registry.clone(),
                services,
            },
            media_secret,
            drain: drain.clone(),
        });
        let request_limit = web::Data::new(limits::RequestLimit::new(max_requests));
        log::info!("switchboard listening on http://{listen}");
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(request_limit.clone())
                .wrap(actix_web::middleware::from_fn(limits::limit_requests))
                .configure(routes)
        })
        .workers(workers)
        // actix counts connections per worker.
        .max_connections(connections.div_ceil(workers))
        .client_request_timeout(header_timeout)
        .on_connect(connection::on_connect(write_timeout))
        .bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?
        // Our own handler drains live calls first (see `drain`); then connections still open
        // get 5 seconds.
        .disable_signals()
        .shutdown_timeout(5)
        .run();
        actix_web::rt::spawn(drain::on_signals(
            signals,
            server.handle(),
            drain,
            registry,
            drain_limit,
        ));
        server.await.context("server stopped with an error")
    })
}

/// Opens the store and starts the mail outbox (inside the actix system).
fn start_services(config: &Config) -> anyhow::Result<CallServices> {
    let store = StoreHandle::open(&config.store.path)
        .with_context(|| format!("cannot open the store at {}", config.store.path.display()))?;
    log::info!("store: {}", config.store.path.display());
    let outbox = if config.email.enabled {
        let mailer = Mailer::new(&config.email).context("[email]")?;
        log::info!("email: via {}:{}", config.email.host, config.email.port);
        Some(MailOutbox::new(mailer, store.clone()).start())
    } else {
        log::warn!("email is disabled: bookings get no confirmation email");
        None
    };
    let pool = PersonaPlexPool::new(
        config.personaplex_servers(),
        Duration::from_secs(config.personaplex.cooldown_secs),
    );
    Ok(CallServices {
        store,
        outbox,
        pool,
        speech: Speech::new(config.speech.clone()),
    })
}

/// Every route of the server.
fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(admin::healthz))
        .route("/admin/calls", web::get().to(admin::calls))
        .route("/admin/servers", web::get().to(admin::servers))
        .route("/signalwire/voice", web::post().to(voice::incoming_call))
        .route("/signalwire/voice", web::get().to(voice::incoming_call))
        .route("/signalwire/status", web::post().to(voice::status_callback))
        .route(
            "/signalwire/after-stream",
            web::post().to(voice::after_stream),
        )
        .route(
            "/signalwire/media/{call_sid}",
            web::get().to(media::call_media_socket),
        )
        .route(
            "/signalwire/media",
            web::get().to(media::static_media_socket),
        );
}
