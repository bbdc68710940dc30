"""Honest transport: how every call erasekit sends from Python goes over httpx (the drivers of
``_driver.py``, sync and async, and one-shot ``redact()``/``redact_async()``).

- Redirects are never followed (``follow_redirects=False`` on every request, whatever the
  client says): a 3xx reaches the core as it is, which reads it as malformed. A followed
  redirect would let another origin's "200 OK" page pass for Vonage's answer.
- A call has one total deadline, connect to last body byte. httpx's ``timeout`` is per read,
  so a server dripping one byte at a time would hold a call for ever. Async: the whole call
  runs under ``anyio.fail_after``. Sync: the body is streamed and the wall clock checked at
  every piece, and the clients erasekit makes (``deadline_client``) cut every connect, read and
  write, headers included, at what is left of the deadline; a caller's ``httpx.Client`` or
  ``httpx.HTTPTransport`` gets the same cut (``hold_deadlines``) on connections it opens after
  erasekit first uses it; a transport of another shape bounds headers per read only.
- A body is read up to ``MAX_RESPONSE_BODY`` (the core's problem-body limit); a longer one is
  not read further and the call fails as a transport failure that says so.
- A failure names the host and the cause (``[Errno 111] Connection refused``), the same words
  as the JavaScript drivers use.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, Optional, Union
from urllib.parse import urlsplit

import contextvars

import anyio
import httpcore
import httpx

from ._native import MAX_RESPONSE_BODY


_Content = Optional[bytes]


class DeadlineExceeded(httpx.TimeoutException):
    """The call's total deadline passed while its answer was still arriving."""


class BodyTooLarge(httpx.HTTPError):
    """The response body is longer than ``MAX_RESPONSE_BODY``: it was not read further."""


def host_of(url: Union[str, httpx.URL]) -> str:
    """``host:port`` of a URL (the port only when the URL has one), for messages."""
    return urlsplit(str(url)).netloc or str(url)


def describe(exc: BaseException, url: Union[str, httpx.URL], timeout: float) -> str:
    """What went wrong with a call to ``url``, as the core's reason: the cause and the host."""
    host = host_of(url)
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return f"timeout: no complete answer from {host} within {round(timeout * 1000)} ms"
    if isinstance(exc, BodyTooLarge):
        return str(exc)
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        return f"connection failed: {_cause(exc)} ({host})"
    return f"{type(exc).__name__}: {exc} ({host})"[:200]


def _cause(exc: BaseException) -> str:
    """The OS's own words when the chain has them (``[Errno 111] Connection refused``): anyio
    says only "All connection attempts failed" and keeps the refusal in the chain."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, OSError) and seen.errno is not None:
            return f"[Errno {seen.errno}] {os.strerror(seen.errno)}"
        seen = seen.__cause__ or seen.__context__
    return str(exc) or type(exc).__name__


def _too_large(url: Union[str, httpx.URL]) -> BodyTooLarge:
    return BodyTooLarge(f"response body from {host_of(url)} over {MAX_RESPONSE_BODY} bytes: not read")


def read_body(chunks: Iterator[bytes], url: Union[str, httpx.URL], deadline: float) -> bytes:
    """The body from ``chunks``, at most ``MAX_RESPONSE_BODY`` bytes, before ``deadline``
    (``time.monotonic()``)."""
    parts = []
    size = 0
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise DeadlineExceeded("the total deadline passed while the body arrived")
        size += len(chunk)
        if size > MAX_RESPONSE_BODY:
            raise _too_large(url)
        parts.append(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


async def aread_body(chunks: AsyncIterator[bytes], url: Union[str, httpx.URL]) -> bytes:
    """The body from ``chunks``, at most ``MAX_RESPONSE_BODY`` bytes (the caller's
    ``fail_after`` holds the deadline)."""
    parts = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > MAX_RESPONSE_BODY:
            raise _too_large(url)
        parts.append(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


# ---- the sync deadline on the wire: connections of the clients erasekit makes ----------------

_DEADLINE: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar("erasekit_deadline", default=None)
"""The ``time.monotonic()`` by which the call this thread sends must be done (``exchange``)."""


def _left(timeout: Optional[float], error: type[Exception]) -> Optional[float]:
    """``timeout`` cut to what is left of the current call's deadline; none left: ``error``."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the call's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the call's deadline: a
    peer dripping its status line or headers is cut there too, not only its body."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: Optional[str] = None, timeout: Optional[float] = None
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens ``_DeadlineStream`` connections over another backend."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, left, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: Optional[float] = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_client(limits: httpx.Limits, timeout: float) -> httpx.Client:
    """A new ``httpx.Client`` (environment proxies and certificates honoured, redirects not
    followed); ``exchange`` makes its connections hold each call's total deadline."""
    return httpx.Client(limits=limits, timeout=timeout, follow_redirects=False)


def hold_deadlines(transport: object) -> None:
    """Makes a caller's ``httpx.HTTPTransport`` (or the one inside a caller's ``httpx.Client``)
    hold erasekit's total deadline on connections it opens from now on, headers included. Only
    calls erasekit sends carry a deadline (``_DEADLINE``): the caller's own calls are unchanged.
    Idempotent; transports of another shape keep per-read bounds (the body is still bounded)."""
    inner_transport = getattr(transport, "_transport", transport)
    pool = getattr(inner_transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if (
        isinstance(pool, httpcore.ConnectionPool)
        and isinstance(backend, httpcore.NetworkBackend)
        and not isinstance(backend, _DeadlineBackend)
    ):
        pool._network_backend = _DeadlineBackend(backend)


def _shorten_reads(request: httpx.Request, deadline: float) -> None:
    # httpcore reads the body's per-read timeout from the request when the body starts: with
    # what is left of the deadline there, a silent peer is cut at the deadline too, not one
    # whole `timeout` later. Best effort (other transports may not look); `read_body` checks.
    timeouts = request.extensions.get("timeout")
    if isinstance(timeouts, dict):
        timeouts["read"] = max(0.001, deadline - time.monotonic())


def exchange(
    client: httpx.Client,
    method: str,
    url: str,
    headers: dict[str, str],
    content: _Content,
    timeout: float,
) -> tuple[httpx.Response, bytes]:
    """Sends one request over ``client`` without following redirects; the response (closed)
    and its body, read within ``timeout`` seconds in all."""
    deadline = time.monotonic() + timeout
    hold_deadlines(client)
    token = _DEADLINE.set(deadline)
    try:
        with client.stream(
            method, url, headers=headers, content=content, timeout=timeout, follow_redirects=False
        ) as response:
            _shorten_reads(response.request, deadline)
            body = read_body(response.iter_bytes(), url, deadline)
    finally:
        _DEADLINE.reset(token)
    return response, body


async def aexchange(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    content: _Content,
    timeout: float,
) -> tuple[httpx.Response, bytes]:
    """``exchange`` for an ``httpx.AsyncClient`` (asyncio or trio): the whole call, body
    included, under one ``timeout``; its expiry raises ``DeadlineExceeded``."""
    try:
        with anyio.fail_after(timeout):
            async with client.stream(
                method, url, headers=headers, content=content, timeout=timeout, follow_redirects=False
            ) as response:
                body = await aread_body(response.aiter_bytes(), url)
    except TimeoutError as exc:
        raise DeadlineExceeded("the total deadline passed") from exc
    return response, body
