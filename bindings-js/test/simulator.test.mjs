// redact() end to end over real HTTP against the local Vonage simulator (tests/simulator),
// started through its Node helper. The simulator checks Basic auth, the 1-hour rule on its
// own clock, provisioning, rate limits and injects faults; erasekit must read each answer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../tests/simulator/clients/sim.mjs";
import { Credentials, USER_AGENT, redact } from "erasekit";

let sim;
let credentials;

before(async () => {
  sim = await startSimulator({ config: { unprovisioned_products: ["verify-sdk"] } });
  credentials = new Credentials({ apiKey: sim.apiKey, apiSecret: sim.apiSecret });
});

after(async () => {
  credentials?.free();
  await sim?.stop();
});

test("an old record is redacted: 204, and the simulator holds it redacted", async () => {
  await sim.control.seed({
    records: [{ product: "sms", type: "outbound", id: "JS-OLD-1", to: "447700900001", body: "hi", age_ms: 7_200_000 }],
  });
  await sim.control.clearLog();
  const outcome = await redact({ id: "JS-OLD-1", product: "sms", type: "outbound" }, { credentials, baseUrl: sim.baseUrl });
  assert.deepStrictEqual(outcome, { outcome: "redacted", status: 204 });
  const record = await sim.control.record("sms", "JS-OLD-1", "outbound");
  assert.equal(record.redacted, true);
  assert.equal(record.to, "REDACTED");
  const log = await sim.control.log();
  const entries = log.entries ?? log;
  assert.ok(entries.some((e) => e.route === "POST /v1/redact/transaction" && e.status === 204), JSON.stringify(log));
});

test("a record younger than an hour is premature, with the earliest retry from createdAt", async () => {
  const now = await sim.control.clock();
  const createdAt = now - 600_000;
  await sim.control.seed({ records: [{ product: "voice", id: "JS-YOUNG-1", created_ms: createdAt }] });
  const outcome = await redact(
    { id: "JS-YOUNG-1", product: "voice", createdAt },
    { credentials, baseUrl: sim.baseUrl, now },
  );
  assert.equal(outcome.outcome, "premature", JSON.stringify(outcome));
  assert.equal(outcome.status, 403);
  assert.equal(outcome.earliest_retry_at, createdAt + 3_600_000);
  assert.match(outcome.problem.type, /premature-redaction$/);
  assert.equal((await sim.control.record("voice", "JS-YOUNG-1", "outbound")).redacted, false);
});

test("an unknown id is not_found with Vonage's problem body", async () => {
  const outcome = await redact({ id: "JS-NO-SUCH-ID", product: "messages" }, { credentials, baseUrl: sim.baseUrl });
  assert.equal(outcome.outcome, "not_found", JSON.stringify(outcome));
  assert.equal(outcome.status, 404);
  assert.match(outcome.problem.type, /invalid-id$/);
});

test("wrong credentials are unauthorized", async () => {
  const wrong = { apiKey: sim.apiKey, apiSecret: "not-the-secret" };
  const outcome = await redact({ id: "JS-OLD-1", product: "sms" }, { credentials: wrong, baseUrl: sim.baseUrl });
  assert.equal(outcome.outcome, "unauthorized", JSON.stringify(outcome));
  assert.equal(outcome.status, 401);
});

test("a product the account is not provisioned for is unprovisioned", async () => {
  await sim.control.seed({ records: [{ product: "verify-sdk", id: "JS-SDK-1", age_ms: 7_200_000 }] });
  const outcome = await redact({ id: "JS-SDK-1", product: "verify-sdk" }, { credentials, baseUrl: sim.baseUrl });
  assert.equal(outcome.outcome, "unprovisioned", JSON.stringify(outcome));
  assert.equal(outcome.status, 403);
});

test("a 429 storm is rate_limited with retry_at from Retry-After", async (t) => {
  await sim.control.setFaults({
    rules: [{ route: "POST /v1/redact/transaction", storm: { first_request: 0, request_count: 1000, retry_after_s: 7 } }],
  });
  t.after(() => sim.control.clearFaults());
  const now = 1_800_000_000_000;
  const outcome = await redact({ id: "JS-OLD-1", product: "sms" }, { credentials, baseUrl: sim.baseUrl, now });
  assert.equal(outcome.outcome, "rate_limited", JSON.stringify(outcome));
  assert.equal(outcome.retry_at, now + 7_000);
});

test("a dropped connection is a transport failure, not an outcome", async (t) => {
  await sim.control.setFaults({ seed: 1, rules: [{ route: "POST /v1/redact/transaction", drop: 1 }] });
  t.after(() => sim.control.clearFaults());
  await assert.rejects(
    redact({ id: "JS-OLD-1", product: "sms" }, { credentials, baseUrl: sim.baseUrl }),
    (err) => {
      assert.ok(err instanceof Error);
      assert.equal(err.code, "transport_failed");
      assert.ok(err.cause instanceof Error, String(err.cause));
      return true;
    },
  );
});

test("the simulator sees erasekit's User-Agent and JSON body", async () => {
  await sim.control.seed({ records: [{ product: "number-insight", id: "JS-NI-1", age_ms: 7_200_000 }] });
  let sent;
  const spy = async (url, init) => {
    sent = init;
    return fetch(url, init);
  };
  const outcome = await redact({ id: "JS-NI-1", product: "number-insight" }, { credentials, baseUrl: sim.baseUrl, fetch: spy });
  assert.equal(outcome.outcome, "redacted");
  assert.equal(sent.headers["user-agent"], USER_AGENT);
  assert.deepStrictEqual(JSON.parse(new TextDecoder().decode(sent.body)), {
    id: "JS-NI-1",
    product: "number-insight",
    type: "outbound",
  });
});
