// The erasure driver: `job.run(...)` over the sans-IO ErasureJob, plus `planErasure` and
// `resumeJob` for ledgers. Environment-free (Node 20 and browsers): the package entries hand
// their wasm module to `bindJob(native)`, which installs `ErasureJob.prototype.run`.
//
// The driver translates and never decides: it sends the calls the job hands out with the
// host's `fetch`, reports each answer or transport failure back, sleeps until `pollTimeout`,
// and checkpoints snapshots. Retries, backoff, rate and the meaning of every status are the
// core's.

import { bindCalls, EMPTY } from "./job_calls.mjs";

let native = null;
let onBound;
const bound = new Promise((resolve) => {
  onBound = resolve;
});

/**
 * Installs `run` and the hot path (`job_calls.mjs`) on the wasm module's `ErasureJob`; the
 * entries call it once, on load.
 */
export function bindJob(module) {
  if (native === null) {
    native = module;
    onBound(module);
  }
  bindCalls(module.ErasureJob);
  module.ErasureJob.prototype.run = function run(options) {
    return runJob(this, options);
  };
}

/** The wasm module, once an entry has bound it. */
async function loaded() {
  return native ?? bound;
}

/** An Error with `code` (and more fields), as the wasm side throws them. */
function codedError(message, code, fields = {}) {
  const err = new Error(message);
  err.name = "ErasekitError";
  return Object.assign(err, { code }, fields);
}

function invalidArgument(field, reason) {
  return codedError(`invalid argument ${field}: ${reason}`, "invalid_argument", {
    family: "input",
    details: { code: "invalid_argument", field, reason },
  });
}

const RUN_KEYS = new Set([
  "credentials",
  "fetch",
  "baseUrl",
  "signal",
  "onProgress",
  "ledger",
  "checkpointEvery",
  "signingKey",
  "timeoutMs",
]);

/**
 * The response as the core reads it: status, headers (lower-case names) and body bytes. From
 * a fetch `Headers`, only the headers the core reads are looked up (`names`); other header
 * containers are copied whole. A response without a body stream (a 204) is not read.
 */
async function readResponse(response, names) {
  const headers = {};
  const source = response.headers;
  if (typeof Headers === "function" && source instanceof Headers) {
    for (const name of names) {
      const value = source.get(name);
      if (value !== null) headers[name] = value;
    }
  } else if (source && typeof source[Symbol.iterator] === "function") {
    for (const [name, value] of source) headers[name.toLowerCase()] ??= value;
  } else if (source && typeof source === "object") {
    for (const [name, value] of Object.entries(source)) headers[name.toLowerCase()] ??= String(value);
  }
  const body = response.body === null ? EMPTY : new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers, body };
}

/** What a transport error is to the core: `"timeout"`, `"connection"` or `{ message }`. */
function failureOf(err, timedOut) {
  if (timedOut) return "timeout";
  // fetch rejects with a TypeError for network errors (refused, reset, closed, DNS) in Node
  // (undici) and in browsers alike.
  if (err instanceof TypeError) return "connection";
  return { message: String(err?.message ?? err).slice(0, 200) };
}

/**
 * Runs `job` to the end. See `ErasureJob.run` in index.d.ts for the options.
 * @returns {Promise<object>} the signed receipt
 */
export async function runJob(job, options) {
  if (options === null || typeof options !== "object") throw invalidArgument("options", "expected an object");
  for (const key of Object.keys(options)) {
    if (!RUN_KEYS.has(key)) throw invalidArgument(key, `unknown option; expected one of ${[...RUN_KEYS].join(", ")}`);
  }
  const {
    fetch: send = globalThis.fetch,
    baseUrl,
    signal,
    onProgress,
    ledger,
    checkpointEvery = 100,
    signingKey,
    timeoutMs = 30_000,
  } = options;
  const mod = await loaded();
  if (typeof send !== "function") throw invalidArgument("fetch", "expected a function (and globalThis.fetch is not one either)");
  if (onProgress !== undefined && typeof onProgress !== "function") throw invalidArgument("onProgress", "expected a function");
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw invalidArgument("checkpointEvery", "expected a whole number of answers, at least 1");
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw invalidArgument("timeoutMs", "expected a positive number of milliseconds");
  if (ledger !== undefined && (typeof ledger?.saveJob !== "function" || typeof ledger?.forget !== "function")) {
    throw invalidArgument("ledger", "expected an object with saveJob() and forget()");
  }
  mod.receiptPublicKey(signingKey); // checks the key before anything is sent
  // Validated once: a plain object becomes a Credentials for the whole run.
  const given = options.credentials instanceof mod.Credentials;
  const credentials = given ? options.credentials : new mod.Credentials(options.credentials);
  const auth = baseUrl === undefined ? { credentials } : { credentials, baseUrl };
  const jobId = job.jobId;
  const subject = job.subject;

  // Calls share an AbortController with the others sent within a few milliseconds (a
  // "cohort"): making one costs several microseconds in Node, more than the rest of a call.
  // A cohort is aborted once its last-joined call has had `timeoutMs`, so every call gets at
  // least its timeout and at most a slice more. One timer watches the oldest live cohort.
  const slice = Math.min(10, timeoutMs / 10);
  const cohorts = []; // oldest first
  let current = null; // the cohort new calls join
  let inFlight = 0;
  let deadlineTimer = null;
  const armDeadline = () => {
    if (deadlineTimer !== null) return;
    const oldest = cohorts.find((cohort) => cohort.live > 0);
    if (oldest !== undefined) deadlineTimer = setTimeout(onDeadline, Math.max(0, oldest.deadline - Date.now()));
  };
  const onDeadline = () => {
    deadlineTimer = null;
    const now = Date.now();
    while (cohorts.length > 0 && (cohorts[0].live === 0 || cohorts[0].deadline <= now)) {
      const cohort = cohorts.shift();
      if (cohort === current) current = null;
      if (cohort.live > 0) {
        cohort.timedOut = true;
        cohort.controller.abort();
      }
    }
    armDeadline();
  };
  const join = () => {
    const now = Date.now();
    if (current === null || now - current.opened > slice) {
      current = { controller: new AbortController(), opened: now, deadline: 0, live: 0, timedOut: false };
      cohorts.push(current);
    }
    current.deadline = now + timeoutMs;
    current.live += 1;
    inFlight += 1;
    armDeadline();
    return current;
  };
  const headerNames = mod.__responseHeaders();
  let wake = null; // resolves the main loop's wait
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let stopping = false;
  let failure = null; // an error thrown by a callback or the job: stops the run
  let answered = 0;
  let checkpointed = 0;

  const drainEvents = () => {
    const events = job.pollEvents();
    if (onProgress !== undefined) for (const event of events) onProgress(event);
  };

  const dispatch = async (call) => {
    const cohort = join();
    let answer;
    let failed;
    try {
      const { method, url, headers, body } = call.request;
      const init = { method, headers, signal: cohort.controller.signal };
      if (body.length > 0) init.body = body;
      answer = await readResponse(await send(url, init), headerNames);
    } catch (err) {
      failed = failureOf(err, cohort.timedOut);
    } finally {
      cohort.live -= 1;
      inFlight -= 1;
    }
    // Stopped: the call stays in flight in the job, and its snapshot sends it again.
    if (stopping) return;
    try {
      if (failed === undefined) job.handleResponse(call.call_id, answer, Date.now());
      else job.handleFailure(call.call_id, failed, Date.now());
      answered += 1;
    } catch (err) {
      failure ??= err;
    }
    wakeUp();
  };

  const save = async (state) => {
    if (ledger === undefined) return;
    await ledger.saveJob(jobId, subject, state, job.snapshot());
  };

  const stop = async () => {
    stopping = true;
    for (const cohort of cohorts) cohort.controller.abort();
    cohorts.length = 0;
    current = null;
    const snapshot = job.snapshot();
    if (ledger !== undefined) await ledger.saveJob(jobId, subject, "stopped", snapshot);
    return snapshot;
  };

  const onAbort = () => wakeUp();
  signal?.addEventListener("abort", onAbort);
  try {
    if (!job.isFinished()) await save("running");
    while (true) {
      if (signal?.aborted) {
        const snapshot = await stop();
        throw codedError(`erasure job ${jobId} aborted; its snapshot continues it`, "aborted", {
          name: "AbortError",
          snapshot,
          jobId,
          cause: signal.reason,
        });
      }
      if (failure !== null) {
        await stop();
        throw failure;
      }
      // The clock is read again for every call: handing a call to `fetch` can take a while
      // (the first one loads Node's HTTP client), and the job must know when each one left.
      for (let call = job.pollRequest(Date.now(), auth); call !== null; call = job.pollRequest(Date.now(), auth)) {
        dispatch(call);
      }
      drainEvents();
      if (job.isFinished()) break;
      // `waitForPremature: false`: the core says when the run would wait for the one-hour
      // rule; the run then stops as an aborted one does, with a snapshot to resume from.
      try {
        job.checkWait();
      } catch (err) {
        if (err?.code !== "job_waiting") throw err;
        const snapshot = await stop();
        throw Object.assign(err, { snapshot, jobId });
      }
      if (answered - checkpointed >= checkpointEvery) {
        checkpointed = answered;
        await save("running");
        continue;
      }
      const now = Date.now();
      const at = job.pollTimeout(now);
      await new Promise((resolve) => {
        let timer;
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        // Aborted by a callback during this turn (e.g. onProgress on a `waiting` event): the
        // abort listener found nothing to wake, so do not go to sleep.
        if (signal?.aborted) return wakeUp();
        if (at !== null) timer = setTimeout(wakeUp, Math.max(0, at - now));
        else if (inFlight === 0) {
          // Nothing in flight and no timeout: the job could never move again (a job object
          // that was stopped before still counts its unanswered calls; restore its snapshot).
          failure ??= codedError(`erasure job ${jobId} waits on calls nobody sends; restore it from a snapshot`, "job_stalled");
          wakeUp();
        }
      });
    }
  } catch (err) {
    if (!stopping) {
      try {
        await stop();
      } catch {
        // the original error is the one to report
      }
    }
    throw err;
  } finally {
    clearTimeout(deadlineTimer);
    deadlineTimer = null;
    signal?.removeEventListener("abort", onAbort);
    if (!given) credentials.free();
  }
  const receipt = job.receipt(signingKey);
  if (ledger !== undefined) {
    await ledger.saveJob(jobId, subject, "finished", job.snapshot());
    // With failed operations the entries stay, so a new job can retry them (as in Python).
    if (receipt.receipt.counts.failed === 0) await ledger.forget(subject, receipt);
  }
  return receipt;
}

/** The ledger's subject key: a `Uint8Array` property, a promise of one, or a function. */
async function subjectKeyOf(ledger) {
  const key = ledger.subjectKey;
  return typeof key === "function" ? key.call(ledger) : key;
}

/**
 * Plans the erasure of `subject` from a ledger's entries: `{ now = Date.now(), receivedAt?,
 * options? }` as for `new ErasurePlan(...)`.
 */
export async function planErasure(ledger, subject, options = {}) {
  const mod = await loaded();
  if (ledger === null || typeof ledger !== "object" || typeof ledger.entries !== "function") {
    throw invalidArgument("ledger", "expected a ledger with entries(subject) and subjectKey");
  }
  const { now = Date.now(), receivedAt, options: planOptions, ...rest } = options ?? {};
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalidArgument(unknown[0], "unknown option; expected one of now, receivedAt, options");
  const entries = await ledger.entries(subject);
  const subjectKey = await subjectKeyOf(ledger);
  const input = { subject, subjectKey, entries, now };
  if (receivedAt !== undefined) input.receivedAt = receivedAt;
  if (planOptions !== undefined) input.options = planOptions;
  return new mod.ErasurePlan(input);
}

/**
 * Continues job `jobId` from its last checkpoint in the ledger and runs it to the end with
 * `runOptions` (as for `job.run`; checkpoints go to the same ledger). Resolves to the receipt.
 */
export async function resumeJob(ledger, jobId, runOptions) {
  const mod = await loaded();
  if (ledger === null || typeof ledger !== "object" || typeof ledger.loadJob !== "function") {
    throw invalidArgument("ledger", "expected a ledger with loadJob(jobId)");
  }
  const stored = await ledger.loadJob(jobId);
  if (stored === null || stored === undefined || typeof stored.snapshot !== "string") {
    throw codedError(`no job ${jobId} in the ledger`, "storage", {
      family: "storage",
      details: { code: "storage", reason: `no job ${jobId}` },
    });
  }
  const job = mod.ErasureJob.restore(stored.snapshot);
  try {
    return await runJob(job, { ...runOptions, ledger });
  } finally {
    job.free();
  }
}
