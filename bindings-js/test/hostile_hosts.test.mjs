// Hostile input and honest transports (issue 9, items 3, 13, 14, 15, 16 and 21's transport
// part), through the package's public API: redirects are never followed, every call has one
// total deadline and a bounded body, transport failures name the host and the cause, strings
// that are not well-formed Unicode are refused, no secret appears in an error, capture has a
// stated size limit. Local servers only (127.0.0.1), each test bounded in time.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { inspect } from "node:util";
import { Credentials, ErasureJob, ErasurePlan, Ledger, RedactRequest, capture, redact } from "erasekit";
import { SIGNING_KEY, SUBJECT_KEY } from "./erasure_cases.mjs";

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const credentials = new Credentials({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" });
const input = { id: "0A000000B0C9A1234", product: "sms", type: "inbound" };
after(() => credentials.free());

/** A server on 127.0.0.1 answering with `handler`; closed when the test ends. */
async function serve(t, handler) {
  const hits = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    hits.push(req.url);
    req.resume();
    handler(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const host = `127.0.0.1:${server.address().port}`;
  return { url: `http://${host}`, host, hits };
}

/** A job over one SMS entry old enough to redact now, at most `maxAttempts` tries. */
function oneJob(maxAttempts = 2) {
  const entries = [
    { kind: "transaction", product: "sms", direction: "outbound", id: "SMS-0", created_at: Date.now() - 2 * HOUR, source: "sms_send", extra: {} },
  ];
  const plan = new ErasurePlan({ subject: "user-42", subjectKey: SUBJECT_KEY, entries, now: Date.now() });
  return new ErasureJob(plan, { seed: 1, maxAttempts, backoffBaseMs: 5, backoffMaxMs: 10, checkTarget: false });
}

/** Runs `oneJob()` against `baseUrl`; the retry reasons and the one operation of the receipt. */
async function runOne(baseUrl, options = {}) {
  const job = oneJob(options.maxAttempts);
  const reasons = [];
  const receipt = await job.run({
    credentials,
    baseUrl,
    signingKey: SIGNING_KEY,
    onProgress: (e) => e.event === "retrying" && reasons.push(e.reason),
    ...options.run,
  });
  job.free();
  return { reasons, operation: receipt.receipt.operations[0] };
}

// ---- item 3: redirects are never followed ---------------------------------------------------

async function redirecting(t) {
  const other = await serve(t, (req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>200 OK: welcome back</html>");
  });
  const first = await serve(t, (req, res) => {
    res.writeHead(302, { location: `${other.url}/login` });
    res.end();
  });
  return { first, other };
}

test("job.run(): a 302 to another origin's 200 page is never followed; the operation fails", async (t) => {
  const { first, other } = await redirecting(t);
  const { operation } = await runOne(first.url);
  assert.equal(operation.state, "failed", JSON.stringify(operation));
  assert.equal(operation.status, 302);
  assert.equal(first.hits.length, 2, "each attempt got the 302");
  assert.deepStrictEqual(other.hits, [], "the other origin is never asked");
});

test("redact(): a 302 to another origin's 200 page is malformed, not redacted", async (t) => {
  const { first, other } = await redirecting(t);
  const outcome = await redact(input, { credentials, baseUrl: first.url });
  assert.equal(outcome.outcome, "malformed", JSON.stringify(outcome));
  assert.equal(outcome.status, 302);
  assert.deepStrictEqual(other.hits, []);
});

test("every fetch erasekit makes asks for redirect: manual; a browser's opaqueredirect is malformed", async () => {
  const seen = [];
  const opaque = async (url, init) => {
    seen.push(init.redirect);
    return { type: "opaqueredirect", status: 0, headers: {}, body: null };
  };
  const outcome = await redact(input, { credentials, fetch: opaque });
  assert.equal(outcome.outcome, "malformed");
  const { operation } = await runOne("http://vonage.invalid", { run: { fetch: opaque } });
  assert.equal(operation.state, "failed");
  assert.deepStrictEqual([...new Set(seen)], ["manual"]);
});

// ---- item 15: one total deadline per call, a bounded body ------------------------------------

/** Headers at once, then one byte of a problem body every 100 ms, for ever. */
async function dripping(t) {
  return serve(t, (req, res) => {
    res.writeHead(404, { "content-type": "application/problem+json" });
    const timer = setInterval(() => res.write(" "), 100);
    res.on("close", () => clearInterval(timer));
  });
}

test("job.run(): a server dripping its body is cut at timeoutMs, connect to last byte", async (t) => {
  const server = await dripping(t);
  const started = performance.now();
  const { reasons, operation } = await runOne(server.url, { maxAttempts: 1, run: { timeoutMs: 400 } });
  const took = performance.now() - started;
  assert.equal(operation.state, "failed");
  assert.match(operation.problem ?? "", /: timeout: no complete answer from 127\.0\.0\.1:\d+ within 400 ms$/);
  assert.deepStrictEqual(reasons, []);
  assert.ok(took < 2_000, `took ${took} ms`);
});

test("redact(): timeoutMs bounds the call and its body; a fetch that ignores the signal too", async (t) => {
  const server = await dripping(t);
  let started = performance.now();
  await assert.rejects(redact(input, { credentials, baseUrl: server.url, timeoutMs: 300 }), (err) => {
    assert.equal(err.code, "transport_failed");
    assert.match(err.message, new RegExp(`^transport failed: timeout: no complete answer from ${server.host} within 300 ms`));
    return true;
  });
  assert.ok(performance.now() - started < 2_000);
  started = performance.now();
  const deaf = () => new Promise(() => {}); // never settles, ignores the signal
  await assert.rejects(redact(input, { credentials, fetch: deaf, timeoutMs: 200 }), { code: "transport_failed" });
  assert.ok(performance.now() - started < 2_000);
  await assert.rejects(redact(input, { credentials, fetch: deaf, timeoutMs: 0 }), { code: "invalid_argument" });
});

test("job.run() and redact(): a server dripping its status line and headers is cut at timeoutMs too", async (t) => {
  const sockets = new Set();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => {
      socket.write("HTTP/1.1 404 Not Found\r\nX-Drip: ");
      const timer = setInterval(() => socket.write("a"), 100);
      socket.on("close", () => clearInterval(timer));
      socket.on("error", () => clearInterval(timer));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  const host = `127.0.0.1:${server.address().port}`;
  const started = performance.now();
  const { operation } = await runOne(`http://${host}`, { maxAttempts: 1, run: { timeoutMs: 400 } });
  assert.ok(operation.problem.endsWith(`: timeout: no complete answer from ${host} within 400 ms`), operation.problem);
  await assert.rejects(redact(input, { credentials, baseUrl: `http://${host}`, timeoutMs: 300 }), /timeout: no complete answer/);
  assert.ok(performance.now() - started < 3_000);
});

/** A 404 whose body is 8 MiB, streamed. */
async function huge(t) {
  return serve(t, (req, res) => {
    res.writeHead(404, { "content-type": "application/problem+json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = 128;
    const write = () => {
      while (left > 0) {
        left -= 1;
        if (!res.write(chunk)) return res.once("drain", write);
      }
      res.end();
    };
    write();
  });
}

test("job.run() and redact(): a body over the core's limit is not read; the call fails saying so", async (t) => {
  const server = await huge(t);
  const { operation } = await runOne(server.url, { maxAttempts: 1 });
  assert.equal(operation.state, "failed");
  assert.ok(operation.problem.endsWith(`: response body from ${server.host} over 65536 bytes: not read`), operation.problem);
  await assert.rejects(redact(input, { credentials, baseUrl: server.url }), (err) => {
    assert.equal(err.code, "transport_failed");
    assert.equal(err.message, `transport failed: response body from ${server.host} over 65536 bytes: not read`);
    return true;
  });
});

// ---- item 21: transport errors name the host and the cause -----------------------------------

test("a refused connection names the host and the cause, not just `fetch failed`", async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${closed.address().port}`;
  await new Promise((resolve) => closed.close(resolve));
  const { operation } = await runOne(`http://${host}`, { maxAttempts: 1 });
  assert.equal(operation.state, "failed");
  assert.ok(operation.problem.endsWith(`: connection failed: connect ECONNREFUSED ${host} (${host})`), operation.problem);
  await assert.rejects(redact(input, { credentials, baseUrl: `http://${host}` }), (err) => {
    assert.equal(err.message, `transport failed: connection failed: connect ECONNREFUSED ${host} (${host})`);
    assert.ok(err.cause instanceof TypeError, "the cause is what fetch threw");
    return true;
  });
});

// ---- item 13: strings that are not well-formed Unicode ---------------------------------------

const LONE = ["victim\uD800", "victim\uDFFF"];

function assertIllFormed(fn, field) {
  assert.throws(fn, (err) => {
    assert.equal(err.name, "ErasekitError");
    assert.equal(err.code, "invalid_argument");
    assert.equal(err.details.field, field);
    assert.match(err.message, /not well-formed Unicode/);
    return true;
  });
}

async function assertIllFormedAsync(promise, field) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, "invalid_argument", err.message);
    assert.equal(err.details.field, field);
    return true;
  });
}

for (const backend of ["memory", "sqlite"]) {
  test(`${backend} ledger: "victim\\uD800", "victim\\uDFFF" are refused; "victim\\uFFFD" is its own subject`, async () => {
    const ledger = backend === "memory" ? await Ledger.memory() : await Ledger.sqlite(":memory:");
    const entries = capture.smsSend({ messages: [{ "message-id": "0A00000001", status: "0" }] }, { at: NOW });
    for (const subject of LONE) {
      await assertIllFormedAsync(ledger.record(subject, entries), "subject");
      await assertIllFormedAsync(ledger.entries(subject), "subject");
      await assertIllFormedAsync(ledger.planErasure(subject, { now: NOW }), "subject");
    }
    const badId = [{ ...entries[0], id: `0A${LONE[0]}` }];
    await assertIllFormedAsync(ledger.record("victim", badId), "entries[0].id");
    await ledger.record("victim\uFFFD", entries);
    await ledger.record("victim", entries);
    assert.deepStrictEqual((await ledger.subjects()).sort(), ["victim", "victim\uFFFD"]);
    await ledger.close?.();
  });
}

test("ids, subjects and payload text with a lone surrogate are refused where they enter", () => {
  for (const bad of LONE) {
    assertIllFormed(() => new RedactRequest({ ...input, id: `0A${bad}` }), "input.id");
    assertIllFormed(() => new ErasurePlan({ subject: bad, subjectKey: SUBJECT_KEY, entries: [], now: NOW }), "subject");
    const body = JSON.stringify({ messageId: "0A0000001", "message-timestamp": "2020-01-01 12:00:00" }).replace("0A0000001", `0A${bad}`);
    assertIllFormed(() => capture.smsReceipt(body), "payload");
    assertIllFormed(() => capture.smsReceipt({ messageId: `0A${bad}`, "message-timestamp": "2020-01-01 12:00:00" }), "payload.messageId");
  }
  // U+FFFD itself is a character like any other.
  assert.equal(new RedactRequest({ ...input, id: "0A\uFFFD" }).id, "0A\uFFFD");
});

// ---- item 14: no secret in any error --------------------------------------------------------

/** Every text an error shows: message, details, stack, String(), inspect(), JSON. */
function shown(err) {
  return [err.message, JSON.stringify(err.details ?? null), err.stack, String(err), inspect(err, { depth: 5 }), JSON.stringify(err)].join("\n");
}

function assertSecretHidden(fn, secret, code) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, "expected an error");
  assert.equal(caught.code, code, caught.message);
  assert.ok(!shown(caught).includes(secret), `${secret} in ${shown(caught)}`);
}

test("a secret of the wrong type never appears in the error", () => {
  const number = 12345678901;
  assertSecretHidden(() => new Credentials({ apiKey: "k", apiSecret: number }), "12345678901", "invalid_argument");
  assertSecretHidden(() => new Credentials({ apiKey: "k", api_secret: [number] }), "12345678901", "invalid_argument");
  assertSecretHidden(() => new Credentials({ applicationId: "a", privateKey: number }), "12345678901", "invalid_argument");
  assertSecretHidden(() => new Credentials({ applicationId: "a", privateKey: { pem: "KEYMATERIAL123" } }), "KEYMATERIAL123", "invalid_argument");
  assertSecretHidden(() => new Credentials({ applicationId: "a", privateKey: "-----BEGIN PRIVATE KEY-----\nKEYMATERIAL123\n-----END PRIVATE KEY-----" }), "KEYMATERIAL123", "invalid_private_key");
  assertSecretHidden(() => new Credentials({ apiKey: "k", apiSecret: "s\uD800cret-value" }), "cret-value", "invalid_argument");
  assertSecretHidden(() => new RedactRequest(input).toHttp({ credentials: { apiKey: "k", apiSecret: number } }), "12345678901", "invalid_argument");
});

test("a base URL with user:password@ is refused without the password", async () => {
  const url = "https://user:hunter2-pw@api.example.com";
  assertSecretHidden(() => new RedactRequest(input).toHttp({ credentials, baseUrl: url }), "hunter2-pw", "invalid_base_url");
  assertSecretHidden(() => new RedactRequest(input).toHttp({ credentials, baseUrl: { redact: url } }), "hunter2-pw", "invalid_base_url");
  await assert.rejects(redact(input, { credentials, baseUrl: url }), (err) => {
    assert.equal(err.code, "invalid_base_url");
    assert.ok(!shown(err).includes("hunter2-pw"), shown(err));
    return true;
  });
});

// ---- item 16: capture has a stated, configurable size limit ----------------------------------

test("capture refuses a body over maxBytes (default 1 MiB) before reading it, stating the limit", () => {
  const receipt = { messageId: "0A0000001234567B", "message-timestamp": "2020-01-01 12:00:00" };
  const padded = JSON.stringify(receipt) + " ".repeat(1 << 20);
  for (const body of [padded, new TextEncoder().encode(padded)]) {
    assert.throws(() => capture.smsReceipt(body), (err) => {
      assert.equal(err.code, "payload_too_large");
      assert.equal(err.family, "payload");
      assert.equal(err.details.limit, 1 << 20);
      assert.match(err.message, /1048576 bytes/);
      return true;
    });
  }
  assert.equal(capture.smsReceipt(padded, { maxBytes: 2 << 20 }).length, 1);
  assert.throws(() => capture.smsReceipt(receipt, { maxBytes: 16 }), { code: "payload_too_large" });
  assert.throws(() => capture.smsReceipt(receipt, { maxBytes: 0 }), { code: "invalid_argument" });
  // A million parts in 50 MB: refused on its length, not parsed.
  const part = '{"to":"447700900000","message-id":"0A0000000123ABCD1","status":"0"}';
  const million = `{"messages":[${Array(1_000_000).fill(part).join(",")}]}`;
  const started = performance.now();
  assert.throws(() => capture.smsSend(million, { at: NOW }), { code: "payload_too_large" });
  assert.ok(performance.now() - started < 1_000);
  // Within the byte limit, more parts than one payload may hold: refused too.
  const parts = `{"messages":[${Array(10_001).fill('{"message-id":"A1","status":"0"}').join(",")}]}`;
  assert.throws(() => capture.smsSend(parts, { at: NOW }), (err) => err.code === "payload_too_large" && err.details.unit === "entries");
});
