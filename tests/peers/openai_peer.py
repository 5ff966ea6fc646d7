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
  * POST /v1/audio/transcriptions: multipart/form-data with `file` (a RIFF/WAVE
    file of 16-bit PCM; anything else is refused with 400) and `model`, plus
    optional `language`, `prompt`, `temperature` and `response_format` (json,
    the default, -> {"text": ...}; text -> the bare text; verbose_json ->
    {"task", "language", "duration", "text", "segments": []}). The text is the
    next line of --stt-script (after the last line: "", or the first line
    again with --cycle-scripts), else --stt-text. --stt-fail answers 500 and
    --stt-delay-ms waits first.
  * POST /v1/chat/completions: JSON {"model", "messages", ["tools"],
    ["tool_choice"], ["temperature"], ["response_format"], ...}. The messages are checked like
    OpenAI does: known roles, content where required, every `tool` message
    answering a `tool_calls` id of the assistant message before it, and every
    such id answered before the next non-tool message. The answer is the next
    turn of --chat-script, JSON lines of either {"text": "..."} (a normal
    assistant message, finish_reason "stop") or {"tool_call": {"name": ...,
    "arguments": {...}}} (finish_reason "tool_calls", with
    message.tool_calls = [{"id": "call_N", "type": "function", "function":
    {"name", "arguments": "<JSON string>"}}]; "arguments" given as a string is
    sent as is, to test bad JSON; {"tool_calls": [...]} gives several calls).
    After the last turn (or without a script) it answers --chat-text, or
    starts the script again with --cycle-scripts. A scripted tool the request
    did not offer in `tools` is a 500 ("peer_script_error"), so a client that
    forgot its tools fails loudly. --chat-fail answers 500 and --chat-delay-ms
    waits first. `stream` and n > 1 are refused (400). A `response_format` is
    checked like OpenAI does (type text, json_object or json_schema; a
    json_schema needs a name and a schema, and under "strict" every object
    must require all its properties and forbid additional ones). A turn
    {"json": {...}} answers that object as the message's content (JSON text);
    it needs a json_schema response_format, and under "strict" exactly the
    schema's properties, or it is a 500 "peer_script_error". Any turn may
    carry "delay_ms" (waited before answering, on top of --chat-delay-ms);
    a turn {"status": 500} answers that HTTP status with an OpenAI error.
  * GET /stats: JSON with per-endpoint request counts and each endpoint's last
    request body and headers, for tests to assert on. For transcriptions the
    "body" is the form: its text fields, and under "file" the part's
    filename, content_type and size plus the WAV's channels, sample_width,
    sample_rate, frames and duration_ms. For chat, "tool_messages" lists every
    request whose last message was a `tool` message ({"tool_call_id",
    "content", "request"} with the request's index), "last_tool_message" the
    latest, and "chat_answers" what was answered, in order.

Errors have OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
With --api-key, every /v1 request must carry "Authorization: Bearer <key>"
(401 otherwise). Each endpoint is one handler method registered in ROUTES.

The only line on stdout is `READY <port>`; logs go to stderr.
"""

import argparse
import asyncio
import io
import json
import logging
import re
import signal
import socket
import sys
import time
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
        self.stt_script = read_lines(args.stt_script) if args.stt_script else None
        self.stt_next = 0
        self.chat_script = read_chat_script(args.chat_script) if args.chat_script else None
        self.chat_next = 0
        self.tool_call_counter = 0
        self.completion_counter = 0
        self.tool_messages = []
        self.chat_answers = []

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

    async def handle_transcriptions(self, request):
        """POST /v1/audio/transcriptions."""
        form, error = await self.form_body(request)
        self.record(request, form)
        if (denied := self.check_auth(request)) is not None:
            return self.refuse(request, denied)
        if error:
            return self.refuse(request, error)
        if "file" not in form:
            return self.refuse(request, openai_error(400, "Missing required parameter: 'file'.", param="file"))
        if not form.get("model", "").strip():
            return self.refuse(request, openai_error(400, "Missing required parameter: 'model'.", param="model"))
        info = form["file"]
        if "wav_error" in info:
            return self.refuse(request, openai_error(
                400, f"Invalid file format: {info['wav_error']} (this peer takes 16-bit PCM WAV only).",
                param="file"))
        fmt = form.get("response_format", "json")
        if fmt not in ("json", "text", "verbose_json"):
            return self.refuse(request, openai_error(
                400, f"response_format {fmt!r} is not supported by this peer (json, text, verbose_json).",
                param="response_format"))

        log.info("transcription: %s, %d Hz, %d ms, model %r, language %r", info["filename"],
                 info["sample_rate"], info["duration_ms"], form["model"], form.get("language"))
        if self.args.stt_delay_ms > 0:
            await asyncio.sleep(self.args.stt_delay_ms / 1000)
        if self.args.stt_fail:
            return openai_error(500, "The server had an error while processing your request.", kind="server_error")

        text = self.next_transcript()
        if fmt == "text":
            return web.Response(text=text + "\n", content_type="text/plain")
        if fmt == "verbose_json":
            return web.json_response({
                "task": "transcribe",
                "language": form.get("language") or "english",
                "duration": info["duration_ms"] / 1000,
                "text": text,
                "segments": [],
            })
        return web.json_response({"text": text})

    async def handle_chat(self, request):
        """POST /v1/chat/completions."""
        body, error = await self.json_body(request)
        self.record(request, body)
        if (denied := self.check_auth(request)) is not None:
            return self.refuse(request, denied)
        if error:
            return self.refuse(request, error)
        if (problem := check_chat_request(body)) is not None:
            message, param = problem
            return self.refuse(request, openai_error(400, message, param=param))

        messages = body["messages"]
        last = messages[-1]
        if last["role"] == "tool":
            entry = {"tool_call_id": last["tool_call_id"], "content": last["content"],
                     "request": self.counts[request.path]}
            self.tool_messages.append(entry)
            log.info("chat: tool result for %s: %r", last["tool_call_id"], last["content"])

        turn = self.peek_chat_turn()
        delay_ms = self.args.chat_delay_ms + turn.get("delay_ms", 0)
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)
        if self.args.chat_fail:
            return openai_error(500, "The server had an error while processing your request.", kind="server_error")
        if "status" in turn:
            self.advance_chat_script()
            return openai_error(turn["status"], turn.get("message", "The server had an error while processing your request."),
                                kind="server_error")
        if "json" in turn and (problem := check_scripted_json(turn["json"], body.get("response_format"))):
            # The turn stays next, like a tool the request did not offer.
            return openai_error(500, problem, kind="peer_script_error")

        offered = {t["function"]["name"] for t in body.get("tools") or []}
        calls = turn.get("tool_calls") or ([turn["tool_call"]] if "tool_call" in turn else [])
        for call in calls:
            if call["name"] not in offered:
                # The turn stays next: the script is not advanced by a request that failed.
                return openai_error(
                    500, f"peer script wants tool {call['name']!r}, but the request offered {sorted(offered)}",
                    kind="peer_script_error")
        self.advance_chat_script()

        self.completion_counter += 1
        if calls:
            tool_calls = []
            for call in calls:
                self.tool_call_counter += 1
                arguments = call.get("arguments", {})
                if not isinstance(arguments, str):
                    arguments = json.dumps(arguments)
                tool_calls.append({"id": f"call_{self.tool_call_counter}", "type": "function",
                                   "function": {"name": call["name"], "arguments": arguments}})
            message = {"role": "assistant", "content": None, "tool_calls": tool_calls, "refusal": None}
            finish = "tool_calls"
            completion_text = json.dumps(tool_calls)
        else:
            text = json.dumps(turn["json"]) if "json" in turn else turn["text"]
            message = {"role": "assistant", "content": text, "refusal": None}
            finish = "stop"
            completion_text = text
        self.chat_answers.append(message)
        log.info("chat: %d messages -> %s", len(messages), finish)
        prompt_tokens = sum(len(json.dumps(m).split()) for m in messages)
        completion_tokens = len(completion_text.split())
        return web.json_response({
            "id": f"chatcmpl-peer{self.completion_counter}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
            "system_fingerprint": None,
        })

    async def handle_stats(self, _request):
        """GET /stats."""
        return web.json_response({
            "counts": self.counts,
            "refused": self.refused,
            "last_bodies": self.last_bodies,
            "last_headers": self.last_headers,
            "tool_messages": self.tool_messages,
            "last_tool_message": self.tool_messages[-1] if self.tool_messages else None,
            "chat_answers": self.chat_answers,
        })

    # ------------------------------------------------------------ STT and chat

    async def form_body(self, request):
        """(form, None) or (form-so-far, error response) for a multipart/form-data body.

        Text fields become strings; the `file` part becomes a description of it (and of
        the WAV inside, or `wav_error`)."""
        form = {}
        if not request.content_type.startswith("multipart/form-data"):
            return form, openai_error(
                400, f"Expected multipart/form-data, got Content-Type {request.content_type!r}.")
        try:
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if part.name == "file":
                    data = await part.read()
                    form["file"] = describe_upload(part.filename, part.headers.get("Content-Type"), data)
                elif part.name:
                    form[part.name] = await part.text()
        except (ValueError, AssertionError, UnicodeDecodeError) as e:
            return form, openai_error(400, f"Could not parse the multipart form: {e}")
        return form, None

    def next_transcript(self):
        if self.stt_script is None:
            return self.args.stt_text
        if self.stt_next >= len(self.stt_script):
            if not self.args.cycle_scripts or not self.stt_script:
                return ""
            self.stt_next = 0
        text = self.stt_script[self.stt_next]
        self.stt_next += 1
        return text

    def peek_chat_turn(self):
        """The turn the next successful chat answer gives (see advance_chat_script)."""
        if self.chat_script:
            if self.chat_next >= len(self.chat_script) and self.args.cycle_scripts:
                self.chat_next = 0
            if self.chat_next < len(self.chat_script):
                return self.chat_script[self.chat_next]
        return {"text": self.args.chat_text}

    def advance_chat_script(self):
        if self.chat_script and self.chat_next < len(self.chat_script):
            self.chat_next += 1


# Method, path, handler name: one line per endpoint.
ROUTES = [
    ("POST", "/v1/audio/speech", "handle_speech"),
    ("POST", "/v1/audio/transcriptions", "handle_transcriptions"),
    ("POST", "/v1/chat/completions", "handle_chat"),
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


def describe_upload(filename, content_type, data):
    """What /stats shows of an uploaded audio file: the part, and the WAV inside."""
    info = {"filename": filename, "content_type": content_type, "bytes": len(data)}
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        info["wav_error"] = "not a RIFF/WAVE file"
        return info
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            channels, width, rate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
    except (wave.Error, EOFError) as e:
        # The wave module refuses anything but integer PCM ("unknown format: 3").
        info["wav_error"] = f"bad WAV: {e}"
        return info
    info.update({"channels": channels, "sample_width": width, "sample_rate": rate, "frames": frames,
                 "duration_ms": round(frames * 1000 / rate) if rate else 0})
    if width != 2:
        info["wav_error"] = f"{8 * width}-bit samples, not 16-bit"
    elif rate == 0:
        info["wav_error"] = "sample rate 0"
    return info


CHAT_ROLES = ("system", "developer", "user", "assistant", "tool")


def check_chat_request(body):
    """None when `body` is a chat completion request OpenAI would take, else (message, param)."""
    if not isinstance(body.get("model"), str) or not body["model"].strip():
        return "Missing required parameter: 'model'.", "model"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "Missing required parameter: 'messages' (a non-empty array).", "messages"
    if body.get("stream"):
        return "This peer does not stream: 'stream' must be false or absent.", "stream"
    if body.get("n", 1) != 1:
        return "This peer answers one choice: 'n' must be 1.", "n"
    temperature = body.get("temperature", 1)
    if not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2:
        return "'temperature' must be a number between 0 and 2.", "temperature"
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list) or not tools:
            return "'tools' must be a non-empty array when given.", "tools"
        for i, t in enumerate(tools):
            fn = t.get("function") if isinstance(t, dict) else None
            if not isinstance(fn, dict) or t.get("type") != "function" or not isinstance(fn.get("name"), str):
                return f"Invalid 'tools[{i}]': expected {{\"type\": \"function\", \"function\": {{\"name\", ...}}}}.", f"tools[{i}]"
            if "parameters" in fn and not isinstance(fn["parameters"], dict):
                return f"Invalid 'tools[{i}].function.parameters': expected an object.", f"tools[{i}].function.parameters"
    elif "tool_choice" in body:
        return "'tool_choice' is only allowed when 'tools' are specified.", "tool_choice"

    if "response_format" in body and (problem := check_response_format(body["response_format"])):
        return problem

    awaiting = []  # tool_call ids of the last assistant message not answered yet
    for i, m in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(m, dict) or m.get("role") not in CHAT_ROLES:
            return f"Invalid value for '{where}.role': expected one of {', '.join(CHAT_ROLES)}.", f"{where}.role"
        role = m["role"]
        if role != "tool" and awaiting:
            return ("An assistant message with 'tool_calls' must be followed by tool messages responding "
                    f"to each 'tool_call_id'. The following tool_call_ids did not have response messages: "
                    f"{', '.join(awaiting)}", f"{where}.role")
        content = m.get("content")
        if role in ("system", "developer", "user"):
            if not isinstance(content, (str, list)):
                return f"Invalid type for '{where}.content': expected a string or an array.", f"{where}.content"
        elif role == "assistant":
            calls = m.get("tool_calls")
            if content is None and not calls:
                return f"Invalid '{where}': an assistant message needs 'content' or 'tool_calls'.", f"{where}.content"
            if calls is not None:
                if not isinstance(calls, list) or not calls:
                    return f"Invalid '{where}.tool_calls': expected a non-empty array.", f"{where}.tool_calls"
                for j, c in enumerate(calls):
                    fn = c.get("function") if isinstance(c, dict) else None
                    if (not isinstance(fn, dict) or not isinstance(c.get("id"), str) or c.get("type") != "function"
                            or not isinstance(fn.get("name"), str) or not isinstance(fn.get("arguments"), str)):
                        return (f"Invalid '{where}.tool_calls[{j}]': expected {{\"id\", \"type\": \"function\", "
                                f"\"function\": {{\"name\", \"arguments\": <string>}}}}.", f"{where}.tool_calls[{j}]")
                awaiting = [c["id"] for c in calls]
        else:  # tool
            call_id = m.get("tool_call_id")
            if not isinstance(call_id, str):
                return f"Missing required parameter: '{where}.tool_call_id'.", f"{where}.tool_call_id"
            if not isinstance(content, (str, list)):
                return f"Invalid type for '{where}.content': expected a string or an array.", f"{where}.content"
            if call_id not in awaiting:
                return ("Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                        f"message with 'tool_calls' (no pending call {call_id!r}).", f"{where}.tool_call_id")
            awaiting.remove(call_id)
    if awaiting:
        return ("An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                f"'tool_call_id'. The following tool_call_ids did not have response messages: {', '.join(awaiting)}",
                "messages")
    return None


def check_response_format(fmt):
    """None when `fmt` is a response_format OpenAI takes, else (message, param).

    json_schema needs a name (letters, digits, _ and -, at most 64) and a schema object; with
    "strict": true every object in the schema must list all its properties in "required" and
    set "additionalProperties": false, as OpenAI's structured outputs demand."""
    if not isinstance(fmt, dict) or fmt.get("type") not in ("text", "json_object", "json_schema"):
        return ("Invalid 'response_format.type': expected one of text, json_object, json_schema.",
                "response_format.type")
    if fmt["type"] != "json_schema":
        return None
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict):
        return "Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema"
    name = spec.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", name):
        return ("Invalid 'response_format.json_schema.name': letters, digits, '_' and '-' only, at most 64.",
                "response_format.json_schema.name")
    schema = spec.get("schema")
    if not isinstance(schema, dict):
        return "Invalid 'response_format.json_schema.schema': expected an object.", "response_format.json_schema.schema"
    if spec.get("strict"):
        problem = strict_schema_problem(schema, "schema")
        if problem:
            return (f"Invalid schema for response_format '{name}': {problem}",
                    "response_format.json_schema.schema")
    return None


def strict_schema_problem(schema, where):
    """What makes `schema` unfit for strict structured outputs, or None."""
    if not isinstance(schema, dict):
        return f"{where} is not an object."
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "object" in types:
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return f"{where} is an object without 'properties'."
        if schema.get("additionalProperties") is not False:
            return f"In context={where}, 'additionalProperties' is required to be supplied and to be false."
        required = schema.get("required")
        if not isinstance(required, list) or sorted(required) != sorted(properties):
            missing = sorted(set(properties) - set(required or []))
            return f"In context={where}, 'required' is required to be supplied and to be an array including every key in properties. Missing {missing}."
        for key, sub in properties.items():
            if (problem := strict_schema_problem(sub, f"{where}.properties.{key}")) is not None:
                return problem
    if "array" in types and "items" in schema:
        return strict_schema_problem(schema["items"], f"{where}.items")
    return None


def check_scripted_json(answer, fmt):
    """Why a scripted {"json": ...} turn cannot answer this request (None when it can): the
    request must ask for a json_schema, and under "strict" the scripted object must have exactly
    the schema's properties, since a strict model cannot answer anything else."""
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return "peer script wants a json_schema answer, but the request asked for no response_format json_schema"
    spec = fmt["json_schema"]
    properties = spec["schema"].get("properties", {})
    if spec.get("strict") and (not isinstance(answer, dict) or sorted(answer) != sorted(properties)):
        return (f"peer script's JSON keys {sorted(answer) if isinstance(answer, dict) else answer!r} "
                f"are not the strict schema's properties {sorted(properties)}")
    return None


def read_lines(path):
    """The lines of a --stt-script file, without their line ends."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\r\n") for line in f]


def read_chat_script(path):
    """The turns of a --chat-script file: JSON lines; blank lines and lines starting with # skipped."""
    turns = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            turn = json.loads(line)
            calls = turn.get("tool_calls") or ([turn["tool_call"]] if "tool_call" in turn else [])
            answers = isinstance(turn.get("text"), str) or calls or "json" in turn or isinstance(turn.get("status"), int)
            if not answers:
                raise SystemExit(f"{path}:{n}: expected {{\"text\": ...}}, {{\"tool_call\": {{\"name\", \"arguments\"}}}}, "
                                 f"{{\"json\": ...}} or {{\"status\": <HTTP status>}}")
            if not isinstance(turn.get("delay_ms", 0), (int, float)):
                raise SystemExit(f"{path}:{n}: \"delay_ms\" must be a number")
            for call in calls:
                if not isinstance(call.get("name"), str):
                    raise SystemExit(f"{path}:{n}: a tool call needs a \"name\"")
            turns.append(turn)
    return turns


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
    p.add_argument("--stt-text", default="I'd like to book a drain cleaning for Tuesday at 3 PM.",
                   help="the transcript of every utterance when there is no --stt-script")
    p.add_argument("--stt-script", metavar="FILE",
                   help="one transcript per line, answered in order; after the last, \"\" (see --cycle-scripts)")
    p.add_argument("--stt-delay-ms", type=float, default=0, help="wait this long before answering transcriptions")
    p.add_argument("--stt-fail", action="store_true", help="answer valid transcription requests with HTTP 500")
    p.add_argument("--chat-text", default="Thanks for calling Bright Plumbing, how can I help?",
                   help="the assistant's text when there is no --chat-script or it has run out")
    p.add_argument("--chat-script", metavar="FILE",
                   help='JSON lines, one answer each: {"text": ...} or {"tool_call": {"name", "arguments"}}')
    p.add_argument("--chat-delay-ms", type=float, default=0, help="wait this long before answering chat completions")
    p.add_argument("--chat-fail", action="store_true", help="answer valid chat requests with HTTP 500")
    p.add_argument("--cycle-scripts", action="store_true",
                   help="start --stt-script / --chat-script again after their last line")
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
