// `Ledger`: every Vonage id a data subject produced, in SQLite, PostgreSQL or memory.
//
// The ledger is the customer's own database. Every method is one request of the core's
// (`{ op, ...arguments }`): the memory ledger answers it at once; in SQL the core writes one
// transaction (its schema, migrations and parameterised statements), the driver runs it and
// hands the rows back, and the core makes the answer and decides whether a failed
// transaction is run again. The only SQL text on this side is driver housekeeping
// (`js/ledger_sqlite.mjs`: WAL; `js/ledger_postgres.mjs`: BEGIN/COMMIT/ROLLBACK). A driver
// error becomes an ErasekitError with code `storage` and the driver's error as `cause`.
//
// Environment-neutral: the Node entry and the browser entry each call `defineLedger` with
// their native module and what their environment can open (browsers: memory only).

const TOKEN = Symbol("erasekit.Ledger");
/** The drivers' access to a ledger's lease and receipt key (`js/job.mjs`). */
export const RUN = Symbol.for("erasekit.Ledger.run");

/** Random bytes from the platform's CSPRNG (`crypto.getRandomValues`, Node 20 and browsers). */
function randomBytes(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A time a user gives, as the core takes it: a `Date` becomes its milliseconds since the
 * epoch (an invalid one `null`, which the core refuses); anything else is left for the core.
 */
export function toMillis(value) {
  if (!(value instanceof Date)) return value;
  const ms = value.getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** A ledger request as the JSON text the core reads (`Date`s anywhere in it as milliseconds). */
function requestText(request) {
  return JSON.stringify(request, function (key, value) {
    return this[key] instanceof Date ? toMillis(this[key]) : value;
  });
}

/**
 * The `Ledger` class over `native` (a build's wasm module). `host` opens SQL drivers:
 * `{ sqlite(path, options), postgres(poolOrUrl) }`, each resolving to a driver (see
 * `js/ledger_sqlite.mjs`), or absent where the environment has none.
 */
export function defineLedger(native, host = {}) {
  /** A driver failure (anything not already an ErasekitError) as a `storage` ErasekitError. */
  function storageError(err) {
    if (err instanceof Error && err.name === "ErasekitError") return err;
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const wrapped = native.__storageError(what);
    wrapped.cause = err;
    return wrapped;
  }

  /** Opens a driver: argument and missing-package errors stay as they are; the rest is `storage`. */
  async function openDriver(open) {
    try {
      return await open();
    } catch (err) {
      if (err?.code === "ERR_INVALID_ARG_TYPE" || err?.code === "ERR_MODULE_NOT_FOUND") throw err;
      throw storageError(err);
    }
  }

  /** Runs `fn`, turning driver errors into `storage` errors. */
  async function guarded(fn) {
    try {
      return await fn();
    } catch (err) {
      throw storageError(err);
    }
  }

  /**
   * A ledger in SQL: each request is one transaction the core writes and the driver runs; the
   * core reads the rows back, and says whether a failed transaction is run again.
   */
  class SqlStore {
    constructor(driver) {
      this.driver = driver;
      this.core = new native.SqlLedger(driver.dialect);
      this.backend = driver.dialect;
    }

    /** Migrates the schema and reads the keys (made on first open from 64 random bytes). */
    static async open(driver) {
      const store = new SqlStore(driver);
      await store.call({ op: "open", entropy: Array.from(randomBytes(64)) });
      store.key = store.core.key;
      store.receiptKey = store.core.receiptKey;
      return store;
    }

    async call(request) {
      const text = requestText(request);
      for (let attempt = 1; ; attempt++) {
        const call = this.core.begin(request, text, Date.now());
        try {
          const { changed, results } = await this.driver.transact(call.transaction, (rows) =>
            call.then(JSON.stringify(rows)),
          );
          return this.core.end(call, changed, JSON.stringify(results));
        } catch (err) {
          const wait = call.retryAfter(this.driver.errorCode(err), attempt);
          if (wait === undefined) throw err;
          await sleep(wait);
        } finally {
          call.free();
        }
      }
    }

    async close() {
      this.core.free();
      await this.driver.close();
    }
  }

  /** A ledger in memory: the core's `MemoryLedger`, answering the same requests at once. */
  class MemoryStore {
    constructor(memory) {
      this.memory = memory;
      this.key = memory.key;
      this.receiptKey = memory.receiptKey;
      this.backend = "memory";
    }

    async call(request) {
      return this.memory.handle(request, requestText(request), Date.now());
    }

    async close() {
      this.memory.free();
    }
  }

  /**
   * The ID ledger: per data subject (one of your users), every Vonage id they produced.
   * Open one with `await Ledger.sqlite(path)`, `await Ledger.postgres(poolOrUrl)` or
   * `await Ledger.memory()`; every method returns a promise.
   */
  class Ledger {
    #store;
    #description;

    constructor(token, store, description) {
      if (token !== TOKEN) {
        throw new TypeError(
          "open a ledger with Ledger.sqlite(path), Ledger.postgres(poolOrUrl) or Ledger.memory()",
        );
      }
      this.#store = store;
      this.#description = description;
    }

    /**
     * A ledger in an SQLite file (`":memory:"` for a private one) through better-sqlite3, in
     * WAL mode, waiting up to `options.timeoutMs` (default 30000) for another process's write.
     * A missing file is created by default; with `{ create: false }` it throws
     * `ledger_not_found` instead (the `erasekit` command creates one only with `--create`).
     */
    static async sqlite(path, options) {
      if (typeof host.sqlite !== "function") {
        throw new Error("Ledger.sqlite() is for Node; in browsers use Ledger.memory()");
      }
      const driver = await openDriver(() => host.sqlite(path, options));
      return Ledger.#openSql(driver, `sqlite ${JSON.stringify(String(path))}`);
    }

    /**
     * A ledger in PostgreSQL through `pg`: a `pg.Pool` (yours: `close()` leaves it open) or a
     * connection URL (a pool of its own, ended by `close()`). Tables go in the connection's
     * current schema.
     */
    static async postgres(poolOrUrl) {
      if (typeof host.postgres !== "function") {
        throw new Error("Ledger.postgres() is for Node; in browsers use Ledger.memory()");
      }
      const driver = await openDriver(() => host.postgres(poolOrUrl));
      return Ledger.#openSql(driver, "postgres");
    }

    static async #openSql(driver, description) {
      try {
        return new Ledger(TOKEN, await SqlStore.open(driver), description);
      } catch (err) {
        await driver.close().catch(() => {});
        throw storageError(err);
      }
    }

    /** A ledger held in memory (the core's `MemoryLedger`; Node and browsers). */
    static async memory() {
      return new Ledger(TOKEN, new MemoryStore(new native.MemoryLedger(randomBytes(32), randomBytes(32))), "memory");
    }

    /** A memory ledger from the JSON of `export()`; anything else throws `storage`. */
    static async fromExport(json) {
      return new Ledger(TOKEN, new MemoryStore(native.MemoryLedger.fromExport(json, randomBytes(32))), "memory");
    }

    #open() {
      if (this.#store === undefined) throw native.__storageError("the ledger is closed");
      return this.#store;
    }

    async #run(fn) {
      const store = this.#open();
      return guarded(() => fn(store));
    }

    /** `"sqlite"`, `"postgres"` or `"memory"`. */
    get backend() {
      return this.#open().backend;
    }

    /** Whether `close()` was called. */
    get closed() {
      return this.#store === undefined;
    }

    /**
     * The ledger's subject key (a copy): the HMAC key of tombstones and of the receipts'
     * subject hash, created from 32 random bytes on first open. A secret.
     */
    get subjectKey() {
      return new Uint8Array(this.#open().key);
    }

    /**
     * Records captured entries for `subject` in one transaction; resolves to how many were
     * new. An entry already recorded for the subject (same kind, product and id) is kept once.
     */
    async record(subject, entries) {
      return this.#run((s) => s.call({ op: "record", subject, entries }));
    }

    /** Links phone numbers (any common form, stored as E.164) and `USR-…` ids to `subject`. */
    async link(subject, identifiers) {
      await this.#run((s) => s.call({ op: "link", subject, identifiers }));
    }

    /** The subject's entries, oldest first (empty for an unknown subject). */
    async entries(subject) {
      return this.#run((s) => s.call({ op: "entries", subject }));
    }

    /** The subject's identifiers as `{ kind, value }`, sorted. */
    async identifiers(subject) {
      return this.#run((s) => s.call({ op: "identifiers", subject }));
    }

    /** Every subject with entries or identifiers, sorted. */
    async subjects() {
      return this.#run((s) => s.call({ op: "subjects" }));
    }

    /**
     * Forgets what `receipt` proves erased, in one transaction that also stores the receipt:
     * the entries whose operation ended done, not found, expired or skipped, and the receipt's
     * job. Entries it does not settle (failed, or recorded after the plan) stay; only when none
     * remains are the subject's identifiers and jobs deleted, leaving a tombstone, which it
     * returns (`null` while entries remain). `receipt` is the signed receipt (object or JSON):
     * one of another subject or not signed with this ledger's receipt key throws
     * `receipt_mismatch`. The drivers call this themselves at the end of a run.
     */
    async forget(subject, receipt) {
      return this.#run((s) => s.call({ op: "forget", subject, receipt }));
    }

    /** The signed receipt of job `jobId` as stored at the end of its run, or `null`. */
    async receipt(jobId) {
      return this.#run((s) => s.call({ op: "receipt", job_id: jobId }));
    }

    /** Every stored receipt, oldest first. Receipts hold no personal data. */
    async receipts() {
      return this.#run((s) => s.call({ op: "receipts" }));
    }

    /** Hex of the public half of this ledger's receipt key: publish it to let others check
     * receipts (`verifyReceipt(receipt, key)`). */
    async receiptPublicKey() {
      return native.receiptPublicKey(this.#open().receiptKey);
    }

    /** The drivers' side of a run (`js/job.mjs`): not for direct use. */
    get [RUN]() {
      const store = this.#open();
      const call = (request) => guarded(() => store.call(request));
      return {
        receiptKey: store.receiptKey,
        claim: (jobId, subject, snapshot, owner, existing, leaseMs) =>
          call({ op: "claim", job_id: jobId, subject, snapshot, owner, existing, lease_ms: leaseMs }),
        renew: (lease, state, snapshot, leaseMs) => call({ op: "renew", lease, state, snapshot, lease_ms: leaseMs }),
        finish: (lease, subject, receipt) => call({ op: "finish", lease, subject, receipt }),
      };
    }

    /** The tombstones left by forgetting `subject` (found by recomputing its keyed hash). */
    async tombstones(subject) {
      return this.#run((s) => s.call({ op: "tombstones", subject }));
    }

    /** Saves (or replaces) an erasure job checkpoint. */
    async saveJob(jobId, subject, state, snapshot) {
      await this.#run((s) => s.call({ op: "save_job", job_id: jobId, subject, state, snapshot }));
    }

    /** A saved job checkpoint, or `null`. */
    async loadJob(jobId) {
      return this.#run((s) => s.call({ op: "load_job", job_id: jobId }));
    }

    /** Every saved job checkpoint, least recently saved first. */
    async jobs() {
      return this.#run((s) => s.call({ op: "jobs" }));
    }

    /** A memory ledger as JSON text for `Ledger.fromExport(json)`: personal data and the subject key. */
    async export() {
      const store = this.#open();
      if (!(store instanceof MemoryStore)) {
        throw new TypeError(`export() is for memory ledgers; this one is ${store.backend}`);
      }
      return store.memory.export();
    }

    /** Plans the erasure of everything recorded for `subject` (see `js/job.mjs`). */
    async planErasure(subject, options) {
      return (await jobModule()).planErasure(this, subject, options);
    }

    /** The saved erasure job `jobId` restored from its last checkpoint, bound to this ledger
     * (see `resumeJob` in `js/job.mjs`). */
    async resume(jobId, options) {
      return (await jobModule()).resumeJob(this, jobId, options);
    }

    /** Closes the connection (a pool you passed in stays open). Idempotent. */
    async close() {
      const store = this.#store;
      this.#store = undefined;
      if (store !== undefined) await guarded(() => store.close());
    }

    toString() {
      return `Ledger(${this.#description}${this.#store === undefined ? ", closed" : ""})`;
    }
  }

  Object.defineProperty(Ledger.prototype, Symbol.for("nodejs.util.inspect.custom"), {
    value() {
      return this.toString();
    },
  });
  // `await using ledger = await Ledger.sqlite(path)` closes it at the end of the block.
  if (typeof Symbol.asyncDispose === "symbol") {
    Object.defineProperty(Ledger.prototype, Symbol.asyncDispose, {
      value() {
        return this.close();
      },
    });
  }

  return Ledger;
}

/** `js/job.mjs`, loaded on first use. */
async function jobModule() {
  try {
    return await import("./job.mjs");
  } catch (err) {
    const missing =
      err?.code === "ERR_MODULE_NOT_FOUND" ? String(err.message).includes("job.mjs") : err instanceof TypeError;
    if (!missing) throw err;
    const error = new Error("erasure jobs are not part of this erasekit build (js/job.mjs is missing)", {
      cause: err,
    });
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
}
