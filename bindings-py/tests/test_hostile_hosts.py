"""Hostile input and honest transports (issue 9, items 3, 13, 14, 15, 16 and 21's transport
part), through the public API, as ``bindings-js/test/hostile_hosts.test.mjs`` does in Node:
redirects are never followed, every call has one total deadline and a bounded body, transport
failures name the host and the cause, strings that are not well-formed Unicode are refused, no
secret appears in an error, capture has a stated size limit. Local servers on 127.0.0.1 only,
each test bounded in time."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

import erasekit
from conftest import now_ms

HOUR = 3_600_000
KEY = b"0123456789abcdef"
SIGNING = bytes([7]) * 32
CREDS = erasekit.Credentials(api_key="abcd1234", api_secret="s3cr3t-value")
DRIVERS = ["sync", "async", "sync-client", "async-client"]

Handler = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """An HTTP server on 127.0.0.1 answering every request with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Answer(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                hits.append(self.path)
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                try:
                    handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_DELETE = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"http://{self.host}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], Server]]:
    servers: list[Server] = []

    def start(handler: Handler) -> Server:
        servers.append(Server(handler))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def job(max_attempts: int = 2) -> erasekit.ErasureJob:
    entry: erasekit.LedgerEntry = {
        "kind": "transaction", "product": "sms", "direction": "outbound", "id": "SMS-0",
        "created_at": now_ms() - 2 * HOUR, "source": "sms_send", "extra": {},
    }
    plan = erasekit.ErasurePlan("user-42", KEY, [entry], now_ms())
    return erasekit.ErasureJob(plan, seed=1, max_attempts=max_attempts, backoff_base_ms=5, backoff_max_ms=10, check_target=False)


def run_one(driver: str, base_url: str, max_attempts: int = 2, **kwargs: Any) -> dict[str, Any]:
    """Runs one operation with ``driver``; its receipt entry."""
    j = job(max_attempts)
    common: dict[str, Any] = {"credentials": CREDS, "base_url": base_url, "signing_key": SIGNING, **kwargs}
    if driver == "sync":
        receipt = j.run(**common)
    elif driver == "sync-client":
        with httpx.Client(transport=httpx.HTTPTransport()) as client:
            receipt = j.run(client=client, **common)
    elif driver == "async":
        receipt = asyncio.run(j.run_async(**common))
    else:

        async def main() -> erasekit.Receipt:
            async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport()) as client:
                return await j.run_async(client=client, **common)

        receipt = asyncio.run(main())
    operation: dict[str, Any] = dict(receipt["receipt"]["operations"][0])
    return operation


def redact_with(kind: str, base_url: str, **kwargs: Any) -> erasekit.RedactOutcome:
    if kind == "sync":
        return erasekit.redact("0A000000B0C9A1234", "sms", credentials=CREDS, base_url=base_url, **kwargs)
    return asyncio.run(
        erasekit.redact_async("0A000000B0C9A1234", "sms", credentials=CREDS, base_url=base_url, **kwargs)
    )


# ---- item 3: redirects are never followed ---------------------------------------------------


def redirecting(serve: Callable[[Handler], Server]) -> tuple[Server, Server]:
    def page(h: BaseHTTPRequestHandler) -> None:
        body = b"<html>200 OK: welcome back</html>"
        h.send_response(200)
        h.send_header("content-type", "text/html")
        h.send_header("content-length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    other = serve(page)

    def moved(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("location", f"{other.url}/login")
        h.send_header("content-length", "0")
        h.end_headers()

    return serve(moved), other


@pytest.mark.parametrize("driver", DRIVERS)
def test_run_never_follows_a_redirect_to_another_origin(driver: str, serve: Any) -> None:
    first, other = redirecting(serve)
    operation = run_one(driver, first.url)
    assert operation["state"] == "failed", operation
    assert operation["status"] == 302
    assert len(first.hits) == 2
    assert other.hits == []


def test_run_with_a_client_that_follows_redirects_still_does_not(serve: Any) -> None:
    first, other = redirecting(serve)
    with httpx.Client(follow_redirects=True) as client:
        operation = run_one("sync", first.url, client=client)
    assert operation["state"] == "failed" and operation["status"] == 302
    assert other.hits == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_redact_reads_a_redirect_as_malformed(kind: str, serve: Any) -> None:
    first, other = redirecting(serve)
    outcome = redact_with(kind, first.url)
    assert outcome["outcome"] == "malformed", outcome
    assert outcome["status"] == 302
    assert other.hits == []
    with httpx.Client(follow_redirects=True) as client:
        outcome = erasekit.redact("0A1", "sms", credentials=CREDS, base_url=first.url, client=client)
    assert outcome["outcome"] == "malformed"
    assert other.hits == []


# ---- item 15: one total deadline per call, a bounded body ------------------------------------


def drip(h: BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte of a problem body every 0.1 s, for ever."""
    h.send_response(404)
    h.send_header("content-type", "application/problem+json")
    h.send_header("content-length", "100000")
    h.end_headers()
    for _ in range(600):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.1)


def drip_headers(h: BaseHTTPRequestHandler) -> None:
    """A status line, then one byte of a header every 0.1 s, for ever."""
    h.wfile.write(b"HTTP/1.1 404 Not Found\r\nX-Drip: ")
    for _ in range(600):
        h.wfile.write(b"a")
        h.wfile.flush()
        time.sleep(0.1)


def huge(h: BaseHTTPRequestHandler) -> None:
    """A 404 with an 8 MiB body."""
    chunk = b" " * 65536
    h.send_response(404)
    h.send_header("content-type", "application/problem+json")
    h.send_header("content-length", str(128 * len(chunk)))
    h.end_headers()
    for _ in range(128):
        h.wfile.write(chunk)


@pytest.mark.parametrize("driver", DRIVERS)
def test_run_cuts_a_dripping_body_at_the_total_deadline(driver: str, serve: Any) -> None:
    server = serve(drip)
    started = time.monotonic()
    operation = run_one(driver, server.url, max_attempts=1, timeout=0.5)
    took = time.monotonic() - started
    assert operation["state"] == "failed"
    assert operation["problem"].endswith(f": timeout: no complete answer from {server.host} within 500 ms"), operation
    assert took < 3, took


@pytest.mark.parametrize("driver", ["sync", "async"])
def test_the_total_deadline_covers_dripping_headers(driver: str, serve: Any) -> None:
    # The clients erasekit makes itself: headers are cut at the deadline too, not per read.
    server = serve(drip_headers)
    started = time.monotonic()
    operation = run_one(driver, server.url, max_attempts=1, timeout=0.5)
    assert operation["problem"].endswith(f": timeout: no complete answer from {server.host} within 500 ms"), operation
    for kind in ("sync", "async"):
        with pytest.raises(erasekit.TransportError, match="timeout"):
            redact_with(kind, server.url, timeout=0.5)
    assert time.monotonic() - started < 5


def test_a_client_or_transport_the_caller_gives_holds_the_total_deadline_too(serve: Any) -> None:
    # A caller's own httpx.Client / HTTPTransport: dripping headers are cut at the deadline.
    server = serve(drip_headers)
    credentials = erasekit.Credentials(api_key="k", api_secret="s")
    started = time.monotonic()
    with httpx.Client() as client, pytest.raises(erasekit.TransportError, match="timeout"):
        erasekit.redact("A", "sms", credentials=credentials, base_url=server.url, timeout=0.5, client=client)
    assert time.monotonic() - started < 5
    started = time.monotonic()
    receipt = job(max_attempts=1).run(credentials=credentials, base_url=server.url, timeout=0.5,
                                      client=httpx.Client(transport=httpx.HTTPTransport()), signing_key=SIGNING)
    assert time.monotonic() - started < 5
    assert receipt["receipt"]["operations"][0]["state"] == "failed"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_redact_has_a_total_deadline(kind: str, serve: Any) -> None:
    server = serve(drip)
    started = time.monotonic()
    with pytest.raises(erasekit.TransportError) as info:
        redact_with(kind, server.url, timeout=0.5)
    assert time.monotonic() - started < 3
    assert info.value.details["reason"] == f"timeout: no complete answer from {server.host} within 500 ms"
    with pytest.raises(erasekit.InputError):
        redact_with(kind, server.url, timeout=0)


@pytest.mark.parametrize("driver", DRIVERS)
def test_run_reads_a_body_only_up_to_the_limit(driver: str, serve: Any) -> None:
    server = serve(huge)
    operation = run_one(driver, server.url, max_attempts=1)
    assert erasekit.MAX_RESPONSE_BODY == 65536
    assert operation["state"] == "failed"
    assert operation["problem"].endswith(f": response body from {server.host} over 65536 bytes: not read"), operation


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_redact_reads_a_body_only_up_to_the_limit(kind: str, serve: Any) -> None:
    server = serve(huge)
    with pytest.raises(erasekit.TransportError) as info:
        redact_with(kind, server.url)
    assert str(info.value) == f"transport failed: response body from {server.host} over 65536 bytes: not read"


# ---- item 21: transport errors name the host and the cause -----------------------------------


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_refused_connection_names_the_host_and_the_cause(driver: str) -> None:
    host = closed_port()
    operation = run_one(driver, f"http://{host}", max_attempts=1)
    assert operation["state"] == "failed"
    assert operation["problem"].endswith(f": connection failed: [Errno 111] Connection refused ({host})"), operation
    with pytest.raises(erasekit.TransportError) as info:
        redact_with("sync", f"http://{host}")
    assert info.value.details["reason"] == f"connection failed: [Errno 111] Connection refused ({host})"


def test_a_missing_sqlite_directory_is_named(tmp_path: Any) -> None:
    path = tmp_path / "no-such-dir" / "ledger.db"
    with pytest.raises(erasekit.ErasekitError) as info:
        erasekit.Ledger.sqlite(path)
    assert str(path) in str(info.value)


# ---- item 13: strings that are not well-formed Unicode ---------------------------------------

LONE = ["victim\ud800", "victim\udfff"]


def ill_formed(fn: Callable[[], object], field: str) -> None:
    with pytest.raises(erasekit.InputError) as info:
        fn()
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == field, info.value.details
    assert "Unicode" in str(info.value)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_lone_surrogates_are_refused_and_never_merged(backend: str) -> None:
    ledger = erasekit.Ledger.memory() if backend == "memory" else erasekit.Ledger.sqlite(":memory:")
    entries = erasekit.capture.sms_send({"messages": [{"message-id": "0A00000001", "status": "0"}]}, at=now_ms())
    for subject in LONE:
        ill_formed(lambda: ledger.record(subject, entries), "subject")
        ill_formed(lambda: ledger.entries(subject), "subject")
    ledger.record("victim\ufffd", entries)
    ledger.record("victim", entries)
    assert sorted(ledger.subjects()) == ["victim", "victim\ufffd"]
    ledger.close()


def test_lone_surrogates_in_ids_and_payloads_are_refused() -> None:
    for bad in LONE:
        ill_formed(lambda: erasekit.RedactRequest(f"0A{bad}", "sms"), "id")
        ill_formed(lambda: erasekit.ErasurePlan(bad, KEY, [], now_ms()), "subject")
        body = '{"messageId": "0A%s", "message-timestamp": "2020-01-01 12:00:00"}' % bad
        ill_formed(lambda: erasekit.capture.sms_receipt(body), "payload")
        ill_formed(lambda: erasekit.capture.sms_receipt({"messageId": f"0A{bad}"}), "payload")
    assert erasekit.RedactRequest("0A\ufffd", "sms").id == "0A\ufffd"


# ---- item 14: no secret in any error --------------------------------------------------------


def shown(err: BaseException) -> str:
    details = getattr(err, "details", None)
    return "\n".join([str(err), repr(err), repr(err.args), repr(details)])


def secret_hidden(fn: Callable[[], object], secret: str, code: str) -> None:
    with pytest.raises(erasekit.ErasekitError) as info:
        fn()
    assert info.value.code == code, info.value
    assert secret not in shown(info.value), shown(info.value)


def test_a_secret_of_the_wrong_type_never_appears_in_the_error() -> None:
    n: Any = 12345678901
    secret_hidden(lambda: erasekit.Credentials(api_key="k", api_secret=n), "12345678901", "invalid_argument")
    as_list: Any = [n]
    secret_hidden(lambda: erasekit.Credentials(api_key="k", api_secret=as_list), "12345678901", "invalid_argument")
    secret_hidden(lambda: erasekit.Credentials(application_id="a", private_key=n), "12345678901", "invalid_argument")
    pem = "-----BEGIN PRIVATE KEY-----\nKEYMATERIAL123\n-----END PRIVATE KEY-----"
    secret_hidden(lambda: erasekit.Credentials(application_id="a", private_key=pem), "KEYMATERIAL123", "invalid_private_key")
    secret_hidden(lambda: erasekit.Credentials(api_key="k", api_secret="s\ud800cret-value"), "cret-value", "invalid_argument")


def test_a_base_url_with_a_password_is_refused_without_it() -> None:
    url = "https://user:hunter2-pw@api.example.com"
    request = erasekit.RedactRequest("0A1", "sms")
    secret_hidden(lambda: request.to_http(CREDS, url), "hunter2-pw", "invalid_base_url")
    secret_hidden(lambda: request.to_http(CREDS, {"redact": url}), "hunter2-pw", "invalid_base_url")
    secret_hidden(lambda: erasekit.redact("0A1", "sms", credentials=CREDS, base_url=url), "hunter2-pw", "invalid_base_url")


# ---- item 16: capture has a stated, configurable size limit ----------------------------------


def test_capture_refuses_a_body_over_max_bytes_before_reading_it() -> None:
    receipt = {"messageId": "0A0000001234567B", "message-timestamp": "2020-01-01 12:00:00"}
    padded = '{"messageId": "0A0000001234567B", "message-timestamp": "2020-01-01 12:00:00"}' + " " * (1 << 20)
    for body in (padded, padded.encode(), bytearray(padded.encode())):
        with pytest.raises(erasekit.PayloadError) as info:
            erasekit.capture.sms_receipt(body)
        assert info.value.code == "payload_too_large"
        assert info.value.details["limit"] == erasekit.DEFAULT_CAPTURE_MAX_BYTES == 1 << 20
        assert "1048576 bytes" in str(info.value)
    assert len(erasekit.capture.sms_receipt(padded, max_bytes=2 << 20)) == 1
    with pytest.raises(erasekit.PayloadError, match="payload too large"):
        erasekit.capture.sms_receipt(receipt, max_bytes=16)
    for bad in (0, -1, 1.5, True, "1"):
        with pytest.raises(erasekit.InputError):
            erasekit.capture.sms_receipt(receipt, max_bytes=bad)  # type: ignore[arg-type]


def test_a_million_part_body_is_refused_without_being_parsed() -> None:
    part = '{"to":"447700900000","message-id":"0A0000000123ABCD1","status":"0"}'
    body = '{"messages":[' + ",".join([part] * 1_000_000) + "]}"
    started = time.monotonic()
    with pytest.raises(erasekit.PayloadError) as info:
        erasekit.capture.sms_send(body, at=now_ms())
    assert info.value.code == "payload_too_large"
    parsed = {"messages": [{"to": "447700900000", "message-id": "0A0000000123ABCD1", "status": "0"}] * 1_000_000}
    with pytest.raises(erasekit.PayloadError) as info:
        erasekit.capture.sms_send(parsed, at=now_ms())
    assert info.value.code == "payload_too_large"
    assert time.monotonic() - started < 2
    # Within the byte limit, more parts than one payload may yield.
    many = {"messages": [{"message-id": "A1", "status": "0"}] * 10_001}
    with pytest.raises(erasekit.PayloadError) as info:
        erasekit.capture.sms_send(many, at=now_ms())
    assert info.value.details["unit"] == "entries"


@pytest.mark.parametrize("dsn", [
    "u:PGSECRET1@127.0.0.1",
    "postgres://u:PGSECRET7@[bad/db",
    "postgresql://u:PGSECRET9@127.0.0.1:1/db",
    "host=127.0.0.1 port=1 user=u password=PGSECRET5",
])
def test_a_postgres_dsn_that_cannot_be_used_never_shows_its_password(dsn: str) -> None:
    # psycopg quotes the DSN in its messages; the error keeps neither it nor the driver's exception.
    with pytest.raises(erasekit.StorageError) as info:
        erasekit.Ledger.postgres(dsn)
    err = info.value
    seen = " ".join([str(err), repr(err), repr(err.details), repr(err.__cause__), repr(err.__context__)])
    assert "PGSECRET" not in seen
