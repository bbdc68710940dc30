// The ledger in headless Chromium, as test/browser.test.mjs runs the web build: a page served
// from 127.0.0.1 loads js/web.mjs, runs `await init()`, replays tests/vectors/capture.json,
// captures Vonage bodies into `Ledger.memory()`, exports and imports it, and forgets a subject.
// Results are asserted here, in Node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { openPage } from "./chromium_page.mjs";
import { Ledger } from "erasekit";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const vectorsDir = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));

const served = [
  ["/js/", join(packageDir, "js")],
  ["/pkg/web/", join(packageDir, "pkg", "web")],
  ["/vectors/", vectorsDir],
];

const page = `<!doctype html>
<meta charset="utf-8">
<title>erasekit ledger in Chromium</title>
<script type="module">
  import init, * as erasekit from "/js/web.mjs";
  const { Ledger, capture, captureSource, captureSources } = erasekit;
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

  window.replayCapture = async () => {
    const doc = await (await fetch("/vectors/capture.json")).json();
    return doc.cases.map((c) => {
      const options = c.at === undefined ? undefined : { at: c.at };
      let got;
      try {
        const fn = capture[camel(c.source)];
        got = { entries: fn ? fn(c.payload, options) : captureSource(c.source, c.payload, options) };
      } catch (err) {
        got = { error: err.code, field: err.details?.field ?? null };
      }
      return { name: c.name, expect: c.expect, got };
    });
  };

  window.recordAndExport = async () => {
    const ledger = await Ledger.memory();
    const at = 1700000000000;
    const sms = capture.smsSend(JSON.stringify({ messages: [{ "message-id": "B1", status: "0" }, { "message-id": "B2", status: "0" }] }), { at });
    const call = capture.voiceCall(new TextEncoder().encode(JSON.stringify({ uuid: "63f61863-4a51-4f6b-86e1-46edebcf9356", conversation_uuid: "CON-f972836a" })), { at: new Date(at + 1000) });
    const added = await ledger.record("Zoë 👩‍💻", [...sms, ...call]);
    const again = await ledger.record("Zoë 👩‍💻", sms);
    await ledger.link("Zoë 👩‍💻", ["+44 7700 900123", "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"]);
    await ledger.saveJob("job-1", "Zoë 👩‍💻", "running", "{}");
    const json = await ledger.export();
    const copy = await Ledger.fromExport(json);
    const entries = await copy.entries("Zoë 👩‍💻");
    const identifiers = await copy.identifiers("Zoë 👩‍💻");
    const keysMatch = copy.subjectKey.length === 32 && copy.subjectKey.every((b, i) => b === ledger.subjectKey[i]);
    // A real receipt of the subject, signed with the ledger's own key (canned 204 answers).
    const plan = await copy.planErasure("Zoë 👩‍💻", { now: at + 86400000 });
    const job = new erasekit.ErasureJob(plan, { jobId: "receipt-1", seed: 1, checkTarget: false });
    const auth = { credentials: new erasekit.Credentials({ apiKey: "k", apiSecret: "s" }) };
    for (let t = at + 86400000; !job.isFinished(); t += 1000) {
      for (let c = job.pollRequest(t, auth); c !== null; c = job.pollRequest(t, auth)) {
        job.handleResponse(c.call_id, { status: 204, headers: {}, body: new Uint8Array() }, t);
      }
    }
    const stone = await copy.forget("Zoë 👩‍💻", job.receipt(copy[Symbol.for("erasekit.Ledger.run")].receiptKey));
    const after = await copy.export();
    let sqlite;
    try {
      await Ledger.sqlite("ledger.db");
    } catch (err) {
      sqlite = err.message;
    }
    let subjectError;
    try {
      await copy.record("", sms);
    } catch (err) {
      subjectError = { isError: err instanceof Error, name: err.name, code: err.code };
    }
    return {
      sources: captureSources().length,
      added, again, entries, identifiers, keysMatch, stone, sqlite, subjectError,
      exported: JSON.parse(json),
      afterNamesSubject: after.includes("Zoë") || after.includes("44 7700") || after.includes("447700900123"), // receipts keep Vonage ids, never the subject
      subjectsAfter: await copy.subjects(),
      tombstones: await copy.tombstones("Zoë 👩‍💻"),
      backend: copy.backend,
    };
  };

  await init();
  window.ready = true;
</script>`;

let tab;
let close;

before(async () => {
  ({ tab, close } = await openPage({ page, served, profilePrefix: "erasekit-chromium-ledger-" }));
});

after(async () => {
  await close?.();
});

test("Chromium: every capture.json case gives the expected result", async () => {
  const results = await tab.evaluate(() => window.replayCapture());
  assert.ok(results.length >= 40);
  const failing = results.filter((r) => !isDeepStrictEqual(r.got, r.expect)).map((r) => r.name);
  assert.deepStrictEqual(failing, []);
});

test("Chromium: captures into Ledger.memory(), exports, imports and forgets", async () => {
  const r = await tab.evaluate(() => window.recordAndExport());
  assert.equal(r.sources, 16);
  assert.equal(r.added, 4);
  assert.equal(r.again, 0);
  assert.equal(r.backend, "memory");
  assert.deepStrictEqual(
    r.entries.map((e) => [e.kind, e.product, e.id, e.created_at]),
    [
      ["transaction", "sms", "B1", 1700000000000],
      ["transaction", "sms", "B2", 1700000000000],
      // Same time: by kind as text ("leg" < "transaction"), as every backend orders them.
      ["leg", null, "63f61863-4a51-4f6b-86e1-46edebcf9356", 1700000001000],
      ["transaction", "voice", "63f61863-4a51-4f6b-86e1-46edebcf9356", 1700000001000],
    ],
  );
  assert.equal(r.identifiers.length, 2);
  assert.equal(r.keysMatch, true);
  assert.equal(r.exported.format, 1);
  assert.match(r.exported.key, /^[0-9a-f]{64}$/);
  assert.ok("Zoë 👩‍💻" in r.exported.subjects);
  assert.equal(r.stone.receipt_id, "receipt-1");
  assert.deepStrictEqual(r.tombstones, [r.stone]);
  assert.equal(r.afterNamesSubject, false);
  assert.deepStrictEqual(r.subjectsAfter, []);
  assert.match(r.sqlite, /Node/);
  assert.deepStrictEqual(r.subjectError, { isError: true, name: "ErasekitError", code: "invalid_subject" });
});

test("Chromium's export imports in Node, and Node's in Chromium", async () => {
  const node = await Ledger.memory();
  await node.record("user-42", []);
  await node.link("user-42", ["+447700900123"]);
  const json = await node.export();
  const back = await tab.evaluate(async (text) => {
    const { Ledger } = await import("/js/web.mjs");
    const ledger = await Ledger.fromExport(text);
    return { identifiers: await ledger.identifiers("user-42"), exported: await ledger.export() };
  }, json);
  assert.deepStrictEqual(back.identifiers, [{ kind: "phone", value: "+447700900123" }]);
  const again = await Ledger.fromExport(back.exported);
  assert.deepStrictEqual(again.subjectKey, node.subjectKey);
});
