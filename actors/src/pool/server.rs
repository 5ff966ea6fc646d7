//! One PersonaPlex server as configured.

use serde::{Deserialize, Serialize};

/// One PersonaPlex server, as written in a `[[personaplex.servers]]` table.
///
/// Exists because a PersonaPlex process serves a fixed number of sessions at once (one for the
/// stock server, `capacity` for a batched one serving several sessions on one GPU); the pool
/// hands out at most that many seats of it at a time.
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
    /// Sessions this server runs at once (a batched server serves several on one GPU). Defaults
    /// to 1 when omitted; 0 is refused by the configuration check.
    #[serde(default = "one_seat")]
    pub capacity: u32,
}

/// The stock PersonaPlex server: one session at a time.
fn one_seat() -> u32 {
    1
}

impl ServerConfig {
    /// A server named `host:port`.
    pub fn new(host: impl Into<String>, port: u16, use_ssl: bool) -> Self {
        let mut config = Self {
            name: String::new(),
            host: host.into(),
            port,
            use_ssl,
            capacity: one_seat(),
        };
        config.fill_default_name();
        config
    }

    /// The same server with room for `capacity` sessions at once.
    pub fn with_capacity(mut self, capacity: u32) -> Self {
        self.capacity = capacity;
        self
    }

    /// `host:port`, the identity of the server process (two entries with the same address are
    /// the same server, whose seats must not be counted twice).
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
