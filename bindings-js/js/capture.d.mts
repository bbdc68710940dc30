// Types of the `capture` object of js/capture.mjs (re-exported by js/index.d.ts).
import type { CaptureOptions, CapturePayload, LedgerEntry } from "../pkg/web/erasekit_js.js";

/**
 * Reads one Vonage body (JSON text, its UTF-8 bytes, or parsed) into ledger entries.
 * `options.at` (milliseconds or a `Date`) is the entries' `created_at` when the body has no
 * time of its own. A missing or malformed field throws `invalid_payload` naming it.
 */
export type CaptureFunction = (payload: CapturePayload, options?: CaptureOptions) => LedgerEntry[];

/** One function per capture source of the core (`captureSources()` in camelCase). */
export interface Capture {
  /** SMS API send response: one `sms`/`outbound` transaction per accepted part (`message-id`). No time: pass `at`. */
  readonly smsSend: CaptureFunction;
  /** SMS delivery receipt webhook: the outbound message's `messageId`, time `message-timestamp`. */
  readonly smsReceipt: CaptureFunction;
  /** Inbound SMS webhook: `messageId` as `sms`/`inbound`; each part of a concatenated message on its own. */
  readonly smsInbound: CaptureFunction;
  /** Voice create-call response: the leg `uuid` as a `voice` transaction and a `leg`. No time: pass `at`. */
  readonly voiceCall: CaptureFunction;
  /** Voice answer or event webhook: like `voiceCall`, time `timestamp`, `conversation_uuid` in `extra`. */
  readonly voiceWebhook: CaptureFunction;
  /** Voice record webhook: a `recording` (the Media file id of `recording_url`), time `start_time`. */
  readonly voiceRecording: CaptureFunction;
  /** Verify v1 start response: `request_id` as a `verify` transaction. No time: pass `at`. */
  readonly verify: CaptureFunction;
  /** Verify v2 start response: `request_id` as a `verify` transaction. No time: pass `at`. */
  readonly verifyV2: CaptureFunction;
  /** Number Insight response or callback: `request_id` as a `number-insight` transaction. */
  readonly numberInsight: CaptureFunction;
  /** Messages API send response: `message_uuid` as `messages`/`outbound`. No time: pass `at`. */
  readonly messagesSend: CaptureFunction;
  /** Messages API inbound webhook: `message_uuid` as `messages`/`inbound`, time `timestamp`. */
  readonly messagesInbound: CaptureFunction;
  /** Messages API status webhook: `message_uuid` as `messages`/`outbound`, time `timestamp`. */
  readonly messagesStatus: CaptureFunction;
  /** Conversation API user (`USR-…`): a `user`. */
  readonly conversationUser: CaptureFunction;
  /** Conversation API conversation (`CON-…`): a `conversation`. */
  readonly conversation: CaptureFunction;
  /** Conversation API event: an `event` with id `CON-…:<event id>`, time `timestamp`. */
  readonly conversationEvent: CaptureFunction;
  /** Conversation API leg (`uuid`): a `leg`. */
  readonly conversationLeg: CaptureFunction;
}

/** `capture.smsSend(body, { at })` and so on: every Vonage body into ledger entries. */
export declare const capture: Capture;
