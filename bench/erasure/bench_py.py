"""Erasure benchmarks of the Python package (not tests): see the "Python" section of
bench/erasure/README.md for what each figure means and the recorded results.

    .venv/bin/python bench/erasure/bench_py.py [--part all|overhead|sdk|throughput]
        [--count 10000] [--limit 170] [--latency 50] [--baseline 200] [--ops 100000]
        [--calls 5000] [--repeat 3] [--driver sync|async|both] [--factors 1]

overhead    erasekit core cost per operation from Python: poll_request + handle_response with
            stub answers and virtual time (no HTTP, no sleeping), over --ops operations.
sdk         the official ``vonage`` 3.x client (``pip install "vonage>=3,<4"`` into the venv,
            for this bench only) building and handling the same redaction with a stubbed
            ``requests`` transport, next to erasekit's poll + handle, ``erasekit.redact()`` and
            the whole ``job.run()`` / ``run_async()`` drivers over ``httpx.MockTransport``,
            through a client (``client=``); wall and CPU
            time, the median of --repeat runs each, interleaved (one run of each row per round).
throughput  --count redactions against the simulator with its Redact limit set to --limit and
            --latency ms added to every call: ``job.run()`` (and ``run_async()``) with
            ``rate_per_second`` at each of --factors × limit: rate / limit and % of 429s,
            then the one-call-at-a-time loop (what the official SDKs do) over --baseline
            records, in the same run.

Loopback only; every loop is bounded by its count.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import httpx

import erasekit

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "simulator" / "clients"))

HOUR = 3_600_000
SUBJECT_KEY = b"0123456789abcdef"
SIGNING_KEY = bytes([1]) * 32
CREDS = erasekit.Credentials(api_key="abcd1234", api_secret="s3cr3t-value")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def entries(n: int, prefix: str, now: int) -> list[Any]:
    """``n`` outbound SMS entries two hours old, ids ``{prefix}{i}``."""
    return [
        {"kind": "transaction", "product": "sms", "direction": "outbound", "id": f"{prefix}{i}",
         "created_at": now - 2 * HOUR, "source": "sms_send", "extra": {}}
        for i in range(n)
    ]


def plan_of(n: int, prefix: str = "BENCH-", now: int | None = None) -> erasekit.ErasurePlan:
    now = now_ms() if now is None else now
    return erasekit.ErasurePlan("bench", SUBJECT_KEY, entries(n, prefix, now), now)


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, cpu s, result)."""
    gc.collect()
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w, time.process_time() - c, result


# ---- core overhead ----------------------------------------------------------------------------


def core_loop(n: int) -> int:
    """poll_request + handle_response for every operation, virtual time, stub 204s."""
    t0 = now_ms()
    job = erasekit.ErasureJob(plan_of(n, now=t0), rate_per_second=10_000, max_in_flight=1024, seed=1, check_target=False)
    answer: erasekit.HttpResponse = {"status": 204}
    now = t0
    calls = 0
    while not job.is_finished():
        pending = []
        while (call := job.poll_request(now, CREDS)) is not None:
            pending.append(call["call_id"])
        for call_id in pending:
            job.handle_response(call_id, answer, now)
            calls += 1
        while job.poll_event() is not None:
            pass
        wake = job.poll_timeout(now)
        if wake is not None:
            now = wake
    return calls


def part_overhead(args: argparse.Namespace) -> dict[str, Any]:
    n = args.ops
    core_loop(min(n, 2000))  # warm up
    wall, cpu, calls = timed(lambda: core_loop(n))
    assert calls == n
    result = {"ops": n, "wall_s": wall, "cpu_s": cpu, "us_per_op": wall / n * 1e6, "cpu_us_per_op": cpu / n * 1e6}
    print(f"core poll+handle from Python: {n} ops in {wall:.2f} s: {result['us_per_op']:.2f} µs/op wall, "
          f"{result['cpu_us_per_op']:.2f} µs/op CPU")
    return result


# ---- the official SDK side by side ------------------------------------------------------------


def vonage_stubbed(calls: int) -> tuple[float, float, str]:
    import requests
    import vonage
    import vonage.redact

    class Stub(requests.adapters.BaseAdapter):
        """A requests transport answering 204 at once (the MockTransport of requests)."""

        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            response = requests.Response()
            response.status_code = 204
            response._content = b""
            response.request = request
            response.url = request.url or ""
            response.headers = requests.structures.CaseInsensitiveDict()
            return response

        def close(self) -> None:
            pass

    import warnings

    warnings.simplefilter("ignore")  # v3 announces its deprecation on every client
    client = vonage.Client(key="abcd1234", secret="s3cr3t-value")
    session = requests.Session()
    session.mount("https://", Stub())
    session.mount("http://", Stub())
    client.session = session
    # 3.18 no longer hangs Redact on the client (a "dev preview" there); it is still shipped.
    redact = getattr(client, "redact", None) or vonage.redact.Redact(client)
    for i in range(min(200, calls)):
        redact.redact_transaction(f"W{i}", "sms", type="outbound")
    wall, cpu, _ = timed(
        lambda: [redact.redact_transaction(f"V{i}", "sms", type="outbound") for i in range(calls)]
    )
    return wall, cpu, getattr(vonage, "__version__", "?")


def redact_stubbed(calls: int) -> tuple[float, float]:
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    with httpx.Client(transport=transport) as client:
        for i in range(200):
            erasekit.redact(f"W{i}", "sms", credentials=CREDS, client=client)
        wall, cpu, _ = timed(
            lambda: [erasekit.redact(f"R{i}", "sms", credentials=CREDS, client=client, now=1_800_000_000_000) for i in range(calls)]
        )
    return wall, cpu


def run_stubbed(calls: int, driver: str) -> tuple[float, float]:
    """The whole driver over ``client=httpx.Client(transport=MockTransport)``."""
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204)

    async def async_handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204)

    job = erasekit.ErasureJob(plan_of(calls), rate_per_second=STUB_RATE, max_in_flight=32, seed=2, check_target=False)
    if driver == "sync":
        with httpx.Client(transport=httpx.MockTransport(handler)) as client:
            wall, cpu, receipt = timed(lambda: job.run(credentials=CREDS, client=client, signing_key=SIGNING_KEY))
    else:
        async def main() -> erasekit.Receipt:
            async with httpx.AsyncClient(transport=httpx.MockTransport(async_handler)) as client:
                return await job.run_async(credentials=CREDS, client=client, signing_key=SIGNING_KEY)

        wall, cpu, receipt = timed(lambda: asyncio.run(main()))
    assert receipt["receipt"]["counts"]["done"] == calls
    return wall, cpu


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """Median wall and median CPU of a row's runs (the machine is shared: one run is noisy)."""
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


# The stub runs go at the most the core accepts (erasekit_core::MAX_RATE_PER_SECOND), so that
# the driver's cost is measured, not the pace: the core sends at 97% of rate_per_second, a
# floor of about 1 µs per call here (10,000/s, the earlier cap, floored it at 103 µs).
STUB_RATE = 1_000_000
FLOOR_US = 1e6 / (STUB_RATE * 0.97)


def part_sdk(args: argparse.Namespace, core: dict[str, Any] | None) -> dict[str, Any]:
    """Every row warmed up once, then --repeat rounds of one run of each row in turn
    (interleaved: load that comes and goes touches every row alike), medians per row."""
    calls, repeat = args.calls, args.repeat
    out: dict[str, Any] = {"calls": calls, "repeat": repeat, "stub_rate_per_second": STUB_RATE}

    def per_call(wall: float, cpu: float) -> dict[str, float]:
        return {"us_per_call": wall / calls * 1e6, "cpu_us_per_call": cpu / calls * 1e6}

    rows: list[tuple[str, str, Callable[[int], tuple[float, float]]]] = []
    try:
        version = vonage_stubbed(min(calls, 200))[2]
        rows.append(("vonage", f"vonage {version} redact_transaction, stubbed requests transport",
                     lambda n: vonage_stubbed(n)[:2]))
    except ImportError as err:
        version = None
        print(f"vonage 3.x not installed ({err}); pip install 'vonage>=3,<4' to compare")
    if core is None:
        core = part_overhead(argparse.Namespace(ops=min(args.ops, 100_000)))
    out["core_us_per_op"] = core["us_per_op"]
    out["core_cpu_us_per_op"] = core["cpu_us_per_op"]
    rows.append(("redact", "erasekit.redact() over httpx.MockTransport", redact_stubbed))
    for name, driver in [("run_sync", "sync"), ("run_async", "async")]:
        client_type = "AsyncClient" if driver == "async" else "Client"
        how = f"client=httpx.{client_type}(transport=MockTransport)"
        rows.append((name, f"job.run{'_async' if driver == 'async' else ''}({how})",
                     lambda n, driver=driver: run_stubbed(n, driver)))
    for _, _, measure in rows:
        measure(min(calls, 1000))  # warm up
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in rows}
    for _ in range(repeat):
        for name, _, measure in rows:
            runs[name].append(measure(calls))
    for name, label, _ in rows:
        out[name] = per_call(*medians(runs[name]))
        out[name]["runs_us_per_call"] = [w / calls * 1e6 for w, _ in runs[name]]
        print(f"{label}: {out[name]['us_per_call']:.1f} µs/call wall, {out[name]['cpu_us_per_call']:.1f} µs CPU")
    if version is not None:
        out["vonage"]["version"] = version
    print(f"(the job paces at 97% of rate_per_second = {STUB_RATE:,}/s: at least {FLOOR_US:.2f} µs per call of wall time)")
    if "vonage" in out:
        sdk, sdk_cpu = out["vonage"]["us_per_call"], out["vonage"]["cpu_us_per_call"]
        print(f"ratios vs vonage (wall, CPU): core {sdk / out['core_us_per_op']:.0f}x / "
              f"{sdk_cpu / out['core_cpu_us_per_op']:.0f}x lower")
        for name in ("redact", "run_sync", "run_async"):
            print(f"  {name}: {sdk / out[name]['us_per_call']:.1f}x wall, "
                  f"{sdk_cpu / out[name]['cpu_us_per_call']:.1f}x CPU")
    return out


# ---- throughput against the simulator ---------------------------------------------------------


def part_throughput(args: argparse.Namespace) -> dict[str, Any]:
    from sim import Simulator

    limit, count, latency, baseline = args.limit, args.count, args.latency, args.baseline
    drivers = ["sync", "async"] if args.driver == "both" else [args.driver]
    out: dict[str, Any] = {"limit": limit, "count": count, "latency_ms": latency}
    route = "POST /v1/redact/transaction"
    with Simulator({"rate_limits": {"redact": limit}}) as sim:
        creds = erasekit.Credentials(api_key=sim.api_key, api_secret=sim.api_secret)
        for factor in args.factors:
            for driver in drivers:
                sim.reset()
                now = sim.set_clock(now_ms())
                prefix = f"T{driver}-"
                sim.seed({"records": [{"product": "sms", "id": f"{prefix}{i}", "age_ms": 2 * HOUR} for i in range(count)]})
                sim.set_faults({"rules": [{"route": route, "latency_ms": latency}]})
                rate_setting = max(1, int(limit * factor))
                job = erasekit.ErasureJob(plan_of(count, prefix, now), rate_per_second=rate_setting, max_in_flight=32)
                if driver == "sync":
                    wall, cpu, receipt = timed(lambda: job.run(credentials=creds, base_url=sim.base_url, signing_key=SIGNING_KEY))
                else:
                    wall, cpu, receipt = timed(lambda: asyncio.run(
                        job.run_async(credentials=creds, base_url=sim.base_url, signing_key=SIGNING_KEY)))
                body = receipt["receipt"]
                assert body["counts"]["done"] == count, body["counts"]
                elapsed = (body["finished_at"] - body["started_at"]) / 1000
                state = sim.state()["routes"][route]
                total = state["total"]
                limited = state["statuses"].get("429", 0)
                rate = count / elapsed
                row = {"rate_per_second": rate_setting, "elapsed_s": elapsed, "rate": rate, "ratio": rate / limit,
                       "requests": total, "429": limited, "429_pct": 100 * limited / total, "cpu_s": cpu}
                out[f"{driver}@{rate_setting}"] = row
                print(f"job.run{'_async' if driver == 'async' else ''}(), rate_per_second={rate_setting}: "
                      f"{count} redactions in {elapsed:.1f} s = "
                      f"{rate:.1f}/s = {row['ratio']:.3f} of L={limit}; {limited} of {total} requests answered 429 "
                      f"({row['429_pct']:.2f}%); CPU {cpu:.1f} s")
        sim.reset()
        now = sim.set_clock(now_ms())
        sim.seed({"records": [{"product": "sms", "id": f"B-{i}", "age_ms": 2 * HOUR} for i in range(baseline)]})
        sim.set_faults({"rules": [{"route": route, "latency_ms": latency}]})
        with httpx.Client() as client:
            def loop() -> None:
                for i in range(baseline):
                    outcome = erasekit.redact(f"B-{i}", "sms", credentials=creds, client=client, base_url=sim.base_url)
                    assert outcome["outcome"] == "redacted", outcome

            wall, _, _ = timed(loop)
        rate = baseline / wall
        out["baseline"] = {"calls": baseline, "elapsed_s": wall, "rate": rate, "ratio": rate / limit}
        print(f"one call at a time: {baseline} redactions in {wall:.1f} s = {rate:.1f}/s = {rate / limit:.3f} of L")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", default="all", choices=["all", "overhead", "sdk", "throughput"])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=170)
    parser.add_argument("--latency", type=int, default=50)
    parser.add_argument("--baseline", type=int, default=200)
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3, help="sdk part: runs per row, median reported")
    parser.add_argument("--driver", default="both", choices=["sync", "async", "both"])
    parser.add_argument("--factors", type=lambda t: [float(x) for x in t.split(",")], default=[1.0],
                        help="job rate_per_second as fractions of --limit (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    print(f"erasekit {erasekit.__version__}, Python {sys.version.split()[0]}")
    figures: dict[str, Any] = {}
    core = None
    if args.part in ("all", "overhead"):
        core = figures["overhead"] = part_overhead(args)
    if args.part in ("all", "sdk"):
        figures["sdk"] = part_sdk(args, core)
    if args.part in ("all", "throughput"):
        figures["throughput"] = part_throughput(args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
