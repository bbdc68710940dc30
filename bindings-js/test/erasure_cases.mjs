// One case of tests/vectors/erasure.json run through the package's sans-IO ErasureJob, with
// the same host loop as core/tests/erasure_vectors.rs: virtual time, scripted answers per
// target, the same credentials, subject, subject key and signing key. Environment-free: the
// Node tests and the Chromium page both import it.

/** The subject key of the vectors: the bytes of "0123456789abcdef". */
export const SUBJECT_KEY = new TextEncoder().encode("0123456789abcdef");
/** The receipt signing key of the vectors: 32 bytes of 0x01. */
export const SIGNING_KEY = new Uint8Array(32).fill(1);

/** The credentials of the vectors; `pem` is tests/vectors/keys/app_private.pem. */
export function vectorCredentials(erasekit, pem) {
  return new erasekit.Credentials({
    apiKey: "abcd1234",
    apiSecret: "s3cr3t-value",
    applicationId: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
    privateKey: pem,
  });
}

const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const camelKeys = (object) => Object.fromEntries(Object.entries(object).map(([k, v]) => [camel(k), v]));

/** A scripted answer: a transport failure, or `{ status, headers, body }` as the Rust test builds it. */
function scripted(step) {
  if (step.failure !== undefined) return { failure: step.failure };
  const headers = {};
  if (typeof step.retry_after === "string") headers["retry-after"] = step.retry_after;
  let body = "";
  if (typeof step.body === "string") {
    body = step.body;
  } else if (typeof step.problem === "string") {
    const [api, code] = step.problem.includes("#") ? step.problem.split("#") : [null, step.problem];
    const type = api === null
      ? `https://developer.nexmo.com/api-errors#${code}`
      : `https://developer.nexmo.com/api-errors/${api}#${code}`;
    body = JSON.stringify({ type, title: step.problem, detail: "scripted", instance: "trace-1" });
  }
  return { response: { status: step.status, headers, body: new TextEncoder().encode(body) } };
}

/** The `op` of a target-check call (2^32 - 1). */
const TARGET_CHECK_OP = 4294967295;

/** The answer to an unscripted call: 204, or for a target check the documented not-found. */
function defaultStep(target, url) {
  if (target !== "@target_check") return { status: 204 };
  return url.endsWith("/redact/transaction") ? { status: 404, problem: "invalid-id" } : { status: 404, problem: "not-found" };
}

/** The ledger entries of a case: its captures, read by the core's capture. */
export function entriesOf(erasekit, c) {
  return c.captures.flatMap((cap) =>
    erasekit.captureSource(cap.source, cap.payload, cap.at === undefined ? undefined : { at: cap.at }),
  );
}

/** The plan of a case from its ledger entries (what the captures give). */
export function planOf(erasekit, c, entries) {
  return new erasekit.ErasurePlan({
    subject: "subject-1",
    subjectKey: SUBJECT_KEY,
    entries,
    now: c.now,
    ...camelKeys(c.options),
  });
}

/**
 * Runs one case; returns what the Rust test compares with `expect` (`sends`, `states`,
 * `counts`) and the signed receipt. `restoreEvery`, when set, snapshots the job and continues
 * from `ErasureJob.restore` every that many loop turns (the result must not change).
 */
export function runErasureCase(erasekit, c, entries, credentials, { restoreEvery = 0 } = {}) {
  const now0 = c.now;
  const plan = planOf(erasekit, c, entries);
  const targets = plan.operations.map((o) => o.target);
  let job = new erasekit.ErasureJob(plan, camelKeys(c.config));
  plan.free();
  const auth = { credentials };
  const attempts = new Map();
  const sends = [];
  let now = now0;
  let turns = 0;
  while (!job.isFinished()) {
    for (let call = job.pollRequest(now, auth); call !== null; call = job.pollRequest(now, auth)) {
      // Target checks are scripted under "@target_check" (all groups share the list).
      const target = call.op === TARGET_CHECK_OP ? "@target_check" : targets[call.op];
      sends.push([now - now0, call.op, call.request.method, call.request.url]);
      const n = attempts.get(target) ?? 0;
      const step = c.script[target]?.[n] ?? defaultStep(target, call.request.url);
      attempts.set(target, n + 1);
      const answer = scripted(step);
      if (answer.failure !== undefined) job.handleFailure(call.call_id, answer.failure, now);
      else job.handleResponse(call.call_id, answer.response, now);
    }
    while (job.pollEvent() !== null);
    if (job.isFinished()) break;
    const next = job.pollTimeout(now);
    if (next === null) throw new Error("waiting on nothing");
    now = next;
    turns += 1;
    if (restoreEvery > 0 && turns % restoreEvery === 0) {
      const snapshot = job.snapshot();
      job.free();
      job = erasekit.ErasureJob.restore(snapshot);
    }
  }
  const receipt = job.receipt(SIGNING_KEY);
  const counts = job.counts();
  job.free();
  const states = receipt.receipt.operations.map((o) => [o.target, o.state, o.attempts, o.status]);
  const checks = (receipt.receipt.target_checks ?? []).map((t) => [t.group, t.result, t.status]);
  return { result: { sends, states, counts, checks, complete: receipt.receipt.complete }, receipt };
}
