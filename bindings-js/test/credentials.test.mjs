// Credentials: accepted input shapes, JWTs, and secrets that never show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { Credentials, RedactRequest } from "erasekit";

const pem = readFileSync(new URL("../../tests/vectors/keys/app_private.pem", import.meta.url), "utf8");
const SECRET = "s3cr3t-value";
const both = () =>
  new Credentials({ apiKey: "abcd1234", apiSecret: SECRET, applicationId: "app-1", privateKey: pem });

test("camelCase and snake_case inputs give the same credentials", () => {
  const camel = new Credentials({ apiKey: "abcd1234", apiSecret: SECRET });
  const snake = new Credentials({ api_key: "abcd1234", api_secret: SECRET });
  const request = new RedactRequest({ id: "x", product: "voice" });
  assert.deepStrictEqual(request.toHttp({ credentials: camel }), request.toHttp({ credentials: snake }));
  assert.equal(camel.apiKey, "abcd1234");
  assert.equal(camel.applicationId, null);
  assert.equal(both().applicationId, "app-1");
});

test("toHttp takes a Credentials instance or a plain CredentialsInput, and keeps the instance usable", () => {
  const instance = new Credentials({ apiKey: "abcd1234", apiSecret: SECRET });
  const request = new RedactRequest({ id: "x", product: "voice" });
  const a = request.toHttp({ credentials: instance });
  const b = request.toHttp({ credentials: { apiKey: "abcd1234", apiSecret: SECRET } });
  assert.deepStrictEqual(a, b);
  // Passing the instance inside an options object does not consume it.
  assert.deepStrictEqual(request.toHttp({ credentials: instance }), a);
  assert.equal(instance.apiKey, "abcd1234");
});

test("a JWT is three base64url parts with the claims Vonage expects", () => {
  const token = both().jwt(1_700_000_000_000, new Uint8Array(16));
  const [header, claims, signature] = token.split(".");
  assert.deepStrictEqual(JSON.parse(Buffer.from(header, "base64url")), { alg: "RS256", typ: "JWT" });
  const c = JSON.parse(Buffer.from(claims, "base64url"));
  assert.equal(c.application_id, "app-1");
  assert.equal(c.iat, 1_700_000_000);
  assert.equal(c.exp, 1_700_000_900);
  assert.match(c.jti, /^[0-9a-f-]{36}$/);
  assert.ok(signature.length > 300);
});

test("secrets never show in toString, JSON, inspect, errors or thrown details", () => {
  const creds = both();
  const request = new RedactRequest({ id: "x", product: "sms" }).toHttp({ credentials: creds });
  const basic = request.headers.authorization;
  const token = creds.jwt(1_700_000_000_000, new Uint8Array(16));
  const shown = [
    String(creds),
    creds.toString(),
    `${creds}`,
    JSON.stringify(creds),
    JSON.stringify({ creds }),
    inspect(creds),
    inspect(creds, { showHidden: true, depth: 10 }),
    inspect({ nested: [creds] }),
    Object.keys(creds).join(","),
  ];
  for (const text of shown) {
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes(basic.slice("Basic ".length)), text);
    assert.ok(!text.includes("PRIVATE KEY"), text);
    assert.ok(!text.includes(token.split(".")[2]), text);
  }
  assert.equal(String(creds), "Credentials(api_key=abcd1234, application_id=app-1)");
  assert.equal(inspect(creds), String(creds));
});

test("errors about credentials never echo the secret or the key", () => {
  const keyText = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----";
  const attempts = [
    () => new Credentials({ applicationId: "app", privateKey: keyText }),
    () => new Credentials({ apiSecret: SECRET }),
    () => new Credentials({ apiKey: "a:b", apiSecret: SECRET }),
    () => new Credentials({ apiKey: "k", apiSecret: 42 }),
  ];
  for (const attempt of attempts) {
    assert.throws(attempt, (err) => {
      const text = `${err.message} ${JSON.stringify(err.details)} ${inspect(err)}`;
      assert.ok(!text.includes(SECRET), text);
      assert.ok(!text.includes("c2VjcmV0"), text);
      return err.name === "ErasekitError";
    });
  }
});

test("Credentials are a real class with the documented surface", () => {
  const creds = both();
  assert.ok(creds instanceof Credentials);
  assert.equal(typeof creds.free, "function");
  for (const name of ["jwt", "toString", "toJSON"]) {
    assert.equal(typeof creds[name], "function", name);
  }
  creds.free();
});
