// Two processes recording into the same ledger at once lose nothing: an SQLite file (WAL, busy
// timeout, BEGIN IMMEDIATE) and a PostgreSQL schema. Both start on a ledger that does not exist
// yet, so they also race to create the schema and the subject key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Ledger } from "erasekit";
import { pgSchema, tempDir } from "./ledger_backends.mjs";

const child = fileURLToPath(new URL("./ledger_child.mjs", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const COUNT = 1500;
const BATCH = 10;

/** Runs two children (`tags`) on `target` at once; resolves to what each added. */
async function twoWriters(target, tags = ["a", "b"], batch = BATCH) {
  const startAt = String(Date.now() + 1500);
  const run = (tag) =>
    promisify(execFile)(process.execPath, [child, target, tag, String(COUNT), String(batch), startAt], { cwd: packageDir }).then(
      ({ stdout }) => JSON.parse(stdout).added,
      (err) => {
        throw new Error(`writer ${tag} failed: ${err.stderr || err.message}`);
      },
    );
  return Promise.all(tags.map(run));
}

async function check(ledger) {
  const shared = await ledger.entries("shared-subject");
  assert.equal(shared.length, 2 * COUNT, "no entry of either process was lost");
  assert.equal(new Set(shared.map((e) => e.id)).size, 2 * COUNT);
  assert.equal((await ledger.entries("own-a")).length, COUNT);
  assert.equal((await ledger.entries("own-b")).length, COUNT);
  assert.deepStrictEqual(await ledger.subjects(), ["own-a", "own-b", "shared-subject"]);
}

test("two processes record into one SQLite file at once and lose nothing", async () => {
  const [dir, remove] = tempDir();
  try {
    const path = join(dir, "ledger.db");
    assert.deepStrictEqual(await twoWriters(path), [2 * COUNT, 2 * COUNT]);
    const ledger = await Ledger.sqlite(path);
    await check(ledger);
    await ledger.close();
  } finally {
    remove();
  }
});

test("two processes record into one PostgreSQL database at once and lose nothing", async () => {
  const db = await pgSchema();
  try {
    assert.deepStrictEqual(await twoWriters(db.url), [2 * COUNT, 2 * COUNT]);
    const ledger = await Ledger.postgres(db.url);
    await check(ledger);
    await ledger.close();
  } finally {
    await db.drop();
  }
});

/** The same entries from both processes, in opposite orders: each is recorded exactly once. */
async function contended(target, open) {
  const added = await twoWriters(target, ["forward", "backward"], 100);
  assert.equal(added[0] + added[1], COUNT, "every entry was recorded by exactly one process");
  const ledger = await open();
  try {
    const entries = await ledger.entries("contended-subject");
    assert.equal(entries.length, COUNT);
    assert.equal(new Set(entries.map((e) => e.id)).size, COUNT);
  } finally {
    await ledger.close();
  }
}

test("two processes recording the same entries in opposite orders: SQLite", async () => {
  const [dir, remove] = tempDir();
  try {
    const path = join(dir, "ledger.db");
    await contended(path, () => Ledger.sqlite(path));
  } finally {
    remove();
  }
});

test("two processes recording the same entries in opposite orders: PostgreSQL (deadlocks are run again)", async () => {
  const db = await pgSchema();
  try {
    await contended(db.url, () => Ledger.postgres(db.url));
  } finally {
    await db.drop();
  }
});
