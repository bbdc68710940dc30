"""Writes tests/vectors/console_proxy.json: the console proxy's allow-list, both ways.

Every case is a call a page hands the console server (job kind, job id, the request its web
build made) and either what the core admits (the request it rebuilds and authorises with the
server's credentials, and the audit line) or the refusal (`proxy_refused` and its rule).
Expectations are written here by hand from vonage-facts.md and the core's request builders;
nothing is computed by the code under test. Run: python3 tests/vectors/gen/console_proxy_vectors.py
"""

import base64
import hashlib
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "console_proxy.json"

API = "https://api.nexmo.com"
REST = "https://rest.nexmo.com"
# Reports moved under a prefix: the host and the prefix both count.
REPORTS = "http://127.0.0.1:8750/vonage"
KEY, SECRET = "abcd1234", "s3cr3t-value"
BASIC = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
PAGE_AUTH = "Basic cGFnZTpwYWdlLXNlY3JldA=="  # what a page might send: always dropped
NOW = 1_700_000_000_000
TX = "0A000000B0C9A1234"
MEDIA = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
USER = "USR-11111111-2222-3333-4444-555555555555"
CONV = "CON-11111111-2222-3333-4444-555555555555"
NUMBER = "447700900000"

cases = []


def call(kind, method, url, body="", headers=None, job="job-1"):
    return {
        "kind": kind,
        "job_id": job,
        "request": {
            "method": method,
            "url": url,
            "headers": headers if headers is not None else {"authorization": PAGE_AUTH, "x-page": "1"},
            "body": body,
        },
    }


def admit(name, c, *, method, url, auth, product, path, ids, body=None, accept="application/json",
          exact_body=True):
    expect = {
        "request": {"method": method, "url": url, "accept": accept, "authorization": auth},
        "audit": {
            "at": NOW,
            "operator": "officer-7",
            "kind": c["kind"],
            "job_id": c["job_id"],
            "product": product,
            "method": method,
            "path": path,
            "ids": ids,
            "status": 200,
        },
    }
    if body is not None:
        expect["request"]["body_json"] = body
        if exact_body:
            # The bytes too, where the core fixes the key order (Redact, report create).
            expect["request"]["body_text"] = json.dumps(body, separators=(",", ":"))
    cases.append({"name": name, "call": c, "admitted": expect})


def refuse(name, c, rule):
    cases.append({"name": name, "call": c, "refused": {"code": "proxy_refused", "rule": rule}})


def scrub(user, v1):
    body = {
        "name": "erased-" + hashlib.sha256(user.encode()).hexdigest()[:16],
        "display_name": "REDACTED",
        "image_url": "",
    }
    if v1:
        body["properties"] = {"custom_data": {}}
    return body


# --- erasure: Redact -------------------------------------------------------------------------
redact_url = f"{API}/v1/redact/transaction"
redact_body = {"id": TX, "product": "sms", "type": "inbound"}
admit("redact sms inbound", call("erasure", "POST", redact_url, json.dumps(redact_body)),
      method="POST", url=redact_url, auth=BASIC, product="sms",
      path="/v1/redact/transaction", ids=[TX], body=redact_body)
admit("redact: host in upper case and :443 is the same origin",
      call("erasure", "POST", "HTTPS://API.NEXMO.COM:443/v1/redact/transaction",
           json.dumps({"id": TX, "product": "voice", "type": "outbound"})),
      method="POST", url=redact_url, auth=BASIC, product="voice", path="/v1/redact/transaction",
      ids=[TX], body={"id": TX, "product": "voice", "type": "outbound"})
rb = json.dumps(redact_body)
refuse("redact: wrong method", call("erasure", "PUT", redact_url, rb), "method")
refuse("redact: foreign host", call("erasure", "POST", "https://api.nexmo.com.evil.example/v1/redact/transaction", rb), "host")
refuse("redact: user info before a foreign host", call("erasure", "POST", "https://api.nexmo.com@evil.example/v1/redact/transaction", rb), "host")
refuse("redact: plain http to an https base", call("erasure", "POST", "http://api.nexmo.com/v1/redact/transaction", rb), "host")
refuse("redact: extra query", call("erasure", "POST", redact_url + "?debug=1", rb), "query")
refuse("redact: empty query", call("erasure", "POST", redact_url + "?", rb), "query")
refuse("redact: dot segments", call("erasure", "POST", f"{API}/v1/redact/%2e%2e/redact/transaction", rb), "path")
refuse("redact: fragment", call("erasure", "POST", redact_url + "#x", rb), "path")
refuse("redact: body with an extra field", call("erasure", "POST", redact_url, json.dumps({**redact_body, "callback": "https://evil.example"})), "body")
refuse("redact: body without type", call("erasure", "POST", redact_url, json.dumps({"id": TX, "product": "sms"})), "body")
refuse("redact: SDK spelling of the product", call("erasure", "POST", redact_url, json.dumps({**redact_body, "product": "SMS"})), "body")
refuse("redact: id that is a dot segment", call("erasure", "POST", redact_url, json.dumps({**redact_body, "id": ".."})), "body")
refuse("redact: body not JSON", call("erasure", "POST", redact_url, "id=1"), "body")
refuse("redact: asked by an access job", call("access", "POST", redact_url, rb), "host")

# --- erasure: Media --------------------------------------------------------------------------
media_url = f"{API}/v3/media/{MEDIA}"
admit("media delete (JWT: the server has an application)", call("erasure", "DELETE", media_url),
      method="DELETE", url=media_url, auth="Bearer", product="media", path=f"/v3/media/{MEDIA}", ids=[MEDIA])
refuse("media: wrong method", call("erasure", "GET", media_url), "method")
refuse("media: dot segment id", call("erasure", "DELETE", f"{API}/v3/media/%2E%2E"), "path")
refuse("media: id then more path", call("erasure", "DELETE", f"{media_url}/info"), "path")
refuse("media: extra query", call("erasure", "DELETE", media_url + "?page_size=100"), "query")
refuse("media: a body", call("erasure", "DELETE", media_url, "{}"), "body")
refuse("media: foreign host", call("erasure", "DELETE", f"https://media.evil.example/v3/media/{MEDIA}"), "host")

# --- erasure: Conversation -------------------------------------------------------------------
for version, v1 in (("v1", True), ("v0.1", False)):
    users = f"{API}/{version}/users/{USER}"
    admit(f"conversation {version}: delete user", call("erasure", "DELETE", users),
          method="DELETE", url=users, auth="Bearer", product="conversation",
          path=f"/{version}/users/{USER}", ids=[USER])
    verb = "PATCH" if v1 else "PUT"
    admit(f"conversation {version}: scrub user", call("erasure", verb, users, json.dumps(scrub(USER, v1))),
          method=verb, url=users, auth="Bearer", product="conversation",
          path=f"/{version}/users/{USER}", ids=[USER], body=scrub(USER, v1), exact_body=False)
    refuse(f"conversation {version}: scrub body with other values",
           call("erasure", verb, users, json.dumps({**scrub(USER, v1), "display_name": "Jane"})), "body")
    conv = f"{API}/{version}/conversations/{CONV}"
    admit(f"conversation {version}: delete conversation", call("erasure", "DELETE", conv),
          method="DELETE", url=conv, auth="Bearer", product="conversation",
          path=f"/{version}/conversations/{CONV}", ids=[CONV])
    admit(f"conversation {version}: delete event", call("erasure", "DELETE", conv + "/events/5"),
          method="DELETE", url=conv + "/events/5", auth="Bearer", product="conversation",
          path=f"/{version}/conversations/{CONV}/events/5", ids=[f"{CONV}:5"])
legs = f"{API}/v0.1/legs/leg-1"
admit("conversation: delete leg (v0.1)", call("erasure", "DELETE", legs),
      method="DELETE", url=legs, auth="Bearer", product="conversation", path="/v0.1/legs/leg-1", ids=["leg-1"])
refuse("conversation: PUT to a v1 user", call("erasure", "PUT", f"{API}/v1/users/{USER}", json.dumps(scrub(USER, True))), "method")
refuse("conversation: GET a user", call("erasure", "GET", f"{API}/v1/users/{USER}"), "method")
refuse("conversation: legs under v1", call("erasure", "DELETE", f"{API}/v1/legs/leg-1"), "path")
refuse("conversation: unknown version", call("erasure", "DELETE", f"{API}/v2/users/{USER}"), "path")
refuse("conversation: list users", call("erasure", "DELETE", f"{API}/v1/users"), "path")
refuse("conversation: dot segment user", call("erasure", "DELETE", f"{API}/v1/users/."), "path")
refuse("conversation: empty segment", call("erasure", "DELETE", f"{API}/v1//users/{USER}"), "path")
refuse("conversation: a query", call("erasure", "DELETE", f"{API}/v1/users/{USER}?force=true"), "query")
refuse("conversation: a body on delete", call("erasure", "DELETE", f"{API}/v1/users/{USER}", "{}"), "body")
refuse("job id empty", call("erasure", "DELETE", media_url, job=""), "job")

# --- access: Reports records -----------------------------------------------------------------
rec = f"{REPORTS}/v2/reports/records"
by_id = "account_id=abcd1234&product=SMS&direction=outbound&id=a1%2Ca2&include_message=true&show_concatenated=true"
admit("records by ids", call("access", "GET", f"{rec}?{by_id}"),
      method="GET", url=f"{rec}?{by_id}", auth=BASIC, product="SMS", path="/v2/reports/records", ids=["a1", "a2"])
admit("records: parameters rebuilt in the fixed order, credentials from the page dropped",
      call("access", "GET", f"{rec}?id=a1,a2&product=SMS&account_id=abcd1234&api_secret=x&direction=outbound"),
      method="GET", url=f"{rec}?account_id=abcd1234&product=SMS&direction=outbound&id=a1%2Ca2",
      auth=BASIC, product="SMS", path="/v2/reports/records", ids=["a1", "a2"])
scan = ("account_id=abcd1234&product=VOICE-CALL&date_start=2026-01-01T00%3A00%3A00%2B01%3A00"
        f"&date_end=2026-01-02T00%3A00%3A00Z&to={NUMBER}&cursor=c1&iv=v1")
admit("records by number over a window, next page", call("access", "GET", f"{rec}?{scan}"),
      method="GET", url=f"{rec}?{scan}", auth=BASIC, product="VOICE-CALL", path="/v2/reports/records", ids=[])
refuse("records: extra query", call("access", "GET", f"{rec}?{by_id}&country=GB"), "query")
refuse("records: no subject (whole account)", call("access", "GET", f"{rec}?account_id=abcd1234&product=SMS&date_start=2026-01-01T00%3A00%3A00Z&date_end=2026-01-02T00%3A00%3A00Z"), "query")
refuse("records: ids and dates", call("access", "GET", f"{rec}?account_id=abcd1234&product=SMS&id=a1&date_start=2026-01-01T00%3A00%3A00Z&date_end=2026-01-02T00%3A00%3A00Z"), "query")
refuse("records: 21 ids", call("access", "GET", f"{rec}?account_id=abcd1234&product=SMS&id=" + ",".join(f"i{n}" for n in range(21))), "query")
refuse("records: a raw + in a time (read as a space)", call("access", "GET", f"{rec}?account_id=abcd1234&product=SMS&date_start=2026-01-01T00:00:00+01:00&date_end=2026-01-02T00:00:00Z&to={NUMBER}"), "query")
refuse("records: two filters", call("access", "GET", f"{rec}?account_id=abcd1234&product=SMS&to={NUMBER}&from={NUMBER}&date_start=2026-01-01T00%3A00%3A00Z&date_end=2026-01-02T00%3A00%3A00Z"), "query")
refuse("records: product in lower case", call("access", "GET", f"{rec}?account_id=abcd1234&product=sms&id=a1"), "query")
refuse("records: a parameter twice", call("access", "GET", f"{rec}?account_id=abcd1234&product=SMS&id=a1&id=a2"), "query")
refuse("records: wrong method", call("access", "POST", f"{rec}?{by_id}"), "method")
refuse("records: the default host is not the configured Reports base", call("access", "GET", f"{API}/v2/reports/records?{by_id}"), "host")
refuse("records: outside the base's prefix", call("access", "GET", f"http://127.0.0.1:8750/other/v2/reports/records?{by_id}"), "host")
refuse("records: asked by an erasure job", call("erasure", "GET", f"{rec}?{by_id}"), "host")

# The access job's own requests, as its vectors expect them (access branch,
# tests/vectors/access_requests.json), under this file's Reports base.
for name, query, product, ids in (
    ("access job: SMS by ids",
     "account_id=abcd1234&product=SMS&direction=outbound&id=0A00000012ABCD01%2C0A00000012ABCD02"
     "&include_message=true&show_concatenated=true", "SMS", ["0A00000012ABCD01", "0A00000012ABCD02"]),
    ("access job: SMS phone window",
     "account_id=abcd1234&product=SMS&direction=outbound&date_start=2025-03-01T00%3A00%3A00Z"
     "&date_end=2025-03-02T00%3A00%3A00Z&to=447700900123&include_message=true&show_concatenated=true",
     "SMS", []),
    ("access job: voice by id",
     "account_id=abcd1234&product=VOICE-CALL&id=aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
     "VOICE-CALL", ["aaaaaaaa-bbbb-cccc-dddd-0123456789ab"]),
    ("access job: next link with account and cursor", "account_id=abcd1234&cursor=abc&iv=def", "reports", []),
    ("access job: next link with only a cursor", "cursor=abc", "reports", []),
):
    admit(name, call("access", "GET", f"{rec}?{query}"), method="GET", url=f"{rec}?{query}",
          auth=BASIC, product=product, path="/v2/reports/records", ids=ids)
refuse("records: a cursor does not excuse an unknown parameter", call("access", "GET", f"{rec}?cursor=abc&page_size=1000"), "query")
refuse("records: an iv alone is no next page", call("access", "GET", f"{rec}?iv=def&account_id=abcd1234&product=SMS"), "query")
job_create = {"product": "SMS", "account_id": "abcd1234", "direction": "outbound",
              "date_start": "2024-06-01T00:00:00Z", "date_end": "2025-07-02T00:00:00Z",
              "to": "447700900123", "include_message": True, "show_concatenated": True,
              "include_subaccounts": True}
admit("access job: report create", call("access", "POST", f"{REPORTS}/v2/reports", json.dumps(job_create, separators=(",", ":"))),
      method="POST", url=f"{REPORTS}/v2/reports", auth=BASIC, product="SMS", path="/v2/reports", ids=[], body=job_create)
admit("access job: report status", call("access", "GET", f"{REPORTS}/v2/reports/ri3p58f-48598ea7"),
      method="GET", url=f"{REPORTS}/v2/reports/ri3p58f-48598ea7", auth=BASIC, product="reports",
      path="/v2/reports/ri3p58f-48598ea7", ids=["ri3p58f-48598ea7"])

# --- access: async reports -------------------------------------------------------------------
create = {"product": "SMS", "account_id": "abcd1234", "direction": "inbound",
          "date_start": "2025-12-01T00:00:00Z", "date_end": "2026-12-01T00:00:00Z",
          "from": NUMBER, "include_message": True}
admit("report create", call("access", "POST", f"{REPORTS}/v2/reports", json.dumps(dict(reversed(create.items())))),
      method="POST", url=f"{REPORTS}/v2/reports", auth=BASIC, product="SMS", path="/v2/reports", ids=[], body=create)
refuse("report create: callback_url", call("access", "POST", f"{REPORTS}/v2/reports", json.dumps({**create, "callback_url": "https://evil.example/hook"})), "body")
refuse("report create: an unknown field", call("access", "POST", f"{REPORTS}/v2/reports", json.dumps({**create, "status": "delivered"})), "body")
refuse("report create: no subject filter", call("access", "POST", f"{REPORTS}/v2/reports", json.dumps({k: v for k, v in create.items() if k != "from"})), "body")
refuse("report create: a flag as a string", call("access", "POST", f"{REPORTS}/v2/reports", json.dumps({**create, "include_message": "true"})), "body")
refuse("report create: a query", call("access", "POST", f"{REPORTS}/v2/reports?x=1", json.dumps(create)), "query")
refuse("report create: GET lists reports", call("access", "GET", f"{REPORTS}/v2/reports"), "method")
rid = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
for verb in ("GET", "DELETE"):
    admit(f"report {verb.lower()}", call("access", verb, f"{REPORTS}/v2/reports/{rid}"),
          method=verb, url=f"{REPORTS}/v2/reports/{rid}", auth=BASIC, product="reports", path=f"/v2/reports/{rid}", ids=[rid])
refuse("report: id with an encoded slash", call("access", "GET", f"{REPORTS}/v2/reports/a%2Fb"), "path")
refuse("report: PATCH", call("access", "PATCH", f"{REPORTS}/v2/reports/{rid}"), "method")
admit("report download", call("access", "GET", f"{REPORTS}/v3/media/{rid}"),
      method="GET", url=f"{REPORTS}/v3/media/{rid}", auth=BASIC, product="reports", path=f"/v3/media/{rid}", ids=[rid], accept="*/*")
refuse("report download: DELETE", call("access", "DELETE", f"{REPORTS}/v3/media/{rid}"), "method")

# --- access: Message Search ------------------------------------------------------------------
search_creds = f"api_key={KEY}&api_secret={SECRET}"
admit("message search by ids, the page's key and secret dropped",
      call("access", "GET", f"{REST}/search/messages?api_key=page&api_secret=page-secret&ids=m1&ids=m2"),
      method="GET", url=f"{REST}/search/messages?{search_creds}&ids=m1&ids=m2", auth=None,
      product="sms", path="/search/messages", ids=["m1", "m2"])
admit("message search by id", call("access", "GET", f"{REST}/search/message?id=m1"),
      method="GET", url=f"{REST}/search/message?{search_creds}&id=m1", auth=None,
      product="sms", path="/search/message", ids=["m1"])
admit("message search rejections by day", call("access", "GET", f"{REST}/search/rejections?date=2026-11-30&to={NUMBER}"),
      method="GET", url=f"{REST}/search/rejections?{search_creds}&date=2026-11-30&to={NUMBER}", auth=None,
      product="sms", path="/search/rejections", ids=[])
refuse("message search: 11 ids", call("access", "GET", f"{REST}/search/messages?" + "&".join(f"ids=m{n}" for n in range(11))), "query")
refuse("message search: ids and a day", call("access", "GET", f"{REST}/search/messages?ids=m1&date=2026-11-30"), "query")
refuse("message search: a bad day", call("access", "GET", f"{REST}/search/rejections?date=30-11-2026&to={NUMBER}"), "query")
refuse("message search: POST", call("access", "POST", f"{REST}/search/messages?ids=m1"), "method")
refuse("message search: other path", call("access", "GET", f"{REST}/sms/json?to={NUMBER}"), "path")

doc = {
    "about": "Console proxy allow-list (issue 13), replayed by core/tests/console_proxy.rs; hosts "
    "replay the same file. Generated by gen/console_proxy_vectors.py. An admitted case gives the "
    "request the core rebuilds (authorization: the exact Basic header, 'Bearer' for a JWT signed "
    "by the server, null for Message Search's query-string credentials) and the audit line "
    "(base: the family's configured base). Every case also checks that the page's authorization "
    "value and the server's secret never appear where they must not.",
    "defaults": {
        "base": {"reports": REPORTS},
        "credentials": {"api_key": KEY, "api_secret": SECRET,
                        "application_id": "aaaaaaaa-0000-4000-8000-000000000001",
                        "private_key_file": "keys/app_private.pem"},
        "now": NOW,
        "entropy": [7] * 16,
        "operator": "officer-7",
        "status": 200,
        "page_authorization": PAGE_AUTH,
        "secret": SECRET,
    },
    "cases": cases,
}
OUT.write_text(json.dumps(doc, indent=1) + "\n")
print(f"{len(cases)} cases → {OUT}")
