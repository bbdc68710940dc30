#!/usr/bin/env node
// Ledger benchmark, Node: record 1,000,000 entries (batched, one transaction per batch) and
// read back one subject's 10,000 entries, on SQLite (better-sqlite3, a temporary WAL file)
// and PostgreSQL (pg, a fresh schema on $ERASEKIT_PG_DSN, else `scripts/pg.sh start`).
// Each backend runs in a child process of its own so that its peak RSS is its own.
//
//   node bench/ledger/bench_js.mjs [--entries 1000000] [--batch 10000] [--reads 20] [--backend sqlite|postgres|all]
//
// Prints a Markdown table: entries/s (record calls only; capture is timed apart), ms per
// subject read (median of --reads), peak RSS of the process. A benchmark, not a test.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const packageDir = join(repoRoot, "bindings-js");
// Resolved from bindings-js, where the package and its dev dependencies live.
const requireFromPackage = createRequire(join(packageDir, "package.json"));

function argument(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const ENTRIES = Number(argument("entries", 1_000_000));
const BATCH = Number(argument("batch", 10_000));
const READS = Number(argument("reads", 20));
const BACKEND = argument("backend", "all");
const AT = 1_700_000_000_000;

function pgDsn() {
  return (
    process.env.ERASEKIT_PG_DSN ||
    execFileSync(join(repoRoot, "scripts", "pg.sh"), ["start"], { encoding: "utf8" }).trim().split("\n").pop()
  );
}

/** One backend, in this process: resolves to its figures. */
async function run(backend) {
  const { Ledger, capture } = requireFromPackage("erasekit");
  let ledger;
  let cleanup;
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "erasekit-bench-"));
    ledger = await Ledger.sqlite(join(dir, "ledger.db"));
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const pg = requireFromPackage("pg");
    const dsn = pgDsn();
    const schema = `erasekit_bench_js_${process.pid}`;
    const admin = new pg.Client({ connectionString: dsn });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: dsn, options: `-c search_path=${schema}`, max: 2 });
    ledger = await Ledger.postgres(pool);
    cleanup = async () => {
      await pool.end();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    };
  }
  try {
    let captureMs = 0;
    let recordMs = 0;
    let recorded = 0;
    for (let start = 0, batchNo = 0; start < ENTRIES; start += BATCH, batchNo++) {
      const t0 = performance.now();
      const parts = [];
      for (let i = start; i < Math.min(start + BATCH, ENTRIES); i++) {
        parts.push({ "message-id": `B${String(i).padStart(12, "0")}`, status: "0", network: "23410" });
      }
      const entries = capture.smsSend({ messages: parts }, { at: AT + start });
      const t1 = performance.now();
      recorded += await ledger.record(`bench-user-${String(batchNo).padStart(4, "0")}`, entries);
      recordMs += performance.now() - t1;
      captureMs += t1 - t0;
    }
    if (recorded !== ENTRIES) throw new Error(`recorded ${recorded} of ${ENTRIES}`);
    const subject = `bench-user-${String(Math.floor(ENTRIES / BATCH / 2)).padStart(4, "0")}`;
    const times = [];
    let count = 0;
    for (let i = 0; i < READS; i++) {
      const t0 = performance.now();
      count = (await ledger.entries(subject)).length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return {
      backend,
      entries: ENTRIES,
      batch: BATCH,
      recordSeconds: recordMs / 1000,
      entriesPerSecond: Math.round(ENTRIES / (recordMs / 1000)),
      captureEntriesPerSecond: Math.round(ENTRIES / (captureMs / 1000)),
      subjectEntries: count,
      readMsMedian: times[Math.floor(times.length / 2)],
      readMsMin: times[0],
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await ledger.close();
    await cleanup();
  }
}

if (process.argv.includes("--child")) {
  process.stdout.write(JSON.stringify(await run(argument("child-backend"))));
} else {
  const backends = BACKEND === "all" ? ["sqlite", "postgres"] : [BACKEND];
  console.log(`node ${process.version}, ${ENTRIES} entries in record() calls of ${BATCH}, subject read x${READS}\n`);
  console.log("| backend | entries/s (record) | record total s | ms per read of 10,000 (median / min) | peak RSS MiB | capture entries/s |");
  console.log("|---|---|---|---|---|---|");
  for (const backend of backends) {
    const out = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", "--child-backend", backend, ...process.argv.slice(2)],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 },
    );
    const r = JSON.parse(out);
    console.log(
      `| ${r.backend} | ${r.entriesPerSecond.toLocaleString("en")} | ${r.recordSeconds.toFixed(1)} | ` +
        `${r.readMsMedian.toFixed(1)} / ${r.readMsMin.toFixed(1)} (${r.subjectEntries} entries) | ${r.peakRssMiB} | ` +
        `${r.captureEntriesPerSecond.toLocaleString("en")} |`,
    );
  }
}
