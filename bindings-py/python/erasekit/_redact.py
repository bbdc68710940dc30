"""``redact()`` and ``redact_async()``: build with the core, send with httpx, interpret with the core.

The only I/O erasekit does in Python lives here. The request, its headers and body, and the
meaning of the response all come from the core; this module moves bytes and reads the clock.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Union

import httpx

from ._native import Credentials, RedactRequest
from .exceptions import TransportError
from .types import ApiBaseUrls, HttpRequest, HttpResponse, RedactOutcome

__all__ = ["redact", "redact_async"]

Time = Union[int, datetime]
BaseUrl = Union[str, ApiBaseUrls, None]


def redact(
    id: str,
    product: str,
    type: str | None = None,
    *,
    credentials: Credentials,
    client: httpx.Client | None = None,
    base_url: BaseUrl = None,
    created_at: Time | None = None,
    now: Time | None = None,
) -> RedactOutcome:
    """Redacts one Vonage transaction and returns what the response means.

    ``client`` is an ``httpx.Client`` to send with (a new one, with httpx's default timeout,
    when ``None``). ``now`` is the time the response counts as received (ms since the epoch
    or an aware datetime; the clock when ``None``). Every HTTP status becomes an outcome
    dict (``outcome["outcome"]`` is ``"redacted"``, ``"not_found"``, ``"premature"``, ...);
    only bad input (``InputError``), unusable credentials (``CredentialsError``) and a
    request that could not be completed (``TransportError``) raise.
    """
    request, http = _prepare(id, product, type, credentials, base_url, created_at)
    try:
        if client is None:
            with httpx.Client() as own:
                response = _send(own, http)
        else:
            response = _send(client, http)
    except httpx.HTTPError as exc:
        raise TransportError(exc) from exc
    return request.interpret(_received(response), _clock() if now is None else now)


async def redact_async(
    id: str,
    product: str,
    type: str | None = None,
    *,
    credentials: Credentials,
    client: httpx.AsyncClient | None = None,
    base_url: BaseUrl = None,
    created_at: Time | None = None,
    now: Time | None = None,
) -> RedactOutcome:
    """``redact()`` for asyncio (or trio): the same arguments, with an ``httpx.AsyncClient``."""
    request, http = _prepare(id, product, type, credentials, base_url, created_at)
    try:
        if client is None:
            async with httpx.AsyncClient() as own:
                response = await _send_async(own, http)
        else:
            response = await _send_async(client, http)
    except httpx.HTTPError as exc:
        raise TransportError(exc) from exc
    return request.interpret(_received(response), _clock() if now is None else now)


def _prepare(
    id: str,
    product: str,
    type: str | None,
    credentials: Credentials,
    base_url: BaseUrl,
    created_at: Time | None,
) -> tuple[RedactRequest, HttpRequest]:
    request = RedactRequest(id, product, type, created_at)
    return request, request.to_http(credentials, base_url)


def _send(client: httpx.Client, http: HttpRequest) -> httpx.Response:
    return client.request(
        http["method"], http["url"], headers=http["headers"], content=http["body"]
    )


async def _send_async(client: httpx.AsyncClient, http: HttpRequest) -> httpx.Response:
    return await client.request(
        http["method"], http["url"], headers=http["headers"], content=http["body"]
    )


def _received(response: httpx.Response) -> HttpResponse:
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "body": response.content,
    }


def _clock() -> int:
    return time.time_ns() // 1_000_000
