// The web build in headless Chromium: a page served from 127.0.0.1 loads js/web.mjs, runs
// `await init()`, replays tests/vectors/redact.json, checks errors, runs the README example
// and sends `redact()` with the browser's own fetch, to this server and cross-origin to the
// Vonage simulator. Results are asserted here, in Node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPage } from "./chromium_page.mjs";
import { readmeBlock } from "./readme_blocks.mjs";
import { startSimulator } from "../../tests/simulator/clients/sim.mjs";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const vectorsDir = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));

/** URL prefix → directory served under it; nothing else is reachable. */
const served = [
  ["/js/", join(packageDir, "js")],
  ["/pkg/web/", join(packageDir, "pkg", "web")],
  ["/test/", join(packageDir, "test")],
  ["/vectors/", vectorsDir],
  // Where the README's browser example imports the package from.
  ["/node_modules/erasekit/js/", join(packageDir, "js")],
  ["/node_modules/erasekit/pkg/web/", join(packageDir, "pkg", "web")],
];

const page = `<!doctype html>
<meta charset="utf-8">
<title>erasekit in Chromium</title>
<script type="module">
  import init, * as erasekit from "/js/web.mjs";
  import { keyFiles, runCase } from "/test/vector_cases.mjs";
  import { SIGNING_KEY, entriesOf, runErasureCase, vectorCredentials } from "/test/erasure_cases.mjs";

  window.replayVectors = async () => {
    const doc = await (await fetch("/vectors/redact.json")).json();
    const keys = {};
    for (const file of keyFiles(doc)) keys[file] = await (await fetch("/vectors/" + file)).text();
    return doc.cases.map((c) => ({ name: c.name, expect: c.expect, got: runCase(erasekit, c, doc.defaults, keys) }));
  };

  window.buildAndInterpret = () => {
    const credentials = new erasekit.Credentials({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" });
    const request = new erasekit.RedactRequest({ id: "0A000000B0C9A1234", product: "sms", createdAt: 1699992800000 });
    const http = request.toHttp({ credentials, baseUrl: "http://127.0.0.1:9" });
    const notFound = new TextEncoder().encode(JSON.stringify({
      type: "https://developer.nexmo.com/api-errors#invalid-id", title: "Invalid ID",
      detail: "ID '0A000000B0C9A1234' could not be found (type=MT)", instance: "bf0ca0bf927b3b52e3cb03217e1a1ddf",
    }));
    return {
      url: http.url,
      bodyIsBytes: http.body instanceof Uint8Array,
      body: new TextDecoder().decode(http.body),
      userAgent: erasekit.USER_AGENT,
      redacted: request.interpret({ status: 204, headers: {}, body: new Uint8Array() }, 1700000000000),
      notFound: request.interpret({ status: 404, headers: {}, body: notFound }, 1700000000000),
      notBefore: request.notBefore,
    };
  };

  window.errorShape = () => {
    try {
      new erasekit.RedactRequest({ id: "abc", product: "SMS" });
      return null;
    } catch (err) {
      return { isError: err instanceof Error, name: err.name, code: err.code, family: err.family, details: err.details };
    }
  };

  window.sendRedact = async (baseUrl, credentials, input = { id: "0A000000B0C9A1234", product: "sms" }) => {
    try {
      return await erasekit.redact(input, { credentials, baseUrl });
    } catch (err) {
      return { rejected: String(err), code: err.code, cause: String(err.cause) };
    }
  };

  window.replayErasureVectors = async () => {
    const doc = await (await fetch("/vectors/erasure.json")).json();
    const pem = await (await fetch("/vectors/keys/app_private.pem")).text();
    const credentials = vectorCredentials(erasekit, pem);
    const publicKey = erasekit.receiptPublicKey(SIGNING_KEY);
    return doc.cases.map((c) => {
      const { result, receipt } = runErasureCase(erasekit, c, entriesOf(erasekit, c), credentials);
      return { name: c.name, expect: c.expect, got: result, verified: erasekit.verifyReceipt(receipt, publicKey).receipt_id };
    });
  };

  window.runErasure = async (baseUrl, credentials, ids) => {
    const now = Date.now();
    const entries = ids.map((id) => ({
      kind: "transaction", product: "sms", direction: "outbound", id, created_at: now - 7_200_000, source: "sms_send", extra: {},
    }));
    const subjectKey = new TextEncoder().encode("0123456789abcdef");
    const plan = new erasekit.ErasurePlan({ subject: "browser-user", subjectKey, entries, now });
    const job = new erasekit.ErasureJob(plan, { maxInFlight: 4 });
    const events = [];
    const receipt = await job.run({ credentials, baseUrl, signingKey: SIGNING_KEY, onProgress: (e) => events.push(e.event) });
    const body = erasekit.verifyReceipt(JSON.stringify(receipt), erasekit.receiptPublicKey(SIGNING_KEY));
    let tampered;
    try {
      receipt.receipt.operations[0].state = "failed";
      erasekit.verifyReceipt(receipt);
    } catch (err) {
      tampered = err.code;
    }
    return { counts: body.counts, states: body.operations.map((o) => [o.target, o.state]), events, tampered };
  };

  window.abortErasure = async (baseUrl, credentials, ids) => {
    const now = Date.now();
    const entries = ids.map((id) => ({
      kind: "transaction", product: "sms", direction: "outbound", id, created_at: now - 7_200_000, source: "sms_send", extra: {},
    }));
    const ledger = await erasekit.Ledger.memory();
    await ledger.record("browser-user", entries);
    const plan = await ledger.planErasure("browser-user", { now });
    const job = new erasekit.ErasureJob(plan, { maxInFlight: 2, ratePerSecond: 20 });
    const controller = new AbortController();
    let finished = 0;
    const onProgress = (e) => e.event === "operation_finished" && ++finished === 3 && controller.abort();
    const err = await job.run({ credentials, baseUrl, ledger, signal: controller.signal, onProgress }).catch((e) => e);
    const receipt = await (await ledger.resume(job.jobId)).run({ credentials, baseUrl });
    return { code: err.code, hasSnapshot: typeof err.snapshot === "string", done: receipt.receipt.counts.done, left: (await ledger.entries("browser-user")).length };
  };

  window.runOnce = async (baseUrl, credentials) => {
    const now = Date.now();
    const entries = [{ kind: "transaction", product: "sms", direction: "outbound", id: "SMS-R", created_at: now - 7_200_000, source: "sms_send", extra: {} }];
    const subjectKey = new TextEncoder().encode("0123456789abcdef");
    const plan = new erasekit.ErasurePlan({ subject: "browser-user", subjectKey, entries, now });
    const job = new erasekit.ErasureJob(plan, { maxAttempts: 1, checkTarget: false });
    const receipt = await job.run({ credentials, baseUrl, signingKey: SIGNING_KEY });
    const { state, status } = receipt.receipt.operations[0];
    return { state, status };
  };

  await init();
  window.ready = true;
</script>`;

let origin;
let context;
let tab;
let close;
const redactHits = [];
const redirectHits = { first: 0, elsewhere: 0 };

/** The routes this test adds to the page server: the README page and a stand-in Redact. */
async function route(req, res, url, pageOrigin) {
  if (url.pathname === "/readme.html") {
    const example = readmeBlock("Browser", "html").replaceAll("http://127.0.0.1:8080", pageOrigin);
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html>\n${example}`);
    return true;
  }
  // A Redact that answers 302 to another page that says "200 OK" (issue 9, item 3).
  if (url.pathname === "/redirect/v1/redact/transaction") {
    redirectHits.first += 1;
    res.writeHead(302, { location: `${pageOrigin}/elsewhere` }).end();
    return true;
  }
  if (url.pathname === "/elsewhere") {
    redirectHits.elsewhere += 1;
    res.writeHead(200, { "content-type": "text/html" }).end("<html>200 OK</html>");
    return true;
  }
  if (url.pathname === "/v1/redact/transaction" && req.method === "POST") {
    let body = "";
    for await (const chunk of req) body += chunk;
    redactHits.push({ auth: req.headers.authorization, type: req.headers["content-type"], body });
    res.writeHead(204).end();
    return true;
  }
  return false;
}

before(async () => {
  ({ origin, tab, context, close } = await openPage({ page, served, route }));
});

after(async () => {
  await close?.();
});

test("Chromium: every redact.json vector gives the expected result", async () => {
  const results = await tab.evaluate(() => window.replayVectors());
  assert.ok(results.length >= 30);
  const failing = results.filter((r) => !isDeepStrictEqual(r.got, r.expect));
  assert.deepStrictEqual(failing, []);
});

test("Chromium: builds a redaction and interprets a 204 and a 404", async () => {
  const r = await tab.evaluate(() => window.buildAndInterpret());
  assert.equal(r.url, "http://127.0.0.1:9/v1/redact/transaction");
  assert.equal(r.bodyIsBytes, true);
  assert.deepStrictEqual(JSON.parse(r.body), { id: "0A000000B0C9A1234", product: "sms", type: "outbound" });
  assert.equal(r.userAgent, "erasekit/0.1.0");
  assert.deepStrictEqual(r.redacted, { outcome: "redacted", status: 204 });
  assert.equal(r.notFound.outcome, "not_found");
  assert.equal(r.notFound.problem.instance, "bf0ca0bf927b3b52e3cb03217e1a1ddf");
  assert.equal(r.notBefore, 1699992800000 + 3_600_000);
});

test("Chromium: errors are Error instances named ErasekitError with code and details", async () => {
  const e = await tab.evaluate(() => window.errorShape());
  assert.deepStrictEqual(e, {
    isError: true,
    name: "ErasekitError",
    code: "invalid_product",
    family: "input",
    details: { code: "invalid_product", given: "SMS", expected: "sms, voice, number-insight, verify, verify-sdk, messages" },
  });
});

test("Chromium: redact() sends with the browser's fetch and resolves to the outcome", async () => {
  redactHits.length = 0;
  const creds = { apiKey: "abcd1234", apiSecret: "s3cr3t-value" };
  const outcome = await tab.evaluate(([base, c]) => window.sendRedact(base, c), [origin, creds]);
  assert.deepStrictEqual(outcome, { outcome: "redacted", status: 204 });
  assert.deepStrictEqual(redactHits, [
    {
      auth: "Basic YWJjZDEyMzQ6czNjcjN0LXZhbHVl",
      type: "application/json",
      body: '{"id":"0A000000B0C9A1234","product":"sms","type":"outbound"}',
    },
  ]);
  const refused = await tab.evaluate((c) => window.sendRedact("http://127.0.0.1:1", c), creds);
  assert.equal(refused.code, "transport_failed");
});

test("Chromium: a redirect is never followed: redact() and job.run() read the opaque redirect as malformed", async () => {
  const creds = { apiKey: "abcd1234", apiSecret: "s3cr3t-value" };
  const base = `${origin}/redirect`;
  const outcome = await tab.evaluate(([b, c]) => window.sendRedact(b, c), [base, creds]);
  assert.equal(outcome.outcome, "malformed", JSON.stringify(outcome));
  assert.equal(outcome.status, 0, "a browser hides the 3xx behind an opaqueredirect of status 0");
  const run = await tab.evaluate(([b, c]) => window.runOnce(b, c), [base, creds]);
  assert.deepStrictEqual(run, { state: "failed", status: 0 });
  assert.equal(redirectHits.first, 2);
  assert.equal(redirectHits.elsewhere, 0, "the other page is never fetched");
});

test("Chromium: the README's browser example runs and shows the outcome", async () => {
  redactHits.length = 0;
  const readmeTab = await context.newPage();
  try {
    await readmeTab.goto(origin + "/readme.html");
    await readmeTab.waitForFunction(() => document.body?.textContent.includes("HTTP"), null, { timeout: 30_000 });
    assert.equal(await readmeTab.evaluate(() => document.body.textContent), "redacted (HTTP 204)");
    assert.equal(redactHits.length, 1);
  } finally {
    await readmeTab.close();
  }
});

test("Chromium: redact() against the Vonage simulator (cross-origin, CORS)", async () => {
  const sim = await startSimulator();
  try {
    await sim.control.seed({ records: [{ product: "sms", type: "inbound", id: "BROWSER-1", age_ms: 7_200_000 }] });
    const creds = { apiKey: sim.apiKey, apiSecret: sim.apiSecret };
    const input = { id: "BROWSER-1", product: "sms", type: "inbound" };
    const outcome = await tab.evaluate(([base, c, i]) => window.sendRedact(base, c, i), [sim.baseUrl, creds, input]);
    assert.deepStrictEqual(outcome, { outcome: "redacted", status: 204 });
    assert.equal((await sim.control.record("sms", "BROWSER-1", "inbound")).redacted, true);
    const missing = await tab.evaluate(([base, c]) => window.sendRedact(base, c, { id: "NOPE", product: "voice" }), [sim.baseUrl, creds]);
    assert.equal(missing.outcome, "not_found");
  } finally {
    await sim.stop();
  }
});

test("Chromium: every erasure.json vector gives the expected sends, states and counts", async () => {
  const results = await tab.evaluate(() => window.replayErasureVectors());
  assert.ok(results.length >= 6);
  for (const r of results) {
    assert.deepStrictEqual(r.got, r.expect, r.name);
    assert.match(r.verified, /^job-vectors-/);
  }
});

test("Chromium: job.run() erases from the page against the simulator; the receipt verifies", async () => {
  const sim = await startSimulator();
  try {
    const ids = Array.from({ length: 12 }, (_, i) => `BROWSER-JOB-${i}`);
    await sim.control.seed({ records: ids.map((id) => ({ product: "sms", type: "outbound", id, age_ms: 7_200_000 })) });
    const creds = { apiKey: sim.apiKey, apiSecret: sim.apiSecret };
    const r = await tab.evaluate(([base, c, i]) => window.runErasure(base, c, i), [sim.baseUrl, creds, ids]);
    assert.equal(r.counts.done, 12);
    assert.ok(r.states.every(([, state]) => state === "done"));
    assert.equal(r.events[0], "started");
    assert.equal(r.events.at(-1), "finished");
    assert.equal(r.tampered, "bad_signature");
    for (const id of ids) assert.equal((await sim.control.record("sms", id, "outbound")).redactions, 1, id);
    const more = Array.from({ length: 8 }, (_, i) => `BROWSER-ABORT-${i}`);
    await sim.control.seed({ records: more.map((id) => ({ product: "sms", type: "outbound", id, age_ms: 7_200_000 })) });
    const a = await tab.evaluate(([base, c, i]) => window.abortErasure(base, c, i), [sim.baseUrl, creds, more]);
    assert.deepStrictEqual(a, { code: "aborted", hasSnapshot: true, done: 8, left: 0 });
    for (const id of more) assert.ok((await sim.control.record("sms", id, "outbound")).redactions >= 1, id);
  } finally {
    await sim.stop();
  }
});

function isDeepStrictEqual(a, b) {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
