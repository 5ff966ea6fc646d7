//! `switchboard call`: a call simulator that behaves like SignalWire's media stream.
//!
//! It plays a WAV file as the caller (paced in real time, in the negotiated codec, numbers as
//! strings, no `streamSid` on media and stop) and emulates SignalWire's play-out of what the server
//! sends back: a real-time queue recorded to a WAV, marks echoed once their audio has played,
//! `clear` flushing the queue. It is how the whole server is tested without a phone line.
//!
//! * [`args`]: the command line; [`audio`]: WAV in and out; [`playout`]: the play-out queue;
//! * [`webhook`]: the incoming-call webhook that says where the stream goes and with what token;
//! * [`emulator`]: SignalWire's reactions to each server message; [`connection`]: the socket
//!   and the 20 ms clock; [`summary`]: the figures printed at the end.

mod args;
mod audio;
mod connection;
mod emulator;
mod playout;
mod summary;
mod webhook;

#[cfg(test)]
mod e2e_tests;

pub use args::CallArgs;
pub use summary::Summary;

/// Places one simulated call, prints its summary to stdout and returns it.
pub fn run(args: CallArgs) -> anyhow::Result<Summary> {
    let wire = args.codec.wire_format();
    let samples = audio::load_wav(&args.audio, wire.sample_rate())?;
    log::info!(
        "calling {} with {:.2} s of audio from {} as {:?}",
        args.url.as_deref().unwrap_or(&args.webhook),
        samples.len() as f64 / f64::from(wire.sample_rate()),
        args.audio.display(),
        args.codec
    );
    let summary = actix::System::new().block_on(connection::place_call(&args, samples))?;
    println!("{summary}");
    Ok(summary)
}
