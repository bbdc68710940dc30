"""Writes tests/vectors/access_*.json: subject-access vectors (access.md §19) replayed by Rust
(core/tests/access_vectors.rs) and, once the hosts wire subject access, by Node and Python.

Expected values are written here by hand from access.md and vonage-facts.md (times and dates
computed with Python's datetime, zips built with Python's zipfile), independently of the Rust
code. Cases with `"expect": null` are the exact renderings (JSON, CSV, HTML, receipt): they are
filled once by `ACCESS_BLESS=1 cargo test -p erasekit-core --test access_vectors` after review,
and from then on pin the bytes every host must produce.

Run from the repository root: python3 tests/vectors/gen/access_vectors.py
"""
import base64, copy, datetime as dt, io, json, math, pathlib, zipfile

HERE = pathlib.Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc
DAY = 86_400_000


def ms(*a):
    return int(dt.datetime(*a, tzinfo=UTC).timestamp() * 1000)


NOW = ms(2026, 3, 12, 10)
HORIZON = ms(2025, 2, 11)  # 2026-03-12 − 13 months = 2025-02-12, midnight, − 1 day
PRIMARY = {"api_key": "abcd1234", "label": "main", "role": "primary"}
SUB = {"api_key": "efgh5678", "label": "shop", "role": "sub"}
CREDS = {"api_key": "abcd1234", "api_secret": "s3cr3t"}
BASIC = "Basic " + base64.b64encode(b"abcd1234:s3cr3t").decode()
UA = "erasekit/0.1.0"
PHONE = "+447700900123"
D = "447700900123"

REQUEST = {
    "request_id": "TICKET-123",
    "received_on": "2026-03-03",
    "verification": {"method": "otp_sms", "verified_at": ms(2026, 3, 3, 9, 1)},
}


def entry(id, product="sms", direction="outbound", created=NOW - 10 * DAY, kind="transaction", source="sms_send", extra=None):
    return {"kind": kind, "product": product if kind == "transaction" else None, "direction": direction,
            "id": id, "created_at": created, "source": source, "extra": extra or {}}


def plan_input(entries=(), identifiers=(), accounts=(PRIMARY,), options=None, request=None):
    return {"subject": "user-42", "entries": list(entries), "identifiers": list(identifiers),
            "accounts": list(accounts), "now": NOW, "request": request or REQUEST, "options": options or {}}


def phone(value=PHONE, valid_from=None, valid_until=None):
    return {"kind": "phone", "value": value, "valid_from": valid_from, "valid_until": valid_until}


def case(name, op, input, expect, check=None):
    c = {"name": name, "op": op, "input": input, "expect": expect}
    if check:
        c["check"] = check
    return c


def ms_try(account="abcd1234"):
    return {"via": "message_search", "account_id": account}


def rep_try(account, product, direction):
    return {"via": "reports", "account_id": account, "product": product, "direction": direction}


# ---------------------------------------------------------------- plans (§5)
plans = []
ids3 = ["0A0000001234ABC3", "0A0000001234ABC1", "0A0000001234ABC2"]
plans.append(case("E1 three SMS ids: one lookup, ids sorted, Message Search as second try", "plan",
                  plan_input([entry(i) for i in ids3]), {
                      "/plan/queries/0/strategy": "by_id", "/plan/queries/0/mode": "sync",
                      "/plan/queries/0/product": "SMS", "/plan/queries/0/direction": "outbound",
                      "/plan/queries/0/ids": sorted(ids3), "/plan/queries/0/include_message": True,
                      "/plan/queries/0/second_tries": [ms_try()], "/plan/queries/1": None,
                      "/plan/horizon": HORIZON, "/plan/range": {"from": HORIZON, "to": NOW},
                      "/estimate/requests/reports_sync": 1, "/estimate/lookups": 1, "/estimate/ids": 3}, "pointers"))
ids25 = [f"0A00000000000{n:03d}" for n in range(25)]
plans.append(case("E28 25 ids: batches of 20 and 5", "plan", plan_input([entry(i) for i in ids25]), {
    "/plan/queries/0/ids": ids25[:20], "/plan/queries/1/ids": ids25[20:], "/plan/queries/2": None,
    "/estimate/min_seconds": 1}, "pointers"))
plans.append(case("E13 one day outside the horizon: beyond_retention, not queried", "plan",
                  plan_input([entry("OLD1", created=HORIZON - DAY), entry("NEW1", created=HORIZON + DAY)]), {
                      "/plan/queries/0/ids": ["NEW1"], "/plan/queries/1": None,
                      "/plan/not_found/0/ledger_id": "OLD1", "/plan/not_found/0/reason": "beyond_retention",
                      "/plan/warnings": [{"code": "entries_beyond_retention", "count": 1}]}, "pointers"))
young = NOW - 30 * 60_000
plans.append(case("E2 a 30-minute-old id waits for the propagation delay", "plan",
                  plan_input([entry("YOUNG1", created=young), entry("OLD2")]), {
                      "/plan/queries/0/ids": ["OLD2"], "/plan/queries/0/not_before": None,
                      "/plan/queries/1/ids": ["YOUNG1"], "/plan/queries/1/not_before": young + 3_600_000,
                      "/estimate/earliest_finish": young + 3_600_000,
                      "/plan/warnings": [{"code": "entries_deferred", "count": 1}]}, "pointers"))
plans.append(case("E15 voice: VOICE-CALL without direction, then VOICE-FAILED", "plan",
                  plan_input([entry("aaaaaaaa-bbbb-cccc-dddd-0123456789ab", product="voice", direction=None, source="voice_call")]), {
                      "/plan/queries/0/product": "VOICE-CALL", "/plan/queries/0/direction": None,
                      "/plan/queries/0/include_message": None,
                      "/plan/queries/0/second_tries": [rep_try("abcd1234", "VOICE-FAILED", None)]}, "pointers"))
plans.append(case("verify v2 entry: VERIFY-V2, then VERIFY-API", "plan",
                  plan_input([entry("c11236f4-00bf-4b89-84ba-88b25df97315", product="verify", direction=None, source="verify_v2", extra={"api": "v2"})]), {
                      "/plan/queries/0/product": "VERIFY-V2",
                      "/plan/queries/0/second_tries": [rep_try("abcd1234", "VERIFY-API", None)]}, "pointers"))
plans.append(case("verify v1 entry: VERIFY-API, then VERIFY-V2", "plan",
                  plan_input([entry("abcdef0123456789abcdef0123456789", product="verify", direction=None, source="verify", extra={"api": "v1"})]), {
                      "/plan/queries/0/product": "VERIFY-API",
                      "/plan/queries/0/second_tries": [rep_try("abcd1234", "VERIFY-V2", None)]}, "pointers"))
plans.append(case("number insight entry: NUMBER-INSIGHT, no second try with one account", "plan",
                  plan_input([entry("aaaaaaaa-bbbb-cccc-dddd-0123456789ab", product="number-insight", direction=None, source="number_insight")]), {
                      "/plan/queries/0/product": "NUMBER-INSIGHT", "/plan/queries/0/second_tries": None}, "pointers"))
plans.append(case("N5 verify-sdk entry: VERIFY-SDK (NOT CONFIRMED), no second try; a 422 makes it unsupported", "plan",
                  plan_input([entry("sdk-1", product="verify-sdk", direction=None, source="verify")]), {
                      "/plan/queries/0/product": "VERIFY-SDK", "/plan/queries/0/second_tries": None}, "pointers"))
plans.append(case("N5 NUMBER-INSIGHT-V2 and ASR pairs only when named", "plan",
                  plan_input(identifiers=[phone()], options={"scan_pairs": ["S12", "S12i", "S13"]}), {
                      "/plan/queries/0/product": "ASR", "/plan/queries/0/direction": "inbound", "/plan/queries/0/filter": {"field": "from", "value": D},
                      "/plan/queries/2/product": "NUMBER-INSIGHT-V2", "/plan/queries/3": None,
                      "/plan/warnings": [{"code": "filter_not_confirmed", "count": 1}]}, "pointers"))
plans.append(case("E25 SMS entry without a direction: both directions", "plan",
                  plan_input([entry("NODIR1", direction=None)]), {
                      "/plan/queries/0/direction": "inbound", "/plan/queries/1/direction": "outbound",
                      "/plan/queries/0/ids": ["NODIR1"], "/plan/queries/1/ids": ["NODIR1"], "/plan/queries/2": None}, "pointers"))
plans.append(case("E26 the same id from sms_send and sms_receipt: one lookup of one id", "plan",
                  plan_input([entry("DUP1"), entry("DUP1", source="sms_receipt", created=NOW - 9 * DAY)]), {
                      "/plan/queries/0/ids": ["DUP1"], "/plan/queries/1": None}, "pointers"))
for bad in ["A,B", "A/B", "A?B", "AéB"]:
    plans.append(case(f"E27 id {bad!r} is refused before any request", "plan", plan_input([entry(bad)]), {"error": "invalid_id"}))
plans.append(case("E11 two accounts: SMS tries the subaccount, then Message Search; Messages flips direction last", "plan",
                  plan_input([entry("SMS1"), entry("MSG1", product="messages", source="messages_send")], accounts=[PRIMARY, SUB]), {
                      "/plan/queries/0/product": "MESSAGES",
                      "/plan/queries/0/second_tries": [rep_try("efgh5678", "MESSAGES", "outbound"), rep_try("abcd1234", "MESSAGES", "inbound")],
                      "/plan/queries/1/product": "SMS",
                      "/plan/queries/1/second_tries": [rep_try("efgh5678", "SMS", "outbound"), ms_try()]}, "pointers"))
plans.append(case("message_search off: no Message Search second try", "plan",
                  plan_input([entry("SMS1")], options={"message_search": "off"}), {"/plan/queries/0/second_tries": None}, "pointers"))
scope2 = {"from": NOW - 2 * DAY, "to": NOW}
req_scope = dict(REQUEST, scope=scope2)
first_midnight = ms(2026, 3, 11)
plans.append(case("E36 a two-day scope: sync windows at UTC midnights, 3 per pair, 11 pairs, by product then direction", "plan",
                  plan_input(identifiers=[phone()], request=req_scope), {
                      "/plan/range": {"from": NOW - 2 * DAY, "to": NOW},
                      "/plan/queries/0/strategy": "phone_scan", "/plan/queries/0/mode": "sync",
                      "/plan/queries/0/pair": "S4", "/plan/queries/0/product": "MESSAGES", "/plan/queries/0/direction": "inbound",
                      "/plan/queries/0/filter": {"field": "from", "value": D},
                      "/plan/queries/0/range": {"from": NOW - 2 * DAY, "to": first_midnight},
                      "/plan/queries/1/range": {"from": first_midnight, "to": first_midnight + DAY},
                      "/plan/queries/2/range": {"from": first_midnight + DAY, "to": NOW},
                      "/plan/queries/3/pair": "S3", "/plan/queries/30/pair": "S7",
                      "/plan/queries/33": None,
                      "/estimate/requests/reports_sync": 33, "/estimate/min_seconds": 4}, "pointers"))
plans.append(case("§6.5 message_search always: one date+to search per UTC day for outbound SMS", "plan",
                  plan_input(identifiers=[phone()], request=req_scope, options={"message_search": "always", "scan_pairs": ["S1"]}), {
                      "/plan/queries/3/mode": "message_search", "/plan/queries/3/range": {"from": NOW - 2 * DAY, "to": ms(2026, 3, 11)},
                      "/plan/queries/5/range": {"from": ms(2026, 3, 12), "to": NOW}, "/plan/queries/6": None,
                      "/estimate/requests/message_search": 3, "/estimate/min_seconds": 3,
                      "/plan/warnings": [{"code": "message_search_used", "count": 3}]}, "pointers"))
plans.append(case("13 months auto: one async report per pair (11), two filters not confirmed", "plan",
                  plan_input(identifiers=[phone()]), {
                      "/plan/queries/0/mode": "async", "/plan/queries/0/range": {"from": HORIZON, "to": NOW},
                      "/plan/queries/10/mode": "async", "/plan/queries/11": None,
                      "/estimate/async_reports": 11, "/estimate/requests/reports_async": 33,
                      "/estimate/min_seconds": 7,
                      "/plan/warnings": [{"code": "filter_not_confirmed", "count": 2}]}, "pointers"))
windows13 = math.ceil((NOW - HORIZON) / DAY)
plans.append(case("13 months forced sync: every 24 h window of every pair", "plan",
                  plan_input(identifiers=[phone()], options={"scan_mode": "sync"}), {
                      "/estimate/requests/reports_sync": 11 * windows13,
                      "/estimate/min_seconds": math.ceil(11 * windows13 / 10)}, "pointers"))
vf = NOW - 2 * DAY + 5 * 3_600_000
plans.append(case("E21 number valid from two days ago: no window before it", "plan",
                  plan_input(identifiers=[phone(valid_from=vf)], options={"scan_mode": "sync", "scan_pairs": ["S1"]}), {
                      "/plan/queries/0/range/from": vf, "/plan/queries/0/pair": "S1",
                      "/plan/queries/0/filter": {"field": "to", "value": D},
                      "/plan/queries/3": None}, "pointers"))
plans.append(case("E37 one number in two formats: one scan", "plan",
                  plan_input(identifiers=[phone("+44 7700 900123"), phone("0044 7700 900123")], options={"scan_pairs": ["S1"]}), {
                      "/plan/identifiers": [phone()], "/plan/queries/0/mode": "async", "/plan/queries/1": None}, "pointers"))
plans.append(case("E11 subaccounts, async: one report on the primary with include_subaccounts", "plan",
                  plan_input(identifiers=[phone()], accounts=[PRIMARY, SUB], options={"scan_pairs": ["S1", "S2"]}), {
                      "/plan/queries/0/account_id": "abcd1234", "/plan/queries/0/include_subaccounts": True,
                      "/plan/queries/1/include_subaccounts": True, "/plan/queries/2": None}, "pointers"))
plans.append(case("subaccounts, sync: one request per account and window", "plan",
                  plan_input(identifiers=[phone()], accounts=[PRIMARY, SUB], request=req_scope, options={"scan_pairs": ["S1"]}), {
                      "/plan/queries/0/account_id": "abcd1234", "/plan/queries/3/account_id": "efgh5678",
                      "/plan/queries/6": None}, "pointers"))
con_created = NOW - 40 * DAY
plans.append(case("§5.6 a CON- id: three async conversation scans from a day before it", "plan",
                  plan_input([entry("CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab", kind="conversation", direction=None, created=con_created, source="conversation")]), {
                      "/plan/queries/0/strategy": "conversation_scan", "/plan/queries/0/product": "CONVERSATION-EVENT",
                      "/plan/queries/1/product": "CONVERSATION-MESSAGE", "/plan/queries/2/product": "IN-APP-VOICE",
                      "/plan/queries/0/filter": {"field": "conversation_id", "value": "CON-aaaaaaaa-bbbb-cccc-dddd-0123456789ab"},
                      "/plan/queries/0/range": {"from": con_created - DAY, "to": NOW}, "/plan/queries/3": None}, "pointers"))
plans.append(case("recording entry: not queried in this release (gap G9)", "plan",
                  plan_input([entry("aaaaaaaa-bbbb-cccc-dddd-0123456789ab", kind="recording", direction=None, source="voice_recording")]), {
                      "/plan/not_found/0/reason": "not_queried", "/plan/not_found/0/product": "recording",
                      "/plan/warnings": [{"code": "unmapped_entries", "count": 1}], "/plan/queries": []}, "pointers"))
plans.append(case("E36 an entry outside the scope: out_of_scope", "plan",
                  plan_input([entry("OUT1", created=NOW - 10 * DAY)], request=req_scope), {
                      "/plan/not_found/0/reason": "out_of_scope", "/plan/queries": []}, "pointers"))
plans.append(case("not_verified without a reason", "plan",
                  plan_input(request=dict(REQUEST, verification={"method": "not_verified", "verified_at": NOW})), {"error": "verification_missing"}))
plans.append(case("not_verified with a reason is accepted", "plan",
                  plan_input(request=dict(REQUEST, verification={"method": "not_verified", "verified_at": NOW, "reason": "deceased subject, executor's request"})),
                  {"/plan/queries": []}, "pointers"))
plans.append(case("an account id of 7 characters", "plan", plan_input(accounts=[dict(PRIMARY, api_key="abcd123")]), {"error": "invalid_account_id"}))
plans.append(case("N1 a 48 h sync window without allow_wide_sync_windows", "plan", plan_input(options={"sync_window_ms": 2 * DAY}), {"error": "invalid_argument"}))
plans.append(case("N1 a 48 h sync window with allow_wide_sync_windows", "plan",
                  plan_input(identifiers=[phone()], request=req_scope, options={"sync_window_ms": 2 * DAY, "allow_wide_sync_windows": True, "scan_pairs": ["S1"]}),
                  {"/plan/queries/0/range": {"from": NOW - 2 * DAY, "to": ms(2026, 3, 12)}, "/plan/queries/1/range": {"from": ms(2026, 3, 12), "to": NOW}, "/plan/queries/2": None}, "pointers"))
plans.append(case("a sync window of a minute is refused (window counts stay bounded)", "plan", plan_input(options={"sync_window_ms": 60_000}), {"error": "invalid_argument"}))
plans.append(case("retention_months out of range", "plan", plan_input(options={"retention_months": 4_294_967_295}), {"error": "invalid_argument"}))
plans.append(case("categories_only is a later release", "plan", plan_input(request=dict(REQUEST, mode="categories_only")), {"error": "invalid_argument"}))
plans.append(case("no accounts", "plan", plan_input(accounts=[]), {"error": "invalid_argument"}))

byid = {"query": 0, "strategy": "by_id", "mode": "sync", "account_id": "abcd1234", "product": "SMS", "direction": "outbound",
        "ids": ["A1", "B2", "C3"], "include_message": True,
        "second_tries": [rep_try("efgh5678", "SMS", "outbound"), ms_try()]}
plans.append(case("E1 second try: only the ids not found, the rest of the chain carried", "second_try",
                  {"query": byid, "ids_not_found": ["B2", "ZZ"], "next_query": 7},
                  [dict(byid, query=7, account_id="efgh5678", ids=["B2"], second_tries=[ms_try()])]))
ms_q = dict(byid, ids=[f"ID{n:02d}" for n in range(12)], second_tries=[ms_try()])
plans.append(case("E17 Message Search second try: 12 ids become 10 + 2", "second_try",
                  {"query": ms_q, "ids_not_found": ms_q["ids"], "next_query": 3}, [
                      dict(ms_q, query=3, mode="message_search", ids=ms_q["ids"][:10], second_tries=[]),
                      dict(ms_q, query=4, mode="message_search", ids=ms_q["ids"][10:], second_tries=[])]))
for q in plans[-1]["expect"]:
    del q["second_tries"]
plans.append(case("chain exhausted: no further query", "second_try", {"query": dict(byid, second_tries=[]), "ids_not_found": ["A1"]}, []))
aq = {"query": 4, "strategy": "phone_scan", "mode": "async", "account_id": "abcd1234", "product": "SMS", "direction": "outbound",
      "filter": {"field": "to", "value": D}, "range": {"from": ms(2026, 1, 1), "to": ms(2026, 1, 11)}, "pair": "S1", "include_message": True}
plans.append(case("E5 §9.3 a failing async span split in halves at a UTC midnight", "fallback", {"query": aq, "action": "split_halves"},
                  [dict(aq, range={"from": ms(2026, 1, 1), "to": ms(2026, 1, 6)}), dict(aq, range={"from": ms(2026, 1, 6), "to": ms(2026, 1, 11)})]))
plans.append(case("E5 a span under two days is not split (sync windows next)", "fallback",
                  {"query": dict(aq, range={"from": ms(2026, 1, 1), "to": ms(2026, 1, 2, 12)}), "action": "split_halves"}, None))
grouped = dict(aq, include_subaccounts=True, range={"from": ms(2026, 1, 1), "to": ms(2026, 1, 3)})
sync_w = lambda acct, a, b, n: {**{k: v for k, v in grouped.items() if k != "include_subaccounts"}, "mode": "sync", "account_id": acct,
                                 "range": {"from": a, "to": b}, "query": n}
plans.append(case("E6 §5.5 async falls back to sync windows, one set per account of a grouped report", "fallback",
                  {"query": grouped, "action": "as_sync_windows", "width": DAY, "accounts": ["abcd1234", "efgh5678"], "next_query": 20},
                  [sync_w("abcd1234", ms(2026, 1, 1), ms(2026, 1, 2), 20), sync_w("abcd1234", ms(2026, 1, 2), ms(2026, 1, 3), 21),
                   sync_w("efgh5678", ms(2026, 1, 1), ms(2026, 1, 2), 22), sync_w("efgh5678", ms(2026, 1, 2), ms(2026, 1, 3), 23)]))
sq = dict(aq, mode="sync", range={"from": ms(2026, 1, 1), "to": ms(2026, 1, 2)})
plans.append(case("E40 a refused window is halved", "fallback", {"query": sq, "action": "halve_window"},
                  [dict(sq, range={"from": ms(2026, 1, 1), "to": ms(2026, 1, 1, 12)}), dict(sq, range={"from": ms(2026, 1, 1, 12), "to": ms(2026, 1, 2)})]))
plans.append(case("E40 a window under two hours is not halved", "fallback",
                  {"query": dict(sq, range={"from": ms(2026, 1, 1), "to": ms(2026, 1, 1, 1, 30)}), "action": "halve_window"}, None))
cq = {"query": 9, "strategy": "conversation_scan", "mode": "async", "account_id": "abcd1234", "product": "CONVERSATION-EVENT", "direction": None,
      "filter": {"field": "conversation_id", "value": "CON-1"}, "range": {"from": ms(2026, 1, 1), "to": ms(2026, 2, 1)}}
plans.append(case("E19 CONVERSATION-EVENT refused: CONVERSATIONS once per type", "fallback", {"query": cq, "action": "conversations_retry"},
                  [dict(cq, product="CONVERSATIONS", conversation_type="ip-voice"), dict(cq, product="CONVERSATIONS", conversation_type="cs-custom-event")]))
plans.append(case("E19 no CONVERSATIONS retry for other products", "fallback", {"query": aq, "action": "conversations_retry"}, []))
for c in plans:  # fallback results are wrapped: `null` is a result, not "to be pinned"
    if c["op"] == "fallback":
        c["expect"] = {"result": c["expect"]}
plans.append(case("E32 received 31 Jan: due 28 Feb (a Saturday); extended 30 Apr", "due",
                  {"received_on": "2026-01-31", "extended": True},
                  {"due_on": "2026-02-28", "due_on_is_weekend": True, "extended_due_on": "2026-04-30"}))
plans.append(case("E32 received 3 Sep: due 3 Oct", "due", {"received_on": "2026-09-03"},
                  {"due_on": "2026-10-03", "due_on_is_weekend": True, "extended_due_on": None}))
plans.append(case("E32 leap year: received 31 Jan 2028, due 29 Feb", "due", {"received_on": "2028-01-31"},
                  {"due_on": "2028-02-29", "due_on_is_weekend": False, "extended_due_on": None}))
plans.append(case("the clock starts when identity is verified", "due", {"received_on": "2026-03-03", "clock_started_on": "2026-03-10"},
                  {"due_on": "2026-04-10", "due_on_is_weekend": False, "extended_due_on": None}))
plans.append(case("a date that is not YYYY-MM-DD", "due", {"received_on": "03/03/2026"}, {"error": "invalid_argument"}))


# ---------------------------------------------------------------- requests (§6, §8, §9.2)
def headers(accept="application/json", auth=BASIC, ct=False):
    h = {"accept": accept, "user-agent": UA}
    if auth:
        h["authorization"] = auth
    if ct:
        h["content-type"] = "application/json"
    return h


q_id = {"query": 0, "strategy": "by_id", "mode": "sync", "account_id": "abcd1234", "product": "SMS", "direction": "outbound",
        "ids": ["0A00000012ABCD01", "0A00000012ABCD02"], "include_message": True}
q_win = {"query": 0, "strategy": "phone_scan", "mode": "sync", "account_id": "abcd1234", "product": "SMS", "direction": "outbound",
         "filter": {"field": "to", "value": D}, "range": {"from": ms(2025, 3, 1), "to": ms(2025, 3, 2)}, "pair": "S1", "include_message": True}
q_async = dict(q_win, mode="async", range={"from": ms(2024, 6, 1), "to": ms(2025, 7, 2)}, include_subaccounts=True)
API = "https://api.nexmo.com"
reqs = []
reqs.append(case("§6.1 by id", "request", {"query": q_id, "credentials": CREDS}, {
    "method": "GET", "headers": headers(), "body": "",
    "url": API + "/v2/reports/records?account_id=abcd1234&product=SMS&direction=outbound&id=0A00000012ABCD01%2C0A00000012ABCD02&include_message=true&show_concatenated=true"}))
reqs.append(case("§6.2 by phone window (dates in Z form, no + to encode)", "request", {"query": q_win, "credentials": CREDS}, {
    "method": "GET", "headers": headers(), "body": "",
    "url": API + "/v2/reports/records?account_id=abcd1234&product=SMS&direction=outbound&date_start=2025-03-01T00%3A00%3A00Z&date_end=2025-03-02T00%3A00%3A00Z&to=447700900123&include_message=true&show_concatenated=true"}))
reqs.append(case("voice by id: no direction, no include_message, no show_concatenated", "request",
                 {"query": dict(q_id, product="VOICE-CALL", direction=None, ids=["aaaaaaaa-bbbb-cccc-dddd-0123456789ab"], include_message=False), "credentials": CREDS},
                 {"/url": API + "/v2/reports/records?account_id=abcd1234&product=VOICE-CALL&id=aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}, "pointers"))
reqs.append(case("SMS inbound window: from filter, no show_concatenated", "request",
                 {"query": dict(q_win, direction="inbound", filter={"field": "from", "value": D}), "credentials": CREDS},
                 {"/url": API + "/v2/reports/records?account_id=abcd1234&product=SMS&direction=inbound&date_start=2025-03-01T00%3A00%3A00Z&date_end=2025-03-02T00%3A00%3A00Z&from=447700900123&include_message=true"}, "pointers"))
reqs.append(case("§6.3 async create", "request", {"query": q_async, "credentials": CREDS}, {
    "method": "POST", "url": API + "/v2/reports", "headers": headers(ct=True),
    "body": '{"product":"SMS","account_id":"abcd1234","direction":"outbound","date_start":"2024-06-01T00:00:00Z","date_end":"2025-07-02T00:00:00Z","to":"447700900123","include_message":true,"show_concatenated":true,"include_subaccounts":true}'}))
reqs.append(case("§5.5 never an unfiltered async report", "request", {"query": dict(q_async, filter=None), "credentials": CREDS}, {"error": "invalid_argument"}))
cursor = "k2+/AB=="
reqs.append(case("§8 a next link on the API host is followed verbatim", "request",
                 {"query": q_win, "credentials": CREDS, "next": {"href": API + "/v2/reports/records?account_id=abcd1234&cursor=abc&iv=def", "cursor": "abc", "iv": "def"}},
                 {"/url": API + "/v2/reports/records?account_id=abcd1234&cursor=abc&iv=def", "/headers/authorization": BASIC}, "pointers"))
rebuilt = API + "/v2/reports/records?account_id=abcd1234&product=SMS&direction=outbound&date_start=2025-03-01T00%3A00%3A00Z&date_end=2025-03-02T00%3A00%3A00Z&to=447700900123&include_message=true&show_concatenated=true&cursor=k2%2B%2FAB%3D%3D&iv=i%2Bv"
reqs.append(case("E3 a next link on another host: rebuilt from cursor and iv, credentials stay home", "request",
                 {"query": q_win, "credentials": CREDS, "next": {"href": "https://evil.example/v2/reports/records?cursor=abc", "cursor": cursor, "iv": "i+v"}},
                 {"/url": rebuilt}, "pointers"))
reqs.append(case("a next link with user info in the host: rebuilt", "request",
                 {"query": q_win, "credentials": CREDS, "next": {"href": "https://api.nexmo.com@evil.example/v2/reports/records?cursor=abc", "cursor": cursor, "iv": "i+v"}},
                 {"/url": rebuilt}, "pointers"))
reqs.append(case("a next link with another path: rebuilt", "request",
                 {"query": q_win, "credentials": CREDS, "next": {"href": API + "/v3/media/x?cursor=abc", "cursor": cursor, "iv": "i+v"}},
                 {"/url": rebuilt}, "pointers"))
reqs.append(case("a next link over http to an https base: rebuilt", "request",
                 {"query": q_win, "credentials": CREDS, "next": {"href": "http://api.nexmo.com/v2/reports/records?cursor=abc", "cursor": cursor, "iv": "i+v"}},
                 {"/url": rebuilt}, "pointers"))
reqs.append(case("no link and no cursor: no next page", "request", {"query": q_win, "credentials": CREDS, "next": {}}, {"next": None}))
SIM = "http://127.0.0.1:9000/sim"
reqs.append(case("a simulator base with a path: next link on it is followed", "request",
                 {"query": q_win, "credentials": CREDS, "base": SIM, "next": {"href": SIM + "/v2/reports/records?cursor=abc"}},
                 {"/url": SIM + "/v2/reports/records?cursor=abc"}, "pointers"))
reqs.append(case("§6.5 Message Search by ids: repeated ids, query credentials, no Basic header", "request",
                 {"query": dict(q_id, mode="message_search", ids=["A1", "B2"]), "credentials": CREDS},
                 {"method": "GET", "headers": headers(auth=None), "body": "",
                  "url": "https://rest.nexmo.com/search/messages?api_key=abcd1234&api_secret=s3cr3t&ids=A1&ids=B2"}))
reqs.append(case("§6.5 Message Search by date and recipient", "request",
                 {"query": dict(q_win, mode="message_search", include_message=False), "credentials": CREDS},
                 {"/url": "https://rest.nexmo.com/search/messages?api_key=abcd1234&api_secret=s3cr3t&date=2025-03-01&to=447700900123", "/headers/authorization": None}, "pointers"))
reqs.append(case("E19 the CONVERSATIONS retry sends type", "request",
                 {"query": {"query": 9, "strategy": "conversation_scan", "mode": "sync", "account_id": "abcd1234", "product": "CONVERSATIONS",
                            "filter": {"field": "conversation_id", "value": "CON-1"}, "range": {"from": ms(2026, 1, 1), "to": ms(2026, 1, 2)},
                            "conversation_type": "ip-voice"}, "credentials": CREDS},
                 {"/url": API + "/v2/reports/records?account_id=abcd1234&product=CONVERSATIONS&date_start=2026-01-01T00%3A00%3A00Z&date_end=2026-01-02T00%3A00%3A00Z&conversation_id=CON-1&type=ip-voice"}, "pointers"))
reqs.append(case("§6.3 status request", "report_status_request", {"credentials": CREDS, "request_id": "ri3p58f-48598ea7"},
                 {"method": "GET", "url": API + "/v2/reports/ri3p58f-48598ea7", "headers": headers(), "body": ""}))
reqs.append(case("§6.3 a request id that is a path", "report_status_request", {"credentials": CREDS, "request_id": "../../v1/redact"}, {"error": "invalid_id"}))
reqs.append(case("§9.2 download link on the API host: file id", "download_file_id",
                 {"href": API + "/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}, {"file_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}))
reqs.append(case("§9.2 download link on another host", "download_file_id", {"href": "https://files.evil.example/v3/media/abc"}, {"error": "untrusted_link"}))
reqs.append(case("N8 Node's mock download path is refused", "download_file_id", {"href": API + "/v2/reports/abc/download"}, {"error": "untrusted_link"}))
reqs.append(case("download link with a dot segment", "download_file_id", {"href": API + "/v3/media/../v1/redact"}, {"error": "untrusted_link"}))
reqs.append(case("download link on the simulator base", "download_file_id", {"base": SIM, "href": SIM + "/v3/media/f-1"}, {"file_id": "f-1"}))
reqs.append(case("explicit :443 is the same origin", "download_file_id", {"href": "https://API.nexmo.com:443/v3/media/f-2"}, {"file_id": "f-2"}))


# ---------------------------------------------------------------- interpretation (§10)
def resp(status, body=None, headers=None):
    r = {"status": status, "headers": headers or {}}
    if isinstance(body, str):
        r["body"] = body
    elif body is not None:
        r["body_json"] = body
    return r


def interp(name, endpoint, response, expect, now=NOW):
    return case(name, "interpret", {"endpoint": endpoint, "response": response, "now": now}, expect)


def page(records=(), ids=(), status="SUCCESS", more=False, href=None, cursor=None, iv=None):
    return {"action": "records", "page": {"request_status": status, "records": list(records), "ids_not_found": list(ids),
                                           "has_more": more, "next_href": href, "cursor": cursor, "iv": iv}}


def failed(reason, status, problem=None):
    return {"action": "failed", "reason": reason, "status": status, "problem": problem}


rec_a = {"message_id": "A1", "to": D}
inter = []
inter.append(interp("E1 ids_not_found as a string; an id also in records is trusted as found", "records_by_id",
                    resp(200, {"request_status": "SUCCESS", "records": [rec_a], "ids_not_found": "A1, B2"}), page([rec_a], ["B2"])))
inter.append(interp("E1 ids_not_found as an array", "records_by_id", resp(200, {"request_status": "SUCCESS", "records": [], "ids_not_found": ["B2", "C3"]}), page([], ["B2", "C3"])))
inter.append(interp("E1 ids_not_found empty string", "records_by_id", resp(200, {"request_status": "SUCCESS", "records": [rec_a], "ids_not_found": ""}), page([rec_a])))
inter.append(interp("E1 ids_not_found null", "records_by_id", resp(200, {"request_status": "SUCCESS", "records": [rec_a], "ids_not_found": None}), page([rec_a])))
inter.append(interp("E1 ids_not_found absent", "records_by_id", resp(200, {"request_status": "SUCCESS", "records": [rec_a]}), page([rec_a])))
inter.append(interp("E3 TRUNCATED window page: more, with cursor, iv and link", "records_window",
                    resp(200, {"request_status": "TRUNCATED", "records": [rec_a], "cursor": "c1", "iv": "v1", "_links": {"next": {"href": API + "/v2/reports/records?cursor=c1"}}}),
                    page([rec_a], status="TRUNCATED", more=True, href=API + "/v2/reports/records?cursor=c1", cursor="c1", iv="v1")))
inter.append(interp("E3 SUCCESS with a next link but fewer than 1000 records: stop", "records_next_page",
                    resp(200, {"request_status": "SUCCESS", "records": [rec_a], "_links": {"next": {"href": API + "/v2/reports/records?cursor=c2"}}}),
                    page([rec_a], href=API + "/v2/reports/records?cursor=c2")))
inter.append(interp("§8 a TRUNCATED by-id answer is malformed", "records_by_id", resp(200, {"request_status": "TRUNCATED", "records": []}),
                    failed("malformed_response", 200, "a by-id answer cannot be TRUNCATED")))
inter.append(interp("200 with a body that is not JSON", "records_window", resp(200, "<html>gateway</html>"), failed("malformed_response", 200, "the body is not JSON")))
inter.append(interp("200 with records not an array", "records_window", resp(200, {"records": "x"}), failed("malformed_response", 200, "records is not an array")))
inter.append(interp("§9.2 create: 2021 shape, PENDING", "report_create",
                    resp(200, {"request_id": "ri3p58f-48598ea7", "request_status": "PENDING", "product": "SMS"}),
                    {"action": "report", "status": {"request_id": "ri3p58f-48598ea7", "state": "pending", "download_href": None, "items_count": None}}))
inter.append(interp("§9.2 status: 2021 shape, SUCCESS with download_report", "report_status",
                    resp(200, {"request_id": "r1", "request_status": "SUCCESS", "items_count": 3, "_links": {"download_report": {"href": API + "/v3/media/f1"}}}),
                    {"action": "report", "status": {"request_id": "r1", "state": "success", "download_href": API + "/v3/media/f1", "items_count": 3}}))
inter.append(interp("§9.2 status: current docs shape (status, download_url), any case", "report_status",
                    resp(200, {"request_id": "r1", "status": "success", "download_url": API + "/v3/media/f1", "request_params": {}}),
                    {"action": "report", "status": {"request_id": "r1", "state": "success", "download_href": API + "/v3/media/f1", "items_count": None}}))
for st in ["PROCESSING", "FAILED", "ABORTED", "TRUNCATED"]:
    inter.append(interp(f"§9.1 status {st}", "report_status", resp(200, {"request_id": "r1", "request_status": st}),
                        {"action": "report", "status": {"request_id": "r1", "state": st.lower(), "download_href": None, "items_count": None}}))
inter.append(interp("§9.2 an unknown status keeps polling", "report_status", resp(200, {"request_id": "r1", "request_status": "QUEUED"}),
                    {"action": "report", "status": {"request_id": "r1", "state": {"unknown": "QUEUED"}, "download_href": None, "items_count": None}}))
inter.append(interp("§10 400 invalid-json on create: a bug", "report_create",
                    resp(400, {"type": "https://developer.vonage.com/api-errors/reports#invalid-json", "title": "Invalid JSON", "detail": "body is not JSON"}),
                    failed("invalid_request", 400, "Invalid JSON: body is not JSON")))
inter.append(interp("§10 401 on records: the account's credentials", "records_by_id", resp(401, {"title": "Unauthorized"}), failed("unauthorized", 401, "Unauthorized")))
inter.append(interp("E31 401 on create", "report_create", resp(401), failed("unauthorized", 401)))
inter.append(interp("E18 403 not provisioned", "records_window",
                    resp(403, {"title": "Forbidden", "detail": "User not authorized to query the requested data"}), {"action": "unavailable", "reason": "forbidden"}))
inter.append(interp("E11 403 on one subaccount (async)", "report_create", resp(403), {"action": "unavailable", "reason": "forbidden"}))
inter.append(interp("E8 404 on status: re-create once", "report_status", resp(404, {"title": "Invalid report ID"}), {"action": "recreate"}))
inter.append(interp("E7 404 on download: report_expired", "report_download", resp(404), {"action": "expired"}))
inter.append(interp("E6 409 on cancel: re-poll", "report_cancel", resp(409, {"type": "https://developer.vonage.com/api-errors/reports#invalid-abort-operation"}), {"action": "repoll"}))
inter.append(interp("E19 422 invalid product", "records_by_id",
                    resp(422, {"title": "Invalid parameters", "invalid_parameters": [{"name": "product", "reason": "must be one of SMS, VOICE-CALL"}]}),
                    {"action": "unavailable", "reason": "product_not_supported"}))
inter.append(interp("E40 422 on the window's dates: halve it", "records_window",
                    resp(422, {"title": "Invalid parameters", "invalid_parameters": [{"name": "date_end", "reason": "range exceeds 24 hours"}]}), {"action": "halve_window"}))
inter.append(interp("422 about dates on a by-id query: a bug", "records_by_id",
                    resp(422, {"title": "Invalid parameters", "invalid_parameters": [{"name": "date_start", "reason": "not allowed with id"}]}),
                    failed("invalid_request", 422, "Invalid parameters")))
inter.append(interp("422 invalid-filter", "records_window",
                    resp(422, {"type": "https://developer.vonage.com/api-errors/reports#invalid-filter", "title": "Invalid filter", "detail": "status with id"}),
                    failed("invalid_request", 422, "Invalid filter: status with id")))
inter.append(interp("E4 429 with Retry-After seconds", "records_window", resp(429, headers={"Retry-After": "3"}), {"action": "rate_limited", "retry_at": NOW + 3000}))
inter.append(interp("E4 429 with an HTTP date", "report_status", resp(429, headers={"retry-after": "Thu, 12 Mar 2026 10:00:05 GMT"}), {"action": "rate_limited", "retry_at": NOW + 5000}))
inter.append(interp("E4 429 without Retry-After", "records_by_id", resp(429), {"action": "rate_limited", "retry_at": None}))
inter.append(interp("5xx: retry", "records_window", resp(500), {"action": "retry", "status": 500}))
inter.append(interp("503 on download: retry", "report_download", resp(503), {"action": "retry", "status": 503}))
inter.append(interp("§8 a 4xx on a next page: cursor expired, restart the window", "records_next_page", resp(400), {"action": "restart_window"}))
inter.append(interp("download 200: the archive", "report_download", resp(200, "PK\u0003\u0004"), {"action": "archive"}))
inter.append(interp("cancel 200", "report_cancel", resp(200, {}), {"action": "cancelled"}))
mt = {"message-id": "0A0000001", "type": "MT", "to": D, "from": "Vonage", "body": "hi", "price": "0.00570000", "final-status": "ACCEPTD"}
inter.append(interp("E17 Message Search {}", "message_search", resp(200, {}), {"action": "search_items", "items": []}))
inter.append(interp("E17 Message Search single object", "message_search", resp(200, mt), {"action": "search_items", "items": [mt]}))
inter.append(interp("E17 Message Search {count, items}", "message_search", resp(200, {"count": 1, "items": [mt]}), {"action": "search_items", "items": [mt]}))
inter.append(interp("E17 Message Search {count: 0} without items", "message_search", resp(200, {"count": 0}), {"action": "search_items", "items": []}))
inter.append(interp("§12.4 Message Search type other than MT/MO: malformed", "message_search", resp(200, {"count": 1, "items": [dict(mt, type="XX")]}),
                    failed("malformed_response", 200, "neither {count, items} nor a message of type MT or MO")))
inter.append(interp("E17 Message Search 429", "message_search", resp(429), {"action": "rate_limited", "retry_at": None}))
inter.append(interp("N10 Message Search 404: retired", "message_search", resp(404), {"action": "unavailable", "reason": "retired"}))
inter.append(interp("N10 Message Search 410: retired", "message_search", resp(410), {"action": "unavailable", "reason": "retired"}))
inter.append(interp("Message Search 401 after Reports accepted the key", "message_search",
                    resp(401, {"error-code": "401", "error-code-label": "authentication failed"}), {"action": "unavailable", "reason": "retired_or_unprovisioned"}))
inter.append(interp("Message Search 400 BAD_REQUEST: a bug", "message_search",
                    resp(400, {"type": "BAD_REQUEST", "error_title": "Bad Request", "invalid_parameters": {"date": "required"}}),
                    failed("invalid_request", 400, "Bad Request")))

# ---------------------------------------------------------------- normalisation (§12), times, filter
norm = []
for text, want in [("2025-03-01T10:15:00+0000", "2025-03-01T10:15:00Z"), ("2025-03-01T10:15:00+00:00", "2025-03-01T10:15:00Z"),
                   ("2025-03-01T10:15:00Z", "2025-03-01T10:15:00Z"), ("2025-03-01T10:15:00.123Z", "2025-03-01T10:15:00.123Z"),
                   ("2025-03-01T05:15:00-0500", "2025-03-01T10:15:00Z"), ("2025-03-01T11:15:00.5+01:00", "2025-03-01T10:15:00.500Z"),
                   ("2025-03-01 10:15:00", "2025-03-01T10:15:00Z"), ("2025-03-30T01:30:00+01:00", "2025-03-30T00:30:00Z"),
                   ("2025-03-01T10:15:00", None), ("yesterday", None), ("2025-02-30T00:00:00Z", None), ("2025-03-01T10:15:00+2500", None), ("", None)]:
    norm.append(case(f"E12 time {text!r}", "time", text, want))

SUBJECT = {"numbers": [{"digits": D, "valid_from": None, "valid_until": None}], "user_ids": [], "ledger_ids": [],
           "controller_numbers": ["447700900001"], "policy": {}, "include_message_text": True}


def src(product, direction=None, via="by_id"):
    return {"product": product, "direction": direction, "found_via": via}


def norm_case(name, product, direction, raw, expect, subject=SUBJECT, via="by_id", ledger=None):
    inp = {"source": src(product, direction, via), "raw": raw, "subject": subject}
    if ledger:
        inp["ledger"] = ledger
    return case(name, "normalise", inp, expect, "pointers")


sms_out = {"account_id": "abcd1234", "message_id": "0A00000012ABCD01", "client_ref": None, "concatenated": "TRUE", "direction": "outbound",
           "from": "Vonage APIs", "to": D, "network": "23410", "network_name": "Telefonica UK", "country": "GB", "country_name": "United Kingdom",
           "date_received": "2020-01-01T12:00:00+0000", "date_finalized": "2020-01-01T12:00:05+0000", "latency": "5000", "status": "delivered",
           "error_code": "0", "error_code_description": "Delivered", "currency": "", "total_price": "0.03330000",
           "message_body": "Your code is 1234", "ip_address": "203.0.113.9", "tier_volume": "1"}
norm.append(norm_case("SMS outbound (E20 sender id, E16 concatenated TRUE, E30 empty currency)", "SMS", "outbound", sms_out, {
    "/record_key": "vonage:SMS:0A00000012ABCD01:outbound", "/family": "sms", "/channel": "sms", "/vonage_id": "0A00000012ABCD01",
    "/occurred_at": "2020-01-01T12:00:00Z", "/finalized_at": "2020-01-01T12:00:05Z",
    "/from": {"value": "Vonage APIs", "kind": "sender_id", "role": "controller", "redacted": False, "withheld": None},
    "/to": {"value": D, "kind": "phone", "role": "subject", "redacted": False, "withheld": None},
    "/subject_role": "recipient", "/content": {"state": "present", "text": "Your code is 1234"},
    "/status": {"value": "delivered", "code": "0", "description": "Delivered"}, "/latency_ms": 5000,
    "/price": {"amount": "0.03330000", "currency": None, "estimated": None}, "/sms/concatenated": True,
    "/network/code": "23410", "/redaction": {"state": "none", "fields": []}, "/raw/ip_address": "203.0.113.9",
    "/raw/client_ref": None, "/related": {}, "/withheld": [], "/warnings": []}))
norm.append(norm_case("SMS inbound: the subject sent it to the controller's virtual number", "SMS", "inbound",
                      {"account_id": "abcd1234", "message_id": "0B01", "direction": "inbound", "from": D, "to": "447700900999",
                       "date_received": "2025-06-01T08:00:00Z", "currency": "", "total_price": "0", "message_body": "STOP"}, {
                          "/from/role": "subject", "/to/role": "controller", "/to/value": "447700900999", "/subject_role": "sender",
                          "/record_key": "vonage:SMS:0B01:inbound", "/status/value": None}))
norm.append(norm_case("SMS concatenated as JSON true, parts from the ledger", "SMS", "outbound",
                      {"message_id": "P2", "concatenated": True, "to": D, "from": "Brand", "date_received": "2025-06-01T08:00:00Z"},
                      {"/sms/concatenated": True, "/sms/part": 2, "/sms/parts": 3, "/ledger": {"source": "sms_send", "created_at": ms(2025, 6, 1, 8)}},
                      ledger=[entry("P2", created=ms(2025, 6, 1, 8), extra={"part": 2, "parts": 3})]))
norm.append(norm_case("MESSAGES outbound WhatsApp: channel from provider", "MESSAGES", "outbound",
                      {"message_id": "aaaaaaaa-1111", "provider": "whatsapp", "from": "447700900001", "to": D, "message_body": "Hello",
                       "date_received": "2025-06-01T08:00:00.250Z", "status": "read", "error_code": None, "total_price": "0.0100", "currency": "EUR"},
                      {"/channel": "whatsapp", "/family": "message", "/occurred_at": "2025-06-01T08:00:00.250Z", "/price/currency": "EUR", "/from/role": "controller"}))
norm.append(norm_case("E22 masked call B-leg: another person's number withheld, in raw too", "VOICE-CALL", None,
                      {"call_id": "c-1", "direction": "outbound", "from": "447700900001", "to": "447700900555", "date_start": "2025-06-01T08:00:00Z",
                       "date_end": "2025-06-01T08:02:00Z", "duration": "120", "status": "ANSWERED", "price": "0.01", "total_price": "0.02"},
                      {"/to": {"value": None, "kind": "phone", "role": "third_party", "redacted": False, "withheld": "third_party"},
                       "/raw/to": None, "/withheld": [{"field": "to", "reason": "third_party"}], "/duration_s": 120, "/family": "call",
                       "/channel": "voice", "/price/amount": "0.02", "/direction": "outbound", "/record_key": "vonage:VOICE-CALL:c-1:outbound",
                       "/finalized_at": "2025-06-01T08:02:00Z", "/subject_role": "unknown"}))
norm.append(norm_case("third-party numbers kept by policy", "VOICE-CALL", None,
                      {"call_id": "c-2", "direction": "outbound", "from": "447700900001", "to": "447700900555"},
                      {"/to/value": "447700900555", "/to/withheld": None, "/raw/to": "447700900555"},
                      subject=dict(SUBJECT, policy={"third_party_numbers": "keep"})))
norm.append(norm_case("E15 VOICE-FAILED: SIP status code", "VOICE-FAILED", "inbound",
                      {"call_id": "c-3", "from": D, "to": "447700900999", "date_start": "2025-06-01T08:00:00Z", "status": "failed",
                       "status_code": "486", "status_description": "Busy Here"},
                      {"/status": {"value": "failed", "code": "486", "description": "Busy Here"}, "/subject_role": "sender", "/family": "call"}))
norm.append(norm_case("VERIFY-API (2021): verify_status, event counts", "VERIFY-API", None,
                      {"request_id": "v-1", "from": "Acme", "to": D, "locale": "en-gb", "number_type": "mobile", "date_received": "2021-01-01T00:00:00+0000",
                       "verify_status": "SUCCESS", "sms_event_count": "1", "tts_event_count": "0", "pricing_model": "x", "estimated_price": "0.05", "price": "0.05"},
                      {"/verification": {"locale": "en-gb", "number_type": "mobile", "events": {"sms": "1", "tts": "0"}},
                       "/status/value": "SUCCESS", "/subject_role": "verified", "/price/estimated": "0.05", "/family": "verification",
                       "/record_key": "vonage:VERIFY-API:v-1:-"}))
norm.append(norm_case("VERIFY-V2: channel", "VERIFY-V2", None, {"request_id": "v-2", "to": D, "channel": "whatsapp", "status": "completed"},
                      {"/channel": "whatsapp", "/status/value": "completed", "/from/kind": "unknown"}))
ni = {"request_id": "n-1", "product_type": "advanced", "number": D, "date_received": "2025-01-01T00:00:00Z", "status": "0", "response_code": "0",
      "valid": "true", "reachable": "reachable", "ported": "not_ported", "first_name": "Jane", "last_name": "Doe", "network_type": "mobile"}
norm.append(norm_case("E23 Number Insight: looked up, owner names shown by default", "NUMBER-INSIGHT", None, ni, {
    "/subject_role": "looked_up", "/to/role": "subject", "/family": "number_lookup",
    "/lookup": {"valid": "true", "reachable": "reachable", "ported": "not_ported", "owner_first_name": "Jane", "owner_last_name": "Doe"},
    "/status/code": "0", "/network/type": "mobile"}))
norm.append(norm_case("E23 owner names withheld by policy", "NUMBER-INSIGHT", None, ni, {
    "/lookup/owner_first_name": None, "/raw/first_name": None, "/raw/last_name": None,
    "/withheld": [{"field": "first_name", "reason": "policy"}, {"field": "last_name", "reason": "policy"}]},
    subject=dict(SUBJECT, policy={"carrier_registered_name": "exclude"})))
norm.append(norm_case("E17 Message Search MT: price as string, ACCEPTD kept verbatim", "MESSAGE-SEARCH", None,
                      {"message-id": "0A0000001", "type": "MT", "account-id": "abcd1234", "network": "23410", "from": "Vonage", "to": D,
                       "body": "hi", "price": "0.00570000", "final-status": "ACCEPTD", "date-received": "2025-03-01 10:15:00",
                       "date-closed": "2025-03-01 10:15:02", "latency": 2000, "client-ref": "ref-1", "error-code": "0", "error-code-label": "Success"},
                      {"/direction": "outbound", "/status/value": "ACCEPTD", "/price/amount": "0.00570000", "/occurred_at": "2025-03-01T10:15:00Z",
                       "/finalized_at": "2025-03-01T10:15:02Z", "/account_id": "abcd1234", "/related": {"client_ref": "ref-1"},
                       "/record_key": "vonage:MESSAGE-SEARCH:0A0000001:outbound", "/content/text": "hi", "/latency_ms": 2000}, via="message_search"))
norm.append(norm_case("Message Search MO: inbound", "MESSAGE-SEARCH", None, {"message-id": "0B02", "type": "MO", "from": D, "to": "447700900999", "body": "yes"},
                      {"/direction": "inbound", "/subject_role": "sender"}, via="message_search"))
norm.append(norm_case("§12.4 Message Search rejection: no message-id", "MESSAGE-SEARCH", None,
                      {"account-id": "abcd1234", "from": "Vonage", "to": D, "date-received": "2025-03-01 10:15:00", "error-code": "3", "error-code-label": "Invalid params"},
                      {"/record_key": f"vonage:MESSAGE-SEARCH:rejection:2025-03-01 10:15:00:{D}", "/status/code": "3"}, via="message_search"))
norm.append(norm_case("E14 fully redacted by id", "SMS", "outbound",
                      {"message_id": "R1", "from": "Vonage APIs", "to": "REDACTED", "message_body": "REDACTED", "date_received": "2025-03-01T10:15:00Z"},
                      {"/redaction": {"state": "partial", "fields": ["to", "message_body"]}, "/content": {"state": "redacted", "text": None},
                       "/to": {"value": "REDACTED", "kind": "unknown", "role": "unknown", "redacted": True, "withheld": None}, "/subject_role": "unknown"}))
norm.append(norm_case("§12.8 every personal field redacted: full", "SMS", "inbound",
                      {"message_id": "R2", "from": "REDACTED", "to": " REDACTED ", "message_body": "REDACTED"},
                      {"/redaction": {"state": "full", "fields": ["to", "from", "message_body"]}}))
norm.append(norm_case("E14 body redacted, number kept (a country rule): partial", "SMS", "outbound",
                      {"message_id": "R3", "from": "Vonage APIs", "to": D, "message_body": "REDACTED"},
                      {"/redaction/state": "partial", "/redaction/fields": ["message_body"], "/to/role": "subject"}))
norm.append(norm_case("'redacted' in lower case is a value, not a redaction", "SMS", "outbound",
                      {"message_id": "R4", "from": "Vonage APIs", "to": D, "message_body": "redacted"},
                      {"/redaction/state": "none", "/content/state": "present"}))
norm.append(norm_case("E29 unknown fields are kept in raw", "SMS", "outbound",
                      {"message_id": "U1", "to": D, "from": "X", "brand_new_field": {"nested": [1, 2]}, "price_v2": 0.5},
                      {"/raw/brand_new_field": {"nested": [1, 2]}, "/raw/price_v2": 0.5}))
norm.append(norm_case("§12.3 an unparseable time: null, raw kept, warning", "SMS", "outbound",
                      {"message_id": "T1", "to": D, "from": "X", "date_received": "01/03/2025 10:15"},
                      {"/occurred_at": None, "/raw/date_received": "01/03/2025 10:15", "/warnings": ["bad_timestamp"]}))
norm.append(norm_case("§13 content excluded by policy", "SMS", "outbound", {"message_id": "C1", "to": D, "from": "X", "message_body": "secret"},
                      {"/content": {"state": "withheld", "text": None}, "/raw/message_body": None, "/withheld": [{"field": "message_body", "reason": "policy"}]},
                      subject=dict(SUBJECT, policy={"content": "exclude"})))
norm.append(norm_case("bodies not asked for", "SMS", "outbound", {"message_id": "C2", "to": D, "from": "X"},
                      {"/content/state": "not_requested"}, subject=dict(SUBJECT, include_message_text=False)))
norm.append(norm_case("E21 a recycled number: before the subject held it, it is someone else's", "SMS", "outbound",
                      {"message_id": "OLDOWNER", "to": D, "from": "Brand", "date_received": "2024-01-01T00:00:00Z"},
                      {"/to/role": "third_party", "/to/value": None, "/to/withheld": "third_party"},
                      subject=dict(SUBJECT, numbers=[{"digits": D, "valid_from": ms(2025, 9, 1), "valid_until": None}])))
norm.append(norm_case("N7 async CSV with upper-case headers: both spellings read; a withheld number is nulled in raw", "VOICE-CALL", "outbound",
                      {"CALL_ID": "c-7", "FROM": "447700900001", "TO": "447700900555", "DATE_START": "2025-06-01T08:00:00Z", "DURATION": "9"},
                      {"/vonage_id": "c-7", "/occurred_at": "2025-06-01T08:00:00Z", "/duration_s": 9, "/to/withheld": "third_party",
                       "/raw/TO": None, "/raw/FROM": "447700900001"}, via="async_report"))
norm.append(norm_case("N7 CSV strings for every field (no JSON types)", "SMS", "outbound",
                      {"message_id": "S7", "to": D, "from": "Brand", "concatenated": "FALSE", "total_price": "0.00", "currency": "EUR", "message_body": "REDACTED"},
                      {"/sms/concatenated": False, "/content/state": "redacted", "/redaction/fields": ["message_body"]}, via="async_report"))
norm.append(norm_case("numbers and bools tolerated as inputs", "VOICE-CALL", None,
                      {"call_id": 12345, "from": 447700900123, "to": "447700900999", "duration": 7, "direction": "inbound"},
                      {"/vonage_id": "12345", "/from/role": "subject", "/duration_s": 7, "/subject_role": "sender"}))

SUBJ_F = dict(SUBJECT, ledger_ids=["LEDGER1"], user_ids=["USR-1"])
to_filter = {"field": "to", "value": D}
norm.append(case("E10 N3 a prefix match from the server: the longer number is dropped and counted", "row_filter",
                 {"filter": to_filter, "subject": SUBJ_F, "rows": [{"message_id": "M1", "to": D}, {"message_id": "M2", "to": D + "4"}, {"message_id": "M3", "to": "447700900999"}]},
                 {"kept": [{"message_id": "M1", "to": D}], "discarded": 2}))
norm.append(case("§11.3 a row with a ledger id is the subject's even with another number", "row_filter",
                 {"filter": to_filter, "subject": SUBJ_F, "rows": [{"message_id": "LEDGER1", "to": "REDACTED"}]},
                 {"kept": [{"message_id": "LEDGER1", "to": "REDACTED"}], "discarded": 0}))
norm.append(case("CSV header case and +formatting still match", "row_filter",
                 {"filter": to_filter, "subject": SUBJ_F, "rows": [{"MESSAGE_ID": "M4", "TO": "+44 7700 900123"}]},
                 {"kept": [{"MESSAGE_ID": "M4", "TO": "+44 7700 900123"}], "discarded": 0}))
norm.append(case("conversation scan: conversation id or the subject's user", "row_filter",
                 {"filter": {"field": "conversation_id", "value": "CON-1"}, "subject": SUBJ_F,
                  "rows": [{"id": "e1", "conversation_id": "CON-1"}, {"id": "e2", "conversation_id": "CON-2", "user_id": "USR-1"}, {"id": "e3", "conversation_id": "CON-2"}]},
                 {"kept": [{"id": "e1", "conversation_id": "CON-1"}, {"id": "e2", "conversation_id": "CON-2", "user_id": "USR-1"}], "discarded": 1}))
norm.append(case("E10 N2 the server ignored the filter: every other person's row dropped and counted", "row_filter",
                 {"filter": {"field": "from", "value": D}, "subject": SUBJ_F,
                  "rows": [{"message_id": f"X{i}", "from": f"4477009000{i:02d}"} for i in range(5)]}, {"kept": [], "discarded": 5}))
norm.append(case("by-id rows without a ledger id are not kept", "row_filter",
                 {"filter": None, "subject": SUBJ_F, "rows": [{"message_id": "OTHER", "to": D}]}, {"kept": [], "discarded": 1}))


# ---------------------------------------------------------------- archives and CSV (§11)
def zip_bytes(files, method=zipfile.ZIP_DEFLATED, force_zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2025, 3, 1, 0, 0, 0))
            info.compress_type = method
            with z.open(info, "w", force_zip64=force_zip64) as f:
                f.write(data.encode() if isinstance(data, str) else data)
    return buf.getvalue()


def b64(b):
    return {"base64": base64.b64encode(b).decode()}


CSV1 = "message_id,to,message_body\r\nM1,447700900123,\"Hello, \"\"you\"\"\r\nsecond line\"\r\n"
arch = []
arch.append(case("a deflate zip with one CSV", "archive", {"zip": b64(zip_bytes([("report_SMS_abcd1234_20250301.csv", CSV1)]))},
                 {"csv": [{"name": "report_SMS_abcd1234_20250301.csv", "text": CSV1}], "ignored_entries": 0}))
arch.append(case("a stored zip; entries not ending .csv are ignored and counted", "archive",
                 {"zip": b64(zip_bytes([("README.txt", "x"), ("r.CSV", "a\r\n1\r\n"), ("dir/", "")], method=zipfile.ZIP_STORED))},
                 {"csv": [{"name": "r.CSV", "text": "a\r\n1\r\n"}], "ignored_entries": 2}))
arch.append(case("E9 ZIP64 accepted", "archive", {"zip": b64(zip_bytes([("r.csv", "a\r\n1\r\n")], force_zip64=True))},
                 {"csv": [{"name": "r.csv", "text": "a\r\n1\r\n"}], "ignored_entries": 0}))
bomb = zip_bytes([("bomb.csv", b"0" * (4 * 1024 * 1024))])
arch.append(case("E9 zip bomb: ratio over 250", "archive", {"zip": b64(bomb)}, {"error": "archive_suspicious"}))
arch.append(case("E9 17 entries", "archive", {"zip": b64(zip_bytes([(f"r{i}.csv", "a\r\n") for i in range(17)]))}, {"error": "archive_too_large"}))
enc = bytearray(zip_bytes([("r.csv", "a\r\n1\r\n")], method=zipfile.ZIP_STORED))
for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
    i = enc.find(sig)
    enc[i + off] |= 1  # general purpose flag bit 0: encrypted
arch.append(case("E9 an encrypted entry", "archive", {"zip": b64(bytes(enc))}, {"error": "archive_suspicious"}))
good = zip_bytes([("r.csv", CSV1)])
arch.append(case("E9 a truncated archive", "archive", {"zip": b64(good[: len(good) // 2])}, {"error": "archive_invalid"}))
arch.append(case("not a zip at all", "archive", {"zip": {"text": "message_id,to\r\n"}}, {"error": "archive_invalid"}))
arch.append(case("an archive over max_archive_bytes", "archive", {"zip": b64(good), "limits": {"max_archive_bytes": 100}}, {"error": "archive_too_large"}))
arch.append(case("an entry over max_entry_bytes", "archive", {"zip": b64(good), "limits": {"max_entry_bytes": 10}}, {"error": "archive_too_large"}))
arch.append(case("bzip2 is not stored or deflate", "archive", {"zip": b64(zip_bytes([("r.csv", "a\r\n1\r\n")], method=zipfile.ZIP_BZIP2))}, {"error": "archive_suspicious"}))
crc = bytearray(zip_bytes([("r.csv", "a\r\n1\r\n")], method=zipfile.ZIP_STORED))
crc[crc.find(b"a\r\n1")] = ord("b")
arch.append(case("a corrupt entry (CRC mismatch)", "archive", {"zip": b64(bytes(crc))}, {"error": "archive_invalid"}))
arch.append(case("E9 CSV: BOM, quotes and a newline inside message_body", "csv", {"csv": {"text": "\ufeff" + CSV1}},
                 {"header": ["message_id", "to", "message_body"], "rows": [{"message_id": "M1", "to": D, "message_body": "Hello, \"you\"\r\nsecond line"}], "truncated": False}))
arch.append(case("E9 CSV: 600 columns", "csv", {"csv": {"text": ",".join(f"c{i}" for i in range(600)) + "\r\n"}}, {"error": "csv_invalid"}))
arch.append(case("E9 CSV: a 1.2 MiB field", "csv", {"csv": {"repeat": {"head": "message_body\r\n", "chunk": "x", "times": 1_258_292}}}, {"error": "csv_invalid"}))
arch.append(case("CSV: a row with fewer fields than the header", "csv", {"csv": {"text": "a,b\r\n1\r\n"}}, {"error": "csv_invalid"}))
arch.append(case("CSV: not UTF-8", "csv", {"csv": b64(b"a\r\n\xff\xfe\r\n")}, {"error": "csv_invalid"}))
arch.append(case("CSV: more rows than max_rows: partial", "csv", {"csv": {"text": "a\r\n1\r\n2\r\n3\r\n"}, "limits": {"max_rows": 2}},
                 {"header": ["a"], "rows": [{"a": "1"}, {"a": "2"}], "truncated": True}))
arch.append(case("CSV: empty fields stay empty strings in raw", "csv", {"csv": {"text": "a,b\n,x\n"}},
                 {"header": ["a", "b"], "rows": [{"a": "", "b": "x"}], "truncated": False}))


# ---------------------------------------------------------------- renderings (§14–§16)
KEY = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
hostile = "<script>alert(1)</script></td><img src=x onerror=alert(2)>\u202eevil\u0000end & 'q' \"dq\"\nline2"
render_entries = [entry("0A00000012ABCD01", created=ms(2026, 1, 10)), entry("OLD9", created=HORIZON - 5 * DAY)]
render_base = {
    "plan": plan_input(render_entries, identifiers=[phone()], options={"scan_pairs": ["S1", "S2", "S11"]}),
    "subject": SUBJECT, "report_id": "7f0b6a0e-0000-4000-8000-000000000001", "generated_at": ms(2026, 3, 12, 10, 15),
    "subject_hash": "101b5ab6a741733cad42f34ec38bf81f4f51532af00c42be9f2ca5b34ba30411",
    "controller": {"name": "Acme Ltd", "contact": "privacy@acme.example", "dpo": None},
    "processing": {"purposes": ["Sending you sign-in codes"], "legal_bases": ["contract"], "recipients": ["Vonage (processor)"],
                   "retention": ["Vonage keeps records 13 months"], "rights": "You can ask us to erase this.\nWe use Vonage's Redact API.",
                   "complaint": {"authority": "ICO", "url": "https://ico.org.uk/make-a-complaint/"}, "automated_decisions": "None.", "transfers": "SCCs."},
    "found": [
        {"source": src("SMS", "outbound", "by_id"), "raw": [dict(sms_out, message_id="0A00000012ABCD01", date_received="2026-01-10T09:00:00Z", message_body=hostile)]},
        {"source": src("SMS", "inbound", "async_report"), "raw": [{"account_id": "abcd1234", "message_id": "0B01", "from": D, "to": "447700900999",
                                                                  "date_received": "2026-02-01T08:00:00Z", "message_body": "=HYPERLINK(\"http://x\")", "total_price": "0", "currency": ""}]},
        {"source": src("NUMBER-INSIGHT", None, "async_report"), "raw": [dict(ni, date_received="2026-02-02T00:00:00Z")]},
        {"source": src("VOICE-CALL", None, "by_id"), "raw": [{"call_id": "c-9", "direction": "outbound", "from": D, "to": "447700900555",
                                                              "date_start": "2026-02-03T10:00:00Z", "duration": "60", "status": "ANSWERED"}]},
        {"source": src("SMS", "outbound", "async_report"), "raw": [dict(sms_out, message_id="0A00000012ABCD01", date_received="2026-01-10T09:00:00Z", message_body="REDACTED")]},
    ],
    "sources": [{"system": "vonage.reports.sync", "account_id": "abcd1234", "product": "SMS", "direction": "outbound", "strategy": "by_id",
                 "range": None, "requests": 1, "records_kept": 1, "rows_discarded": 0, "state": "done"},
                {"system": "vonage.reports.async", "account_id": "abcd1234", "product": "SMS", "direction": "inbound", "strategy": "phone_scan",
                 "range": {"from": "2025-02-11T00:00:00Z", "to": "2026-03-12T10:00:00Z"}, "requests": 4, "records_kept": 1, "rows_discarded": 2, "state": "done"}],
    "gaps": [{"code": "source_unavailable", "detail": "Number lookups could not be searched for account efgh5678.", "system": "vonage.reports.async", "account": "efgh5678", "product": "NUMBER-INSIGHT"}],
    "signing_key_hex": KEY,
}
rend = []
rend.append(case("renderings, exact: JSON, CSV files and receipt (pinned bytes)", "render", render_base, None))
rend.append(case("E34 HTML: CSP, no script, sections in order, hostile body inert", "render", render_base, {
    "contains": ["&lt;script&gt;alert(1)&lt;/script&gt;&lt;/td&gt;&lt;img src=x onerror=alert(2)&gt;", "\u202eevil\ufffdend &amp; &#39;q&#39; &quot;dq&quot;<br>line2",
                 "<bdi dir=\"auto\">", "withheld (another person)", "Our communications provider Vonage holds 4 records about you, from 2026-01-10 to 2026-02-03.",
                 "deleted after Vonage&#39;s 13-month retention", "<html lang=\"en\">", "your phone number; the text of messages", "@media print", "<th scope=\"col\">"],
    "absent": ["<script>", "\u0000", "onerror=alert(2)>"],
    "pointers": {}}, "html"))
rend.append(case("merge: one record found by id and by scan; receipt counts; discovered entries only for scan finds the ledger lacks", "render", render_base, {
    "/receipt/receipt/counts": {"call": {"outbound": 1}, "number_lookup": {"-": 1}, "sms": {"inbound": 1, "outbound": 1}},
    "/receipt/receipt/not_found": 1, "/receipt/receipt/withheld": {"third_party": 1},
    "/receipt/receipt/subject_hash": render_base["subject_hash"], "/receipt/receipt/delivered_at": 1_773_400_000_000,
    "/entries": [
        {"kind": "transaction", "product": "sms", "direction": "inbound", "id": "0B01", "created_at": ms(2026, 2, 1, 8),
         "source": "access_report", "extra": {"access_report": "7f0b6a0e-0000-4000-8000-000000000001"}},
        {"kind": "transaction", "product": "number-insight", "direction": None, "id": "n-1", "created_at": ms(2026, 2, 2),
         "source": "access_report", "extra": {"access_report": "7f0b6a0e-0000-4000-8000-000000000001", "api": "v1"}}],
    "/receipt/signature/algorithm": "ed25519-sha512",
    "/receipt/signature/public_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"}, "pointers"))
empty = dict(render_base, found=[], sources=[], gaps=[], plan=plan_input(identifiers=[phone()]))
rend.append(case("E39 zero records: a negative confirmation is still an answer", "render", empty, {
    "contains": ["Our communications provider Vonage holds no records about you.", "No records.", "Nothing was withheld."], "absent": [], "pointers": {}}, "html"))
rend.append(case("E28 above html_max_records_inline: monthly counts", "render", dict(render_base, html={"html_max_records_inline": 0}), {
    "contains": ["records per month", "too many to list here"], "absent": ["&lt;script&gt;"], "pointers": {}}, "html"))
rend.append(case("E35 the person's CSV: formula guard and BOM", "render", dict(render_base, csv={"csv_formula_guard": True, "csv_bom": True}), None))
rend.append(case("a fixed time-zone offset beside UTC", "render", dict(render_base, html={"time_zone_offset_minutes": 60}), {
    "contains": ["2026-01-10 09:00 UTC (10:00 UTC+1)"], "absent": [], "pointers": {}}, "html"))


def write(name, about, cases):
    path = HERE / name
    old = {}
    if path.exists():
        for c in json.loads(path.read_text()).get("cases", []):
            old[c["name"]] = c.get("expect")
    for c in cases:
        if c["expect"] is None and old.get(c["name"]) is not None:
            c["expect"] = old[c["name"]]  # keep blessed renderings
    path.write_text(json.dumps({"about": about, "cases": cases}, indent=1, ensure_ascii=False) + "\n")


ABOUT = "Subject access vectors ({}), replayed by core/tests/access_vectors.rs. Generated by gen/access_vectors.py."
write("access_plan.json", ABOUT.format("plans, second tries, due dates: access.md §5, §2.2"), plans)
write("access_requests.json", ABOUT.format("requests and link checks: §6, §8, §9.2"), reqs)
write("access_interpret.json", ABOUT.format("each row of §10"), inter)
write("access_normalise.json", ABOUT.format("times §12.3, normalisation per product §12, redaction §12.8, third-party policy §13, row filter §11.3"), norm)
write("access_archive.json", ABOUT.format("archives and CSV: §11.1, §11.2"), arch)
write("access_render.json", ABOUT.format("report renderings and receipt: §14–§16; exact cases pinned after review"), rend)
print(sum(map(len, [plans, reqs, inter, norm, arch, rend])), "cases")
