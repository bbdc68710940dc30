// The README's examples are code: the Node one runs here against a local HTTP endpoint (the
// browser one runs in test/browser.test.mjs), and the API it documents is the API exported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import * as erasekit from "erasekit";
import { readmeBlock } from "./readme_blocks.mjs";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
test("README Node example redacts over HTTP and prints the outcome", async (t) => {
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", readmeBlock("Node", "js")],
    {
      cwd: packageDir,
      env: {
        ...process.env,
        VONAGE_API_KEY: "abcd1234",
        VONAGE_API_SECRET: "s3cr3t-value",
        VONAGE_BASE_URL: `http://127.0.0.1:${server.address().port}`,
      },
    },
  );
  assert.equal(stdout.trim(), "redacted 204");
  assert.deepStrictEqual(seen, [
    {
      url: "/v1/redact/transaction",
      auth: "Basic YWJjZDEyMzQ6czNjcjN0LXZhbHVl",
      body: { id: "0A000000B0C9A1234", product: "sms", type: "outbound" },
    },
  ]);
});

test("every function and class the README's API section names is exported", () => {
  const api = readmeBlock("API", "ts");
  for (const name of ["Credentials", "RedactRequest", "redact", "errorCodes", "USER_AGENT", "VERSION", "userAgent", "version", "init", "initSync"]) {
    assert.ok(api.includes(name), `README names ${name}`);
    assert.ok(name in erasekit, `${name} is exported`);
  }
  const request = new erasekit.RedactRequest({ id: "x", product: "sms" });
  for (const member of ["toHttp", "interpret", "notBefore", "id", "product", "type", "createdAt", "toJSON", "free"]) {
    assert.ok(member in request, `RedactRequest.${member}`);
    assert.ok(api.includes(`.${member}`), `README names .${member}`);
  }
});
