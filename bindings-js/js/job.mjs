// `ErasureJob.prototype.run` (the one driver, js/run.mjs), `planErasure` and `resumeJob` for
// ledgers. Environment-free: the package entries hand their wasm module to `bindJob(native)`.

import { run } from "./run.mjs";

let native = null;
let onBound;
const bound = new Promise((resolve) => {
  onBound = resolve;
});

/** The ledger each resumed job is bound to (`ledger.resume`): its run checkpoints there. */
const ledgers = new WeakMap();

/** Installs `run` on the wasm module's `ErasureJob`. */
export function bindJob(module) {
  if (native === null) {
    native = module;
    onBound(module);
  }
  module.ErasureJob.prototype.run = function runJob(options) {
    return run(module, this, options, ledgers.get(this));
  };
}

/** The wasm module, once an entry has bound it. */
async function loaded() {
  return native ?? bound;
}

/**
 * Plans the erasure of `subject` from a ledger's entries: `{ now = Date.now(), receivedAt?,
 * ...plan options }` as for `new ErasurePlan(...)`.
 */
export async function planErasure(ledger, subject, options = {}) {
  const mod = await loaded();
  if (ledger === null || typeof ledger !== "object" || typeof ledger.entries !== "function") {
    throw mod.__invalidArgument("ledger", "expected a ledger with entries(subject) and subjectKey");
  }
  const { now = Date.now(), ...rest } = options ?? {};
  const entries = await ledger.entries(subject);
  const key = ledger.subjectKey;
  const subjectKey = await (typeof key === "function" ? key.call(ledger) : key);
  return new mod.ErasurePlan({ ...rest, subject, subjectKey, entries, now });
}

/**
 * Job `jobId` restored from its last checkpoint in `ledger`, bound to it: `job.run(...)`
 * checkpoints and finishes there. An unknown id is `job_not_found`.
 */
export async function resumeJob(ledger, jobId) {
  const mod = await loaded();
  if (ledger === null || typeof ledger !== "object" || typeof ledger.loadJob !== "function") {
    throw mod.__invalidArgument("ledger", "expected a ledger with loadJob(jobId)");
  }
  const stored = await ledger.loadJob(jobId);
  const job = mod.ErasureJob.__resume(String(jobId), stored?.snapshot ?? null);
  ledgers.set(job, ledger);
  return job;
}
