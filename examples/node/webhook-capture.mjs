// Capture every Vonage id your users produce, straight from Vonage's webhooks, into a ledger.
//
//   cd examples/node && npm ci
//   node webhook-capture.mjs --ledger ledger.db --port 8080 --users users.json
//
// A small `node:http` server with one route per Vonage webhook. Each body is turned into
// ledger entries by erasekit's `capture` functions and recorded in an SQLite ledger
// (better-sqlite3) under the subject (one of *your* users) that the phone number in the body
// belongs to. Point your Vonage application's webhook URLs at these routes:
//
//   POST|GET /webhooks/inbound-sms        SMS API inbound message        capture.smsInbound
//   POST|GET /webhooks/delivery-receipt   SMS API delivery receipt       capture.smsReceipt
//   POST|GET /webhooks/voice-event        Voice API event (and answer)   capture.voiceWebhook
//   POST     /webhooks/recording          Voice API recording callback   capture.voiceRecording
//   POST     /webhooks/messages-inbound   Messages API inbound message   capture.messagesInbound
//   POST     /webhooks/messages-status    Messages API message status    capture.messagesStatus
//
// Bodies may be JSON, form-encoded, or (the SMS API's GET webhooks) query parameters.
// `--users` is a JSON object mapping phone numbers (any common form) to subjects, standing in
// for your own user database: {"+44 7700 900123": "user-42"}. A body whose number belongs to
// nobody is acknowledged and not recorded. A recording callback carries no phone number, so
// the call's `conversation_uuid` seen in an earlier voice event tells whose it is.
//
// Every route answers 204 at once (Vonage retries anything else), or 400 for a body that is
// not the webhook it claims to be. Prints `listening on http://HOST:PORT` when ready (`--port 0`
// picks a free port); stops on Ctrl-C or SIGTERM.

import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Ledger, capture, phone } from "erasekit";

const { values: args } = parseArgs({
  options: {
    ledger: { type: "string", default: "ledger.db" },
    users: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8080" },
  },
});

/** A phone number from a webhook field: a string, or a Messages API `{ number }` object. */
function numberOf(value) {
  if (value !== null && typeof value === "object") value = value.number;
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

// Each route: the capture function, and where the user's phone number may be in the body.
const ROUTES = {
  "/webhooks/inbound-sms": [capture.smsInbound, (b) => [b.msisdn]],
  "/webhooks/delivery-receipt": [capture.smsReceipt, (b) => [b.msisdn]],
  // Either side of a call may be the user (answer webhooks carry no direction).
  "/webhooks/voice-event": [capture.voiceWebhook, (b) => [b.from, b.to]],
  "/webhooks/recording": [capture.voiceRecording, () => []],
  "/webhooks/messages-inbound": [capture.messagesInbound, (b) => [b.from]],
  "/webhooks/messages-status": [capture.messagesStatus, (b) => [b.to]],
};

/** E.164 for a number, or null for a sender id such as "AcmeInc" that is nobody's number. */
function e164(number) {
  try {
    return phone(number);
  } catch {
    return null;
  }
}

const directory = args.users ? JSON.parse(readFileSync(args.users, "utf8")) : { "+447700900123": "user-42" };
const users = new Map(Object.entries(directory).map(([number, subject]) => [phone(number), subject]));
const calls = new Map(); // conversation_uuid -> subject, learnt from voice events

const ledger = await Ledger.sqlite(args.ledger);

/** Captures one webhook body; resolves to a line for the log. Throws on a malformed body. */
async function handle(path, body) {
  const [captureFn, numbersIn] = ROUTES[path];
  const entries = captureFn(body, { at: Date.now() }); // throws invalid_payload naming the field
  // The first number in the body that belongs to one of our users.
  const number = numbersIn(body).map(numberOf).find((n) => n !== null && users.has(e164(n))) ?? null;
  const conversation = typeof body.conversation_uuid === "string" ? body.conversation_uuid : null;
  const owner = number === null ? undefined : users.get(e164(number));
  const subject = owner ?? (conversation ? calls.get(conversation) : undefined);
  if (subject === undefined) return `${path}: ${entries.length} id(s) of nobody we know, not recorded`;
  if (conversation) calls.set(conversation, subject);
  const added = await ledger.record(subject, entries);
  if (owner !== undefined) await ledger.link(subject, [number]); // for access requests later
  return `${path}: ${subject} <- ${entries.map((e) => `${e.kind}:${e.id}`).join(", ")} (${added} new)`;
}

/** A webhook body as an object: JSON, form-encoded, or the query string of a GET. */
function parseBody(raw, contentType, query) {
  if (raw.trim() && contentType.includes("json")) {
    const value = JSON.parse(raw);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("expected a JSON object");
    return value;
  }
  return Object.fromEntries(new URLSearchParams(raw.trim() ? raw : query));
}

const server = createServer(async (req, res) => {
  const answer = (status, message = "") => {
    res.writeHead(status, message ? { "content-type": "text/plain; charset=utf-8" } : {});
    res.end(message);
    if (status >= 400) console.error(`${status} ${message}`);
  };
  const url = new URL(req.url, "http://localhost");
  if (!Object.hasOwn(ROUTES, url.pathname)) return answer(404, "no such webhook");
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let line;
  try {
    const body = parseBody(Buffer.concat(chunks).toString("utf8"), req.headers["content-type"] ?? "", url.search.slice(1));
    line = await handle(url.pathname, body);
  } catch (err) {
    // An ErasekitError `invalid_payload` says which field is missing or malformed.
    return answer(400, `${url.pathname}: ${err.code ?? err.name}: ${err.message}`);
  }
  console.log(line);
  answer(204);
});

server.listen(Number(args.port), args.host, () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close(async () => {
      await ledger.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  });
}
