//! Properties of reading the configuration file: any text is loaded or refused with a message
//! that names where the problem is, and whatever loads can really run.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use super::env_proptest::assert_runnable;
use super::*;

fn shipped() -> toml::Table {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml")).unwrap();
    text.parse().unwrap()
}

/// Any TOML value, a couple of levels deep, with the specials TOML allows (`nan`, `inf`).
fn value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(toml::Value::String),
        "[a-z0-9:/.@ -]{0,16}".prop_map(toml::Value::String),
        any::<i64>().prop_map(toml::Value::Integer),
        (-5i64..100_000).prop_map(toml::Value::Integer),
        any::<f64>().prop_map(toml::Value::Float),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.1)]
            .prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(toml::Value::Array),
            btree_map("[a-z_]{1,8}", inner, 0..3)
                .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_is_loaded_or_refused_with_a_message(text in any::<String>()) {
        match Config::from_toml(&text, Vec::new()) {
            Ok(config) => assert_runnable(&config),
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(!msg.trim().is_empty())
            }
        }
    }

    #[test]
    fn any_value_for_a_known_key_is_taken_or_refused_by_name(
        which in any::<prop::sample::Index>(),
        value in value(),
    ) {
        let mut table = shipped();
        // Every (section, key) of the shipped file, one of which gets the arbitrary value.
        let keys: Vec<(String, String)> = table
            .iter()
            .filter_map(|(s, v)| v.as_table().map(|t| (s, t)))
            .flat_map(|(s, t)| t.keys().map(move |k| (s.clone(), k.clone())))
            .collect();
        let (section, key) = &keys[which.index(keys.len())];
        table[section.as_str()].as_table_mut().unwrap().insert(key.clone(), value);
        let text = toml::to_string(&table).unwrap();
        match Config::from_toml(&text, Vec::new()) {
            Ok(config) => assert_runnable(&config),
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(
                    msg.contains(section.as_str()) || msg.contains(key.as_str()),
                    "[{section}] {key}: the error does not say where: {msg}"
                );
            }
        }
    }

    #[test]
    fn any_pool_server_is_taken_or_refused_by_name(host in any::<String>(), port in any::<u16>()) {
        let mut table = shipped();
        let mut server = toml::Table::new();
        server.insert("host".into(), toml::Value::String(host));
        server.insert("port".into(), toml::Value::Integer(port.into()));
        table["personaplex"]
            .as_table_mut()
            .unwrap()
            .insert("servers".into(), toml::Value::Array(vec![toml::Value::Table(server)]));
        match Config::from_toml(&toml::to_string(&table).unwrap(), Vec::new()) {
            Ok(config) => assert_runnable(&config),
            Err(e) => prop_assert!(format!("{e:#}").contains("personaplex"), "{e:#}"),
        }
    }
}
