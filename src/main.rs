//! `switchboard`: an AI receptionist for phone calls.
//!
//! SignalWire calls the webhook, opens a media stream, and switchboard bridges the caller to a
//! PersonaPlex speech-to-speech session through a supervised tree of actors per call.

mod config;
mod http;
mod signalwire;
mod simulator;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

/// An AI receptionist that answers SignalWire phone calls with NVIDIA PersonaPlex.
#[derive(Parser, Debug)]
#[command(name = "switchboard", version, about, long_about = None)]
struct Cli {
    /// Configuration file (TOML). Every key can be overridden with ATLAS_<SECTION>_<KEY>.
    #[arg(
        long,
        short,
        global = true,
        env = "SWITCHBOARD_CONFIG",
        default_value = "config.toml"
    )]
    config: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server: SignalWire webhooks, the media socket and the admin API.
    Serve,
    /// Print the effective configuration (file + environment, secrets redacted) and exit;
    /// exits non-zero with the reason if it is not valid.
    CheckConfig,
    /// Place a simulated call: behave exactly like SignalWire's media stream, play a WAV file as
    /// the caller and record what the agent says back.
    Call(Box<simulator::CallArgs>),
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format_timestamp_millis()
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve => load(&cli.config).and_then(http::serve),
        Command::CheckConfig => load(&cli.config).map(|config| {
            print!("{}", config.redacted_toml());
            println!(
                "# PersonaPlex URL: {}",
                config.chat_url().map(redact_query).unwrap_or_default()
            );
            // What PersonaPlex prefills before each call can start: keep it short.
            let prompt = config.text_prompt();
            println!("# voice: {}", config.voice_prompt());
            // The keywords in effect, derived ones included: what a described problem matches.
            for (name, keywords) in config.business.service_keywords() {
                println!(
                    "# service {name:?} matches a problem saying: {}",
                    keywords.join(", ")
                );
            }
            println!(
                "# anything else is booked as {:?}",
                config.business.default_service.trim()
            );
            println!(
                "# text_prompt ({} characters): {prompt}",
                prompt.chars().count()
            );
            println!("# configuration OK");
        }),
        Command::Call(args) => simulator::run(*args).map(|_summary| ()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &std::path::Path) -> anyhow::Result<Config> {
    Config::load(path, std::env::vars())
}

/// The chat URL without its query (the prompt is long and may be private).
fn redact_query(mut url: url::Url) -> String {
    url.set_query(None);
    format!("{url}?voice_prompt=…&text_prompt=…")
}
