//! Process-wide services every call shares: the store and the mail outbox.

pub mod mail_outbox;
pub mod store_handle;

pub use mail_outbox::{KickOutbox, MailOutbox};
pub use store_handle::StoreHandle;
