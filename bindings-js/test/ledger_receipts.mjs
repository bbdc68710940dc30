// Real receipts for ledger tests: a subject's plan run against canned answers, without HTTP.
//
// `erased(ledger, subject, jobId, { refuse, key, allowEmpty })` plans `subject` from `ledger`,
// answers every call 204 (422 for the targets in `refuse`, which end `failed`) and resolves to
// the receipt signed with `key` (the ledger's own receipt key by default).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Credentials, ErasureJob } from "erasekit";

const PEM = readFileSync(fileURLToPath(new URL("../../tests/vectors/keys/app_private.pem", import.meta.url)), "utf8");
const credentials = new Credentials({
  apiKey: "k",
  apiSecret: "s",
  applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
  privateKey: PEM,
});
const DAY = 86_400_000;
const T0 = 1_700_000_000_000;

/** The ledger's receipt key, as the drivers get it (not public API). */
export function receiptKeyOf(ledger) {
  return ledger[Symbol.for("erasekit.Ledger.run")].receiptKey;
}

export async function erased(ledger, subject, jobId, { refuse = [], key, allowEmpty = false } = {}) {
  // A day after the newest entry: every operation is due and none has expired.
  const entries = await ledger.entries(subject);
  const now = Math.max(T0, ...entries.map((e) => e.created_at)) + DAY;
  const plan = await ledger.planErasure(subject, { now, allowEmpty });
  const targets = plan.operations.map((o) => o.target);
  const job = new ErasureJob(plan, { jobId, seed: 1, checkTarget: false });
  let t = now;
  while (!job.isFinished()) {
    for (let call = job.pollRequest(t, { credentials }); call !== null; call = job.pollRequest(t, { credentials })) {
      const status = refuse.includes(targets[call.op]) ? 422 : 204;
      job.handleResponse(call.call_id, { status, headers: {}, body: new Uint8Array() }, t);
    }
    t += 1000;
  }
  return job.receipt(key ?? receiptKeyOf(ledger));
}
