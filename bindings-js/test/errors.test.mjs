// Errors are real Error objects with name, code, family and details; bad JS input becomes
// invalid_argument naming the field; times follow the 64-bit policy of src/wire.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Credentials, ErasekitError, ErasureJob, RedactRequest, errorCodes } from "erasekit";

const creds = new Credentials({ apiKey: "abcd1234", apiSecret: "s3cr3t-value" });
const sms = () => new RedactRequest({ id: "abc", product: "sms" });

/** Runs `fn`, expects an ErasekitError, returns it. */
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error, "instanceof Error");
    assert.ok(err instanceof ErasekitError, "instanceof ErasekitError");
    assert.equal(err.name, "ErasekitError");
    assert.equal(typeof err.code, "string");
    assert.equal(typeof err.message, "string");
    assert.ok(err.stack, "has a stack");
    assert.equal(err.details.code, err.code, "details carry the code");
    const family = errorCodes().find((c) => c.code === err.code)?.family;
    assert.equal(err.family, family, "family matches errorCodes()");
    return err;
  }
  assert.fail("did not throw");
}

test("a core error carries code, family and the variant's fields as details", () => {
  const err = thrown(() => new RedactRequest({ id: "abc", product: "SMS" }));
  assert.equal(err.code, "invalid_product");
  assert.equal(err.family, "input");
  assert.deepStrictEqual(err.details, {
    code: "invalid_product",
    given: "SMS",
    expected: "sms, voice, number-insight, verify, verify-sdk, messages",
  });
  assert.match(err.message, /invalid product "SMS"/);
  assert.equal(Object.getPrototypeOf(err.details), Object.prototype, "details is a plain object");
});

test("credential errors have the credentials family", () => {
  const err = thrown(() => new Credentials({ apiKey: "k" }));
  assert.equal(err.code, "invalid_credentials");
  assert.equal(err.family, "credentials");
  assert.equal(thrown(() => sms().toHttp({ credentials: { applicationId: "a", privateKey: "x" } })).code, "invalid_private_key");
});

const wrongInputs = [
  ["RedactRequest without input", () => new RedactRequest(), "input"],
  ["RedactRequest from a string", () => new RedactRequest("abc"), "input"],
  ["id of the wrong type", () => new RedactRequest({ id: 5, product: "sms" }), "input.id"],
  ["product missing", () => new RedactRequest({ id: "abc" }), "input"],
  ["an unknown field", () => new RedactRequest({ id: "abc", product: "sms", typ: "inbound" }), "input.typ"],
  ["createdAt as a string", () => new RedactRequest({ id: "a", product: "sms", createdAt: "1700000000000" }), "input.createdAt"],
  ["createdAt with a fraction", () => new RedactRequest({ id: "a", product: "sms", createdAt: 1.5 }), "input.createdAt"],
  ["createdAt negative", () => new RedactRequest({ id: "a", product: "sms", createdAt: -1 }), "input.createdAt"],
  ["Credentials from null", () => new Credentials(null), "credentials"],
  ["apiKey of the wrong type", () => new Credentials({ apiKey: 1, apiSecret: "s" }), "credentials.apiKey"],
  ["an unknown credentials field", () => new Credentials({ apiKey: "k", apiSecret: "s", token: "t" }), "credentials.token"],
  ["toHttp without options", () => sms().toHttp(), "options"],
  ["toHttp without credentials", () => sms().toHttp({}), "credentials"],
  ["credentials as a string", () => sms().toHttp({ credentials: "abcd1234:secret" }), "credentials"],
  ["an unknown option", () => sms().toHttp({ credentials: creds, baseURL: "http://x" }), "baseURL"],
  ["baseUrl as a number", () => sms().toHttp({ credentials: creds, baseUrl: 8080 }), "baseUrl"],
  ["an unknown baseUrl family", () => sms().toHttp({ credentials: creds, baseUrl: { redcat: "http://x" } }), "baseUrl.redcat"],
  ["a baseUrl family of the wrong type", () => sms().toHttp({ credentials: creds, baseUrl: { redact: 1 } }), "baseUrl.redact"],
  ["a fake Credentials", () => sms().toHttp({ credentials: { __erasekitHandoff() {} } }), "credentials"],
  ["response without status", () => sms().interpret({ body: "" }, 0), "response.status"],
  ["status as a string", () => sms().interpret({ status: "204" }, 0), "response.status"],
  ["a header value that is not a string", () => sms().interpret({ status: 204, headers: { a: 1 } }, 0), "response.headers.a"],
  ["now missing", () => sms().interpret({ status: 204 }), "now"],
  ["now as a string", () => sms().interpret({ status: 204 }, "1700000000000"), "now"],
  ["now as NaN", () => sms().interpret({ status: 204 }, NaN), "now"],
  ["now negative", () => sms().interpret({ status: 204 }, -5), "now"],
  ["now with a fraction", () => sms().interpret({ status: 204 }, 0.5), "now"],
];

for (const [name, fn, field] of wrongInputs) {
  test(`invalid_argument names the field: ${name}`, () => {
    const err = thrown(fn);
    assert.equal(err.code, "invalid_argument", err.message);
    assert.equal(err.details.field, field, err.message);
    assert.equal(typeof err.details.reason, "string");
  });
}

test("a freed Credentials is refused, not a crash", () => {
  const gone = new Credentials({ apiKey: "k", apiSecret: "s" });
  gone.free();
  const err = thrown(() => sms().toHttp({ credentials: gone }));
  assert.equal(err.code, "invalid_argument");
  assert.equal(err.details.field, "credentials");
});

test("64-bit policy: whole numbers up to 2^53 - 1 pass, above are the core's invalid_time", () => {
  const max = Number.MAX_SAFE_INTEGER;
  const atMax = new RedactRequest({ id: "a", product: "sms", createdAt: max - 3_600_000 });
  assert.equal(atMax.createdAt, max - 3_600_000);
  assert.equal(atMax.notBefore, max);
  assert.equal(typeof atMax.notBefore, "number");
  for (const tooBig of [2 ** 53, 2 ** 60, 1e300]) {
    const err = thrown(() => new RedactRequest({ id: "a", product: "sms", createdAt: tooBig }));
    assert.equal(err.code, "invalid_time");
    assert.equal(err.details.field, "created_at");
    assert.equal(thrown(() => sms().interpret({ status: 204 }, tooBig)).code, "invalid_time");
  }
  assert.equal(thrown(() => sms().interpret({ status: 204 }, Infinity)).code, "invalid_argument");
});

test("64-bit policy: BigInt times are accepted and checked the same way", () => {
  const r = new RedactRequest({ id: "a", product: "sms", createdAt: 1_700_000_000_000n });
  assert.equal(r.createdAt, 1_700_000_000_000);
  assert.deepStrictEqual(sms().interpret({ status: 204 }, 5n), { outcome: "redacted", status: 204 });
  assert.equal(thrown(() => sms().interpret({ status: 204 }, 2n ** 53n)).code, "invalid_time");
  assert.equal(thrown(() => sms().interpret({ status: 204 }, -1n)).code, "invalid_argument");
});

test("64-bit policy: outputs are plain numbers; one beyond 2^53 - 1 throws instead of rounding", () => {
  const ok = sms().interpret({ status: 429, headers: { "retry-after": "1" } }, 1_000);
  assert.deepStrictEqual(ok, { outcome: "rate_limited", status: 429, problem: null, retry_at: 2_000 });
  const max = Number.MAX_SAFE_INTEGER;
  const err = thrown(() => sms().interpret({ status: 429, headers: { "retry-after": "60" } }, max));
  assert.equal(err.code, "invalid_time");
  assert.equal(err.details.field, "now");
});

test("jwt arguments are checked: entropy must be a Uint8Array of 16 bytes", async () => {
  const { readFileSync } = await import("node:fs");
  const pem = readFileSync(new URL("../../tests/vectors/keys/app_private.pem", import.meta.url), "utf8");
  const app = new Credentials({ applicationId: "app", privateKey: pem });
  const bad = thrown(() => app.jwt(0, [1, 2, 3]));
  assert.equal(bad.code, "invalid_argument");
  assert.equal(bad.details.field, "entropy");
  assert.equal(thrown(() => app.jwt(0, new Uint8Array(3))).code, "invalid_argument");
  assert.equal(thrown(() => app.jwt("now", new Uint8Array(16))).details.field, "now");
  assert.equal(thrown(() => creds.jwt(0, new Uint8Array(16))).code, "missing_credentials");
});

test("response bodies may be Uint8Array, string, byte array, null or absent", () => {
  const problem = '{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID"}';
  const expected = new RedactRequest({ id: "a", product: "sms" }).interpret(
    { status: 404, headers: {}, body: new TextEncoder().encode(problem) },
    0,
  );
  assert.equal(expected.outcome, "not_found");
  for (const body of [problem, [...new TextEncoder().encode(problem)]]) {
    assert.deepStrictEqual(sms().interpret({ status: 404, body }, 0), expected);
  }
  for (const body of [null, undefined]) {
    assert.equal(sms().interpret({ status: 404, body }, 0).outcome, "malformed");
  }
});

test("ErasekitError is one exported class: wasm-made errors, new ErasureJob({}), both entries", () => {
  const err = thrown(() => new ErasureJob({}));
  assert.equal(err.code, "invalid_argument");
  assert.equal(createRequire(import.meta.url)("erasekit").ErasekitError, ErasekitError);
  assert.ok(new ErasekitError("x") instanceof Error);
  assert.equal(new ErasekitError("x").name, "ErasekitError");
});

test("the catalogue has the job protocol's codes", () => {
  const families = Object.fromEntries(errorCodes().map((c) => [c.code, c.family]));
  assert.equal(families.aborted, "job");
  assert.equal(families.job_stalled, "job");
  assert.equal(families.job_not_found, "input");
  assert.equal(families.transport_failed, "transport");
});
