// The `capture` object: one function per capture source of the core, each turning a Vonage
// response or webhook body into ledger entries through the one native `captureSource(source,
// payload, options)`. Which fields are read, and every error, come from the core.

/**
 * The core's capture sources, in its order. Listed here (not asked of the wasm) so that the
 * browser entry can build `capture` before `init()`; test/capture.test.mjs checks it against
 * the core's `captureSources()`.
 */
export const CAPTURE_SOURCES = Object.freeze([
  "sms_send",
  "sms_receipt",
  "sms_inbound",
  "voice_call",
  "voice_webhook",
  "voice_recording",
  "verify",
  "verify_v2",
  "number_insight",
  "messages_send",
  "messages_inbound",
  "messages_status",
  "conversation_user",
  "conversation",
  "conversation_event",
  "conversation_leg",
]);

/** `sms_send` → `smsSend`. */
export function captureName(source) {
  return source.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/**
 * The `capture` object over a native module (the Node or the web build): `capture.smsSend(
 * payload, { at })` and so on. `native.captureSource` is looked up at each call, so the web
 * build's may be loaded (`init()`) after this runs.
 */
export function defineCapture(native) {
  const capture = {};
  for (const source of CAPTURE_SOURCES) {
    const name = captureName(source);
    // A named function, so stack traces and `capture.smsSend.name` say which source it is.
    const fn = {
      [name](payload, options) {
        return native.captureSource(source, payload, options);
      },
    }[name];
    Object.defineProperty(capture, name, { value: fn, enumerable: true });
  }
  return Object.freeze(capture);
}
