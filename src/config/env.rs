//! `ATLAS_<SECTION>_<KEY>` environment overrides, applied to the parsed TOML table before it is
//! deserialized into a [`Config`], and the error message that names the section a table fails
//! to deserialize in.
//!
//! Kept apart from `mod.rs` because it works on untyped `toml::Table`s: an override's type is
//! learnt from the serialized defaults, not from the structs.

use actors::booking::business::Business;
use actors::booking::mailer::EmailConfig;
use actors::speech::SpeechConfig;
use anyhow::{bail, Context};

use super::{
    Config, LegacyConfig, PersonaPlexConfig, ServerConfig, SignalWireConfig, StoreConfig,
    ToolBridgeConfig, VoicemailConfig, ENV_PREFIX,
};

/// Applies `ATLAS_<SECTION>_<KEY>=value` variables to the parsed file.
///
/// The value's type follows the type the key has in the defaults (so `ATLAS_PERSONAPLEX_PORT=9000`
/// is a number and `ATLAS_SERVER_ADMIN_TOKEN=1234` stays a string). The dedicated names the
/// deployment scripts of the PersonaPlex box use (`ATLAS_PERSONAPLEX_HOST`, `…_PORT`,
/// `…_VOICE_PROMPT`, `…_TEXT_PROMPT`, `…_USE_SSL`) are simply instances of that rule.
pub(super) fn apply_env_overrides(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<()> {
    let defaults = toml::Table::try_from(Config::default()).context("defaults do not serialize")?;
    let mut vars: Vec<(String, String)> = env
        .into_iter()
        .filter(|(k, _)| k.starts_with(ENV_PREFIX))
        .collect();
    vars.sort();
    for (name, raw) in vars {
        let rest = name[ENV_PREFIX.len()..].to_ascii_lowercase();
        let Some((section, key)) = defaults.keys().find_map(|section| {
            let key = rest.strip_prefix(section.as_str())?.strip_prefix('_')?;
            Some((section.clone(), key.to_string()))
        }) else {
            bail!(
                "environment variable {name} does not name a config section (known: {})",
                section_list(&defaults)
            );
        };
        let section_defaults = defaults[&section].as_table();
        let entry = table
            .entry(section.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(section_table) = entry.as_table_mut() else {
            bail!("config key {section} must be a table");
        };
        if let Some((sub, sub_key, default)) = section_defaults.and_then(|d| sub_table_key(d, &key))
        {
            let value = typed_env_value(&name, &raw, Some(default))?;
            let sub_entry = section_table
                .entry(sub.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let Some(sub_table) = sub_entry.as_table_mut() else {
                bail!("config key {section}.{sub} must be a table");
            };
            sub_table.insert(sub_key, value);
            continue;
        }
        let default_value = section_defaults.and_then(|t| t.get(&key));
        let value = typed_env_value(&name, &raw, default_value)?;
        section_table.insert(key, value);
    }
    Ok(())
}

/// A key of one of the section's sub-tables, when `key` is not the section's own:
/// `llm_api_key` in `[toolbridge]` is `api_key` of `[toolbridge.llm]` (so
/// `ATLAS_TOOLBRIDGE_LLM_API_KEY` sets it). Returns the sub-table, its key and its default.
fn sub_table_key<'a>(
    section: &'a toml::Table,
    key: &str,
) -> Option<(String, String, &'a toml::Value)> {
    if section.contains_key(key) {
        return None;
    }
    section.iter().find_map(|(sub, value)| {
        let rest = key.strip_prefix(sub.as_str())?.strip_prefix('_')?;
        let default = value.as_table()?.get(rest)?;
        Some((sub.clone(), rest.to_string(), default))
    })
}

/// Converts an environment string to the TOML type the key expects.
fn typed_env_value(
    name: &str,
    raw: &str,
    default: Option<&toml::Value>,
) -> anyhow::Result<toml::Value> {
    let bad = |what: &str| anyhow::anyhow!("environment variable {name}={raw:?} is not {what}");
    Ok(match default {
        Some(toml::Value::Integer(_)) => {
            toml::Value::Integer(raw.trim().parse().map_err(|_| bad("an integer"))?)
        }
        Some(toml::Value::Boolean(_)) => {
            toml::Value::Boolean(match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => return Err(bad("a boolean (true/false)")),
            })
        }
        Some(toml::Value::Float(_)) => {
            toml::Value::Float(raw.trim().parse().map_err(|_| bad("a number"))?)
        }
        Some(_) => toml::Value::String(raw.to_string()),
        // Optional keys have no default to learn the type from: integers stay integers.
        None => match raw.trim().parse::<i64>() {
            Ok(n) => toml::Value::Integer(n),
            Err(_) => toml::Value::String(raw.to_string()),
        },
    })
}

/// Names the section at fault: serde's message alone ("missing field `name`") does not.
pub(super) fn section_error(table: &toml::Table) -> Option<String> {
    fn check<T: serde::de::DeserializeOwned>(value: &toml::Value) -> Result<(), toml::de::Error> {
        value.clone().try_into::<T>().map(|_| ())
    }
    table.iter().find_map(|(section, value)| {
        let result = match section.as_str() {
            "server" => check::<ServerConfig>(value),
            "signalwire" => check::<SignalWireConfig>(value),
            "personaplex" => check::<PersonaPlexConfig>(value),
            "business" => check::<Business>(value),
            "store" => check::<StoreConfig>(value),
            "email" => check::<EmailConfig>(value),
            "speech" => check::<SpeechConfig>(value),
            "voicemail" => check::<VoicemailConfig>(value),
            "legacy" => check::<LegacyConfig>(value),
            "toolbridge" => check::<ToolBridgeConfig>(value),
            _ => return None,
        };
        result
            .err()
            .map(|e| format!("[{section}]: {}", e.message()))
    })
}

fn section_list(defaults: &toml::Table) -> String {
    defaults
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
