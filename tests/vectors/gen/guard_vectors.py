"""Writes tests/vectors/guard.json: outgoing payloads checked against Vonage's Developer Field Usage
Guidance (vonage-facts §8), every rule both ways: personal data found, and the customer's own
number, a placeholder or an ordinary value not flagged. Expected findings are written by hand.

Numbers: placeholders are Ofcom's drama ranges (+44 7700 900xxx, +44 20 7946 0xxx) and NANP
555-01xx; a number that must be found is a NANP 555 number outside 555-01xx (+1 415 555 2671,
reserved, not a subscriber) or a placeholder the ledger links to a subject (subject identifiers
are findings wherever they appear)."""
import json, pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent
cases = []

SUBJECT = {"subject_identifiers": [{"kind": "phone", "value": "+447700900123"},
                                   {"kind": "conversation_user", "value": "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}]}
OWN = {"customer_numbers": ["+1 415 555 2600"]}
BOTH = {**SUBJECT, **OWN}
PHONE = "+14*******71"        # +14155552671
SUBJ = "+44********23"        # +447700900123
USER = "USR-" + "*" * 34 + "ab"  # 40 characters: 4 shown, 34 hidden, 2 shown
EMAIL = "j*******@e***********.com"  # jane.doe@example-mail.com


def f(path, rule, found, masked):
    return {"path": path, "rule": rule, "found": found, "masked": masked}


def case(name, kind, payload, findings, rule=None, known=None, body=None, content_type=None):
    c = {"name": name, "kind": kind, "rule": rule, "known": known or {}, "expect": {"findings": findings}}
    if body is not None:
        c["body"], c["content_type"] = body, content_type
    else:
        c["payload"] = payload
    cases.append(c)


def bad(name, kind, payload, code, field, known=None):
    cases.append({"name": name, "kind": kind, "rule": None, "known": known or {}, "payload": payload,
                  "expect": {"error": code, "field": field}})


# ---- SMS (send request) -------------------------------------------------------------------
SMS = {"api_key": "abcd1234", "from": "AcmeInc", "to": "14155552671", "text": "Your order shipped"}
case("sms callback with the recipient in its query", "sms",
     {**SMS, "callback": "https://example.com/dlr?user=+14155552671"},
     [f("callback", "sms.callback", "phone", PHONE)], "sms.callback")
case("sms callback with a percent-encoded number", "sms",
     {**SMS, "callback": "https://example.com/dlr?to=%2B1%20415%20555%202671"},
     [f("callback", "sms.callback", "phone", PHONE)], "sms.callback")
case("sms callback with ids and a timestamp only", "sms",
     {**SMS, "callback": "https://example.com/dlr?order=42&ts=1582650446&call=63f61863-4a51-4f6b-86e1-46edebcf9356"},
     [], "sms.callback")
case("sms client-ref holding an e-mail address", "sms",
     {**SMS, "client-ref": "jane.doe@example-mail.com"},
     [f("client-ref", "sms.client-ref", "email", EMAIL)], "sms.client-ref")
case("sms client-ref glued to a subject's number", "sms",
     {**SMS, "client-ref": "u447700900123"},
     [f("client-ref", "sms.client-ref", "subject_identifier", SUBJ)], "sms.client-ref", SUBJECT)
case("sms client-ref that is a date-stamped order reference", "sms",
     {**SMS, "client-ref": "order-2024-11-000123"}, [], "sms.client-ref")
case("sms url with a 10-digit North American number", "sms",
     {**SMS, "type": "wappush", "url": "https://example.com/promo?phone=415-555-2671"},
     [f("url", "sms.url", "phone", PHONE)], "sms.url")
case("sms url without personal data", "sms",
     {**SMS, "type": "wappush", "url": "https://example.com/promo/2024-11"}, [], "sms.url")
case("sms account-ref (not confirmed) with an e-mail address", "sms",
     {**SMS, "account-ref": "jane.doe@example-mail.com"},
     [f("account-ref", "sms.account-ref", "email", EMAIL)], "sms.account-ref")
case("sms account-ref (not confirmed) plain", "sms", {**SMS, "account-ref": "customer1234"}, [], "sms.account-ref")
case("sms to and text are not reserved fields", "sms",
     {**SMS, "text": "Call jane.doe@example-mail.com on +1 415 555 2671"}, [], None, SUBJECT)
case("sms sent as a form body", "sms", None,
     [f("client-ref", "sms.client-ref", "phone", PHONE)], "sms.client-ref",
     body="api_key=abcd1234&from=AcmeInc&to=14155552671&text=hi&client-ref=user%2B14155552671",
     content_type="application/x-www-form-urlencoded")

# ---- Verify --------------------------------------------------------------------------------
VERIFY = {"number": "14155552671", "brand": "Acme Inc"}
case("verify brand naming the user and their number", "verify", {**VERIFY, "brand": "Jane +1 415-555-2671"},
     [f("brand", "verify.brand", "phone", PHONE)], "verify.brand")
case("verify brand of the company", "verify", VERIFY, [], "verify.brand")
case("verify sender_id that is the user's number", "verify", {**VERIFY, "sender_id": "14155552671"},
     [f("sender_id", "verify.sender_id", "phone", PHONE)], "verify.sender_id", OWN)
case("verify sender_id that is the customer's own number", "verify", {**VERIFY, "sender_id": "14155552600"},
     [], "verify.sender_id", OWN)
case("verify clientRef with an e-mail address", "verify", {**VERIFY, "clientRef": "jane.doe@example-mail.com"},
     [f("clientRef", "verify.clientRef", "email", EMAIL)], "verify.clientRef")
case("verify clientRef with a placeholder address", "verify", {**VERIFY, "clientRef": "signup jane@example.com"},
     [], "verify.clientRef")

# ---- Voice create call ---------------------------------------------------------------------
CALL = {"to": [{"type": "phone", "number": "447700900123"}], "answer_url": ["https://example.com/answer"]}
case("voice from is a subject's number", "voice-call", {**CALL, "from": {"type": "phone", "number": "447700900123"}},
     [f("from.number", "voice.from", "subject_identifier", SUBJ)], "voice.from", SUBJECT)
case("voice from is not one of the customer's numbers", "voice-call",
     {**CALL, "from": {"type": "phone", "number": "14155552671"}},
     [f("from.number", "voice.from", "not_customer_number", PHONE)], "voice.from", OWN)
case("voice from is the customer's own number (the subject is the callee: to is not reserved)", "voice-call",
     {**CALL, "from": {"type": "phone", "number": "14155552600"}}, [], "voice.from", BOTH)
case("voice from unknown without the customer's numbers: not a finding", "voice-call",
     {**CALL, "from": {"type": "phone", "number": "14155552671"}}, [], "voice.from")
INBOUND = {"direction": "inbound", "from": {"type": "phone", "number": "447700900123"}}
case("voice to on an inbound call is a subject's number", "voice-call",
     {**INBOUND, "to": {"type": "phone", "number": "447700900123"}},
     [f("to.number", "voice.to", "subject_identifier", SUBJ)], "voice.to", SUBJECT)
case("voice to on an inbound call is the customer's number", "voice-call",
     {**INBOUND, "to": [{"type": "phone", "number": "14155552600"}]}, [], "voice.to", BOTH)
case("voice inline ncco is checked", "voice-call",
     {**CALL, "from": {"type": "phone", "number": "14155552600"},
      "ncco": [{"action": "talk", "text": "Hello, your number is +1 415 555 2671"}]},
     [f("ncco[0].text", "ncco.text", "phone", PHONE)], "ncco.text", OWN)

# ---- NCCO ----------------------------------------------------------------------------------
case("ncco eventUrl carrying the caller's number", "ncco",
     [{"action": "record", "eventUrl": ["https://example.com/rec?caller=447700900123"]}],
     [f("[0].eventUrl[0]", "ncco.eventUrl", "subject_identifier", SUBJ)], "ncco.eventUrl", SUBJECT)
case("ncco eventUrl with a number in its path", "ncco",
     [{"action": "talk", "text": "hi"}, {"action": "input", "eventUrl": ["https://example.com/events/+1-415-555-2671"]}],
     [f("[1].eventUrl[0]", "ncco.eventUrl", "phone", PHONE)], "ncco.eventUrl")
case("ncco eventUrl with a call uuid", "ncco",
     [{"action": "record", "eventUrl": ["https://example.com/rec?call=63f61863-4a51-4f6b-86e1-46edebcf9356"]}],
     [], "ncco.eventUrl", SUBJECT)
case("ncco endpoint uri: a SIP user that is a number", "ncco",
     [{"action": "connect", "endpoint": [{"type": "sip", "uri": "sip:+14155552671@sip.example.com"}]}],
     [f("[0].endpoint[0].uri", "ncco.endpoint.uri", "phone", PHONE)], "ncco.endpoint.uri")
case("ncco endpoint uri: a websocket with an e-mail address", "ncco",
     [{"action": "connect", "endpoint": [{"type": "websocket", "uri": "wss://example.com/socket?u=jane.doe%40example-mail.com"}]}],
     [f("[0].endpoint[0].uri", "ncco.endpoint.uri", "email", EMAIL)], "ncco.endpoint.uri")
case("ncco endpoint uri of the customer's own SIP domain", "ncco",
     [{"action": "connect", "endpoint": [{"type": "sip", "uri": "sip:support@sip.example.com"}]}], [], "ncco.endpoint.uri")
case("ncco connect from a subject's number (the endpoint number is the callee: not reserved)", "ncco",
     [{"action": "connect", "from": "447700900123", "endpoint": [{"type": "phone", "number": "14155552671"}]}],
     [f("[0].from", "ncco.from", "subject_identifier", SUBJ)], "ncco.from", SUBJECT)
case("ncco connect from a number that is not the customer's", "ncco",
     [{"action": "connect", "from": "+1 (415) 555-2671", "endpoint": [{"type": "phone", "number": "14155552600"}]}],
     [f("[0].from", "ncco.from", "not_customer_number", PHONE)], "ncco.from", OWN)
case("ncco connect from the customer's number, or a placeholder", "ncco",
     [{"action": "connect", "from": "14155552600", "endpoint": [{"type": "phone", "number": "447700900123"}]},
      {"action": "connect", "from": "447700900000", "endpoint": [{"type": "phone", "number": "447700900123"}]}],
     [], "ncco.from", OWN)
case("ncco talk text with the user's number", "ncco",
     [{"action": "talk", "text": "We will call you back on (415) 555-2671."}],
     [f("[0].text", "ncco.text", "phone", PHONE)], "ncco.text")
case("ncco talk text with a subject's number in national notation", "ncco",
     [{"action": "talk", "text": "Calling 07700 900123 now"}],
     [f("[0].text", "ncco.text", "subject_identifier", SUBJ)], "ncco.text", SUBJECT)
case("ncco talk text with the customer's number, placeholders, a code and a date", "ncco",
     [{"action": "talk", "text": "Call us on +1 415 555 2600 or +44 20 7946 0000 or (201) 555-0123. "
                                  "Your code is 123456, valid until 2024-11-30 12:00."}], [], "ncco.text", OWN)
case("ncco streamUrl with an e-mail address", "ncco",
     [{"action": "stream", "streamUrl": ["https://example.com/greet.mp3?for=jane.doe@example-mail.com"]}],
     [f("[0].streamUrl[0]", "ncco.streamUrl", "email", EMAIL)], "ncco.streamUrl")
case("ncco streamUrl of a recording", "ncco",
     [{"action": "stream", "streamUrl": ["https://example.com/music-2024.mp3"]}], [], "ncco.streamUrl")

# ---- Application ---------------------------------------------------------------------------
def app(name="Acme support", voice_answer="https://example.com/webhooks/answer", voice_event="https://example.com/webhooks/event",
        rtc_event="https://example.com/webhooks/rtc", inbound="https://example.com/webhooks/inbound",
        status="https://example.com/webhooks/status"):
    return {"name": name, "capabilities": {
        "voice": {"webhooks": {"answer_url": {"address": voice_answer, "http_method": "GET"},
                               "event_url": {"address": voice_event, "http_method": "POST"}}},
        "rtc": {"webhooks": {"event_url": {"address": rtc_event, "http_method": "POST"}}},
        "messages": {"webhooks": {"inbound_url": {"address": inbound, "http_method": "POST"},
                                  "status_url": {"address": status, "http_method": "POST"}}}}}


case("application name with a person's number", "application", app(name="Jane Doe +14155552671"),
     [f("name", "application.name", "phone", PHONE)], "application.name")
case("application of the customer, every webhook clean", "application", app(name="acme-prod-2024-11-30"), [],
     "application.name")
case("application answer_url with a 00-prefixed number", "application",
     app(voice_answer="https://example.com/answer?owner=0014155552671"),
     [f("capabilities.voice.webhooks.answer_url.address", "application.answer_url", "phone", PHONE)], "application.answer_url")
case("application answer_url plain", "application", app(), [], "application.answer_url")
case("application rtc event_url with an encoded number", "application",
     app(rtc_event="https://example.com/rtc?u=%2B14155552671"),
     [f("capabilities.rtc.webhooks.event_url.address", "application.event_url", "phone", PHONE)], "application.event_url")
case("application event_url plain", "application", app(), [], "application.event_url")
case("application messages inbound_url (not confirmed) with an e-mail", "application",
     app(inbound="https://example.com/in?owner=jane.doe@example-mail.com"),
     [f("capabilities.messages.webhooks.inbound_url.address", "application.messages.inbound_url", "email", EMAIL)],
     "application.messages.inbound_url")
case("application messages inbound_url plain", "application", app(), [], "application.messages.inbound_url")
case("application messages status_url (not confirmed) with a subject user", "application",
     app(status="https://example.com/status/USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"),
     [f("capabilities.messages.webhooks.status_url.address", "application.messages.status_url", "subject_identifier", USER)],
     "application.messages.status_url", SUBJECT)
case("application messages status_url plain", "application", app(), [], "application.messages.status_url", SUBJECT)

# ---- Messages ------------------------------------------------------------------------------
MSG = {"message_type": "text", "channel": "sms", "to": "447700900123", "from": "14155552600", "text": "hi"}
case("messages client_ref (not confirmed) naming a subject's user", "messages",
     {**MSG, "client_ref": "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"},
     [f("client_ref", "messages.client_ref", "subject_identifier", USER)], "messages.client_ref", SUBJECT)
case("messages client_ref plain", "messages", {**MSG, "client_ref": "campaign-42"}, [], "messages.client_ref", SUBJECT)
case("messages webhook_url (not confirmed) with a number", "messages",
     {**MSG, "webhook_url": "https://example.com/status?to=14155552671"},
     [f("webhook_url", "messages.webhook_url", "phone", PHONE)], "messages.webhook_url")
case("messages webhook_url plain", "messages", {**MSG, "webhook_url": "https://example.com/status"}, [],
     "messages.webhook_url")

# ---- Several findings, and refusals --------------------------------------------------------
case("findings come in rule order, one per value per field", "sms",
     {**SMS, "url": "https://example.com/?a=jane.doe@example-mail.com", "callback": "https://example.com/?p=+14155552671&q=14155552671"},
     [f("callback", "sms.callback", "phone", PHONE), f("url", "sms.url", "email", EMAIL)])
bad("an ncco must be an array", "ncco", {"action": "talk", "text": "hi"}, "invalid_argument", "payload")
bad("an sms must be an object", "sms", [SMS], "invalid_argument", "payload")
bad("a customer number that is not a number", "sms", SMS, "invalid_phone", None, {"customer_numbers": ["support"]})

RULES = [  # id, kind, confirmed: the table hosts and the CLI list (guard_rules())
    ("sms.callback", "sms", True), ("sms.client-ref", "sms", True), ("sms.url", "sms", True),
    ("sms.account-ref", "sms", False), ("verify.brand", "verify", True), ("verify.sender_id", "verify", True),
    ("verify.clientRef", "verify", True), ("voice.from", "voice-call", True), ("voice.to", "voice-call", True),
    ("ncco.eventUrl", "ncco", True), ("ncco.endpoint.uri", "ncco", True), ("ncco.from", "ncco", True),
    ("ncco.text", "ncco", True), ("ncco.streamUrl", "ncco", True), ("application.name", "application", True),
    ("application.answer_url", "application", True), ("application.event_url", "application", True),
    ("application.messages.inbound_url", "application", False),
    ("application.messages.status_url", "application", False),
    ("messages.client_ref", "messages", False), ("messages.webhook_url", "messages", False),
]
doc = {"about": "Guard vectors (guard.check / check_body), replayed by Rust (core/tests/guard.rs). Each case: kind, "
                "payload (or body + content_type), known {subject_identifiers, customer_numbers}; expect the findings "
                "(path, rule, found, masked; source and confirmed come from the rule), or an error code with "
                "details.field. `rule` names the rule a case covers. Generated by gen/guard_vectors.py.",
       "rules": [{"id": i, "kind": k, "confirmed": c} for i, k, c in RULES], "cases": cases}
(HERE / "guard.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
print(len(cases), "cases")
