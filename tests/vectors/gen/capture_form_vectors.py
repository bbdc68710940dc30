"""Writes tests/vectors/capture_forms.json: every capture vector of a source Vonage can send as a
GET query or a POST form (SMS inbound and delivery receipts: "GET or POST", developer.vonage.com
/messaging/sms/guides/inbound-sms; voice answer/event webhooks: "body or GET query",
vonage-facts §7 [NDP:vwh]) written as a form body and as a query string, each expecting exactly
what its JSON form expects in capture.json; plus hand-written cases for content types, sniffing,
repeated keys and encodings. Kept apart from capture.json until the Node and Python runners read
bodies (issue 12)."""
import json, pathlib
from urllib.parse import urlencode, quote

HERE = pathlib.Path(__file__).resolve().parent.parent
AT = 1_700_000_000_000
T_2020 = 1_577_880_000_000  # 2020-01-01T12:00:00Z
FORM_SOURCES = ("sms_receipt", "sms_inbound", "voice_webhook")
FORM = "application/x-www-form-urlencoded"

json_cases = json.loads((HERE / "capture.json").read_text())["cases"]
cases = []


def case(name, source, body, content_type, expect, at=AT, max_bytes=None):
    c = {"name": name, "source": source, "body": body, "content_type": content_type, "expect": expect}
    if at is not None:
        c["at"] = at
    if max_bytes is not None:
        c["max_bytes"] = max_bytes
    cases.append(c)


derived = 0
for c in json_cases:
    if c["source"] not in FORM_SOURCES:
        continue
    fields = c["payload"]
    assert all(isinstance(v, str) for v in fields.values()), c["name"]  # forms carry text only
    at = c.get("at")
    # POST form body as sent (spaces as `+`), with its content type and sniffed without one.
    body = urlencode(fields)
    case(c["name"] + " (POST form)", c["source"], body, FORM, c["expect"], at)
    case(c["name"] + " (form, no content type)", c["source"], body, None, c["expect"], at)
    # GET query string as a framework's raw query (spaces as %20), with and without the `?`.
    query = urlencode(fields, quote_via=quote)
    case(c["name"] + " (GET query)", c["source"], query, None, c["expect"], at)
    case(c["name"] + " (GET query with ?)", c["source"], "?" + query, None, c["expect"], at)
    # The JSON body itself, sniffed.
    case(c["name"] + " (JSON, no content type)", c["source"], json.dumps(fields), None, c["expect"], at)
    derived += 5


def tx(product, direction, id_, created_at, source, extra=None):
    return {"kind": "transaction", "product": product, "direction": direction, "id": id_,
            "created_at": created_at, "source": source, "extra": extra or {}}


RECEIPT = {"messageId": "0A0000001234567B", "status": "delivered", "message-timestamp": "2020-01-01 12:00:00"}
RECEIPT_ENTRY = tx("sms", "outbound", "0A0000001234567B", T_2020, "sms_receipt", {"status": "delivered"})
body = json.dumps(RECEIPT)
case("JSON with a charset parameter", "sms_receipt", body, "application/json; charset=utf-8", {"entries": [RECEIPT_ENTRY]})
case("JSON with an upper-case vendor +json type", "sms_receipt", body, "Application/Vnd.Example+JSON", {"entries": [RECEIPT_ENTRY]})
case("text/plain is sniffed (JSON)", "sms_receipt", body, "text/plain", {"entries": [RECEIPT_ENTRY]})
case("text/plain is sniffed (form)", "sms_receipt", urlencode(RECEIPT), "text/plain; charset=utf-8", {"entries": [RECEIPT_ENTRY]})
case("JSON after a byte order mark and white space", "sms_receipt", "\ufeff \n" + body, None, {"entries": [RECEIPT_ENTRY]})
case("a multipart body is refused, naming its type", "sms_receipt", "--x\r\n", "multipart/form-data; boundary=x",
     {"error": "invalid_payload", "field": "content_type"})
case("a form sent as application/json is not JSON", "sms_receipt", urlencode(RECEIPT), "application/json",
     {"error": "invalid_payload", "field": "$"})
case("JSON sent as a form is a form without messageId", "sms_receipt", body, FORM,
     {"error": "invalid_payload", "field": "messageId"})
case("a repeated id is refused, not guessed", "sms_receipt",
     urlencode(RECEIPT) + "&messageId=0A0000001234567C", FORM, {"error": "invalid_payload", "field": "messageId"})
case("the same id twice is still a list, refused", "sms_receipt",
     urlencode(RECEIPT) + "&messageId=0A0000001234567B", FORM, {"error": "invalid_payload", "field": "messageId"})
case("a repeated field capture does not read is kept as a list, harmless", "sms_receipt",
     urlencode(RECEIPT) + "&err-code=0&err-code=1", FORM, {"entries": [RECEIPT_ENTRY]})
case("a repeated extra field is stored as the list it is", "sms_receipt",
     "messageId=0A0000001234567B&status=delivered&status=expired&message-timestamp=2020-01-01+12%3A00%3A00", FORM,
     {"entries": [tx("sms", "outbound", "0A0000001234567B", T_2020, "sms_receipt", {"status": ["delivered", "expired"]})]})
case("percent bytes that are not UTF-8 are refused", "sms_receipt", "messageId=0A%FF&message-timestamp=2020-01-01", FORM,
     {"error": "invalid_payload", "field": "$"})
case("an empty query has no messageId", "sms_inbound", "", None, {"error": "invalid_payload", "field": "messageId"})
case("a key without a value is an empty text", "sms_inbound", "messageId", None, {"error": "invalid_payload", "field": "messageId"})
case("an unencoded + in a query time is a space (Vonage encodes it: facts §11.9)", "voice_webhook",
     "uuid=63f61863-4a51-4f6b-86e1-46edebcf9356&timestamp=2020-01-01T12:00:00+00:00", None,
     {"error": "invalid_payload", "field": "timestamp"})
case("an encoded + in a query time is an offset", "voice_webhook",
     "uuid=63f61863-4a51-4f6b-86e1-46edebcf9356&timestamp=2020-01-01T12:00:00%2B00:00", None,
     {"entries": [tx("voice", None, "63f61863-4a51-4f6b-86e1-46edebcf9356", T_2020, "voice_webhook"),
                  {"kind": "leg", "product": None, "direction": None, "id": "63f61863-4a51-4f6b-86e1-46edebcf9356",
                   "created_at": T_2020, "source": "voice_webhook", "extra": {}}]})
case("a form body over max_bytes is refused before parsing", "sms_receipt", urlencode(RECEIPT), FORM,
     {"error": "payload_too_large", "field": None}, max_bytes=16)

doc = {"about": "Capture of form bodies and query strings (capture_body), replayed by Rust (core/tests/capture_forms.rs). "
                "Each case: body (text), content_type (null: sniffed), at, optional max_bytes; expect entries, or the error "
                "code with details.field. Generated by gen/capture_form_vectors.py.",
       "cases": cases}
(HERE / "capture_forms.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
print(len(cases), "cases,", derived, "derived from capture.json")
