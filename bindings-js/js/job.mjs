// The erasure driver: `job.run(...)` over the sans-IO ErasureJob, plus `planErasure` and
// `resumeJob` for ledgers. Environment-free (Node 20 and browsers): the package entries hand
// their wasm module to `bindJob(native)`, which installs `ErasureJob.prototype.run`.
//
// The driver translates and never decides: it sends the calls the job hands out with the
// host's `fetch`, reports each answer or transport failure back, sleeps until `pollTimeout`,
// and checkpoints snapshots. Retries, backoff, rate and the meaning of every status are the
// core's.

import { bindCalls } from "./job_calls.mjs";
import { abortedPromise, describeFailure, readBody, statusOf } from "./transport.mjs";

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
  "leaseMs",
]);

/** A ledger's lease and receipt key for the driver (`js/ledger.mjs` defines it). */
const RUN = Symbol.for("erasekit.Ledger.run");
/** How long a run's lease on its job lasts between renewals, unless `leaseMs` says. */
const DEFAULT_LEASE_MS = 60_000;

/** 16 random bytes as hex: this run's name on its job's lease. */
function randomOwner() {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The response as the core reads it: status, headers (lower-case names) and body bytes (at
 * most `maxBody`, else a `TransportFailure`). From a fetch `Headers`, only the headers the
 * core reads are looked up (`names`); other header containers are copied whole. A response
 * without a body stream (a 204) is not read.
 */
async function readResponse(response, names, maxBody, url) {
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
  const body = await readBody(response, maxBody, url);
  return { status: statusOf(response), headers, body };
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
    leaseMs = DEFAULT_LEASE_MS,
  } = options;
  const mod = await loaded();
  if (typeof send !== "function") throw invalidArgument("fetch", "expected a function (and globalThis.fetch is not one either)");
  if (onProgress !== undefined && typeof onProgress !== "function") throw invalidArgument("onProgress", "expected a function");
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw invalidArgument("checkpointEvery", "expected a whole number of answers, at least 1");
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw invalidArgument("timeoutMs", "expected a positive number of milliseconds");
  if (ledger !== undefined && (typeof ledger?.loadJob !== "function" || typeof ledger?.[RUN] !== "object")) {
    throw invalidArgument("ledger", "expected an erasekit Ledger");
  }
  // With a ledger, receipts are signed with the ledger's own receipt key: `forget` accepts no
  // other. Checked before anything is sent.
  const run = ledger?.[RUN];
  let key = signingKey;
  if (run !== undefined) {
    if (signingKey !== undefined && mod.receiptPublicKey(signingKey) !== mod.receiptPublicKey(run.receiptKey)) {
      throw invalidArgument(
        "signingKey",
        "a run with a ledger signs with the ledger's own receipt key (ledger.receiptPublicKey()); leave signingKey out",
      );
    }
    key = run.receiptKey;
  }
  mod.receiptPublicKey(key); // checks the key before anything is sent
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
      const controller = new AbortController();
      // Raced with each call of the cohort: a fetch (or body) that ignores the signal still
      // ends at the deadline.
      const stopped = abortedPromise(controller.signal);
      current = { controller, stopped, opened: now, deadline: 0, live: 0, timedOut: false };
      cohorts.push(current);
    }
    current.deadline = now + timeoutMs;
    current.live += 1;
    inFlight += 1;
    armDeadline();
    return current;
  };
  const headerNames = mod.__responseHeaders();
  const maxBody = mod.__maxResponseBody();
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
    const { method, url, headers, body } = call.request;
    try {
      // Redirects are never followed: the core reads a 3xx (or a browser's opaque redirect,
      // status 0) as malformed.
      const init = { method, headers, redirect: "manual", signal: cohort.controller.signal };
      if (body.length > 0) init.body = body;
      const exchange = async () => readResponse(await send(url, init), headerNames, maxBody, url);
      answer = await Promise.race([exchange(), cohort.stopped]);
    } catch (err) {
      failed = { message: describeFailure(err, url, timeoutMs, cohort.timedOut) };
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

  // The run's lease on its job row: claimed at the start, renewed with each checkpoint and
  // every third of `leaseMs` (also while the job waits), released as "stopped" on the way out.
  // The core decides what each step writes and that no row means subject_busy / lease_lost.
  let lease = null;
  let renewAt = null;
  const hold = (times) => {
    renewAt = times.renew_at;
    job.holdUntil(times.hold_until);
  };
  const claim = async () => {
    if (run === undefined) return;
    const owner = randomOwner();
    const existing = (await ledger.loadJob(jobId)) !== null;
    const times = await run.claim(jobId, subject, job.snapshot(), owner, existing, leaseMs);
    lease = { job_id: jobId, owner, attempt: times.attempt };
    hold(times);
  };
  const save = async () => {
    if (lease === null) return;
    hold(await run.renew(lease, "running", job.snapshot(), leaseMs));
  };

  const stop = async () => {
    stopping = true;
    for (const cohort of cohorts) cohort.controller.abort();
    cohorts.length = 0;
    current = null;
    const snapshot = job.snapshot();
    if (lease !== null) await run.renew(lease, "stopped", snapshot, leaseMs);
    return snapshot;
  };

  const onAbort = () => wakeUp();
  signal?.addEventListener("abort", onAbort);
  try {
    await claim();
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
      if (renewAt !== null && Date.now() >= renewAt) await save();
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
        await save();
        continue;
      }
      const now = Date.now();
      const due = job.pollTimeout(now);
      // Wake up for the next renewal too: a job waiting an hour still holds its lease.
      const at = renewAt === null ? due : due === null ? renewAt : Math.min(due, renewAt);
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
        if (due === null && inFlight === 0) {
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
  const receipt = job.receipt(key);
  if (lease !== null) {
    // One transaction: the receipt is stored and exactly what it settles forgotten; failed
    // entries and ids recorded while the job ran stay (`remaining`).
    const { tombstone, remaining } = await run.finish(lease, subject, receipt);
    onProgress?.({ event: "ledger_finished", receipt_id: jobId, remaining, forgotten: tombstone !== null });
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
