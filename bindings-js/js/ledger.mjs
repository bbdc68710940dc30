// `Ledger`: every Vonage id a data subject produced, in SQLite, PostgreSQL or memory.
//
// The ledger is the customer's own database. erasekit's core owns its schema, its migrations
// and every statement (parameterised, SQLite and PostgreSQL dialects); this layer opens the
// connection, runs what the core returns inside transactions and hands the rows back to the
// core to decode. The only SQL text on this side is driver housekeeping in the drivers
// (`js/ledger_sqlite.mjs`: WAL; `js/ledger_postgres.mjs`: BEGIN/COMMIT/ROLLBACK). A driver
// error becomes an ErasekitError with code `storage` and the driver's error as `cause`.
//
// Environment-neutral: the Node entry and the browser entry each call `defineLedger` with
// their native module and what their environment can open (browsers: memory only).

/**
 * How often a first open is retried when another process creates the same schema at that
 * moment, and a write that PostgreSQL aborted as a deadlock with another writer (every ledger
 * write is idempotent, so it is simply run again).
 */
const OPEN_ATTEMPTS = 5;
const WRITE_ATTEMPTS = 5;

const TOKEN = Symbol("erasekit.Ledger");
/** The drivers' access to a ledger's lease and receipt key (`js/job.mjs`). */
export const RUN = Symbol.for("erasekit.Ledger.run");

/** 32 random bytes from the platform's CSPRNG (`crypto.getRandomValues`, Node 20 and browsers). */
function randomBytes(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
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

  /** A ledger in SQL: the core's statements run by a driver. */
  class SqlStore {
    constructor(driver, sql, key, receiptKey) {
      this.driver = driver;
      this.sql = sql;
      this.erasure = new native.ErasureSql(driver.dialect);
      this.key = key;
      this.receiptKey = receiptKey;
      this.backend = driver.dialect;
    }

    /** The core's open conversation: bootstrap, read the meta table, migrate and create the
     * subject key in one transaction, then read the key back (another process may have won). */
    static async open(driver) {
      const sql = new native.LedgerSql(driver.dialect);
      for (let attempt = 1; ; attempt++) {
        try {
          await driver.exchange(sql.bootstrap(), sql.readMeta(), (meta) => sql.open(meta, randomBytes(64)));
          break;
        } catch (err) {
          if (attempt >= OPEN_ATTEMPTS || !driver.retryOpen(err)) throw err;
          await sleep(20 * attempt);
        }
      }
      const meta = await driver.query(sql.readMeta());
      return new SqlStore(driver, sql, sql.keyFromMeta(meta), sql.receiptKeyFromMeta(meta));
    }

    /** One lease-checked transaction: the core reads the rows of its query and refuses
     * (rolling back) when the database returned none. Resolves to the lease times. */
    async exchange(step, sentAt, leaseMs) {
      let times;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.driver.exchange(step.before, step.query, (rows) => {
            times = this.erasure.leaseAnswer(step.on_empty, rows, sentAt, leaseMs);
            return step.after;
          });
          return times;
        } catch (err) {
          if (attempt >= WRITE_ATTEMPTS || !this.driver.retryExchange(err)) throw err;
          await sleep(10 * attempt);
        }
      }
    }

    /** Runs `statements` in one transaction, again if the database aborted it as a deadlock. */
    async write(statements) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.driver.write(statements);
        } catch (err) {
          if (attempt >= WRITE_ATTEMPTS || !this.driver.retryWrite(err)) throw err;
          await sleep(10 * attempt);
        }
      }
    }

    async record(subject, entries) {
      return this.write(this.sql.record(subject, entries, Date.now()));
    }

    async link(subject, identifiers) {
      await this.write(this.sql.link(subject, identifiers));
    }

    async entries(subject) {
      const select = this.sql.selectEntries(subject);
      return this.sql.decodeEntries(await this.driver.query(select));
    }

    async identifiers(subject) {
      const select = this.sql.selectIdentifiers(subject);
      return this.sql.decodeIdentifiers(await this.driver.query(select));
    }

    async subjects() {
      return this.sql.decodeSubjects(await this.driver.query(this.sql.selectSubjects()));
    }

    async forget(subject, receipt) {
      const { statements, receipt_id } = this.erasure.forget(subject, this.key, this.receiptKey, receipt, Date.now());
      await this.write(statements);
      return this.#tombstone(subject, receipt_id);
    }

    /** The tombstone a receipt left, or null while entries remain (the database decided). */
    async #tombstone(subject, receiptId) {
      const stored = await this.tombstones(subject);
      return stored.find((t) => t.receipt_id === receiptId) ?? null;
    }

    async claim(jobId, subject, snapshot, owner, existing, leaseMs) {
      const now = Date.now();
      const step = existing
        ? this.erasure.claimExisting(jobId, owner, now, leaseMs)
        : this.erasure.claimNew(jobId, subject, snapshot, owner, now, leaseMs);
      return this.exchange(step, now, leaseMs);
    }

    async renew(lease, state, snapshot, leaseMs) {
      const now = Date.now();
      return this.exchange(this.erasure.renew(lease, state, snapshot, now, leaseMs), now, leaseMs);
    }

    async finish(lease, subject, receipt) {
      const now = Date.now();
      await this.exchange(this.erasure.finish(lease, subject, this.key, this.receiptKey, receipt, now), now, 60_000);
      return this.#tombstone(subject, lease.job_id);
    }

    async count(subject) {
      return this.erasure.decodeCount(await this.driver.query(this.erasure.countEntries(subject)));
    }

    async receipt(jobId) {
      const found = this.erasure.decodeReceipts(await this.driver.query(this.erasure.selectReceipt(jobId)));
      return found[0] ?? null;
    }

    async receipts() {
      return this.erasure.decodeReceipts(await this.driver.query(this.erasure.selectReceipts()));
    }

    async tombstones(subject) {
      const rows = await this.driver.query(this.sql.selectTombstones(subject, this.key));
      return this.sql.decodeTombstones(subject, this.key, rows);
    }

    async saveJob(jobId, subject, state, snapshot) {
      await this.write([this.sql.saveJob(jobId, subject, state, snapshot, Date.now())]);
    }

    async loadJob(jobId) {
      const jobs = this.sql.decodeJobs(await this.driver.query(this.sql.selectJob(jobId)));
      return jobs[0] ?? null;
    }

    async jobs() {
      return this.sql.decodeJobs(await this.driver.query(this.sql.selectJobs()));
    }

    async close() {
      this.sql.free();
      this.erasure.free();
      await this.driver.close();
    }
  }

  /** A ledger in memory: the core's `MemoryLedger`. */
  class MemoryStore {
    constructor(memory) {
      this.memory = memory;
      this.key = memory.key;
      this.receiptKey = memory.receiptKey;
      this.backend = "memory";
    }

    async record(subject, entries) {
      return this.memory.record(subject, entries);
    }

    async link(subject, identifiers) {
      this.memory.link(subject, identifiers);
    }

    async entries(subject) {
      return this.memory.entries(subject);
    }

    async identifiers(subject) {
      return this.memory.identifiers(subject);
    }

    async subjects() {
      return this.memory.subjects();
    }

    async forget(subject, receipt) {
      return this.memory.forget(subject, receipt, Date.now());
    }

    async claim(jobId, subject, snapshot, owner, existing, leaseMs) {
      return this.memory.claim(jobId, subject, snapshot, owner, existing, Date.now(), leaseMs);
    }

    async renew(lease, state, snapshot, leaseMs) {
      return this.memory.renew(lease, state, snapshot, Date.now(), leaseMs);
    }

    async finish(lease, subject, receipt) {
      return this.memory.finish(lease, subject, receipt, Date.now());
    }

    async count(subject) {
      return this.memory.entries(subject).length;
    }

    async receipt(jobId) {
      return this.memory.receipt(jobId);
    }

    async receipts() {
      return this.memory.receipts();
    }

    async tombstones(subject) {
      return this.memory.tombstones(subject);
    }

    async saveJob(jobId, subject, state, snapshot) {
      this.memory.saveJob(jobId, subject, state, snapshot, Date.now());
    }

    async loadJob(jobId) {
      return this.memory.job(jobId);
    }

    async jobs() {
      return this.memory.jobs();
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
    static async import(json) {
      return new Ledger(TOKEN, new MemoryStore(native.MemoryLedger.import(json, randomBytes(32))), "memory");
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
      return this.#run((s) => s.record(subject, entries));
    }

    /** Links phone numbers (any common form, stored as E.164) and `USR-…` ids to `subject`. */
    async link(subject, identifiers) {
      await this.#run((s) => s.link(subject, identifiers));
    }

    /** The subject's entries, oldest first (empty for an unknown subject). */
    async entries(subject) {
      return this.#run((s) => s.entries(subject));
    }

    /** The subject's identifiers as `{ kind, value }`, sorted. */
    async identifiers(subject) {
      return this.#run((s) => s.identifiers(subject));
    }

    /** Every subject with entries or identifiers, sorted. */
    async subjects() {
      return this.#run((s) => s.subjects());
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
      return this.#run((s) => s.forget(subject, receipt));
    }

    /** The signed receipt of job `jobId` as stored at the end of its run, or `null`. */
    async receipt(jobId) {
      return this.#run((s) => s.receipt(jobId));
    }

    /** Every stored receipt, oldest first. Receipts hold no personal data. */
    async receipts() {
      return this.#run((s) => s.receipts());
    }

    /** Hex of the public half of this ledger's receipt key: publish it to let others check
     * receipts (`verifyReceipt(receipt, key)`). */
    async receiptPublicKey() {
      return native.receiptPublicKey(this.#open().receiptKey);
    }

    /** The drivers' side of a run (`js/job.mjs`): not for direct use. */
    get [RUN]() {
      const store = this.#open();
      return {
        receiptKey: store.receiptKey,
        claim: (...args) => guarded(() => store.claim(...args)),
        renew: (...args) => guarded(() => store.renew(...args)),
        finish: async (lease, subject, receipt) => {
          const tombstone = await guarded(() => store.finish(lease, subject, receipt));
          return { tombstone, remaining: await guarded(() => store.count(subject)) };
        },
      };
    }

    /** The tombstones left by forgetting `subject` (found by recomputing its keyed hash). */
    async tombstones(subject) {
      return this.#run((s) => s.tombstones(subject));
    }

    /** Saves (or replaces) an erasure job checkpoint. */
    async saveJob(jobId, subject, state, snapshot) {
      await this.#run((s) => s.saveJob(jobId, subject, state, snapshot));
    }

    /** A saved job checkpoint, or `null`. */
    async loadJob(jobId) {
      return this.#run((s) => s.loadJob(jobId));
    }

    /** Every saved job checkpoint, least recently saved first. */
    async jobs() {
      return this.#run((s) => s.jobs());
    }

    /** A memory ledger as JSON text for `Ledger.import(json)`: personal data and the subject key. */
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

    /** Resumes a saved erasure job (see `js/job.mjs`). */
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

/** The erasure engineer's `js/job.mjs`, loaded on first use. */
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
