"""Secrets never show: not in repr/str, not in exception messages or details, not in pickles."""

from __future__ import annotations

import base64
import pickle

import httpx
import pytest

import erasekit
from conftest import KEYS

SECRET = "s3cr3t-value"
PEM = (KEYS / "app_private.pem").read_text(encoding="utf-8")
BASIC_HEADER = "Basic " + base64.b64encode(f"abcd1234:{SECRET}".encode()).decode()


def creds() -> erasekit.Credentials:
    return erasekit.Credentials(
        api_key="abcd1234", api_secret=SECRET, application_id="app-id", private_key=PEM
    )


def assert_hidden(shown: str) -> None:
    assert SECRET not in shown
    assert "PRIVATE KEY" not in shown
    assert BASIC_HEADER.split()[1] not in shown


def test_repr_and_str_name_only_the_public_parts() -> None:
    c = creds()
    for shown in (repr(c), str(c), f"{c!r} {c}"):
        assert_hidden(shown)
    assert str(c) == "Credentials(api_key=abcd1234, application_id=app-id)"
    assert repr(erasekit.Credentials(api_key="k", api_secret=SECRET)) == "Credentials(api_key=k)"
    assert c.api_key == "abcd1234" and c.application_id == "app-id"
    assert not hasattr(c, "api_secret") and not hasattr(c, "private_key")


def test_tokens_and_headers_stay_out_of_request_reprs() -> None:
    request = erasekit.RedactRequest("abc", "sms")
    http = request.to_http(creds())
    assert http["headers"]["authorization"] == BASIC_HEADER
    assert_hidden(repr(request))


def test_credentials_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(creds())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_secret": SECRET},
        {"api_key": "abcd1234:" + SECRET, "api_secret": SECRET},
        {"application_id": "app", "private_key": PEM.replace("MII", "XXX")},
        {
            "application_id": "app",
            "private_key": "-----BEGIN PRIVATE KEY-----\n" + SECRET + "\n-----END PRIVATE KEY-----",
        },
        {"api_key": "k", "api_secret": SECRET.encode()},
        {"application_id": "a", "private_key": ("-----BEGIN " + SECRET).encode("utf-16")},
    ],
    ids=["lone-secret", "colon-key", "broken-pem", "fake-pem", "secret-as-bytes", "key-not-utf8"],
)
def test_errors_about_credentials_do_not_repeat_them(kwargs: dict[str, object]) -> None:
    with pytest.raises(erasekit.ErasekitError) as info:
        erasekit.Credentials(**kwargs)  # type: ignore[arg-type]
    err = info.value
    for shown in (str(err), repr(err), repr(err.details), repr(err.args)):
        assert_hidden(shown)
        assert "BEGIN" not in shown


def test_transport_errors_do_not_carry_the_authorization() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(erasekit.TransportError) as info:
            erasekit.redact("abc", "sms", credentials=creds(), client=client)
    err = info.value
    for shown in (str(err), repr(err), repr(err.details)):
        assert_hidden(shown)
