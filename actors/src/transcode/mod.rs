//! The two audio directions of a call as plain structs (no actix): caller → PersonaPlex and back.
//!
//! Each direction is a pure pipeline over reusable buffers, so it can be tested end to end and
//! benchmarked frame by frame without a runtime; the `Transcoder` actor only wraps them.

mod downstream;
mod upstream;

pub use downstream::{Downstream, DownstreamReport};
pub use upstream::Upstream;

#[cfg(test)]
mod split_proptest;
#[cfg(test)]
mod tests;
