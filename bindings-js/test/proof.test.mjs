// What a run may claim (issue 9 items 1-4, 6, 12, 19) through the npm package: the target
// check against the simulator with a wrong base URL path, `started` / `waiting` events and
// `waitForPremature: false`, and ids that a URL parser would read as dot segments.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../tests/simulator/clients/sim.mjs";
import { Credentials, ErasureJob, ErasurePlan, Ledger, captureSource, resumeJob } from "erasekit";
import { SIGNING_KEY, SUBJECT_KEY } from "./erasure_cases.mjs";

const HOUR = 3_600_000;
const PROBE_ID = "erasekit-target-check-0000000000000000";
const INVALID_ID = JSON.stringify({ type: "https://developer.nexmo.com/api-errors#invalid-id", title: "Invalid ID", detail: "x", instance: "p" });

let sim;
let credentials;

before(async () => {
  sim = await startSimulator();
  credentials = new Credentials({ apiKey: sim.apiKey, apiSecret: sim.apiSecret });
});

after(async () => {
  credentials?.free();
  await sim?.stop();
});

const sms = (id, createdAt) => ({
  kind: "transaction",
  product: "sms",
  direction: "outbound",
  id,
  created_at: createdAt,
  source: "sms_send",
  extra: {},
});

const planOf = (entries, now = Date.now()) => new ErasurePlan({ subject: "user-proof", subjectKey: SUBJECT_KEY, entries, now });

test("a base URL with a wrong path (--base-url $SIM/v1): only the probe is sent, nothing is erased, the receipt is not complete", { timeout: 60_000 }, async () => {
  const now = Date.now();
  await sim.control.setClock(now);
  const ids = ["WRONG-1", "WRONG-2", "WRONG-3"];
  await sim.control.seed({ records: ids.map((id) => ({ product: "sms", type: "outbound", id, age_ms: 2 * HOUR })) });
  const sent = [];
  const fetchLogged = (url, init) => {
    sent.push(url);
    return fetch(url, init);
  };
  const events = [];
  const job = new ErasureJob(planOf(ids.map((id) => sms(id, now - 2 * HOUR))), { seed: 1 });
  const receipt = await job.run({
    credentials,
    fetch: fetchLogged,
    baseUrl: `${sim.baseUrl}/v1`,
    signingKey: SIGNING_KEY,
    onProgress: (e) => events.push(e),
  });
  assert.equal(sent.length, 1, JSON.stringify(sent));
  assert.equal(sent[0], `${sim.baseUrl}/v1/v1/redact/transaction`);
  const body = receipt.receipt;
  assert.equal(body.complete, false);
  assert.equal(body.on_time, false);
  assert.equal(body.counts.failed, 3);
  assert.ok(body.operations.every((o) => o.state === "failed" && o.attempts === 0), JSON.stringify(body.operations));
  assert.deepStrictEqual(body.target_checks.map((c) => [c.group, c.result]), [["sms", "failed"]]);
  const checked = events.find((e) => e.event === "target_checked");
  assert.equal(checked.ok, false);
  for (const id of ids) assert.equal((await sim.control.record("sms", id, "outbound")).redacted, false, id);
  job.free();
});

test("the right base URL: the probe of each group gets Vonage's not-found and the run is complete", { timeout: 60_000 }, async () => {
  const now = Date.now();
  await sim.control.setClock(now);
  await sim.control.seed({
    records: [{ product: "sms", type: "outbound", id: "RIGHT-1", age_ms: 2 * HOUR }],
    media: [{ id: "cccccccc-aaaa-4aaa-8aaa-000000000001", age_ms: 2 * HOUR }],
  });
  const entries = [
    sms("RIGHT-1", now - 2 * HOUR),
    { kind: "recording", product: null, direction: null, id: "cccccccc-aaaa-4aaa-8aaa-000000000001", created_at: now - 2 * HOUR, source: "voice_recording", extra: {} },
  ];
  const job = new ErasureJob(planOf(entries), { seed: 2 });
  const receipt = await job.run({ credentials, baseUrl: sim.baseUrl, signingKey: SIGNING_KEY });
  assert.deepStrictEqual(receipt.receipt.target_checks.map((c) => [c.group, c.result, c.status]), [["sms", "ok", 404], ["media", "ok", 404]]);
  assert.equal(receipt.receipt.complete, true);
  assert.ok(receipt.receipt.operations.every((o) => o.state === "done"), JSON.stringify(receipt.receipt.operations));
  job.free();
});

/** A Vonage that answers the target check and refuses young records as premature. */
const vonage = async (url, init) => {
  const id = JSON.parse(new TextDecoder().decode(init.body)).id;
  if (id === PROBE_ID) return new Response(INVALID_ID, { status: 404 });
  return new Response(null, { status: 204 });
};

test("a record younger than an hour: started at once, then a waiting event with the time it waits until", { timeout: 30_000 }, async () => {
  const now = Date.now();
  const job = new ErasureJob(planOf([sms("YOUNG-1", now - 10 * 60_000)], now), { seed: 3 });
  const controller = new AbortController();
  const events = [];
  const run = job.run({
    credentials,
    fetch: vonage,
    signal: controller.signal,
    signingKey: SIGNING_KEY,
    onProgress: (e) => {
      events.push(e);
      // Waiting for the hour is announced: stop here instead of waiting 50 minutes.
      if (e.event === "waiting") controller.abort();
    },
  });
  await assert.rejects(run, (err) => err.code === "aborted");
  assert.equal(events[0].event, "started");
  const waiting = events.find((e) => e.event === "waiting");
  assert.equal(waiting.until, now - 10 * 60_000 + HOUR);
  assert.equal(waiting.counts.total, 1);
  job.free();
});

test("waitForPremature: false stops the run where it would wait, as an aborted run; resumable", { timeout: 30_000 }, async () => {
  const now = Date.now();
  const createdAt = now - 10 * 60_000;
  const ledger = await Ledger.memory();
  await ledger.record("user-proof", [sms("YOUNG-2", createdAt)]);
  const job = new ErasureJob(planOf([sms("YOUNG-2", createdAt)], now), { seed: 4, waitForPremature: false });
  const sent = [];
  const events = [];
  const fetchLogged = (url, init) => {
    sent.push(JSON.parse(new TextDecoder().decode(init.body)).id);
    return vonage(url, init);
  };
  await assert.rejects(
    job.run({ credentials, fetch: fetchLogged, ledger, onProgress: (e) => events.push(e.event) }),
    (err) => {
      assert.equal(err.name, "ErasekitError");
      assert.equal(err.code, "job_waiting");
      assert.equal(err.details.until, createdAt + HOUR);
      assert.equal(err.jobId, job.jobId);
      assert.equal(typeof err.snapshot, "string");
      return true;
    },
  );
  assert.deepStrictEqual(sent, [PROBE_ID], "only the target check went out");
  assert.deepStrictEqual(events, ["started", "target_checked", "waiting"]);
  const stored = await ledger.loadJob(job.jobId);
  assert.equal(stored.state, "stopped");
  // The checkpoint resumes: the probe's result is kept and the run stops again at the wait.
  await assert.rejects(resumeJob(ledger, job.jobId).then((resumed) => resumed.run({ credentials, fetch: fetchLogged })), (err) => err.code === "job_waiting");
  assert.deepStrictEqual(sent, [PROBE_ID]);
  job.free();
});

test("ids that a URL parser reads as dot segments are refused by capture, record and plan", async () => {
  const ledger = await Ledger.memory();
  for (const id of [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."]) {
    assert.throws(() => captureSource("conversation_user", { id }, { at: 1_700_000_000_000 }), (err) => err.code === "invalid_payload" && /dot segment/.test(err.message), id);
    const entry = { kind: "user", product: null, direction: null, id, created_at: 1_700_000_000_000, source: "conversation_user", extra: {} };
    await assert.rejects(ledger.record("victim", [entry]), (err) => err.name === "ErasekitError" && /dot segment/.test(err.message), id);
    assert.throws(() => planOf([entry], 1_700_000_000_000), (err) => err.name === "ErasekitError" && /dot segment/.test(err.message), id);
    const event = { ...entry, kind: "event", id: `CON-1:${id}`, source: "conversation_event" };
    assert.throws(() => planOf([event], 1_700_000_000_000), (err) => /dot segment/.test(err.message), event.id);
  }
});
