"""The README's Python examples run as written, against a stand-in for api.nexmo.com.

`httpx.Client` is swapped for one whose transport answers like Vonage's Redact API (checking
the URL, the Basic credentials and the JSON body), so the examples need no network.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def vonage(request: httpx.Request) -> httpx.Response:
    assert str(request.url) == "https://api.nexmo.com/v1/redact/transaction"
    expected = "Basic " + base64.b64encode(b"readme-key:readme-secret").decode()
    if request.headers.get("authorization") != expected:
        return httpx.Response(401, json={"type": "UNAUTHORIZED", "error_title": "Unauthorized"})
    body = json.loads(request.read())
    assert body == {"id": "0A000000B0C9A1234", "product": "sms", "type": "outbound"}
    return httpx.Response(204)


def test_readme_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real_client = httpx.Client

    def stand_in(*args: Any, **kwargs: Any) -> httpx.Client:
        # Whatever transport the caller gives its client (erasekit's own one included).
        return real_client(*args, **{**kwargs, "transport": httpx.MockTransport(vonage)})

    monkeypatch.setattr(httpx, "Client", stand_in)
    monkeypatch.setenv("VONAGE_API_KEY", "readme-key")
    monkeypatch.setenv("VONAGE_API_SECRET", "readme-secret")
    blocks = python_blocks()
    assert len(blocks) == 2
    first_lines = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(first_lines) <= 12, "the README promises a ~10-line example"
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["redacted 204", "{'outcome': 'redacted', 'status': 204}"]
