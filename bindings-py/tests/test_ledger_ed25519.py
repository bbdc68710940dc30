"""A signed erasure receipt for the ledger tests, made without erasekit's own signer.

``signed_receipt`` signs a minimal receipt body with Ed25519 (RFC 8032, the reference
arithmetic, in pure Python: slow and not constant-time, fine for tests) over the core's
canonical bytes, the compact JSON of the body in its field order. The tests here check the
signer itself against RFC 8032's first test vector.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P

Point = tuple[int, int, int, int]


def _add(a: Point, b: Point) -> Point:
    x = (a[1] - a[0]) * (b[1] - b[0]) % P
    y = (a[1] + a[0]) * (b[1] + b[0]) % P
    c = 2 * a[3] * b[3] * D % P
    d = 2 * a[2] * b[2] % P
    e, f, g, h = y - x, d - c, d + c, y + x
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s: int, p: Point) -> Point:
    q: Point = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _recover_x(y: int) -> int:
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * pow(2, (P - 1) // 4, P) % P
    return P - x if x & 1 else x


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY)
G: Point = (_GX, _GY, 1, _GX * _GY % P)


def _compress(p: Point) -> bytes:
    zinv = pow(p[2], P - 2, P)
    x, y = p[0] * zinv % P, p[1] * zinv % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _expand(seed: bytes) -> tuple[int, bytes]:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def _hash_int(data: bytes) -> int:
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % Q


def public_key(seed: bytes) -> bytes:
    return _compress(_mul(_expand(seed)[0], G))


def sign(seed: bytes, message: bytes) -> bytes:
    a, prefix = _expand(seed)
    public = _compress(_mul(a, G))
    r = _hash_int(prefix + message)
    big_r = _compress(_mul(r, G))
    s = (r + _hash_int(big_r + public + message) * a) % Q
    return big_r + int.to_bytes(s, 32, "little")


def signed_receipt(receipt_id: str, subject_key: bytes, subject: str) -> dict[str, Any]:
    """A receipt with no operations for ``subject``, signed by a fixed test key."""
    import hmac

    body = {
        "format": "erasekit-receipt/1",
        "receipt_id": receipt_id,
        "subject_hash": hmac.new(subject_key, subject.encode(), hashlib.sha256).hexdigest(),
        "deadline": {
            "received_at": 1_700_000_000_000,
            "due_at": 1_702_592_000_000,
            "extension_months": 0,
            "extension_reason": None,
        },
        "planned_at": 1_700_000_000_000,
        "started_at": None,
        "finished_at": 1_700_000_100_000,
        "on_time": True,
        "counts": {
            k: 0
            for k in (
                "total", "done", "not_found", "expired", "failed", "skipped", "in_flight",
                "retries", "rate_limited",
            )
        },
        "operations": [],
    }
    seed = bytes(range(32))
    message = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return {
        "receipt": body,
        "signature": {
            "algorithm": "ed25519",
            "public_key": public_key(seed).hex(),
            "value": sign(seed, message).hex(),
        },
    }


def test_rfc8032_test_vector_1() -> None:
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    assert public_key(seed).hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    assert sign(seed, b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
