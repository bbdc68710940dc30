// redact(): builds in the core, sends with the given (or global) fetch, resolves to the core's
// outcome; transport failures reject with code "transport_failed" and the original as cause.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Credentials, ErasekitError, redact } from "erasekit";

const credentials = new Credentials({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" });
const input = { id: "0A000000B0C9A1234", product: "sms", type: "inbound" };
const NOW = 1_700_000_000_000;

/** A fetch stub that records its calls and answers with `answer(url, init)`. */
function stubFetch(answer) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    return answer(url, init);
  };
  return { fetch, calls };
}

test("sends the core's request with the given fetch and resolves to the outcome", async () => {
  const { fetch, calls } = stubFetch(() => new Response(null, { status: 204 }));
  const outcome = await redact(input, { credentials, fetch, baseUrl: "http://sim.test" });
  assert.deepStrictEqual(outcome, { outcome: "redacted", status: 204 });
  assert.equal(calls.length, 1);
  const [{ url, init }] = calls;
  assert.equal(url, "http://sim.test/v1/redact/transaction");
  assert.equal(init.method, "POST");
  assert.deepStrictEqual(init.headers, {
    accept: "application/json",
    authorization: "Basic YWJjZDEyMzQ6czNjcjN0LXZhbHVl",
    "content-type": "application/json",
    "user-agent": "erasekit/0.1.0",
  });
  assert.ok(init.body instanceof Uint8Array);
  assert.deepStrictEqual(JSON.parse(new TextDecoder().decode(init.body)), {
    id: "0A000000B0C9A1234",
    product: "sms",
    type: "inbound",
  });
});

test("reads status, headers and body from the Response; `now` sets the interpretation time", async () => {
  const problem = { type: "https://developer.nexmo.com/api-errors/redact#rate-limit", title: "Rate Limit Hit" };
  const { fetch } = stubFetch(
    () => new Response(JSON.stringify(problem), { status: 429, headers: { "Retry-After": "3" } }),
  );
  const outcome = await redact(input, { credentials, fetch, now: NOW });
  assert.deepStrictEqual(outcome, {
    outcome: "rate_limited",
    status: 429,
    problem: { ...problem, detail: null, instance: null },
    retry_at: NOW + 3000,
  });
});

test("a response-like object with plain-object headers works too", async () => {
  const { fetch } = stubFetch(() => ({
    status: 403,
    headers: { "content-type": "application/json" },
    arrayBuffer: async () =>
      new TextEncoder().encode('{"type":"https://x/redact#premature-redaction","title":"Premature"}').buffer,
  }));
  const outcome = await redact({ ...input, createdAt: NOW }, { credentials, fetch, now: NOW });
  assert.equal(outcome.outcome, "premature");
  assert.equal(outcome.earliest_retry_at, NOW + 3_600_000);
});

test("without options.fetch, globalThis.fetch goes over real HTTP", async (t) => {
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "https://developer.nexmo.com/api-errors#invalid-id", title: "Invalid ID" }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const outcome = await redact(input, { credentials, baseUrl });
  assert.equal(outcome.outcome, "not_found");
  assert.equal(outcome.problem.title, "Invalid ID");
  assert.deepStrictEqual(seen, [
    {
      method: "POST",
      url: "/v1/redact/transaction",
      auth: "Basic YWJjZDEyMzQ6czNjcjN0LXZhbHVl",
      body: '{"id":"0A000000B0C9A1234","product":"sms","type":"inbound"}',
    },
  ]);
});

/** Expects `promise` to reject with a transport failure whose cause satisfies `cause`. */
async function rejectsAsTransport(promise, cause) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ErasekitError, "every error is an ErasekitError");
    assert.equal(err.code, "transport_failed");
    assert.equal(err.family, "transport");
    assert.equal(err.details.code, "transport_failed");
    assert.match(err.message, /^transport failed: /);
    cause(err.cause);
    return true;
  });
}

test("a fetch that rejects gives transport_failed with the original as cause", async () => {
  const original = new TypeError("fetch failed: ECONNRESET");
  await rejectsAsTransport(redact(input, { credentials, fetch: async () => Promise.reject(original) }), (c) =>
    assert.equal(c, original),
  );
  const thrownSync = new Error("sync throw");
  await rejectsAsTransport(
    redact(input, {
      credentials,
      fetch: () => {
        throw thrownSync;
      },
    }),
    (c) => assert.equal(c, thrownSync),
  );
});

test("a refused connection over real HTTP is a transport failure", async () => {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  await new Promise((resolve) => server.close(resolve));
  await rejectsAsTransport(redact(input, { credentials, baseUrl: `http://127.0.0.1:${port}` }), (c) =>
    assert.ok(c instanceof Error),
  );
});

test("an aborted signal is a transport failure carrying the AbortError", async () => {
  const controller = new AbortController();
  controller.abort();
  const { fetch } = stubFetch((url, init) => {
    if (init.signal?.aborted) throw new DOMException("aborted", "AbortError");
    return new Response(null, { status: 204 });
  });
  await rejectsAsTransport(redact(input, { credentials, fetch, signal: controller.signal }), (c) =>
    assert.equal(c.name, "AbortError"),
  );
});

test("a body that cannot be read, or no Response at all, is a transport failure", async () => {
  const broken = new Error("stream broke");
  await rejectsAsTransport(
    redact(input, {
      credentials,
      fetch: async () => ({ status: 200, headers: {}, arrayBuffer: () => Promise.reject(broken) }),
    }),
    (c) => assert.equal(c, broken),
  );
  await rejectsAsTransport(redact(input, { credentials, fetch: async () => 42 }), (c) =>
    assert.ok(c instanceof TypeError),
  );
  await rejectsAsTransport(redact(input, { credentials, fetch: async () => ({ headers: {} }) }), (c) =>
    assert.ok(c instanceof TypeError),
  );
});

test("bad input rejects with an ErasekitError before anything is sent", async () => {
  const { fetch, calls } = stubFetch(() => new Response(null, { status: 204 }));
  const cases = [
    [{ ...input, product: "SMS" }, { credentials, fetch }, "invalid_product"],
    [{ ...input, id: "" }, { credentials, fetch }, "invalid_id"],
    [input, { credentials, fetch, baseUrl: "api.nexmo.com" }, "invalid_base_url"],
    [input, { credentials: { applicationId: "a", privateKey: "nope" }, fetch }, "invalid_private_key"],
    [input, { credentials, fetch: "fetch" }, "invalid_argument"],
    [input, { credentials, fetch, now: -1 }, "invalid_argument"],
    [input, { credentials, fetch, retries: 3 }, "invalid_argument"],
    [input, undefined, "invalid_argument"],
  ];
  for (const [badInput, options, code] of cases) {
    await assert.rejects(redact(badInput, options), (err) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, "ErasekitError");
      assert.equal(err.code, code, err.message);
      return true;
    });
  }
  assert.equal(calls.length, 0);
});

after(() => credentials.free());
