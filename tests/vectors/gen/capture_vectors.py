"""Writes tests/vectors/capture.json: real-shaped Vonage payloads (from the OpenAPI examples in
../shared/specs/vonage/ and the webhook reference) and the ledger entries each must produce.
Expected values are written out by hand here, not computed by the code under test."""
import json, pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent
AT = 1_700_000_000_000  # host receive time, 2023-11-14T22:13:20Z
T_2020 = 1_577_880_000_000  # 2020-01-01T12:00:00Z
cases = []


def ok(name, source, payload, entries, at=AT):
    c = {"name": name, "source": source, "payload": payload, "expect": {"entries": entries}}
    if at is not None:
        c["at"] = at
    cases.append(c)


def bad(name, source, payload, field, code="invalid_payload", at=AT):
    c = {"name": name, "source": source, "payload": payload, "expect": {"error": code, "field": field}}
    if at is not None:
        c["at"] = at
    cases.append(c)


def tx(product, direction, id_, created_at, source, extra=None):
    return {"kind": "transaction", "product": product, "direction": direction, "id": id_,
            "created_at": created_at, "source": source, "extra": extra or {}}


def res(kind, id_, created_at, source, extra=None):
    return {"kind": kind, "product": None, "direction": None, "id": id_,
            "created_at": created_at, "source": source, "extra": extra or {}}

# ---- SMS ----------------------------------------------------------------------------
sms_send_one = {"message-count": "1", "messages": [{"to": "447700900000", "message-id": "0A0000000123ABCD1", "status": "0",
                "remaining-balance": "3.14159265", "message-price": "0.03330000", "network": "12345",
                "client-ref": "my-personal-reference", "account-ref": "customer1234"}]}
ok("sms send, one part", "sms_send", sms_send_one,
   [tx("sms", "outbound", "0A0000000123ABCD1", AT, "sms_send",
       {"network": "12345", "client_ref": "my-personal-reference", "part": 1, "parts": 1})])
sms_send_three = {"message-count": "3", "messages": [
    {"to": "447700900000", "message-id": f"0A000000012345{i}", "status": "0", "remaining-balance": "3.1", "message-price": "0.0333", "network": "23410"}
    for i in (1, 2, 3)]}
ok("sms send, concatenated: one entry per part", "sms_send", sms_send_three,
   [tx("sms", "outbound", f"0A000000012345{i}", AT, "sms_send", {"network": "23410", "part": i, "parts": 3}) for i in (1, 2, 3)])
ok("sms send, rejected part is skipped", "sms_send",
   {"message-count": "2", "messages": [{"to": "447700900000", "message-id": "0A00000001", "status": "0"},
                                        {"status": "2", "error-text": "Missing to param"}]},
   [tx("sms", "outbound", "0A00000001", AT, "sms_send", {"part": 1, "parts": 2})])
bad("sms send without messages", "sms_send", {"message-count": "1"}, "messages")
bad("sms send part without id", "sms_send", {"messages": [{"status": "0"}]}, "messages[0].message-id")
bad("sms send without at", "sms_send", sms_send_one, "at", at=None)
bad("sms send as a JSON array", "sms_send", [sms_send_one], "$")

dlr = {"msisdn": "447700900000", "to": "AcmeInc", "network-code": "12345", "messageId": "0A0000001234567B",
       "price": "0.03330000", "status": "delivered", "scts": "2001011400", "err-code": "0", "api-key": "abcd1234",
       "client-ref": "my-personal-reference", "message-timestamp": "2020-01-01 12:00:00"}
ok("sms delivery receipt", "sms_receipt", dlr,
   [tx("sms", "outbound", "0A0000001234567B", T_2020, "sms_receipt", {"status": "delivered", "client_ref": "my-personal-reference"})])
bad("sms receipt with a bad timestamp", "sms_receipt", {**dlr, "message-timestamp": "01/01/2020"}, "message-timestamp")
bad("sms receipt without messageId", "sms_receipt", {k: v for k, v in dlr.items() if k != "messageId"}, "messageId")

inbound = {"api-key": "abcd1234", "msisdn": "447700900001", "to": "447700900000", "messageId": "0A0000000123ABCD1",
           "text": "Hello world", "type": "text", "keyword": "HELLO", "message-timestamp": "2020-01-01 12:00:00",
           "timestamp": "1578787200", "nonce": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}
ok("inbound sms", "sms_inbound", inbound, [tx("sms", "inbound", "0A0000000123ABCD1", T_2020, "sms_inbound")])
ok("inbound sms with only the signed unix timestamp", "sms_inbound",
   {k: v for k, v in inbound.items() if k != "message-timestamp"},
   [tx("sms", "inbound", "0A0000000123ABCD1", 1_578_787_200_000, "sms_inbound")])
for part in (1, 2):
    ok(f"inbound concatenated sms part {part}", "sms_inbound",
       {**inbound, "messageId": f"0A00000001{part}", "concat": "true", "concat-ref": "1", "concat-total": "2", "concat-part": str(part)},
       [tx("sms", "inbound", f"0A00000001{part}", T_2020, "sms_inbound", {"concat_ref": "1", "concat_part": str(part), "concat_total": "2"})])
ok("inbound sms from a GET query (all text) without a time uses at", "sms_inbound",
   {"msisdn": "447700900001", "to": "447700900000", "messageId": "0B00000001", "text": "hi", "type": "text"},
   [tx("sms", "inbound", "0B00000001", AT, "sms_inbound")])
bad("inbound sms with a newline in the id", "sms_inbound", {**inbound, "messageId": "0A00\n01"}, "messageId")

# ---- Voice --------------------------------------------------------------------------
UUID = "63f61863-4a51-4f6b-86e1-46edebcf9356"
CONV = "CON-f972836a-550f-45fa-956c-12a2ab5b7d22"
ok("voice create call response", "voice_call",
   {"uuid": UUID, "status": "started", "direction": "outbound", "conversation_uuid": CONV},
   [tx("voice", "outbound", UUID, AT, "voice_call", {"conversation_uuid": CONV}),
    res("leg", UUID, AT, "voice_call", {"conversation_uuid": CONV})])
ok("voice event webhook (answered, inbound)", "voice_webhook",
   {"from": "447700900000", "to": "447700900001", "uuid": UUID, "conversation_uuid": CONV, "status": "answered",
    "direction": "inbound", "timestamp": "2020-01-01T12:00:00.000Z"},
   [tx("voice", "inbound", UUID, T_2020, "voice_webhook", {"conversation_uuid": CONV}),
    res("leg", UUID, T_2020, "voice_webhook", {"conversation_uuid": CONV})])
ok("voice answer webhook (no direction, no time)", "voice_webhook",
   {"to": "447700900000", "from": "447700900001", "uuid": UUID, "conversation_uuid": CONV},
   [tx("voice", None, UUID, AT, "voice_webhook", {"conversation_uuid": CONV}),
    res("leg", UUID, AT, "voice_webhook", {"conversation_uuid": CONV})])
bad("voice webhook with an odd direction", "voice_webhook", {"uuid": UUID, "direction": "sideways"}, "direction")
bad("voice webhook without uuid", "voice_webhook", {"conversation_uuid": CONV, "status": "started"}, "uuid")
rec = {"start_time": "2020-01-01T12:00:00Z", "recording_url": "https://api.nexmo.com/v1/files/bbbbbbbb-aaaa-cccc-dddd-0123456789ab",
       "size": 12222, "recording_uuid": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "end_time": "2020-01-01T12:01:00Z",
       "conversation_uuid": "CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "timestamp": "2020-01-01T12:01:01Z"}
ok("voice record webhook", "voice_recording", rec,
   [res("recording", "bbbbbbbb-aaaa-cccc-dddd-0123456789ab", T_2020, "voice_recording",
        {"recording_url": rec["recording_url"], "recording_uuid": rec["recording_uuid"], "conversation_uuid": rec["conversation_uuid"]})])
bad("voice record webhook with a URL that has no file id", "voice_recording", {**rec, "recording_url": "https://api.nexmo.com/"}, "recording_url")
bad("voice record webhook without recording_url", "voice_recording", {"start_time": "2020-01-01T12:00:00Z"}, "recording_url")

# ---- Verify and Number Insight --------------------------------------------------------
ok("verify v1 start", "verify", {"request_id": "abcdef0123456789abcdef0123456789", "status": "0"},
   [tx("verify", None, "abcdef0123456789abcdef0123456789", AT, "verify", {"api": "v1"})])
bad("verify v1 start that failed has no id", "verify", {"request_id": "", "status": "10", "error_text": "Concurrent verifications to the same number are not allowed"}, "status")
ok("verify v2 start", "verify_v2", {"request_id": "c11236f4-00bf-4b89-84ba-88b25df97315", "check_url": "https://api.nexmo.com/v2/verify/c11236f4-00bf-4b89-84ba-88b25df97315/silent-auth/redirect"},
   [tx("verify", None, "c11236f4-00bf-4b89-84ba-88b25df97315", AT, "verify_v2", {"api": "v2"})])
ok("number insight standard", "number_insight",
   {"status": 0, "status_message": "Success", "request_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "international_format_number": "447700900000",
    "national_format_number": "07700 900000", "country_code": "GB", "request_price": "0.04000000", "remaining_balance": "1.23456789",
    "current_carrier": {"network_code": "12345", "name": "Acme Inc", "country": "GB", "network_type": "mobile"}},
   [tx("number-insight", None, "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", AT, "number_insight", {"api": "v1"})])
bad("number insight error", "number_insight", {"status": 4, "status_message": "Invalid credentials"}, "status")
bad("number insight without at", "number_insight", {"status": 0, "request_id": "x1"}, "at", at=None)

# ---- Messages -----------------------------------------------------------------------
MUUID = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
ok("messages send response", "messages_send", {"message_uuid": MUUID}, [tx("messages", "outbound", MUUID, AT, "messages_send")])
ok("messages inbound webhook", "messages_inbound",
   {"message_uuid": MUUID, "to": {"type": "whatsapp", "number": "447700900000"}, "from": {"type": "whatsapp", "number": "447700900001"},
    "timestamp": "2020-01-01T12:00:00.000Z", "message": {"content": {"type": "text", "text": "Hello"}}, "channel": "whatsapp"},
   [tx("messages", "inbound", MUUID, T_2020, "messages_inbound", {"channel": "whatsapp"})])
ok("messages status webhook", "messages_status",
   {"message_uuid": MUUID, "to": "447700900000", "from": "447700900001", "timestamp": "2020-01-01T14:00:00.000+00:00",
    "status": "delivered", "channel": "sms", "client_ref": "abc123"},
   [tx("messages", "outbound", MUUID, T_2020 + 7_200_000, "messages_status", {"channel": "sms", "client_ref": "abc123"})])
bad("messages webhook with a numeric id", "messages_inbound", {"message_uuid": {"x": 1}}, "message_uuid")

# ---- Conversation ---------------------------------------------------------------------
USR = "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
ok("conversation user created", "conversation_user", {"id": USR, "href": f"https://api.nexmo.com/v0.1/users/{USR}"}, [res("user", USR, AT, "conversation_user")])
ok("conversation user (v1 shape with timestamp.created)", "conversation_user",
   {"id": USR, "name": "my_user_name", "display_name": "My User Name", "timestamp": {"created": "2020-01-01T12:00:00.000Z"}},
   [res("user", USR, T_2020, "conversation_user")])
ok("conversation created", "conversation", {"id": CONV, "href": f"https://api.nexmo.com/v0.1/conversations/{CONV}"}, [res("conversation", CONV, AT, "conversation")])
ok("conversation event webhook", "conversation_event",
   {"id": 5, "conversation_id": CONV, "type": "text", "from": "MEM-1", "timestamp": "2020-01-01T12:00:00.000Z", "body": {"text": "hi"}},
   [res("event", f"{CONV}:5", T_2020, "conversation_event", {"type": "text", "conversation_id": CONV, "event_id": "5"})])
bad("conversation event with a non-integer id", "conversation_event", {"id": "five", "conversation_id": CONV}, "id")
bad("conversation event without conversation", "conversation_event", {"id": 5}, "conversation_id")
ok("conversation leg", "conversation_leg", {"uuid": UUID, "conversation_uuid": CONV}, [res("leg", UUID, AT, "conversation_leg")])
# Ids a WHATWG URL parser would read as dot segments (`DELETE /v1/users/%2E%2E` is `/v1/`).
bad("inbound sms with a dot-dot id", "sms_inbound", {**inbound, "messageId": ".."}, "messageId")
bad("conversation user with an encoded dot-dot id", "conversation_user", {"id": "%2E%2e"}, "id")
bad("conversation with a dot id", "conversation", {"id": "."}, "id")
bad("conversation event whose conversation id is a dot segment", "conversation_event", {"id": 5, "conversation_id": ".%2e", "timestamp": "2020-01-01T12:00:00Z"}, "conversation_id")
bad("unknown source", "sms_outbound", {}, "source", code="invalid_argument")

# ---- Limits (issue 9, item 16) ------------------------------------------------------------
# One payload yields at most 10,000 entries (MAX_CAPTURE_ENTRIES): tested in each language
# (core/tests/capture.rs, hostile_hosts tests), not here, to keep this file small.

# Bodies as received (text or bytes) against a stated byte limit: `max_bytes`, the host's
# option (default 1 MiB). A body over it is refused before it is parsed, even if it is not JSON.
limits = []
RECEIPT_BODY = json.dumps({"messageId": "0A0000001234567B", "message-timestamp": "2020-01-01 12:00:00"}, separators=(",", ":"))
assert len(RECEIPT_BODY.encode()) == 74
limits.append({"name": "a body of exactly max_bytes is read", "source": "sms_receipt", "body": RECEIPT_BODY, "max_bytes": 74,
               "expect": {"entries": [tx("sms", "outbound", "0A0000001234567B", T_2020, "sms_receipt")]}})
limits.append({"name": "a body one byte over max_bytes is refused", "source": "sms_receipt", "body": RECEIPT_BODY, "max_bytes": 73,
               "expect": {"error": "payload_too_large", "limit": 73, "size": 74}})
limits.append({"name": "over the limit is refused before parsing", "source": "sms_receipt", "body": "x" * 65, "max_bytes": 64,
               "expect": {"error": "payload_too_large", "limit": 64, "size": 65}})

doc = {"about": "Capture vectors replayed by Rust, Node and Python. Generated by gen/capture_vectors.py.", "cases": cases,
       "limits_about": "Bodies as text or bytes with the host's max_bytes ; expect entries, or the error with details.limit and details.size.",
       "limits": limits}
(HERE / "capture.json").write_text(json.dumps(doc, indent=1) + "\n")
print(len(cases), "cases")
