// The Node entry, ES module: the CommonJS entry re-exported, so both share one wasm instance.
import native from "./node.cjs";

export const {
  Credentials,
  Deadline,
  ErasekitError,
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
  USER_AGENT,
  VERSION,
  init,
  initSync,
} = native;

export default init;
