// Erasure benchmarks of the JS package (not tests): see the "JavaScript" section of
// bench/erasure/README.md for what each figure means and the recorded results.
//
//   node bench/erasure/bench_js.mjs [--part all|overhead|sdk|throughput] [--count 10000]
//        [--limit 170] [--latency 50] [--baseline 300] [--ops 100000] [--calls 20000] [--repeat 5]
//
// overhead    erasekit core cost per operation in Node: pollRequest + handleResponse with stub
//             answers and virtual time (no HTTP, no sleeping), over --ops operations, the
//             median of --repeat runs.
// sdk         the official @vonage/redact client (bench/erasure/js, `npm ci` there) building and
//             handling the same redaction with a stubbed node-fetch, next to erasekit's
//             poll + handle, and the whole drivers with the same stub fetch (wall and CPU time),
//             interleaved --repeat times, medians.
// throughput  --count redactions against the simulator with its Redact limit set to --limit and
//             --latency ms added to every call: job.run() rate / limit and % of 429s, with the
//             job's ratePerSecond at each of --factors times the limit (1 = the limit itself),
//             then the one-call-at-a-time loop (what the official SDKs do) over --baseline records.
//
// Loopback only; every loop is bounded by its count.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";

const here = fileURLToPath(new URL(".", import.meta.url));
const { values: args } = parseArgs({
  options: {
    part: { type: "string", default: "all" },
    count: { type: "string", default: "10000" },
    limit: { type: "string", default: "170" },
    latency: { type: "string", default: "50" },
    baseline: { type: "string", default: "300" },
    ops: { type: "string", default: "100000" },
    calls: { type: "string", default: "20000" },
    repeat: { type: "string", default: "5" },
    factors: { type: "string", default: "1" },
  },
});
const num = (name) => Number.parseInt(args[name], 10);

const erasekit = await import("../../bindings-js/js/node.mjs");
const { Credentials, ErasureJob, ErasurePlan, receiptPublicKey, verifyReceipt } = erasekit;
const SIGNING_KEY = new Uint8Array(32).fill(1);
const SUBJECT_KEY = new TextEncoder().encode("0123456789abcdef");
const HOUR = 3_600_000;

/** `n` outbound SMS entries two hours old, ids `${prefix}${i}`. */
function entries(n, prefix, now = Date.now()) {
  return Array.from({ length: n }, (_, i) => ({
    kind: "transaction",
    product: "sms",
    direction: "outbound",
    id: `${prefix}${i}`,
    created_at: now - 2 * HOUR,
    source: "sms_send",
    extra: {},
  }));
}

const planOf = (list, now = Date.now()) => new ErasurePlan({ subject: "bench", subjectKey: SUBJECT_KEY, entries: list, now });
const fmt = (x, digits = 2) => x.toFixed(digits);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** µs per unit of wall and CPU time while `f` runs (awaited). */
async function timed(units, f) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await f();
  const wall = ((performance.now() - t0) * 1000) / units;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / units, result };
}

/** Core overhead: poll + handle + pollEvents per operation, virtual time, stub 204s. */
function overheadRun(plan, ops) {
  const now0 = 1_700_000_000_000;
  const credentials = new Credentials({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" });
  const auth = { credentials, baseUrl: "http://127.0.0.1:9" };
  const answer = { status: 204, headers: {}, body: new Uint8Array(0) };
  const job = new ErasureJob(plan, { seed: 1, ratePerSecond: 10_000, maxInFlight: 1024, checkTarget: false });
  let now = now0;
  let polls = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  while (!job.isFinished()) {
    for (let call = job.pollRequest(now, auth); call !== null; call = job.pollRequest(now, auth)) {
      polls += 1;
      job.handleResponse(call.call_id, answer, now);
    }
    job.pollEvents();
    now = job.pollTimeout(now) ?? now;
  }
  const wall = ((performance.now() - t0) * 1000) / polls;
  const used = process.cpuUsage(cpu);
  job.free();
  credentials.free();
  if (polls !== ops) throw new Error(`expected ${ops} calls, made ${polls}`);
  return { wall, cpu: (used.user + used.system) / polls };
}

const overheadPlan = (ops) => planOf(entries(ops, "OVH-", 1_700_000_000_000), 1_700_000_000_000);

/** The overhead part on its own: the median of `repeat` runs after a warm-up. */
function overhead(ops, repeat) {
  const plan = overheadPlan(ops);
  overheadRun(plan, ops); // warm up
  const runs = Array.from({ length: repeat }, () => overheadRun(plan, ops));
  const wall = median(runs.map((r) => r.wall));
  const cpu = median(runs.map((r) => r.cpu));
  console.log(`overhead: ${ops} operations, poll + handle + pollEvents, median of ${repeat}: ${fmt(wall)} µs per operation (${fmt(cpu)} µs CPU); runs ${runs.map((r) => fmt(r.wall)).join(", ")}`);
  return wall;
}

/**
 * The official client with a stubbed node-fetch, next to erasekit with the same stub: SDK
 * loop, core overhead and the whole driver, interleaved `repeat` times (this machine's speed
 * drifts by tens of percent from minute to minute; ratios of medians of interleaved runs hold).
 */
async function sdk(calls, repeat) {
  const require = createRequire(here + "js/package.json");
  let serverClient;
  try {
    serverClient = require.resolve("@vonage/server-client");
  } catch {
    console.log("sdk: skipped: run `npm ci` in bench/erasure/js first (installs @vonage/redact there)");
    return;
  }
  const stub = async () => new Response(null, { status: 204 });
  // @vonage/server-client sends with node-fetch: give it the stub instead.
  const nodeFetch = createRequire(serverClient).resolve("node-fetch");
  require.cache[nodeFetch] = { id: nodeFetch, filename: nodeFetch, loaded: true, exports: stub };
  const { Redact } = require("@vonage/redact");
  const version = JSON.parse(readFileSync(here + "js/node_modules/@vonage/redact/package.json", "utf8")).version;
  const client = new Redact({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" }, { apiHost: "http://127.0.0.1:9" });
  const sdkLoop = async (n, offset) => {
    for (let i = 0; i < n; i++) await client.redactMessage({ id: `SDK-${offset + i}`, product: "sms", type: "outbound" });
  };

  // The whole driver with the same stub fetch, at its highest rate (1,000,000/s) so that the
  // pace is not what is measured: `job.run()` from start to its signed receipt. Planning comes
  // before (the SDK has no plan either) and checking the receipt after.
  const credentials = new Credentials({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" });
  const driverRun = async (n, prefix) => {
    const job = new ErasureJob(planOf(entries(n, prefix)), { seed: 2, ratePerSecond: 1_000_000, maxInFlight: 32, checkTarget: false });
    const measured = await timed(n, () => job.run({ credentials, fetch: stub, baseUrl: "http://127.0.0.1:9", signingKey: SIGNING_KEY }));
    job.free();
    verifyReceipt(measured.result, receiptPublicKey(SIGNING_KEY));
    if (measured.result.receipt.counts.done !== n) throw new Error("the driver did not erase everything");
    return measured;
  };

  const plan = overheadPlan(calls);
  await sdkLoop(2000, 0); // warm up
  overheadRun(plan, calls);
  await driverRun(2000, "WARM-");
  const rows = { sdk: [], core: [], run: [] };
  for (let r = 0; r < repeat; r++) {
    rows.sdk.push(await timed(calls, () => sdkLoop(calls, 10_000 + r * calls)));
    rows.core.push(overheadRun(plan, calls));
    rows.run.push(await driverRun(calls, `DRV${r}-`));
  }
  const m = (name, field) => median(rows[name].map((row) => row[field]));
  const list = (name) => rows[name].map((row) => fmt(row.wall, 1)).join(", ");
  console.log(`sdk: ${calls} calls, median of ${repeat} interleaved runs (wall µs per call; CPU in brackets)`);
  console.log(`sdk: @vonage/redact ${version}, stubbed node-fetch, one call at a time: ${fmt(m("sdk", "wall"))} (${fmt(m("sdk", "cpu"))}); runs ${list("sdk")}`);
  console.log(`sdk: erasekit core, pollRequest + handleResponse + pollEvents: ${fmt(m("core", "wall"))} (${fmt(m("core", "cpu"))}); runs ${list("core")}`);
  console.log(`sdk: erasekit job.run() with the same stub fetch: ${fmt(m("run", "wall"))} (${fmt(m("run", "cpu"))}); runs ${list("run")}`);
  console.log(
    `sdk: per-call overhead, @vonage/redact / erasekit core: ${fmt(m("sdk", "wall") / m("core", "wall"), 1)}x wall, ` +
      `${fmt(m("sdk", "cpu") / m("core", "cpu"), 1)}x CPU (target >= 10x)`,
  );
  console.log(
    `sdk: whole driver, @vonage/redact / job.run(): ${fmt(m("sdk", "wall") / m("run", "wall"), 2)}x wall, ` +
      `${fmt(m("sdk", "cpu") / m("run", "cpu"), 2)}x CPU (target >= 2x)`,
  );
  credentials.free();
}

/** job.run() against the simulator at its limit with added latency, then the naive loop. */
async function throughput(count, limit, latency, baselineCount) {
  const { startSimulator } = await import("../../tests/simulator/clients/sim.mjs");
  const sim = await startSimulator({ config: { rate_limits: { redact: limit }, log_capacity: 100 } });
  let last = 0;
  try {
    const now = Date.now();
    await sim.control.setClock(now);
    const records = (prefix, n) => Array.from({ length: n }, (_, i) => ({ product: "sms", type: "outbound", id: `${prefix}${i}`, age_ms: 2 * HOUR }));
    const factors = args.factors.split(",").map(Number);
    await sim.control.seed({
      records: [...factors.flatMap((_, k) => records(`TPUT${k}-`, count)), ...records("LOOP-", baselineCount)],
    });
    await sim.control.setFaults({ seed: 1, rules: [{ route: "POST /v1/redact/transaction", latency_ms: latency }] });
    const credentials = new Credentials({ apiKey: sim.apiKey, apiSecret: sim.apiSecret });
    for (const [k, factor] of factors.entries()) {
      await sim.control.clearLog();
      const rate = Math.floor(limit * factor);
      const job = new ErasureJob(planOf(entries(count, `TPUT${k}-`, now), now), { seed: 3, ratePerSecond: rate, maxInFlight: 32 });
      let started;
      let finished;
      const receipt = await job.run({
        credentials,
        baseUrl: sim.baseUrl,
        signingKey: SIGNING_KEY,
        onProgress: (e) => {
          if (e.event === "started") started = performance.now();
          if (e.event === "finished") finished = performance.now();
        },
      });
      const seconds = (finished - started) / 1000;
      const achieved = count / seconds;
      const route = (await sim.control.state()).routes["POST /v1/redact/transaction"];
      const tooMany = route.statuses["429"] ?? 0;
      console.log(
        `throughput: job.run() at ratePerSecond ${rate}, ${count} redactions, simulator limit ${limit}/s, +${latency} ms: ${fmt(seconds, 1)} s, ` +
          `${fmt(achieved, 1)}/s = ${fmt(achieved / limit, 3)} of the limit (target >= 0.95); ${tooMany} of ${route.total} calls answered 429 ` +
          `(${fmt((100 * tooMany) / route.total, 3)}%, target < 1%); done ${receipt.receipt.counts.done}, failed ${receipt.receipt.counts.failed}`,
      );
      job.free();
      last = seconds;
    }
    // The baseline: one call at a time, as the official SDKs do (erasekit's redact(), awaited in turn).
    const t0 = performance.now();
    for (let i = 0; i < baselineCount; i++) {
      await erasekit.redact({ id: `LOOP-${i}`, product: "sms", type: "outbound" }, { credentials, baseUrl: sim.baseUrl });
    }
    const loopSeconds = (performance.now() - t0) / 1000;
    const loopRate = baselineCount / loopSeconds;
    console.log(
      `throughput: one-call-at-a-time loop, ${baselineCount} redactions: ${fmt(loopRate, 1)}/s = ${fmt(loopRate / limit, 3)} of the limit; ` +
        `${count} would take ${fmt(count / loopRate / 60, 1)} min vs ${fmt(last / 60, 1)} min with job.run() (${fmt(count / last / loopRate, 1)}x)`,
    );
  } finally {
    await sim.stop();
  }
}

const part = args.part;
if (part === "all" || part === "overhead") overhead(num("ops"), num("repeat"));
if (part === "all") {
  // The SDK part stubs node-fetch in the module cache: run it in its own process.
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--part", "sdk", "--calls", args.calls, "--repeat", args.repeat], {
    stdio: "inherit",
  });
  if (r.status !== 0) process.exitCode = 1;
}
if (part === "sdk") await sdk(num("calls"), num("repeat"));
if (part === "all" || part === "throughput") await throughput(num("count"), num("limit"), num("latency"), num("baseline"));
