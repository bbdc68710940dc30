// The browser entry: `await init()` loads the wasm before anything else is used.
import wasmInit, { initSync as wasmInitSync, userAgent, version } from "../pkg/web/erasekit_js.js";
import * as native from "../pkg/web/erasekit_js.js";
import { defineCapture } from "./capture.mjs";
import { defineLedger } from "./ledger.mjs";
import { bindJob } from "./job.mjs";
import { bindRedact } from "./transport.mjs";

bindJob(native);
export { planErasure, resumeJob } from "./job.mjs";
import { ErasekitError } from "./error.mjs";
export { ErasekitError };

export {
  Credentials,
  Deadline,
  ErasureJob,
  ErasurePlan,
  receiptPublicKey,
  verifyReceipt,
  RedactRequest,
  errorCodes,
  userAgent,
  version,
  captureSource,
  captureSources,
  phone,
} from "../pkg/web/erasekit_js.js";

/** Redacts one transaction: the wasm's `redact` over the honest transport (js/transport.mjs). */
export const redact = bindRedact(native);

/** `capture.smsSend(payload, { at })`, ...: one function per capture source of the core. */
export const capture = defineCapture(native);

/** The ledger; browsers have `Ledger.memory()` and `Ledger.fromExport(json)` only. */
export const Ledger = defineLedger(native);

/** `erasekit/<version>`; set once `init()` (or `initSync()`) has run. */
export let USER_AGENT;
/** The erasekit version; set once `init()` (or `initSync()`) has run. */
export let VERSION;

function loaded() {
  // Every error of the wasm is an `ErasekitError`.
  native.__setErrorClass(ErasekitError);
  USER_AGENT = userAgent();
  VERSION = version();
}

/**
 * Loads the wasm. `input` is where `erasekit_js_bg.wasm` is (a URL, a `Response`, its bytes or
 * a compiled `WebAssembly.Module`); by default it is fetched next to this package's glue.
 */
export async function init(input) {
  await wasmInit(input === undefined ? undefined : { module_or_path: input });
  loaded();
}

/** Loads the wasm synchronously from its bytes or a compiled `WebAssembly.Module`. */
export function initSync(module) {
  wasmInitSync({ module });
  loaded();
}

export default init;
