#!/usr/bin/env python3
"""A real SMTP server on loopback for switchboard's email tests (aiosmtpd).

    .venv/bin/python tests/peers/smtp_sink.py --port 0 --maildir DIR [--refuse] [--fail-first N]

Prints exactly `READY <port>` on stdout once listening (nothing else ever goes to stdout;
logs go to stderr). Every accepted message is saved as DIR/NNNN.eml, with a sidecar
DIR/NNNN.json holding the envelope (mail_from, rcpt_tos) and, for easy assertions, the
decoded From/To/Subject headers and text body. The .json is written last and atomically, so
its presence means the message is complete.

Modes that play a misbehaving server:
  --refuse        every RCPT TO is answered 550 (a server that refuses the recipient)
  --fail-first N  the first N messages get 451 after DATA (a temporary failure), then accepted

SIGTERM or SIGINT stops it with exit code 0.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from email import policy
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP

log = logging.getLogger("smtp_sink")


class Sink:
    """aiosmtpd handler: decides RCPT and DATA replies and writes accepted mail to disk."""

    def __init__(self, maildir, refuse, fail_first):
        self.maildir = maildir
        self.refuse = refuse
        self.fail_first = fail_first
        self.saved = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            log.info("refusing RCPT %s", address)
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_first > 0:
            self.fail_first -= 1
            log.info("deferring message to %s (%d more to defer)", envelope.rcpt_tos, self.fail_first)
            return "451 4.3.0 Temporary failure, please try again later"
        self.saved += 1
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        if self.maildir:
            self.save(self.saved, envelope, raw)
        log.info("accepted message %d from %s to %s", self.saved, envelope.mail_from, envelope.rcpt_tos)
        return "250 2.0.0 Message accepted for delivery"

    def save(self, n, envelope, raw):
        base = os.path.join(self.maildir, f"{n:04d}")
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        part = msg.get_body(preferencelist=("plain",))
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(msg.get("From", "")),
            "to": str(msg.get("To", "")),
            "subject": str(msg.get("Subject", "")),
            "content_type": msg.get_content_type(),
            # Line endings normalised to \n: the wire form is CRLF, assertions want text.
            "body": part.get_content().replace("\r\n", "\n") if part is not None else "",
            "eml": base + ".eml",
        }
        tmp = base + ".json.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2)
        os.replace(tmp, base + ".json")


async def serve(args):
    if args.maildir:
        os.makedirs(args.maildir, exist_ok=True)
    handler = Sink(args.maildir, args.refuse, args.fail_first)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="smtp-sink.test", ident="switchboard test SMTP sink"),
        host=args.host,
        port=args.port,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    log.info("stopping after %d accepted messages", handler.saved)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--maildir", help="where to save received messages")
    p.add_argument("--refuse", action="store_true", help="answer every RCPT TO with 550")
    p.add_argument("--fail-first", type=int, default=0, metavar="N", help="451 the first N messages")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s smtp_sink %(levelname)s %(message)s",
    )
    # aiosmtpd logs every SMTP command at INFO; keep that for --verbose.
    logging.getLogger("mail.log").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
