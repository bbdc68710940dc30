// Erase one of your users from Vonage: plan, run, keep a signed receipt.
//
//   cd examples/node && npm ci
//   export VONAGE_API_KEY=... VONAGE_API_SECRET=...              # Redact (and Media) API
//   export VONAGE_APPLICATION_ID=... VONAGE_PRIVATE_KEY_PATH=...  # Media, Conversation API
//   node erase-user.mjs user-42 --ledger ledger.db [--base-url http://127.0.0.1:8765] \
//        [--dry-run] [--rate 170] [--receipt-out receipt.json]
//
// 1. Plans every call needed to erase the subject's ids recorded in the ledger (see
//    webhook-capture.mjs) and prints it with the GDPR deadline: that is the dry run.
// 2. Runs the job with `job.run()`: Vonage's rate limit, retries, the one-hour rule and
//    checkpoints in the ledger, with a progress line. Ctrl-C stops it cleanly; run again with
//    `--resume JOB_ID` to continue where it stopped.
// 3. Saves the Ed25519-signed receipt, verifies the file against our public key, and checks
//    that the ledger forgot the subject (only a tombstone with a keyed hash remains).
//
// `--base-url` (or VONAGE_BASE_URL) points every API at another host: a regional one, or the
// local simulator (`make sim`; credentials sim-key / sim-secret). The receipt is signed with
// the ledger's own receipt key (made with the ledger and kept in it: back the ledger up);
// publish `await ledger.receiptPublicKey()`. Exit status 0 when no operation failed, 1 otherwise, 130 when
// stopped.

import { closeSync, openSync, readFileSync, writeSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Credentials, ErasureJob, Ledger, receiptPublicKey, verifyReceipt } from "erasekit";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ledger: { type: "string", default: "ledger.db" },
    "base-url": { type: "string", default: process.env.VONAGE_BASE_URL },
    "dry-run": { type: "boolean", default: false },
    rate: { type: "string", default: "170" },
    "receipt-out": { type: "string" },
    resume: { type: "string" },
  },
});
const subject = positionals[0];
if (!subject && !args.resume) {
  console.error("usage: node erase-user.mjs SUBJECT --ledger ledger.db [--base-url URL] [--dry-run]");
  process.exit(2);
}
const baseUrl = args["base-url"];

const iso = (ms) => (ms == null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC");

const credentials = new Credentials({
  apiKey: process.env.VONAGE_API_KEY,
  apiSecret: process.env.VONAGE_API_SECRET,
  applicationId: process.env.VONAGE_APPLICATION_ID,
  privateKey: process.env.VONAGE_PRIVATE_KEY_PATH ? readFileSync(process.env.VONAGE_PRIVATE_KEY_PATH, "utf8") : undefined,
});

/** An `onProgress` callback: one redrawn line on a terminal, plain lines in a log. */
function progressLine() {
  const tty = process.stderr.isTTY;
  let last = 0;
  const write = (line, keep) =>
    process.stderr.write(tty ? `\r\x1b[K${line}${keep ? "\n" : ""}` : `${line}\n`);
  return (e) => {
    if (e.event === "retrying") write(`retrying #${e.op} (attempt ${e.attempt}): ${e.reason}`, true);
    else if (e.event === "throttled") write(`Vonage said 429: slowing to ${Math.round(e.pace)}/s`, true);
    else if (e.event === "group_stopped") write(`stopped ${e.stopped} ${e.group} operation(s): ${e.reason}`, true);
    else if ("counts" in e) {
      const c = e.counts;
      const settled = c.done + c.not_found + c.expired + c.failed + c.skipped;
      const bar = "#".repeat(Math.floor((24 * settled) / Math.max(c.total, 1))).padEnd(24);
      const line = `[${bar}] ${settled}/${c.total}  done ${c.done}  not found ${c.not_found}  failed ${c.failed}  retries ${c.retries}`;
      if (e.event === "finished" || Date.now() - last > (tty ? 100 : 1000)) {
        last = Date.now();
        write(line, e.event === "finished");
      }
    }
  };
}

/** Plans, runs and checks; resolves to the exit status. */
async function main(ledger) {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  const runOptions = {
    credentials,
    baseUrl,
    ledger, // checkpoints; forgets the subject once the job is done
    signal: controller.signal,
    onProgress: progressLine(),
  };

  let receipt;
  let jobId;
  let erased = subject;
  if (args.resume) {
    jobId = args.resume;
    erased = (await ledger.loadJob(jobId))?.subject;
    console.log(`resuming job ${jobId}`);
    receipt = await (await ledger.resume(jobId)).run(runOptions);
  } else {
    // 1. The plan: a dry run that needs no credentials and sends nothing.
    const plan = await ledger.planErasure(subject);
    const calls = plan.describe(baseUrl);
    if (calls.length === 0) {
      console.log(`the ledger has nothing for ${subject}`);
      return 1;
    }
    console.log(`erasure of ${subject}: ${calls.length} operation(s), due ${iso(plan.deadline.dueAt)} (GDPR Art. 12(3): a month after the request)`);
    for (const call of calls) {
      if (call.initial !== "pending") console.log(`  #${String(call.op).padEnd(3)} ${call.action.padEnd(17)} ${call.target}: ${call.initial}`);
      else {
        const when = call.not_before > plan.plannedAt ? ` not before ${iso(call.not_before)}` : "";
        const what = [call.product, call.direction, call.target].filter(Boolean).join(" ");
        console.log(`  #${String(call.op).padEnd(3)} ${call.method.padEnd(6)} ${call.url}  ${what}${when}`);
      }
    }
    if (args["dry-run"]) return 0;

    // 2. The job.
    const job = new ErasureJob(plan, { ratePerSecond: Number(args.rate) });
    jobId = job.jobId;
    console.log(`job ${jobId}: erasing at up to ${args.rate} requests/s (Ctrl-C stops; --resume ${jobId} continues)`);
    receipt = await job.run(runOptions);
  }

  // 3. The receipt: save it, then verify the file as anyone else would, against our key.
  const out = args["receipt-out"] ?? `receipt-${jobId}.json`;
  writeFileSync(out, JSON.stringify(receipt, null, 2) + "\n");
  const publicKey = await ledger.receiptPublicKey();
  const body = verifyReceipt(readFileSync(out, "utf8"), publicKey);
  console.log(`receipt ${body.receipt_id} saved to ${out}; signature verified with public key ${publicKey}`);
  console.log(`  subject hash ${body.subject_hash}, on time: ${body.on_time}, counts ${JSON.stringify(body.counts)}`);
  for (const op of body.operations) {
    if (op.state === "failed") console.log(`  failed #${op.op} ${op.action} ${op.target}: ${op.problem}`);
  }
  const left = await ledger.entries(erased);
  const tombstones = await ledger.tombstones(erased);
  console.log(`ledger: ${left.length} entries left for ${erased}; tombstone for receipt ${tombstones.at(-1)?.receipt_id ?? "-"}`);
  return body.counts.failed > 0 ? 1 : 0;
}

const ledger = await Ledger.sqlite(args.ledger);
try {
  process.exitCode = await main(ledger);
} catch (err) {
  if (err.code === "aborted") {
    console.error(`\nstopped; the checkpoint is in the ledger: node erase-user.mjs --resume ${err.jobId} --ledger ${args.ledger}`);
    process.exitCode = 130;
  } else {
    console.error(err.code ? `${err.code}: ${err.message}` : err);
    process.exitCode = 1;
  }
} finally {
  await ledger.close();
}
