"""Webhooks end to end: the real server's outbox delivering to a real HTTP receiver on loopback.

What this proves, against `portcullis serve` and `webhook_receiver.WebhookReceiver`:

- Every delivery is signed (`Portcullis-Signature: t=…,v1=HMAC-SHA256(key, "t." + body)`) with the
  webhook's secret and carries the documented headers and body; the body's `id` is the stored event's
  id (the management API's `log_id`) and its `subject.id` the user's store id. A signature check fails
  for a changed body, a wrong key or an old timestamp — in Python and with the openssl one-liner the
  docs give. A SIGHUP reload is delivered as `config.reloaded`.
- Events of one subject arrive in the order they happened, even when the first is held back by a
  failing receiver: later ones wait behind it.
- A receiver answering 503, or not listening at all, gets the event later by retries with backoff
  (attempt header > 1, the same id and body, exactly one accepted copy); the `retried` counter and
  the pending gauge show it.
- With `max_attempts: 2` a receiver that always fails makes the delivery dead (the `dead` counter,
  "failed for good" in the log), and neither that subject's later events nor other subjects' events
  stay stuck behind it.
- The outbox survives SIGKILL: N events queued while the receiver was down are all delivered after a
  restart on the same database — none lost, none invented, duplicates counted (at least once).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time

import pytest
import requests

from portcullis_testkit import page_server, wait_until
from test_management_auth0 import CONNECTION, PASSWORD, api, dump, unique_email
from webhook_receiver import (
    SIGNATURE_HEADER,
    WEBHOOK_NAME,
    Delivery,
    WebhookReceiver,
    running_receiver,
    sign,
    use_receiver,
    verify_signature,
    webhook_receiver,  # noqa: F401  (fixture)
    webhook_secret,
)

SECRET = webhook_secret()
SHARED_EVENTS = ["user.created", "user.updated", "user.blocked", "user.deleted", "config.reloaded"]
# A delivery to a listening receiver goes out right after the change is committed (the outbox wakes
# the worker); this much is for a loaded 2-core machine, not for the server taking its time.
DELIVERY_TIMEOUT = 20.0
# Retries wait 1 s, 2 s, 4 s … (half of it fixed, half random): a few attempts fit in this.
RETRY_TIMEOUT = 45.0
DELIVERIES = "portcullis_webhook_deliveries_total"
PENDING = "portcullis_webhook_pending"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# The openssl check docs/hooks.md gives receivers without a webhook library ($SIG = the header,
# $SECRET = the key, body.json = the raw body as received).
SHELL_VERIFIER = r"""
t=${SIG#t=}; t=${t%%,*}
v1=${SIG#*v1=}; v1=${v1%%,*}
case $t in ''|*[!0-9]*) exit 1;; esac
expected=$( { printf '%s.' "$t"; cat body.json; } | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
age=$(( $(date +%s) - t )); age=${age#-}
[ "$expected" = "$v1" ] && [ "$age" -le 300 ] && echo valid
"""


# --------------------------------------------------------------------------------------------
# Helpers


def store_id(user_id: str) -> str:
    """`Username-Password-Authentication|usr_…` → `usr_…`, the id webhooks name the subject by."""
    connection, sep, rest = user_id.partition("|")
    assert sep and connection == CONNECTION and rest.startswith("usr_"), user_id
    return rest


def create_user(client, prefix: str) -> tuple[str, str]:
    """Creates a user through the management API; returns (API user_id, store id)."""
    created = dump(client.users.create(connection=CONNECTION, email=unique_email(prefix), password=PASSWORD))
    return created["user_id"], store_id(created["user_id"])


def counter(server, outcome: str) -> float:
    return server.metric(DELIVERIES, webhook=WEBHOOK_NAME, outcome=outcome) or 0.0


def pending(server) -> float:
    return server.metric(PENDING) or 0.0


def log_lines(server, *needles: str) -> list[str]:
    return [line for line in server.log_text().splitlines() if all(n in line for n in needles)]


def create_log_id(client, user_id: str) -> str:
    """The log_id of the user's "Create a User" event, as the management API lists it."""
    logs = [dump(log) for log in client.users.logs.list(user_id)]
    created = [log["log_id"] for log in logs if log.get("description") == "Create a User"]
    assert len(created) == 1, logs
    return created[0]


def assert_attempts_in_sequence(attempts: list[Delivery]) -> None:
    """One delivery's attempts: numbered 1, 2, 3 …, same delivery, same body, backed off."""
    assert [d.attempt for d in attempts] == list(range(1, len(attempts) + 1)), [d.describe() for d in attempts]
    assert len({d.header("Portcullis-Delivery-Id") for d in attempts}) == 1
    assert len({d.body for d in attempts}) == 1, "the body changed between attempts"
    for before, after in zip(attempts, attempts[1:]):
        # The delay after attempt k is at least half of 2^(k-1) s (the fixed half of the jitter).
        minimum = 0.5 * 2 ** (before.attempt - 1)
        gap = after.received_mono - before.received_mono
        assert gap >= minimum - 0.1, f"attempt {after.attempt} came {gap:.2f}s after the one before (< {minimum}s)"


@pytest.fixture(scope="module")
def hooked(portcullis_bin, tmp_path_factory, request):
    """One server whose acme webhook points at one receiver, for the tests that share them."""
    with running_receiver() as receiver:
        with page_server(portcullis_bin, tmp_path_factory.mktemp("webhooks"), request,
                         prepare=lambda config: use_receiver(config, receiver, SHARED_EVENTS),
                         extra_log=lambda: f"--- receiver ---\n{receiver.describe()}") as server:
            yield server, receiver


@pytest.fixture
def hook(hooked):
    """The shared server and receiver, the receiver listening and accepting at start and end."""
    server, receiver = hooked
    receiver.up()
    receiver.respond_with(200)
    yield server, receiver
    receiver.up()
    receiver.respond_with(200)


# --------------------------------------------------------------------------------------------
# The verifier and the receiver on their own


def test_verifier_and_receiver_on_their_own():
    body = b'{"id":"evt_x","type":"user.created"}'
    now = 1_800_000_000
    header = sign(body, SECRET, timestamp=now)
    assert verify_signature(header, body, SECRET, now=now)
    assert verify_signature(header, body, SECRET, now=now + 300)
    assert verify_signature(header, body, SECRET, now=now - 300)
    assert not verify_signature(header, body, SECRET, now=now + 301), "a replay after the window"
    assert not verify_signature(header, body, SECRET, now=now - 301), "a timestamp from the future"
    assert not verify_signature(header, body + b" ", SECRET, now=now)
    assert not verify_signature(header, body, SECRET + b"x", now=now)
    mac = header.split("v1=")[1]
    assert verify_signature(f"t={now},v1={'0' * 64},v1={mac}", body, SECRET, now=now), "one of several v1 matches"
    assert verify_signature(f" t={now} , v1={mac.upper()} ", body, SECRET, now=now)
    for broken in ("", f"v1={mac}", f"t={now}", f"t=abc,v1={mac}", f"t={now},t={now},v1={mac}",
                   f"t={now},v1={mac[:-2]}", f"t={now},v1=zz{mac[2:]}", f"t={now},v0={mac}"):
        assert not verify_signature(broken, body, SECRET, now=now), broken

    with running_receiver() as receiver:
        def post(data: bytes, signature: str) -> int:
            return requests.post(receiver.url, data=data, headers={SIGNATURE_HEADER: signature}, timeout=5).status_code

        event = b'{"id":"evt_1","type":"user.created","subject":{"type":"user","id":"usr_1"}}'
        assert post(event, sign(event, SECRET)) == 200
        assert post(event, sign(event, SECRET)) == 200  # a re-send: accepted again, counted as duplicate
        assert post(event, sign(event, b"wrong-key" * 4)) == 401
        assert post(event + b" ", sign(event, SECRET)) == 401
        receiver.respond_with(503)
        other = b'{"id":"evt_2","type":"user.created"}'
        assert post(other, sign(other, SECRET)) == 503
        assert list(receiver.accepted) == ["evt_1"] and receiver.duplicates == 1 and receiver.bad_signatures == 2

        port = receiver.port
        receiver.down()
        with pytest.raises(requests.ConnectionError):
            post(other, sign(other, SECRET))
        receiver.up()
        receiver.respond_with(200)
        assert receiver.port == port and post(other, sign(other, SECRET)) == 200
        assert list(receiver.accepted) == ["evt_1", "evt_2"]


# --------------------------------------------------------------------------------------------
# a. Signed deliveries


def test_a_created_user_is_delivered_once_signed(hook):
    server, receiver = hook
    client = api(server)
    user_id, subject = create_user(client, "wh-signed")
    body = receiver.wait_for_event("user.created", DELIVERY_TIMEOUT, lambda b: b.get("subject", {}).get("id") == subject)

    [delivery] = receiver.requests_for(body["id"])
    assert delivery.signature_valid and delivery.status == 200 and not delivery.duplicate
    assert delivery.method == "POST" and delivery.path == "/webhook"
    assert delivery.header("Content-Type") == "application/json"
    assert delivery.header("User-Agent") == "Portcullis-Webhooks/1"
    assert delivery.header("Portcullis-Event-Id") == body["id"]
    assert delivery.header("Portcullis-Event-Type") == "user.created"
    assert delivery.header("Portcullis-Delivery-Id")
    assert delivery.attempt == 1
    signed_at = int(re.fullmatch(r"t=(\d+),v1=[0-9a-f]{64}", delivery.signature).group(1))
    assert abs(signed_at - delivery.received_at) <= 5, "signed at sending time"

    assert body["type"] == "user.created" and body["tenant"] == "acme"
    assert body["subject"] == {"type": "user", "id": subject}
    assert body["actor"] == {"type": "client", "id": "acme-admin"}
    assert ISO_MS.match(body["occurred_at"]), body["occurred_at"]
    assert body["data"]["connection"] == CONNECTION
    assert all(isinstance(value, str) for value in body["data"].values()), body["data"]
    assert body["request"]["ip"] == "127.0.0.1" and body["request"]["request_id"]
    # The event id is the stored event's: the management API lists it as the log's id.
    assert create_log_id(client, user_id) == body["id"]

    # Tampering, on the captured request.
    raw = delivery.body
    assert verify_signature(delivery.signature, raw, SECRET)
    assert not verify_signature(delivery.signature, raw.replace(subject.encode(), b"usr_someoneelse0000000000"), SECRET)
    assert not verify_signature(delivery.signature, raw + b"\n", SECRET)
    assert not verify_signature(delivery.signature, raw, b"acme-webhook-dev-secret-0123456789abcdeF")
    assert not verify_signature(delivery.signature, raw, SECRET, now=signed_at + 301)

    # A reload is an event of its own, delivered to the subscribed webhook, signed the same way.
    server.hup()
    reloaded = receiver.wait_for_event("config.reloaded", DELIVERY_TIMEOUT, lambda b: b["data"].get("trigger") == "SIGHUP")
    assert reloaded["tenant"] == "acme" and reloaded["actor"] == {"type": "system"} and "subject" not in reloaded
    assert reloaded["data"]["tenant_changed"] == "false" and reloaded["data"]["generation"]
    [reload_delivery] = receiver.requests_for(reloaded["id"])
    assert reload_delivery.signature_valid and reload_delivery.header("Portcullis-Event-Type") == "config.reloaded"
    # Only acme has a webhook, and the user's event came once, however long we looked.
    assert {d.json["tenant"] for d in receiver.all_requests()} == {"acme"}
    assert len(receiver.requests_for(body["id"])) == 1
    assert [b["id"] for b in receiver.events("user.created", subject)] == [body["id"]]


def test_a_documented_openssl_verifier_accepts_a_real_delivery(hook, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed; the documented shell verifier needs it")
    server, receiver = hook
    _, subject = create_user(api(server), "wh-openssl")
    body = receiver.wait_for_event("user.created", DELIVERY_TIMEOUT, lambda b: b.get("subject", {}).get("id") == subject)
    [delivery] = receiver.requests_for(body["id"])

    def shell_says(raw: bytes, signature: str, secret: bytes, shell: str = "sh") -> str:
        (tmp_path / "body.json").write_bytes(raw)
        result = subprocess.run([shell, "-c", SHELL_VERIFIER], cwd=tmp_path, capture_output=True, text=True, timeout=30,
                                env={"PATH": "/usr/bin:/bin", "SIG": signature, "SECRET": secret.decode()})
        assert result.stderr == "", result.stderr
        return result.stdout.strip()

    for shell in ("sh", "bash"):
        assert shell_says(delivery.body, delivery.signature, SECRET, shell) == "valid", shell
    assert shell_says(delivery.body + b" ", delivery.signature, SECRET) == ""
    assert shell_says(delivery.body.replace(b"user.created", b"user.deleted"), delivery.signature, SECRET) == ""
    assert shell_says(delivery.body, delivery.signature, b"acme-webhook-dev-secret-0123456789abcdeF") == ""
    stale = sign(delivery.body, SECRET, timestamp=int(time.time()) - 400)
    assert verify_signature(stale, delivery.body, SECRET, tolerance=10_000)  # signed right, just old
    assert shell_says(delivery.body, stale, SECRET) == ""
    early = sign(delivery.body, SECRET, timestamp=int(time.time()) + 400)
    assert shell_says(delivery.body, early, SECRET) == "", "a timestamp from the future is refused too"
    assert shell_says(delivery.body, "t=abc,v1=" + delivery.signature.split("v1=")[1], SECRET) == ""


# --------------------------------------------------------------------------------------------
# b. Order per subject


def test_b_events_of_one_user_arrive_in_order(hook):
    server, receiver = hook
    # The user's first event is refused until all its later ones are stored: they must wait behind
    # it, not overtake it.
    release = threading.Event()
    receiver.respond_with(lambda d: 200 if d.event_type != "user.created" or release.is_set() else 503)
    client = api(server)
    user_id, subject = create_user(client, "wh-order")
    client.users.update(user_id, name="Orderly Olga")
    client.users.update(user_id, blocked=True)
    receiver.wait_for(lambda: first_id(receiver, subject) is not None, DELIVERY_TIMEOUT, "the first attempt of user.created")
    release.set()
    receiver.wait_for(lambda: receiver.events("user.blocked", subject), RETRY_TIMEOUT, "user.blocked delivered")

    mine = [d for d in receiver.all_requests() if d.subject_id == subject]
    accepted = [d for d in mine if d.accepted]
    assert [(d.event_type, d.json["data"].get("fields")) for d in accepted] == [
        ("user.created", None), ("user.updated", "name"), ("user.updated", "blocked"), ("user.blocked", None)
    ], [d.describe() for d in mine]
    # Nothing of the subject's later events was even attempted before the first was accepted.
    refused = [d for d in mine if not d.accepted]
    assert refused and all(d.event_type == "user.created" for d in refused), [d.describe() for d in mine]
    assert mine[: len(refused) + 1] == refused + [accepted[0]]
    assert [d.json["occurred_at"] for d in accepted] == sorted(d.json["occurred_at"] for d in accepted)
    assert all(d.attempt == 1 for d in accepted[1:]) and receiver.duplicates == 0


def first_id(receiver: WebhookReceiver, subject: str) -> str | None:
    ids = [d.event_id for d in receiver.all_requests() if d.subject_id == subject and d.event_type == "user.created"]
    return ids[0] if ids else None


# --------------------------------------------------------------------------------------------
# c. Retries: a failing receiver, then one that is not there


@pytest.mark.timeout(240)
def test_c_failing_or_absent_receiver_gets_the_events_by_retries(hook):
    server, receiver = hook
    client = api(server)
    retried_before, delivered_before = counter(server, "retried"), counter(server, "delivered")

    # 503 for a while, then 200.
    receiver.respond_with(503)
    _, subject = create_user(client, "wh-503")
    receiver.wait_for(lambda: len([d for d in receiver.all_requests() if d.subject_id == subject]) >= 2,
                      RETRY_TIMEOUT, "two refused attempts")
    receiver.respond_with(200)
    body = receiver.wait_for_event("user.created", RETRY_TIMEOUT, lambda b: b["subject"]["id"] == subject)
    attempts = receiver.requests_for(body["id"])
    assert [d.status for d in attempts[:-1]] == [503] * (len(attempts) - 1) and attempts[-1].status == 200
    assert attempts[-1].attempt >= 3 and attempts[-1].header("Portcullis-Event-Id") == body["id"]
    assert_attempts_in_sequence(attempts)
    assert all(d.signature_valid for d in attempts)
    assert len([d for d in attempts if d.accepted]) == 1 and not any(d.duplicate for d in attempts)
    assert counter(server, "retried") - retried_before >= len(attempts) - 1
    assert log_lines(server, "webhook delivery failed; will retry", f"event={body['id']}", "status=503")

    # Not listening at all: the events queue up (and are tried) until it is back on the same port.
    receiver.down()
    subjects = [create_user(client, f"wh-down{i}")[1] for i in range(3)]
    # The gauge is set after each round, and with nobody listening a round lasts the attempt's timeout.
    wait_until(lambda: pending(server) >= 3, RETRY_TIMEOUT, f"3 deliveries pending (now {pending(server)})")
    wait_until(lambda: len(log_lines(server, "will retry", "connection refused")) >= 3, RETRY_TIMEOUT,
               "refused attempts logged")
    assert not [d for d in receiver.all_requests() if d.subject_id in subjects]
    receiver.up()
    receiver.wait_for(lambda: {d.subject_id for d in receiver.accepted_deliveries("user.created")} >= set(subjects),
                      RETRY_TIMEOUT, "the queued events after the receiver came back")
    came_back = [d for d in receiver.accepted_deliveries("user.created") if d.subject_id in subjects]
    assert len(came_back) == 3 and all(d.attempt > 1 and d.signature_valid for d in came_back)
    assert receiver.duplicates == 0
    wait_until(lambda: pending(server) == 0, DELIVERY_TIMEOUT, "nothing pending")
    assert counter(server, "delivered") - delivered_before >= 4


# --------------------------------------------------------------------------------------------
# d. max_attempts


def test_d_a_delivery_dies_after_max_attempts_and_blocks_nothing(server_factory, webhook_receiver):
    receiver = webhook_receiver
    server = server_factory(prepare=lambda config: use_receiver(config, receiver, ["user.created", "user.updated"],
                                                                max_attempts=2))
    client = api(server)
    receiver.respond_with(500)
    doomed_user, doomed = create_user(client, "wh-doomed")
    receiver.wait_for(lambda: first_id(receiver, doomed) is not None, DELIVERY_TIMEOUT, "the first attempt")
    doomed_event = first_id(receiver, doomed)
    # Only the doomed user's events fail from now on: another user's go through meanwhile.
    receiver.respond_with(lambda d: 500 if d.subject_id == doomed else 200)
    _, bystander = create_user(client, "wh-bystander")
    receiver.wait_for_event("user.created", DELIVERY_TIMEOUT, lambda b: b["subject"]["id"] == bystander)

    wait_until(lambda: counter(server, "dead") == 1, RETRY_TIMEOUT, "the delivery dead")
    [dead_line] = log_lines(server, "failed for good", f"event={doomed_event}")
    assert "attempt=2" in dead_line and "status=500" in dead_line, dead_line
    assert counter(server, "retried") == 1

    # The dead delivery no longer holds back its subject, nor anyone else.
    receiver.respond_with(200)
    client.users.update(doomed_user, name="Still Here")
    _, later = create_user(client, "wh-later")
    receiver.wait_for_event("user.updated", DELIVERY_TIMEOUT, lambda b: b["subject"]["id"] == doomed)
    receiver.wait_for_event("user.created", DELIVERY_TIMEOUT, lambda b: b["subject"]["id"] == later)

    attempts = receiver.requests_for(doomed_event)
    assert [(d.attempt, d.status) for d in attempts] == [(1, 500), (2, 500)], [d.describe() for d in attempts]
    assert_attempts_in_sequence(attempts)
    assert doomed_event not in receiver.accepted_ids()
    # The counters move when the server has the answer, a moment after the receiver gave it.
    wait_until(lambda: counter(server, "delivered") == 3 and pending(server) == 0, DELIVERY_TIMEOUT,
               f"3 delivered (now {counter(server, 'delivered')}), nothing pending")
    assert counter(server, "dead") == 1 and counter(server, "retried") == 1


# --------------------------------------------------------------------------------------------
# e. A crash loses nothing


CRASH_USERS = 20
# The delivery lease (the longest webhook timeout + 5 s) plus an attempt's timeout and a backoff,
# with room for a loaded machine.
CRASH_TIMEOUT = 120.0


@pytest.mark.timeout(300)
def test_e_events_queued_before_a_sigkill_are_all_delivered_after_restart(server_factory, webhook_receiver):
    receiver = webhook_receiver
    receiver.down()
    first = server_factory(prepare=lambda config: use_receiver(config, receiver, ["user.created"]))
    client = api(first)
    users = dict(create_user(client, f"wh-crash{i}") for i in range(CRASH_USERS))  # API id -> store id
    subjects = set(users.values())
    # All N are in the outbox (fanned out to deliveries), none delivered: nobody is listening.
    wait_until(lambda: pending(first) == CRASH_USERS, RETRY_TIMEOUT,
               f"{CRASH_USERS} deliveries pending (now {pending(first)})")
    assert receiver.all_requests() == [] and counter(first, "delivered") == 0

    first.proc.kill()
    assert first.proc.wait(timeout=10) == -9
    second = server_factory(config_dir=first.config_dir, port=first.port, database=first.database)
    receiver.up()
    # Most come at once. One whose attempt was in flight at the kill stays leased to the dead
    # process until its lease ends (the longest webhook timeout + 5 s after it was claimed).
    receiver.wait_for(lambda: {d.subject_id for d in receiver.accepted_deliveries()} >= subjects, CRASH_TIMEOUT,
                      f"all {CRASH_USERS} events after the restart")
    wait_until(lambda: pending(second) == 0, DELIVERY_TIMEOUT, "nothing pending after the restart")

    accepted = receiver.accepted_deliveries()
    # None lost, none invented: one event per user, every one a user.created of one of ours.
    assert len(accepted) == CRASH_USERS, receiver.describe()
    assert {d.subject_id for d in accepted} == subjects
    assert all(d.event_type == "user.created" and d.signature_valid for d in accepted)
    # And each id is the one the store recorded for that user's creation.
    client = api(second)
    by_subject = {d.subject_id: d.event_id for d in accepted}
    for user_id, subject in users.items():
        assert by_subject[subject] == create_log_id(client, user_id), user_id
    # Every request that reached the receiver was one of those events (a re-send is allowed).
    assert {d.event_id for d in receiver.all_requests()} == set(by_subject.values())
    print(f"\ncrash test: {len(receiver.all_requests())} requests, {len(accepted)} events, "
          f"{receiver.duplicates} duplicates, attempts {sorted(d.attempt for d in accepted)}")
