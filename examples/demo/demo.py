"""`make demo`: the whole erasekit story on an embedded default, against the local simulator.

1. start the local Vonage simulator (the release build of tests/simulator);
2. a user, `user-42`, sent and received SMS, made a recorded call, verified a number, looked it
   up with Number Insight, chatted over WhatsApp and had a Conversation API user — two hours
   ago. The simulator holds those records; the app captured every id into `demo-ledger.db`;
3. the user asks to be forgotten: print the plan (a dry run), erase everything with the
   `erasekit` CLI and its progress bar, print the signed receipt and verify its signature;
4. show that Vonage's records now read REDACTED and that the ledger no longer names the user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import erasekit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "simulator" / "clients"))
from sim import Simulator  # noqa: E402  (the simulator's own client helper)

LEDGER = ROOT / "demo-ledger.db"
RECEIPT = ROOT / "demo-receipt.json"
SUBJECT = "user-42"
PHONE = "447700900123"
HOUR = 3_600_000


def say(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def user_activity(t: int) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """What Vonage holds (simulator seed) and what the app received (capture payloads), at time t."""
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t / 1000))
    plain = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t / 1000))
    seed: dict[str, Any] = {
        "records": [
            {"product": "sms", "type": "outbound", "id": f"0A00000{i}DEMO", "created_ms": t, "to": PHONE,
             "from": "AcmeInc", "body": f"Your code is 12345 (part {i})"} for i in (1, 2, 3)
        ] + [
            {"product": "sms", "type": "inbound", "id": "0B000000DEMOIN", "created_ms": t, "from": PHONE,
             "to": "447700900000", "body": "STOP"},
            {"product": "voice", "type": "outbound", "id": "63f61863-4a51-4f6b-86e1-46edebcf9356",
             "created_ms": t, "to": PHONE, "from": "447700900000"},
            {"product": "verify", "id": "abcdef0123456789abcdef0123456789", "created_ms": t, "number": PHONE},
            {"product": "number-insight", "id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "created_ms": t,
             "number": PHONE, "first_name": "Ada", "last_name": "Lovelace"},
            {"product": "messages", "type": "inbound", "id": "bbbbbbbb-1111-2222-3333-0123456789ab",
             "created_ms": t, "from": PHONE, "body": "hello on WhatsApp"},
        ],
        "media": [{"id": "cccccccc-aaaa-cccc-dddd-0123456789ab", "created_ms": t, "original_file_name": "call.mp3"}],
        "users": [{"id": "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "name": "ada", "display_name": "Ada Lovelace"}],
    }
    captures: list[tuple[str, dict[str, Any]]] = [
        ("sms_send", {"message-count": "3", "messages": [
            {"to": PHONE, "message-id": f"0A00000{i}DEMO", "status": "0", "network": "23410"} for i in (1, 2, 3)]}),
        ("sms_inbound", {"msisdn": PHONE, "to": "447700900000", "messageId": "0B000000DEMOIN", "text": "STOP",
                         "type": "text", "message-timestamp": plain}),
        ("voice_call", {"uuid": "63f61863-4a51-4f6b-86e1-46edebcf9356", "status": "started",
                        "direction": "outbound", "conversation_uuid": "CON-f972836a-550f-45fa-956c-12a2ab5b7d22"}),
        ("voice_recording", {"start_time": iso, "recording_url":
                             "https://api.nexmo.com/v1/files/cccccccc-aaaa-cccc-dddd-0123456789ab",
                             "recording_uuid": "aaaaaaaa-1111-cccc-dddd-0123456789ab",
                             "conversation_uuid": "CON-f972836a-550f-45fa-956c-12a2ab5b7d22"}),
        ("verify", {"request_id": "abcdef0123456789abcdef0123456789", "status": "0"}),
        ("number_insight", {"status": 0, "request_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
                            "international_format_number": PHONE}),
        ("messages_inbound", {"message_uuid": "bbbbbbbb-1111-2222-3333-0123456789ab", "timestamp": iso,
                              "channel": "whatsapp", "from": {"type": "whatsapp", "number": PHONE}}),
        ("conversation_user", {"id": "USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "name": "ada"}),
    ]
    return seed, captures


def main() -> int:
    for path in (LEDGER, RECEIPT, LEDGER.with_name("demo-ledger.db-wal"), LEDGER.with_name("demo-ledger.db-shm")):
        path.unlink(missing_ok=True)
    say("starting the local Vonage simulator")
    with Simulator() as sim:
        print(f"simulator at {sim.base_url} (Basic auth {sim.api_key} / ***)")
        activity_at = sim.clock() - 2 * HOUR
        seed, captures = user_activity(activity_at)
        sim.seed(seed)

        say("one redaction by hand: the request erasekit builds (secret masked) and what came back")
        sim.seed({"records": [{"product": "sms", "type": "outbound", "id": "0C000000SINGLE",
                               "created_ms": activity_at, "to": "447700900999", "body": "hello"}]})
        creds = erasekit.Credentials(api_key=sim.api_key, api_secret=sim.api_secret)
        request = erasekit.RedactRequest("0C000000SINGLE", "sms", type="outbound").to_http(creds, sim.base_url)
        masked = dict(request["headers"], authorization=request["headers"]["authorization"].split(" ")[0] + " ***")
        print(f"  {request['method']} {request['url']}")
        for name, value in sorted(masked.items()):
            print(f"  {name}: {value}")
        print(f"  {request['body'].decode()}")
        outcome = erasekit.redact("0C000000SINGLE", "sms", type="outbound", credentials=creds, base_url=sim.base_url)
        print(f"  -> {outcome}")

        say(f"recording {SUBJECT}'s Vonage ids into {LEDGER.name} (SQLite) with capture functions")
        with erasekit.Ledger.sqlite(str(LEDGER)) as ledger:
            for source, payload in captures:
                entries = getattr(erasekit.capture, source)(payload, at=activity_at)
                ledger.record(SUBJECT, entries)
                print(f"  capture.{source:<18} -> " + ", ".join(f"{e['kind']}:{e['id']}" for e in entries))
            ledger.link(SUBJECT, [PHONE])
            print(f"  {len(ledger.entries(SUBJECT))} entries, identifiers {ledger.identifiers(SUBJECT)}")

        pem = ROOT / "tests" / "vectors" / "keys" / "app_private.pem"
        env = dict(os.environ, VONAGE_API_KEY=sim.api_key, VONAGE_API_SECRET=sim.api_secret,
                   VONAGE_APPLICATION_ID=sim.application_id, VONAGE_PRIVATE_KEY_PATH=str(pem))
        cli = [sys.executable, "-m", "erasekit.cli"]
        common = ["--ledger", str(LEDGER), "--base-url", sim.base_url]

        say(f"{SUBJECT} asks to be forgotten: the plan (dry run)")
        subprocess.run(cli + ["erase", SUBJECT, *common, "--dry-run"], env=env, check=True)

        say("erasing at Vonage's limits (Redact, Media and Conversation APIs)")
        done = subprocess.run(cli + ["erase", SUBJECT, *common, "--rate", "20", "--receipt-out", str(RECEIPT)], env=env)
        if done.returncode != 0:
            print("erasure reported failures (see above)")
            return done.returncode

        say("the signed receipt")
        receipt = json.loads(RECEIPT.read_text())
        body = receipt["receipt"]
        print(json.dumps({k: body[k] for k in ("receipt_id", "subject_hash", "complete", "counts", "on_time")}, indent=2))
        print("deadline:", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(body["deadline"]["due_at"] / 1000)))
        with erasekit.Ledger.sqlite(str(LEDGER), create=False) as ledger:
            public_key = ledger.receipt_public_key()  # receipts are signed with the ledger's key
        subprocess.run(cli + ["verify", str(RECEIPT), "--public-key", public_key], env=env, check=True)

        say("what Vonage holds now")
        personal = ("from", "to", "body", "number", "first_name", "last_name")
        for rec in seed["records"]:
            r = sim.record(rec["product"], rec["id"], rec.get("type"))
            fields = ", ".join(f"{k}={r[k]}" for k in personal if r.get(k) is not None)
            print(f"  {rec['product']:<15} {rec['id']:<38} redactions={r.get('redactions')}  {fields}")

        say("what the ledger holds now")
        with erasekit.Ledger.sqlite(str(LEDGER)) as ledger:
            print(f"  entries for {SUBJECT}: {ledger.entries(SUBJECT)}")
            print(f"  subjects: {ledger.subjects()}")
            print(f"  tombstones (keyed hash only): {ledger.tombstones(SUBJECT)}")
    print("\ndone: the receipt is in demo-receipt.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
