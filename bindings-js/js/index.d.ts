// Types of every entry of the `erasekit` package (Node ESM, Node CommonJS and browsers).
export {
  Credentials,
  Deadline,
  ErasureJob,
  ErasurePlan,
  receiptPublicKey,
  verifyReceipt,
  RedactRequest,
  errorCodes,
  redact,
  userAgent,
  version,
} from "../pkg/web/erasekit_js.js";

// The ledger: capture functions, the `Ledger` class and their data types.
export { captureSource, captureSources, phone } from "../pkg/web/erasekit_js.js";
export { capture, type Capture, type CaptureFunction } from "./capture.mjs";
export { Ledger, type PgPoolLike, type SqliteOptions } from "./ledger.mjs";
export type {
  CaptureOptions,
  CapturePayload,
  CaptureSource,
  Identifier,
  IdentifierInput,
  LedgerBackend,
  LedgerEntry,
  LeaseTimes,
  ReceiptInput,
  LedgerEntryInput,
  StoredJob,
  Tombstone,
} from "../pkg/web/erasekit_js.js";

export type {
  Action,
  Call,
  ConversationApi,
  Counts,
  DeadlineData,
  ErasureLedger,
  ErasurePlanData,
  ErasurePlanInput,
  Initial,
  JobConfig,
  JobConfigInput,
  JobEvent,
  JobLedger,
  Operation,
  PlanErasureOptions,
  PlanGroup,
  PlannedCall,
  PlanSummary,
  PlanOptions,
  PlanOptionsInput,
  Receipt,
  ReceiptBody,
  ReceiptOperation,
  ReceiptSignature,
  RunOptions,
  Terminal,
  TransportFailure,
  UserAction,
  TargetCheckRecord,
} from "../pkg/web/erasekit_js.js";
import type { ErasureJob, ErasurePlan, ErrorCode, ErrorFamily, PlanErasureOptions, ErasureLedger } from "../pkg/web/erasekit_js.js";

/** Plans the erasure of `subject` from the ledger's entries and key (`ledger.planErasure` calls it). */
export declare function planErasure(ledger: ErasureLedger, subject: string, options?: PlanErasureOptions): Promise<ErasurePlan>;

/**
 * Job `jobId` restored from the ledger's last checkpoint, bound to that ledger: `job.run(...)`
 * checkpoints and finishes there (`ledger.resume` calls it). An unknown id is `job_not_found`.
 */
export declare function resumeJob(ledger: ErasureLedger, jobId: string): Promise<ErasureJob>;

/** Every error erasekit throws: `code` from the core's catalogue (`errorCodes()`). */
export declare class ErasekitError extends Error {
  name: "ErasekitError";
  code: ErrorCode;
  family: ErrorFamily;
  /** The code plus the fields of the error (e.g. `field` and `reason` for `invalid_argument`). */
  details: { code: ErrorCode; [field: string]: unknown };
  /** A stopped run (`aborted`, `job_waiting`, `job_stalled`, ...): its snapshot continues it. */
  snapshot?: string;
  /** A stopped run's job. */
  jobId?: string;
}

export type {
  AbortSignalLike,
  ApiBaseInput,
  BaseUrl,
  CredentialsInput,
  Direction,
  ErrorCode,
  ErrorCodeInfo,
  ErrorFamily,
  FetchInit,
  HttpRequest,
  HttpResponse,
  InvalidInput,
  Problem,
  Product,
  RedactInput,
  RedactOptions,
  RedactOutcome,
  RedactRequestData,
  RequestOptions,
  ResponseLike,
} from "../pkg/web/erasekit_js.js";

/** `erasekit/<version>`, the `User-Agent` of every request (browsers: set once `init()` ran). */
export declare const USER_AGENT: string;

/** The erasekit version (browsers: set once `init()` ran). */
export declare const VERSION: string;

/** Where the wasm is: a URL, a `Response` (or a promise of one), its bytes or a compiled module. */
export type InitInput =
  | string
  | URL
  | Response
  | Promise<Response>
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module;

/**
 * Browsers: loads the wasm; await it before using anything else. Node: resolves at once
 * (the wasm is loaded on import), so the same code runs in both.
 */
export declare function init(input?: InitInput): Promise<void>;

/** Like `init()`, synchronously, from the wasm's bytes or a compiled module. */
export declare function initSync(module: ArrayBuffer | ArrayBufferView | WebAssembly.Module): void;

export default init;
