// tests/vectors/ledger.json: the ledger's proof rules on every backend (memory, SQLite file,
// SQLite :memory:, PostgreSQL), as Rust and Python replay them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { capture } from "erasekit";
import { BACKENDS } from "./ledger_backends.mjs";
import { erased } from "./ledger_receipts.mjs";

const { cases } = JSON.parse(readFileSync(fileURLToPath(new URL("../../tests/vectors/ledger.json", import.meta.url)), "utf8"));
const T0 = 1_700_000_000_000;
const RUN = Symbol.for("erasekit.Ledger.run");

const sms = (ids) => capture.smsSend({ messages: ids.map((id) => ({ "message-id": id, status: "0" })) }, { at: T0 });

async function step(ledger, s) {
  switch (s.op) {
    case "record":
      return ledger.record(s.subject, sms(s.ids));
    case "check":
      return null;
    case "plan":
      return (await ledger.planErasure(s.subject, { allowEmpty: s.allow_empty ?? false })).operations.length;
    case "erase": {
      const key = s.foreign_key === undefined ? undefined : new Uint8Array(32).fill(s.foreign_key);
      const receipt = await erased(ledger, s.subject, s.job, { refuse: s.refuse ?? [], key, allowEmpty: s.allow_empty ?? false });
      if (s.record_during) await ledger.record(s.subject, sms(s.record_during));
      return ledger.forget(s.subject_forgotten ?? s.subject, receipt);
    }
    case "claim":
      return ledger[RUN].claim(s.job, s.subject, "{}", s.owner, false, 60_000);
    case "renew":
      return ledger[RUN].renew({ job_id: s.job, owner: s.owner, attempt: s.attempt }, "running", "{}", 60_000);
    default:
      throw new Error(`unknown op ${s.op}`);
  }
}

for (const [name, open] of Object.entries(BACKENDS)) {
  describe(`ledger vectors on ${name}`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const { ledger, cleanup } = await open();
        try {
          for (const s of c.steps) {
            if (s.error !== undefined) {
              await assert.rejects(step(ledger, s), (err) => err.code === s.error, JSON.stringify(s));
            } else {
              const result = await step(ledger, s);
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
          await ledger.close();
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
