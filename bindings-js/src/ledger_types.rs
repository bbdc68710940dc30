//! TypeScript shapes of the ledger data (captured entries, identifiers, tombstones, saved
//! jobs, lease times), appended to the generated `.d.ts` next to the functions of `capture.rs`.
//! The `Ledger` class and the `capture` object of the JS layer are declared in
//! `js/ledger.d.mts` and `js/capture.d.mts`. Data keeps the core's snake_case names, as in
//! Python.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const LEDGER_TS_TYPES: &'static str = r#"
/** A capture source, as the core names it; `capture.<camelCase name>` reads its payloads. */
export type CaptureSource =
  | "sms_send"
  | "sms_receipt"
  | "sms_inbound"
  | "voice_call"
  | "voice_webhook"
  | "voice_recording"
  | "verify"
  | "verify_v2"
  | "number_insight"
  | "messages_send"
  | "messages_inbound"
  | "messages_status"
  | "conversation_user"
  | "conversation"
  | "conversation_event"
  | "conversation_leg";

/** A Vonage body as received (JSON text or its UTF-8 bytes) or parsed (a plain object). */
export type CapturePayload = string | Uint8Array | { [field: string]: unknown };

/** Options of every capture function. */
export interface CaptureOptions {
  /**
   * When the payload was received (milliseconds since the epoch, or a `Date`): the entries'
   * `created_at` when the payload carries no time of its own.
   */
  at?: number | Date | null;
  /**
   * The longest body read, in bytes (default 1 MiB); a longer one (or a parsed payload whose
   * JSON is longer) throws `payload_too_large`. One payload also yields at most 10,000 entries.
   */
  maxBytes?: number | null;
}

/** One Vonage resource a data subject produced, as captured and as the ledger returns it. */
export interface LedgerEntry {
  /** What kind of resource: decides how it is erased. */
  kind: "transaction" | "recording" | "user" | "conversation" | "event" | "leg";
  /** The Redact product, for transactions; `null` for other kinds. */
  product: Product | null;
  /** The direction, when the source says (SMS and Messages always do). */
  direction: Direction | null;
  /** The Vonage id (for events `CON-…:<event id>`). */
  id: string;
  /** When Vonage created the resource, in milliseconds since the epoch. */
  created_at: number;
  /** The capture source that produced the entry. */
  source: CaptureSource;
  /** Source-specific facts needed later (e.g. `recording_url`, `conversation_uuid`). */
  extra: { [field: string]: unknown };
}

/** What `record` takes: an entry as captured, or the minimal entry a user has in hand
 * (`{ product, id, direction?, created_at }` for a transaction, `{ kind, id, created_at }` for
 * the other kinds), whose `kind`, `source` ("manual") and `extra` the core fills. */
export type LedgerEntryInput =
  | LedgerEntry
  | {
      kind?: LedgerEntry["kind"];
      product?: Product | null;
      direction?: Direction | null;
      id: string;
      /** Milliseconds since the epoch, or a `Date`. */
      created_at: number | Date;
      source?: string;
      extra?: { [field: string]: unknown };
    };

/** An identifier linked to a subject, as stored: an E.164 phone number or a Conversation user. */
export type Identifier =
  | { kind: "phone"; value: string }
  | { kind: "conversation_user"; value: string };

/** What `link` takes: a phone number in any common form, a `USR-…` id, or an `Identifier`. */
export type IdentifierInput = string | Identifier;

/** What remains of a forgotten subject: its keyed hash, the receipt id and the time. */
export interface Tombstone {
  /** HMAC-SHA256 of the subject under the ledger's subject key, lower-case hex. */
  subject_hash: string;
  receipt_id: string;
  /** Milliseconds since the epoch. */
  forgotten_at: number;
}

/** An erasure job checkpoint saved in the ledger. */
export interface StoredJob {
  job_id: string;
  subject: string;
  /** `running`, `stopped` or `finished`. */
  state: string;
  /** The job snapshot (JSON, no secrets). */
  snapshot: string;
  /** Milliseconds since the epoch. */
  updated_at: number;
}

/** What `forget` takes: the signed erasure receipt (object or JSON text), checked against the
 * subject and the ledger's own receipt key. */
export type ReceiptInput = string | { receipt: { receipt_id: string } };

/** Where a ledger lives. */
export type LedgerBackend = "sqlite" | "postgres" | "memory";

/** A run's lease on its job after a claim or renewal (milliseconds since the epoch). */
export interface LeaseTimes {
  attempt: number;
  expires_at: number;
  /** When the run renews it. */
  renew_at: number;
  /** The run starts no Vonage call at or after this time. */
  hold_until: number;
}
"#;
