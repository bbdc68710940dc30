#!/usr/bin/env bash
# examples/test.sh: runs every example for real against a freshly started local Vonage
# simulator and checks what they did. Loopback only; every step is bounded in time.
#
#   python  webhook_capture.py captures webhooks for five users; erase_user.py (dry run, then
#           for real) erases one and stops another half way, then resumes it; erase_user_async.py
#           erases two more at once
#   node    webhook-capture.mjs captures webhooks for three users; erase-user.mjs erases one,
#           stops another half way and resumes it
#   browser browser-admin/ in headless Chromium (playwright-core): import a ledger export,
#           paste a webhook body, plan, erase, download the receipt, verify it (and a forgery)
#   mypy    --strict on examples/python
#
# Checks: each captured id is in the ledger under the right user, the simulator's
# /_sim/state shows each erased id redacted exactly once (recordings deleted) and nothing of
# the users who were not erased, every receipt verifies against the signer's public key, and
# the ledger forgot each erased user (a tombstone remains). Prints the count of checks passed;
# exits 1 on any failure.
#
# Assumes `make setup` (including `npm ci` in examples/node), bindings-js/scripts/build.sh,
# bindings-py/scripts/build.sh and `cargo build -p erasekit-sim` have run.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
NODE=${NODE:-node}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/erasekit-examples.XXXXXX")
PIDS=()
PASS=0
FAIL=0

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  if [ "$FAIL" -eq 0 ] && [ -z "${KEEP_TMP:-}" ]; then rm -rf "$TMP"; else echo "logs kept in $TMP"; fi
}
trap cleanup EXIT
trap 'echo "interrupted"; FAIL=$((FAIL + 1)); exit 1' INT TERM

step() { printf '\033[1m== %s\033[0m\n' "$*"; }
pass() { PASS=$((PASS + 1)); printf '  ok      %s\n' "$1"; }
fail() { FAIL=$((FAIL + 1)); printf '  FAILED  %s\n' "$1"; }

# check NAME LOG CMD...: runs CMD (bounded by $LIMIT seconds, default 120) into LOG.
check() {
  local name=$1 log=$2
  shift 2
  if timeout "${LIMIT:-120}" "$@" >"$log" 2>&1; then
    pass "$name"
  else
    fail "$name (exit $?; $log):"
    tail -n 15 "$log" | sed 's/^/          | /'
  fi
}

# tally LOG: counts the helper's "ok - ..." / "not ok - ..." lines as checks.
tally() {
  local line
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) pass "${line#ok - }" ;;
      "not ok - "*) fail "${line#not ok - }" ;;
    esac
  done <"$1"
}

# run_helper NAME LOG CMD...: a helper that prints ok/not ok lines; its exit status counts too.
run_helper() {
  local name=$1 log=$2
  shift 2
  timeout "${LIMIT:-120}" "$@" >"$log" 2>&1
  local rc=$?
  tally "$log"
  if [ "$rc" -ne 0 ]; then
    fail "$name (exit $rc; $log):"
    grep -v '^ok - ' "$log" | tail -n 15 | sed 's/^/          | /'
  fi
}

# start NAME LOG CMD...: starts a server that prints "listening on URL"; sets $URL.
start() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  LAST_PID=$pid
  URL=
  for _ in $(seq 1 300); do
    URL=$(sed -n 's/^.*listening on \(http[^ ]*\).*$/\1/p' "$log" | head -n 1)
    [ -n "$URL" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$URL" ]; then pass "$name started at $URL"; else fail "$name did not start ($log)"; tail -n 15 "$log"; fi
}

# stop PID: SIGTERM, then wait up to 10 s; the exit status is the server's.
stop() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid"
}

step "prerequisites"
missing=()
[ -x "$PY" ] && "$PY" -c "import erasekit" 2>/dev/null || missing+=("erasekit in .venv (bindings-py/scripts/build.sh)")
[ -f bindings-js/pkg/node/erasekit_js.js ] && [ -f bindings-js/pkg/web/erasekit_js.js ] || missing+=("bindings-js/pkg (bindings-js/scripts/build.sh)")
[ -e examples/node/node_modules/erasekit ] && [ -e examples/node/node_modules/better-sqlite3 ] || missing+=("examples/node/node_modules (cd examples/node && npm ci)")
[ -d bindings-js/node_modules/playwright-core ] || missing+=("bindings-js/node_modules/playwright-core (cd bindings-js && npm ci)")
[ -x /usr/bin/chromium ] || missing+=("/usr/bin/chromium (make setup)")
SIM_BIN=${ERASEKIT_SIM_BIN:-$(ls -t target/debug/erasekit-sim target/release/erasekit-sim 2>/dev/null | head -n 1)}
[ -n "$SIM_BIN" ] && [ -x "$SIM_BIN" ] || missing+=("target/*/erasekit-sim (cargo build -p erasekit-sim)")
if [ ${#missing[@]} -gt 0 ]; then
  for m in "${missing[@]}"; do fail "missing: $m"; done
  echo "examples: $PASS checks passed, $FAIL failed"
  exit 1
fi
pass "prerequisites present (simulator $SIM_BIN)"

# The Node examples and the page run against a snapshot of the erasekit npm package, taken once
# it loads: a rebuild of bindings-js/pkg during the run cannot mix two builds. NODE_DIR is
# examples/node as `npm ci` leaves it, with that snapshot as node_modules/erasekit.
NODE_DIR=$TMP/node-examples
for attempt in $(seq 1 12); do
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR/node_modules/erasekit"
  cp examples/node/*.mjs examples/node/package.json "$NODE_DIR/"
  cp -r bindings-js/package.json bindings-js/js bindings-js/pkg "$NODE_DIR/node_modules/erasekit/"
  for dep in examples/node/node_modules/*; do
    [ "${dep##*/}" = erasekit ] || ln -s "$ROOT/$dep" "$NODE_DIR/node_modules/${dep##*/}"
  done
  (cd "$NODE_DIR" && "$NODE" -e 'require("erasekit")' >/dev/null 2>&1) && break
  [ "$attempt" -eq 12 ] || sleep 10 # bindings-js/pkg is being rebuilt: wait for the build to end
done
if (cd "$NODE_DIR" && "$NODE" -e 'require("erasekit").ErasureJob.prototype.run' >/dev/null 2>&1); then
  pass "the erasekit npm package loads (snapshot of bindings-js/js and bindings-js/pkg)"
else
  fail "bindings-js/pkg does not load (run bindings-js/scripts/build.sh)"
  echo "examples: $PASS checks passed, $FAIL failed"
  exit 1
fi

# ---- shared fixtures: what Vonage holds for a user, and the webhooks the app received ------

cat >"$TMP/fixtures.py" <<'PYEOF'
"""Fixtures and checks for examples/test.sh. Prints "ok - ..." / "not ok - ..." lines."""
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import erasekit

HOUR = 3_600_000
T = (time.time_ns() // 1_000_000) - 2 * HOUR  # the users' activity: two hours ago
VONAGE_NUMBER = "447700900000"
failures = 0


def check(ok, what):
    global failures
    print(("ok - " if ok else "not ok - ") + what, flush=True)
    if not ok:
        failures += 1


def ids(prefix):
    u = lambda what: str(uuid.uuid5(uuid.NAMESPACE_URL, f"erasekit-examples/{prefix}/{what}"))
    return {"sms_in": f"{prefix}SMSIN0001", "sms_out": f"{prefix}SMSOUT001", "call": u("call"),
            "conversation": "CON-" + u("conversation"), "media": u("media"), "msg_in": u("msg-in"),
            "msg_out": u("msg-out")}


# (product, type, id key): the records Vonage holds for a user; redacted once each on erasure.
REDACTED = [("sms", "inbound", "sms_in"), ("sms", "outbound", "sms_out"), ("voice", "outbound", "call"),
            ("messages", "inbound", "msg_in"), ("messages", "outbound", "msg_out")]


def seed_doc(users):
    records, media = [], []
    for prefix, number in users:
        i = ids(prefix)
        records += [
            {"product": "sms", "type": "inbound", "id": i["sms_in"], "created_ms": T, "from": number,
             "to": VONAGE_NUMBER, "body": "STOP"},
            {"product": "sms", "type": "outbound", "id": i["sms_out"], "created_ms": T, "from": "AcmeInc",
             "to": number, "body": "Your code is 1234"},
            {"product": "voice", "type": "outbound", "id": i["call"], "created_ms": T, "from": VONAGE_NUMBER,
             "to": number, "conversation_id": i["conversation"]},
            {"product": "messages", "type": "inbound", "id": i["msg_in"], "created_ms": T, "from": number,
             "to": VONAGE_NUMBER, "body": "hello", "provider": "whatsapp"},
            {"product": "messages", "type": "outbound", "id": i["msg_out"], "created_ms": T,
             "from": VONAGE_NUMBER, "to": number, "body": "hi there", "provider": "whatsapp"},
        ]
        media.append({"id": i["media"], "created_ms": T, "original_file_name": "call.mp3", "media_size": 4096})
    return {"records": records, "media": media}


def webhooks(prefix, number):
    """(method, path, content type, body): what Vonage sends the app for one user."""
    i = ids(prefix)
    plain = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(T / 1000))
    iso = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(T / 1000))
    return [
        ("GET", "/webhooks/inbound-sms?" + urllib.parse.urlencode({
            "msisdn": number, "to": VONAGE_NUMBER, "messageId": i["sms_in"], "text": "STOP", "type": "text",
            "keyword": "STOP", "message-timestamp": plain}), None, None),
        ("POST", "/webhooks/delivery-receipt", "application/x-www-form-urlencoded", urllib.parse.urlencode({
            "msisdn": number, "to": "AcmeInc", "network-code": "23410", "messageId": i["sms_out"],
            "status": "delivered", "err-code": "0", "message-timestamp": plain})),
        ("POST", "/webhooks/voice-event", "application/json", {
            "from": VONAGE_NUMBER, "to": number, "uuid": i["call"], "conversation_uuid": i["conversation"],
            "status": "completed", "direction": "outbound", "timestamp": iso}),
        ("POST", "/webhooks/recording", "application/json", {
            "start_time": iso, "end_time": iso, "recording_uuid": str(uuid.uuid4()), "size": 4096,
            "recording_url": f"https://api.nexmo.com/v1/files/{i['media']}",
            "conversation_uuid": i["conversation"], "timestamp": iso}),
        ("POST", "/webhooks/messages-inbound", "application/json", {
            "message_uuid": i["msg_in"], "to": {"type": "whatsapp", "number": VONAGE_NUMBER},
            "from": {"type": "whatsapp", "number": number}, "timestamp": iso, "channel": "whatsapp",
            "message": {"content": {"type": "text", "text": "hello"}}}),
        ("POST", "/webhooks/messages-status", "application/json", {
            "message_uuid": i["msg_out"], "to": number, "from": VONAGE_NUMBER, "timestamp": iso,
            "status": "delivered", "channel": "whatsapp"}),
        # The same call again as an answer webhook (no direction, the user as "from"): kept once.
        ("GET", "/webhooks/voice-event?" + urllib.parse.urlencode({
            "from": number, "to": VONAGE_NUMBER, "uuid": i["call"], "conversation_uuid": i["conversation"]}), None, None),
    ]


def send(base, method, path, ctype, body):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def control(sim, path, body=None):
    status, text = send(sim, "POST" if body is not None else "GET", "/_sim" + path,
                        "application/json" if body is not None else None, body)
    if status != 200:
        raise SystemExit(f"simulator /_sim{path}: {status} {text}")
    return json.loads(text)


def redaction_counts(sim):
    state = control(sim, "/state")
    # The simulator tells records apart by direction for SMS only.
    counts = {(r["product"], r["type"] if r["product"] == "sms" else "*", r["id"]): r["count"] for r in state["redactions"]}
    return counts, set(state["deleted"]["media"])


def main(cmd, *args):
    if cmd == "seed":  # seed SIM PREFIX:NUMBER...
        users = [a.split(":") for a in args[1:]]
        answer = control(args[0], "/seed", seed_doc(users))
        check(answer["inserted"]["records"] == 5 * len(users), f"simulator seeded with {len(users)} user(s)' records, two hours old")
    elif cmd == "post":  # post APP PREFIX NUMBER: every webhook of one user -> 204
        app, prefix, number = args
        statuses = [send(app, *w)[0] for w in webhooks(prefix, number)]
        check(statuses == [204] * 7, f"7 webhooks for {prefix} ({number}) answered 204: {statuses}")
    elif cmd == "strangers":  # strangers APP: a body of nobody we know, and a malformed one
        app = args[0]
        method, path, ctype, body = webhooks("NOBODY", "447700900777")[0]
        check(send(app, method, path, ctype, body)[0] == 204, "a webhook from an unknown number is acknowledged (204)")
        status, text = send(app, "POST", "/webhooks/messages-inbound", "application/json", {"channel": "sms"})
        check(status == 400 and "message_uuid" in text, f"a malformed body is refused with 400 naming the field: {text.strip()}")
        check(send(app, "POST", "/webhooks/nope", "application/json", {})[0] == 404, "an unknown route is 404")
    elif cmd == "ledger":  # ledger DB SUBJECT:PREFIX... [--subjects N]
        with erasekit.Ledger.sqlite(args[0]) as ledger:
            pairs = [a.split(":") for a in args[1:] if ":" in a]
            for subject, prefix in pairs:
                i = ids(prefix)
                got = {(e["kind"], e["id"]) for e in ledger.entries(subject)}
                want = {("transaction", i[k]) for k in ("sms_in", "sms_out", "call", "msg_in", "msg_out")}
                want |= {("recording", i["media"]), ("leg", i["call"])}
                check(got == want, f"ledger {args[0].split('/')[-2]}: {subject} has its 6 Vonage ids and the call leg ({len(got)} entries)")
            check(ledger.subjects() == sorted(s for s, _ in pairs), f"ledger subjects are exactly {sorted(s for s, _ in pairs)} (strangers not recorded)")
            phones = [x["value"] for x in ledger.identifiers(pairs[0][0])]
            check(len(phones) == 1 and phones[0].startswith("+"), f"{pairs[0][0]} linked to its phone number in E.164: {phones}")
    elif cmd == "untouched":  # untouched SIM PREFIX...: nothing of these users changed yet
        counts, deleted = redaction_counts(args[0])
        for prefix in args[1:]:
            i = ids(prefix)
            hits = [k for k in counts if k[2] in i.values()]
            check(not hits and i["media"] not in deleted, f"simulator: nothing of {prefix} redacted or deleted")
    elif cmd == "wait-some":  # wait-some SIM PREFIX: until at least one call of the user is done (10 s)
        i = ids(args[1])
        for _ in range(100):
            counts, deleted = redaction_counts(args[0])
            if i["media"] in deleted or any(k[2] in i.values() for k in counts):
                return 0
            time.sleep(0.1)
        return 1
    elif cmd == "partial":  # partial SIM PREFIX: a stopped job did some of the work, not all
        counts, deleted = redaction_counts(args[0])
        i = ids(args[1])
        n = sum(counts.get((p, t if p == "sms" else "*", i[k]), 0) for p, t, k in REDACTED) + (i["media"] in deleted)
        check(0 < n < 6, f"simulator: the stopped job had done {n} of {args[1]}'s 6 calls")
    elif cmd == "erased":  # erased SIM PREFIX...: each id redacted exactly once, recording deleted
        counts, deleted = redaction_counts(args[0])
        for prefix in args[1:]:
            i = ids(prefix)
            got = {(p, t, i[k]): counts.get((p, t if p == "sms" else "*", i[k]), 0) for p, t, k in REDACTED}
            check(all(n == 1 for n in got.values()), f"simulator: {prefix}'s 5 records redacted exactly once each: {sorted(got.values())}")
            check(i["media"] in deleted, f"simulator: {prefix}'s recording deleted from the Media API")
            rec = control(args[0], "/records?" + urllib.parse.urlencode({"product": "sms", "type": "inbound", "id": i["sms_in"]}))["record"]
            check(rec.get("from") == "REDACTED" and rec.get("body") == "REDACTED", f"simulator: {prefix}'s inbound SMS reads REDACTED")
    elif cmd == "receipt":  # receipt FILE PUBLIC_KEY DONE SKIPPED SUBJECT[,SUBJECT]
        path, public_key, done, skipped = args[0], args[1], int(args[2]), int(args[3])
        text = open(path).read()
        body = erasekit.verify_receipt(open(path).read(), public_key)
        c = body["counts"]
        check(c["done"] == done and c["skipped"] == skipped and c["failed"] == 0 and c["not_found"] == 0,
              f"receipt {path.split('/')[-1]} verifies against {public_key[:12]}…: done {c['done']}, skipped {c['skipped']}, failed {c['failed']}")
        check(not any(s in text for s in args[4].split(",")) and len(body["subject_hash"]) == 64,
              "the receipt names the subject only by its keyed hash")
        forged = json.loads(open(path).read())
        forged["receipt"]["counts"]["failed"] = 1
        try:
            erasekit.verify_receipt(forged, public_key)
            check(False, "a forged receipt is refused")
        except erasekit.ReceiptError as err:
            check(err.code == "bad_signature", f"a forged receipt is refused: {err.code}")
    elif cmd == "forgotten":  # forgotten DB SUBJECT... : no entries left, one tombstone each
        with erasekit.Ledger.sqlite(args[0]) as ledger:
            for subject in args[1:]:
                check(ledger.entries(subject) == [] and ledger.identifiers(subject) == [] and len(ledger.tombstones(subject)) == 1,
                      f"ledger forgot {subject}: no entries or identifiers, one tombstone")
    elif cmd == "export":  # export OUT SUBJECT PREFIX NUMBER: a memory ledger export, as an app would make it
        out, subject, prefix, number = args
        ledger = erasekit.Ledger.memory()
        sources = ["sms_inbound", "sms_receipt", "voice_webhook", "voice_recording", "messages_inbound", "messages_status"]
        for source, (_, path, ctype, body) in zip(sources, webhooks(prefix, number)):
            if body is None:
                body = dict(urllib.parse.parse_qsl(path.split("?", 1)[1]))
            elif isinstance(body, str):
                body = dict(urllib.parse.parse_qsl(body))
            ledger.record(subject, getattr(erasekit.capture, source)(body, at=T))
        ledger.link(subject, [number])
        open(out, "w").write(ledger.export())
        check(len(ledger.entries(subject)) == 7, f"ledger export for {subject} written (7 entries)")
    elif cmd == "pasted":  # pasted PREFIX NUMBER: the inbound SMS body an officer pastes in the page
        i = ids(prefix := args[0])
        plain = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(T / 1000))
        print(json.dumps({"msisdn": args[1], "to": VONAGE_NUMBER, "messageId": i["sms_in"].replace("SMSIN", "PASTE"),
                          "text": "hello again", "type": "text", "message-timestamp": plain}))
        return 0
    elif cmd == "seed-one-sms":  # seed-one-sms SIM ID NUMBER
        control(args[0], "/seed", {"records": [{"product": "sms", "type": "inbound", "id": args[1], "created_ms": T,
                                                "from": args[2], "to": VONAGE_NUMBER, "body": "hello again"}]})
        return 0
    elif cmd == "redacted-once":  # redacted-once SIM PRODUCT TYPE ID
        counts, _ = redaction_counts(args[0])
        check(counts.get((args[1], args[2], args[3]), 0) == 1, f"simulator: pasted-in {args[3]} redacted exactly once")
    else:
        raise SystemExit(f"unknown command {cmd}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
PYEOF
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$PY" "$TMP/fixtures.py" >"$TMP/fx"
chmod +x "$TMP/fx"
FX=$TMP/fx

export VONAGE_API_KEY=sim-key VONAGE_API_SECRET=sim-secret
export VONAGE_APPLICATION_ID=aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab
export VONAGE_PRIVATE_KEY_PATH=$ROOT/tests/vectors/keys/app_private.pem
unset VONAGE_BASE_URL

step "simulator"
start "simulator" "$TMP/sim.log" "$SIM_BIN" --listen 127.0.0.1:0
SIM=$URL
SIM_PID=$LAST_PID
if [ -z "$SIM" ]; then echo "examples: $PASS checks passed, $FAIL failed"; exit 1; fi
run_helper "seed" "$TMP/seed.log" "$FX" seed "$SIM" PY42:447700900123 PY43:447700900124 PY44:447700900125 PY45:447700900127 PY99:447700900126 \
  JS42:447700900223 JS43:447700900224 JS99:447700900226 WEB7:447700900323

# ---- Python ---------------------------------------------------------------------------------
step "python: webhook_capture.py, erase_user.py, erase_user_async.py"
mkdir -p "$TMP/py"
cat >"$TMP/py/users.json" <<'EOF'
{"+44 7700 900123": "user-42", "447700900124": "user-43", "+447700900125": "user-44", "+447700900127": "user-45",
 "+447700900126": "user-99"}
EOF
start "webhook_capture.py" "$TMP/py/capture.log" "$PY" -u examples/python/webhook_capture.py \
  --ledger "$TMP/py/ledger.db" --users "$TMP/py/users.json" --port 0
PY_APP=$URL
PY_APP_PID=$LAST_PID
if [ -n "$PY_APP" ]; then
  run_helper "python webhooks" "$TMP/py/post.log" bash -c "
    '$PY' '$TMP/fixtures.py' post '$PY_APP' PY42 447700900123 &&
    '$PY' '$TMP/fixtures.py' post '$PY_APP' PY43 +447700900124 &&
    '$PY' '$TMP/fixtures.py' post '$PY_APP' PY44 447700900125 &&
    '$PY' '$TMP/fixtures.py' post '$PY_APP' PY45 447700900127 &&
    '$PY' '$TMP/fixtures.py' post '$PY_APP' PY99 447700900126 &&
    '$PY' '$TMP/fixtures.py' strangers '$PY_APP'"
  stop "$PY_APP_PID"
  rc=$?
  [ "$rc" -eq 0 ] && pass "webhook_capture.py stops cleanly on SIGTERM" || fail "webhook_capture.py exit $rc on SIGTERM"
fi
run_helper "python ledger" "$TMP/py/ledger.log" "$FX" ledger "$TMP/py/ledger.db" user-42:PY42 user-43:PY43 user-44:PY44 user-45:PY45 user-99:PY99

# Receipts of runs with a ledger are signed with the ledger's own receipt key.
PY_PUB=$("$PY" -c "import erasekit, sys; print(erasekit.Ledger.sqlite(sys.argv[1], create=False).receipt_public_key())" "$TMP/py/ledger.db")
check "erase_user.py --dry-run prints the plan and deadline" "$TMP/py/dry-run.log" \
  "$PY" examples/python/erase_user.py user-42 --ledger "$TMP/py/ledger.db" --base-url "$SIM" --dry-run
grep -q "due 20" "$TMP/py/dry-run.log" && grep -q "POST   $SIM/v1/redact/transaction" "$TMP/py/dry-run.log" \
  && grep -q "DELETE $SIM/v3/media/" "$TMP/py/dry-run.log" \
  && pass "the dry run shows the deadline, the Redact calls and the Media delete" || fail "dry run output ($TMP/py/dry-run.log)"
run_helper "after the dry run" "$TMP/py/untouched.log" "$FX" untouched "$SIM" PY42

check "erase_user.py user-42 erases and verifies its receipt" "$TMP/py/erase.log" \
  "$PY" examples/python/erase_user.py user-42 --ledger "$TMP/py/ledger.db" \
  --base-url "$SIM" --receipt-out "$TMP/py/receipt-user-42.json"
grep -q "signature verified" "$TMP/py/erase.log" && grep -q '\[########################\] 7/7' "$TMP/py/erase.log" \
  && pass "erase_user.py printed its progress line to 7/7 and verified the receipt" || fail "erase_user.py output ($TMP/py/erase.log)"
run_helper "python erased" "$TMP/py/erased.log" "$FX" erased "$SIM" PY42
run_helper "python receipt" "$TMP/py/receipt.log" "$FX" receipt "$TMP/py/receipt-user-42.json" "$PY_PUB" 6 1 user-42
run_helper "python forgotten" "$TMP/py/forgotten.log" "$FX" forgotten "$TMP/py/ledger.db" user-42

check "erase_user_async.py user-43 user-44 erases both at once" "$TMP/py/erase-async.log" \
  "$PY" examples/python/erase_user_async.py user-43 user-44 \
  --ledger "$TMP/py/ledger.db" --base-url "$SIM" --receipts-dir "$TMP/py/receipts"
run_helper "python async erased" "$TMP/py/erased-async.log" "$FX" erased "$SIM" PY43 PY44
n=0
for f in "$TMP"/py/receipts/receipt-*.json; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  run_helper "async receipt" "$TMP/py/receipt-async-$n.log" "$FX" receipt "$f" "$PY_PUB" 6 1 user-43,user-44
done
[ "$n" -eq 2 ] && pass "erase_user_async.py saved 2 receipts" || fail "erase_user_async.py saved $n receipts, not 2"
run_helper "python async forgotten" "$TMP/py/forgotten-async.log" "$FX" forgotten "$TMP/py/ledger.db" user-43 user-44

# Stopped half way (SIGTERM, as Ctrl-C), then continued with --resume from the ledger's checkpoint.
"$PY" examples/python/erase_user.py user-45 --ledger "$TMP/py/ledger.db" \
  --base-url "$SIM" --rate 1 >"$TMP/py/stopped.log" 2>&1 &
STOP_PID=$!
PIDS+=("$STOP_PID")
"$FX" wait-some "$SIM" PY45 >/dev/null # until the job has done at least one call
stop "$STOP_PID"
rc=$?
JOB=$(sed -n 's/.*--resume \(job-[0-9a-f]*\) .*/\1/p' "$TMP/py/stopped.log" | tail -n 1)
[ "$rc" -eq 130 ] && [ -n "$JOB" ] && pass "erase_user.py stops cleanly (exit 130) and names the job to resume: $JOB" \
  || { fail "erase_user.py stop: exit $rc ($TMP/py/stopped.log)"; tail -n 5 "$TMP/py/stopped.log"; }
run_helper "python partial" "$TMP/py/partial.log" "$FX" partial "$SIM" PY45
check "erase_user.py --resume $JOB finishes the job" "$TMP/py/resume.log" \
  "$PY" examples/python/erase_user.py --resume "$JOB" --ledger "$TMP/py/ledger.db" \
  --base-url "$SIM" --receipt-out "$TMP/py/receipt-user-45.json"
run_helper "python resumed erased" "$TMP/py/erased-45.log" "$FX" erased "$SIM" PY45
[ -f "$TMP/py/receipt-user-45.json" ] && run_helper "python resumed receipt" "$TMP/py/receipt-45.log" "$FX" receipt "$TMP/py/receipt-user-45.json" "$PY_PUB" 6 1 user-45
run_helper "python resumed forgotten" "$TMP/py/forgotten-45.log" "$FX" forgotten "$TMP/py/ledger.db" user-45

run_helper "python bystander" "$TMP/py/bystander.log" "$FX" ledger "$TMP/py/ledger.db" user-99:PY99
run_helper "python bystander at vonage" "$TMP/py/bystander-sim.log" "$FX" untouched "$SIM" PY99

step "python: mypy --strict examples/python"
check "mypy --strict examples/python" "$TMP/mypy.log" "$ROOT/.venv/bin/mypy" --strict --cache-dir "$TMP/mypy-cache" examples/python

# ---- Node -----------------------------------------------------------------------------------
step "node: webhook-capture.mjs, erase-user.mjs"
mkdir -p "$TMP/js"
cat >"$TMP/js/users.json" <<'EOF'
{"+447700900223": "user-42", "+447700900224": "user-43", "+44 7700 900226": "user-99"}
EOF
start "webhook-capture.mjs" "$TMP/js/capture.log" "$NODE" "$NODE_DIR/webhook-capture.mjs" \
  --ledger "$TMP/js/ledger.db" --users "$TMP/js/users.json" --port 0
JS_APP=$URL
JS_APP_PID=$LAST_PID
if [ -n "$JS_APP" ]; then
  run_helper "node webhooks" "$TMP/js/post.log" bash -c "
    '$PY' '$TMP/fixtures.py' post '$JS_APP' JS42 447700900223 &&
    '$PY' '$TMP/fixtures.py' post '$JS_APP' JS43 447700900224 &&
    '$PY' '$TMP/fixtures.py' post '$JS_APP' JS99 447700900226 &&
    '$PY' '$TMP/fixtures.py' strangers '$JS_APP'"
  stop "$JS_APP_PID"
  rc=$?
  [ "$rc" -eq 0 ] && pass "webhook-capture.mjs stops cleanly on SIGTERM" || fail "webhook-capture.mjs exit $rc on SIGTERM"
fi
# The SQLite file Node wrote, read by the Python package: one schema, from the core.
run_helper "node ledger" "$TMP/js/ledger.log" "$FX" ledger "$TMP/js/ledger.db" user-42:JS42 user-43:JS43 user-99:JS99

check "erase-user.mjs --dry-run prints the plan and deadline" "$TMP/js/dry-run.log" \
  "$NODE" "$NODE_DIR/erase-user.mjs" user-42 --ledger "$TMP/js/ledger.db" --base-url "$SIM" --dry-run
grep -q "due 20" "$TMP/js/dry-run.log" && grep -q "POST   $SIM/v1/redact/transaction" "$TMP/js/dry-run.log" \
  && pass "the Node dry run shows the deadline and the calls" || fail "Node dry run output ($TMP/js/dry-run.log)"
run_helper "node untouched" "$TMP/js/untouched.log" "$FX" untouched "$SIM" JS42
check "erase-user.mjs user-42 erases and verifies its receipt" "$TMP/js/erase.log" \
  "$NODE" "$NODE_DIR/erase-user.mjs" user-42 --ledger "$TMP/js/ledger.db" --base-url "$SIM" \
  --receipt-out "$TMP/js/receipt-user-42.json"
grep -q "signature verified" "$TMP/js/erase.log" && grep -q '\[########################\] 7/7' "$TMP/js/erase.log" \
  && pass "erase-user.mjs printed its progress line to 7/7 and verified the receipt" || fail "erase-user.mjs output ($TMP/js/erase.log)"
# Signed with the Node ledger's own receipt key (the same SQLite file format as Python's).
JS_PUB=$("$PY" -c "import erasekit, sys; print(erasekit.Ledger.sqlite(sys.argv[1], create=False).receipt_public_key())" "$TMP/js/ledger.db")
run_helper "node receipt" "$TMP/js/receipt.log" "$FX" receipt "$TMP/js/receipt-user-42.json" "$JS_PUB" 6 1 user-42
run_helper "node erased" "$TMP/js/erased.log" "$FX" erased "$SIM" JS42
run_helper "node forgotten" "$TMP/js/forgotten.log" "$FX" forgotten "$TMP/js/ledger.db" user-42

# Stopped half way (SIGTERM, as Ctrl-C), then continued with --resume from the ledger's checkpoint.
"$NODE" "$NODE_DIR/erase-user.mjs" user-43 --ledger "$TMP/js/ledger.db" --base-url "$SIM" --rate 1 \
  >"$TMP/js/stopped.log" 2>&1 &
STOP_PID=$!
PIDS+=("$STOP_PID")
"$FX" wait-some "$SIM" JS43 >/dev/null # until the job has done at least one call
stop "$STOP_PID"
rc=$?
JOB=$(sed -n 's/.*--resume \(job-[0-9a-f]*\) .*/\1/p' "$TMP/js/stopped.log" | tail -n 1)
[ "$rc" -eq 130 ] && [ -n "$JOB" ] && pass "erase-user.mjs stops cleanly (exit 130) and names the job to resume: $JOB" \
  || { fail "erase-user.mjs stop: exit $rc ($TMP/js/stopped.log)"; tail -n 5 "$TMP/js/stopped.log"; }
run_helper "node partial" "$TMP/js/partial.log" "$FX" partial "$SIM" JS43
check "erase-user.mjs --resume $JOB finishes the job" "$TMP/js/resume.log" \
  "$NODE" "$NODE_DIR/erase-user.mjs" --resume "$JOB" --ledger "$TMP/js/ledger.db" --base-url "$SIM" \
  --receipt-out "$TMP/js/receipt-user-43.json"
run_helper "node resumed erased" "$TMP/js/erased-43.log" "$FX" erased "$SIM" JS43
[ -f "$TMP/js/receipt-user-43.json" ] && run_helper "node resumed receipt" "$TMP/js/receipt-43.log" "$FX" receipt "$TMP/js/receipt-user-43.json" "$JS_PUB" 6 1 user-43
run_helper "node resumed forgotten" "$TMP/js/forgotten-43.log" "$FX" forgotten "$TMP/js/ledger.db" user-43
run_helper "node bystander" "$TMP/js/bystander.log" "$FX" untouched "$SIM" JS99

# ---- browser-admin --------------------------------------------------------------------------
step "browser-admin: headless Chromium"
mkdir -p "$TMP/web"
run_helper "ledger export" "$TMP/web/export.log" "$FX" export "$TMP/web/ledger-export.json" web-7 WEB7 447700900323
PASTED=$("$FX" pasted WEB7 447700900323)
PASTED_ID=$("$PY" -c "import json, sys; print(json.loads(sys.argv[1])['messageId'])" "$PASTED")
"$FX" seed-one-sms "$SIM" "$PASTED_ID" 447700900323 >/dev/null || fail "seeding the pasted SMS"
# The officer types the page ledger's receipt key (a run with a ledger signs with it).
WEB_KEY=$("$PY" -c "import json, sys; print(json.load(open(sys.argv[1]))['receipt_key'])" "$TMP/web/ledger-export.json")
WEB_PUB=$("$PY" -c "import erasekit, sys; print(erasekit.receipt_public_key(bytes.fromhex(sys.argv[1])))" "$WEB_KEY")

cat >"$TMP/web/drive.mjs" <<'JSEOF'
// Serves examples/browser-admin and the erasekit package on 127.0.0.1, and clicks through the
// page in headless Chromium. Prints "ok - ..." / "not ok - ..." lines.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { tmpdir } from "node:os";

const [root, tmp, sim, signingKey, publicKey, pastedBody, appId, keyPath, nodeDir] = process.argv.slice(2);
const { chromium } = createRequire(join(root, "bindings-js", "package.json"))("playwright-core");
const { Ledger, verifyReceipt } = createRequire(join(nodeDir, "package.json"))("erasekit");

let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "not ok"} - ${what}`);
  if (!ok) failures++;
};

const TYPES = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json" };
const page_dir = join(root, "examples", "browser-admin");
const pkg_dir = join(nodeDir, "node_modules", "erasekit");
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = null;
  if (path === "/" || path === "/index.html") file = join(page_dir, "index.html");
  else if (path === "/admin.mjs") file = join(page_dir, "admin.mjs");
  else if (/^\/node_modules\/erasekit\/(js|pkg\/web)\/[\w.-]+$/.test(path)) file = join(pkg_dir, normalize(path.slice("/node_modules/erasekit/".length)));
  try {
    if (file === null) throw new Error("not served");
    const body = readFileSync(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(join(tmpdir(), "erasekit-chromium-"));
// A persistent context is how playwright takes a fresh --user-data-dir.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  acceptDownloads: true,
  timeout: 60_000,
});
try {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors = [];
  const offsite = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  // A 404 is the expected answer to the job's target check (an id that cannot exist, one per
  // group per run); Chromium logs every 404 fetch as a console error.
  const probe404 = (text) => /Failed to load resource: .* status of 404/.test(text);
  page.on("console", (msg) => msg.type() === "error" && !probe404(msg.text()) && errors.push(msg.text()));
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.hostname !== "127.0.0.1" && url.protocol !== "blob:" && url.protocol !== "data:") offsite.push(req.url());
  });

  // The page's clock is pinned (?now=): the deadline it shows is the same on any date.
  await page.goto(`${origin}/index.html?now=2026-01-31T10:00:00Z`);
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Ready"));
  check(true, "browser-admin loads the web build (await init())");

  await page.fill("#api-key", "sim-key");
  await page.fill("#api-secret", "sim-secret");
  await page.fill("#app-id", appId);
  await page.fill("#private-key", readFileSync(keyPath, "utf8"));
  await page.fill("#base-url", sim);
  await page.fill("#signing-key", signingKey);
  await page.dispatchEvent("#signing-key", "input");
  check((await page.textContent("#public-key-out")) === publicKey, "the page shows the signing key's public key");

  await page.setInputFiles("#ledger-file", join(tmp, "ledger-export.json"));
  await page.waitForFunction(() => document.getElementById("ledger-out").textContent.startsWith("Loaded"));
  const loaded = await page.textContent("#ledger-out");
  check(/1 subject\(s\), 7 Vonage id\(s\)/.test(loaded), `Ledger.fromExport of the export: ${loaded}`);

  await page.click("summary");
  await page.selectOption("#capture-source", "sms_inbound");
  await page.fill("#capture-subject", "web-7");
  await page.fill("#capture-body", pastedBody);
  await page.click("#capture-btn");
  await page.waitForFunction(() => document.getElementById("ledger-out").textContent.startsWith("Captured"));
  const captured = await page.textContent("#ledger-out");
  check(/1 new\)\. 1 subject\(s\), 8 Vonage id\(s\)/.test(captured), `a pasted inbound SMS webhook is captured: ${captured}`);

  await page.selectOption("#subject", "web-7");
  await page.click("#plan-btn");
  await page.waitForSelector("#plan-summary");
  const deadline = await page.textContent("#deadline");
  const summary = await page.textContent("#plan-summary");
  const rows = await page.locator("#plan-out tbody tr").count();
  check(deadline.startsWith("GDPR deadline: 2026-02-28 10:00 UTC (28 days left;"),
    `the dry run shows the GDPR deadline a month after the (pinned) request: ${deadline}`);
  check(rows === 8 && /8 operation\(s\) for web-7; 7 call\(s\) to send/.test(summary), `the plan lists 8 operations, 7 to send: ${summary}`);
  const planText = await page.textContent("#plan-out");
  check(planText.includes(`POST ${sim}/v1/redact/transaction`) && planText.includes(`DELETE ${sim}/v3/media/`),
    "the plan shows the Redact and Media calls against the base URL");

  await page.click("#erase-btn");
  await page.waitForFunction(() => /^(Finished|Error|Stopped)/.test(document.getElementById("erase-status").textContent), null, { timeout: 60_000 });
  const status = await page.textContent("#erase-status");
  check(/^Finished: 7 done, 0 not found, 0 expired, 1 skipped, 0 failed/.test(status), `the erasure finished: ${status}`);
  const bar = await page.$eval("#progress", (p) => [p.value, p.max]);
  check(bar[0] === 8 && bar[1] === 8, `the progress bar is full: ${bar.join("/")}`);
  const ledgerNote = await page.textContent("#ledger-out");
  check(/web-7 forgotten in the ledger\. 0 subject\(s\)/.test(ledgerNote), `the page's ledger forgot web-7: ${ledgerNote}`);

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#receipt-btn")]);
  const receiptPath = join(tmp, "receipt-web-7.json");
  await download.saveAs(receiptPath);
  check(/^receipt-.+\.json$/.test(download.suggestedFilename()), `the signed receipt downloads as ${download.suggestedFilename()}`);
  const body = verifyReceipt(readFileSync(receiptPath, "utf8"), publicKey);
  check(body.counts.done === 7 && body.counts.failed === 0, `the downloaded receipt verifies in Node: ${JSON.stringify(body.counts)}`);

  // Without the signer's key the page checks integrity only, and says so: not a verification.
  await page.setInputFiles("#verify-file", receiptPath);
  await page.waitForFunction(() => document.getElementById("verify-out").textContent !== "");
  const unkeyed = await page.textContent("#verify-out");
  check(unkeyed.startsWith("Integrity only:") && !unkeyed.includes("Valid"),
    `without a trusted key the page does not call a receipt valid: ${unkeyed}`);
  await page.fill("#verify-key", publicKey);
  await page.dispatchEvent("#verify-key", "change");
  await page.waitForFunction(() => document.getElementById("verify-out").textContent.startsWith("Valid"));
  const verdict = await page.textContent("#verify-out");
  check(verdict.startsWith("Valid signature by the expected key"), `the page verifies the receipt file: ${verdict}`);

  const forged = JSON.parse(readFileSync(receiptPath, "utf8"));
  forged.receipt.counts.failed = 0;
  forged.receipt.counts.done = 8;
  writeFileSync(join(tmp, "forged.json"), JSON.stringify(forged));
  await page.setInputFiles("#verify-file", join(tmp, "forged.json"));
  await page.waitForFunction(() => document.getElementById("verify-out").textContent.startsWith("Invalid"));
  const refused = await page.textContent("#verify-out");
  check(refused.includes("bad_signature"), `the page refuses an edited receipt: ${refused}`);

  const [exported] = await Promise.all([page.waitForEvent("download"), page.click("#export-btn")]);
  await exported.saveAs(join(tmp, "ledger-after.json"));
  const after = await Ledger.fromExport(readFileSync(join(tmp, "ledger-after.json"), "utf8"));
  check((await after.subjects()).length === 0 && (await after.tombstones("web-7")).length === 1,
    "the downloaded ledger export no longer names web-7 (one tombstone)");

  // A clock that is not a time stops the page instead of planning on the wall clock.
  const unpinned = await context.newPage();
  await unpinned.goto(`${origin}/index.html?now=soon`);
  await unpinned.waitForFunction(() => document.getElementById("status").textContent.startsWith("?now=soon"));
  const refusal = await unpinned.textContent("#status");
  check(refusal.includes("not a time"), `a page asked for ?now=soon refuses to start: ${refusal}`);
  await unpinned.close();

  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
  check(stored === 0, "nothing stored in the browser (credentials never persisted)");
  check(errors.length === 0, `no page errors${errors.length ? ": " + errors.join(" | ") : ""}`);
  check(offsite.length === 0, `every request stayed on 127.0.0.1${offsite.length ? ": " + offsite.join(" ") : ""}`);
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
JSEOF
LIMIT=180 run_helper "browser-admin" "$TMP/web/drive.log" "$NODE" "$TMP/web/drive.mjs" "$ROOT" "$TMP/web" "$SIM" \
  "$WEB_KEY" "$WEB_PUB" "$PASTED" "$VONAGE_APPLICATION_ID" "$VONAGE_PRIVATE_KEY_PATH" "$NODE_DIR"
run_helper "browser erased" "$TMP/web/erased.log" "$FX" erased "$SIM" WEB7
run_helper "browser pasted" "$TMP/web/pasted.log" "$FX" redacted-once "$SIM" sms inbound "$PASTED_ID"
[ -f "$TMP/web/receipt-web-7.json" ] && run_helper "browser receipt" "$TMP/web/receipt.log" "$FX" receipt "$TMP/web/receipt-web-7.json" "$WEB_PUB" 7 1 web-7

# ---- the end --------------------------------------------------------------------------------
step "simulator: every redaction accounted for"
"$PY" - "$SIM" >"$TMP/final.log" 2>&1 <<'PYEOF'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_sim/state", timeout=10))
counts = [r["count"] for r in state["redactions"]]
# 5 per erased user (PY42, PY43, PY44, PY45, JS42, JS43, WEB7) plus the SMS pasted in the browser.
ok = len(counts) == 36 and set(counts) == {1} and len(state["deleted"]["media"]) == 7
print(("ok - " if ok else "not ok - ") + f"simulator: {len(counts)} records redacted once each, {len(state['deleted']['media'])} recordings deleted, nothing else")
routes = {k: v.get("statuses") for k, v in state["routes"].items()}
# 404s answer the target checks (an id that cannot exist, one per group per run).
bad = {k: s for k, s in routes.items() if any(not c.startswith("2") and c != "404" for c in s)}
print(("ok - " if not bad else "not ok - ") + f"simulator: every Vonage call answered 2xx{': ' + json.dumps(bad) if bad else ''}")
PYEOF
tally "$TMP/final.log"
stop "$SIM_PID" >/dev/null 2>&1

echo
if [ "$FAIL" -eq 0 ]; then
  printf '\033[1mexamples: %d checks passed\033[0m\n' "$PASS"
  exit 0
fi
printf '\033[1mexamples: %d checks passed, %d FAILED\033[0m\n' "$PASS" "$FAIL"
exit 1
