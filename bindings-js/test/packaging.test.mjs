// The package as users get it: `npm pack`, installed into fresh ESM and CommonJS projects.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esm from "erasekit";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const publicNames = [
  "Credentials",
  "Deadline",
  "ErasekitError",
  "ErasureJob",
  "ErasurePlan",
  "Ledger",
  "RedactRequest",
  "USER_AGENT",
  "VERSION",
  "capture",
  "captureSource",
  "captureSources",
  "default",
  "errorCodes",
  "init",
  "initSync",
  "phone",
  "planErasure",
  "receiptPublicKey",
  "redact",
  "resumeJob",
  "userAgent",
  "verifyReceipt",
  "version",
];

let work;
let tarball;

before(() => {
  work = mkdtempSync(join(tmpdir(), "erasekit-pack-"));
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
    cwd: packageDir,
    encoding: "utf8",
  });
  tarball = join(work, out.trim().split("\n").pop());
});

after(() => rmSync(work, { recursive: true, force: true }));

/** A fresh project of `type` with the tarball installed; runs `code` in it, returns stdout. */
function runIn(type, file, code) {
  const dir = join(work, type);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `smoke-${type}`, private: true, type }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", tarball], { cwd: dir });
  writeFileSync(join(dir, file), code);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8" });
}

const smoke = `
  const creds = new Credentials({ apiKey: "k", apiSecret: "s" });
  const request = new RedactRequest({ id: "abc", product: "voice" });
  const http = request.toHttp({ credentials: creds, baseUrl: "http://127.0.0.1:1" });
  const outcome = request.interpret({ status: 204, headers: {}, body: new Uint8Array() }, Date.now());
  console.log(JSON.stringify({ url: http.url, outcome: outcome.outcome, ua: USER_AGENT, s: String(creds) }));
`;
const expected = {
  url: "http://127.0.0.1:1/v1/redact/transaction",
  outcome: "redacted",
  ua: "erasekit/0.1.0",
  s: "Credentials(api_key=k)",
};

test("the tarball works from an ES module project", () => {
  const out = runIn(
    "module",
    "smoke.js",
    `import init, { Credentials, RedactRequest, USER_AGENT } from "erasekit";\nawait init();\n${smoke}`,
  );
  assert.deepStrictEqual(JSON.parse(out), expected);
});

test("the tarball works from a CommonJS project", () => {
  const out = runIn(
    "commonjs",
    "smoke.js",
    `const { Credentials, RedactRequest, USER_AGENT } = require("erasekit");\n${smoke}`,
  );
  assert.deepStrictEqual(JSON.parse(out), expected);
});

test("the tarball ships the entries, both builds and the README, and no sources", () => {
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
  for (const needed of [
    "package/js/node.cjs",
    "package/js/node.mjs",
    "package/js/web.mjs",
    "package/js/index.d.ts",
    "package/pkg/node/erasekit_js.js",
    "package/pkg/node/erasekit_js_bg.wasm",
    "package/pkg/web/erasekit_js.js",
    "package/pkg/web/erasekit_js_bg.wasm",
    "package/pkg/web/erasekit_js.d.ts",
    "package/README.md",
  ]) {
    assert.ok(files.includes(needed), needed);
  }
  assert.ok(!files.some((f) => f.startsWith("package/src/") || f.startsWith("package/test/")));
});

test("import and require expose the same names and share one wasm instance", () => {
  const cjs = createRequire(import.meta.url)("erasekit");
  assert.deepStrictEqual(Object.keys(esm).sort(), publicNames);
  assert.deepStrictEqual(Object.keys(cjs).sort(), publicNames);
  assert.equal(esm.Credentials, cjs.Credentials);
  const fromEsm = new esm.Credentials({ apiKey: "k", apiSecret: "s" });
  assert.ok(fromEsm instanceof cjs.Credentials);
  assert.equal(esm.VERSION, JSON.parse(execFileSync("npm", ["pkg", "get", "version"], { cwd: packageDir, encoding: "utf8" })));
  assert.equal(esm.USER_AGENT, `erasekit/${esm.VERSION}`);
});

test("each wasm imports only its wasm-bindgen glue (no `env`, nothing unresolved)", () => {
  for (const build of ["node", "web"]) {
    const module = new WebAssembly.Module(readFileSync(join(packageDir, "pkg", build, "erasekit_js_bg.wasm")));
    const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
    assert.deepStrictEqual([...modules], ["./erasekit_js_bg.js"], build);
  }
});

test("js/index.d.ts re-exports every type of src/ts_types.rs", () => {
  const custom = readFileSync(join(packageDir, "src", "ts_types.rs"), "utf8");
  const entry = readFileSync(join(packageDir, "js", "index.d.ts"), "utf8");
  const names = [...custom.matchAll(/export (?:type|interface) (\w+)/g)].map((m) => m[1]);
  assert.ok(names.length > 10);
  for (const name of names) assert.match(entry, new RegExp(`\\b${name},`), name);
});
