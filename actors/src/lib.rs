//! The per-call machinery of switchboard.
//!
//! Two layers live here, kept apart on purpose:
//!
//! * **Pure logic** with no actix in it: [`codec`] (mu-law, L16, resampling, Opus), [`ogg`]
//!   (page writer and push-based page reader), [`transcode`] (the two audio directions of a call
//!   as plain structs) and [`protocol`] (SignalWire media-stream JSON and PersonaPlex frames).
//!   Each is unit-tested on its own and benchmarked without a runtime.
//! * **The actor tree** in [`call`]: thin actix actors that own that logic, one per concern, and
//!   move typed messages between each other under a `CallSupervisor`.

pub mod booking;
pub mod call;
pub mod codec;
pub mod http_client;
pub mod legacy;
pub mod ogg;
pub mod pool;
pub mod protocol;
pub mod services;
pub mod speech;
pub mod toolbridge;
pub mod tools;
pub mod transcode;
pub mod voicemail;
