// Types of the `Ledger` class of js/ledger.mjs (re-exported by js/index.d.ts).
import type {
  ErasureJob,
  ErasurePlan,
  Identifier,
  IdentifierInput,
  LedgerBackend,
  LedgerEntry,
  LedgerEntryInput,
  PlanErasureOptions,
  Receipt,
  ReceiptInput,
  RunOptions,
  StoredJob,
  Tombstone,
} from "../pkg/web/erasekit_js.js";

/** Options of `Ledger.sqlite(path, options)`. */
export interface SqliteOptions {
  /** How long a write waits for another process's transaction (SQLite's busy timeout). Default 30000. */
  timeoutMs?: number;
  /** Create the file if it does not exist (default true); `false` throws `ledger_not_found`. */
  create?: boolean;
}

/** What `Ledger.postgres` takes besides a URL: a `pg.Pool`. */
export interface PgPoolLike {
  connect(): Promise<ErasureJob>;
  readonly totalCount: number;
}

/**
 * The ID ledger: per data subject (one of your users), every Vonage id they produced. Every
 * method returns a promise, in every backend. Subjects are strings of 1 to 256 bytes (else
 * `invalid_subject`), stored and found exactly: quotes, SQL and unicode are only data.
 */
export declare class Ledger {
  private constructor();
  /**
   * A ledger in an SQLite file (`":memory:"` for a private one) through better-sqlite3@12, in
   * WAL mode. Node only. A missing file is created unless `{ create: false }`
   * (`ledger_not_found`).
   */
  static sqlite(path: string, options?: SqliteOptions): Promise<Ledger>;
  /**
   * A ledger in PostgreSQL through `pg`: your `pg.Pool` (left open by `close()`) or a
   * connection URL (a pool of its own). Node only.
   */
  static postgres(poolOrUrl: PgPoolLike | string): Promise<Ledger>;
  /** A ledger held in memory (Node and browsers); `export()` saves it as JSON. */
  static memory(): Promise<Ledger>;
  /** A memory ledger from the JSON of `export()`; anything else throws `storage`. */
  static fromExport(json: string): Promise<Ledger>;

  /** Where the ledger lives. */
  readonly backend: LedgerBackend;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** The subject key (a copy): HMAC key of tombstones and receipts' subject hash. A secret. */
  readonly subjectKey: Uint8Array;

  /** Records entries for `subject` in one transaction; resolves to how many were new. */
  record(subject: string, entries: readonly LedgerEntryInput[]): Promise<number>;
  /** Links phone numbers (any common form, stored E.164) and `USR-…` ids to `subject`. */
  link(subject: string, identifiers: readonly IdentifierInput[]): Promise<void>;
  /** The subject's entries, oldest first (empty for an unknown subject). */
  entries(subject: string): Promise<LedgerEntry[]>;
  /** The subject's identifiers, sorted. */
  identifiers(subject: string): Promise<Identifier[]>;
  /** Every subject with entries or identifiers, sorted. */
  subjects(): Promise<string[]>;
  /**
   * Forgets what `receipt` proves erased, in one transaction that also stores the receipt:
   * the entries whose operation ended done, not found, expired or skipped. Entries it does not
   * settle (failed, or recorded after the plan) stay; only when none remains is the subject
   * forgotten, leaving a tombstone it resolves to (`null` while entries remain). A receipt of
   * another subject or not signed with this ledger's receipt key throws `receipt_mismatch`.
   */
  forget(subject: string, receipt: ReceiptInput): Promise<Tombstone | null>;
  /** The signed receipt of job `jobId` as stored at the end of its run, or `null`. */
  receipt(jobId: string): Promise<Receipt | null>;
  /** Every stored receipt, oldest first (receipts hold no personal data). */
  receipts(): Promise<Receipt[]>;
  /** Hex of the public half of the ledger's own receipt key, made on first open. */
  receiptPublicKey(): Promise<string>;
  /** The tombstones left by forgetting `subject`. */
  tombstones(subject: string): Promise<Tombstone[]>;
  /** Saves (or replaces) an erasure job checkpoint. */
  saveJob(jobId: string, subject: string, state: string, snapshot: string): Promise<void>;
  /** A saved job checkpoint, or `null`. */
  loadJob(jobId: string): Promise<StoredJob | null>;
  /** Every saved job checkpoint, least recently saved first. */
  jobs(): Promise<StoredJob[]>;
  /** A memory ledger as JSON (personal data and the subject key); `TypeError` for SQL ledgers. */
  export(): Promise<string>;
  /** Plans the erasure of everything recorded for `subject`. */
  planErasure(subject: string, options?: PlanErasureOptions): Promise<ErasurePlan>;
  /** The saved erasure job `jobId`, restored from its last checkpoint and bound to this
   * ledger (a later `job.run(...)` checkpoints and finishes here); it does not run it. */
  resume(jobId: string, options?: Omit<RunOptions, "ledger">): Promise<ErasureJob>;
  /** Closes the connection (a pool you passed in stays open). Idempotent. */
  close(): Promise<void>;
  /** `await using ledger = await Ledger.sqlite(path)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}
