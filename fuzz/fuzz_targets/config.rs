//! The configuration file and `ATLAS_*` variables: the input is TOML text, then after a NUL byte
//! `NAME=value` lines. Loading must never panic, a refusal must say something, and a config that
//! loads must convert into running settings without a panic.
#![no_main]

use std::sync::Once;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use switchboard_fuzz::config::Config;

static ROOT: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // Relative paths in the config (the voicemail greeting) are relative to the repository.
    ROOT.call_once(|| {
        std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).unwrap()
    });
    let text = String::from_utf8_lossy(data);
    let (toml, env) = text.split_once('\0').unwrap_or((&text, ""));
    let vars: Vec<(String, String)> = env
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (format!("ATLAS_{k}"), v.to_string()))
        .collect();
    match Config::from_toml(toml, vars) {
        Ok(config) => {
            let pp = &config.personaplex;
            for secs in [pp.agent_silence_secs, pp.fallback_after_secs] {
                assert!(
                    Duration::try_from_secs_f64(secs).is_ok(),
                    "{secs} s validated"
                );
            }
            config.chat_url().expect("validated config has a chat URL");
            for server in config.personaplex_servers() {
                actors::protocol::personaplex::ChatUrl {
                    use_tls: server.use_ssl,
                    host: &server.host,
                    port: server.port,
                    voice_prompt: &config.voice_prompt(),
                    text_prompt: &config.text_prompt(),
                    seed: pp.seed,
                }
                .build()
                .expect("every pool server has a chat URL");
            }
            let _ = config.redacted_toml();
            let _ = config.media_stream_url();
        }
        Err(e) => assert!(!format!("{e:#}").trim().is_empty()),
    }
});
