//! Properties of the `ATLAS_*` environment overrides: a value takes the type of its key (strings
//! verbatim, numbers and booleans parsed leniently about whitespace and case), anything that does
//! not fit is refused with a message, and whatever is accepted can really run.

use proptest::prelude::*;

use super::*;

fn shipped() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml")).unwrap()
}

fn load(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
    let env = vars.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    Config::from_toml(&shipped(), env)
}

/// What `serve` does with a validated config before the first call, minus the sockets: every
/// value must convert without a panic.
pub(super) fn assert_runnable(config: &Config) {
    let pp = &config.personaplex;
    for secs in [pp.agent_silence_secs, pp.fallback_after_secs] {
        assert!(
            std::time::Duration::try_from_secs_f64(secs).is_ok(),
            "{secs} seconds passed validation but is not a duration"
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
    url::Url::parse(&config.media_stream_url("CA0123")).expect("media stream URL");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn strings_are_taken_verbatim(token in any::<String>().prop_filter("non-empty", |s| !s.is_empty())) {
        let config = load(&[("ATLAS_SERVER_ADMIN_TOKEN", &token)]).unwrap();
        prop_assert_eq!(config.server.admin_token, token);
    }

    #[test]
    fn integers_are_parsed_and_range_checked(
        n in prop_oneof![0i64..70_000, any::<i64>()],
        (a, b) in ("[ \t]{0,2}", "[ \t]{0,2}"),
    ) {
        match load(&[("ATLAS_PERSONAPLEX_PORT", &format!("{a}{n}{b}"))]) {
            Ok(config) => {
                prop_assert_eq!(i64::from(config.personaplex.port), n);
                assert_runnable(&config);
            }
            Err(e) => {
                prop_assert!(!(0..=65535).contains(&n), "{n} refused: {e:#}");
                prop_assert!(format!("{e:#}").contains("personaplex"), "{e:#}");
            }
        }
    }

    #[test]
    fn booleans_accept_the_usual_spellings(
        word in prop_oneof![
            Just("true"), Just("TRUE"), Just("yes"), Just("On"), Just("1"),
            Just("false"), Just("no"), Just("OFF"), Just("0"),
        ],
        (a, b) in ("[ \t]{0,2}", "[ \t]{0,2}"),
    ) {
        let value = format!("{a}{word}{b}");
        let config = load(&[("ATLAS_PERSONAPLEX_ACCEPT_INVALID_CERTS", &value)]).unwrap();
        let want = matches!(word.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "1");
        prop_assert_eq!(config.personaplex.accept_invalid_certs, want);
    }

    #[test]
    fn anything_else_for_a_boolean_is_refused_by_name(value in "[a-z2-9]{1,6}") {
        prop_assume!(!["true", "yes", "on", "false", "no", "off"].contains(&value.as_str()));
        let err = load(&[("ATLAS_PERSONAPLEX_USE_SSL", &value)]).unwrap_err();
        prop_assert!(format!("{err:#}").contains("ATLAS_PERSONAPLEX_USE_SSL"), "{err:#}");
    }

    #[test]
    fn accepted_durations_can_run(
        value in prop_oneof![
            any::<f64>().prop_map(|f| f.to_string()),
            (0.0f64..100.0).prop_map(|f| f.to_string()),
            Just("NaN".to_string()),
            Just("inf".to_string()),
            Just("-inf".to_string()),
            Just("1e300".to_string()),
        ],
        key in prop_oneof![
            Just("ATLAS_PERSONAPLEX_AGENT_SILENCE_SECS"),
            Just("ATLAS_PERSONAPLEX_FALLBACK_AFTER_SECS"),
        ],
    ) {
        if let Ok(config) = load(&[(key, &value)]) {
            assert_runnable(&config);
        }
    }

    #[test]
    fn any_atlas_variable_is_applied_or_refused_with_a_message(
        name in prop_oneof![
            "[A-Z_]{0,24}",
            "(SERVER|SIGNALWIRE|PERSONAPLEX|STORE|EMAIL|SPEECH|VOICEMAIL|LEGACY|BUSINESS)_[A-Z_]{0,20}",
        ],
        value in any::<String>(),
    ) {
        let name = format!("ATLAS_{name}");
        match load(&[(&name, &value)]) {
            Ok(config) => assert_runnable(&config),
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(!msg.trim().is_empty())
            }
        }
    }
}
