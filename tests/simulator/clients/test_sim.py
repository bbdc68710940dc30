"""Self-test of the Python helper: `python3 -m pytest tests/simulator/clients/test_sim.py`
(needs a built binary, or cargo to build one)."""

import base64
import json
import os
import urllib.request

from sim import Simulator


def test_starts_seeds_redacts_and_stops():
    with Simulator({"rate_limits": {"redact": 5}}) as sim:
        assert sim.base_url.startswith("http://127.0.0.1:")
        sim.seed({"records": [{"product": "sms", "id": "X", "to": "447700900001", "age_ms": 7_200_000}]})
        req = urllib.request.Request(
            sim.base_url + "/v1/redact/transaction",
            data=json.dumps({"id": "X", "product": "sms", "type": "outbound"}).encode(),
            method="POST",
            headers={
                "Authorization": "Basic " + base64.b64encode(b"sim-key:sim-secret").decode(),
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(req) as res:
            assert res.status == 204
        assert sim.record("sms", "X")["to"] == "REDACTED"
        assert sim.state()["redactions"] == [{"count": 1, "id": "X", "product": "sms", "type": "outbound"}]
        before = sim.clock()
        assert sim.advance_clock(3_600_000) >= before + 3_600_000
        assert sim.settings()["rate_limits"]["redact"] == 5
        assert len(sim.log(route="POST /v1/redact/transaction")["entries"]) == 1
        sim.reset()
        assert sim.state()["records"]["total"] == 0
        pid = sim.pid
    try:
        os.kill(pid, 0)
        alive = True
    except OSError:
        alive = False
    assert not alive
