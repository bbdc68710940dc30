// Replays the WHOLE tests/vectors/erasure.json (scripted Vonage answers, virtual time) through
// the Node build with the host loop of core/tests/erasure_vectors.rs, and tests/vectors/
// deadline.json through `Deadline`: same cases, same expected values as Rust and Python.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as erasekit from "erasekit";
import { SIGNING_KEY, entriesOf, runErasureCase, vectorCredentials } from "./erasure_cases.mjs";

const vectorsDir = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));
const load = (name) => JSON.parse(readFileSync(vectorsDir + name, "utf8"));
const erasureDoc = load("erasure.json");
const deadlineDoc = load("deadline.json");
const credentials = vectorCredentials(erasekit, readFileSync(vectorsDir + "keys/app_private.pem", "utf8"));
const publicKey = erasekit.receiptPublicKey(SIGNING_KEY);

test("erasure.json has its six cases", () => {
  assert.ok(erasureDoc.cases.length >= 6);
});

for (const c of erasureDoc.cases) {
  test(`erasure vector: ${c.name}`, () => {
    const { result, receipt } = runErasureCase(erasekit, c, entriesOf(erasekit, c), credentials);
    assert.deepStrictEqual(result, c.expect);
    const body = erasekit.verifyReceipt(receipt, publicKey);
    assert.equal(body.receipt_id, c.config.job_id);
    assert.deepStrictEqual(body.counts, c.expect.counts);
  });

  test(`erasure vector, restored from a snapshot every turn: ${c.name}`, () => {
    const { result } = runErasureCase(erasekit, c, entriesOf(erasekit, c), credentials, { restoreEvery: 1 });
    const terminal = (states) => states.map(([target, state]) => [target, state]);
    assert.deepStrictEqual(terminal(result.states), terminal(c.expect.states));
  });
}

test("deadline.json has month ends and leap years", () => {
  assert.ok(deadlineDoc.cases.length >= 10);
  assert.ok(deadlineDoc.cases.some((c) => c.name.includes("02-29") || c.name.includes("2024-01-31")));
});

for (const c of deadlineDoc.cases) {
  test(`deadline vector: ${c.name}`, () => {
    let got;
    try {
      let deadline = new erasekit.Deadline(c.received_at);
      if (c.extend) deadline = deadline.extend(c.extend.months, c.extend.reason);
      got = { due_at: deadline.dueAt };
      if (deadline.extensionMonths > 0) {
        got.extension_months = deadline.extensionMonths;
        got.extension_reason = deadline.extensionReason;
      }
      assert.equal(deadline.receivedAt, c.received_at);
      assert.deepStrictEqual(deadline.toJSON(), {
        received_at: c.received_at,
        due_at: deadline.dueAt,
        extension_months: deadline.extensionMonths,
        extension_reason: deadline.extensionReason ?? null,
      });
    } catch (err) {
      if (err?.name !== "ErasekitError") throw err;
      got = { error: err.code };
    }
    assert.deepStrictEqual(got, c.expect);
  });
}
