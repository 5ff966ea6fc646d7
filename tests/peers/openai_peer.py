#!/usr/bin/env python3
"""A stand-in for an OpenAI-compatible server (OpenAI, Kokoro-FastAPI, ...), for switchboard's tests.

It answers the documented request and response shapes of the OpenAI audio API
without any model, so tests can recognise what came back:

  * POST /v1/audio/speech: JSON {"model", "input", "voice", ["response_format"],
    ["speed"]} -> audio bytes. The audio is a sine tone (440 Hz unless
    --tts-hz) lasting 60 ms per input character (--tts-ms-per-char), divided
    by `speed`, at 24 kHz mono 16-bit, the rate OpenAI and Kokoro use. With
    response_format "wav" it is a WAV file (Content-Type audio/wav); with
    "pcm" it is raw s16le (Content-Type audio/pcm); --tts-answer-format makes
    it answer pcm or a streaming-style WAV (0xFFFFFFFF sizes) whatever was
    asked, as some servers do. Other formats (mp3, opus,
    aac, flac, OpenAI's default mp3 when the field is absent) are refused with
    400: the peer cannot encode them, and switchboard never asks for them.
  * GET /stats: JSON with per-endpoint request counts and each endpoint's last
    request body and headers, for tests to assert on.

Errors have OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
With --api-key, every /v1 request must carry "Authorization: Bearer <key>"
(401 otherwise). Each endpoint is one handler method registered in ROUTES, so
STT (/v1/audio/transcriptions) and chat (/v1/chat/completions) can be added
the same way.

The only line on stdout is `READY <port>`; logs go to stderr.
"""

import argparse
import asyncio
import io
import json
import logging
import signal
import socket
import sys
import wave

import numpy as np
from aiohttp import web

TTS_RATE = 24000
# -12 dBFS peak: loud enough to measure, far from clipping after resampling.
TONE_AMPLITUDE = 10 ** (-12 / 20)
# OpenAI's documented limit for `input` of /v1/audio/speech.
MAX_TTS_INPUT = 4096

log = logging.getLogger("openai-peer")


def openai_error(status, message, kind="invalid_request_error", param=None, code=None):
    """An error response shaped like OpenAI's."""
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return web.json_response(body, status=status)


class Peer:
    """The endpoints and what they have seen."""

    def __init__(self, args):
        self.args = args
        self.counts = {}
        self.last_bodies = {}
        self.last_headers = {}
        self.refused = {}

    # ------------------------------------------------------------------ helpers

    def record(self, request, body):
        """Counts a request and keeps its body and the headers tests care about."""
        path = request.path
        self.counts[path] = self.counts.get(path, 0) + 1
        self.last_bodies[path] = body
        self.last_headers[path] = {
            k: request.headers.get(k) for k in ("Authorization", "Content-Type", "Accept", "User-Agent")
        }

    def refuse(self, request, response):
        self.refused[request.path] = self.refused.get(request.path, 0) + 1
        return response

    def check_auth(self, request):
        """None when authorised (or no key configured), else the 401 response."""
        if not self.args.api_key:
            return None
        header = request.headers.get("Authorization", "")
        if header == f"Bearer {self.args.api_key}":
            return None
        if not header:
            msg = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        else:
            msg = "Incorrect API key provided."
        return openai_error(401, msg, code="invalid_api_key")

    async def json_body(self, request):
        """(body, None) or (None, error response) for a JSON object body."""
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None, openai_error(400, "We could not parse the JSON body of your request.")
        if not isinstance(body, dict):
            return None, openai_error(400, "The request body must be a JSON object.")
        return body, None

    # ---------------------------------------------------------------- endpoints

    async def handle_speech(self, request):
        """POST /v1/audio/speech."""
        body, error = await self.json_body(request)
        self.record(request, body)
        # OpenAI checks the key before it looks at the body.
        if (denied := self.check_auth(request)) is not None:
            return self.refuse(request, denied)
        if error:
            return self.refuse(request, error)
        for field in ("model", "input", "voice"):
            value = body.get(field)
            if not isinstance(value, str) or not value.strip():
                if field not in body:
                    msg = f"Missing required parameter: '{field}'."
                else:
                    msg = f"Invalid type or empty value for '{field}': expected a non-empty string."
                return self.refuse(request, openai_error(400, msg, param=field))
        if len(body["input"]) > MAX_TTS_INPUT:
            return self.refuse(request, openai_error(
                400, f"'input' is longer than {MAX_TTS_INPUT} characters.", param="input"))
        fmt = body.get("response_format", "mp3")
        if fmt not in ("wav", "pcm"):
            return self.refuse(request, openai_error(
                400, f"response_format {fmt!r} is not supported by this peer (only 'wav' and 'pcm').",
                param="response_format"))
        speed = body.get("speed", 1.0)
        if not isinstance(speed, (int, float)) or not 0.25 <= speed <= 4.0:
            return self.refuse(request, openai_error(
                400, "'speed' must be a number between 0.25 and 4.0.", param="speed"))

        log.info("speech: %d chars, voice %r, model %r, format %s", len(body["input"]), body["voice"], body["model"], fmt)
        if self.args.tts_delay_ms > 0:
            await asyncio.sleep(self.args.tts_delay_ms / 1000)
        if self.args.tts_fail:
            return openai_error(500, "The server had an error while processing your request.", kind="server_error")

        seconds = len(body["input"]) * self.args.tts_ms_per_char / 1000 / speed
        pcm = tone(self.args.tts_hz, seconds)
        answer = fmt if self.args.tts_answer_format == "asked" else self.args.tts_answer_format
        if answer == "pcm":
            return web.Response(body=pcm.tobytes(), content_type="audio/pcm")
        data = wav_bytes(pcm)
        if answer == "wav-streaming":
            # What a server streaming its WAV writes: sizes unknown when the header left.
            data = data[:4] + b"\xff\xff\xff\xff" + data[8:40] + b"\xff\xff\xff\xff" + data[44:]
        return web.Response(body=data, content_type="audio/wav")

    async def handle_stats(self, _request):
        """GET /stats."""
        return web.json_response({
            "counts": self.counts,
            "refused": self.refused,
            "last_bodies": self.last_bodies,
            "last_headers": self.last_headers,
        })


# Method, path, handler name: one line per endpoint.
ROUTES = [
    ("POST", "/v1/audio/speech", "handle_speech"),
    ("GET", "/stats", "handle_stats"),
]


def tone(hz, seconds):
    """A sine of `hz` for `seconds` at 24 kHz, as little-endian int16."""
    n = int(round(seconds * TTS_RATE))
    t = np.arange(n) / TTS_RATE
    return np.round(np.sin(2 * np.pi * hz * t) * TONE_AMPLITUDE * 32767).astype("<i2")


def wav_bytes(pcm):
    """A complete (sized) mono 16-bit WAV at 24 kHz."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TTS_RATE)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


# --------------------------------------------------------------------------
# Main


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="OpenAI-compatible API peer for switchboard's tests.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as READY <port>)")
    p.add_argument("--api-key", default="", help="require 'Authorization: Bearer <key>' on /v1 endpoints")
    p.add_argument("--tts-hz", type=float, default=440.0, help="frequency of the speech tone (default 440)")
    p.add_argument("--tts-ms-per-char", type=float, default=60.0, help="tone length per input character (default 60)")
    p.add_argument("--tts-delay-ms", type=float, default=0, help="wait this long before answering speech requests")
    p.add_argument("--tts-fail", action="store_true", help="answer valid speech requests with HTTP 500")
    p.add_argument("--tts-answer-format", choices=["asked", "pcm", "wav-streaming"], default="asked",
                   help="answer in the requested format (default), or always raw pcm (audio/pcm), "
                        "or always a WAV with 0xFFFFFFFF RIFF/data sizes, as streaming servers write")
    p.add_argument("--verbose", action="store_true", help="debug logging")
    return p.parse_args(argv)


async def serve(args):
    peer = Peer(args)
    app = web.Application()
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, getattr(peer, handler))
    runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
    await runner.setup()

    # Bind the socket ourselves so port 0 works and we know the real port before announcing it.
    family, kind, proto, _, address = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    site = web.SockSite(runner, sock)
    await site.start()
    port = sock.getsockname()[1]

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    log.info("listening on http://%s:%d (tone %g Hz, %g ms/char, delay %g ms, fail %s, key %s)",
             args.host, port, args.tts_hz, args.tts_ms_per_char, args.tts_delay_ms, args.tts_fail,
             "required" if args.api_key else "none")
    print(f"READY {port}", flush=True)  # the only stdout line, ever
    await stop.wait()
    log.info("signal received, shutting down")
    await runner.cleanup()


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
