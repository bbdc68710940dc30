// tests/vectors/ledger.json: the ledger's proof rules on every backend (memory, SQLite file,
// SQLite :memory:, PostgreSQL) through the public Ledger API, as Rust and Python replay them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ledger, capture } from "erasekit";
import { BACKENDS } from "./ledger_backends.mjs";
import { erased } from "./ledger_receipts.mjs";

const { cases } = JSON.parse(readFileSync(fileURLToPath(new URL("../../tests/vectors/ledger.json", import.meta.url)), "utf8"));
const T0 = 1_700_000_000_000;
const RUN = Symbol.for("erasekit.Ledger.run");

const sms = (ids) => capture.smsSend({ messages: ids.map((id) => ({ "message-id": id, status: "0" })) }, { at: T0 });
const TIMES = new Set(["updated_at", "forgotten_at", "expires_at", "renew_at", "hold_until"]);

/** Times and subject hashes (random keys, the clock) as the vectors write them. */
function normal(value) {
  if (Array.isArray(value)) return value.map(normal);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === "subject_hash" ? "<hash>" : TIMES.has(k) ? "<time>" : normal(v)]),
  );
}

async function step(ledger, s) {
  switch (s.op) {
    case "record":
      return ledger.record(s.subject, s.ids ? sms(s.ids) : s.entries);
    case "check":
      return null;
    case "plan":
      return (await ledger.planErasure(s.subject, { allowEmpty: s.allow_empty ?? false })).operations.length;
    case "erase": {
      const key = s.foreign_key === undefined ? undefined : new Uint8Array(32).fill(s.foreign_key);
      const receipt = await erased(ledger, s.subject, s.job, { refuse: s.refuse ?? [], key, allowEmpty: s.allow_empty ?? false });
      if (s.record_during) await ledger.record(s.subject, sms(s.record_during));
      const forgotten = s.subject_forgotten ?? s.subject;
      if (s.forget_twice) await ledger.forget(forgotten, receipt);
      return ledger.forget(forgotten, receipt);
    }
    case "claim":
      return ledger[RUN].claim(s.job, s.subject, "{}", s.owner, false, 60_000);
    case "renew":
      return ledger[RUN].renew({ job_id: s.job, owner: s.owner, attempt: s.attempt }, s.state ?? "running", "{}", 60_000);
    case "link":
      return (await ledger.link(s.subject, s.identifiers)) ?? null;
    case "entries":
    case "identifiers":
    case "tombstones":
      return ledger[s.op](s.subject);
    case "subjects":
      return ledger.subjects();
    case "forget":
      return ledger.forget(s.subject, s.receipt);
    case "receipt":
      return (await ledger.receipt(s.job_id))?.receipt.receipt_id ?? null;
    case "receipts":
      return (await ledger.receipts()).map((r) => r.receipt.receipt_id);
    case "save_job":
      return (await ledger.saveJob(s.job_id, s.subject, s.state, s.snapshot)) ?? null;
    case "load_job":
      return ledger.loadJob(s.job_id);
    case "jobs":
      return (await ledger.jobs()).map((j) => j.job_id);
    default:
      throw new Error(`unknown op ${s.op}`);
  }
}

for (const [name, open] of Object.entries(BACKENDS)) {
  describe(`ledger vectors on ${name}`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const { ledger: first, reopen, cleanup } = await open();
        const opened = [first];
        let ledger = first;
        try {
          for (const s of c.steps) {
            if (s.op === "reopen") {
              if (ledger.backend === "memory") ledger = await Ledger.fromExport(await ledger.export());
              else if (reopen) ledger = await reopen();
              opened.push(ledger);
            } else if (s.error !== undefined) {
              await assert.rejects(step(ledger, s), (err) => err.code === s.error, JSON.stringify(s));
            } else {
              const result = await step(ledger, s);
              if (s.answer !== undefined) assert.deepStrictEqual(normal(result), s.answer, JSON.stringify(s));
              if (s.answer_ids !== undefined) assert.deepStrictEqual([...result].sort(), s.answer_ids);
              if (s.operations !== undefined) assert.equal(result, s.operations);
              if (s.op === "claim" && s.attempt !== undefined) assert.equal(result.attempt, s.attempt);
            }
            if (s.expect !== undefined) {
              const remaining = (await ledger.entries(s.subject)).map((e) => e.id).sort();
              assert.deepStrictEqual(remaining, s.expect.remaining, JSON.stringify(s));
              assert.equal((await ledger.tombstones(s.subject)).length, s.expect.tombstones);
              assert.deepStrictEqual((await ledger.receipts()).map((r) => r.receipt.receipt_id), s.expect.receipts);
            }
          }
        } finally {
          for (const l of opened) await l.close();
          await cleanup();
        }
      });
    }
  });
}

// Two runs of one subject started together, each through its own connection: the database lets
// exactly one run; the other is refused with subject_busy before it sends anything.
for (const name of ["sqlite file", "postgres"]) {
  test(`two runs started together on ${name}: exactly one runs`, async () => {
    const { ErasureJob } = await import("erasekit");
    const { ledger, reopen, cleanup } = await BACKENDS[name]();
    const other = await reopen();
    try {
      await ledger.record("user-42", capture.smsSend({ messages: [1, 2, 3].map((i) => ({ "message-id": `S${i}`, status: "0" })) }, { at: Date.now() - 7_200_000 }));
      let sent = 0;
      const fetch = async () => {
        sent += 1;
        await new Promise((r) => setTimeout(r, 30));
        return new Response(null, { status: 204 });
      };
      const runs = [ledger, other].map(async (l) => {
        const job = new ErasureJob(await l.planErasure("user-42"), { maxInFlight: 1, ratePerSecond: 1000, checkTarget: false });
        return job.run({ credentials: { apiKey: "k", apiSecret: "s" }, fetch, ledger: l });
      });
      const results = await Promise.allSettled(runs);
      const done = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r) => r.status === "rejected");
      assert.equal(done.length, 1, JSON.stringify(results.map((r) => r.reason?.code)));
      assert.equal(refused[0].reason.code, "subject_busy");
      assert.equal(done[0].value.receipt.counts.done, 3);
      assert.equal(sent, 3, "the refused run sent nothing");
      assert.deepStrictEqual(await ledger.entries("user-42"), []);
    } finally {
      await other.close();
      await ledger.close();
      await cleanup();
    }
  });
}
