//! The SignalWire side of switchboard that is not the media stream: webhook signatures, per-call
//! media credentials and the cXML documents we answer webhooks with. Pure functions, so the HTTP
//! handlers stay thin.

pub mod cxml;
pub mod media_credentials;
pub mod signature;

#[cfg(test)]
mod signature_proptest;
