"""Small HTTP applications on 127.0.0.1 for the tests: relying parties, service providers, hook and
webhook endpoints, signers, upstreams behind nginx.

`LoopbackApp` runs one on a free loopback port in a background thread and always stops it: `stop()`
ends the accept loop, closes the listening socket and drops connections still open (keep-alive
clients would otherwise hold a handler thread), and the app can `start()` again on the same port.
An app is either a function of a `Request` giving a `Reply` (`LoopbackApp(handle)`), or, where a
test needs the raw connection, its own `BaseHTTPRequestHandler` class (`LoopbackApp(handler=...)`,
reaching the object that owns it as `self.server.owner`).
"""

from __future__ import annotations

import html
import json
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from portcullis_testkit import free_port

# Largest request body an app reads; anything a test sends is far smaller.
MAX_BODY = 4 * 1024 * 1024


@dataclass
class Request:
    """One request as an app sees it: header names lower-cased, query and form fields first-valued."""

    method: str
    target: str  # the request target as sent: path and query
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def raw_query(self) -> str:
        return urlsplit(self.target).query

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.raw_query, keep_blank_values=True).items()}

    @property
    def form(self) -> dict[str, str]:
        """The urlencoded body's fields."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()}

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Reply:
    """What an app answers: `body` as bytes, text, or anything else as JSON (None: empty)."""

    status: int = 200
    body: Any = None
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def page(heading: str, lead: str = "", *, title: str | None = None, extra_html: str = "") -> Reply:
    """An HTML page with h1#heading and p.lead, like the hosted pages, so `browser.submit` and the
    page helpers wait for and read it the same way."""
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title or heading)}</title>'
            f'</head><body><h1 id="heading">{html.escape(heading)}</h1><p class="lead">{html.escape(lead)}</p>'
            f"{extra_html}</body></html>")
    return Reply(200, body, "text/html; charset=utf-8")


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, None, headers={"Location": location})


def send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    """Writes `reply` on the handler's connection (no body for HEAD)."""
    payload = reply.payload()
    handler.send_response(reply.status)
    handler.send_header("Content-Type", reply.content_type)
    handler.send_header("Content-Length", str(len(payload)))
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)


def read_request(handler: BaseHTTPRequestHandler) -> Request | None:
    """The request on the handler's connection; None (and a 413 sent) when its body is too large."""
    length = int(handler.headers.get("Content-Length") or 0)
    if length < 0 or length > MAX_BODY:
        handler.close_connection = True
        send(handler, Reply(413, "too large"))
        return None
    body = handler.rfile.read(length) if length else b""
    headers = {name.lower(): value for name, value in handler.headers.items()}
    return Request(handler.command, handler.path, headers, body)


class FunctionHandler(BaseHTTPRequestHandler):
    """Hands every request to the app's function and writes what it returns."""

    server: "LoopbackServer"

    def _handle(self) -> None:
        request = read_request(self)
        if request is not None:
            send(self, self.server.app.function(request))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle  # noqa: N815 (http.server's naming)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: tests keep their own record
        pass


class KeepAliveHandler(FunctionHandler):
    """HTTP/1.1 keep-alive, for clients that pool connections (nginx upstreams, the server's hook
    and webhook clients); stop() drops the connections still open."""

    protocol_version = "HTTP/1.1"


class LoopbackServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its app (and the app's owner) and its open connections."""

    daemon_threads = True
    allow_reuse_address = True  # start() after stop() binds the same port again at once

    def __init__(self, app: "LoopbackApp") -> None:
        self.app = app
        self.owner = app.owner
        self.connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", app.port), app.handler)

    def get_request(self):
        conn, addr = super().get_request()
        # http.server writes the status line and headers, then the body, in two sends: with Nagle's
        # algorithm on, the body waits for the client's delayed ACK of the headers (~40 ms on Linux).
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self.connections.add(conn)
        return conn, addr

    def shutdown_request(self, request) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections, self.connections = list(self.connections), set()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        # A connection dropped by stop() (or by the client) is not an error worth a traceback.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class LoopbackApp:
    """An HTTP app on 127.0.0.1:`port` (a free one unless given), served by a background thread.
    `owner` is what a handler class reaches as `self.server.owner` (default: this app)."""

    def __init__(self, function: Callable[[Request], Reply] | None = None, *,
                 handler: type[BaseHTTPRequestHandler] = FunctionHandler, port: int | None = None,
                 name: str = "loopback-app", owner: Any = None) -> None:
        if function is None and handler is FunctionHandler:
            raise ValueError("give a function or a handler class")
        self.function = function
        self.handler = handler
        self.owner = self if owner is None else owner
        self.port = port or free_port()
        self.name = name
        self._lock = threading.Lock()
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def listening(self) -> bool:
        with self._lock:
            return self._server is not None

    def start(self) -> "LoopbackApp":
        """Listens (again) on the same port; does nothing if already listening."""
        with self._lock:
            if self._server is not None:
                return self
            server = LoopbackServer(self)
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"{self.name}-{self.port}", daemon=True)
            self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stops listening and drops every open connection; does nothing if not listening."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()  # ends serve_forever
        server.server_close()  # closes the listening socket
        server.drop_connections()
        thread.join(timeout=10)

    def __enter__(self) -> "LoopbackApp":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


@contextmanager
def running(app):
    """Starts anything with start()/stop() and always stops it."""
    app.start()
    try:
        yield app
    finally:
        app.stop()

