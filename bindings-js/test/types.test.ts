// Compiled with `tsc --noEmit -p test` (scripts/test.sh): the public types are precise, no
// `any` leaks, and the documented usage type-checks. `@ts-expect-error` lines must fail.
import init, {
  Credentials,
  RedactRequest,
  USER_AGENT,
  VERSION,
  errorCodes,
  redact,
  type ErasekitError,
  type ErrorCode,
  type ErrorFamily,
  type HttpRequest,
  type Problem,
  type RedactOutcome,
  type RedactOptions,
  type TransportError,
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
    const err = e as ErasekitError;
    const code: ErrorCode = err.code;
    const field: unknown = err.details["field"];
    void code, field;
  }
  const transport = {} as TransportError;
  assertType<Equal<typeof transport.code, "transport_failed">>();

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
