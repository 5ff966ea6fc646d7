//! Per-frame cost of both audio directions of a call, without a runtime.
//!
//! Runs 30 s of a speech-like signal through `Upstream` (mu-law 8 kHz in, Ogg/Opus out) and
//! `Downstream` (PersonaPlex-shaped Ogg with 80 ms packets in, 20 ms mu-law frames out), timing
//! every call with `Instant`, and counts heap allocations inside the timed sections: the
//! pipelines are meant to allocate nothing per frame once warmed up.
//!
//! Run with `cargo bench -p switchboard-actors --bench transcoder`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actors::codec::opus::{OpusEncoder, OPUS_RATE};
use actors::codec::WireFormat;
use actors::ogg::OggOpusWriter;
use actors::transcode::{Downstream, Upstream};

/// Counts allocations so the benchmark can show that the hot path makes none.
struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const SECONDS: usize = 30;
const WARMUP_FRAMES: usize = 50;

/// Voice-like test audio: a wandering pitch with harmonics and formant-ish partials, a 4 Hz
/// syllable envelope with pauses, and a noise floor.
fn speech_like(rate: u32, seconds: usize) -> Vec<i16> {
    let mut seed = 0x1234_5678u32;
    let mut phase = [0.0f64; 4];
    (0..rate as usize * seconds)
        .map(|i| {
            let t = i as f64 / rate as f64;
            let f0 = 120.0 + 30.0 * (2.0 * std::f64::consts::PI * 0.7 * t).sin();
            let mut v = 0.0;
            for (k, (p, gain)) in phase.iter_mut().zip([1.0, 0.5, 0.3, 0.15]).enumerate() {
                let f = f0 * [1.0, 2.0, 5.3, 14.1][k];
                *p += 2.0 * std::f64::consts::PI * f / rate as f64;
                v += gain * p.sin();
            }
            let syllable = (2.0 * std::f64::consts::PI * 4.0 * t).sin().max(0.0);
            let pause = if (t % 3.0) > 2.4 { 0.0 } else { 1.0 };
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 16) as f64 / 65536.0 - 0.5;
            (6000.0 * v * syllable * pause + 300.0 * noise) as i16
        })
        .collect()
}

/// Percentiles of a set of durations, in microseconds.
fn report(label: &str, samples: &mut [Duration]) {
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let at = |q: f64| us(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    println!(
        "{label:<34} n={:<5} p50={:>7.1} us  p99={:>7.1} us  max={:>7.1} us",
        samples.len(),
        at(0.50),
        at(0.99),
        us(*samples.last().unwrap())
    );
}

/// Times `Upstream` over `wire`, one 20 ms frame per push as SignalWire delivers them.
/// Returns the per-frame times, their sum and the allocations made after warm-up.
fn run_upstream(
    format: WireFormat,
    wire: &[u8],
    complexity: Option<u8>,
) -> (Vec<Duration>, Duration, u64) {
    let mut up = Upstream::new(format, 24_000).expect("upstream");
    if let Some(c) = complexity {
        up.set_opus_complexity(c).expect("complexity");
    }
    let mut ogg = Vec::with_capacity(8192);
    up.begin_stream(&mut ogg);
    let mut times = Vec::with_capacity(wire.len() / format.frame_bytes());
    let mut total = Duration::ZERO;
    let mut allocations = 0;
    for (i, frame) in wire.chunks_exact(format.frame_bytes()).enumerate() {
        ogg.clear();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let start = Instant::now();
        let n = up.push(frame, &mut ogg).expect("encode");
        let took = start.elapsed();
        if i >= WARMUP_FRAMES {
            allocations += ALLOCATIONS.load(Ordering::Relaxed) - before;
        }
        assert_eq!(n, 1);
        total += took;
        times.push(took);
    }
    (times, total, allocations)
}

fn main() {
    let format = WireFormat::Mulaw8k;
    let audio = SECONDS as f64;

    let mut wire = Vec::new();
    format.encode_into(&speech_like(8000, SECONDS), &mut wire);
    let (mut up_times, up_total, up_allocs) = run_upstream(format, &wire, None);
    // The encoder's complexity is the main cost of a call: measure the settings worth choosing.
    let sweep: Vec<(u8, Vec<Duration>, Duration)> = [5u8, 3, 1, 0]
        .into_iter()
        .map(|c| {
            let (times, total, _) = run_upstream(format, &wire, Some(c));
            (c, times, total)
        })
        .collect();

    // Downstream input, prepared untimed: what sphn 0.1.12 sends, one 80 ms page per message.
    let mut encoder = OpusEncoder::new(24_000).expect("encoder");
    let mut writer = OggOpusWriter::new(42).with_pre_skip(3840);
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut head = Vec::new();
    writer.write_headers(&mut head);
    messages.push(head);
    for packet_pcm in speech_like(OPUS_RATE, SECONDS).chunks_exact(1920) {
        let mut page = Vec::new();
        writer.write_packet(
            encoder.encode(packet_pcm).expect("encode 80 ms"),
            1920,
            &mut page,
        );
        messages.push(page);
    }

    let mut down = Downstream::new(format).expect("downstream");
    let mut push_times = Vec::with_capacity(messages.len());
    let mut frame_times = Vec::with_capacity(messages.len() * 4);
    let mut down_total = Duration::ZERO;
    let mut down_frames = 0;
    let mut down_allocs = 0;
    for (i, message) in messages.iter().enumerate() {
        let allocs = ALLOCATIONS.load(Ordering::Relaxed);
        let start = Instant::now();
        let report = down.push(message, |frame| {
            std::hint::black_box(frame);
        });
        let took = start.elapsed();
        if i >= WARMUP_FRAMES / 4 {
            down_allocs += ALLOCATIONS.load(Ordering::Relaxed) - allocs;
        }
        down_total += took;
        down_frames += report.frames;
        if report.frames > 0 {
            push_times.push(took);
            let per_frame = took / report.frames as u32;
            frame_times.extend(std::iter::repeat_n(per_frame, report.frames));
        }
    }
    assert_eq!(down_frames, SECONDS * 50);

    println!("switchboard transcoder bench: {SECONDS} s of speech-like audio, mu-law 8 kHz");
    report("upstream   per 20 ms frame", &mut up_times);
    for (c, times, _) in &mut sweep.clone() {
        report(&format!("  (same at Opus complexity {c})"), times);
    }
    report("downstream per 20 ms frame", &mut frame_times);
    report("downstream per push (80 ms page)", &mut push_times);
    let share = |d: Duration| 100.0 * d.as_secs_f64() / audio;
    println!(
        "CPU share of one core per call: upstream {:.2} %, downstream {:.2} %, both {:.2} %",
        share(up_total),
        share(down_total),
        share(up_total + down_total)
    );
    for (c, _, total) in &sweep {
        println!(
            "  with Opus complexity {c}: upstream {:.2} %, both {:.2} %",
            share(*total),
            share(*total + down_total)
        );
    }
    println!(
        "heap allocations after warm-up: upstream {up_allocs} in {} frames, downstream {down_allocs} in {} pushes",
        up_times.len() - WARMUP_FRAMES,
        messages.len() - WARMUP_FRAMES / 4
    );
}
