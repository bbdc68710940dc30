// Replays the shared vectors (tests/vectors/*.json) through the Node build, exactly as
// core/tests/vectors.rs does through the Rust API: same cases, same expected values.
// test/browser.test.mjs replays the same file through the web build in Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as erasekit from "erasekit";
import { keyFiles, runCase } from "./vector_cases.mjs";

const vectorsDir = fileURLToPath(new URL("../../tests/vectors/", import.meta.url));
const load = (name) => JSON.parse(readFileSync(vectorsDir + name, "utf8"));

const redactDoc = load("redact.json");
const keys = Object.fromEntries(keyFiles(redactDoc).map((f) => [f, readFileSync(vectorsDir + f, "utf8")]));

test("redact.json has at least 30 cases", () => {
  assert.ok(redactDoc.cases.length >= 30);
});

for (const c of redactDoc.cases) {
  test(`redact vector: ${c.name}`, () => {
    assert.deepStrictEqual(runCase(erasekit, c, redactDoc.defaults, keys), c.expect);
  });
}

test("error_codes.json lists exactly errorCodes(), in order", () => {
  const listed = load("error_codes.json").codes.map(({ code, family }) => ({ code, family }));
  assert.deepStrictEqual(erasekit.errorCodes(), listed);
});

test("every code in error_codes.json is in the TypeScript ErrorCode and ErrorFamily unions", () => {
  const dts = readFileSync(new URL("../pkg/web/erasekit_js.d.ts", import.meta.url), "utf8");
  const union = (name) => {
    const m = dts.match(new RegExp(`export type ${name} =([^;]*);`));
    assert.ok(m, `type ${name} in the .d.ts`);
    return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]).sort();
  };
  const codes = load("error_codes.json").codes;
  assert.deepStrictEqual(union("ErrorCode"), codes.map((c) => c.code).sort());
  assert.deepStrictEqual(union("ErrorFamily"), [...new Set(codes.map((c) => c.family))].sort());
});
