//! TypeScript shapes of the erasure data (plans, job calls, events, receipts) and of the
//! `run(...)` driver of `js/run.mjs`, appended to the generated `.d.ts` next to the classes of
//! `plan.rs`, `job.rs` and `receipt.rs`. Names are the core's; data keeps its snake_case fields.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ERASURE_TS_TYPES: &'static str = r#"
/** Delete Conversation users, or scrub them (PATCH replacing name, display name, image, custom data). */
export type UserAction = "delete" | "scrub";

/** The Conversation API version called. */
export type ConversationApi = "v1" | "v0.1";

/** Choices that shape a plan, flat in `new ErasurePlan({...})` and `ledger.planErasure(subject, {...})`. */
export interface PlanOptionsInput {
  /** Default `delete`. */
  userAction?: UserAction;
  /** Also delete voice call legs. Default false. */
  deleteLegs?: boolean;
  /** Also delete whole conversations. Default false. */
  deleteConversations?: boolean;
  /** Default `v1`. */
  conversationApi?: ConversationApi;
  /** Records older than this are gone from Vonage: planned `expired`. Default 13. */
  retentionMonths?: number;
  /** Plan an erasure of nothing on purpose for a subject without entries (else
   * `unknown_subject`). Default false. */
  allowEmpty?: boolean;
}

/** The options a plan was made with, as data. */
export interface PlanOptions {
  user_action: UserAction;
  delete_legs: boolean;
  delete_conversations: boolean;
  conversation_api: ConversationApi;
  retention_months: number;
  allow_empty: boolean;
}

/** Input of `new ErasurePlan(...)`. Times are `Date`s or milliseconds since the epoch. */
export interface ErasurePlanInput extends PlanOptionsInput {
  subject: string;
  /** The ledger's key for the subject's keyed hash: at least 16 bytes. */
  subjectKey: Uint8Array;
  /** The subject's ledger entries (`ledger.entries(subject)`, or `capture.*` output). */
  entries: LedgerEntry[];
  now: number | Date;
  /** When the erasure request arrived (starts the GDPR deadline); default `now`. */
  receivedAt?: number | Date | null;
}

/** The call an operation makes; switch on `action`. */
export type Action =
  | { action: "redact"; product: Product; direction: Direction }
  | { action: "delete_recording" }
  | { action: "delete_user" }
  | { action: "scrub_user" }
  | { action: "delete_event" }
  | { action: "delete_conversation" }
  | { action: "delete_leg" };

/** Where an operation starts: to be sent, or settled by the plan. */
export type Initial = "pending" | "expired" | "skipped";

/** One planned operation (`plan.operations`). */
export type Operation = Action & {
  op: number;
  target: string;
  created_at: number;
  /** `created_at` + 60 minutes: Vonage refuses earlier redactions. */
  not_before: number;
  initial: Initial;
};

/** One operation of the dry run (`plan.describe(baseUrl)`): what would be called, from when. */
export type PlannedCall = Action & {
  op: number;
  target: string;
  method: string;
  url: string;
  not_before: number;
  initial: Initial;
};

/** One line of `PlanSummary.groups`: the operations of one action (and Redact product). */
export interface PlanGroup {
  action: "redact" | "delete_recording" | "delete_user" | "scrub_user" | "delete_event"
    | "delete_conversation" | "delete_leg";
  /** The Redact product (`sms`, `voice`, ...); null for the other actions. */
  product: string | null;
  operations: number;
  /** Of which to be sent. */
  pending: number;
  expired: number;
  skipped: number;
  /** How long sending the pending ones takes at the rate alone (ms). */
  send_ms: number;
}

/** `plan.summary(ratePerSecond)`: the plan in figures. */
export interface PlanSummary {
  rate_per_second: number;
  operations: number;
  pending: number;
  /** One per action and product, in plan order. */
  groups: PlanGroup[];
  /** How long sending every pending call takes at the rate alone (ms). */
  send_ms: number;
  /** The earliest the last call can go out (the rate and the 60-minute rule); null when
   * nothing is pending. */
  estimated_finish: number | null;
  /** The plan's deadline. */
  due_at: number;
  /** `estimated_finish` is after `due_at`. */
  late: boolean;
}

/** A GDPR deadline as plain data. */
export interface DeadlineData {
  received_at: number;
  due_at: number;
  extension_months: number;
  extension_reason: string | null;
}

/** A plan as plain data (`plan.toJSON()`). */
export interface ErasurePlanData {
  subject: string;
  subject_hash: string;
  planned_at: number;
  deadline: DeadlineData;
  options: PlanOptions;
  operations: Operation[];
}

/** Options of `new ErasureJob(plan, options)`: camelCase names of `JobConfig`. */
export interface JobConfigInput {
  /** Requests per second for the whole job. Default 170 (the Redact limit). */
  ratePerSecond?: number;
  /** Calls in flight at once. Default 32. */
  maxInFlight?: number;
  /** Attempts per operation on 5xx, timeouts and dropped connections. Default 8. */
  maxAttempts?: number;
  /** Premature answers tolerated per operation. Default 10. */
  maxPremature?: number;
  /** 429 answers tolerated per operation. Default 100. */
  maxRateLimited?: number;
  /** First backoff step. Default 500 ms. */
  backoffBaseMs?: number;
  /** Longest backoff. Default 60000 ms. */
  backoffMaxMs?: number;
  /**
   * Before a group's first operation call (a Redact product, `media`, `conversation`), send one
   * probe that must get the API's documented not-found answer; any other answer fails the
   * group's operations unsent. Default true.
   */
  checkTarget?: boolean;
  /**
   * Wait out Vonage's one-hour rule (default true). False: `run` stops (code `job_waiting`,
   * with a resumable snapshot) when the job would wait for records younger than an hour.
   */
  waitForPremature?: boolean;
  /** A checkpoint (into the run's ledger) every this many answers. Default 100. */
  checkpointEvery?: number;
  /** Jitter and JWT-id entropy: a number up to 2^53 - 1 or a BigInt; random when absent. */
  seed?: number | bigint;
  /** The job (and receipt) id; derived from the seed when absent. */
  jobId?: string;
}

/** A job's settings as the core holds them (`job.config`). */
export interface JobConfig {
  job_id: string;
  rate_per_second: number;
  max_in_flight: number;
  max_attempts: number;
  max_premature: number;
  max_rate_limited: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
  seed: number | bigint;
  check_target: boolean;
  wait_for_premature: boolean;
  checkpoint_every: number;
}

/** A call to send (`job.pollRequest(...)`); pass `call_id` back with its answer. */
export interface Call {
  call_id: number;
  /** The operation, or 4294967295 (2^32 - 1) for a target check. */
  op: number;
  request: HttpRequest;
}

/** A call that got no answer: `handleFailure(callId, failure, now)`. */
export type TransportFailure = "timeout" | "connection" | { other: { message: string } };

/** How an operation ended. */
export type Terminal = "done" | "not_found" | "expired" | "failed" | "skipped";

/** Operations by state, plus calls in flight, retries and 429s. */
export interface Counts {
  total: number;
  done: number;
  not_found: number;
  expired: number;
  failed: number;
  skipped: number;
  in_flight: number;
  retries: number;
  rate_limited: number;
}

/** A progress event (`job.pollEvent()`, `onProgress`); switch on `event`. */
export type JobEvent =
  | { event: "started"; at: number; counts: Counts }
  | { event: "waiting"; until: number; counts: Counts }
  | { event: "target_checked"; group: string; ok: boolean; status: number | null; reason: string | null }
  | { event: "retrying"; op: number; attempt: number; at: number; reason: string }
  | { event: "throttled"; until: number; pace: number }
  | { event: "group_stopped"; group: string; reason: string; stopped: number }
  | { event: "operation_finished"; op: number; state: Terminal; counts: Counts }
  | { event: "finished"; at: number; counts: Counts }
  /** From `run` with a ledger, last: the receipt is stored and what it settles forgotten, in
   * one transaction; `remaining` entries (failed, or recorded while the job ran) stay. */
  | { event: "ledger_finished"; receipt_id: string; remaining: number; forgotten: boolean };

/** One operation as the receipt reports it. */
export type ReceiptOperation = Action & {
  op: number;
  target: string;
  state: Terminal;
  attempts: number;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  status: number | null;
  /** Vonage's trace id from the last problem body. */
  instance: string | null;
  /** The last problem, for anything not done. */
  problem: string | null;
};

/** The signed content of a receipt; names the subject only by its keyed hash. */
export interface ReceiptBody {
  format: string;
  receipt_id: string;
  subject_hash: string;
  deadline: DeadlineData;
  planned_at: number;
  started_at: number | null;
  finished_at: number;
  /** Every operation ended done, not_found, expired or skipped; absent in erasekit 0.1 receipts. */
  complete?: boolean;
  /** Finished by the deadline, and complete. */
  on_time: boolean;
  counts: Counts;
  /** Each group's target check; absent in erasekit 0.1 receipts. */
  target_checks?: TargetCheckRecord[];
  operations: ReceiptOperation[];
}

/** One group's target check in a receipt. */
export interface TargetCheckRecord {
  /** A Redact product, `media` or `conversation`. */
  group: string;
  /** The URL probed; null when skipped. */
  url: string | null;
  status: number | null;
  result: "ok" | "failed" | "skipped";
  reason: string | null;
}

/** The Ed25519 signature of a receipt (hex). */
export interface ReceiptSignature {
  algorithm: string;
  public_key: string;
  value: string;
}

/** A signed receipt: JSON-serialisable; `verifyReceipt` checks it. */
export interface Receipt {
  receipt: ReceiptBody;
  signature: ReceiptSignature;
}

/** What `run` needs of a ledger: the package's `Ledger` (its job rows, the lease on them, its
 * receipt key and the end of a run). */
export interface JobLedger {
  loadJob(jobId: string): unknown;
  receiptPublicKey(): Promise<string>;
}

/** What `planErasure` and `resumeJob` need of a ledger (the package's `Ledger` has it all). */
export interface ErasureLedger extends JobLedger {
  entries(subject: string): LedgerEntry[] | Promise<LedgerEntry[]>;
  readonly subjectKey: Uint8Array | Promise<Uint8Array> | (() => Uint8Array | Promise<Uint8Array>);
  loadJob(jobId: string): { snapshot: string } | null | undefined | Promise<{ snapshot: string } | null | undefined>;
}

/** Options of `job.run(...)`. */
export interface RunOptions {
  credentials: Credentials | CredentialsInput;
  /** Sends each call; `globalThis.fetch` when absent. */
  fetch?(url: string, init: FetchInit & { signal: AbortSignal }): Promise<ResponseLike>;
  baseUrl?: BaseUrl;
  /** Stops the job cleanly: in-flight calls are aborted and `run` rejects with an
   * `ErasekitError` of code `aborted` carrying `snapshot` and `jobId`. */
  signal?: AbortSignal;
  /** Called with every event of the job. */
  onProgress?(event: JobEvent): void;
  /**
   * With a ledger, the run holds a lease on its job (one erasure per subject at a time:
   * `subject_busy`; a write after a takeover: `lease_lost`), checkpoints under it, signs the
   * receipt with the ledger's own receipt key, and at the end stores the receipt and forgets
   * exactly what it settles in one transaction (event `ledger_finished`). A job from
   * `ledger.resume(jobId)` is bound to that ledger: leave this out (another is refused).
   */
  ledger?: JobLedger;
  /** The 32-byte Ed25519 seed the receipt is signed with: required without a ledger; with one,
   * left out (the ledger's receipt key signs; another key is refused). */
  signingKey?: Uint8Array;
  /**
   * Each call's total deadline (connect to last body byte), after which it is aborted and
   * reported as a timeout naming the host. Default 30000. Redirects are never followed and a
   * body is read up to 64 KiB.
   */
  timeoutMs?: number;
  /** How long the run's lease on its job in `ledger` lasts between renewals. Default 60000. */
  leaseMs?: number;
}

/** Options of `ledger.planErasure(subject, options)`: the plan options, flat. */
export interface PlanErasureOptions extends PlanOptionsInput {
  /** Default `Date.now()`. */
  now?: number | Date;
  receivedAt?: number | Date | null;
}

export interface ErasureJob {
  /**
   * Runs the job to the end with the host's `fetch`: up to `maxInFlight` calls at once, each
   * aborted after `timeoutMs`, sleeping until the job wants to act. Resolves to the signed
   * receipt; a stopped run (`aborted`, `job_waiting`, `job_stalled`, ...) rejects with an
   * `ErasekitError` carrying `snapshot` and `jobId`.
   */
  run(options: RunOptions): Promise<Receipt>;
}
"#;
