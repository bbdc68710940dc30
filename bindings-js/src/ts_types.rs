//! TypeScript shapes of the plain data that crosses the boundary, appended to the generated
//! `.d.ts`. Exported functions name these with `unchecked_param_type`/`unchecked_return_type`
//! so no `any` reaches the public API.
//!
//! Data objects (requests, outcomes, problems) keep the core's snake_case field names: they
//! are plain data, identical in every language. Option and method names are camelCase.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A Redact API product, in the spec's exact spelling (`SMS` or `Voice` are refused). */
export type Product = "sms" | "voice" | "number-insight" | "verify" | "verify-sdk" | "messages";

/** The Redact `type`: whether the customer received (`inbound`) or sent (`outbound`) it. */
export type Direction = "inbound" | "outbound";

/**
 * Input of `new Credentials(...)`: API key + secret (Basic auth), application id + RSA
 * private key in PEM (JWTs), or both. The snake_case names (`api_key`, ...) are accepted too.
 */
export interface CredentialsInput {
  apiKey?: string;
  apiSecret?: string;
  applicationId?: string;
  privateKey?: string;
}

/** Input of `new RedactRequest(...)` and `redact(...)`. */
export interface RedactInput {
  /** The transaction id (message id, call uuid, request id, ...). */
  id: string;
  product: Product;
  /** Defaults to `outbound`. */
  type?: Direction;
  /** When the transaction happened (a `Date` or milliseconds since the epoch), if known. */
  createdAt?: number | Date | null;
}

/** A redaction as plain data (`RedactRequest.toJSON()`). */
export interface RedactRequestData {
  id: string;
  product: Product;
  type: Direction;
  created_at: number | null;
}

/** Per-family base URLs: `default` for every family, the others override one. */
export interface ApiBaseInput {
  default?: string;
  redact?: string;
  media?: string;
  conversation?: string;
  reports?: string;
  search?: string;
}

/** Where requests go: one URL for every family, or per family. Vonage's hosts when absent. */
export type BaseUrl = string | ApiBaseInput;

/** Options of `RedactRequest.toHttp(...)`. */
export interface RequestOptions {
  credentials: Credentials | CredentialsInput;
  baseUrl?: BaseUrl;
}

/** An HTTP request to send. Header names are lower-case. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An HTTP response as received. Header names are matched case-insensitively. */
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** The body bytes; a string is taken as UTF-8, `null` or absent as empty. */
  body?: Uint8Array | string | number[] | null;
}

/** A Vonage error body (RFC 7807; the older `error_title` shape is read into `title`). */
export interface Problem {
  type: string | null;
  title: string | null;
  detail: string | null;
  instance: string | null;
}

/** Which input a 422 (or 400) refused. */
export type InvalidInput = "json" | "product" | "request";

/** What a Redact API response means; switch on `outcome`. Times are milliseconds since the epoch. */
export type RedactOutcome =
  | { outcome: "redacted"; status: number }
  | { outcome: "not_found"; status: number; problem: Problem }
  | { outcome: "premature"; status: number; problem: Problem; earliest_retry_at: number | null }
  | { outcome: "unprovisioned"; status: number; problem: Problem }
  | { outcome: "unauthorized"; status: number; problem: Problem | null }
  | { outcome: "invalid"; status: number; problem: Problem | null; input: InvalidInput }
  | { outcome: "rate_limited"; status: number; problem: Problem | null; retry_at: number | null }
  | { outcome: "server_error"; status: number; problem: Problem | null }
  | { outcome: "malformed"; status: number; reason: string };

/** The request `redact(...)` hands to `fetch`. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  /** Always `"manual"`: erasekit never follows a redirect (the core reads a 3xx as malformed). */
  redirect?: "manual";
}

/** What `redact(...)` reads from the `fetch` result. A `Response` is one. */
export interface ResponseLike {
  status: number;
  /** `"opaqueredirect"` in a browser for a redirect not followed (status 0). */
  type?: string;
  /** The body as a stream: read only up to the core's limit. */
  body?: { getReader(): unknown } | null;
  headers?: Iterable<[string, string]> | Record<string, string> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** An `AbortSignal`, passed on to `fetch`. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** Options of `redact(...)`. */
export interface RedactOptions extends RequestOptions {
  /** Sends the request; `globalThis.fetch` when absent. */
  fetch?(url: string, init: FetchInit): Promise<ResponseLike>;
  /** The time to interpret the answer at (ms since the epoch); `Date.now()` when it arrives if absent. */
  now?: number | Date;
  /** Passed on to `fetch` to abort the request. */
  signal?: AbortSignalLike;
  /** The call's total deadline in milliseconds, connect to last body byte (default 30000). */
  timeoutMs?: number;
}

/** Every stable error code; `errorCodes()` lists them with their families. */
export type ErrorCode =
  | "invalid_product"
  | "invalid_direction"
  | "invalid_id"
  | "invalid_time"
  | "invalid_base_url"
  | "invalid_argument"
  | "invalid_credentials"
  | "missing_credentials"
  | "invalid_private_key"
  | "invalid_payload"
  | "payload_too_large"
  | "invalid_subject"
  | "invalid_phone"
  | "storage"
  | "job_not_finished"
  | "job_waiting"
  | "invalid_receipt"
  | "bad_signature"
  | "unknown_subject"
  | "ledger_not_found"
  | "subject_busy"
  | "lease_lost"
  | "receipt_mismatch"
  | "invalid_row"
  | "aborted"
  | "job_stalled"
  | "job_not_found"
  | "transport_failed"
  | "proxy_refused"
  | "verification_missing"
  | "invalid_account_id"
  | "archive_too_large"
  | "archive_suspicious"
  | "archive_invalid"
  | "csv_invalid"
  | "untrusted_link";

/** The family of an error code. */
export type ErrorFamily = "input" | "credentials" | "payload" | "storage" | "job" | "receipt" | "transport";

/** One entry of `errorCodes()`. */
export interface ErrorCodeInfo {
  code: ErrorCode;
  family: ErrorFamily;
}

"#;
