"""The README's snippets run as written, in order, against a stand-in for Vonage's hosts.

`httpx.Client` is swapped for one whose transport answers like Vonage (the Redact API for the
first example, checking the URL, the Basic credentials and the JSON body; the erasure job's
target check and calls after it), so nothing needs the network. Python blocks run in one
namespace in a fresh directory; each `erasekit ...` line of the `sh` block runs through the
command's `main()` there, `JOB_ID` standing for the job the command ran.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
from pathlib import Path
from typing import Any

import httpx
import pytest

import erasekit
from erasekit import cli
from test_erasure_job import Vonage

README = Path(__file__).resolve().parents[1] / "README.md"
FIRST_ID = "0A000000B0C9A1234"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def stand_in(vonage: Vonage) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        expected = "Basic " + base64.b64encode(b"readme-key:readme-secret").decode()
        if request.headers.get("authorization") != expected:
            return httpx.Response(401, json={"type": "UNAUTHORIZED", "error_title": "Unauthorized"})
        body = json.loads(request.read()) if request.method == "POST" else {}
        if body.get("id") == FIRST_ID:
            assert str(request.url) == "https://api.nexmo.com/v1/redact/transaction"
            assert body == {"id": FIRST_ID, "product": "sms", "type": "outbound"}
            return httpx.Response(204)
        return vonage(request)

    return answer


def test_readme_snippets_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real_client = httpx.Client
    vonage = Vonage()

    def client(*args: Any, **kwargs: Any) -> httpx.Client:
        # Whatever transport the caller gives its client (erasekit's own one included).
        return real_client(*args, **{**kwargs, "transport": httpx.MockTransport(stand_in(vonage))})

    monkeypatch.setattr(httpx, "Client", client)
    monkeypatch.setenv("VONAGE_API_KEY", "readme-key")
    monkeypatch.setenv("VONAGE_API_SECRET", "readme-secret")
    monkeypatch.chdir(tmp_path)
    python = blocks("python")
    assert len(python) == 3
    assert len([line for line in python[0].splitlines() if line.strip()]) <= 12
    namespace: dict[str, Any] = {}
    for block in python:
        exec(compile(block, str(README), "exec"), namespace)
    assert capsys.readouterr().out.splitlines() == [
        "redacted 204",
        "1", "0", "['sms 0A0000000123ABCD1']", "unknown_subject", "64",
        "['POST']", "0 entries remain", "1 True",
    ]
    assert vonage.calls == {"0A0000000123ABCD1": 1}

    # The command erases what the ledger holds: the same send, recorded again.
    with erasekit.Ledger.sqlite("ledger.db") as ledger:
        ledger.record("user-42", namespace["capture"].sms_send(namespace["body"], at=namespace["sent"]))
    (sh,) = blocks("sh")
    job_id = ""
    for line in sh.splitlines():
        argv = shlex.split(line, comments=True)
        assert argv[0] == "erasekit"
        argv = [job_id if arg == "JOB_ID" else arg for arg in argv[1:]]
        assert cli.main(argv) == 0, (line, capsys.readouterr())
        for copy in tmp_path.glob("erasekit-receipt-*.json"):  # the erase's copy of its receipt
            job_id = json.loads(copy.read_text())["receipt"]["receipt_id"]
    assert job_id and (tmp_path / "receipt.json").exists()
    assert vonage.calls == {"0A0000000123ABCD1": 2}
