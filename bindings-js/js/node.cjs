"use strict";
// The Node entry, CommonJS. `js/node.mjs` re-exports this very module, so `require("erasekit")`
// and `import "erasekit"` share one wasm instance (and `instanceof Credentials` holds across them).
const native = require("../pkg/node/erasekit_js.js");
// The capture and ledger layers are ES modules shared with the browser entry (require(esm)).
const { defineCapture } = require("./capture.mjs");
const { defineLedger } = require("./ledger.mjs");

const { Credentials, RedactRequest, errorCodes, userAgent, version } = native;
// One-shot `redact`: the wasm's, over the honest transport (no redirects, a total deadline,
// a bounded body), shared with the browser entry (require(esm)).
const redact = require("./transport.mjs").bindRedact(native);
const { captureSource, captureSources, phone } = native;

/** `capture.smsSend(payload, { at })`, ...: one function per capture source of the core. */
const capture = defineCapture(native);

/** The ledger; its SQL drivers (better-sqlite3, pg) are loaded on first use. */
const Ledger = defineLedger(native, {
  sqlite: async (path, options) =>
    (await import("./ledger_sqlite.mjs")).openSqlite(path, options, native.__ledgerNotFound),
  postgres: async (poolOrUrl) => (await import("./ledger_postgres.mjs")).openPostgres(poolOrUrl),
});
const { Deadline, ErasureJob, ErasurePlan, receiptPublicKey, verifyReceipt } = native;

// `job.run(...)`, `planErasure` and `resumeJob`: the ES module js/job.mjs, shared with the
// browser entry (require(esm)); `bindJob` installs `run` on this wasm instance's ErasureJob.
const { bindJob, planErasure, resumeJob } = require("./job.mjs");
bindJob(native);
// Every error of this wasm instance is an `ErasekitError`.
const { ErasekitError } = require("./error.mjs");
native.__setErrorClass(ErasekitError);

// Node's `util.inspect` (console.log) shows the same secret-free text as `toString()`.
Object.defineProperty(Credentials.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value() {
    return this.toString();
  },
});

/** Node loads the wasm on `require`; `init()` exists so the same code runs in browsers. */
async function init() {}

/** Node loads the wasm on `require`; `initSync()` exists so the same code runs in browsers. */
function initSync() {}

module.exports = {
  Credentials,
  ErasekitError,
  Deadline,
  ErasureJob,
  ErasurePlan,
  planErasure,
  receiptPublicKey,
  resumeJob,
  verifyReceipt,
  RedactRequest,
  errorCodes,
  redact,
  userAgent,
  version,
  Ledger,
  capture,
  captureSource,
  captureSources,
  phone,
  USER_AGENT: userAgent(),
  VERSION: version(),
  init,
  initSync,
  default: init,
};
