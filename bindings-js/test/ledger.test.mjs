// The ledger suite, run on every backend: an SQLite file, SQLite `:memory:`, memory and
// PostgreSQL (never skipped: test/ledger_backends.mjs starts a server when none is given).
// Dedup, exact round trips of odd subjects, bad input, identifiers, jobs, the subject key,
// and `forget` leaving only a tombstone (checked by scanning every table).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Ledger, capture } from "erasekit";
import { BACKENDS, pgSchema, tempDir } from "./ledger_backends.mjs";
import { erased, receiptKeyOf } from "./ledger_receipts.mjs";

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

/**
 * Entries as a backend gives them, checked to be in the one order every backend uses:
 * oldest first, ties by kind, product and id as text.
 */
function canonical(entries) {
  assert.deepStrictEqual(entries, ordered(entries), "oldest first, then kind, product, id");
  return entries;
}

/** Sorted by created_at, then kind, product, id. */
function ordered(entries) {
  const key = (e) => [e.created_at, e.kind, e.product ?? "", e.id];
  return [...entries].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
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

const ODD_SUBJECTS = [
  "user-42",
  "o'brien \"quoted\"",
  "x'); DROP TABLE erasekit_entries; --",
  "Robert'); DELETE FROM erasekit_tombstones WHERE ('1'='1",
  "Zoë 👩‍💻 ユーザー",
  "tab\there\nnewline \\ backslash % _ wildcards",
  "é".repeat(128), // exactly 256 bytes
];

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

    test("records captured entries, reads them back exactly, oldest first, once each", () =>
      withLedger(async ({ ledger }) => {
        assert.equal(ledger.backend, name.split(" ")[0]);
        const entries = sampleEntries();
        assert.equal(entries.length, 6);
        assert.equal(await ledger.record("user-42", entries), 6);
        assert.equal(await ledger.record("user-42", entries), 0, "the same webhook twice is harmless");
        const more = capture.smsInbound({ messageId: "AIN1", msisdn: "447700900001", to: "447700900000", "message-timestamp": "2023-11-14 22:13:21" });
        assert.equal(await ledger.record("user-42", [...entries.slice(0, 2), ...more]), 1);
        assert.deepStrictEqual(canonical(await ledger.entries("user-42")), ordered([...entries, ...more]));
        assert.deepStrictEqual(await ledger.entries("nobody"), []);
        assert.equal(await ledger.record("user-42", []), 0);
        // The same ids under another subject are that subject's own.
        assert.equal(await ledger.record("user-43", entries), 6);
        assert.deepStrictEqual(await ledger.subjects(), ["user-42", "user-43"]);
      }));

    test("subjects with quotes, SQL and unicode are stored and found exactly", () =>
      withLedger(async ({ ledger }) => {
        const entries = sampleEntries();
        for (const subject of ODD_SUBJECTS) {
          assert.equal(await ledger.record(subject, entries), entries.length, subject);
          await ledger.link(subject, ["+44 7700 900123"]);
        }
        for (const subject of ODD_SUBJECTS) {
          assert.deepStrictEqual(canonical(await ledger.entries(subject)), ordered(entries), subject);
        }
        assert.deepStrictEqual([...(await ledger.subjects())].sort(), [...ODD_SUBJECTS].sort());
        assert.deepStrictEqual(await ledger.entries("user-4"), [], "no prefix match");
        assert.deepStrictEqual(await ledger.entries("USER-42"), [], "no case folding");
        const stone = await ledger.forget(ODD_SUBJECTS[2], await erased(ledger, ODD_SUBJECTS[2], "receipt-sql"));
        assert.equal(stone.receipt_id, "receipt-sql");
        assert.equal((await ledger.subjects()).length, ODD_SUBJECTS.length - 1);
        assert.deepStrictEqual(await ledger.tombstones(ODD_SUBJECTS[2]), [stone]);
      }));

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

    test("link takes phone numbers in any common form and USR- ids; identifiers() gives them back", () =>
      withLedger(async ({ ledger }) => {
        const user = "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab";
        await ledger.link("user-42", ["+44 7700 900123", "0044-7700-900123", user, { kind: "phone", value: "447700900124" }]);
        await ledger.link("user-42", ["(+44) 7700.900.123"]);
        const got = await ledger.identifiers("user-42");
        const key = (i) => `${i.kind}:${i.value}`;
        assert.deepStrictEqual(got.map(key).sort(), [
          `conversation_user:${user}`,
          "phone:+447700900123",
          "phone:+447700900124",
        ]);
        assert.deepStrictEqual(await ledger.subjects(), ["user-42"], "identifiers alone make a subject");
        assert.equal((await rejects(ledger.link("user-42", ["07700 900123"]), "invalid_phone")).details.given, "07700 900123");
        await rejects(ledger.link("user-42", ["USR-a\nb"]), "invalid_id");
        assert.equal((await rejects(ledger.link("user-42", "+447700900123"), "invalid_argument")).details.field, "identifiers");
        assert.equal((await rejects(ledger.link("user-42", [42]), "invalid_argument")).details.field, "identifiers[0]");
        assert.equal((await ledger.identifiers("user-42")).length, 3);
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

    test("forget checks a signed receipt before keeping its id", () =>
      withLedger(async ({ ledger }) => {
        await ledger.record("user-42", sampleEntries());
        const fake = { receipt: { receipt_id: "r-1" }, signature: { algorithm: "ed25519", public_key: "00", value: "00" } };
        await rejects(ledger.forget("user-42", fake), "invalid_receipt");
        await rejects(ledger.forget("user-42", JSON.stringify(fake)), "invalid_receipt");
        await rejects(ledger.forget("user-42", "receipt-1"), "invalid_receipt");
        assert.equal((await rejects(ledger.forget("user-42", 42), "invalid_argument")).details.field, "receipt");
        assert.equal((await ledger.entries("user-42")).length, 6, "nothing was forgotten");
      }));

    test("forget refuses a receipt of another subject or another signer: receipt_mismatch", () =>
      withLedger(async ({ ledger }) => {
        await ledger.record("victim", sampleEntries("V"));
        await ledger.record("attacker", sampleEntries("A"));
        await rejects(ledger.forget("victim", await erased(ledger, "attacker", "job-a")), "receipt_mismatch");
        const forged = await erased(ledger, "victim", "job-f", { key: new Uint8Array(32).fill(1) });
        await rejects(ledger.forget("victim", forged), "receipt_mismatch");
        assert.equal((await ledger.entries("victim")).length, 6, "nothing was forgotten");
        assert.deepStrictEqual(await ledger.receipts(), []);
      }));

    test("forget keeps what the receipt does not settle: failed entries and ids recorded meanwhile", () =>
      withLedger(async ({ ledger }) => {
        await ledger.record("user-42", sampleEntries());
        const receipt = await erased(ledger, "user-42", "job-1", { refuse: ["ASMS1"] });
        await ledger.record("user-42", sampleEntries("LATE"));
        assert.equal(await ledger.forget("user-42", receipt), null);
        const left = (await ledger.entries("user-42")).map((e) => e.id).sort();
        assert.ok(left.includes("ASMS1") && left.length === 7, JSON.stringify(left));
        assert.deepStrictEqual(await ledger.tombstones("user-42"), []);
        assert.deepStrictEqual(await ledger.receipt("job-1"), receipt);
        assert.equal(await ledger.receipt("job-2"), null);
      }));

    test("planning a subject without entries is unknown_subject unless allowEmpty", () =>
      withLedger(async ({ ledger }) => {
        const err = await rejects(ledger.planErasure("never-seen"), "unknown_subject");
        assert.ok(!err.message.includes("never-seen"));
        const plan = await ledger.planErasure("never-seen", { options: { allowEmpty: true } });
        assert.equal(plan.operations.length, 0);
      }));

    test("job checkpoints: save, replace, load, list", () =>
      withLedger(async ({ ledger }) => {
        assert.equal(await ledger.loadJob("missing"), null);
        assert.deepStrictEqual(await ledger.jobs(), []);
        await ledger.saveJob("job-1", "user-42", "running", '{"n":1}');
        await new Promise((resolve) => setTimeout(resolve, 5));
        await ledger.saveJob("job-2", "user-43", "running", '{"n":2}');
        await new Promise((resolve) => setTimeout(resolve, 5));
        await ledger.saveJob("job-1", "user-42", "finished", '{"n":3}');
        const one = await ledger.loadJob("job-1");
        assert.deepStrictEqual(Object.keys(one), ["job_id", "subject", "state", "snapshot", "updated_at"]);
        assert.deepStrictEqual({ ...one, updated_at: 0 }, { job_id: "job-1", subject: "user-42", state: "finished", snapshot: '{"n":3}', updated_at: 0 });
        assert.equal(typeof one.updated_at, "number");
        assert.deepStrictEqual((await ledger.jobs()).map((j) => j.job_id), ["job-2", "job-1"]);
        await rejects(ledger.saveJob("job-3", "", "running", "{}"), "invalid_subject");
        assert.equal((await rejects(ledger.saveJob("job-3", "s", "running", {}), "invalid_argument")).details.field, "snapshot");
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
