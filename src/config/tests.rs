use super::*;

fn repo_config() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml")).unwrap()
}

fn no_env() -> Vec<(String, String)> {
    Vec::new()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn shipped_config_is_valid_and_matches_defaults() {
    let config = Config::from_toml(&repo_config(), no_env()).unwrap();
    let defaults = Config::default();
    // The documented file and the built-in defaults must not drift apart.
    assert_eq!(
        toml::to_string(&config).unwrap(),
        toml::to_string(&defaults).unwrap()
    );
}

#[test]
fn personaplex_env_overrides_win() {
    let config = Config::from_toml(
        &repo_config(),
        env(&[
            ("ATLAS_PERSONAPLEX_HOST", "gpu-7.internal"),
            ("ATLAS_PERSONAPLEX_PORT", "9443"),
            ("ATLAS_PERSONAPLEX_VOICE_PROMPT", "NATM1.pt"),
            ("ATLAS_PERSONAPLEX_TEXT_PROMPT", "You are Ada."),
            ("ATLAS_PERSONAPLEX_USE_SSL", "true"),
            ("ATLAS_SERVER_ADMIN_TOKEN", "1234"),
            ("PATH", "/usr/bin"),
        ]),
    )
    .unwrap();
    assert_eq!(config.personaplex.host, "gpu-7.internal");
    assert_eq!(config.personaplex.port, 9443);
    assert_eq!(config.personaplex.voice_prompt, "NATM1.pt");
    assert_eq!(config.personaplex.text_prompt, "You are Ada.");
    assert!(config.personaplex.use_ssl);
    // A numeric-looking value for a string key stays a string.
    assert_eq!(config.server.admin_token, "1234");
    let url = config.chat_url().unwrap();
    assert!(
        url.as_str()
            .starts_with("wss://gpu-7.internal:9443/api/chat?"),
        "{url}"
    );
}

#[test]
fn prompt_and_voice_come_from_the_business_unless_set() {
    let config = Config::from_toml(&repo_config(), no_env()).unwrap();
    assert!(
        config.text_prompt().contains("Bright Plumbing"),
        "{}",
        config.text_prompt()
    );
    assert_eq!(config.voice_prompt(), "NATF2.pt");
    let config = Config::from_toml(
        &repo_config(),
        env(&[
            ("ATLAS_PERSONAPLEX_TEXT_PROMPT", "You are Bob."),
            ("ATLAS_PERSONAPLEX_VOICE_PROMPT", "NATM0.pt"),
        ]),
    )
    .unwrap();
    assert_eq!(config.text_prompt(), "You are Bob.");
    assert_eq!(config.voice_prompt(), "NATM0.pt");
}

#[test]
fn optional_key_from_env() {
    let config =
        Config::from_toml(&repo_config(), env(&[("ATLAS_PERSONAPLEX_SEED", "7")])).unwrap();
    assert_eq!(config.personaplex.seed, Some(7));
}

#[test]
fn unknown_keys_are_errors() {
    let err = Config::from_toml("[server]\nlisen = \"1.2.3.4:5\"\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("lisen"), "{err:#}");
    let err = Config::from_toml("[srever]\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("srever"), "{err:#}");
    let err = Config::from_toml("", env(&[("ATLAS_PERSONAPLEX_HOTS", "x")])).unwrap_err();
    assert!(format!("{err:#}").contains("hots"), "{err:#}");
    let err = Config::from_toml("", env(&[("ATLAS_NOPE_X", "x")])).unwrap_err();
    assert!(format!("{err:#}").contains("ATLAS_NOPE_X"), "{err:#}");
}

#[test]
fn bad_values_are_clear_errors() {
    let err = Config::from_toml("", env(&[("ATLAS_PERSONAPLEX_PORT", "eighty")])).unwrap_err();
    assert!(
        format!("{err:#}").contains("ATLAS_PERSONAPLEX_PORT"),
        "{err:#}"
    );
    let err =
        Config::from_toml("[server]\npublic_base_url = \"not a url\"\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("public_base_url"), "{err:#}");
    let err = Config::from_toml(
        "[server]\npublic_base_url = \"https://x.example/?a=1\"\n",
        no_env(),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("query"), "{err:#}");
    let err = Config::from_toml(
        &repo_config(),
        env(&[("ATLAS_BUSINESS_TIME_ZONE", "Mars/Olympus")]),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("Mars/Olympus"), "{err:#}");
    let err = Config::from_toml("[business]\nname = \"Half written\"\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("[business]"), "{err:#}");
    let err = Config::from_toml(
        "[personaplex]\nca_file = \"/nonexistent/ca.pem\"\n",
        no_env(),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("ca_file"), "{err:#}");
    let err = Config::from_toml("[signalwire]\ncodec = \"OPUS@48000h\"\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("codec"), "{err:#}");
    let err =
        Config::from_toml("[signalwire]\nhangup_after_goodbye_secs = -1\n", no_env()).unwrap_err();
    assert!(
        format!("{err:#}").contains("hangup_after_goodbye_secs"),
        "{err:#}"
    );
    let err =
        Config::from_toml("[personaplex]\nvoice_prompt = \"../etc/x.pt\"\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("URL"), "{err:#}");
    let err = Config::from_toml(
        "[[personaplex.servers]]\nhost = \"gpu\"\nport = 8998\ncapacity = 0\n",
        no_env(),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("capacity = 0"), "{err:#}");
}

/// Found by the properties `accepted_durations_can_run` and
/// `any_pool_server_is_taken_or_refused_by_name`: these passed validation, then `serve` panicked
/// (`Duration::from_secs_f64(NaN)`) or every call on that server failed.
#[test]
fn values_that_cannot_run_are_refused_at_load() {
    for (key, value) in [
        ("ATLAS_PERSONAPLEX_AGENT_SILENCE_SECS", "NaN"),
        ("ATLAS_PERSONAPLEX_FALLBACK_AFTER_SECS", "inf"),
        ("ATLAS_PERSONAPLEX_AGENT_SILENCE_SECS", "1e300"),
    ] {
        let err = Config::from_toml(&repo_config(), env(&[(key, value)])).unwrap_err();
        assert!(
            format!("{err:#}").contains("at least 0.5"),
            "{key}={value}: {err:#}"
        );
    }
    let err = Config::from_toml("[personaplex]\nagent_silence_secs = nan\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("agent_silence_secs"), "{err:#}");
    for host in ["", "gpu 2", "gpu\\x"] {
        let text = format!("[[personaplex.servers]]\nhost = {host:?}\nport = 8998\n");
        let err = Config::from_toml(&text, no_env()).unwrap_err();
        assert!(
            format!("{err:#}").contains("personaplex.servers"),
            "{host:?}: {err:#}"
        );
    }
}

#[test]
fn redaction_hides_every_secret() {
    let mut config = Config::default();
    config.signalwire.signing_key = "sk-very-secret".into();
    config.signalwire.media_token = "media-very-secret".into();
    config.signalwire.media_secret = "media-key-very-secret".into();
    config.server.admin_token = "admin-very-secret".into();
    config.email.password = "smtp-very-secret".into();
    config.speech.openai_api_key = "tts-very-secret".into();
    config.toolbridge.llm.api_key = "extractor-very-secret".into();
    let shown = config.redacted_toml();
    assert!(!shown.contains("very-secret"), "{shown}");
    assert_eq!(shown.matches(REDACTED).count(), 7, "{shown}");
    assert!(!format!("{:?}", config.toolbridge).contains("very-secret"));
}

#[test]
fn media_stream_url_follows_public_base_url() {
    let mut config = Config::default();
    config.server.public_base_url = "https://voice.example.com/".into();
    assert_eq!(
        config.media_stream_url("CA1"),
        "wss://voice.example.com/signalwire/media/CA1"
    );
    config.server.public_base_url = "http://127.0.0.1:8080".into();
    assert_eq!(
        config.media_stream_url("CA-2"),
        "ws://127.0.0.1:8080/signalwire/media/CA-2"
    );
}

#[test]
fn unsigned_webhooks_off_loopback_need_an_explicit_yes() {
    // Loopback (the shipped config): fine without a key.
    Config::from_toml(&repo_config(), no_env()).unwrap();
    Config::from_toml(
        &repo_config(),
        env(&[("ATLAS_SERVER_LISTEN", "[::1]:8080")]),
    )
    .unwrap();
    for listen in ["0.0.0.0:8080", "192.0.2.7:8080", "[::]:8080"] {
        let err =
            Config::from_toml(&repo_config(), env(&[("ATLAS_SERVER_LISTEN", listen)])).unwrap_err();
        let said = format!("{err:#}");
        assert!(
            said.contains("signing_key")
                && said.contains("allow_unsigned")
                && said.contains(listen),
            "{said}"
        );
    }
    let yes = env(&[
        ("ATLAS_SERVER_LISTEN", "0.0.0.0:8080"),
        ("ATLAS_SIGNALWIRE_ALLOW_UNSIGNED", "true"),
    ]);
    Config::from_toml(&repo_config(), yes).unwrap();
    let signed = env(&[
        ("ATLAS_SERVER_LISTEN", "0.0.0.0:8080"),
        ("ATLAS_SIGNALWIRE_SIGNING_KEY", "PSK_x"),
    ]);
    Config::from_toml(&repo_config(), signed).unwrap();
}

#[test]
fn limits_and_timeouts_are_checked() {
    for (key, value) in [
        ("ATLAS_SIGNALWIRE_START_TIMEOUT_SECS", "0"),
        ("ATLAS_SIGNALWIRE_MEDIA_TIMEOUT_SECS", "0"),
        ("ATLAS_SERVER_BODY_TIMEOUT_SECS", "0"),
        ("ATLAS_SERVER_WRITE_TIMEOUT_SECS", "0"),
        ("ATLAS_SERVER_HEADER_TIMEOUT_SECS", "0"),
        ("ATLAS_SERVER_MAX_REQUESTS", "0"),
        ("ATLAS_SERVER_MAX_REQUESTS", "1024"),
    ] {
        let err = Config::from_toml(&repo_config(), env(&[(key, value)])).unwrap_err();
        let said = format!("{err:#}");
        let name = key["ATLAS_".len()..].to_ascii_lowercase();
        let (section, field) = name.split_once('_').unwrap();
        assert!(
            said.contains(&format!("{section}.{field}")),
            "{key}: {said}"
        );
    }
}

#[test]
fn the_llm_extractor_needs_an_endpoint() {
    let config = Config::from_toml(&repo_config(), no_env()).unwrap();
    assert_eq!(config.toolbridge.extractor, ExtractorKind::Rules);
    let err = Config::from_toml("[toolbridge]\nextractor = \"llm\"\n", no_env()).unwrap_err();
    let message = format!("{err:#}");
    assert!(
        message.contains("[toolbridge.llm] base_url") && message.contains("extractor = \"llm\""),
        "{message}"
    );
    let err = Config::from_toml("[toolbridge]\nextractor = \"gpt\"\n", no_env()).unwrap_err();
    assert!(format!("{err:#}").contains("[toolbridge]"), "{err:#}");
    let err = Config::from_toml(
        "[toolbridge]\nextractor = \"llm\"\n[toolbridge.llm]\nbase_url = \"x\"\n",
        no_env(),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("[toolbridge.llm]"), "{err:#}");
}

#[test]
fn the_llm_extractor_from_the_environment() {
    let config = Config::from_toml(
        &repo_config(),
        env(&[
            ("ATLAS_TOOLBRIDGE_EXTRACTOR", "llm"),
            ("ATLAS_TOOLBRIDGE_LLM_BASE_URL", "http://10.0.0.5:8000"),
            ("ATLAS_TOOLBRIDGE_LLM_API_KEY", "1234"),
            ("ATLAS_TOOLBRIDGE_LLM_TIMEOUT_MS", "1500"),
            ("ATLAS_LEGACY_LLM_API_KEY", "legacy-key"),
        ]),
    )
    .unwrap();
    let tb = &config.toolbridge;
    assert_eq!(tb.extractor, ExtractorKind::Llm);
    assert_eq!(
        (tb.llm.base_url.as_str(), tb.llm.api_key.as_str()),
        ("http://10.0.0.5:8000", "1234")
    );
    assert_eq!(tb.llm.timeout_ms, 1500);
    assert_eq!(tb.llm.model, "gpt-4o-mini");
    let client = tb.llm.client_config();
    assert_eq!((client.timeout_ms, client.temperature), (1500, 0.0));
    // Sub-table keys of other sections follow the same rule.
    assert_eq!(config.legacy.llm.api_key, "legacy-key");
    let err =
        Config::from_toml("", env(&[("ATLAS_TOOLBRIDGE_LLM_TIMEOUT_MS", "soon")])).unwrap_err();
    assert!(
        format!("{err:#}").contains("ATLAS_TOOLBRIDGE_LLM_TIMEOUT_MS"),
        "{err:#}"
    );
}
