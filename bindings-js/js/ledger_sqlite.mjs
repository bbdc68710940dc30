// The SQLite driver of `Ledger.sqlite(path)` (Node only): better-sqlite3@12, loaded on first use.
//
// It runs the core's statements and nothing else; its only settings are the driver's own:
// WAL (readers never block the writer, and two processes can share the file) and a busy
// timeout (a writer waits that long for another process's transaction). Writes run in
// `BEGIN IMMEDIATE` transactions (better-sqlite3's `.immediate()`), which take the write lock
// up front, so a transaction never fails half way for want of upgrading a read lock.

/** better-sqlite3, or a clear error when it is not installed. */
async function loadDriver() {
  try {
    const module = await import("better-sqlite3");
    return module.default ?? module;
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("better-sqlite3")) throw err;
    const error = new Error(
      "Ledger.sqlite() needs the better-sqlite3 package (version 12): npm install better-sqlite3@12",
      { cause: err },
    );
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
}

/** Opens `path` (a file, created if missing unless `options.create` is false, or
 * `":memory:"`). `notFound(reason)` makes the `ledger_not_found` error. */
export async function openSqlite(path, options = {}, notFound) {
  if (typeof path !== "string" || path === "") {
    const error = new TypeError('Ledger.sqlite(path): path must be a file name or ":memory:"');
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  const timeout = options?.timeoutMs ?? 30_000;
  const create = options?.create ?? true;
  const Database = await loadDriver();
  if (!create && path !== ":memory:") {
    const { existsSync } = await import("node:fs");
    if (!existsSync(path)) {
      throw notFound(`no SQLite ledger at ${JSON.stringify(path)} (open it with { create: true } to make a new one)`);
    }
  }
  let db;
  try {
    db = new Database(path, { timeout });
  } catch (err) {
    // better-sqlite3 does not say which file ("the directory does not exist"): the message does.
    throw new Error(`cannot open the SQLite ledger ${JSON.stringify(path)}: ${err?.message ?? err}`, { cause: err });
  }
  try {
    await useWal(db, timeout);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteDriver(db);
}

/**
 * Switches a new file to WAL (once set, it is the file's mode). The switch needs the file to
 * itself, and SQLite answers SQLITE_BUSY at once rather than wait when another process opens
 * it at the same moment: retried until the busy timeout.
 */
async function useWal(db, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      if (db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
      return;
    } catch (err) {
      if (!String(err?.code).startsWith("SQLITE_BUSY") || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

class SqliteDriver {
  dialect = "sqlite";
  #db;
  /** Prepared statements by SQL text: the core's texts are few (one per batch size). */
  #prepared = new Map();

  constructor(db) {
    this.#db = db;
  }

  #prepare(sql) {
    let statement = this.#prepared.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (statement.reader) statement.raw(true);
      this.#prepared.set(sql, statement);
    }
    return statement;
  }

  #run(statements) {
    let changed = 0;
    for (const { sql, params } of statements) changed += this.#prepare(sql).run(params).changes;
    return changed;
  }

  #query({ sql, params }) {
    return this.#prepare(sql).all(params);
  }

  /** Runs the core's transaction `tx`: `before`, then `query` whose rows `then` turns into
   * more statements (throwing rolls it all back), then reads `results`. Reads run in a
   * deferred transaction, writes in an immediate one. */
  async transact(tx, then) {
    const run = () => {
      let changed = this.#run(tx.before);
      if (tx.query !== null) changed += this.#run(then(this.#query(tx.query)));
      return { changed, results: tx.results.map((statement) => this.#query(statement)) };
    };
    const transaction = this.#db.transaction(run);
    return tx.write ? transaction.immediate() : transaction.deferred();
  }

  /** The SQLite error name the core reads to decide on a retry. */
  errorCode(err) {
    return typeof err?.code === "string" ? err.code : undefined;
  }

  async close() {
    this.#prepared.clear();
    if (this.#db.open) this.#db.close();
  }
}
