// ErasurePlan, ErasureJob, receipts and the `run` driver in Node, with stub `fetch`es and a
// small in-test ledger: the API shapes, errors, no secret in snapshots, signatures, the
// concurrency bound, per-call timeouts, abort with a snapshot, checkpoints and resume.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as erasekit from "erasekit";
import { ErasureJob, ErasurePlan, Deadline, verifyReceipt, receiptPublicKey } from "erasekit";
import { SIGNING_KEY, SUBJECT_KEY } from "./erasure_cases.mjs";

const vectorsDir = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));
const PEM = readFileSync(vectorsDir + "keys/app_private.pem", "utf8");
const SECRET = "s3cr3t-value";
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

/** `n` SMS entries created two hours before `now`, as the ledger hands them out. */
function smsEntries(n, { now = NOW, prefix = "SMS" } = {}) {
  return Array.from({ length: n }, (_, i) => ({
    kind: "transaction",
    product: "sms",
    direction: "outbound",
    id: `${prefix}-${i}`,
    created_at: now - 2 * HOUR,
    source: "sms_send",
    extra: {},
  }));
}

function plan(entries, extra = {}) {
  return new ErasurePlan({ subject: "user-42", subjectKey: SUBJECT_KEY, entries, now: NOW, ...extra });
}

const credentials = { apiKey: "abcd1234", apiSecret: SECRET };

const PROBE_ID = "erasekit-target-check-0000000000000000";
const INVALID_ID = JSON.stringify({ type: "https://developer.nexmo.com/api-errors#invalid-id", title: "Invalid ID", detail: "x", instance: "p" });

/** `fetch` behind a Vonage that answers the job's target check (404 invalid-id) itself. */
function answeringProbes(fetch) {
  return (url, init) => {
    const id = init.body ? JSON.parse(new TextDecoder().decode(init.body)).id : null;
    if (id === PROBE_ID) return Promise.resolve(new Response(INVALID_ID, { status: 404 }));
    return fetch(url, init);
  };
}

/** A stub fetch answering 204 after `delayMs`, counting calls and the most at once (the
 * target check is answered apart and not counted). */
function stubFetch({ delayMs = 0, answer = () => ({ status: 204 }) } = {}) {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0, bodies: [] };
  const fetch = async (url, init) => {
    stats.calls += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    stats.bodies.push(init.body ? JSON.parse(new TextDecoder().decode(init.body)) : null);
    try {
      if (delayMs > 0) {
        await new Promise((resolve, reject) => {
          const t = setTimeout(resolve, delayMs);
          init.signal?.addEventListener("abort", () => {
            clearTimeout(t);
            reject(new DOMException("aborted", "AbortError"));
          });
        });
      }
      const a = answer(url, init, stats.calls);
      return new Response(a.body ?? null, { status: a.status, headers: a.headers ?? {} });
    } finally {
      stats.inFlight -= 1;
    }
  };
  return { fetch: answeringProbes(fetch), stats };
}

/**
 * A memory `Ledger` keyed by SUBJECT_KEY that notes what `run` writes: "running" per claim and
 * checkpoint, "stopped" on the way out, "finished" at the end; and each forgetting.
 */
async function fakeLedger(entries = []) {
  const key = Buffer.from(SUBJECT_KEY).toString("hex");
  const real = await erasekit.Ledger.fromExport(JSON.stringify({ format: 1, key, subjects: {}, tombstones: [], jobs: {} }));
  if (entries.length > 0) await real.record("user-42", entries);
  const saves = [];
  const forgotten = [];
  const RUN = Symbol.for("erasekit.Ledger.run");
  return {
    real,
    saves,
    forgotten,
    subjectKey: SUBJECT_KEY,
    entries: (subject) => real.entries(subject),
    loadJob: (jobId) => real.loadJob(jobId),
    receiptPublicKey: () => real.receiptPublicKey(),
    get [RUN]() {
      const run = real[RUN];
      return {
        receiptKey: run.receiptKey,
        claim: (...args) => {
          saves.push("running");
          return run.claim(...args);
        },
        renew: (lease, state, ...rest) => {
          saves.push(state);
          return run.renew(lease, state, ...rest);
        },
        finish: async (lease, subject, receipt) => {
          saves.push("finished");
          const result = await run.finish(lease, subject, receipt);
          if (result.tombstone !== null) forgotten.push({ subject, receipt });
          return result;
        },
      };
    },
  };
}

test("a plan lists its operations, deadline, keyed hash and dry run", () => {
  const p = plan(smsEntries(2), { receivedAt: NOW - 1000 });
  assert.equal(p.subject, "user-42");
  assert.match(p.subjectHash, /^[0-9a-f]{64}$/);
  assert.equal(p.plannedAt, NOW);
  assert.equal(p.operations.length, 2);
  assert.deepStrictEqual(p.operations[0], {
    op: 0,
    target: "SMS-0",
    action: "redact",
    product: "sms",
    direction: "outbound",
    created_at: NOW - 2 * HOUR,
    not_before: NOW - HOUR,
    initial: "pending",
  });
  assert.ok(p.deadline instanceof Deadline);
  assert.equal(p.deadline.receivedAt, NOW - 1000);
  const extended = p.extendDeadline(2, "many records");
  assert.equal(extended.extensionMonths, 2);
  assert.equal(p.deadline.extensionReason, "many records");
  const dry = p.describe("http://127.0.0.1:9");
  assert.deepStrictEqual(dry[1], {
    op: 1,
    target: "SMS-1",
    action: "redact",
    product: "sms",
    direction: "outbound",
    method: "POST",
    url: "http://127.0.0.1:9/v1/redact/transaction",
    not_before: NOW - HOUR,
    initial: "pending",
  });
  assert.equal(p.describe()[0].url, "https://api.nexmo.com/v1/redact/transaction");
  assert.equal(JSON.parse(JSON.stringify(p)).operations.length, 2);
  assert.deepStrictEqual(p.options, {
    user_action: "delete",
    delete_legs: false,
    delete_conversations: false,
    conversation_api: "v1",
    retention_months: 13,
    allow_empty: false,
  });
});

test("plan options are camelCase; old records are expired up front", () => {
  const entries = [
    ...smsEntries(1),
    { kind: "user", product: null, direction: null, id: "USR-1", created_at: NOW - 20 * 30 * 24 * HOUR, source: "conversation_user", extra: {} },
    { kind: "user", product: null, direction: null, id: "USR-2", created_at: NOW - HOUR, source: "conversation_user", extra: {} },
  ];
  const p = plan(entries, { userAction: "scrub", retentionMonths: 13, conversationApi: "v0.1" });
  assert.deepStrictEqual(p.operations.map((o) => [o.action, o.initial]), [
    ["redact", "pending"],
    ["scrub_user", "expired"],
    ["scrub_user", "pending"],
  ]);
  assert.equal(p.describe()[2].method, "PUT");
});

test("bad plan and job input throws ErasekitErrors naming the field", () => {
  const code = (fn) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof Error);
      assert.equal(err.name, "ErasekitError");
      return [err.code, err.details.field ?? null];
    }
    assert.fail("did not throw");
  };
  assert.deepStrictEqual(code(() => plan(smsEntries(1), { subjectKey: new Uint8Array(4) })), ["invalid_argument", "key"]);
  assert.deepStrictEqual(code(() => plan(smsEntries(1), { subjectKey: "0123456789abcdef" })), ["invalid_argument", "subjectKey"]);
  assert.deepStrictEqual(code(() => plan([{ ...smsEntries(1)[0], id: "" }])), ["invalid_argument", "entries[0].id"]);
  assert.deepStrictEqual(code(() => plan(smsEntries(1), { userAction: "shred" })), ["invalid_argument", "options.userAction"]);
  assert.deepStrictEqual(code(() => plan(smsEntries(1), { colour: 1 })), ["invalid_argument", "input"]);
  assert.deepStrictEqual(code(() => plan(smsEntries(1)).extendDeadline(3, "x")), ["invalid_argument", "months"]);
  const p = plan(smsEntries(1));
  assert.deepStrictEqual(code(() => new ErasureJob(p, { ratePerSecond: 0 })), ["invalid_argument", "rate_per_second"]);
  assert.deepStrictEqual(code(() => new ErasureJob(p, { speed: 1 })), ["invalid_argument", "speed"]);
  assert.deepStrictEqual(code(() => new ErasureJob(p, { seed: 2 ** 53 })), ["invalid_argument", "seed"]);
  assert.deepStrictEqual(code(() => new ErasureJob(p, { seed: -1n })), ["invalid_argument", "seed"]);
  const job = new ErasureJob(p, { seed: 1 });
  assert.deepStrictEqual(code(() => job.handleResponse(99, { status: 204 }, NOW)), ["invalid_argument", "call_id"]);
  assert.deepStrictEqual(code(() => job.handleFailure(1, "reset", NOW)), ["invalid_argument", "failure"]);
  assert.deepStrictEqual(code(() => job.receipt(SIGNING_KEY)), ["job_not_finished", null]);
  assert.deepStrictEqual(code(() => ErasureJob.restore("{}")), ["storage", null]);
});

test("seeds: a number, a 64-bit BigInt, or random; the job id derives from it", () => {
  const p = plan(smsEntries(1));
  const a = new ErasureJob(p, { seed: 42 });
  const b = new ErasureJob(p, { seed: 42n });
  assert.equal(a.jobId, b.jobId);
  assert.match(a.jobId, /^job-[0-9a-f]{16}$/);
  const big = new ErasureJob(p, { seed: 2n ** 64n - 1n });
  assert.notEqual(big.jobId, a.jobId);
  const r1 = new ErasureJob(p);
  const r2 = new ErasureJob(p, {});
  assert.notEqual(r1.jobId, r2.jobId);
  assert.equal(new ErasureJob(p, { jobId: "erase-user-42" }).jobId, "erase-user-42");
  assert.equal(a.subject, "user-42");
  assert.equal(a.plan.operations.length, 1);
});

test("raw sans-IO: pollRequest, handleResponse, events, pollTimeout, counts, receipt", () => {
  const job = new ErasureJob(plan(smsEntries(3)), { seed: 1, maxInFlight: 2, ratePerSecond: 100, checkTarget: false });
  const auth = { credentials, baseUrl: "http://127.0.0.1:9" };
  const first = job.pollRequest(NOW, auth);
  assert.equal(first.call_id, 1);
  assert.equal(first.op, 0);
  assert.equal(first.request.method, "POST");
  assert.equal(first.request.url, "http://127.0.0.1:9/v1/redact/transaction");
  assert.ok(first.request.body instanceof Uint8Array);
  assert.equal(first.request.headers.authorization, "Basic YWJjZDEyMzQ6czNjcjN0LXZhbHVl");
  assert.equal(job.pollRequest(NOW, auth), null, "paced: one call per 10 ms at 100/s");
  const next = job.pollTimeout(NOW);
  assert.ok(next > NOW && next <= NOW + 10, String(next - NOW));
  const second = job.pollRequest(next, auth);
  assert.equal(second.op, 1);
  assert.equal(job.pollRequest(NOW + 100, auth), null, "maxInFlight is 2");
  assert.equal(job.pollTimeout(NOW + 100), null, "two in flight: waits on answers only");
  assert.deepStrictEqual(job.counts().in_flight, 2);
  job.handleResponse(first.call_id, { status: 204 }, NOW + 20);
  job.handleFailure(second.call_id, "connection", NOW + 20);
  const events = [job.pollEvent(), ...job.pollEvents()];
  assert.deepStrictEqual(events.map((e) => e.event), ["started", "operation_finished", "retrying"]);
  assert.equal(job.pollEvent(), null);
  assert.deepStrictEqual(job.pollEvents(), []);
  assert.equal(events[2].reason, "connection failed");
  let now = NOW + 20;
  while (!job.isFinished()) {
    for (let c = job.pollRequest(now, auth); c !== null; c = job.pollRequest(now, auth)) {
      job.handleResponse(c.call_id, { status: 204, headers: {}, body: "" }, now);
    }
    now = job.pollTimeout(now) ?? now;
  }
  assert.deepStrictEqual(job.counts(), {
    total: 3, done: 3, not_found: 0, expired: 0, failed: 0, skipped: 0, in_flight: 0, retries: 1, rate_limited: 0,
  });
  const receipt = job.receipt(SIGNING_KEY);
  assert.equal(receipt.receipt.operations[1].attempts, 2);
  assert.equal(receipt.signature.public_key, receiptPublicKey(SIGNING_KEY));
});

test("receipts verify; any edit is bad_signature; another key is refused", () => {
  const job = new ErasureJob(plan(smsEntries(2)), { seed: 3, checkTarget: false });
  let now = NOW;
  while (!job.isFinished()) {
    for (let c = job.pollRequest(now, { credentials }); c !== null; c = job.pollRequest(now, { credentials })) {
      job.handleResponse(c.call_id, { status: 204 }, now);
    }
    now = job.pollTimeout(now) ?? now;
  }
  const receipt = job.receipt(SIGNING_KEY);
  const publicKey = receiptPublicKey(SIGNING_KEY);
  const body = verifyReceipt(receipt, publicKey);
  assert.deepStrictEqual(body, receipt.receipt);
  assert.deepStrictEqual(verifyReceipt(JSON.stringify(receipt)), receipt.receipt);
  assert.equal(body.subject_hash, plan(smsEntries(0), { allowEmpty: true }).subjectHash);
  assert.ok(!JSON.stringify(receipt).includes("user-42"), "the subject appears only as its keyed hash");
  const failsWith = (edit, code) => {
    const copy = structuredClone(receipt);
    edit(copy);
    assert.throws(() => verifyReceipt(copy, publicKey), (err) => err instanceof Error && err.code === code);
  };
  failsWith((r) => (r.receipt.operations[0].state = "failed"), "bad_signature");
  failsWith((r) => (r.receipt.counts.done = 1), "bad_signature");
  failsWith((r) => (r.receipt.finished_at += 1), "bad_signature");
  failsWith((r) => (r.receipt.subject_hash = "0".repeat(64)), "bad_signature");
  failsWith((r) => (r.receipt.operations[1].extra_field = 1), "bad_signature");
  failsWith((r) => (r.signature.value = "00" + r.signature.value.slice(2)), "bad_signature");
  failsWith((r) => delete r.signature, "invalid_receipt");
  const other = new Uint8Array(32).fill(2);
  assert.throws(() => verifyReceipt(receipt, receiptPublicKey(other)), (err) => err.code === "bad_signature");
  assert.throws(() => verifyReceipt("not json"), (err) => err.code === "invalid_receipt");
  assert.throws(() => receiptPublicKey(new Uint8Array(31)), (err) => err.code === "invalid_argument");
});

test("a snapshot holds no secret, and restores a job with calls in flight", () => {
  const entries = [
    ...smsEntries(2),
    { kind: "recording", product: null, direction: null, id: "bbbbbbbb-aaaa-cccc-dddd-0123456789ab", created_at: NOW - 2 * HOUR, source: "voice_recording", extra: {} },
  ];
  const full = { ...credentials, applicationId: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", privateKey: PEM };
  const job = new ErasureJob(plan(entries), { seed: 5, ratePerSecond: 1000, checkTarget: false });
  const calls = [];
  for (let now = NOW; calls.length < 3; now += 1) {
    const c = job.pollRequest(now, { credentials: full });
    if (c !== null) calls.push(c);
  }
  const bearer = calls.find((c) => c.request.headers.authorization.startsWith("Bearer ")).request.headers.authorization;
  const snapshot = job.snapshot();
  assert.equal(typeof snapshot, "string");
  for (const secret of [SECRET, "YWJjZDEyMzQ6czNjcjN0LXZhbHVl", bearer.slice(7), bearer.slice(7).split(".")[2], "PRIVATE KEY", PEM.split("\n")[1]]) {
    assert.ok(!snapshot.includes(secret), `snapshot contains ${secret.slice(0, 20)}`);
  }
  const restored = ErasureJob.restore(snapshot);
  assert.equal(restored.jobId, job.jobId);
  assert.equal(restored.counts().in_flight, 0);
  let now = NOW + 10;
  const resent = [];
  while (!restored.isFinished()) {
    for (let c = restored.pollRequest(now, { credentials: full }); c !== null; c = restored.pollRequest(now, { credentials: full })) {
      resent.push(c.op);
      restored.handleResponse(c.call_id, { status: 204 }, now);
    }
    now = restored.pollTimeout(now) ?? now;
  }
  assert.deepStrictEqual(resent.sort(), [0, 1, 2], "every call in flight is sent again");
  const ops = restored.receipt(SIGNING_KEY).receipt.operations;
  assert.deepStrictEqual(ops.map((o) => [o.state, o.attempts]), [["done", 2], ["done", 2], ["done", 2]]);
});

test("run(): every call through fetch, never more than maxInFlight at once, a verified receipt", async () => {
  const { fetch, stats } = stubFetch({ delayMs: 5 });
  const job = new ErasureJob(plan(smsEntries(60)), { seed: 9, maxInFlight: 4, ratePerSecond: 5000 });
  const events = [];
  const receipt = await job.run({
    credentials,
    fetch,
    baseUrl: "http://127.0.0.1:9",
    signingKey: SIGNING_KEY,
    onProgress: (e) => events.push(e.event),
  });
  assert.equal(stats.calls, 60);
  assert.ok(stats.maxInFlight <= 4 && stats.maxInFlight >= 2, String(stats.maxInFlight));
  assert.deepStrictEqual(new Set(stats.bodies.map((b) => b.id)).size, 60);
  assert.equal(receipt.receipt.counts.done, 60);
  assert.deepStrictEqual(verifyReceipt(receipt, receiptPublicKey(SIGNING_KEY)), receipt.receipt);
  assert.equal(events[0], "started");
  assert.equal(events.at(-1), "finished");
  assert.equal(events.filter((e) => e === "operation_finished").length, 60);
});

test("run(): answers and transport failures reach the core; it retries, the driver does not decide", async () => {
  const { fetch, stats } = stubFetch({
    answer: (url, init, n) => {
      const id = JSON.parse(new TextDecoder().decode(init.body)).id;
      if (id === "SMS-0" && n < 3) throw new TypeError("fetch failed");
      if (id === "SMS-1") return { status: 404, body: JSON.stringify({ type: "https://developer.nexmo.com/api-errors#invalid-id", title: "Invalid ID", detail: "x", instance: "i-1" }) };
      return { status: 204 };
    },
  });
  const job = new ErasureJob(plan(smsEntries(3)), { seed: 2, backoffBaseMs: 10, backoffMaxMs: 20, maxInFlight: 1 });
  const receipt = await job.run({ credentials, fetch, signingKey: SIGNING_KEY });
  const ops = receipt.receipt.operations;
  assert.deepStrictEqual(ops.map((o) => o.state), ["done", "not_found", "done"]);
  assert.equal(ops[0].attempts, 2);
  assert.equal(ops[1].instance, "i-1");
  assert.equal(stats.calls, 4);
});

test("run(): a call slower than timeoutMs is aborted and reported as a timeout", async () => {
  let calls = 0;
  const fetch = answeringProbes((url, init) => {
    calls += 1;
    if (calls === 1) {
      return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    }
    return Promise.resolve(new Response(null, { status: 204 }));
  });
  const job = new ErasureJob(plan(smsEntries(1)), { seed: 4, backoffBaseMs: 10, backoffMaxMs: 20 });
  const reasons = [];
  const receipt = await job.run({
    credentials,
    fetch,
    signingKey: SIGNING_KEY,
    timeoutMs: 50,
    onProgress: (e) => e.event === "retrying" && reasons.push(e.reason),
  });
  // The reason names the host and the deadline (issue 9, item 21).
  assert.deepStrictEqual(reasons, ["timeout: no complete answer from api.nexmo.com within 50 ms"]);
  assert.equal(receipt.receipt.operations[0].attempts, 2);
});

test("run(): calls sent together time out each after at least timeoutMs; their fast neighbours are not disturbed", async () => {
  // Even-numbered first attempts hang until aborted; everything else answers at once. Calls
  // sent within a few milliseconds share an abort controller, which must not cut a call short.
  const sentAt = new Map();
  const abortedAfter = [];
  let calls = 0;
  const fetch = answeringProbes((url, init) => {
    calls += 1;
    const id = JSON.parse(new TextDecoder().decode(init.body)).id;
    if (!sentAt.has(id) && Number(id.split("-").pop()) % 2 === 0) {
      sentAt.set(id, performance.now());
      return new Promise((_, reject) =>
        init.signal.addEventListener("abort", () => {
          abortedAfter.push(performance.now() - sentAt.get(id));
          reject(new DOMException("aborted", "AbortError"));
        }),
      );
    }
    sentAt.set(id, performance.now());
    return Promise.resolve(new Response(null, { status: 204 }));
  });
  const job = new ErasureJob(plan(smsEntries(12)), { seed: 5, ratePerSecond: 100000, maxInFlight: 12, backoffBaseMs: 10, backoffMaxMs: 20 });
  const reasons = [];
  const receipt = await job.run({
    credentials,
    fetch,
    signingKey: SIGNING_KEY,
    timeoutMs: 80,
    onProgress: (e) => e.event === "retrying" && reasons.push(e.reason),
  });
  assert.equal(abortedAfter.length, 6);
  for (const ms of abortedAfter) assert.ok(ms >= 79, `aborted after ${ms} ms`);
  assert.deepStrictEqual(reasons, Array(6).fill("timeout: no complete answer from api.nexmo.com within 80 ms"));
  assert.deepStrictEqual(receipt.receipt.operations.map((o) => o.attempts).sort(), [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  assert.ok(receipt.receipt.operations.every((o) => o.state === "done"));
  assert.equal(calls, 18);
});

test("raw protocol: each call has its own headers; one call's changes do not reach the next", () => {
  const job = new ErasureJob(plan(smsEntries(3)), { seed: 11, ratePerSecond: 100000, maxInFlight: 3, checkTarget: false });
  const auth = { credentials };
  const first = job.pollRequest(NOW, auth);
  first.request.headers["x-trace"] = "1";
  delete first.request.headers.authorization;
  const second = job.pollRequest(NOW, auth);
  assert.notEqual(second.request.headers, first.request.headers);
  assert.equal(second.request.headers["x-trace"], undefined);
  assert.match(second.request.headers.authorization, /^Basic /);
  assert.deepStrictEqual(Object.keys(second.request.headers).sort(), ["accept", "authorization", "content-type", "user-agent"]);
  assert.deepStrictEqual(JSON.parse(new TextDecoder().decode(second.request.body)), { id: "SMS-1", product: "sms", type: "outbound" });
  assert.equal(second.op, 1);
});

test("ratePerSecond goes up to 1,000,000 (stubs, proxies, benchmarks)", async () => {
  const p = plan(smsEntries(50));
  assert.throws(() => new ErasureJob(p, { ratePerSecond: 1_000_001 }), (err) => err.code === "invalid_argument" && err.details.field === "rate_per_second");
  const job = new ErasureJob(p, { seed: 3, ratePerSecond: 1_000_000, maxInFlight: 64 });
  const { fetch } = stubFetch();
  const receipt = await job.run({ credentials, fetch, signingKey: SIGNING_KEY });
  assert.equal(receipt.receipt.counts.done, 50);
});

test("run(): checkpoints into the ledger every N answers and forgets the subject after", async () => {
  const ledger = await fakeLedger();
  const { fetch } = stubFetch();
  const job = new ErasureJob(plan(smsEntries(25)), { seed: 6, maxInFlight: 1, ratePerSecond: 10000, checkpointEvery: 10 });
  assert.equal(job.config.checkpoint_every, 10);
  const events = [];
  const receipt = await job.run({ credentials, fetch, ledger, onProgress: (e) => events.push(e) });
  assert.deepStrictEqual(ledger.saves, ["running", "running", "running", "finished"]);
  assert.equal(await ledger.loadJob(job.jobId), null, "the end of the run deletes its row");
  assert.deepStrictEqual(ledger.forgotten, [{ subject: "user-42", receipt }]);
  assert.deepStrictEqual(await ledger.real.receipt(job.jobId), receipt, "the receipt is stored");
  assert.equal(receipt.signature.public_key, await ledger.receiptPublicKey(), "signed with the ledger's key");
  assert.deepStrictEqual(events.at(-1), { event: "ledger_finished", receipt_id: job.jobId, remaining: 0, forgotten: true });
  // Another signing key than the ledger's is refused before anything is sent.
  const other = new ErasureJob(plan(smsEntries(1)), { seed: 7 });
  await assert.rejects(other.run({ credentials, fetch, ledger, signingKey: SIGNING_KEY }), (e) => e.code === "invalid_argument");
});

test("run(): one run per subject; a second is subject_busy; the held job is taken over after its lease", async () => {
  const ledger = await fakeLedger(smsEntries(3));
  const { fetch } = stubFetch({ delayMs: 30 });
  const p = await erasekit.planErasure(ledger, "user-42", { now: NOW });
  const first = new ErasureJob(p, { seed: 11, maxInFlight: 1, ratePerSecond: 10000 });
  const second = new ErasureJob(p, { seed: 12, maxInFlight: 1, ratePerSecond: 10000 });
  const running = first.run({ credentials, fetch, ledger });
  await new Promise((r) => setTimeout(r, 5));
  await assert.rejects(second.run({ credentials, fetch, ledger }), (e) => e.code === "subject_busy");
  const receipt = await running;
  assert.equal(receipt.receipt.counts.done, 3);
  // A crashed run (its lease expired) is taken over by resuming; the old holder then loses it.
  const run = ledger.real[Symbol.for("erasekit.Ledger.run")];
  await ledger.real.record("user-43", smsEntries(2));
  const crashed = new ErasureJob(await erasekit.planErasure(ledger.real, "user-43", { now: NOW }), { seed: 13 });
  const times = await run.claim(crashed.jobId, "user-43", crashed.snapshot(), "crashed-owner", false, 1000);
  await assert.rejects((await erasekit.resumeJob(ledger.real, crashed.jobId)).run({ credentials, fetch }), (e) => e.code === "subject_busy");
  await new Promise((r) => setTimeout(r, 1100));
  const resumed = await (await erasekit.resumeJob(ledger.real, crashed.jobId)).run({ credentials, fetch });
  assert.equal(resumed.receipt.counts.done, 2);
  await assert.rejects(
    run.renew({ job_id: crashed.jobId, owner: "crashed-owner", attempt: times.attempt }, "running", "{}", 60_000),
    (e) => e.code === "lease_lost",
  );
});

test("run(): an AbortSignal stops cleanly with a snapshot in the error and the ledger; resumeJob completes", async () => {
  const ledger = await fakeLedger(smsEntries(40));
  const p = await erasekit.planErasure(ledger, "user-42", { now: NOW });
  assert.equal(p.operations.length, 40);
  const { fetch, stats } = stubFetch({ delayMs: 20 });
  const job = new ErasureJob(p, { seed: 8, maxInFlight: 4, ratePerSecond: 10000 });
  const controller = new AbortController();
  let finished = 0;
  const run = job.run({
    credentials,
    fetch,
    ledger,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.event === "operation_finished" && ++finished === 10) controller.abort();
    },
  });
  const err = await run.then(() => assert.fail("resolved"), (e) => e);
  assert.ok(err instanceof erasekit.ErasekitError);
  assert.equal(err.code, "aborted");
  assert.equal(err.family, "job");
  assert.equal(err.jobId, job.jobId);
  assert.equal(typeof err.snapshot, "string");
  assert.equal((await ledger.loadJob(job.jobId)).state, "stopped");
  assert.equal((await ledger.loadJob(job.jobId)).snapshot, err.snapshot);
  await new Promise((r) => setTimeout(r, 50));
  const sentBeforeStop = stats.calls;
  assert.ok(sentBeforeStop < 40 && stats.inFlight === 0, `${sentBeforeStop} sent, ${stats.inFlight} in flight`);
  const bound = await erasekit.resumeJob(ledger, job.jobId);
  assert.equal(bound.jobId, job.jobId);
  // Bound to the ledger it came from: another ledger is refused before anything is sent.
  await assert.rejects(bound.run({ credentials, fetch, ledger: await fakeLedger() }), (e) => e.code === "invalid_argument" && e.details.field === "ledger");
  const receipt = await bound.run({ credentials, fetch });
  assert.equal(receipt.receipt.counts.done, 40);
  assert.equal(receipt.receipt.receipt_id, job.jobId);
  assert.ok(stats.calls >= 40 && stats.calls <= sentBeforeStop + 40 - 10 + 4, String(stats.calls));
  assert.equal(await ledger.loadJob(job.jobId), null);
  assert.equal(ledger.forgotten.length, 1);
  const aborted = new AbortController();
  aborted.abort();
  const again = new ErasureJob(p, { seed: 8 });
  await assert.rejects(again.run({ credentials, fetch, signal: aborted.signal, signingKey: SIGNING_KEY }), (e) => e.code === "aborted");
  await assert.rejects(erasekit.resumeJob(ledger, "no-such-job"), (e) => e instanceof erasekit.ErasekitError && e.code === "job_not_found" && e.family === "input");
});

test("run(): bad options are refused before anything is sent", async () => {
  const { fetch, stats } = stubFetch();
  const job = new ErasureJob(plan(smsEntries(1)), { seed: 1 });
  const code = async (options) => job.run(options).then(() => null, (e) => [e.code, e.details?.field]);
  assert.deepStrictEqual(await code({ credentials, fetch }), ["invalid_argument", "signingKey"]);
  assert.deepStrictEqual(await code({ credentials, fetch, signingKey: new Uint8Array(8) }), ["invalid_argument", "signing_key"]);
  assert.deepStrictEqual(await code({ credentials: { apiKey: "k" }, fetch, signingKey: SIGNING_KEY }), ["invalid_credentials", undefined]);
  assert.deepStrictEqual(await code({ credentials, fetch, signingKey: SIGNING_KEY, retries: 3 }), ["invalid_argument", "retries"]);
  assert.deepStrictEqual(await code({ credentials, fetch, signingKey: SIGNING_KEY, ledger: {} }), ["invalid_argument", "ledger"]);
  assert.deepStrictEqual(await code({ credentials, fetch, signingKey: SIGNING_KEY, checkpointEvery: 10 }), ["invalid_argument", "checkpointEvery"]);
  assert.throws(() => new ErasureJob(plan(smsEntries(1)), { checkpointEvery: 0 }), (e) => e.code === "invalid_argument" && e.details.field === "checkpoint_every");
  assert.equal(stats.calls, 0);
});

test("js/index.d.ts re-exports every erasure type of src/erasure_types.rs", () => {
  const custom = readFileSync(new URL("../src/erasure_types.rs", import.meta.url), "utf8");
  const entry = readFileSync(new URL("../js/index.d.ts", import.meta.url), "utf8");
  // `ErasureJob` is the class's `run` declaration merged into the generated class.
  const names = [...custom.matchAll(/export (?:type|interface) (\w+)/g)].map((m) => m[1]).filter((n) => n !== "ErasureJob");
  assert.ok(names.length > 20, String(names.length));
  for (const name of names) assert.match(entry, new RegExp(`\\b${name},`), name);
});

test("times are milliseconds or Dates wherever a user gives one", () => {
  const at = new Date(NOW);
  const p = new ErasurePlan({ subject: "user-42", subjectKey: SUBJECT_KEY, entries: smsEntries(1), now: at, receivedAt: at });
  assert.equal(p.plannedAt, NOW);
  assert.equal(p.deadline.receivedAt, NOW);
  assert.equal(new Deadline(at).receivedAt, NOW);
  assert.equal(new erasekit.RedactRequest({ id: "A1", product: "sms", createdAt: at }).createdAt, NOW);
  const job = new ErasureJob(p, { seed: 1, checkTarget: false });
  const call = job.pollRequest(new Date(NOW + 7_200_000), { credentials });
  assert.notEqual(call, null);
  job.handleResponse(call.call_id, { status: 204 }, new Date(NOW + 7_200_001));
  assert.equal(job.isFinished(), true);
  assert.throws(() => job.pollTimeout(new Date(Number.NaN)), (e) => e.code === "invalid_argument" && e.details.field === "now");
});

test("handleFailure takes the core's TransportFailure shape", () => {
  const job = new ErasureJob(plan(smsEntries(3)), { seed: 2, checkTarget: false, maxInFlight: 3, ratePerSecond: 1000 });
  const calls = [1, 2, 3].map(() => job.pollRequest(NOW + 7_200_000, { credentials }));
  job.handleFailure(calls[0].call_id, "timeout", NOW + 7_200_010);
  job.handleFailure(calls[1].call_id, "connection", NOW + 7_200_010);
  job.handleFailure(calls[2].call_id, { other: { message: "dns" } }, NOW + 7_200_010);
  const reasons = job.pollEvents().filter((e) => e.event === "retrying").map((e) => e.reason);
  assert.deepStrictEqual(reasons, ["timeout", "connection failed", "dns"]);
  assert.throws(() => job.handleFailure(99, { message: "dns" }, NOW), (e) => e.code === "invalid_argument" && e.details.field.startsWith("failure"));
});

test("run(): a job waiting on calls nobody sends stops with job_stalled and a snapshot that resumes it", async () => {
  const job = new ErasureJob(plan(smsEntries(1)), { seed: 3, checkTarget: false });
  assert.notEqual(job.pollRequest(NOW + 7_200_000, { credentials }), null); // sent by nobody
  const { fetch, stats } = stubFetch();
  const err = await job.run({ credentials, fetch, signingKey: SIGNING_KEY }).then(() => assert.fail("resolved"), (e) => e);
  assert.ok(err instanceof erasekit.ErasekitError);
  assert.equal(err.code, "job_stalled");
  assert.equal(err.family, "job");
  assert.equal(err.jobId, job.jobId);
  assert.equal(stats.calls, 0);
  const receipt = await ErasureJob.restore(err.snapshot).run({ credentials, fetch, signingKey: SIGNING_KEY });
  assert.equal(receipt.receipt.counts.done, 1);
});
