// The one driver of every job (the core's job protocol, core/src/job/protocol.rs): it sends
// the calls the job hands out with the host's `fetch`, reports each answer or transport
// failure back, forwards events, sleeps until the job's next wake-up, checkpoints into the
// ledger when the job says so, and at the end hands the receipt to the ledger. Retries,
// backoff, rate, the meaning of every status, the cadence of checkpoints, when a run is stalled
// and what the end of a run forgets are the core's. Environment-free (Node 20 and browsers).

import { abortedPromise, describeFailure, readBody, statusOf } from "./transport.mjs";

/** A ledger's side of a run (`js/ledger.mjs`): lease claim, renewal and the end of the run. */
const RUN = Symbol.for("erasekit.Ledger.run");

const RUN_KEYS = ["credentials", "fetch", "baseUrl", "signal", "onProgress", "ledger", "signingKey", "timeoutMs", "leaseMs"];

/** 16 random bytes as hex: this run's name on its job's lease. */
function randomOwner() {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The response as the core reads it: status, the headers the core reads (lower-case) and the
 * body bytes (at most `maxBody`, else a `TransportFailure`).
 */
async function readResponse(response, names, maxBody, url) {
  const headers = {};
  const source = response.headers ?? {};
  const lookup =
    typeof source.get === "function"
      ? (name) => source.get(name)
      : (name) => Object.entries(source).find(([key]) => key.toLowerCase() === name)?.[1];
  for (const name of names) {
    const value = lookup(name);
    if (value !== null && value !== undefined) headers[name] = String(value);
  }
  const body = await readBody(response, maxBody, url);
  return { status: statusOf(response), headers, body };
}

/**
 * Runs `job` to the end (see `RunOptions` in erasure_types.rs). `bound` is the ledger the job
 * was resumed from, if any. Resolves to the signed receipt.
 */
export async function run(native, job, options, bound) {
  const invalid = (field, reason) => native.__invalidArgument(field, reason);
  if (options === null || typeof options !== "object") throw invalid("options", "expected an object");
  for (const key of Object.keys(options)) {
    if (!RUN_KEYS.includes(key)) throw invalid(key, `unknown option; expected one of ${RUN_KEYS.join(", ")}`);
  }
  const { fetch: send = globalThis.fetch, baseUrl, signal, onProgress, signingKey } = options;
  const { timeoutMs = 30_000, leaseMs = native.__defaultLeaseMs() } = options;
  if (typeof send !== "function") throw invalid("fetch", "expected a function (and globalThis.fetch is not one either)");
  if (onProgress !== undefined && typeof onProgress !== "function") throw invalid("onProgress", "expected a function");
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw invalid("timeoutMs", "expected a positive number of milliseconds");
  if (bound !== undefined && options.ledger !== undefined && options.ledger !== bound) {
    throw invalid("ledger", "this job was resumed from another ledger; it runs there (leave ledger out)");
  }
  const ledger = options.ledger ?? bound;
  const lessee = ledger?.[RUN];
  if (ledger !== undefined && (typeof ledger?.loadJob !== "function" || typeof lessee !== "object")) {
    throw invalid("ledger", "expected an erasekit Ledger");
  }
  // With a ledger, receipts are signed with its own receipt key: `forget` accepts no other.
  let key = signingKey;
  if (lessee !== undefined) {
    if (signingKey !== undefined && native.receiptPublicKey(signingKey) !== native.receiptPublicKey(lessee.receiptKey)) {
      throw invalid("signingKey", "a run with a ledger signs with the ledger's own receipt key (ledger.receiptPublicKey()); leave signingKey out");
    }
    key = lessee.receiptKey;
  }
  native.receiptPublicKey(key); // checks the key before anything is sent
  // Validated once: a plain object becomes a Credentials for the whole run.
  const given = options.credentials instanceof native.Credentials;
  const credentials = given ? options.credentials : new native.Credentials(options.credentials);
  const auth = baseUrl === undefined ? { credentials } : { credentials, baseUrl };
  const { jobId, subject } = job;
  const names = native.__responseHeaders();
  const maxBody = native.__maxResponseBody();

  // The calls sent in one turn of the loop share an AbortController and its timer: they
  // left together, so each still gets exactly `timeoutMs`, and making one per call costs
  // more than the rest of a call in Node.
  const batches = new Set(); // with calls out
  let calls = 0; // out
  let wake = null; // resolves the main loop's sleep
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let stopping = false;
  let failure = null; // thrown by a callback or the job: stops the run

  const newBatch = () => {
    const controller = new AbortController();
    const batch = { controller, stopped: abortedPromise(controller.signal), timedOut: false, live: 0 };
    batch.timer = setTimeout(() => {
      batch.timedOut = true;
      controller.abort();
    }, timeoutMs);
    batches.add(batch);
    return batch;
  };

  const dispatch = async (call, batch) => {
    batch.live += 1;
    calls += 1;
    const { method, url, headers, body } = call.request;
    let answer;
    let failed;
    try {
      // Redirects are never followed: the core reads a 3xx (or a browser's opaque redirect,
      // status 0) as malformed. The race ends a fetch that ignores the signal.
      const init = { method, headers, redirect: "manual", signal: batch.controller.signal };
      if (body.length > 0) init.body = body;
      const exchange = async () => readResponse(await send(url, init), names, maxBody, url);
      answer = await Promise.race([exchange(), batch.stopped]);
    } catch (err) {
      failed = { other: { message: describeFailure(err, url, timeoutMs, batch.timedOut) } };
    } finally {
      calls -= 1;
      if (--batch.live === 0) {
        clearTimeout(batch.timer);
        batches.delete(batch);
      }
    }
    // Stopped: the call stays in flight in the job, and its snapshot sends it again.
    if (stopping) return;
    try {
      if (failed === undefined) job.handleResponse(call.call_id, answer, Date.now());
      else job.handleFailure(call.call_id, failed, Date.now());
    } catch (err) {
      failure ??= err;
    }
    wakeUp();
  };

  // The run's lease on its job row: claimed at the start, renewed with each checkpoint and
  // when the lease says (also while the job sleeps), released as "stopped" on the way out.
  let lease = null;
  let renewAt = null;
  const hold = (times) => {
    renewAt = times.renew_at;
    job.holdUntil(times.hold_until);
  };
  const save = async (snapshot) => {
    if (lease !== null) hold(await lessee.renew(lease, "running", snapshot, leaseMs));
  };
  const stop = async () => {
    stopping = true;
    for (const batch of batches) {
      clearTimeout(batch.timer);
      batch.controller.abort();
    }
    const snapshot = job.snapshot();
    if (lease !== null) await lessee.renew(lease, "stopped", snapshot, leaseMs);
    return snapshot;
  };

  const onAbort = () => wakeUp();
  signal?.addEventListener("abort", onAbort);
  try {
    if (lessee !== undefined) {
      const owner = randomOwner();
      const existing = (await ledger.loadJob(jobId)) !== null;
      const times = await lessee.claim(jobId, subject, job.snapshot(), owner, existing, leaseMs);
      lease = { job_id: jobId, owner, attempt: times.attempt };
      hold(times);
    }
    for (;;) {
      if (signal?.aborted) {
        const snapshot = await stop();
        throw Object.assign(job.__aborted(), { snapshot, jobId, cause: signal.reason });
      }
      if (failure !== null) throw failure;
      if (renewAt !== null && Date.now() >= renewAt) await save(job.snapshot());
      // The clock is read for every call: handing one to `fetch` can take a while.
      let batch = null;
      for (let call = job.pollRequest(Date.now(), auth); call !== null; call = job.pollRequest(Date.now(), auth)) {
        dispatch(call, (batch ??= newBatch()));
      }
      if (onProgress !== undefined) for (const event of job.pollEvents()) onProgress(event);
      else job.pollEvents();
      if (job.isFinished()) break;
      if (lease !== null && job.checkpointDue()) {
        await save(job.checkpoint());
        continue;
      }
      const now = Date.now();
      job.checkIdle(now, calls); // job_waiting, job_stalled: the run stops
      const due = job.pollTimeout(now);
      // Wake up for the next renewal too: a job waiting an hour still holds its lease.
      const at = renewAt === null ? due : due === null ? renewAt : Math.min(due, renewAt);
      await new Promise((resolve) => {
        let timer;
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        // Aborted (or failed) during this turn: nothing is left to wake the loop.
        if (signal?.aborted || failure !== null) return wakeUp();
        if (at !== null) timer = setTimeout(wakeUp, Math.max(0, at - now));
      });
    }
  } catch (err) {
    if (!stopping) {
      try {
        const snapshot = await stop();
        if (err instanceof Error && err.snapshot === undefined) Object.assign(err, { snapshot, jobId });
      } catch {
        // the original error is the one to report
      }
    }
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!given) credentials.free();
  }
  const receipt = job.receipt(key);
  if (lease !== null) {
    // One transaction: the receipt is stored and exactly what it settles forgotten (the
    // core decides); failed entries and ids recorded while the job ran stay (`remaining`).
    const { tombstone, remaining } = await lessee.finish(lease, subject, receipt);
    onProgress?.({ event: "ledger_finished", receipt_id: jobId, remaining, forgotten: tombstone !== null });
  }
  return receipt;
}
