// The erasure job's hot path in JS: `pollRequest`, `handleResponse`, `pollEvent` and
// `pollEvents` over the wasm's numeric methods (bindings-js/src/job_wire.rs). The events have
// no wasm twin: they are only ever taken here (typed in erasure_types.rs).
//
// Strings, objects and calls crossing into wasm cost; numbers in memory do not. So a call's
// method, URL and headers cross once per change (a numbered "head", parsed once and copied
// for each call that has it), its operation, head number and body address are read
// from registers in wasm memory, its body is copied straight out of that memory, and
// `operation_finished` events cross as numbers. Anything unusual (a BigInt time,
// a response that is not a plain object of the usual shape) goes to the wasm's general
// methods, which name what is wrong. The values returned are the same either way.

const STATES = ["done", "not_found", "expired", "failed", "skipped"];
/** An empty body, shared (never written to). */
export const EMPTY = new Uint8Array(0);
const STATE = Symbol("erasekit.jobWire");
const BOUND = Symbol("erasekit.jobCalls");

/** The per-job cache: the options last read, the head last parsed, events not yet taken. */
function wireOf(job) {
  let wire = job[STATE];
  if (wire === undefined) {
    wire = { options: null, credentials: undefined, baseUrl: undefined, version: -1, head: null, events: [], registers: -1 };
    Object.defineProperty(job, STATE, { value: wire });
  }
  return wire;
}

/** `{ ...headers }` when every value is a string, else `undefined`; `""` for none. */
function headersText(headers) {
  if (headers === undefined || headers === null) return "";
  if (typeof headers !== "object") return undefined;
  const proto = Object.getPrototypeOf(headers);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let empty = true;
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) return undefined;
    if (typeof headers[name] !== "string") return undefined;
    empty = false;
  }
  return empty ? "" : JSON.stringify(headers);
}

/**
 * The events packed by `__wireEvents`, appended to `out` as the objects the core defines:
 * `packed` numbers at `f64[at..]`, `others` the unpacked ones (already taken, in order).
 */
function unpackEvents(f64, at, packed, others, out) {
  let next = 0;
  const end = at + packed;
  for (let i = at; i < end; ) {
    if (f64[i] === 1) {
      out.push({
        event: "operation_finished",
        op: f64[i + 1],
        state: STATES[f64[i + 2]],
        counts: {
          total: f64[i + 3],
          done: f64[i + 4],
          not_found: f64[i + 5],
          expired: f64[i + 6],
          failed: f64[i + 7],
          skipped: f64[i + 8],
          in_flight: f64[i + 9],
          retries: f64[i + 10],
          rate_limited: f64[i + 11],
        },
      });
      i += 12;
    } else {
      out.push(others[next++]);
      i += 1;
    }
  }
  return out;
}

/** Installs the hot path on a wasm module's `ErasureJob` (once per module). */
export function bindCalls(ErasureJob) {
  const proto = ErasureJob.prototype;
  if (Object.hasOwn(proto, BOUND)) return;
  const general = {
    pollRequest: proto.pollRequest,
    handleResponse: proto.handleResponse,
  };
  Object.defineProperty(proto, BOUND, { value: general });

  // Views of this module's wasm memory; a memory that grew has a new buffer (the old views
  // then read as empty) and gets new views.
  let memory = null;
  let f64 = new Float64Array(0);
  let u8 = new Uint8Array(0);
  const refresh = (job) => {
    memory ??= job.__wireMemory();
    f64 = new Float64Array(memory.buffer);
    u8 = new Uint8Array(memory.buffer);
  };

  proto.pollRequest = function pollRequest(now, options) {
    if (typeof now !== "number" || options === null || typeof options !== "object") {
      // The general method reads (and keeps) its own options: forget the ones read here.
      wireOf(this).options = null;
      return general.pollRequest.call(this, now, options);
    }
    const wire = wireOf(this);
    const { credentials, baseUrl } = options;
    if (options !== wire.options || credentials !== wire.credentials || baseUrl !== wire.baseUrl) {
      wire.options = null;
      this.__wireAuth(options);
      wire.options = options;
      wire.credentials = credentials;
      wire.baseUrl = baseUrl;
    }
    const callId = this.__wirePoll(now);
    if (callId === 0) return null;
    if (wire.registers === -1) wire.registers = this.__wireRegisters() / 8;
    if (f64.byteLength === 0) refresh(this);
    const r = wire.registers;
    const op = f64[r];
    const version = f64[r + 1];
    const start = f64[r + 2];
    const body = u8.slice(start, start + f64[r + 3]);
    if (version !== wire.version) {
      const head = JSON.parse(this.__wireHeadJson());
      wire.head = head;
      wire.version = version;
    }
    const head = wire.head;
    // Each call gets its own headers object (a shallow copy costs about 0.1 µs): a host may add
    // to one without touching the next.
    return { call_id: callId, op, request: { method: head.method, url: head.url, headers: { ...head.headers }, body } };
  };

  proto.handleResponse = function handleResponse(callId, response, now) {
    if (typeof callId === "number" && typeof now === "number" && response !== null && typeof response === "object") {
      const { status, headers, body } = response;
      if (Number.isInteger(status) && status >= 0 && status <= 65535) {
        const text = headersText(headers);
        const bytes = body === undefined || body === null ? EMPTY : body instanceof Uint8Array ? body : undefined;
        if (text !== undefined && bytes !== undefined) {
          return this.__wireHandle(callId, status, text, bytes, now);
        }
      }
    }
    return general.handleResponse.call(this, callId, response, now);
  };

  /** Takes the job's pending events into `out`. */
  const takeEvents = (job, wire, out) => {
    const packed = job.__wireEvents();
    if (packed === 0) return out;
    if (wire.registers === -1) wire.registers = job.__wireRegisters() / 8;
    if (f64.byteLength === 0) refresh(job);
    const r = wire.registers;
    // The unpacked ones first: taking them may grow the memory (and empty the views).
    const others = f64[r + 5] > 0 ? job.__wireEventsJson() : null;
    if (f64.byteLength === 0) refresh(job);
    return unpackEvents(f64, f64[r + 4] / 8, packed, others, out);
  };

  proto.pollEvents = function pollEvents() {
    const wire = wireOf(this);
    const out = wire.events.length === 0 ? [] : wire.events.splice(0);
    return takeEvents(this, wire, out);
  };

  proto.pollEvent = function pollEvent() {
    const wire = wireOf(this);
    if (wire.events.length === 0) takeEvents(this, wire, wire.events);
    return wire.events.length === 0 ? null : wire.events.shift();
  };
}
