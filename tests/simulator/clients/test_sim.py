"""Self-test of the Python helper: `python3 -m pytest tests/simulator/clients/test_sim.py`
(needs a built binary, or cargo to build one)."""

import base64
import json
import os
import urllib.error
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


def test_reports_and_search_modes_and_scripted_endings():
    config = {"rate_limits": {"reports_records": 0, "reports_async": 0}}
    basic = "Basic " + base64.b64encode(b"sim-key:sim-secret").decode()

    def api(sim, path, body=None):
        req = urllib.request.Request(
            sim.base_url + path,
            data=None if body is None else json.dumps(body).encode(),
            method="GET" if body is None else "POST",
            headers={"Authorization": basic, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, None

    with Simulator(config) as sim:
        sim.seed({"records": [{"product": "sms", "id": "A", "to": "447700900123", "age_ms": 7_200_000},
                              {"product": "sms", "id": "B", "to": "447700900999", "age_ms": 7_200_000}]})
        assert sim.reports_modes({"filter_match": "ignore"})["filter_match"] == "ignore"
        assert sim.reports_modes()["max_window_ms"] == 86_400_000
        assert sim.script_reports([{"outcome": "TRUNCATED", "truncate_at": 1}]) == [
            {"outcome": "TRUNCATED", "truncate_at": 1}
        ]
        status, created = api(sim, "/v2/reports", {"product": "SMS", "account_id": "sim-key",
                                                    "direction": "outbound", "to": "447700900123"})
        assert status == 200
        sim.advance_clock(60_000)
        status, report = api(sim, "/v2/reports/" + created["request_id"])
        assert (report["request_status"], report["items_count"]) == ("TRUNCATED", 1)
        assert sim.report_script() == []
        sim.script_reports([{"outcome": "FAILED"}])
        sim.clear_report_script()
        assert sim.report_script() == []
        search = "/search/messages?api_key=sim-key&api_secret=sim-secret&ids=A"
        assert sim.search_modes({"availability": "retired_404"})["availability"] == "retired_404"
        assert api(sim, search)[0] == 404
        sim.search_modes({"availability": "live", "single_as_object": True})
        status, single = api(sim, search)
        assert (status, single["message-id"]) == (200, "A")
        assert sim.search_modes()["single_as_object"] is True
