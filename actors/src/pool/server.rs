//! One PersonaPlex server as configured.

use serde::{Deserialize, Serialize};

/// One PersonaPlex server, as written in a `[[personaplex.servers]]` table.
///
/// Exists because a PersonaPlex process serves exactly one session at a time, so capacity is the
/// number of these entries; the pool hands them out one call at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Label shown in `/admin/servers` and in logs. Empty (the default when omitted) means
    /// `host:port`; [`PersonaPlexPool::new`](super::PersonaPlexPool::new) fills it in.
    #[serde(default)]
    pub name: String,
    pub host: String,
    pub port: u16,
    /// `wss://` when true. Defaults to false (plain `ws://`) when omitted.
    #[serde(default)]
    pub use_ssl: bool,
}

impl ServerConfig {
    /// A server named `host:port`.
    pub fn new(host: impl Into<String>, port: u16, use_ssl: bool) -> Self {
        let mut config = Self {
            name: String::new(),
            host: host.into(),
            port,
            use_ssl,
        };
        config.fill_default_name();
        config
    }

    /// `host:port`, the identity of the server process (two entries with the same address are
    /// the same single-session server).
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Replaces an empty or blank name with `host:port`.
    pub(super) fn fill_default_name(&mut self) {
        if self.name.trim().is_empty() {
            self.name = self.address();
        }
    }

    /// True when `other` points at the same server process. Host names compare
    /// case-insensitively because DNS does.
    pub(super) fn same_address(&self, other: &ServerConfig) -> bool {
        self.port == other.port && self.host.eq_ignore_ascii_case(&other.host)
    }
}
