"""Writes tests/vectors/redact.json. Expected JWTs are signed here with the openssl CLI,
independently of the Rust code under test. Run: python3 tests/vectors/gen/redact_vectors.py"""
import base64, json, pathlib, subprocess, uuid

HERE = pathlib.Path(__file__).resolve().parent.parent
NOW = 1_700_000_000_000  # 2023-11-14T22:13:20Z
CREATED = NOW - 2 * 3_600_000
CREDS = {"api_key": "abcd1234", "api_secret": "s3cr3t-value"}
BASIC = "Basic " + base64.b64encode(b"abcd1234:s3cr3t-value").decode()
DOC = "https://developer.nexmo.com/api-errors"
INSTANCE = "bf0ca0bf927b3b52e3cb03217e1a1ddf"


def problem(kind, title, detail):
    return {"type": kind, "title": title, "detail": detail, "instance": INSTANCE}


def request(id_, product, type_="outbound", url="https://api.nexmo.com/v1/redact/transaction"):
    return {
        "method": "POST",
        "url": url,
        "headers": {
            "accept": "application/json",
            "authorization": BASIC,
            "content-type": "application/json",
            "user-agent": "erasekit/0.1.0",
        },
        "body_json": {"id": id_, "product": product, "type": type_},
    }


cases = []


def build(name, inp, expect, base_url=None, credentials=None):
    c = {"name": name, "kind": "build", "input": inp, "expect": expect}
    if base_url is not None:
        c["base_url"] = base_url
    if credentials is not None:
        c["credentials"] = credentials
    cases.append(c)


def interpret(name, response, expect, inp=None, now=NOW):
    cases.append({
        "name": name, "kind": "interpret",
        "input": inp or {"id": "0A000000B0C9A1234", "product": "sms", "type": "outbound", "created_at": CREATED},
        "now": now, "response": response, "expect": {"outcome": expect},
    })


def body(obj):
    return json.dumps(obj)

# --- building requests -------------------------------------------------------------
for product in ["sms", "voice", "number-insight", "verify", "verify-sdk", "messages"]:
    build(f"build {product}", {"id": "209ab3c7536542b91e8b5aef032f6861", "product": product},
          {"request": request("209ab3c7536542b91e8b5aef032f6861", product)})
build("build sms inbound", {"id": "0A000000B0C9A1234", "product": "sms", "type": "inbound"},
      {"request": request("0A000000B0C9A1234", "sms", "inbound")})
build("build against a local simulator", {"id": "abc", "product": "voice"},
      {"request": request("abc", "voice", url="http://127.0.0.1:9999/v1/redact/transaction")},
      base_url="http://127.0.0.1:9999/")
build("build with a regional base", {"id": "abc", "product": "messages"},
      {"request": request("abc", "messages", url="https://api-eu.vonage.com/v1/redact/transaction")},
      base_url="https://api-eu.vonage.com")
build("id with quotes and unicode goes into JSON escaped", {"id": "a\"b\u00e9", "product": "sms"},
      {"request": request("a\"b\u00e9", "sms")})
for bad_product in ["SMS", "Voice", "NumberInsight", "sms2", "", "workflow", "message"]:
    build(f"refuse product {bad_product!r}", {"id": "abc", "product": bad_product}, {"error": "invalid_product"})
for bad_type in ["Outbound", "MT", "in"]:
    build(f"refuse type {bad_type!r}", {"id": "abc", "product": "sms", "type": bad_type}, {"error": "invalid_direction"})
for label, bad_id in [("empty", ""), ("newline", "abc\n"), ("nul", "a\u0000b"), ("tab", "a\tb"),
                      ("too long", "x" * 257), ("spaces around", " abc "),
                      # A WHATWG URL parser reads these as dot segments, even percent-encoded.
                      ("dot", "."), ("dot dot", ".."), ("encoded dot", "%2e"), ("encoded dot dot", "%2E%2e"),
                      ("dot and encoded dot", ".%2E"), ("encoded dot and dot", "%2e.")]:
    build(f"refuse id: {label}", {"id": bad_id, "product": "sms"}, {"error": "invalid_id"})
build("refuse a time JavaScript cannot hold", {"id": "abc", "product": "sms", "created_at": 2**53},
      {"error": "invalid_time"})
build("refuse a bad base URL", {"id": "abc", "product": "sms"}, {"error": "invalid_base_url"}, base_url="api.nexmo.com")
build("redact needs key and secret", {"id": "abc", "product": "sms"}, {"error": "missing_credentials"},
      credentials={"application_id": "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", "private_key_file": "keys/app_private.pem"})

# --- interpreting responses ----------------------------------------------------------
interpret("204 redacted", {"status": 204, "headers": {}, "body": ""}, {"outcome": "redacted", "status": 204})
interpret("200 with an empty body counts as redacted", {"status": 200, "headers": {}, "body": ""}, {"outcome": "redacted", "status": 200})
OTHER_2XX = "2xx other than Vonage's documented 204 (a proxy or login page?)"
interpret("200 with a JSON body is malformed", {"status": 200, "headers": {}, "body": "{}"},
          {"outcome": "malformed", "status": 200, "reason": OTHER_2XX})
interpret("200 HTML login page is malformed, not redacted", {"status": 200, "headers": {"content-type": "text/html"},
          "body": "<html><body><form action=/login>Sign in</form></body></html>"},
          {"outcome": "malformed", "status": 200, "reason": OTHER_2XX})
interpret("201 is malformed", {"status": 201, "headers": {}, "body": ""},
          {"outcome": "malformed", "status": 201, "reason": OTHER_2XX})
old401 = {"type": "UNAUTHORIZED", "error_title": "Unauthorized"}
interpret("401 spec shape", {"status": 401, "headers": {"Content-Type": "application/json"}, "body": body(old401)},
          {"outcome": "unauthorized", "status": 401, "problem": {"type": "UNAUTHORIZED", "title": "Unauthorized", "detail": None, "instance": None}})
p401 = problem(f"{DOC}#unauthorized", "Unauthorized", "You did not provide correct credentials.")
interpret("401 RFC 7807 shape", {"status": 401, "headers": {"content-type": "application/problem+json"}, "body": body(p401)},
          {"outcome": "unauthorized", "status": 401, "problem": p401})
interpret("401 with an empty body", {"status": 401, "headers": {}, "body": ""},
          {"outcome": "unauthorized", "status": 401, "problem": None})
prem = problem(f"{DOC}/redact#premature-redaction", "Premature Redaction", "You must wait 60 minutes before redacting ID '0A000000B0C9A1234'")
interpret("403 premature with known transaction time", {"status": 403, "headers": {}, "body": body(prem)},
          {"outcome": "premature", "status": 403, "problem": prem, "earliest_retry_at": CREATED + 3_600_000})
interpret("403 premature with unknown transaction time", {"status": 403, "headers": {}, "body": body(prem)},
          {"outcome": "premature", "status": 403, "problem": prem, "earliest_retry_at": None},
          inp={"id": "0A000000B0C9A1234", "product": "sms"})
unprov = problem(f"{DOC}#unprovisioned", "Authorisation error", "User=ABC123 is not provisioned to redact product=SMS")
interpret("403 unprovisioned", {"status": 403, "headers": {}, "body": body(unprov)},
          {"outcome": "unprovisioned", "status": 403, "problem": unprov})
interpret("403 HTML page is malformed", {"status": 403, "headers": {"content-type": "text/html"}, "body": "<html><body>Forbidden</body></html>"},
          {"outcome": "malformed", "status": 403, "reason": "403 without a problem body"})
notfound = problem(f"{DOC}#invalid-id", "Invalid ID", "ID '0A000000B0C9A1234' could not be found (type=MT)")
interpret("404 invalid id", {"status": 404, "headers": {}, "body": body(notfound)},
          {"outcome": "not_found", "status": 404, "problem": notfound})
NOT_INVALID_ID = "404 that is not Vonage's invalid-id problem (is the base URL right?)"
interpret("404 about:blank problem (a wrong base URL path) is malformed",
          {"status": 404, "headers": {}, "body": body({"type": "about:blank", "title": "Not Found", "status": 404})},
          {"outcome": "malformed", "status": 404, "reason": NOT_INVALID_ID})
interpret("404 JSON without a type is malformed", {"status": 404, "headers": {}, "body": body({"title": "Not Found", "detail": "No route"})},
          {"outcome": "malformed", "status": 404, "reason": NOT_INVALID_ID})
interpret("404 invalid-id type from another host is malformed",
          {"status": 404, "headers": {}, "body": body(problem("https://example.com/api-errors#invalid-id", "Invalid ID", "x"))},
          {"outcome": "malformed", "status": 404, "reason": NOT_INVALID_ID})
interpret("404 not-found (a Media or Conversation code) is malformed for Redact",
          {"status": 404, "headers": {}, "body": body(problem(f"{DOC}#not-found", "Not Found", "x"))},
          {"outcome": "malformed", "status": 404, "reason": NOT_INVALID_ID})
interpret("404 invalid-id on developer.vonage.com over http is not found",
          {"status": 404, "headers": {}, "body": body(problem("http://developer.vonage.com/api-errors#invalid-id", "Invalid ID", "x"))},
          {"outcome": "not_found", "status": 404, "problem": problem("http://developer.vonage.com/api-errors#invalid-id", "Invalid ID", "x")})
interpret("404 HTML page means a wrong base URL, not a missing record", {"status": 404, "headers": {}, "body": "<h1>Not Found</h1>"},
          {"outcome": "malformed", "status": 404, "reason": "404 without a problem body (is the base URL right?)"})
badjson = problem(f"{DOC}#invalid-json", "Invalid JSON", "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries")
interpret("422 invalid json", {"status": 422, "headers": {}, "body": body(badjson)},
          {"outcome": "invalid", "status": 422, "problem": badjson, "input": "json"})
badprod = problem(f"{DOC}/redact#invalid-product", "Invalid Product", "No product corresponding to supplied string sms2!")
interpret("422 invalid product", {"status": 422, "headers": {}, "body": body(badprod)},
          {"outcome": "invalid", "status": 422, "problem": badprod, "input": "product"})
interpret("422 without a body", {"status": 422, "headers": {}, "body": ""},
          {"outcome": "invalid", "status": 422, "problem": None, "input": "request"})
interpret("400 bad request", {"status": 400, "headers": {}, "body": body({"type": "BAD_REQUEST", "error_title": "Bad Request"})},
          {"outcome": "invalid", "status": 400, "problem": {"type": "BAD_REQUEST", "title": "Bad Request", "detail": None, "instance": None}, "input": "request"})
throttled = problem(f"{DOC}/redact#rate-limit", "Rate Limit Hit", "Please wait, then retry your request")
interpret("429 with Retry-After seconds", {"status": 429, "headers": {"Retry-After": "2"}, "body": body(throttled)},
          {"outcome": "rate_limited", "status": 429, "problem": throttled, "retry_at": NOW + 2000})
interpret("429 with Retry-After HTTP date", {"status": 429, "headers": {"retry-after": "Tue, 14 Nov 2023 22:13:25 GMT"}, "body": body(throttled)},
          {"outcome": "rate_limited", "status": 429, "problem": throttled, "retry_at": NOW + 5000})
interpret("429 with Retry-After date in the past", {"status": 429, "headers": {"retry-after": "Tue, 14 Nov 2023 22:13:00 GMT"}, "body": ""},
          {"outcome": "rate_limited", "status": 429, "problem": None, "retry_at": NOW})
interpret("429 without Retry-After", {"status": 429, "headers": {}, "body": body(throttled)},
          {"outcome": "rate_limited", "status": 429, "problem": throttled, "retry_at": None})
interpret("429 with garbage Retry-After", {"status": 429, "headers": {"Retry-After": "soon"}, "body": ""},
          {"outcome": "rate_limited", "status": 429, "problem": None, "retry_at": None})
for st in [500, 502, 503, 504]:
    interpret(f"{st} server error", {"status": st, "headers": {}, "body": "<html>Bad Gateway</html>"},
              {"outcome": "server_error", "status": st, "problem": None})
interpret("500 with a problem body", {"status": 500, "headers": {}, "body": body(problem(f"{DOC}#internal", "Internal Error", "x"))},
          {"outcome": "server_error", "status": 500, "problem": problem(f"{DOC}#internal", "Internal Error", "x")})
interpret("truncated JSON on 404", {"status": 404, "headers": {}, "body": body(notfound)[:40]},
          {"outcome": "malformed", "status": 404, "reason": "404 without a problem body (is the base URL right?)"})
interpret("JSON array on 403", {"status": 403, "headers": {}, "body": "[1,2,3]"},
          {"outcome": "malformed", "status": 403, "reason": "403 without a problem body"})
interpret("huge body on 404 is not parsed", {"status": 404, "headers": {}, "body_repeat": {"chunk": "{\"type\":\"x\"}" + " " * 88, "times": 2000}},
          {"outcome": "malformed", "status": 404, "reason": "404 without a problem body (is the base URL right?)"})
interpret("huge body on 503", {"status": 503, "headers": {}, "body_repeat": {"chunk": "x" * 100, "times": 10000}},
          {"outcome": "server_error", "status": 503, "problem": None})
interpret("non-UTF-8 body on 404", {"status": 404, "headers": {}, "body_base64": base64.b64encode(b"\xff\xfe\x00junk").decode()},
          {"outcome": "malformed", "status": 404, "reason": "404 without a problem body (is the base URL right?)"})
for st in [301, 302, 307, 308]:
    interpret(f"redirect {st} is malformed (never followed)",
              {"status": st, "headers": {"location": "https://login.example.com/"}, "body": ""},
              {"outcome": "malformed", "status": st, "reason": "redirect (not followed): is the base URL right?"})
for st in [405, 409, 418]:
    interpret(f"unexpected status {st}", {"status": st, "headers": {}, "body": ""},
              {"outcome": "malformed", "status": st, "reason": "unexpected status"})

# --- JWTs ----------------------------------------------------------------------------
APP = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt_case(name, now, entropy_hex, key_file):
    iat = now // 1000
    jti = str(uuid.UUID(bytes=bytes.fromhex(entropy_hex), version=4))
    header = {"alg": "RS256", "typ": "JWT"}
    claims = {"application_id": APP, "exp": iat + 900, "iat": iat, "jti": jti}
    signing_input = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + b64url(
        json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(HERE / key_file)],
                         input=signing_input.encode(), capture_output=True, check=True).stdout
    cases.append({"name": name, "kind": "jwt",
                  "credentials": {"application_id": APP, "private_key_file": key_file},
                  "now": now, "entropy_hex": entropy_hex,
                  "expect": {"header": header, "claims": claims, "token": signing_input + "." + b64url(sig)}})


jwt_case("jwt claims at a fixed time (PKCS#8 key)", NOW, "00112233445566778899aabbccddeeff", "keys/app_private.pem")
jwt_case("jwt with other entropy gives another jti", NOW + 999, "ffffffffffffffffffffffffffffffff", "keys/app_private.pem")
jwt_case("jwt from a PKCS#1 key", NOW, "0123456789abcdef0123456789abcdef", "keys/other_private_pkcs1.pem")
cases.append({"name": "jwt with short entropy", "kind": "jwt", "credentials": {"application_id": APP, "private_key_file": "keys/app_private.pem"},
              "now": NOW, "entropy_hex": "0011", "expect": {"error": "invalid_argument"}})
cases.append({"name": "jwt needs an application", "kind": "jwt", "credentials": CREDS,
              "now": NOW, "entropy_hex": "00112233445566778899aabbccddeeff", "expect": {"error": "missing_credentials"}})

# --- credentials ---------------------------------------------------------------------
for name, creds, code in [
    ("secret without key", {"api_secret": "x"}, "invalid_credentials"),
    ("key without secret", {"api_key": "x"}, "invalid_credentials"),
    ("application id without key", {"application_id": APP}, "invalid_credentials"),
    ("nothing at all", {}, "invalid_credentials"),
    ("private key that is not PEM", {"application_id": APP, "private_key": "not a key"}, "invalid_private_key"),
    ("private key that is a public key", {"application_id": APP, "private_key_file": "keys/app_public.pem"}, "invalid_private_key"),
]:
    cases.append({"name": f"credentials: {name}", "kind": "credentials", "credentials": creds, "expect": {"error": code}})

doc = {
    "about": "Redact API vectors replayed by the Rust, Node and Python tests. Generated by gen/redact_vectors.py.",
    "defaults": {"credentials": CREDS, "now": NOW},
    "cases": cases,
}
(HERE / "redact.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
print(len(cases), "cases")
