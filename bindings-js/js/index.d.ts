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
  AbortedError,
  ConversationApi,
  DeadlineData,
  ErasureLedger,
  ErasurePlanData,
  ErasurePlanInput,
  Initial,
  JobCall,
  JobCounts,
  JobEvent,
  JobLedger,
  JobOptions,
  Operation,
  OperationAction,
  PlanErasureOptions,
  PlanGroup,
  PlannedCall,
  PlanSummary,
  PlanOptionsData,
  PlanOptionsInput,
  Receipt,
  ReceiptBody,
  ReceiptOperation,
  ReceiptSignature,
  RunOptions,
  TerminalState,
  TransportFailureInput,
  UserAction,
  WaitingError,
  TargetCheckRecord,
} from "../pkg/web/erasekit_js.js";
import type { ErasurePlan, PlanErasureOptions, Receipt, RunOptions, ErasureLedger } from "../pkg/web/erasekit_js.js";

/** Plans the erasure of `subject` from the ledger's entries and key (`ledger.planErasure` calls it). */
export declare function planErasure(ledger: ErasureLedger, subject: string, options?: PlanErasureOptions): Promise<ErasurePlan>;

/**
 * Restores job `jobId` from the ledger's last checkpoint and runs it to the end, checkpointing
 * into the same ledger (`ledger.resume` calls it). Resolves to the signed receipt.
 */
export declare function resumeJob(ledger: ErasureLedger, jobId: string, options: Omit<RunOptions, "ledger">): Promise<Receipt>;

export type {
  AbortSignalLike,
  ApiBaseInput,
  BaseUrl,
  CredentialsInput,
  Direction,
  ErasekitError,
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
  TransportError,
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
