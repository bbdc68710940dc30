// job.run(...) end to end over real HTTP against the local Vonage simulator (tests/simulator):
// every kind of entry erased; the same under faults (5xx, a 429 storm, dropped connections,
// latency) with nothing lost and duplicates only where a retry justified them; premature
// records erased once the simulator's clock passes the hour; abort mid-run, then resume.
// Loopback only; every test is bounded in time and in the number of calls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../../tests/simulator/clients/sim.mjs";
import { Credentials, ErasureJob, ErasurePlan, Ledger, capture, receiptPublicKey, verifyReceipt } from "erasekit";
import { SIGNING_KEY, SUBJECT_KEY } from "./erasure_cases.mjs";

const PEM = readFileSync(fileURLToPath(new URL("../../tests/vectors/keys/app_private.pem", import.meta.url)), "utf8");
const HOUR = 3_600_000;
const PUBLIC_KEY = receiptPublicKey(SIGNING_KEY);
const REDACT_PRODUCTS = [
  ["sms", "outbound"],
  ["sms", "inbound"],
  ["voice", "outbound"],
  ["verify", "outbound"],
  ["number-insight", "outbound"],
  ["messages", "outbound"],
];

let sim;
let credentials;

before(async () => {
  sim = await startSimulator();
  credentials = new Credentials({
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    applicationId: sim.applicationId,
    privateKey: PEM,
  });
});

after(async () => {
  credentials?.free();
  await sim?.stop();
});

const entry = (kind, id, createdAt, product = null, direction = null) => ({
  kind,
  product,
  direction,
  id,
  created_at: createdAt,
  source: "test",
  extra: {},
});

/**
 * Seeds the simulator with `n` transactions of every Redact product plus a recording, users,
 * a conversation with events and legs, all under `tag`; returns the ledger entries naming them.
 */
async function seedEverything(tag, { n = 2, users = 2, events = 2, legs = 2, conversation = true } = {}) {
  const now = Date.now();
  await sim.control.setClock(now);
  const records = [];
  const entries = [];
  for (let i = 0; i < n; i++) {
    for (const [product, type] of REDACT_PRODUCTS) {
      const id = `${tag}-${product}-${type}-${i}`;
      records.push({ product, type, id, to: "447700900001", body: "hello", age_ms: 2 * HOUR });
      entries.push(entry("transaction", id, now - 2 * HOUR, product, type));
    }
  }
  const media = [{ id: `${tag.toLowerCase()}aaaa-aaaa-4aaa-8aaa-000000000001`.slice(-36), age_ms: 2 * HOUR }];
  entries.push(entry("recording", media[0].id, now - 2 * HOUR));
  const userSeeds = Array.from({ length: users }, (_, i) => ({ id: `USR-${tag}-${i}`, name: `user-${i}`, display_name: "Ann" }));
  for (const u of userSeeds) entries.push(entry("user", u.id, now - 2 * HOUR));
  const conversationId = `CON-${tag}`;
  const conversations = [
    { id: conversationId, name: "support", events: Array.from({ length: events }, (_, i) => ({ id: i + 1, type: "text", body: { text: "hi" } })) },
  ];
  for (let i = 1; i <= events; i++) entries.push(entry("event", `${conversationId}:${i}`, now - 2 * HOUR));
  const legSeeds = Array.from({ length: legs }, (_, i) => ({ id: `LEG-${tag}-${i}`, conversation_id: conversationId, type: "phone", status: "completed" }));
  for (const l of legSeeds) entries.push(entry("leg", l.id, now - 2 * HOUR));
  // The conversation is due a second after the rest, so its events are deleted first.
  if (conversation) entries.push(entry("conversation", conversationId, now - HOUR + 1_000));
  await sim.control.seed({ records, media, users: userSeeds, conversations, legs: legSeeds });
  return { entries, conversationId, media: media[0].id, users: userSeeds.map((u) => u.id), legs: legSeeds.map((l) => l.id) };
}

const planFor = (entries, subject) =>
  new ErasurePlan({
    subject,
    subjectKey: SUBJECT_KEY,
    entries,
    now: Date.now(),
    deleteLegs: true,
    deleteConversations: true,
  });

/** Redaction counts by id, from the simulator's state. */
async function redactionCounts() {
  const state = await sim.control.state();
  return { state, counts: new Map(state.redactions.map((r) => [`${r.product}/${r.type}/${r.id}`, r.count])) };
}

function assertEverythingErased(seeded, receipt, state, counts, { faults }) {
  const ops = receipt.receipt.operations;
  assert.equal(ops.length, seeded.entries.length);
  for (const op of ops) {
    if (op.action === "redact") {
      const count = counts.get(`${op.product}/${op.direction}/${op.target}`) ?? 0;
      assert.equal(op.state, "done", JSON.stringify(op));
      assert.ok(count >= 1, `${op.target} was never redacted`);
      // A duplicate redaction only where the job sent the call again.
      assert.ok(count <= op.attempts, `${op.target}: ${count} redactions for ${op.attempts} attempts`);
    } else {
      // A delete that took effect before its connection dropped finds nothing on the retry.
      const ok = op.state === "done" || (faults && op.state === "not_found" && op.attempts > 1);
      assert.ok(ok, JSON.stringify(op));
    }
  }
  assert.ok(state.deleted.media.includes(seeded.media));
  for (const u of seeded.users) assert.ok(state.deleted.users.includes(u), u);
  for (const l of seeded.legs) assert.ok(state.deleted.legs.includes(l), l);
  const events = state.deleted.events.filter((e) => e.conversation_id === seeded.conversationId);
  const conversationGone = state.deleted.conversations.includes(seeded.conversationId);
  assert.ok(conversationGone || events.length === seeded.entries.filter((e) => e.kind === "event").length);
}

test("every kind of entry is erased: redactions, recording, users, events, legs, conversation", { timeout: 60_000 }, async () => {
  const seeded = await seedEverything("ALL");
  const job = new ErasureJob(planFor(seeded.entries, "user-all"), { seed: 1 });
  const events = [];
  const receipt = await job.run({ credentials, baseUrl: sim.baseUrl, signingKey: SIGNING_KEY, onProgress: (e) => events.push(e) });
  const { state, counts } = await redactionCounts();
  assertEverythingErased(seeded, receipt, state, counts, { faults: false });
  // No fault injected: everything done (a retry can still follow a connection the host's
  // HTTP client found closed; assertEverythingErased checks duplicates only follow retries).
  assert.ok(receipt.receipt.operations.every((o) => o.state === "done"), JSON.stringify(receipt.receipt.operations));
  assert.ok(state.deleted.conversations.includes(seeded.conversationId));
  assert.deepStrictEqual(verifyReceipt(receipt, PUBLIC_KEY), receipt.receipt);
  assert.equal(events.at(-1).event, "finished");
  assert.equal(receipt.receipt.counts.done, seeded.entries.length);
});

test("with faults (20% 5xx, a 429 storm, dropped connections, latency) every record is erased", { timeout: 120_000 }, async (t) => {
  const seeded = await seedEverything("FLT", { n: 8, users: 3, events: 3, legs: 2, conversation: false });
  const faulty = { latency_ms: 5, jitter_ms: 25, error_500: 0.1, error_503: 0.1, drop: 0.05, drop_after_processing: true };
  await sim.control.setFaults({
    seed: 7,
    rules: [
      // The storm starts after the target checks (one per Redact product): its 429s meet operations.
      { route: "POST /v1/redact/transaction", ...faulty, storm: { first_request: 20, request_count: 10, retry_after_s: 1 } },
      { route: "*", ...faulty },
    ],
  });
  t.after(() => sim.control.clearFaults());
  await sim.control.clearLog();
  const job = new ErasureJob(planFor(seeded.entries, "user-faults"), { seed: 2, backoffBaseMs: 200, backoffMaxMs: 2_000 });
  const reasons = new Map();
  const receipt = await job.run({
    credentials,
    baseUrl: sim.baseUrl,
    signingKey: SIGNING_KEY,
    timeoutMs: 5_000,
    onProgress: (e) => e.event === "retrying" && reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1),
  });
  const { state, counts } = await redactionCounts();
  assertEverythingErased(seeded, receipt, state, counts, { faults: true });
  const routes = state.routes["POST /v1/redact/transaction"];
  assert.ok(routes.statuses["429"] >= 1, JSON.stringify(routes));
  assert.ok(reasons.get("rate limited") >= 1, JSON.stringify([...reasons]));
  assert.ok([...reasons.keys()].some((r) => r.startsWith("server error")), JSON.stringify([...reasons]));
  // Dropped connections, named with their cause and host (issue 9, item 21).
  const host = new URL(sim.baseUrl).host;
  assert.ok(
    [...reasons.keys()].some((r) => r.startsWith("connection failed: ") && r.endsWith(`(${host})`)),
    JSON.stringify([...reasons]),
  );
  assert.ok(receipt.receipt.counts.retries > 0);
  assert.equal(receipt.receipt.counts.failed, 0);
  assert.deepStrictEqual(verifyReceipt(receipt, PUBLIC_KEY), receipt.receipt);
});

test("a record younger than an hour on the simulator's clock is erased once that clock passes the hour", { timeout: 60_000 }, async () => {
  const now = Date.now();
  await sim.control.setClock(now);
  // The simulator holds the record as 10 minutes old; the ledger (or its host's clock) says 2 hours.
  await sim.control.seed({ records: [{ product: "sms", type: "outbound", id: "YOUNG-1", age_ms: 600_000 }] });
  const job = new ErasureJob(planFor([entry("transaction", "YOUNG-1", now - 2 * HOUR, "sms", "outbound")], "user-young"), { seed: 3 });
  const seen = [];
  const receipt = await job.run({
    credentials,
    baseUrl: sim.baseUrl,
    signingKey: SIGNING_KEY,
    onProgress: (e) => {
      if (e.event !== "retrying") return;
      seen.push(e.reason);
      // The first premature answer: the simulator's clock moves past the hour.
      if (seen.length === 1) sim.control.advanceClock(HOUR);
    },
  });
  assert.deepStrictEqual(seen, ["premature"]);
  const op = receipt.receipt.operations[0];
  assert.equal(op.state, "done");
  assert.equal(op.attempts, 2);
  const record = await sim.control.record("sms", "YOUNG-1", "outbound");
  assert.equal(record.redacted, true);
  assert.equal(record.redactions, 1);
});

test("abort mid-run, then resume from the ledger: complete, nothing lost", { timeout: 60_000 }, async (t) => {
  const now = Date.now();
  await sim.control.setClock(now);
  const records = Array.from({ length: 120 }, (_, i) => ({ product: "voice", id: `RESUME-${i}`, age_ms: 2 * HOUR }));
  await sim.control.seed({ records });
  await sim.control.setFaults({ seed: 1, rules: [{ route: "POST /v1/redact/transaction", latency_ms: 20 }] });
  t.after(() => sim.control.clearFaults());
  const ledger = await Ledger.memory();
  t.after(() => ledger.close());
  await ledger.record("user-resume", records.map((r) => entry("transaction", r.id, now - 2 * HOUR, "voice", "outbound")));
  const plan = await ledger.planErasure("user-resume", {});
  const job = new ErasureJob(plan, { seed: 4, maxInFlight: 8, checkpointEvery: 10 });
  const controller = new AbortController();
  let finished = 0;
  const err = await job
    .run({
      credentials,
      baseUrl: sim.baseUrl,
      ledger,
      signal: controller.signal,
      onProgress: (e) => e.event === "operation_finished" && ++finished === 40 && controller.abort(),
    })
    .then(() => assert.fail("the run was not aborted"), (e) => e);
  assert.equal(err.code, "aborted");
  assert.equal((await ledger.loadJob(job.jobId)).state, "stopped");
  assert.equal((await ledger.loadJob(job.jobId)).snapshot, err.snapshot);
  const midway = (await redactionCounts()).counts;
  const before = [...midway.keys()].filter((k) => k.includes("/RESUME-")).length;
  assert.ok(before >= 40 && before < 120, String(before));
  const receipt = await (await ledger.resume(job.jobId)).run({ credentials, baseUrl: sim.baseUrl });
  assert.equal(receipt.receipt.counts.done, 120);
  const { counts } = await redactionCounts();
  for (const op of receipt.receipt.operations) {
    const count = counts.get(`voice/outbound/${op.target}`);
    assert.ok(count >= 1 && count <= op.attempts, `${op.target}: ${count} for ${op.attempts}`);
  }
  assert.deepStrictEqual(await ledger.entries("user-resume"), [], "the ledger forgot the subject");
  assert.equal(await ledger.loadJob(job.jobId), null, "and its job");
  assert.deepStrictEqual(verifyReceipt(receipt, await ledger.receiptPublicKey()), receipt.receipt);
  assert.deepStrictEqual(await ledger.receipt(job.jobId), receipt);
});

test("Ledger.sqlite: captured SMS and calls, ledger.planErasure, run with checkpoints, subject forgotten", { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "erasekit-erasure-"));
  const ledger = await Ledger.sqlite(join(dir, "ledger.db"));
  t.after(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const now = Date.now();
  await sim.control.setClock(now);
  await sim.control.seed({
    records: [
      { product: "sms", type: "outbound", id: "SQL-SMS-1", to: "447700900001", body: "code 1234", age_ms: 2 * HOUR },
      { product: "sms", type: "outbound", id: "SQL-SMS-2", to: "447700900001", body: "code 1234", age_ms: 2 * HOUR },
      { product: "voice", id: "aaaaaaaa-1111-4111-8111-000000000001", age_ms: 2 * HOUR },
    ],
  });
  const at = now - 2 * HOUR;
  await ledger.record("user-sql", [
    ...capture.smsSend({ "message-count": "2", messages: [{ "message-id": "SQL-SMS-1", status: "0" }, { "message-id": "SQL-SMS-2", status: "0" }] }, { at }),
    ...capture.voiceCall({ uuid: "aaaaaaaa-1111-4111-8111-000000000001", conversation_uuid: "CON-SQL", direction: "outbound", status: "started" }, { at }),
  ]);
  const plan = await ledger.planErasure("user-sql", {});
  assert.deepStrictEqual(plan.operations.map((o) => [o.target, o.action, o.initial]).sort(), [
    ["SQL-SMS-1", "redact", "pending"],
    ["SQL-SMS-2", "redact", "pending"],
    ["aaaaaaaa-1111-4111-8111-000000000001", "delete_leg", "skipped"],
    ["aaaaaaaa-1111-4111-8111-000000000001", "redact", "pending"],
  ].sort());
  const job = new ErasureJob(plan, { seed: 6, checkpointEvery: 1 });
  const events = [];
  const receipt = await job.run({ credentials, baseUrl: sim.baseUrl, ledger, onProgress: (e) => events.push(e) });
  assert.deepStrictEqual(receipt.receipt.operations.map((o) => o.state).sort(), ["done", "done", "done", "skipped"]);
  assert.deepStrictEqual(events.at(-1), { event: "ledger_finished", receipt_id: job.jobId, remaining: 0, forgotten: true });
  assert.deepStrictEqual(await ledger.receipt(job.jobId), receipt);
  for (const [product, id] of [["sms", "SQL-SMS-1"], ["sms", "SQL-SMS-2"], ["voice", "aaaaaaaa-1111-4111-8111-000000000001"]]) {
    assert.equal((await sim.control.record(product, id, "outbound")).redactions, 1, id);
  }
  assert.deepStrictEqual(await ledger.entries("user-sql"), [], "the ledger forgot the subject");
  assert.equal(receipt.receipt.subject_hash, plan.subjectHash);
});
