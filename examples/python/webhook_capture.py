"""Capture every Vonage id your users produce, straight from Vonage's webhooks, into a ledger.

    .venv/bin/python examples/python/webhook_capture.py --ledger ledger.db --port 8080 \\
        --users users.json

A small standard-library HTTP server (``http.server``) with one route per Vonage webhook.
Each body is turned into ledger entries by ``erasekit.capture`` and recorded in an SQLite
ledger under the subject (one of *your* users) that the phone number in the body belongs to.
Point your Vonage application's webhook URLs at these routes:

    POST|GET /webhooks/inbound-sms         SMS API inbound message        capture.sms_inbound
    POST|GET /webhooks/delivery-receipt    SMS API delivery receipt       capture.sms_receipt
    POST|GET /webhooks/voice-event         Voice API event (and answer)   capture.voice_webhook
    POST     /webhooks/recording           Voice API recording callback   capture.voice_recording
    POST     /webhooks/messages-inbound    Messages API inbound message   capture.messages_inbound
    POST     /webhooks/messages-status     Messages API message status    capture.messages_status

Bodies may be JSON, form-encoded, or (for the SMS API's GET webhooks) query parameters.
``--users`` is a JSON object mapping phone numbers (any common form) to subjects, standing in
for your own user database: ``{"+44 7700 900123": "user-42"}``. A body whose number belongs to
nobody is acknowledged and not recorded. A recording callback carries no phone number, so
the call's ``conversation_uuid`` seen in an earlier voice event tells whose it is.

Every route answers 204 at once (Vonage retries anything else), or 400 for a body that is not
the webhook it claims to be. The server prints ``listening on http://HOST:PORT`` when ready
(``--port 0`` picks a free port) and stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, urlsplit

import erasekit
from erasekit import LedgerEntry

Capture = Callable[..., list[LedgerEntry]]


def _number(value: object) -> Optional[str]:
    """A phone number from a webhook field: a string, or a Messages API ``{"number": ...}``."""
    if isinstance(value, dict):
        value = value.get("number")
    if isinstance(value, (str, int)) and str(value):
        return str(value)
    return None


# Each route: the capture function, and the fields where the user's phone number may be.
# Either side of a call may be the user (answer webhooks carry no direction).
ROUTES: dict[str, tuple[Capture, tuple[str, ...]]] = {
    "/webhooks/inbound-sms": (erasekit.capture.sms_inbound, ("msisdn",)),
    "/webhooks/delivery-receipt": (erasekit.capture.sms_receipt, ("msisdn",)),
    "/webhooks/voice-event": (erasekit.capture.voice_webhook, ("from", "to")),
    "/webhooks/recording": (erasekit.capture.voice_recording, ()),
    "/webhooks/messages-inbound": (erasekit.capture.messages_inbound, ("from",)),
    "/webhooks/messages-status": (erasekit.capture.messages_status, ("to",)),
}


class CaptureApp:
    """What the routes share: the ledger, the user directory and the calls seen so far."""

    def __init__(self, ledger: erasekit.Ledger, users: dict[str, str]) -> None:
        self.ledger = ledger
        # Keys in E.164, so "447700900123", "+44 7700 900123" and "+447700900123" all match.
        self.users = {erasekit.phone(number): subject for number, subject in users.items()}
        self.calls: dict[str, str] = {}  # conversation_uuid -> subject, from voice events
        self.lock = threading.Lock()

    def subject_of(self, number: Optional[str]) -> Optional[str]:
        if number is None:
            return None
        try:
            return self.users.get(erasekit.phone(number))
        except erasekit.InputError:  # a sender id such as "AcmeInc" is nobody's number
            return None

    def handle(self, path: str, body: dict[str, Any]) -> str:
        """Captures one webhook body; returns a line for the log. Raises ``PayloadError``."""
        capture, fields = ROUTES[path]
        entries = capture(body, at=time.time_ns() // 1_000_000)
        conversation = body.get("conversation_uuid")
        with self.lock:
            # The first number in the body that belongs to one of our users.
            owned = [(n, s) for n in map(_number, map(body.get, fields)) if (s := self.subject_of(n))]
            number, owner = owned[0] if owned else (None, None)
            subject = owner
            if subject is None and isinstance(conversation, str):
                subject = self.calls.get(conversation)
            if subject is None:
                return f"{path}: {len(entries)} id(s) of nobody we know, not recorded"
            if isinstance(conversation, str):
                self.calls[conversation] = subject
            added = self.ledger.record(subject, entries)
            if owner is not None and number is not None:
                self.ledger.link(subject, [number])  # for subject-access requests later
        ids = ", ".join(f"{e['kind']}:{e['id']}" for e in entries)
        return f"{path}: {subject} <- {ids} ({added} new)"


def parse_body(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    """A webhook body as a dict: JSON, form-encoded, or the query string of a GET."""
    if raw.strip() and "json" in content_type:
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        return value
    text = raw.decode("utf-8") if raw.strip() else query
    return dict(parse_qsl(text, keep_blank_values=True))


def make_handler(app: CaptureApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "erasekit-webhooks/1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            if url.path not in ROUTES:
                self._answer(404, "no such webhook")
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            try:
                body = parse_body(raw, self.headers.get("Content-Type") or "", url.query)
                line = app.handle(url.path, body)
            except (ValueError, erasekit.PayloadError, erasekit.InputError) as exc:
                # PayloadError names the missing or malformed field.
                self._answer(400, f"{url.path}: {exc}")
                return
            print(line, flush=True)
            self._answer(204, "")

        def _answer(self, status: int, message: str) -> None:
            data = message.encode("utf-8")
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)
            if status >= 400:
                print(f"{status} {message}", file=sys.stderr, flush=True)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the capture lines above are the log

    return Handler


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ledger", default="ledger.db", help="SQLite ledger file (default ledger.db)")
    parser.add_argument("--users", help='JSON file {"<phone number>": "<subject>", ...}')
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    args = parser.parse_args(argv)

    users: dict[str, str] = {"+447700900123": "user-42"}
    if args.users:
        users = json.loads(Path(args.users).read_text(encoding="utf-8"))

    with erasekit.Ledger.sqlite(args.ledger) as ledger:
        app = CaptureApp(ledger, users)
        server = ThreadingHTTPServer((args.host, args.port), make_handler(app))

        def stop(signum: int, frame: Optional[FrameType]) -> None:
            threading.Thread(target=server.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        host, port = server.server_address[:2]
        print(f"listening on http://{host!s}:{port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
