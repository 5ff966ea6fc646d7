//! A server held by one call.

use std::fmt;
use std::sync::Arc;

use super::server::ServerConfig;
use super::Shared;

/// A PersonaPlex server leased to one call.
///
/// Exists to make "free the server" impossible to forget: dropping the lease returns the server
/// to the pool, so a call whose actor stops or panics frees its server without any cleanup code.
/// Not `Clone` on purpose: one lease, one holder, one release.
pub struct Lease {
    shared: Arc<Shared>,
    index: usize,
    pub(super) lease_id: u64,
    server: ServerConfig,
    call_sid: String,
}

impl Lease {
    pub(super) fn new(
        shared: Arc<Shared>,
        index: usize,
        lease_id: u64,
        server: ServerConfig,
        call_sid: String,
    ) -> Self {
        Self {
            shared,
            index,
            lease_id,
            server,
            call_sid,
        }
    }

    /// The server to connect to.
    pub fn server(&self) -> &ServerConfig {
        &self.server
    }

    /// The call this lease was granted to.
    pub fn call_sid(&self) -> &str {
        &self.call_sid
    }

    /// Reports that the session on this server failed (`reason` is shown in `/admin/servers`).
    ///
    /// The server then cools down for the pool's cooldown, counted from now, before anyone may
    /// lease it again. The lease itself stays held until dropped: the failed connection may
    /// still be open, and the server must not get a second one meanwhile.
    pub fn report_failure(&self, reason: &str) {
        self.shared.fail(self.index, reason);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.shared.release(self.index, self.lease_id);
    }
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lease")
            .field("server", &self.server.name)
            .field("call_sid", &self.call_sid)
            .field("lease_id", &self.lease_id)
            .finish()
    }
}
