// The ledger suite, run on every backend: an SQLite file, SQLite `:memory:`, memory and
// PostgreSQL (never skipped: test/ledger_backends.mjs starts a server when none is given).
// What only a host shows: JS argument types (Date, wrong types), the subject key kept by the
// storage, `forget` leaving only a tombstone (checked by scanning every table), closing,
// drivers and packages. The ledger's rules themselves are tests/vectors/ledger.json.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Ledger, capture } from "erasekit";
import { BACKENDS, pgSchema, tempDir } from "./ledger_backends.mjs";
import { erased } from "./ledger_receipts.mjs";

const AT = 1_700_000_000_000;

/** Entries of several sources, as a host captures them. */
function sampleEntries(prefix = "A") {
  return [
    ...capture.smsSend(
      { messages: [{ "message-id": `${prefix}SMS1`, status: "0" }, { "message-id": `${prefix}SMS2`, status: "0" }] },
      { at: AT },
    ),
    ...capture.voiceCall(
      { uuid: `${prefix.toLowerCase()}3fd5d1a-0000-4000-8000-000000000001`, conversation_uuid: `CON-${prefix}1`, status: "started" },
      { at: AT + 1000 },
    ),
    ...capture.conversationEvent({ id: 5, conversation_id: `CON-${prefix}1`, type: "text" }, { at: AT - 5000 }),
    ...capture.voiceRecording(
      {
        recording_url: `https://api.nexmo.com/v1/files/${prefix.toLowerCase()}a000000-0000-4000-8000-000000000002`,
        start_time: "2023-11-14T22:13:20Z",
        conversation_uuid: `CON-${prefix}1`,
      },
      {},
    ),
  ];
}

/** Runs `fn`, expects a rejection with an ErasekitError of `code`, returns it. */
async function rejects(promise, code) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, "instanceof Error");
    assert.equal(err.name, "ErasekitError", err.message);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`did not reject (expected ${code})`);
}

for (const [name, open] of Object.entries(BACKENDS)) {
  describe(`ledger on ${name}`, () => {
    /** Opens a fresh ledger, runs `fn(ctx)`, closes and cleans up. */
    async function withLedger(fn) {
      const ctx = await open();
      try {
        await fn(ctx);
      } finally {
        await ctx.ledger.close();
        await ctx.cleanup();
      }
    }

    test("bad subjects are invalid_subject; wrong-shaped entries are invalid_argument naming entries[i]", () =>
      withLedger(async ({ ledger }) => {
        const entries = sampleEntries();
        for (const subject of ["", "x".repeat(257), "é".repeat(129)]) {
          await rejects(ledger.record(subject, entries), "invalid_subject");
          await rejects(ledger.entries(subject), "invalid_subject");
          await rejects(ledger.link(subject, ["+447700900123"]), "invalid_subject");
          await rejects(ledger.forget(subject, "{}"), "invalid_subject");
        }
        assert.equal((await rejects(ledger.record(42, entries), "invalid_argument")).details.field, "subject");
        const cases = [
          ["not an array", entries[0], "entries"],
          ["a string", "entries", "entries"],
          ["a number in the list", [entries[0], 5], "entries[1]"],
          ["a missing field", [entries[0], { ...entries[1], id: undefined }], "entries[1]"],
          ["an unknown kind", [{ ...entries[0], kind: "sms" }], "entries[0]"],
          ["a transaction without product", [{ ...entries[0], product: null }], "entries[0].product"],
          ["an id with a newline", [entries[0], entries[1], { ...entries[2], id: "a\nb" }], "entries[2].id"],
          ["created_at as text", [{ ...entries[0], created_at: "2023-11-14" }], "entries[0]"],
          ["extra as a list", [{ ...entries[0], extra: [] }], "entries[0]"],
        ];
        for (const [what, bad, field] of cases) {
          const err = await rejects(ledger.record("user-42", bad), "invalid_argument");
          assert.equal(err.details.field, field, what);
        }
        assert.deepStrictEqual(await ledger.subjects(), [], "nothing was written");
      }));

    test("record takes minimal entries with a Date as created_at; an invalid Date is refused", () =>
      withLedger(async ({ ledger }) => {
        const at = new Date(1_700_000_000_000);
        assert.equal(await ledger.record("user-42", [{ product: "sms", id: "M1", created_at: at }]), 1);
        assert.equal((await ledger.entries("user-42"))[0].created_at, 1_700_000_000_000);
        await rejects(ledger.record("user-42", [{ product: "sms", id: "M2", created_at: new Date(NaN) }]), "invalid_argument");
      }));

    test("forget deletes every row of the subject in one go and leaves only a tombstone", () =>
      withLedger(async ({ ledger, scan }) => {
        const gone = "forget-me 🙈 o'hara";
        const kept = "keep-me";
        const goneEntries = sampleEntries("G");
        await ledger.record(gone, goneEntries);
        await ledger.record(kept, sampleEntries("K"));
        await ledger.link(gone, ["+44 7700 900999", "USR-99999999-bbbb-cccc-dddd-0123456789ab"]);
        await ledger.link(kept, ["+44 7700 900111"]);
        await ledger.saveJob("job-gone", gone, "finished", '{"ops":[]}');
        await ledger.saveJob("job-kept", kept, "running", '{"ops":[]}');

        const before = Date.now();
        const receipt = await erased(ledger, gone, "receipt-1");
        const stone = await ledger.forget(gone, receipt);
        assert.deepStrictEqual(Object.keys(stone), ["subject_hash", "receipt_id", "forgotten_at"]);
        assert.match(stone.subject_hash, /^[0-9a-f]{64}$/);
        assert.equal(stone.receipt_id, "receipt-1");
        assert.ok(stone.forgotten_at >= before && stone.forgotten_at <= Date.now());

        assert.deepStrictEqual(await ledger.entries(gone), []);
        assert.deepStrictEqual(await ledger.identifiers(gone), []);
        assert.equal(await ledger.loadJob("job-gone"), null);
        assert.deepStrictEqual(await ledger.subjects(), [kept]);
        assert.deepStrictEqual((await ledger.jobs()).map((j) => j.job_id), ["job-kept"]);
        assert.equal((await ledger.entries(kept)).length, 6);
        assert.deepStrictEqual(await ledger.tombstones(gone), [stone]);
        assert.deepStrictEqual(await ledger.tombstones(kept), []);
        // The receipt is stored; the same receipt again keeps one tombstone.
        assert.deepStrictEqual(await ledger.receipt("receipt-1"), receipt);
        assert.deepStrictEqual(await ledger.receipts(), [receipt]);
        assert.deepStrictEqual(await ledger.forget(gone, receipt), stone);
        assert.equal((await ledger.tombstones(gone)).length, 1);

        if (scan) {
          const dump = JSON.stringify(await scan());
          // The stored receipt keeps Vonage's ids of what was erased, never the subject.
          for (const secret of [gone, JSON.stringify(gone).slice(1, -1), "447700900999", "USR-99999999"]) {
            assert.ok(!dump.includes(secret), `storage still names ${secret}`);
          }
          assert.ok(dump.includes(stone.subject_hash) && dump.includes("receipt-1"), "the tombstone is stored");
          assert.ok(dump.includes(kept) && dump.includes("KSMS1"), "the other subject is untouched");
        }
      }));

    test("the subject key: 32 random bytes made on first open, kept by the storage", () =>
      withLedger(async ({ ledger, reopen }) => {
        const key = ledger.subjectKey;
        assert.ok(key instanceof Uint8Array);
        assert.equal(key.length, 32);
        assert.ok(key.some((b) => b !== 0));
        key[0] ^= 0xff;
        assert.notDeepStrictEqual(ledger.subjectKey, key, "a copy");
        await ledger.record("user-42", sampleEntries());
        const stone = await ledger.forget("user-42", await erased(ledger, "user-42", "receipt-1"));
        const publicKey = await ledger.receiptPublicKey();
        assert.match(publicKey, /^[0-9a-f]{64}$/);
        if (reopen) {
          const again = await reopen();
          try {
            assert.deepStrictEqual(again.subjectKey, ledger.subjectKey);
            assert.equal(await again.receiptPublicKey(), publicKey, "the receipt key is kept too");
            assert.deepStrictEqual(await again.tombstones("user-42"), [stone]);
          } finally {
            await again.close();
          }
        }
        const other = await open();
        try {
          assert.notDeepStrictEqual(other.ledger.subjectKey, ledger.subjectKey, "each new ledger has its own key");
        } finally {
          await other.ledger.close();
          await other.cleanup();
        }
      }));

    test("a closed ledger refuses every call with a storage error; close is idempotent", async () => {
      const ctx = await open();
      await ctx.ledger.close();
      await ctx.ledger.close();
      assert.equal(ctx.ledger.closed, true);
      await rejects(ctx.ledger.record("user-42", []), "storage");
      await rejects(ctx.ledger.subjects(), "storage");
      assert.throws(() => ctx.ledger.subjectKey, (err) => err.code === "storage");
      await ctx.cleanup();
    });

    test("planErasure and resume delegate to js/job.mjs", () =>
      withLedger(async ({ ledger }) => {
        await ledger.record("user-42", sampleEntries());
        let plan;
        try {
          plan = await ledger.planErasure("user-42", { now: AT + 3 * 3_600_000 });
        } catch (err) {
          // A build without the erasure driver says so clearly.
          assert.equal(err.code, "ERR_MODULE_NOT_FOUND");
          assert.match(err.message, /job\.mjs/);
          return;
        }
        assert.equal(plan.subject, "user-42");
        assert.ok(plan.operations.length >= 5);
        await assert.rejects(ledger.resume("no-such-job", {}));
      }));
  });
}

test("memory: export() and Ledger.fromExport() carry everything, including the key", async () => {
  const ledger = await Ledger.memory();
  await ledger.record("user-42", sampleEntries());
  await ledger.link("user-42", ["+447700900123"]);
  await ledger.saveJob("job-1", "user-42", "running", "{}");
  await ledger.record("user-43", sampleEntries("B"));
  const receipt = await erased(ledger, "user-43", "receipt-9");
  const stone = await ledger.forget("user-43", receipt);
  const json = await ledger.export();
  assert.equal(typeof json, "string");
  const copy = await Ledger.fromExport(json);
  assert.equal(copy.backend, "memory");
  assert.deepStrictEqual(copy.subjectKey, ledger.subjectKey);
  assert.deepStrictEqual(await copy.entries("user-42"), await ledger.entries("user-42"));
  assert.deepStrictEqual(await copy.identifiers("user-42"), await ledger.identifiers("user-42"));
  assert.deepStrictEqual(await copy.jobs(), await ledger.jobs());
  assert.deepStrictEqual(await copy.tombstones("user-43"), [stone]);
  assert.deepStrictEqual(await copy.receipts(), [receipt]);
  assert.equal(await copy.receiptPublicKey(), await ledger.receiptPublicKey());
  assert.deepStrictEqual(await copy.subjects(), ["user-42"]);
  assert.equal(await copy.export(), json);
  // The copy is independent.
  await copy.forget("user-42", await erased(copy, "user-42", "receipt-10"));
  assert.equal((await ledger.entries("user-42")).length, 6);
  for (const bad of ["{}", "not json", '{"format":2,"key":"00","subjects":{},"tombstones":[],"jobs":{}}']) {
    await rejects(Ledger.fromExport(bad), "storage");
  }
  assert.equal((await rejects(Ledger.fromExport(42), "invalid_argument")).details.field, "json");
});

test("export() is for memory ledgers only", async () => {
  const ledger = await Ledger.sqlite(":memory:");
  await assert.rejects(ledger.export(), TypeError);
  await ledger.close();
});

test("Symbol.asyncDispose closes the ledger (await using)", async () => {
  const ledger = await Ledger.memory();
  await ledger[Symbol.asyncDispose]();
  assert.equal(ledger.closed, true);
});

test("the constructor is not public", () => {
  assert.throws(() => new Ledger(), TypeError);
});

test("sqlite: a file in WAL mode with a busy timeout, created with its parent's permissions", async () => {
  const [dir, remove] = tempDir();
  try {
    const path = join(dir, "ledger.db");
    const ledger = await Ledger.sqlite(path, { timeoutMs: 1000 });
    await ledger.record("user-42", sampleEntries());
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.prepare("SELECT value FROM erasekit_meta WHERE name = 'schema_version'").pluck().get(), "2");
    db.close();
    assert.ok(existsSync(`${path}-wal`));
    assert.equal(String(ledger), `Ledger(sqlite ${JSON.stringify(path)})`);
    await ledger.close();
    await assert.rejects(Ledger.sqlite(join(dir, "missing", "dir", "ledger.db")), (err) => err.code === "storage" && err.cause instanceof Error);
    await assert.rejects(Ledger.sqlite(42), TypeError);
    // Without `create`, a file that does not exist is ledger_not_found, and is not created.
    const absent = join(dir, "absent.db");
    await assert.rejects(Ledger.sqlite(absent, { create: false }), (err) => err.code === "ledger_not_found");
    assert.ok(!existsSync(absent));
    await (await Ledger.sqlite(path, { create: false })).close();
  } finally {
    remove();
  }
});

test("postgres: a URL gets a pool of its own, ended by close(); a pool passed in stays open", async () => {
  const db = await pgSchema();
  try {
    const byUrl = await Ledger.postgres(db.url);
    await byUrl.record("user-42", sampleEntries());
    await byUrl.close();
    const pool = db.pool();
    const byPool = await Ledger.postgres(pool);
    assert.equal((await byPool.entries("user-42")).length, 6);
    await byPool.close();
    assert.equal((await pool.query("SELECT count(*)::int AS n FROM erasekit_entries")).rows[0].n, 6, "the pool is still usable");
    // BIGINT columns come back from pg as text; the core reads them.
    assert.equal(typeof (await pool.query({ text: "SELECT created_at FROM erasekit_entries LIMIT 1", rowMode: "array" })).rows[0][0], "string");
    await assert.rejects(Ledger.postgres(42), TypeError);
    await assert.rejects(Ledger.postgres({ query() {} }), TypeError);
  } finally {
    await db.drop();
  }
});

test("postgres: an unreachable server is a storage error with the driver's error as cause", async () => {
  const err = await rejects(Ledger.postgres("postgresql://nobody@127.0.0.1:1/none"), "storage");
  assert.ok(err.cause instanceof Error);
});

test("the README's ledger example runs as documented", async () => {
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const { fileURLToPath } = await import("node:url");
  const { readmeBlock } = await import("./readme_blocks.mjs");
  const [dir, remove] = tempDir();
  try {
    const block = readmeBlock("Ledger", "js");
    assert.ok(block.includes('Ledger.sqlite("ledger.db")'));
    const code = block.replace('"ledger.db"', JSON.stringify(join(dir, "ledger.db")));
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", code], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });
    assert.match(stdout, /^\[ 'sms 0A0000000123ABCD1' \]\nunknown_subject\n[0-9a-f]{64}\n$/);
    assert.ok(existsSync(join(dir, "ledger.db")));
  } finally {
    remove();
  }
});

test("without better-sqlite3 or pg installed, opening says which package to install", async () => {
  const { execFile } = await import("node:child_process");
  const { writeFileSync } = await import("node:fs");
  const { promisify } = await import("node:util");
  const { fileURLToPath, pathToFileURL } = await import("node:url");
  const [dir, remove] = tempDir();
  try {
    // A resolve hook that hides both drivers, as in a project that installed neither.
    writeFileSync(
      join(dir, "hooks.mjs"),
      `export async function resolve(specifier, context, next) {
        if (specifier === "better-sqlite3" || specifier === "pg") {
          const err = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL);
          err.code = "ERR_MODULE_NOT_FOUND";
          throw err;
        }
        return next(specifier, context);
      }`,
    );
    writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
    const code = `
      import { Ledger } from "erasekit";
      const out = [];
      for (const open of [() => Ledger.sqlite(":memory:"), () => Ledger.postgres("postgresql://127.0.0.1/x")]) {
        try { await open(); out.push("opened"); } catch (err) { out.push([err.code, err.message]); }
      }
      const memory = await Ledger.memory();
      out.push(memory.backend);
      console.log(JSON.stringify(out));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", pathToFileURL(join(dir, "register.mjs")).href, "--input-type=module", "-e", code],
      { cwd: fileURLToPath(new URL("..", import.meta.url)) },
    );
    const [sqlite, postgres, memory] = JSON.parse(stdout);
    assert.equal(sqlite[0], "ERR_MODULE_NOT_FOUND");
    assert.match(sqlite[1], /npm install better-sqlite3@12/);
    assert.equal(postgres[0], "ERR_MODULE_NOT_FOUND");
    assert.match(postgres[1], /npm install pg/);
    assert.equal(memory, "memory");
  } finally {
    remove();
  }
});
