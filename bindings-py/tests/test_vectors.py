"""Replays ``tests/vectors/redact.json`` and ``error_codes.json``, as ``core/tests/vectors.rs``
does in Rust and the Node tests do in JavaScript: every case, compared exactly."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import erasekit
from conftest import VECTORS, load_vectors

REDACT = load_vectors("redact.json")
ERROR_CODES = load_vectors("error_codes.json")


def credentials(spec: dict[str, Any]) -> erasekit.Credentials:
    """Mirrors ``credentials()`` in vectors.rs: key files are relative to tests/vectors/."""
    private_key = spec.get("private_key")
    if "private_key_file" in spec:
        private_key = (VECTORS / spec["private_key_file"]).read_text(encoding="utf-8")
    return erasekit.Credentials(
        api_key=spec.get("api_key"),
        api_secret=spec.get("api_secret"),
        application_id=spec.get("application_id"),
        private_key=private_key,
    )


def response(spec: dict[str, Any]) -> erasekit.HttpResponse:
    """Mirrors ``response()`` in vectors.rs: ``body``, ``body_base64`` or ``body_repeat``."""
    if "body" in spec:
        body = spec["body"].encode("utf-8")
    elif "body_base64" in spec:
        body = base64.b64decode(spec["body_base64"])
    else:
        repeat = spec["body_repeat"]
        body = (repeat["chunk"] * repeat["times"]).encode("utf-8")
    return {"status": spec["status"], "headers": spec["headers"], "body": body}


def jwt_part(token: str, index: int) -> Any:
    segment = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def run_case(case: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Mirrors ``run_case()`` in vectors.rs; an error becomes ``{"error": code}``."""
    creds_spec = case.get("credentials", defaults["credentials"])
    kind = case["kind"]
    try:
        if kind == "build":
            request = erasekit.RedactRequest(**case["input"])
            http = request.to_http(credentials(creds_spec), case.get("base_url"))
            return {
                "request": {
                    "method": http["method"],
                    "url": http["url"],
                    "headers": http["headers"],
                    "body_json": json.loads(http["body"]),
                }
            }
        if kind == "interpret":
            request = erasekit.RedactRequest(**case["input"])
            return {"outcome": request.interpret(response(case["response"]), case["now"])}
        if kind == "jwt":
            token = credentials(creds_spec).jwt(case["now"], bytes.fromhex(case["entropy_hex"]))
            return {"header": jwt_part(token, 0), "claims": jwt_part(token, 1), "token": token}
        if kind == "credentials":
            return {"credentials": str(credentials(creds_spec))}
    except erasekit.ErasekitError as err:
        return {"error": err.code}
    raise AssertionError(f"unknown case kind {kind!r}")


def test_the_file_is_the_one_every_language_replays() -> None:
    assert len(REDACT["cases"]) >= 30
    assert {c["kind"] for c in REDACT["cases"]} <= {"build", "interpret", "jwt", "credentials"}
    names = [c["name"] for c in REDACT["cases"]]
    assert len(names) == len(set(names)), "case names must be unique"


@pytest.mark.parametrize("case", REDACT["cases"], ids=[c["name"] for c in REDACT["cases"]])
def test_redact_vector(case: dict[str, Any]) -> None:
    assert run_case(case, REDACT["defaults"]) == case["expect"]


def test_error_codes_match_the_catalogue() -> None:
    assert erasekit.error_codes() == ERROR_CODES["codes"]


FAMILY_CLASSES = {
    "input": erasekit.InputError,
    "credentials": erasekit.CredentialsError,
    "payload": erasekit.PayloadError,
    "storage": erasekit.StorageError,
    "job": erasekit.JobError,
    "receipt": erasekit.ReceiptError,
    "transport": erasekit.TransportError,
}


@pytest.mark.parametrize("row", ERROR_CODES["codes"], ids=[r["code"] for r in ERROR_CODES["codes"]])
def test_every_code_maps_to_its_family_class(row: dict[str, str]) -> None:
    cls = erasekit._native._exception_class(row["code"])
    assert cls is FAMILY_CLASSES[row["family"]]
    assert issubclass(cls, erasekit.ErasekitError)
