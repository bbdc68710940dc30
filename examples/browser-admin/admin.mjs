// The privacy admin page (index.html): load a ledger, plan a subject's erasure with its GDPR
// deadline, run it against Vonage (through your proxy) with a progress bar, download the
// signed receipt, verify receipt files. erasekit's web build, `await init()` first.
import init, {
  Credentials,
  ErasureJob,
  Ledger,
  captureSource,
  captureSources,
  receiptPublicKey,
  verifyReceipt,
} from "erasekit";

const $ = (id) => document.getElementById(id);
const DAY = 86_400_000;
const iso = (ms) => (ms == null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC");
const text = (el, value, cls = "") => {
  el.textContent = value;
  el.className = cls;
};
const describeError = (err) => (err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? err));

// The page's clock: the wall clock, or the time pinned by `?now=` (ISO 8601 with a zone, or ms
// since the epoch) for tests and rehearsals, so that what they check never depends on today's
// date. Captures, the plan (and so the deadline) and "days left" read it; the job paces its
// calls on the real clock.
const nowParam = new URLSearchParams(location.search).get("now");
const pinnedNow = (() => {
  if (nowParam === null || nowParam === "") return null;
  const ms = /^\d+$/.test(nowParam) ? Number(nowParam) : Date.parse(nowParam);
  const zoned = /^\d+$/.test(nowParam) || /(Z|[+-]\d\d:?\d\d)$/i.test(nowParam);
  return Number.isFinite(ms) && zoned ? ms : Number.NaN; // NaN: refused below, never the wall clock
})();
const now = () => pinnedNow ?? Date.now();

let ledger = null; // a memory ledger: Ledger.fromExport(export) or Ledger.memory() + captures
let plan = null; // the plan shown in step 3
let lastReceipt = null;
let controller = null;

await init();
if (Number.isNaN(pinnedNow)) {
  // A rehearsal asked for a clock it did not get: stop rather than plan on the wrong date.
  text($("status"), `?now=${nowParam}: not a time (ISO 8601 with a zone, or ms). Fix the address.`, "bad");
  throw new Error(`?now=${nowParam}: not a time`);
}
text($("status"), "Ready. Nothing you type here leaves this page except in the calls to the base URL." +
  (pinnedNow === null ? "" : ` Clock pinned to ${iso(pinnedNow)} (?now=).`), "note");

for (const source of captureSources()) $("capture-source").append(new Option(source, source));

// ---- credentials and the signing key (read from the form when needed, never stored) --------

let sessionKey = null;
/** The receipt signing key: the one typed in, else one made for this page session. */
function signingKey() {
  const hex = $("signing-key").value.trim();
  if (hex === "") {
    sessionKey ??= crypto.getRandomValues(new Uint8Array(32));
    return sessionKey;
  }
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("the signing key must be 64 hex digits");
  return Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16));
}
function showPublicKey() {
  try {
    $("public-key-out").textContent = receiptPublicKey(signingKey());
  } catch (err) {
    $("public-key-out").textContent = describeError(err);
  }
}
$("signing-key").addEventListener("input", showPublicKey);
showPublicKey();

function credentials() {
  const value = (id) => $(id).value.trim() || undefined;
  return new Credentials({
    apiKey: value("api-key"),
    apiSecret: value("api-secret"),
    applicationId: value("app-id"),
    privateKey: value("private-key"),
  });
}
const baseUrl = () => $("base-url").value.trim() || undefined;

// ---- the ledger --------------------------------------------------------------------------

async function showLedger(note) {
  const subjects = await ledger.subjects();
  const select = $("subject");
  const previous = select.value;
  select.replaceChildren(...subjects.map((s) => new Option(s, s)));
  if (subjects.includes(previous)) select.value = previous;
  let total = 0;
  for (const s of subjects) total += (await ledger.entries(s)).length;
  text($("ledger-out"), `${note} ${subjects.length} subject(s), ${total} Vonage id(s).`, "ok");
  $("plan-btn").disabled = subjects.length === 0;
  $("export-btn").disabled = false;
  clearPlan();
}

$("ledger-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    const next = await Ledger.fromExport(await file.text());
    await ledger?.close();
    ledger = next;
    await showLedger(`Loaded ${file.name}:`);
  } catch (err) {
    text($("ledger-out"), `Not a ledger export: ${describeError(err)}`, "bad");
  }
});

$("capture-btn").addEventListener("click", async () => {
  const subject = $("capture-subject").value.trim();
  try {
    const parsed = JSON.parse($("capture-body").value);
    const bodies = Array.isArray(parsed) ? parsed : [parsed];
    const entries = bodies.flatMap((body) => captureSource($("capture-source").value, body, { at: now() }));
    ledger ??= await Ledger.memory();
    const added = await ledger.record(subject, entries);
    $("capture-body").value = "";
    await showLedger(`Captured ${entries.length} id(s) for ${subject} (${added} new).`);
  } catch (err) {
    text($("ledger-out"), `Nothing captured: ${describeError(err)}`, "bad");
  }
});

/** Offers `text` as a file download. */
function download(name, body) {
  const url = URL.createObjectURL(new Blob([body], { type: "application/json" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$("export-btn").addEventListener("click", async () => download("ledger-export.json", await ledger.export()));

// ---- the plan (dry run) ------------------------------------------------------------------

function clearPlan() {
  plan?.free();
  plan = null;
  $("plan-out").replaceChildren();
  text($("deadline"), "");
  $("erase-btn").disabled = true;
}
$("subject").addEventListener("change", clearPlan);

$("plan-btn").addEventListener("click", async () => {
  clearPlan();
  const subject = $("subject").value;
  try {
    plan = await ledger.planErasure(subject, { now: now() }); // the request arrives now: the deadline starts now
  } catch (err) {
    text($("deadline"), describeError(err), "bad");
    return;
  }
  const due = plan.deadline.dueAt;
  const days = Math.ceil((due - now()) / DAY);
  const overdue = plan.deadline.isOverdue(now());
  text($("deadline"), `GDPR deadline: ${iso(due)} (${overdue ? `overdue by ${-days} days` : `${days} days left`}; ` +
    "extendable by up to two months with a reason).", overdue ? "bad" : "ok");
  const calls = plan.describe(baseUrl());
  const table = document.createElement("table");
  table.innerHTML = "<thead><tr><th>#</th><th>what</th><th>call</th><th>not before</th></tr></thead>";
  const tbody = table.createTBody();
  for (const call of calls) {
    const row = tbody.insertRow();
    row.dataset.op = call.op;
    row.insertCell().textContent = call.op;
    row.insertCell().textContent = `${call.action} ${call.product ?? ""} ${call.direction ?? ""}`.trim();
    const url = row.insertCell();
    url.className = "url";
    url.textContent = call.initial === "pending" ? `${call.method} ${call.url}` : `${call.initial}: ${call.target}`;
    row.insertCell().textContent = call.not_before > plan.plannedAt ? iso(call.not_before) : "now";
  }
  const summary = document.createElement("p");
  summary.id = "plan-summary";
  summary.textContent = `${calls.length} operation(s) for ${subject}; ${calls.filter((c) => c.initial === "pending").length} call(s) to send.`;
  $("plan-out").replaceChildren(summary, table);
  $("erase-btn").disabled = false;
});

// ---- the erasure -------------------------------------------------------------------------

function log(line) {
  const p = document.createElement("div");
  p.textContent = line;
  $("log").append(p);
}

$("erase-btn").addEventListener("click", async () => {
  const subject = plan.subject;
  $("erase-btn").disabled = true;
  $("plan-btn").disabled = true;
  $("receipt-btn").disabled = true;
  $("abort-btn").disabled = false;
  $("log").replaceChildren();
  const progress = $("progress");
  controller = new AbortController();
  let creds;
  try {
    creds = credentials();
    const job = new ErasureJob(plan, { ratePerSecond: 170 });
    text($("erase-status"), `Job ${job.jobId}: erasing ${subject}…`, "note");
    lastReceipt = await job.run({
      credentials: creds,
      baseUrl: baseUrl(),
      ledger, // forgets the subject in this ledger when done: download the export again after
      signal: controller.signal,
      // With a ledger the run signs with the ledger's own receipt key; a typed key must be it.
      ...($("signing-key").value.trim() === "" ? {} : { signingKey: signingKey() }),
      onProgress(e) {
        if ("counts" in e) {
          const c = e.counts;
          progress.max = Math.max(c.total, 1);
          progress.value = c.done + c.not_found + c.expired + c.failed + c.skipped;
        }
        if (e.event === "retrying") log(`retrying #${e.op} (attempt ${e.attempt}): ${e.reason}`);
        if (e.event === "throttled") log(`Vonage said 429: slowing to ${Math.round(e.pace)}/s`);
        if (e.event === "group_stopped") log(`stopped ${e.stopped} ${e.group} operation(s): ${e.reason}`);
      },
    });
    const body = lastReceipt.receipt;
    for (const op of body.operations) if (op.state === "failed") log(`failed #${op.op} ${op.action} ${op.target}: ${op.problem}`);
    const c = body.counts;
    text($("erase-status"),
      `Finished: ${c.done} done, ${c.not_found} not found, ${c.expired} expired, ${c.skipped} skipped, ${c.failed} failed. ` +
      `Receipt ${body.receipt_id}, on time: ${body.on_time}.`, c.failed === 0 ? "ok" : "bad");
    $("receipt-btn").disabled = false;
    await showLedger(`${subject} forgotten in the ledger.`);
  } catch (err) {
    text($("erase-status"), err?.code === "aborted" ? `Stopped: ${err.message}` : `Error: ${describeError(err)}`, "bad");
    $("erase-btn").disabled = plan === null;
  } finally {
    creds?.free();
    $("abort-btn").disabled = true;
    $("plan-btn").disabled = $("subject").options.length === 0;
  }
});

$("abort-btn").addEventListener("click", () => controller?.abort());

$("receipt-btn").addEventListener("click", () =>
  download(`receipt-${lastReceipt.receipt.receipt_id}.json`, JSON.stringify(lastReceipt, null, 2) + "\n"),
);

// ---- verifying a receipt file ------------------------------------------------------------

async function verifyFile() {
  const file = $("verify-file").files[0];
  if (!file) return;
  const expected = $("verify-key").value.trim() || undefined;
  try {
    const body = verifyReceipt(await file.text(), expected);
    const c = body.counts;
    if (!expected) {
      // Anyone can sign a receipt with a key of their own: without the signer's key, only
      // integrity was checked, and that is not a verification.
      text($("verify-out"), `Integrity only: the signature matches the key inside receipt ${body.receipt_id}, ` +
        "which proves nothing about who signed it. Enter the signer's public key to verify it.", "bad");
      return;
    }
    text($("verify-out"),
      `Valid signature by the expected key: receipt ${body.receipt_id}, subject hash ` +
      `${body.subject_hash.slice(0, 16)}…, finished ${iso(body.finished_at)}, ${c.done} done, ${c.failed} failed, ` +
      `on time: ${body.on_time}.`, "ok");
  } catch (err) {
    text($("verify-out"), `Invalid: ${describeError(err)}`, "bad");
  }
}
$("verify-file").addEventListener("change", verifyFile);
$("verify-key").addEventListener("change", verifyFile);
