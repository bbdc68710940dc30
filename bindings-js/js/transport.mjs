// Honest transport: how every call erasekit sends from JS (`job.run()` and one-shot `redact()`)
// goes over the host's `fetch`, environment-free (Node 20 and browsers).
//
// - Redirects are never followed (`redirect: "manual"`): a 3xx reaches the core as it is (and
//   a browser's `opaqueredirect`, status 0, too), which reads it as malformed. A followed
//   redirect would let another origin's "200 OK" page pass for Vonage's answer.
// - A call has one total deadline, connect to last body byte: the abort signal covers the body
//   read, and the wait is raced against it, so a `fetch` that ignores the signal or a server
//   dripping one byte at a time cannot hold a call past it.
// - A body is read up to the core's limit (`MAX_PROBLEM_BODY`); a longer one is not read
//   further and the call fails as a transport failure that says so.
// - A failure names the host and the cause (`ECONNREFUSED`, ...), never only `fetch failed`.

/** An empty body, shared (never written to). */
export const EMPTY = new Uint8Array(0);

/** `host:port` of a URL, for messages; the text itself when it does not parse. */
export function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return String(url);
  }
}

/** A transport failure: `message` says what and where, `cause` is what the host threw. */
export class TransportFailure extends Error {
  constructor(message, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "TransportFailure";
  }
}

/** Marks failures the one-shot `redact()` of the wasm passes on with their own message. */
Object.defineProperty(TransportFailure.prototype, "erasekitTransport", { value: true });

/** The cause `fetch` gives for a network error: undici puts it under `cause` (with `code`). */
function networkCause(err) {
  const cause = err?.cause;
  if (cause === undefined || cause === null) return String(err?.message ?? err);
  // Happy eyeballs: an AggregateError of one error per address.
  const first = Array.isArray(cause.errors) && cause.errors.length > 0 ? cause.errors[0] : cause;
  const message = String(first?.message ?? cause.message ?? "");
  const code = first?.code ?? cause.code;
  if (code !== undefined && !message.includes(code)) return message === "" ? String(code) : `${code}: ${message}`;
  return message === "" ? String(err?.message ?? err) : message;
}

/**
 * What went wrong with a call to `url`, as the core's reason: the cause and the host. A
 * `TransportFailure` says it already.
 */
export function describeFailure(err, url, timeoutMs, timedOut) {
  const host = hostOf(url);
  if (timedOut) return `timeout: no complete answer from ${host} within ${timeoutMs} ms`;
  if (err instanceof TransportFailure) return err.message;
  // fetch rejects with a TypeError for network errors (refused, reset, closed, DNS) in Node
  // (undici) and in browsers alike.
  if (err instanceof TypeError) return `connection failed: ${networkCause(err)} (${host})`;
  const name = err?.name && err.name !== "Error" ? `${err.name}: ` : "";
  return `${name}${String(err?.message ?? err)} (${host})`.slice(0, 200);
}

/**
 * The body bytes, at most `maxBody` of them: streamed from `response.body` when it is a
 * stream, else from `arrayBuffer()` (response-like objects). Longer: a `TransportFailure`.
 */
export async function readBody(response, maxBody, url) {
  const stream = response.body;
  if (stream === null) return EMPTY;
  const tooLarge = () => new TransportFailure(`response body from ${hostOf(url)} over ${maxBody} bytes: not read`);
  if (stream !== undefined && typeof stream?.getReader === "function") {
    const reader = stream.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBody) {
        reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    if (chunks.length === 0) return EMPTY;
    if (chunks.length === 1) return chunks[0];
    const body = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.byteLength;
    }
    return body;
  }
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.byteLength > maxBody) throw tooLarge();
  return body;
}

/**
 * The status to hand the core: the response's, or 0 for a browser's `opaqueredirect` (a
 * redirect not followed), which the core reads as malformed like any 3xx.
 */
export function statusOf(response) {
  return response.type === "opaqueredirect" ? 0 : response.status;
}

/** A promise that rejects when `signal` aborts (handled, so it never goes unobserved). */
export function abortedPromise(signal) {
  const promise = new Promise((_, reject) => {
    const fire = () => reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    if (signal.aborted) fire();
    else signal.addEventListener("abort", fire, { once: true });
  });
  promise.catch(() => {});
  return promise;
}

/**
 * The `fetch` one-shot `redact()` sends with: `send` with `redirect: "manual"`, one total
 * deadline of `timeoutMs` (and the caller's `signal`) over the call and its body, the body
 * read to `maxBody`. Resolves to `{ status, headers, arrayBuffer() }`; rejects with a
 * `TransportFailure` naming the host and the cause (the original error as its `cause`).
 */
export function honestFetch(send, { timeoutMs, signal, maxBody }) {
  return async (url, init) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    const onAbort = () => controller.abort(signal.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener?.("abort", onAbort, { once: true });
    try {
      const call = async () => {
        const response = await send(url, { ...init, redirect: "manual", signal: controller.signal });
        if (response === null || typeof response !== "object") {
          throw new TransportFailure(`fetch did not resolve to a Response (${hostOf(url)})`, new TypeError("fetch did not resolve to a Response"));
        }
        const body = await readBody(response, maxBody, url);
        return { status: statusOf(response), headers: response.headers, arrayBuffer: async () => body };
      };
      return await Promise.race([call(), abortedPromise(controller.signal)]);
    } catch (err) {
      if (err instanceof TransportFailure) throw err;
      // The caller's own abort stays what it was (an AbortError) for them to recognise.
      if (!timedOut && signal?.aborted) throw new TransportFailure(`aborted (${hostOf(url)})`, err);
      throw new TransportFailure(describeFailure(err, url, timeoutMs, timedOut), err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener?.("abort", onAbort);
    }
  };
}

/**
 * The package's `redact(input, options)`: the wasm's `redact` (which builds the request and
 * reads the answer in the core) over `honestFetch`. `options.timeoutMs` (default 30 s) is the
 * call's total deadline; the other options are the wasm's to check.
 */
export function bindRedact(native) {
  return async function redact(input, options) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) return native.redact(input, options);
    const { timeoutMs = 30_000, ...rest } = options;
    if (!(typeof timeoutMs === "number" && Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw native.__invalidArgument("timeoutMs", "expected a positive number of milliseconds");
    }
    const send = rest.fetch ?? globalThis.fetch;
    // Not a function: the wasm says so, naming `fetch`.
    if (typeof send !== "function") return native.redact(input, rest);
    const maxBody = native.__maxResponseBody();
    return native.redact(input, { ...rest, fetch: honestFetch(send, { timeoutMs, signal: rest.signal, maxBody }) });
  };
}
