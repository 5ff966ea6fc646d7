#!/usr/bin/env python3
"""A stand-in for the PersonaPlex server, for switchboard's tests.

It speaks the wire protocol of NVIDIA PersonaPlex (a Moshi-derived aiohttp
server; see docs/personaplex.md and docs/ogg.md) with the same Ogg/Opus library the
real server runs, sphn 0.1.12, so the strictness of the reader and the exact
page layout of the writer are the real ones, not a re-implementation.

What it reproduces, and why it matters to a client:
  * query checks happen right after the WebSocket upgrade and before the
    session lock; a refused request is dropped without a close frame (the
    real server raises inside its handler, the client sees 1006);
  * one session at a time (or --capacity N at once, like a batched server):
    later connections are upgraded and then wait on the lock silently;
  * a "prefill" delay before the one-byte handshake 0x00, during which
    anything the client sends is read and thrown away;
  * output audio is clocked by input audio: one 80 ms output frame per 80 ms
    of decoded input; no input, no output;
  * a bad Ogg stream (bad CRC, no BOS first, second BOS) kills sphn's reader
    for the rest of the session, and the session goes mute.

Run with --help for the flags; README.md next to this file explains how
tests use it. The only line on stdout is `READY <port>`; logs go to stderr.
"""

import argparse
import asyncio
import itertools
import json
import logging
import signal
import socket
import ssl
import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import sphn
from aiohttp import WSMsgType, web

SAMPLE_RATE = 24000
# Moshi/PersonaPlex run at 12.5 Hz: one model step per 80 ms of audio.
FRAME_SAMPLES = 1920
VOICES = frozenset(
    [f"NATF{i}" for i in range(4)]
    + [f"NATM{i}" for i in range(4)]
    + [f"VARF{i}" for i in range(5)]
    + [f"VARM{i}" for i in range(5)]
)
# -12 dBFS peak for the tone mode.
TONE_AMPLITUDE = 10 ** (-12 / 20)

log = logging.getLogger("personaplex-peer")


# --------------------------------------------------------------------------
# Command line


@dataclass(frozen=True)
class Mode:
    name: str  # echo | tone | mute-after | no-handshake | close-after
    value: float = 0.0  # Hz for tone, seconds for mute-after/close-after

    def __str__(self):
        return self.name if self.name in ("echo", "no-handshake") else f"{self.name}:{self.value:g}"


def parse_mode(text: str) -> Mode:
    name, _, arg = text.partition(":")
    if name in ("echo", "no-handshake") and not arg:
        return Mode(name)
    if name in ("tone", "mute-after", "close-after") and arg:
        try:
            value = float(arg)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name}: not a number: {arg!r}")
        if value <= 0 and name == "tone":
            raise argparse.ArgumentTypeError("tone frequency must be > 0")
        if value < 0:
            raise argparse.ArgumentTypeError(f"{name}: must be >= 0")
        return Mode(name, value)
    raise argparse.ArgumentTypeError(
        "mode is one of: echo, tone:<hz>, mute-after:<s>, no-handshake, close-after:<s>"
    )


def split_text(text: str) -> list:
    """Split a sentence into pieces the way the model's tokenizer output looks
    on the wire: one piece per word, each with a leading space (SentencePiece's
    word-start marker, which the server turns into a space)."""
    return [" " + word for word in text.split()]


def load_script(path: str) -> list:
    """One text piece per line (leading spaces kept, since they mean "word
    start"); `#wait <ms>` pauses; blank lines are skipped. Returns a list of
    str pieces and float pauses (seconds)."""
    items = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if line.startswith("#wait"):
                try:
                    items.append(float(line.split()[1]) / 1000.0)
                except (IndexError, ValueError):
                    raise SystemExit(f"{path}:{number}: expected '#wait <ms>'")
            elif line.strip():
                items.append(line)
    return items


# --------------------------------------------------------------------------
# Ogg inspection, for the stats only. The peer never uses this to decide what
# to decode (sphn does that); it lets tests assert what the client really put
# on the wire: how many pages, how many BOS pages, how many bad CRCs.


def _ogg_crc_table():
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_OGG_CRC_TABLE = _ogg_crc_table()


def ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC_TABLE[((crc >> 24) ^ byte) & 0xFF]
    return crc


class OggPageCounter:
    """Splits a byte stream into Ogg pages incrementally and counts them."""

    def __init__(self):
        self.buf = bytearray()
        self.pages = 0
        self.bos_pages = 0
        self.bad_crc_pages = 0
        self.junk_bytes = 0  # bytes skipped while looking for "OggS"
        self.sequence_gaps = 0
        self.serials = set()
        self.last_granule = None
        self._last_seq = {}

    def feed(self, data: bytes):
        self.buf += data
        while True:
            start = self.buf.find(b"OggS")
            if start < 0:
                # Keep 3 bytes: "OggS" may be split across two messages.
                keep = min(len(self.buf), 3)
                self.junk_bytes += len(self.buf) - keep
                del self.buf[: len(self.buf) - keep]
                return
            if start:
                self.junk_bytes += start
                del self.buf[:start]
            if len(self.buf) < 27:
                return
            nseg = self.buf[26]
            if len(self.buf) < 27 + nseg:
                return
            size = 27 + nseg + sum(self.buf[27 : 27 + nseg])
            if len(self.buf) < size:
                return
            page = bytes(self.buf[:size])
            del self.buf[:size]
            self._count(page)

    def _count(self, page: bytes):
        self.pages += 1
        header_type = page[5]
        serial = int.from_bytes(page[14:18], "little")
        seq = int.from_bytes(page[18:22], "little")
        stored_crc = int.from_bytes(page[22:26], "little")
        if ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]) != stored_crc:
            self.bad_crc_pages += 1
        if header_type & 0x02:
            self.bos_pages += 1
        if serial in self._last_seq and seq != self._last_seq[serial] + 1:
            self.sequence_gaps += 1
        self._last_seq[serial] = seq
        self.serials.add(serial)
        self.last_granule = int.from_bytes(page[6:14], "little", signed=True)

    def as_dict(self):
        return {
            "pages": self.pages,
            "bos_pages": self.bos_pages,
            "bad_crc_pages": self.bad_crc_pages,
            "junk_bytes": self.junk_bytes,
            "sequence_gaps": self.sequence_gaps,
            "serials": sorted(self.serials),
            "last_granule": self.last_granule,
        }


def has_bos_page(data: bytes) -> bool:
    """True if data holds the start of an Ogg page with the BOS flag."""
    at = data.find(b"OggS")
    while 0 <= at and at + 5 < len(data):
        if data[at + 5] & 0x02:
            return True
        at = data.find(b"OggS", at + 1)
    return False


# --------------------------------------------------------------------------
# Stats


@dataclass
class SessionStats:
    id: int
    remote: str
    query: dict
    started_at: float = field(default_factory=time.time)
    handshake_sent: bool = False
    handshake_at: float = None
    # Before the handshake: read and thrown away, like the real server.
    messages_discarded: int = 0
    bytes_discarded: int = 0
    discarded_bos: bool = False
    # After the handshake.
    audio_messages_received: int = 0
    bytes_received: int = 0  # Ogg payload bytes of 0x01 messages
    other_messages_received: int = 0  # other kinds and text frames: ignored
    packets_decoded: int = 0  # one sphn read_pcm() result = one Opus packet
    samples_decoded: int = 0
    frames_processed: int = 0  # 80 ms input frames consumed by the "model"
    samples_sent: int = 0  # PCM samples handed to the Opus writer
    audio_messages_sent: int = 0  # 0x01 messages (one Ogg page each)
    audio_bytes_sent: int = 0
    text_pieces_sent: int = 0
    text_sent: str = ""
    reader_dead: bool = False
    reader_error: str = None
    muted: bool = False
    ended: bool = False
    end_reason: str = None
    ogg_in: dict = None  # filled from OggPageCounter when read


class Stats:
    def __init__(self):
        self.connections = 0
        self.sessions_started = 0
        self.handshakes_sent = 0
        self.refusals = []  # {"reason", "query", "at"}
        self.connects_while_busy = 0
        self.last_query = None
        self.sessions = []
        self.counters = {}  # session id -> OggPageCounter
        self.active_sessions = []  # ids of the sessions running now, oldest first
        self.max_concurrent_sessions = 0

    def as_dict(self):
        sessions = []
        for s in self.sessions:
            s.ogg_in = self.counters[s.id].as_dict()
            sessions.append(asdict(s))
        return {
            "connections": self.connections,
            "sessions_started": self.sessions_started,
            "handshakes_sent": self.handshakes_sent,
            "sessions_refused": len(self.refusals),
            "refusals": self.refusals,
            "connects_while_busy": self.connects_while_busy,
            # The newest running session (the only one, without --capacity).
            "active_session": self.active_sessions[-1] if self.active_sessions else None,
            "active_sessions": list(self.active_sessions),
            "max_concurrent_sessions": self.max_concurrent_sessions,
            "last_query": self.last_query,
            "sessions": sessions,
        }


# --------------------------------------------------------------------------
# The server


class Refused(Exception):
    """Raised from the handler after the upgrade, exactly where the real
    server crashes (KeyError, FileNotFoundError, ...). aiohttp then drops the
    connection without a close frame: the client sees code 1006."""


class _HideRefusalTracebacks(logging.Filter):
    # aiohttp logs every handler exception with a traceback; ours are
    # deliberate and already logged with their reason.
    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, Refused)


class Peer:
    def __init__(self, args):
        self.args = args
        self.mode = args.mode
        # One seat per session the "GPU" runs at once; a connection past them
        # waits, like the real server's lock.
        self.lock = asyncio.Semaphore(args.capacity)
        self.stats = Stats()
        self.ids = itertools.count(1)
        self.open_sockets = set()  # every prepared WebSocket, for shutdown
        self.shutting_down = False
        if args.script:
            self.text_items = load_script(args.script)
        else:
            self.text_items = split_text(args.text)

    # ---- query checks, in the real server's order ----

    def check_query(self, query) -> str:
        """Reason to refuse before the lock, or None. The real server reads
        voice_prompt, then text_prompt, then seed, all before the lock."""
        voice = query.get("voice_prompt")
        if voice is None:
            return "voice_prompt missing"
        if "/" in voice or "\\" in voice:
            return f"voice_prompt has a directory part: {voice!r}"
        if not voice.endswith(".pt"):
            return f"voice_prompt must be a file name ending in .pt: {voice!r}"
        if voice[: -len(".pt")] not in VOICES:
            return f"unknown voice_prompt: {voice!r}"
        if "text_prompt" not in query:
            return "text_prompt missing"
        if "seed" in query and not self.args.accept_seed:
            # Old releases: `int(request["seed"])` reads the wrong dict.
            return "seed present (old server bug: KeyError before the handshake)"
        return None

    def refuse(self, reason, query):
        log.warning("refused: %s (query %s)", reason, dict(query))
        self.stats.refusals.append({"reason": reason, "query": dict(query), "at": time.time()})
        raise Refused(reason)

    # ---- handlers ----

    async def handle_stats(self, request):
        return web.json_response(self.stats.as_dict(), dumps=lambda o: json.dumps(o, indent=1))

    async def handle_chat(self, request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.open_sockets.add(ws)
        try:
            return await self._chat(request, ws)
        finally:
            self.open_sockets.discard(ws)

    async def _chat(self, request, ws):
        stats = self.stats
        stats.connections += 1
        query = request.query
        stats.last_query = {
            "voice_prompt": query.get("voice_prompt"),
            "text_prompt": query.get("text_prompt"),
            "seed_present": "seed" in query,
            "seed": query.get("seed"),
            "all": dict(query),
        }
        log.info("connection from %s: %s", request.remote, dict(query))
        if self.lock.locked():
            # The real server writes the new prompts into the shared model
            # before taking the lock, corrupting the running session: a
            # correct client never does this. Tests assert this stays 0.
            stats.connects_while_busy += 1
            log.warning("connection while a session is running (the real server's prompt would be overwritten)")

        reason = self.check_query(query)
        if reason:
            self.refuse(reason, query)

        async with self.lock:
            if query["text_prompt"] == "":
                # The real server only crashes once prefill starts, inside the lock.
                self.refuse("empty text_prompt (crashes in prefill)", query)
            session = SessionStats(id=next(self.ids), remote=str(request.remote), query=dict(query))
            stats.sessions.append(session)
            stats.counters[session.id] = OggPageCounter()
            stats.sessions_started += 1
            stats.active_sessions.append(session.id)
            stats.max_concurrent_sessions = max(stats.max_concurrent_sessions, len(stats.active_sessions))
            log.info("session %d started (mode %s)", session.id, self.mode)
            try:
                session.end_reason = await self._session(request, ws, session)
            except ConnectionError as e:  # the client vanished mid-send
                session.end_reason = f"{type(e).__name__}: {e}"
            except asyncio.CancelledError:
                session.end_reason = "cancelled (peer shutting down)"
                raise
            finally:
                session.ended = True
                stats.active_sessions.remove(session.id)
                log.info("session %d ended: %s", session.id, session.end_reason)
        if not ws.closed:
            try:
                await ws.close()
            except ConnectionError:
                pass
        return ws

    async def _session(self, request, ws, session):
        # Created before the prefill, as in the real server, so the writer's
        # header pages are ready to go the moment the handshake is out.
        reader = sphn.OpusStreamReader(SAMPLE_RATE)
        writer = sphn.OpusStreamWriter(SAMPLE_RATE)
        handshake_done = asyncio.Event()
        recv = asyncio.create_task(self._recv_loop(ws, session, reader, handshake_done))
        tasks = [recv]
        try:
            if self.mode.name == "no-handshake":
                # Like a prefill that never ends: hold the lock until the
                # client gives up.
                await recv
                return "client left (no handshake sent: no-handshake mode)"

            await asyncio.wait([recv], timeout=self.args.prefill_ms / 1000.0)
            if recv.done():
                return "client left during prefill"

            # Set before sending: whatever the client sends once it has the
            # handshake must not be mistaken for pre-handshake data.
            handshake_done.set()
            await ws.send_bytes(b"\x00")
            session.handshake_sent = True
            session.handshake_at = time.time()
            self.stats.handshakes_sent += 1
            log.info("session %d: handshake sent", session.id)

            pump = asyncio.create_task(self._pump_loop(ws, session, reader, writer))
            text = asyncio.create_task(self._text_loop(ws, session))
            tasks += [pump, text]
            enders = [recv, pump]
            if self.mode.name == "close-after":
                closer = asyncio.create_task(self._close_after(request, session))
                tasks.append(closer)
                enders.append(closer)
            done, _ = await asyncio.wait(enders, return_when=asyncio.FIRST_COMPLETED)
            finished = done.pop()
            if finished.exception() is not None:
                return f"{type(finished.exception()).__name__}: {finished.exception()}"
            return finished.result()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            reader.close()

    def _reader_died(self, session, why):
        if not session.reader_dead:
            session.reader_dead = True
            session.reader_error = why
            log.error("session %d: sphn reader dead (%s); the session is mute from now on", session.id, why)

    async def _recv_loop(self, ws, session, reader, handshake_done):
        counter = self.stats.counters[session.id]
        tail = b""  # end of the previous discarded message, for split pages
        async for msg in ws:
            if msg.type == WSMsgType.ERROR:
                return f"websocket error: {ws.exception()}"
            if msg.type != WSMsgType.BINARY or not msg.data:
                session.other_messages_received += 1
                continue
            data = msg.data
            if not handshake_done.is_set():
                # The real server's prefill reads and drops these. If one
                # held the BOS page, the reader will later start mid-stream
                # and die on the first page it gets: sphn decides that.
                session.messages_discarded += 1
                session.bytes_discarded += len(data)
                if data[0] == 1 and has_bos_page(tail + data[1:]) and not session.discarded_bos:
                    session.discarded_bos = True
                    log.warning(
                        "session %d: an Ogg BOS page arrived before the handshake and was discarded; "
                        "the real server's reader will die on the next page",
                        session.id,
                    )
                tail = data[-5:] if data[0] == 1 else b""
                continue
            if data[0] != 1:
                session.other_messages_received += 1
                log.debug("session %d: ignored message kind %d", session.id, data[0])
                continue
            payload = data[1:]
            session.audio_messages_received += 1
            session.bytes_received += len(payload)
            counter.feed(payload)
            if session.reader_dead:
                continue
            try:
                reader.append_bytes(payload)
            except Exception as e:  # sphn: "sending on a closed channel"
                self._reader_died(session, f"append_bytes raised {type(e).__name__}: {e}")
        return "peer shutting down" if self.shutting_down else "client closed"

    def _output_frame(self, chunk, session):
        if self.mode.name == "tone":
            # Phase continues across frames, so the tone is clean.
            n = np.arange(session.samples_sent, session.samples_sent + FRAME_SAMPLES)
            return (TONE_AMPLITUDE * np.sin(2 * np.pi * self.mode.value * n / SAMPLE_RATE)).astype(np.float32)
        return np.clip(chunk, -1.0, 1.0).astype(np.float32)

    def _is_muted(self, session):
        if self.mode.name != "mute-after" or session.handshake_at is None:
            return False
        if time.time() - session.handshake_at >= self.mode.value:
            if not session.muted:
                session.muted = True
                log.warning("session %d: mute-after reached, no more audio or text (socket stays open)", session.id)
            return True
        return False

    async def _pump_loop(self, ws, session, reader, writer):
        """Decode input, run one output frame per 80 ms input frame, send
        every page the writer produces as its own 0x01 message. Polls every
        millisecond, like the real server's opus_loop/send_loop."""
        pending = np.zeros(0, dtype=np.float32)
        while True:
            await asyncio.sleep(0.001)
            while not session.reader_dead:
                try:
                    pcm = reader.read_pcm()
                except Exception as e:
                    self._reader_died(session, f"read_pcm raised {type(e).__name__}: {e}")
                    break
                if pcm is None:
                    # sphn's worker thread stopped: bad CRC, no BOS first,
                    # second BOS. read_pcm() returns None from then on.
                    self._reader_died(session, "read_pcm returned None (bad CRC, missing BOS or second BOS)")
                    break
                if pcm.shape[-1] == 0:
                    break
                session.packets_decoded += 1
                session.samples_decoded += pcm.shape[-1]
                pending = np.concatenate((pending, pcm))
            if session.reader_dead and self.args.on_reader_death == "close":
                return "reader dead (on-reader-death=close)"
            while pending.shape[-1] >= FRAME_SAMPLES:
                chunk, pending = pending[:FRAME_SAMPLES], pending[FRAME_SAMPLES:]
                session.frames_processed += 1
                if self._is_muted(session):
                    continue
                writer.append_pcm(self._output_frame(chunk, session))
                session.samples_sent += FRAME_SAMPLES
            # sphn 0.1.12 returns one page per read_bytes() call.
            while not self._is_muted(session):
                page = writer.read_bytes()
                if not page:
                    break
                await ws.send_bytes(b"\x01" + page)
                session.audio_messages_sent += 1
                session.audio_bytes_sent += len(page)

    async def _text_loop(self, ws, session):
        await asyncio.sleep(self.args.text_delay_ms / 1000.0)
        interval = self.args.text_interval_ms / 1000.0
        for item in self.text_items:
            if isinstance(item, float):
                await asyncio.sleep(item)
                continue
            # A dead or muted model is not stepped, so it says nothing either.
            if session.reader_dead or self._is_muted(session):
                return
            await ws.send_bytes(b"\x02" + item.encode("utf-8"))
            session.text_pieces_sent += 1
            session.text_sent += item
            await asyncio.sleep(interval)

    async def _close_after(self, request, session):
        await asyncio.sleep(self.mode.value)
        log.warning("session %d: close-after reached, dropping the connection (no close frame)", session.id)
        request.transport.abort()
        return "closed abruptly (close-after)"

    async def on_shutdown(self, app):
        self.shutting_down = True
        # Bounded: aiohttp waits up to 10 s for a client's close reply.
        closes = [asyncio.wait_for(ws.close(code=1001, message=b"peer shutting down"), 1.0)
                  for ws in list(self.open_sockets)]
        await asyncio.gather(*closes, return_exceptions=True)


# --------------------------------------------------------------------------
# Main


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="PersonaPlex protocol peer for switchboard's tests.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as READY <port>)")
    p.add_argument("--mode", type=parse_mode, default=Mode("echo"),
                   help="echo | tone:<hz> | mute-after:<s> | no-handshake | close-after:<s> (default echo)")
    p.add_argument("--prefill-ms", type=float, default=500, help="delay before the handshake (default 500)")
    p.add_argument("--text", default="Hello, thanks for calling.",
                   help="agent text, sent one word per 0x02 message")
    p.add_argument("--script", help="file: one text piece per line, '#wait <ms>' pauses (overrides --text)")
    p.add_argument("--text-interval-ms", type=float, default=80, help="pause between text pieces (default 80)")
    p.add_argument("--text-delay-ms", type=float, default=200, help="first text piece this long after the handshake")
    p.add_argument("--capacity", type=int, default=1,
                   help="sessions served at once, like a batched server (default 1, the stock server)")
    p.add_argument("--on-reader-death", choices=["mute", "close"], default="mute",
                   help="after a bad Ogg stream: stay open and mute (default), or close the socket")
    p.add_argument("--accept-seed", action="store_true",
                   help="behave like newer releases that accept `seed` (default: refuse, like old ones)")
    p.add_argument("--ssl-cert", help="PEM certificate: serve wss/https")
    p.add_argument("--ssl-key", help="PEM private key for --ssl-cert")
    p.add_argument("--verbose", action="store_true", help="debug logging")
    args = p.parse_args(argv)
    if args.capacity < 1:
        p.error("--capacity must be at least 1")
    if bool(args.ssl_cert) != bool(args.ssl_key):
        p.error("--ssl-cert and --ssl-key go together")
    return args


async def serve(args):
    peer = Peer(args)
    app = web.Application()
    app.router.add_get("/api/chat", peer.handle_chat)
    app.router.add_get("/stats", peer.handle_stats)
    app.on_shutdown.append(peer.on_shutdown)
    runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
    await runner.setup()

    ssl_context = None
    if args.ssl_cert:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(args.ssl_cert, args.ssl_key)

    # Bind the socket ourselves so port 0 works and we know the real port
    # before announcing it.
    family, kind, proto, _, address = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    site = web.SockSite(runner, sock, ssl_context=ssl_context)
    await site.start()
    port = sock.getsockname()[1]

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    log.info(
        "listening on %s://%s:%d/api/chat, mode %s, prefill %g ms, %d text items",
        "wss" if ssl_context else "ws", args.host, port, args.mode, args.prefill_ms, len(peer.text_items),
    )
    print(f"READY {port}", flush=True)
    await stop.wait()
    log.info("signal received, shutting down")
    await runner.cleanup()
    log.info("stopped")


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    logging.getLogger("aiohttp.server").addFilter(_HideRefusalTracebacks())
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
