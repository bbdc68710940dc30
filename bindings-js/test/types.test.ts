// Compiled with `tsc --noEmit -p test` (scripts/test.sh): the public types are precise, no
// `any` leaks, and the documented usage type-checks. `@ts-expect-error` lines must fail.
import init, {
  Credentials,
  RedactRequest,
  USER_AGENT,
  VERSION,
  errorCodes,
  redact,
  ErasekitError,
  type ErrorCode,
  type ErrorFamily,
  type HttpRequest,
  type Problem,
  type RedactOutcome,
  type RedactOptions,
} from "erasekit";

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

/** True when `T` is `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;

export async function usage(): Promise<void> {
  await init();
  const credentials = new Credentials({ apiKey: "k", apiSecret: "s" });
  const request = new RedactRequest({ id: "abc", product: "sms", type: "inbound", createdAt: 1 });
  const http: HttpRequest = request.toHttp({ credentials, baseUrl: { redact: "http://127.0.0.1:1" } });
  const body: Uint8Array = http.body;
  const auth: string | undefined = http.headers["authorization"];
  const outcome = request.interpret({ status: http.method === "POST" ? 204 : 500, body }, Date.now());

  // The outcome is a discriminated union on `outcome`, with snake_case wire fields.
  switch (outcome.outcome) {
    case "premature": {
      const at: number | null = outcome.earliest_retry_at;
      const problem: Problem = outcome.problem;
      void at, problem;
      break;
    }
    case "rate_limited": {
      const at: number | null = outcome.retry_at;
      void at;
      break;
    }
    case "invalid": {
      assertType<Equal<typeof outcome.input, "json" | "product" | "request">>();
      break;
    }
    case "malformed": {
      const reason: string = outcome.reason;
      void reason;
      break;
    }
    default:
      break;
  }

  // redact() with the global fetch, a custom one and options.
  const viaGlobal: RedactOutcome = await redact({ id: "abc", product: "voice" }, { credentials });
  const options: RedactOptions = {
    credentials: { apiKey: "k", apiSecret: "s" },
    fetch: (url, init) => fetch(url, init),
    now: Date.now(),
    signal: new AbortController().signal,
  };
  const viaOptions = await redact({ id: "abc", product: "voice" }, options);
  const withGlobalFetch = await redact({ id: "abc", product: "voice" }, { credentials, fetch });
  void viaGlobal, viaOptions, withGlobalFetch, auth;

  // Errors.
  try {
    new RedactRequest({ id: "", product: "sms" });
  } catch (e) {
    if (!(e instanceof ErasekitError)) throw e;
    const err: ErasekitError = e;
    const code: ErrorCode = err.code;
    const field: unknown = err.details["field"];
    void code, field;
  }
  const transport: ErrorCode = "transport_failed";
  void transport;

  const codes = errorCodes();
  assertType<Equal<typeof codes, { code: ErrorCode; family: ErrorFamily }[]>>();
  const ua: string = USER_AGENT;
  const version: string = VERSION;
  const jwt: string = credentials.jwt(Date.now(), crypto.getRandomValues(new Uint8Array(16)));
  void ua, version, jwt;
}

// No `any` on the public surface.
assertType<Equal<IsAny<ReturnType<RedactRequest["interpret"]>>, false>>();
assertType<Equal<IsAny<ReturnType<RedactRequest["toHttp"]>>, false>>();
assertType<Equal<IsAny<Parameters<RedactRequest["interpret"]>[0]>, false>>();
assertType<Equal<IsAny<Parameters<RedactRequest["interpret"]>[1]>, false>>();
assertType<Equal<IsAny<ConstructorParameters<typeof Credentials>[0]>, false>>();
assertType<Equal<IsAny<ConstructorParameters<typeof RedactRequest>[0]>, false>>();
assertType<Equal<IsAny<Parameters<typeof redact>[1]>, false>>();
assertType<Equal<Awaited<ReturnType<typeof redact>>, RedactOutcome>>();
assertType<Equal<RedactRequest["notBefore"], number | null>>();

export function refused(credentials: Credentials): void {
  // @ts-expect-error the SDK spelling is not a product
  new RedactRequest({ id: "abc", product: "SMS" });
  // @ts-expect-error createdAt is a number of milliseconds
  new RedactRequest({ id: "abc", product: "sms", createdAt: "2024-01-01" });
  // @ts-expect-error credentials are required
  new RedactRequest({ id: "abc", product: "sms" }).toHttp({});
  // @ts-expect-error now is required
  new RedactRequest({ id: "abc", product: "sms" }).interpret({ status: 204 });
  // @ts-expect-error entropy is bytes
  credentials.jwt(0, "entropy");
  const outcome = {} as RedactOutcome;
  // @ts-expect-error retry_at only exists once narrowed to rate_limited
  void outcome.retry_at;
}

// Erasure: plans, jobs, events, receipts and the run() driver.
import {
  Deadline,
  ErasureJob,
  ErasurePlan,
  Ledger,
  planErasure,
  receiptPublicKey,
  resumeJob,
  verifyReceipt,
  type Call,
  type Counts,
  type JobConfig,
  type JobEvent,
  type LedgerEntry,
  type Operation,
  type PlannedCall,
  type PlanSummary,
  type Receipt,
  type ReceiptBody,
  type RunOptions,
  type Terminal,
} from "erasekit";

export async function erasure(entries: LedgerEntry[], signingKey: Uint8Array): Promise<ReceiptBody> {
  const plan = new ErasurePlan({
    subject: "user-42",
    subjectKey: new Uint8Array(32),
    entries,
    now: Date.now(),
    userAction: "scrub",
    deleteLegs: true,
    conversationApi: "v0.1",
    retentionMonths: 13,
  });
  const operations: Operation[] = plan.operations;
  const first = operations[0];
  if (first?.action === "redact") {
    const product: string = first.product;
    void product;
  }
  const dry: PlannedCall[] = plan.describe("http://127.0.0.1:1");
  const summary: PlanSummary = plan.summary(170);
  const late: boolean = summary.late;
  const finish: number | null = plan.summary().estimated_finish;
  const product: string | null = summary.groups[0]?.product ?? null;
  void late, finish, product;
  const deadline: Deadline = plan.extendDeadline(1, "many records");
  const due: number = deadline.dueAt;
  const job = new ErasureJob(plan, { ratePerSecond: 170, maxInFlight: 32, seed: 7n, jobId: "job-1", checkpointEvery: 50 });
  const config: JobConfig = job.config;
  void config.checkpoint_every;
  const call: Call | null = job.pollRequest(Date.now(), { credentials: { apiKey: "k", apiSecret: "s" } });
  if (call !== null) {
    const auth: string | undefined = call.request.headers["authorization"];
    call.request.headers["x-trace"] = "1";
    void auth;
    job.handleResponse(call.call_id, { status: 204 }, Date.now());
  }
  const sent: number = job.callsSent;
  void sent;
  job.handleFailure(2, "timeout", Date.now());
  job.handleFailure(3, { other: { message: "DNS" } }, Date.now());
  const event: JobEvent | null = job.pollEvent();
  if (event !== null) {
    switch (event.event) {
      case "retrying": {
        const reason: string = event.reason;
        void reason;
        break;
      }
      case "operation_finished": {
        assertType<Equal<typeof event.state, Terminal>>();
        break;
      }
      case "throttled": {
        const pace: number = event.pace;
        void pace;
        break;
      }
      default:
        break;
    }
  }
  const pending: JobEvent[] = job.pollEvents();
  const timeout: number | null = job.pollTimeout(Date.now());
  const counts: Counts = job.counts();
  const snapshot: string = job.snapshot();
  const restored: ErasureJob = ErasureJob.restore(snapshot);
  const controller = new AbortController();
  const options: RunOptions = {
    credentials: new Credentials({ apiKey: "k", apiSecret: "s" }),
    fetch: (url, init) => fetch(url, init),
    baseUrl: "http://127.0.0.1:1",
    signal: controller.signal,
    onProgress: (e) => void e.event,
    signingKey,
    timeoutMs: 30_000,
  };
  let receipt: Receipt;
  try {
    receipt = await restored.run(options);
  } catch (e) {
    if (!(e instanceof ErasekitError) || e.snapshot === undefined) throw e;
    receipt = await ErasureJob.restore(e.snapshot).run(options);
  }
  const ledger = await Ledger.memory();
  const planned: ErasurePlan = await planErasure(ledger, "user-42", { now: Date.now() });
  const resumed: Receipt = await (await resumeJob(ledger, "job-1")).run({ credentials: { apiKey: "k", apiSecret: "s" } });
  void dry, due, pending, timeout, counts, planned, resumed;
  const key: string = receiptPublicKey(signingKey);
  return verifyReceipt(receipt, key);
}

assertType<Equal<IsAny<ReturnType<ErasureJob["pollEvent"]>>, false>>();
assertType<Equal<IsAny<ReturnType<ErasureJob["pollRequest"]>>, false>>();
assertType<Equal<IsAny<ReturnType<ErasureJob["receipt"]>>, false>>();
assertType<Equal<IsAny<Parameters<ErasureJob["run"]>[0]>, false>>();
assertType<Equal<Awaited<ReturnType<ErasureJob["run"]>>, Receipt>>();
assertType<Equal<IsAny<ConstructorParameters<typeof ErasurePlan>[0]>, false>>();
assertType<Equal<IsAny<ReturnType<typeof verifyReceipt>>, false>>();

export function erasureRefused(job: ErasureJob, plan: ErasurePlan): void {
  // @ts-expect-error failures are "timeout", "connection" or { other: { message } }
  job.handleFailure(1, "reset", 0);
  // @ts-expect-error the signing key is bytes
  void job.run({ credentials: { apiKey: "k", apiSecret: "s" }, signingKey: "01" });
  // @ts-expect-error the lease is a number of milliseconds
  void job.run({ credentials: { apiKey: "k", apiSecret: "s" }, leaseMs: "60s" });
  // @ts-expect-error unknown user action
  new ErasurePlan({ subject: "s", subjectKey: new Uint8Array(16), entries: [], now: 0, userAction: "shred" });
  // @ts-expect-error seed is a number or a BigInt
  new ErasureJob(plan, { seed: "7" });
  const event = {} as JobEvent;
  // @ts-expect-error reason only exists once narrowed
  void event.reason;
}

// The ledger: capture functions, the Ledger class and their data types (Ledger and
// LedgerEntry are imported with the erasure block above).
import {
  capture,
  captureSource,
  captureSources,
  phone,
  type CaptureSource,
  type Identifier,
  type StoredJob,
  type Tombstone,
} from "erasekit";

export async function ledgerUsage(body: string, bytes: Uint8Array): Promise<void> {
  const ledger = await Ledger.sqlite("ledger.db", { timeoutMs: 5000 });
  const entries: LedgerEntry[] = [
    ...capture.smsSend(body, { at: Date.now() }),
    ...capture.voiceRecording(bytes),
    ...capture.conversationEvent({ id: 5, conversation_id: "CON-1" }, { at: new Date() }),
    ...captureSource("verify_v2", { request_id: "r" }, { at: 1 }),
  ];
  const added: number = await ledger.record("user-42", entries);
  await ledger.link("user-42", ["+44 7700 900123", { kind: "conversation_user", value: "USR-1" }]);
  const identifiers: Identifier[] = await ledger.identifiers("user-42");
  const subjects: string[] = await ledger.subjects();
  const stone: Tombstone | null = await ledger.forget("user-42", "{}");
  const stored: Receipt | null = await ledger.receipt("job-1");
  const all: Receipt[] = await ledger.receipts();
  const publicKey: string = await ledger.receiptPublicKey();
  const stones: Tombstone[] = await ledger.tombstones("user-42");
  const key: Uint8Array = ledger.subjectKey;
  await ledger.saveJob("job-1", "user-42", "running", "{}");
  const job: StoredJob | null = await ledger.loadJob("job-1");
  const jobs: StoredJob[] = await ledger.jobs();
  const backend: "sqlite" | "postgres" | "memory" = ledger.backend;
  const sources: CaptureSource[] = captureSources();
  const e164: string = phone("+44 7700 900123");
  const memory = await Ledger.memory();
  const copy: Ledger = await Ledger.fromExport(await memory.export());
  await copy.record("user-42", [{ product: "sms", id: "MSG-1", created_at: new Date(0) }]);
  const postgres = await Ledger.postgres("postgresql://erasekit@127.0.0.1/erasekit");
  await Promise.all([ledger.close(), copy.close(), postgres.close()]);
  for (const entry of entries) {
    if (entry.kind === "transaction") {
      const product: string | null = entry.product;
      void product;
    }
    const at: number = entry.created_at;
    const extra: unknown = entry.extra["recording_url"];
    void at, extra;
  }
  void added, identifiers, subjects, stone, stones, key, job, jobs, backend, sources, e164;
}

assertType<Equal<Awaited<ReturnType<Ledger["entries"]>>, LedgerEntry[]>>();
assertType<Equal<Awaited<ReturnType<Ledger["record"]>>, number>>();
assertType<Equal<IsAny<Parameters<Ledger["record"]>[1]>, false>>();
assertType<Equal<IsAny<Parameters<typeof capture.smsSend>[0]>, false>>();
assertType<Equal<ReturnType<typeof capture.messagesInbound>, LedgerEntry[]>>();

export async function ledgerRefused(ledger: Ledger): Promise<void> {
  // @ts-expect-error the constructor is private: Ledger.sqlite(), .postgres(), .memory()
  new Ledger();
  // @ts-expect-error capture functions are camelCase
  capture.sms_send("{}");
  // @ts-expect-error record takes entries, not a payload
  await ledger.record("user-42", "{}");
  // @ts-expect-error at is milliseconds or a Date
  capture.smsSend("{}", { at: "2024-01-01" });
  // @ts-expect-error an identifier object has kind and value
  await ledger.link("user-42", [{ phone: "+447700900123" }]);
  // @ts-expect-error the subject key is read-only
  ledger.subjectKey = new Uint8Array(32);
  // @ts-expect-error not a capture source
  captureSource("sms_outbound", "{}");
}
