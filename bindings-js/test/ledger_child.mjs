// A child process of test/ledger_concurrency.test.mjs: opens the ledger named by argv (an
// SQLite path, or a PostgreSQL URL) and records `count` entries in transactions of `batch`,
// for a subject shared with the other child and for one of its own.
import { Ledger, capture } from "erasekit";

const [target, tag, count, batch] = process.argv.slice(2);
const ledger = target.startsWith("postgresql://") ? await Ledger.postgres(target) : await Ledger.sqlite(target);
let added = 0;
for (let start = 0; start < Number(count); start += Number(batch)) {
  const parts = [];
  for (let i = start; i < Math.min(start + Number(batch), Number(count)); i++) {
    parts.push({ "message-id": `${tag}-${String(i).padStart(6, "0")}`, status: "0" });
  }
  const entries = capture.smsSend({ messages: parts }, { at: 1_700_000_000_000 + start });
  added += await ledger.record("shared-subject", entries);
  added += await ledger.record(`own-${tag}`, entries);
}
await ledger.close();
process.stdout.write(JSON.stringify({ added }));
