// The ledger backends the suites run on: an SQLite file, SQLite `:memory:`, memory and
// PostgreSQL. PostgreSQL comes from $ERASEKIT_PG_DSN, else `scripts/pg.sh start` (a throwaway
// server on 127.0.0.1): never skipped. Each PostgreSQL ledger gets a schema of its own (through
// the connection's search_path), dropped afterwards, so suites running at once never meet.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import Database from "better-sqlite3";
import { Ledger } from "erasekit";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

let dsn;
/** The PostgreSQL server's URL: $ERASEKIT_PG_DSN or the one `scripts/pg.sh start` prints. */
export function pgDsn() {
  if (dsn === undefined) {
    dsn =
      process.env.ERASEKIT_PG_DSN ||
      execFileSync(join(repoRoot, "scripts", "pg.sh"), ["start"], { encoding: "utf8" }).trim().split("\n").pop();
  }
  return dsn;
}

/** Runs `sql` (test set-up only) on its own connection. */
async function admin(sql) {
  const client = new pg.Client({ connectionString: pgDsn() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh PostgreSQL schema: `{ schema, url, pool(), scan(), drop() }`. `url` selects the schema
 * through libpq's `options`; `pool()` makes a `pg.Pool` on it.
 */
export async function pgSchema() {
  const schema = `erasekit_js_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const options = `-c search_path=${schema}`;
  const base = pgDsn();
  const pools = [];
  return {
    schema,
    url: `${base}${base.includes("?") ? "&" : "?"}options=${encodeURIComponent(options)}`,
    pool() {
      const pool = new pg.Pool({ connectionString: base, options, max: 4 });
      pools.push(pool);
      return pool;
    },
    /** Every row of every table of the schema, as JSON text. */
    async scan() {
      const tables = await admin(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`,
      );
      const out = {};
      for (const { table_name: table } of tables.rows) {
        out[table] = (await admin(`SELECT row_to_json(t)::text AS row FROM ${schema}.${table} t`)).rows.map((r) => r.row);
      }
      return out;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

/** Every row of every table of an SQLite file, as JSON text (read with better-sqlite3 directly). */
export function sqliteScan(path) {
  const db = new Database(path, { readonly: true });
  try {
    const out = {};
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1").all()) {
      out[name] = db.prepare(`SELECT * FROM "${name}"`).all().map((row) => JSON.stringify(row));
    }
    return out;
  } finally {
    db.close();
  }
}

/** A temporary directory, removed by the returned function. */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "erasekit-ledger-"));
  return [dir, () => rmSync(dir, { recursive: true, force: true })];
}

/**
 * The backends: each `open()` resolves to `{ ledger, scan(), reopen(), cleanup() }`; `scan()`
 * is everything the ledger's storage holds (every table, or the memory ledger's export), and
 * `reopen()` opens the same storage again (null where that is not possible).
 */
export const BACKENDS = {
  "sqlite file": async () => {
    const [dir, remove] = tempDir();
    const path = join(dir, "ledger.db");
    const ledger = await Ledger.sqlite(path);
    return { ledger, scan: async () => sqliteScan(path), reopen: () => Ledger.sqlite(path), cleanup: remove };
  },
  "sqlite :memory:": async () => {
    const ledger = await Ledger.sqlite(":memory:");
    return { ledger, scan: null, reopen: null, cleanup: () => {} };
  },
  memory: async () => {
    const ledger = await Ledger.memory();
    return {
      ledger,
      scan: async () => ({ export: [await ledger.export()] }),
      reopen: async () => Ledger.fromExport(await ledger.export()),
      cleanup: () => {},
    };
  },
  postgres: async () => {
    const db = await pgSchema();
    const ledger = await Ledger.postgres(db.pool());
    return { ledger, scan: () => db.scan(), reopen: () => Ledger.postgres(db.url), cleanup: () => db.drop() };
  },
};
