// One case of tests/vectors/redact.json run through the package, exactly as
// core/tests/vectors.rs runs it through the Rust API. Environment-free: Node's tests and the
// Chromium page both import it, passing the loaded `erasekit` module and the key files' text.

/** Credentials from a vector spec: snake_case names, `private_key_file` from `keys`. */
function credentials(erasekit, spec, keys) {
  const input = {};
  for (const key of ["api_key", "api_secret", "application_id", "private_key"]) {
    if (typeof spec[key] === "string") input[key] = spec[key];
  }
  if (typeof spec.private_key_file === "string") {
    const text = keys[spec.private_key_file];
    if (typeof text !== "string") throw new Error(`key file ${spec.private_key_file} not loaded`);
    input.private_key = text;
  }
  return new erasekit.Credentials(input);
}

function base64Bytes(text) {
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function base64UrlJson(segment) {
  const padded = segment.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(new TextDecoder().decode(base64Bytes(padded + "===".slice((padded.length + 3) % 4))));
}

/** The response of an interpret case: `body`, `body_base64` or `body_repeat`. */
function response(spec) {
  let body;
  if (typeof spec.body === "string") {
    body = new TextEncoder().encode(spec.body);
  } else if (typeof spec.body_base64 === "string") {
    body = base64Bytes(spec.body_base64);
  } else {
    body = new TextEncoder().encode(spec.body_repeat.chunk.repeat(spec.body_repeat.times));
  }
  return { status: spec.status, headers: spec.headers, body };
}

function hexBytes(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The private key files the cases name, relative to tests/vectors/. */
export function keyFiles(doc) {
  const files = new Set();
  for (const c of doc.cases) {
    const spec = c.credentials ?? doc.defaults.credentials;
    if (typeof spec.private_key_file === "string") files.add(spec.private_key_file);
  }
  return [...files];
}

/**
 * Runs one case; returns what the Rust test compares with `expect`: the request, outcome,
 * JWT parts or credentials text, or `{ error: code }` for an ErasekitError. Any other
 * exception (a thrown string, a TypeError) propagates and fails the test.
 */
export function runCase(erasekit, c, defaults, keys) {
  const credsSpec = c.credentials ?? defaults.credentials;
  try {
    switch (c.kind) {
      case "build": {
        const redaction = new erasekit.RedactRequest(c.input);
        const req = redaction.toHttp({
          credentials: credentials(erasekit, credsSpec, keys),
          baseUrl: c.base_url,
        });
        if (!(req.body instanceof Uint8Array)) throw new Error("body is not a Uint8Array");
        const bodyJson = JSON.parse(new TextDecoder().decode(req.body));
        return {
          request: { method: req.method, url: req.url, headers: req.headers, body_json: bodyJson },
        };
      }
      case "interpret":
        return { outcome: new erasekit.RedactRequest(c.input).interpret(response(c.response), c.now) };
      case "jwt": {
        const token = credentials(erasekit, credsSpec, keys).jwt(c.now, hexBytes(c.entropy_hex));
        const [header, claims] = token.split(".");
        return { header: base64UrlJson(header), claims: base64UrlJson(claims), token };
      }
      case "credentials":
        return { credentials: credentials(erasekit, credsSpec, keys).toString() };
      default:
        throw new Error(`unknown kind ${c.kind}`);
    }
  } catch (err) {
    if (!(err instanceof Error) || err.name !== "ErasekitError") throw err;
    return { error: err.code };
  }
}
