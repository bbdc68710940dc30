// plan.summary(ratePerSecond) (the dry run in figures, from the core) and job.callsSent (what a
// progress rate divides by time): the same figures as core/tests/plan_summary.rs and
// bindings-py/tests/test_plan_summary.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ErasureJob, ErasurePlan } from "erasekit";

const vectors = JSON.parse(readFileSync(new URL("../../tests/vectors/plan_summary.json", import.meta.url), "utf8"));

const KEY = new TextEncoder().encode("0123456789abcdef");
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

const entry = (kind, id, product = null, age = 2 * HOUR) => ({
  kind, product, direction: null, id, created_at: NOW - age, source: "test", extra: {},
});
const plan = (entries) => new ErasurePlan({ subject: "user-1", subjectKey: KEY, entries, now: NOW });

test("summary groups by action and product at the rate", () => {
  const entries = Array.from({ length: 2000 }, (_, i) => entry("transaction", `SMS-${i}`, "sms"));
  entries.push(entry("transaction", "CALL-1", "voice"), entry("transaction", "OLD-1", "voice", 500 * 24 * HOUR),
    entry("leg", "leg-1"), entry("user", "USR-1"));
  const summary = plan(entries).summary();
  assert.deepEqual(summary.groups, [
    { action: "redact", product: "sms", operations: 2000, pending: 2000, expired: 0, skipped: 0, send_ms: 11_765 },
    { action: "redact", product: "voice", operations: 2, pending: 1, expired: 1, skipped: 0, send_ms: 6 },
    { action: "delete_leg", product: null, operations: 1, pending: 0, expired: 0, skipped: 1, send_ms: 0 },
    { action: "delete_user", product: null, operations: 1, pending: 1, expired: 0, skipped: 0, send_ms: 6 },
  ]);
  assert.deepEqual(
    [summary.rate_per_second, summary.operations, summary.pending, summary.send_ms, summary.estimated_finish, summary.late],
    [170, 2004, 2002, 11_777, NOW + 11_770, false],
  );
  const slow = plan(entries).summary(1);
  assert.deepEqual([slow.send_ms, slow.estimated_finish], [2_002_000, NOW + 2_001_000]);
});

test("the estimate waits for the sixty-minute rule", () => {
  const p = plan([entry("transaction", "A", "sms", 10 * 60_000), entry("transaction", "B", "sms", 10 * 60_000)]);
  assert.equal(p.summary(2).estimated_finish, NOW + 50 * 60_000 + 500);
});

test("a bad rate names the field", () => {
  for (const rate of [0, 1_000_001, -1, 2.5, Number.NaN]) {
    assert.throws(() => plan([entry("transaction", "A", "sms")]).summary(rate), (err) => err instanceof Error && err.code === "invalid_argument"
      && /rate_?[pP]er_?[sS]econd/.test(err.message), String(rate));
  }
});

test("callsSent counts calls, not operations", () => {
  const p = plan(Array.from({ length: 5 }, (_, i) => entry("transaction", `S${i}`, "sms")));
  const job = new ErasureJob(p, { seed: 1n, maxInFlight: 1 });
  assert.equal(job.callsSent, 0);
  const call = job.pollRequest(NOW, { credentials: { apiKey: "k", apiSecret: "wrong" } });
  assert.ok(call !== null);
  assert.equal(job.callsSent, 1);
  const body = new TextEncoder().encode('{"type":"https://developer.nexmo.com/api-errors#unauthorized","title":"Unauthorized"}');
  job.handleResponse(call.call_id, { status: 401, headers: {}, body }, NOW);
  // One 401 stopped the whole group: five operations ended, one call was sent.
  assert.ok(job.isFinished());
  assert.equal(job.counts().failed, 5);
  assert.equal(job.callsSent, 1);
  assert.equal(ErasureJob.restore(job.snapshot()).callsSent, 1);
});

test("plan_summary.json: the same figures as Rust and Python", () => {
  for (const c of vectors.cases) {
    // The vectors are about the summary; an empty plan is asked for on purpose.
    const input = { subject: "user-1", subjectKey: KEY, entries: c.entries, now: c.now, allowEmpty: true };
    if (c.received_at !== undefined) input.receivedAt = c.received_at;
    const p = new ErasurePlan(input);
    let got;
    try {
      got = p.summary(c.rate_per_second);
    } catch (err) {
      got = { error: err.code };
    }
    assert.deepEqual(got, c.expect, c.name);
  }
});
