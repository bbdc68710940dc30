// A child process of test/ledger_concurrency.test.mjs: opens the ledger named by argv (an
// SQLite path, or a PostgreSQL URL) and records `count` entries in transactions of `batch`,
// starting at the time (ms) `startAt`.
// Tag `a` or `b`: ids of its own, for a subject shared with the other child and for one of its
// own. Tag `forward` or `backward`: the same ids as the other child, for one shared subject, each
// batch in the opposite order (overlapping writes that deadlock in PostgreSQL).
import { Ledger, capture } from "erasekit";

const [target, tag, countText, batchText, startAtText] = process.argv.slice(2);
const [count, batch] = [Number(countText), Number(batchText)];
const contended = tag === "forward" || tag === "backward";
const ledger = target.startsWith("postgresql://") ? await Ledger.postgres(target) : await Ledger.sqlite(target);
// Both children start writing at the same moment, whenever each finished loading.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText ?? 0) - Date.now())));

const starts = [];
for (let start = 0; start < count; start += batch) starts.push(start);
let added = 0;
for (const start of starts) {
  const parts = [];
  for (let i = start; i < Math.min(start + batch, count); i++) {
    parts.push({ "message-id": `${contended ? "S" : tag}-${String(i).padStart(6, "0")}`, status: "0" });
  }
  if (tag === "backward") parts.reverse();
  const entries = capture.smsSend({ messages: parts }, { at: 1_700_000_000_000 + start });
  if (contended) {
    added += await ledger.record("contended-subject", entries);
  } else {
    added += await ledger.record("shared-subject", entries);
    added += await ledger.record(`own-${tag}`, entries);
  }
}
await ledger.close();
process.stdout.write(JSON.stringify({ added }));
