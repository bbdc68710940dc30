// Capture: replays the whole tests/vectors/capture.json through `capture.<source>()` exactly as
// core/tests/capture.rs does (`{ entries }`, or `{ error: code, field: details.field }`), with
// each payload as a parsed object, as JSON text and as UTF-8 bytes; checks the `capture` object
// against the core's sources, `phone()`, and the errors of bad arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { capture, captureSource, captureSources, phone } from "erasekit";
import { CAPTURE_SOURCES, captureName } from "../js/capture.mjs";

const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../tests/vectors/capture.json", import.meta.url)), "utf8"),
);

/** What core/tests/capture.rs compares with `expect`. */
function replay(source, payload, at) {
  // A source the core does not know has no function on `capture`: the generic entry point.
  const fn = capture[captureName(source)];
  const options = at === undefined ? undefined : { at };
  try {
    const entries = fn ? fn(payload, options) : captureSource(source, payload, options);
    return { entries };
  } catch (err) {
    if (!(err instanceof Error) || err.name !== "ErasekitError") throw err;
    return { error: err.code, field: err.details.field ?? null };
  }
}

const forms = {
  object: (payload) => payload,
  "JSON text": (payload) => JSON.stringify(payload),
  bytes: (payload) => new TextEncoder().encode(JSON.stringify(payload)),
};

test("capture.json covers every source and has at least 40 cases", () => {
  assert.ok(vectors.cases.length >= 40);
  const covered = new Set(vectors.cases.map((c) => c.source));
  for (const source of captureSources()) assert.ok(covered.has(source), source);
});

for (const [form, encode] of Object.entries(forms)) {
  test(`every capture.json case, payload as ${form}`, () => {
    const failing = [];
    for (const c of vectors.cases) {
      const got = replay(c.source, encode(c.payload), c.at ?? undefined);
      try {
        assert.deepStrictEqual(got, c.expect);
      } catch {
        failing.push(`${c.name}: expected ${JSON.stringify(c.expect)}, got ${JSON.stringify(got)}`);
      }
    }
    assert.deepStrictEqual(failing, []);
  });
}

test("every capture.json limits case: the body as text and as bytes, with maxBytes", () => {
  assert.ok(vectors.limits.length >= 3);
  for (const c of vectors.limits) {
    for (const body of [c.body, new TextEncoder().encode(c.body)]) {
      let got;
      try {
        got = { entries: capture[captureName(c.source)](body, { maxBytes: c.max_bytes }) };
      } catch (err) {
        if (err?.name !== "ErasekitError") throw err;
        got = { error: err.code, limit: err.details.limit, size: err.details.size };
      }
      assert.deepStrictEqual(got, c.expect, c.name);
    }
  }
});

test("capture has one function per core source, named in camelCase", () => {
  assert.deepStrictEqual([...CAPTURE_SOURCES], captureSources());
  assert.deepStrictEqual(Object.keys(capture), captureSources().map(captureName));
  assert.deepStrictEqual(Object.keys(capture).slice(0, 3), ["smsSend", "smsReceipt", "smsInbound"]);
  for (const name of ["verifyV2", "numberInsight", "messagesStatus", "conversationLeg", "voiceRecording"]) {
    assert.equal(typeof capture[name], "function", name);
    assert.equal(capture[name].name, name);
  }
  assert.ok(Object.isFrozen(capture));
});

test("entries are plain data with the core's snake_case fields", () => {
  const [entry] = capture.messagesSend({ message_uuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" }, { at: 1_700_000_000_000 });
  assert.deepStrictEqual(Object.keys(entry), ["kind", "product", "direction", "id", "created_at", "source", "extra"]);
  assert.equal(entry.created_at, 1_700_000_000_000);
  assert.equal(Object.getPrototypeOf(entry.extra), Object.prototype);
});

test("at may be a number, a BigInt or a Date; the payload's own time wins", () => {
  const body = { messages: [{ "message-id": "A1", status: "0" }] };
  const at = Date.UTC(2024, 0, 2, 3, 4, 5);
  for (const given of [at, BigInt(at), new Date(at)]) {
    assert.equal(capture.smsSend(body, { at: given })[0].created_at, at);
  }
  const receipt = { messageId: "A1", "message-timestamp": "2024-01-02 03:04:05", msisdn: "447700900000" };
  assert.equal(capture.smsReceipt(receipt, { at: 1 })[0].created_at, at);
  assert.equal(capture.smsReceipt(receipt)[0].created_at, at);
});

/** Runs `fn`, expects an ErasekitError, returns it. */
function thrown(fn) {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error);
    assert.equal(err.name, "ErasekitError");
    return err;
  }
  assert.fail("did not throw");
}

test("bad arguments are invalid_argument naming them", () => {
  const body = { messages: [{ "message-id": "A1", status: "0" }] };
  for (const [fn, field] of [
    [() => capture.smsSend(42, { at: 1 }), "payload"],
    [() => capture.smsSend(null, { at: 1 }), "payload"],
    [() => capture.smsSend(undefined), "payload"],
    [() => capture.smsSend(body, { at: -1 }), "at"],
    [() => capture.smsSend(body, { at: "yesterday" }), "at"],
    [() => capture.smsSend(body, { when: 1 }), "when"],
    [() => capture.smsSend(body, "now"), "options"],
    [() => captureSource(1, body), "source"],
  ]) {
    const err = thrown(fn);
    assert.equal(err.code, "invalid_argument", err.message);
    assert.equal(err.details.field, field);
  }
  assert.equal(thrown(() => capture.smsSend(body, { at: 2 ** 60 })).code, "invalid_time");
  const notJson = thrown(() => capture.smsSend("{not json", { at: 1 }));
  assert.equal(notJson.code, "invalid_payload");
  assert.deepStrictEqual([notJson.details.source, notJson.details.field], ["sms_send", "$"]);
  assert.equal(thrown(() => capture.smsSend(new Uint8Array([0xff, 0xfe]), { at: 1 })).code, "invalid_payload");
});

test("phone() normalises common forms to E.164 and refuses garbage", () => {
  for (const raw of ["+44 7700 900123", "0044-7700-900123", "(+44) 7700.900.123", "447700900123"]) {
    assert.equal(phone(raw), "+447700900123", raw);
  }
  for (const raw of ["07700 900123", "abc", "+1234", ""]) {
    const err = thrown(() => phone(raw));
    assert.equal(err.code, "invalid_phone", raw);
    assert.equal(err.details.given, raw);
  }
  assert.equal(thrown(() => phone(447700900123)).code, "invalid_argument");
});

test("js/index.d.ts re-exports every type of src/ledger_types.rs, and the JS layer's types", () => {
  const custom = readFileSync(new URL("../src/ledger_types.rs", import.meta.url), "utf8");
  const entry = readFileSync(new URL("../js/index.d.ts", import.meta.url), "utf8");
  const names = [...custom.matchAll(/export (?:type|interface) (\w+)/g)].map((m) => m[1]);
  assert.ok(names.length >= 12);
  for (const name of [...names, "Ledger", "capture", "Capture", "CaptureFunction", "SqliteOptions", "PgPoolLike"]) {
    assert.match(entry, new RegExp(`\\b${name}\\b`), name);
  }
});
