// The PostgreSQL driver of `Ledger.postgres(poolOrUrl)` (Node only): `pg`, loaded on first use.
//
// It runs the core's statements (PostgreSQL's own `$1` placeholders, rows as arrays) and
// nothing else; the only SQL text here is the BEGIN/COMMIT/ROLLBACK that bracket a transaction
// on one pooled connection. Statements are sent as named prepared statements (the name is a
// hash of the text), so each connection parses the core's few parameterised texts once.

/** pg, or a clear error when it is not installed. */
async function loadDriver() {
  try {
    const module = await import("pg");
    return module.default ?? module;
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("'pg'")) throw err;
    const error = new Error("Ledger.postgres() needs the pg package: npm install pg", { cause: err });
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
}

/**
 * A pool to run on: a `pg.Pool` (anything with `connect()` handing out clients with
 * `release()`; left open by `close()`), or a connection URL (a pool of our own).
 */
export async function openPostgres(target) {
  if (typeof target === "string" && target !== "") {
    const pg = await loadDriver();
    return new PostgresDriver(new pg.Pool({ connectionString: target }), true);
  }
  if (target !== null && typeof target === "object" && typeof target.connect === "function" && "totalCount" in target) {
    return new PostgresDriver(target, false);
  }
  const error = new TypeError("Ledger.postgres(poolOrUrl): expected a pg.Pool or a postgresql:// connection URL");
  error.code = "ERR_INVALID_ARG_TYPE";
  throw error;
}

/** A 53-bit hash of `text` (cyrb53), for prepared statement names. */
function hash53(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

class PostgresDriver {
  dialect = "postgres";
  #pool;
  #owned;
  #names = new Map();

  constructor(pool, owned) {
    this.#pool = pool;
    this.#owned = owned;
  }

  #config({ sql, params }) {
    // Schema statements (no parameters) run once per open: not worth a prepared statement.
    if (params.length === 0) return { text: sql, rowMode: "array" };
    let name = this.#names.get(sql);
    if (name === undefined) {
      name = `erasekit_${hash53(sql).toString(36)}`;
      this.#names.set(sql, name);
    }
    return { name, text: sql, values: params, rowMode: "array" };
  }

  async #run(client, statements) {
    let changed = 0;
    for (const statement of statements) changed += (await client.query(this.#config(statement))).rowCount ?? 0;
    return changed;
  }

  async #transaction(fn) {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Runs the core's transaction `tx`: `before`, then `query` whose rows `then` turns into
   * more statements (throwing rolls it all back), then reads `results` (rows as arrays,
   * BIGINT as text: the core reads it). */
  async transact(tx, then) {
    if (!tx.write && tx.before.length === 0 && tx.query === null && tx.results.length === 1) {
      return { changed: 0, results: [(await this.#pool.query(this.#config(tx.results[0]))).rows] };
    }
    return this.#transaction(async (client) => {
      let changed = await this.#run(client, tx.before);
      if (tx.query !== null) changed += await this.#run(client, then((await client.query(this.#config(tx.query))).rows));
      const results = [];
      for (const statement of tx.results) results.push((await client.query(this.#config(statement))).rows);
      return { changed, results };
    });
  }

  /** The SQLSTATE the core reads to decide on a retry. */
  errorCode(err) {
    return typeof err?.code === "string" ? err.code : undefined;
  }

  async close() {
    if (this.#owned) await this.#pool.end();
  }
}
