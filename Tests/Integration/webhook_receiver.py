"""A webhook receiver for tests: a threaded `http.server` on 127.0.0.1:<free port> that checks
Portcullis' signatures, records what arrived, and can be told to fail or to be down.

What the server sends (docs/hooks.md): a POST with the event as a JSON body and
`Portcullis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>." + body)>` plus
`Portcullis-Event-Id`, `-Event-Type`, `-Delivery-Id` and `-Delivery-Attempt` (1-based). Any 2xx is
"delivered"; anything else, or no answer at all, is retried later with backoff. Delivery is at least
once, so a receiver deduplicates by the body's `id`; this one does and counts the duplicates.

- `verify_signature(header, body, secret)` is the standalone check a real receiver would run.
- `WebhookReceiver` answers 401 to a request whose signature does not verify, otherwise the status
  set with `respond_with` (200 by default; 2xx accepts the event). A function given to
  `respond_with` may return a `Reply` instead of a status: a body, its content type and a delay
  before answering (for endpoints that answer with JSON, or too slowly, as hooks do). `down()`
  stops listening and drops open connections (as a crashed receiver would); `up()` listens again
  on the same port.
- The `webhook_receiver` fixture (and `running_receiver()`, for wider scopes) yields one for the acme
  example's webhook secret and always stops it; `use_receiver(config_dir, receiver, ...)` points a
  config copy's acme webhook at it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pytest

from oidc_client import example_secret
from portcullis_testkit import edit_yaml, free_port

SIGNATURE_HEADER = "Portcullis-Signature"
# How old (or how far in the future) a signature's timestamp may be: the server's own tolerance.
TOLERANCE = 300
WEBHOOK_NAME = "audit-sink"
WEBHOOK_SECRET_KEY = "acme-webhook-secret"
WEBHOOK_PATH = "/webhook"
# Upper bound for a single request body; the server's payloads are a few hundred bytes.
MAX_BODY = 1024 * 1024


# --------------------------------------------------------------------------------------------
# Signatures


def sign(body: bytes, secret: bytes, timestamp: int | None = None) -> str:
    """A `Portcullis-Signature` value for `body`, as the server computes it (for negative tests)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(header: str, body: bytes, secret: bytes, now: float | None = None,
                     tolerance: float = TOLERANCE) -> bool:
    """Whether `header` (`t=<unix seconds>,v1=<hex>[,v1=<hex>...]`) signs the raw `body` with `secret`.

    The HMAC-SHA256 is over `"<t>." + body`; any one `v1` may match (a sender rotating keys sends
    one per key). The timestamp must lie within `tolerance` seconds of `now` either way, so a
    captured request cannot be replayed later. Codes are compared with `hmac.compare_digest`.
    """
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            continue
        name, value = name.strip(), value.strip()
        if name == "t":
            if not value.isdigit() or timestamp is not None:  # one timestamp, digits only
                return False
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).digest()
    valid = False
    for candidate in candidates:
        try:
            code = bytes.fromhex(candidate)
        except ValueError:
            continue
        # No early exit: every candidate is compared, each in constant time.
        valid |= len(code) == len(expected) and hmac.compare_digest(code, expected)
    return valid


# --------------------------------------------------------------------------------------------
# Recorded requests


@dataclass
class Delivery:
    """One request as it arrived, and how the receiver answered it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    received_at: float  # time.time()
    received_mono: float  # time.monotonic()
    signature_valid: bool
    status: int = 0  # the status answered
    answered_mono: float = 0.0  # time.monotonic() when the answer was written (0: not yet, or never)
    duplicate: bool = False  # accepted, but its event id had been accepted before

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def signature(self) -> str:
        return self.header(SIGNATURE_HEADER) or ""

    @property
    def event_id(self) -> str | None:
        body = self.json
        return body.get("id") if isinstance(body, dict) else None

    @property
    def event_type(self) -> str | None:
        body = self.json
        return body.get("type") if isinstance(body, dict) else None

    @property
    def subject_id(self) -> str | None:
        body = self.json
        subject = body.get("subject") if isinstance(body, dict) else None
        return subject.get("id") if isinstance(subject, dict) else None

    @property
    def attempt(self) -> int:
        return int(self.header("Portcullis-Delivery-Attempt") or 0)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        return (f"{self.event_type} {self.event_id} subject={self.subject_id} attempt={self.attempt} "
                f"-> {self.status}{' (duplicate)' if self.duplicate else ''}")


@dataclass
class Reply:
    """A whole answer, for a `respond_with` function to return instead of a bare status: `body`
    (bytes, text, or anything else as JSON; None for an empty body) with `content_type`, written
    after `delay` seconds. The delay runs outside the receiver's lock, so other requests are
    answered meanwhile; a sender that gave up before it ends finds the connection answered late."""

    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    delay: float = 0.0

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # up() binds the same port again at once

    def __init__(self, address, receiver: "WebhookReceiver") -> None:
        self.receiver = receiver
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:
        # A connection dropped by down() (or by the sender) is not an error worth a traceback.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def get_request(self):
        conn, addr = super().get_request()
        # http.server writes the status line and headers, then the body, in two sends: with Nagle's
        # algorithm on, the body waits for the sender's delayed ACK of the headers (~40 ms on Linux),
        # which would be counted as the receiver's slowness.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.receiver._track(conn)
        return conn, addr

    def shutdown_request(self, request) -> None:
        self.receiver._untrack(request)
        super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, as a real receiver behind a web server would offer: the sender pools connections,
    # so down() has to drop the open ones too.
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.receiver._handle(self)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(405)

    def _answer(self, status: int, text: str | bytes = "", content_type: str = "text/plain; charset=utf-8") -> None:
        payload = text if isinstance(text, bytes) else text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # quiet: the receiver keeps its own record
        pass


class WebhookReceiver:
    """Records signed webhook requests on 127.0.0.1:port and answers them as told.

    Accepted events (answered 2xx) are deduplicated by the body's `id`: `accepted` maps each id to
    the first request accepting it, `duplicates` counts the later ones (answered 200 as well, as an
    idempotent receiver would). Every request, whatever the answer, is in `requests`.
    """

    def __init__(self, secret: bytes, port: int | None = None, path: str = WEBHOOK_PATH,
                 tolerance: float = TOLERANCE) -> None:
        self.secret = secret
        self.port = port or free_port()
        self.path = path
        self.tolerance = tolerance
        self.requests: list[Delivery] = []
        self.accepted: dict[str, Delivery] = {}  # insertion order = order of acceptance
        self.duplicates = 0
        self.bad_signatures = 0
        self._status: int | Callable[[Delivery], int] = 200
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._listening = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    # -- lifecycle --

    def start(self) -> "WebhookReceiver":
        return self.up()

    def up(self) -> "WebhookReceiver":
        """Listens (again) on the same port."""
        with self._lock:
            if self._listening:
                return self
        server = _Server(("127.0.0.1", self.port), self)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"webhook-receiver-{self.port}", daemon=True)
        with self._lock:
            self._server, self._thread, self._listening = server, thread, True
        thread.start()
        return self

    def down(self) -> None:
        """Stops listening and drops every open connection: the sender gets refused connections
        (or a reset on a pooled one) and no answer, as from a receiver that is not running."""
        with self._lock:
            if not self._listening:
                return
            self._listening = False
            server, thread = self._server, self._thread
            connections, self._connections = list(self._connections), set()
        server.shutdown()  # ends serve_forever
        server.server_close()  # closes the listening socket
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        thread.join(timeout=5)

    def stop(self) -> None:
        self.down()

    @property
    def listening(self) -> bool:
        with self._lock:
            return self._listening

    def respond_with(self, status: int | Callable[[Delivery], "int | Reply"]) -> None:
        """How to answer validly signed requests from now on: a status (200 accepts them), or a
        function of the request giving one or a `Reply` (called with the receiver's lock held: keep
        it simple; a `Reply`'s delay runs after the lock is released)."""
        with self._lock:
            self._status = status

    # -- what arrived --

    def events(self, event_type: str | None = None, subject: str | None = None) -> list[dict]:
        """Bodies of the accepted events (each id once), in the order they were accepted."""
        with self._lock:
            deliveries = list(self.accepted.values())
        return [d.json for d in deliveries
                if (event_type is None or d.event_type == event_type) and (subject is None or d.subject_id == subject)]

    def accepted_deliveries(self, event_type: str | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self.accepted.values() if event_type is None or d.event_type == event_type]

    def all_requests(self) -> list[Delivery]:
        with self._lock:
            return list(self.requests)

    def requests_for(self, event_id: str) -> list[Delivery]:
        with self._lock:
            return [d for d in self.requests if d.event_id == event_id]

    def accepted_ids(self) -> set[str]:
        with self._lock:
            return set(self.accepted)

    def wait_for(self, predicate: Callable[[], bool], timeout: float, message: str) -> None:
        """Waits until `predicate()` holds, re-checking whenever a request arrives (and every 0.2 s)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout}s: {message}\nreceived:\n{self.describe()}")
            with self._changed:
                self._changed.wait(min(left, 0.2))

    def wait_for_event(self, event_type: str, timeout: float,
                       where: Callable[[dict], bool] = lambda body: True) -> dict:
        """Waits for an accepted event of `event_type` matching `where`; returns its body."""
        found: list[dict] = []

        def arrived() -> bool:
            found[:] = [body for body in self.events(event_type) if where(body)]
            return bool(found)

        self.wait_for(arrived, timeout, f"no accepted {event_type} event")
        return found[0]

    def describe(self, last: int = 40) -> str:
        with self._lock:
            lines = [d.describe() for d in self.requests[-last:]]
            summary = (f"{len(self.requests)} requests, {len(self.accepted)} accepted ids, "
                       f"{self.duplicates} duplicates, {self.bad_signatures} bad signatures")
        return "\n".join([summary, *lines])

    # -- internals --

    def _track(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)

    def _untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)

    def _handle(self, handler: _Handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            handler.close_connection = True
            handler._answer(413)
            return
        body = handler.rfile.read(length)
        headers = {name.lower(): value for name, value in handler.headers.items()}
        valid = verify_signature(headers.get(SIGNATURE_HEADER.lower(), ""), body, self.secret,
                                 tolerance=self.tolerance)
        delivery = Delivery(handler.command, handler.path, headers, body, time.time(), time.monotonic(), valid)
        reply: Reply | None = None
        with self._changed:
            if not self._listening:
                # Went down while this request was on its way: no answer, nothing recorded.
                handler.close_connection = True
                return
            if handler.path != self.path:
                delivery.status = 404
            elif not valid:
                delivery.status = 401
                self.bad_signatures += 1
            else:
                answer = self._status(delivery) if callable(self._status) else self._status
                if isinstance(answer, Reply):
                    reply, answer = answer, answer.status
                delivery.status = answer
                event_id = delivery.event_id
                if delivery.accepted and event_id is not None:
                    if event_id in self.accepted:
                        delivery.duplicate = True
                        self.duplicates += 1
                    else:
                        self.accepted[event_id] = delivery
            self.requests.append(delivery)
            self._changed.notify_all()
        if reply is None:
            handler._answer(delivery.status, "ok" if delivery.accepted else "no")
        else:
            if reply.delay > 0:
                time.sleep(reply.delay)
            handler._answer(reply.status, reply.payload(), reply.content_type)
        delivery.answered_mono = time.monotonic()


# --------------------------------------------------------------------------------------------
# Config and fixture


def use_receiver(config_dir: Path, receiver: WebhookReceiver, events: Iterable[str],
                 max_attempts: int | None = None, timeout: str | None = None, name: str = WEBHOOK_NAME) -> None:
    """Enables acme's webhook `name` in a config copy, pointed at `receiver`, for `events`."""

    def change(data: dict) -> None:
        for webhook in data["webhooks"]:
            if webhook["name"] == name:
                webhook["url"] = receiver.url
                webhook["events"] = list(events)
                webhook["enabled"] = True
                if max_attempts is not None:
                    webhook["max_attempts"] = max_attempts
                if timeout is not None:
                    webhook["timeout"] = timeout
                return
        raise AssertionError(f"no webhook {name!r} in {config_dir}/tenants/acme.yaml")

    edit_yaml(config_dir / "tenants" / "acme.yaml", change)


def webhook_secret() -> bytes:
    """The acme webhook's key as the server uses it: the secret's UTF-8 bytes."""
    return example_secret(WEBHOOK_SECRET_KEY).encode()


@contextmanager
def running_receiver(secret: bytes | None = None) -> Iterator[WebhookReceiver]:
    """A listening receiver (for the acme webhook's secret unless told) on a free loopback port;
    always stopped."""
    receiver = WebhookReceiver(webhook_secret() if secret is None else secret).start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A listening receiver for the acme webhook's secret on a free loopback port; always stopped."""
    with running_receiver() as receiver:
        yield receiver
