"use strict";
// The Node entry, CommonJS. `js/node.mjs` re-exports this very module, so `require("erasekit")`
// and `import "erasekit"` share one wasm instance (and `instanceof Credentials` holds across them).
const native = require("../pkg/node/erasekit_js.js");

const { Credentials, RedactRequest, errorCodes, redact, userAgent, version } = native;

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
  RedactRequest,
  errorCodes,
  redact,
  userAgent,
  version,
  USER_AGENT: userAgent(),
  VERSION: version(),
  init,
  initSync,
  default: init,
};
