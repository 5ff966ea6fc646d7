#!/usr/bin/env python3
"""Self-check of personaplex_peer.py: starts peers as subprocesses, talks to
them as switchboard would, and checks what comes back and what /stats saw.

    .venv/bin/python tests/peers/check_peer.py [-k NAME]

Ends with a line `N passed, N failed`; exits 1 if anything failed.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from urllib.parse import urlencode

import aiohttp
import numpy as np
import sphn

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "personaplex_peer.py")
SR = 24000
FRAME = 1920  # 80 ms at 24 kHz
GOOD_QUERY = {"voice_prompt": "NATF2.pt", "text_prompt": "You are a helpful receptionist."}
PREFILL_MS = 300


# --------------------------------------------------------------------------
# Peer process


class PeerProcess:
    """Runs the peer on a free port; READY <port> on stdout tells us which."""

    def __init__(self, *extra):
        self.args = [sys.executable, PEER, "--port", "0", "--prefill-ms", str(PREFILL_MS), *extra]
        self.proc = None
        self.port = None
        self.scheme = "wss" if "--ssl-cert" in extra else "ws"

    async def __aenter__(self):
        self.stderr = tempfile.TemporaryFile()
        self.proc = await asyncio.create_subprocess_exec(
            *self.args, stdout=asyncio.subprocess.PIPE, stderr=self.stderr
        )
        line = await asyncio.wait_for(self.proc.stdout.readline(), 10)
        assert line.startswith(b"READY "), f"peer did not announce itself: {line!r}"
        self.port = int(line.split()[1])
        return self

    async def __aexit__(self, *exc):
        self.proc.terminate()
        code = await asyncio.wait_for(self.proc.wait(), 5)
        assert code == 0, f"peer exited {code} on SIGTERM"
        if exc[0] is not None:  # show the peer's side of a failure
            self.stderr.seek(0)
            sys.stderr.write(self.stderr.read().decode(errors="replace")[-4000:])

    def url(self, path, **query):
        http = "https" if self.scheme == "wss" else "http"
        scheme = self.scheme if path == "/api/chat" else http
        return f"{scheme}://127.0.0.1:{self.port}{path}" + (("?" + urlencode(query)) if query else "")

    async def stats(self, http):
        async with http.get(self.url("/stats"), ssl=False) as r:
            return await r.json()


# --------------------------------------------------------------------------
# Audio helpers


def tone(freq, seconds, dbfs=-12.0):
    n = np.arange(int(SR * seconds))
    return (10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * n / SR)).astype(np.float32)


def ogg_pages(pcm):
    """Ogg/Opus pages exactly as sphn writes them: [OpusHead, OpusTags, one
    page per 80 ms packet]. read_bytes() hands out one page per call."""
    writer = sphn.OpusStreamWriter(SR)
    pages = [writer.read_bytes(), writer.read_bytes()]
    for i in range(0, len(pcm) - FRAME + 1, FRAME):
        writer.append_pcm(pcm[i : i + FRAME])
        pages.append(writer.read_bytes())
    return pages


def decode(stream: bytes):
    """Decode an Ogg/Opus byte stream with sphn; read_pcm() yields one packet
    per call from a worker thread, so poll until it stops giving data."""
    reader = sphn.OpusStreamReader(SR)
    reader.append_bytes(stream)
    chunks, idle_since = [], time.time()
    while time.time() - idle_since < 0.3:
        pcm = reader.read_pcm()
        if pcm is None:
            break
        if pcm.shape[-1]:
            chunks.append(pcm)
            idle_since = time.time()
        else:
            time.sleep(0.005)
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def dominant_hz(pcm):
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm))))
    return np.argmax(spectrum) * SR / len(pcm)


def dbfs_rms(pcm):
    return 20 * np.log10(np.sqrt(np.mean(pcm.astype(np.float64) ** 2)) + 1e-12)


def page_info(page):
    return {"bos": bool(page[5] & 2), "segments": page[26], "head": page[28:36], "serial": page[14:18]}


def split_pages(stream):
    pages, at = [], 0
    while at < len(stream):
        assert stream[at : at + 4] == b"OggS", f"no page at {at}"
        nseg = stream[at + 26]
        size = 27 + nseg + sum(stream[at + 27 : at + 27 + nseg])
        pages.append(stream[at : at + size])
        at += size
    return pages


# --------------------------------------------------------------------------
# Client helpers


class Recorder:
    """Reads everything the peer sends on one socket."""

    def __init__(self, ws):
        self.ws = ws
        self.handshake = asyncio.Event()
        self.handshake_at = None
        self.audio = []  # (time, payload) per 0x01 message
        self.text = []
        self.closed_at = None
        self.task = asyncio.create_task(self._run())

    async def _run(self):
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.BINARY:
                continue
            kind, payload = msg.data[0], msg.data[1:]
            if kind == 0:
                self.handshake_at = time.time()
                self.handshake.set()
            elif kind == 1:
                self.audio.append((time.time(), payload))
            elif kind == 2:
                self.text.append(payload.decode("utf-8"))
        self.closed_at = time.time()

    def audio_bytes(self):
        return b"".join(p for _, p in self.audio)


async def send_realtime(ws, pages, period=0.08):
    """Headers at once, then one audio page per 80 ms on an absolute clock."""
    await ws.send_bytes(b"\x01" + pages[0])
    await ws.send_bytes(b"\x01" + pages[1])
    start = time.monotonic()
    for i, page in enumerate(pages[2:]):
        delay = start + i * period - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await ws.send_bytes(b"\x01" + page)


async def expect_refused(http, peer, query, reason_part):
    """The real server drops the socket after the upgrade: no message, no
    close frame (1006)."""
    async with http.ws_connect(peer.url("/api/chat", **query), ssl=False) as ws:
        msg = await asyncio.wait_for(ws.receive(), 5)
        assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSE), f"got {msg}"
        assert ws.close_code == 1006, f"close code {ws.close_code}, want 1006"
    stats = await peer.stats(http)
    reasons = [r["reason"] for r in stats["refusals"]]
    assert any(reason_part in r for r in reasons), f"{reason_part!r} not in {reasons}"
    return stats


# --------------------------------------------------------------------------
# Checks


async def check_echo_440(http):
    """A 2 s 440 Hz tone sent in real time comes back at 440 Hz and the same
    level; the text arrives; the writer's page layout is sphn 0.1.12's."""
    async with PeerProcess() as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            connected = time.time()
            rec = Recorder(ws)
            await asyncio.wait_for(rec.handshake.wait(), 5)
            waited = rec.handshake_at - connected
            assert waited >= PREFILL_MS / 1000 * 0.9, f"handshake after {waited:.3f}s, before the prefill"
            sent = tone(440, 2.0)
            await send_realtime(ws, ogg_pages(sent))
            await asyncio.sleep(0.5)
            stats = await peer.stats(http)
        await rec.task

    messages = [p for _, p in rec.audio]
    assert len(messages) == 2 + 25, f"{len(messages)} audio messages, want 2 headers + 25 frames"
    for m in messages:
        assert len(split_pages(m)) == 1, "one Ogg page per message"
    first, second = page_info(messages[0]), page_info(messages[1])
    assert first["bos"] and first["head"] == b"OpusHead", first
    assert not second["bos"] and second["head"] == b"OpusTags", second
    assert all(page_info(m)["serial"] == first["serial"] for m in messages)
    got = decode(rec.audio_bytes())
    assert len(got) == 25 * FRAME, f"decoded {len(got)} samples"
    steady = got[2 * FRAME :]
    hz = dominant_hz(steady)
    assert abs(hz - 440) < 5, f"dominant {hz:.1f} Hz"
    level, want = dbfs_rms(steady), dbfs_rms(sent)
    assert abs(level - want) < 1.5, f"level {level:.1f} dBFS, sent {want:.1f}"
    assert rec.text == [" Hello,", " thanks", " for", " calling."], rec.text

    s = stats["sessions"][0]
    assert stats["sessions_started"] == 1 and stats["handshakes_sent"] == 1
    assert s["samples_decoded"] == 25 * FRAME and s["packets_decoded"] == 25, s
    assert s["samples_sent"] == 25 * FRAME and not s["reader_dead"], s
    assert s["ogg_in"]["pages"] == 27 and s["ogg_in"]["bad_crc_pages"] == 0, s["ogg_in"]
    assert s["text_pieces_sent"] == 4 and s["messages_discarded"] == 0, s
    assert stats["last_query"]["voice_prompt"] == "NATF2.pt"
    assert stats["last_query"]["text_prompt"] == GOOD_QUERY["text_prompt"]
    assert stats["last_query"]["seed_present"] is False
    return f"440 Hz back as {hz:.1f} Hz at {level:.1f} dBFS (sent {want:.1f}); text {''.join(rec.text)!r}"


async def check_refusals(http):
    """seed, empty/missing text_prompt, unknown voices, directory parts."""
    async with PeerProcess() as peer:
        await expect_refused(http, peer, {**GOOD_QUERY, "seed": "42"}, "seed")
        stats = await expect_refused(http, peer, {**GOOD_QUERY, "text_prompt": ""}, "empty text_prompt")
        assert stats["last_query"]["text_prompt"] == ""
        await expect_refused(http, peer, {"voice_prompt": "NATF2.pt"}, "text_prompt missing")
        await expect_refused(http, peer, {**GOOD_QUERY, "voice_prompt": "NATF2"}, ".pt")
        await expect_refused(http, peer, {**GOOD_QUERY, "voice_prompt": "NATF9.pt"}, "unknown voice")
        await expect_refused(http, peer, {**GOOD_QUERY, "voice_prompt": "voices/NATF2.pt"}, "directory")
        stats = await expect_refused(http, peer, {"text_prompt": "x"}, "voice_prompt missing")
        assert stats["sessions_refused"] == 7 and stats["handshakes_sent"] == 0, stats
    async with PeerProcess("--accept-seed") as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY, seed="7")) as ws:
            rec = Recorder(ws)
            await asyncio.wait_for(rec.handshake.wait(), 5)
        assert (await peer.stats(http))["last_query"]["seed"] == "7"
    return "7 refusals with 1006; --accept-seed lets seed through"


async def check_bad_crc(http):
    """One flipped CRC byte kills sphn's reader: no more audio, socket open."""
    async with PeerProcess() as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec = Recorder(ws)
            await asyncio.wait_for(rec.handshake.wait(), 5)
            pages = ogg_pages(tone(440, 2.0))
            bad = bytearray(pages[2 + 5])
            bad[22] ^= 0xFF  # first byte of the CRC field
            pages[2 + 5] = bytes(bad)
            await send_realtime(ws, pages)
            await asyncio.sleep(0.5)
            assert rec.closed_at is None, "socket closed; the real server stays mute"
            stats = await peer.stats(http)
        await rec.task
    s = stats["sessions"][0]
    assert s["reader_dead"], s
    assert s["samples_decoded"] == 5 * FRAME, f"decoded {s['samples_decoded']} samples, want the 5 good frames"
    assert s["ogg_in"]["bad_crc_pages"] == 1, s["ogg_in"]
    assert len(rec.audio) == 2 + 5, f"{len(rec.audio)} audio messages back"

    # --on-reader-death close: the peer ends the session with a close frame.
    async with PeerProcess("--on-reader-death", "close") as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec2 = Recorder(ws)
            await asyncio.wait_for(rec2.handshake.wait(), 5)
            sender = asyncio.create_task(send_realtime(ws, pages))
            await asyncio.wait_for(rec2.task, 3)
            await asyncio.gather(sender, return_exceptions=True)
            code = ws.close_code
    assert code == 1000, f"close code {code}"
    return f"reader dead ({s['reader_error']}); {len(rec.audio) - 2} frames back, then silence; close variant: {code}"


async def check_bos_before_handshake(http):
    """OpusHead sent before the handshake is discarded; the reader then dies."""
    async with PeerProcess() as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec = Recorder(ws)
            pages = ogg_pages(tone(440, 1.0))
            await ws.send_bytes(b"\x01" + pages[0])  # too early
            await asyncio.wait_for(rec.handshake.wait(), 5)
            for page in pages[1:]:
                await ws.send_bytes(b"\x01" + page)
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)
            stats = await peer.stats(http)
    s = stats["sessions"][0]
    assert s["messages_discarded"] == 1 and s["discarded_bos"], s
    assert s["reader_dead"] and s["samples_decoded"] == 0, s
    assert len(rec.audio) == 2, "only the writer's header pages come back"
    return "early OpusHead discarded, reader died on the next page"


async def check_one_session_at_a_time(http):
    """A second client is upgraded but waits silently until the first leaves."""
    async with PeerProcess() as peer:
        ws_a = await http.ws_connect(peer.url("/api/chat", **GOOD_QUERY))
        rec_a = Recorder(ws_a)
        await asyncio.wait_for(rec_a.handshake.wait(), 5)
        ws_b = await http.ws_connect(peer.url("/api/chat", **{**GOOD_QUERY, "text_prompt": "second"}))
        rec_b = Recorder(ws_b)
        await asyncio.sleep(1.0)
        assert not rec_b.handshake.is_set() and not rec_b.audio and not rec_b.text, "B got something"
        stats = await peer.stats(http)
        assert stats["connects_while_busy"] == 1 and stats["active_session"] == 1, stats
        released = time.time()
        await ws_a.close()
        await asyncio.wait_for(rec_b.handshake.wait(), 5)
        waited = rec_b.handshake_at - released
        assert waited >= PREFILL_MS / 1000 * 0.9, f"B's handshake {waited:.3f}s after A left"
        await ws_b.close()
    return f"B waited silently, got its handshake {waited:.2f}s after A left"


async def check_capacity(http):
    """--capacity 2 serves two sessions at once; a third waits silently."""
    async with PeerProcess("--capacity", "2") as peer:
        sockets, recs = [], []
        for i in range(3):
            ws = await http.ws_connect(peer.url("/api/chat", **{**GOOD_QUERY, "text_prompt": f"s{i}"}))
            sockets.append(ws)
            recs.append(Recorder(ws))
        await asyncio.wait_for(recs[0].handshake.wait(), 5)
        await asyncio.wait_for(recs[1].handshake.wait(), 5)
        await asyncio.sleep(1.0)
        assert not recs[2].handshake.is_set(), "the third session got a handshake"
        stats = await peer.stats(http)
        assert stats["connects_while_busy"] == 1, stats
        assert stats["max_concurrent_sessions"] == 2 and len(stats["active_sessions"]) == 2, stats
        await sockets[0].close()
        await asyncio.wait_for(recs[2].handshake.wait(), 5)
        for ws in sockets[1:]:
            await ws.close()
        stats = await peer.stats(http)
        assert stats["max_concurrent_sessions"] == 2, stats
    return "two sessions at once, the third waited for a free seat"


async def check_tone_mode(http):
    """tone:1000 answers a 440 Hz caller with 1 kHz at about -12 dBFS peak."""
    async with PeerProcess("--mode", "tone:1000", "--text", "") as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec = Recorder(ws)
            await asyncio.wait_for(rec.handshake.wait(), 5)
            await send_realtime(ws, ogg_pages(tone(440, 1.0)))
            await asyncio.sleep(0.4)
    got = decode(rec.audio_bytes())[2 * FRAME :]
    hz, peak = dominant_hz(got), 20 * np.log10(np.max(np.abs(got)))
    assert abs(hz - 1000) < 5 and -14 < peak < -10, (hz, peak)
    assert rec.text == []
    return f"{hz:.1f} Hz, peak {peak:.1f} dBFS"


async def check_mute_after(http):
    """mute-after:0.5 stops all audio after 0.5 s, socket stays open."""
    async with PeerProcess("--mode", "mute-after:0.5") as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec = Recorder(ws)
            await asyncio.wait_for(rec.handshake.wait(), 5)
            await send_realtime(ws, ogg_pages(tone(440, 1.5)))
            await asyncio.sleep(0.3)
            assert rec.closed_at is None
            stats = await peer.stats(http)
    last = max(t for t, _ in rec.audio) - rec.handshake_at
    assert last < 0.85, f"audio {last:.2f}s after the handshake"
    assert stats["sessions"][0]["muted"] and not stats["sessions"][0]["reader_dead"]
    return f"last audio {last:.2f}s after handshake, {len(rec.audio) - 2} frames"


async def check_no_handshake_and_close_after(http):
    async with PeerProcess("--mode", "no-handshake") as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec = Recorder(ws)
            await asyncio.sleep(PREFILL_MS / 1000 + 0.7)
            assert not rec.handshake.is_set() and rec.closed_at is None
    async with PeerProcess("--mode", "close-after:0.6") as peer:
        async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY)) as ws:
            rec = Recorder(ws)
            await asyncio.wait_for(rec.handshake.wait(), 5)
            sender = asyncio.create_task(send_realtime(ws, ogg_pages(tone(440, 2.0))))
            await asyncio.wait_for(rec.task, 3)
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            code = ws.close_code
        after = rec.closed_at - rec.handshake_at
    assert 0.55 < after < 1.2 and code == 1006, (after, code)
    return f"no-handshake holds the socket; close-after dropped it at {after:.2f}s (code {code})"


async def check_script_and_tls(http):
    """--script pieces and #wait pauses, served over wss with a self-signed cert."""
    if not shutil.which("openssl"):
        return "SKIPPED (no openssl)"
    with tempfile.TemporaryDirectory() as tmp:
        cert, key, script = (os.path.join(tmp, n) for n in ("cert.pem", "key.pem", "script.txt"))
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
             "-keyout", key, "-out", cert],
            check=True, capture_output=True,
        )
        with open(script, "w") as f:
            f.write(" Good\n morning\n#wait 400\n  two-space piece\n\n.\n")
        async with PeerProcess("--ssl-cert", cert, "--ssl-key", key, "--script", script) as peer:
            async with http.ws_connect(peer.url("/api/chat", **GOOD_QUERY), ssl=False) as ws:
                rec = Recorder(ws)
                await asyncio.wait_for(rec.handshake.wait(), 5)
                await send_realtime(ws, ogg_pages(tone(440, 1.2)))
                await asyncio.sleep(0.3)
    assert rec.text == [" Good", " morning", "  two-space piece", "."], rec.text
    assert len(rec.audio) == 2 + 15
    return f"wss ok, script pieces {rec.text}"


CHECKS = [
    check_echo_440,
    check_refusals,
    check_bad_crc,
    check_bos_before_handshake,
    check_one_session_at_a_time,
    check_capacity,
    check_tone_mode,
    check_mute_after,
    check_no_handshake_and_close_after,
    check_script_and_tls,
]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-k", help="run only checks whose name contains this")
    args = parser.parse_args()
    passed = failed = 0
    async with aiohttp.ClientSession() as http:
        for check in CHECKS:
            if args.k and args.k not in check.__name__:
                continue
            started = time.time()
            try:
                detail = await asyncio.wait_for(check(http), 30)
                passed += 1
                print(f"PASS {check.__name__} ({time.time() - started:.1f}s): {detail}", flush=True)
            except Exception as e:
                failed += 1
                print(f"FAIL {check.__name__}: {type(e).__name__}: {e}", flush=True)
                traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
