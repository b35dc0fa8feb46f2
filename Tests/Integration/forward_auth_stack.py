"""The pieces of the forward-auth tests: an upstream echo application and Debian's nginx running
deploy/nginx/forward-auth.conf as the current user, each on its own free loopback port.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from portcullis_testkit import REPO_ROOT, file_tail, free_port, stop_process

NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx" / "forward-auth.conf"
# The addresses in the template, moved to free ports by `nginx_config`.
TEMPLATE_LISTEN = "127.0.0.1:8000"
TEMPLATE_PORTCULLIS = "127.0.0.1:8080"
TEMPLATE_APP = "127.0.0.1:3000"


class EchoHandler(BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON, so tests see what nginx passed on."""

    protocol_version = "HTTP/1.1"  # keep-alive, as nginx's upstream keepalive expects

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet test output
        pass


class EchoApp:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), EchoHandler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "EchoApp":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def nginx_config(prefix: Path, *, listen_port: int, portcullis_port: int, app_port: int,
                 template: Path = NGINX_TEMPLATE) -> Path:
    """Writes PREFIX/nginx.conf around the template: own pid, temp paths and logs, stderr errors."""
    site = template.read_text()
    for old, new in ((TEMPLATE_LISTEN, f"127.0.0.1:{listen_port}"),
                     (TEMPLATE_PORTCULLIS, f"127.0.0.1:{portcullis_port}"),
                     (TEMPLATE_APP, f"127.0.0.1:{app_port}")):
        assert old in site, f"{template} no longer contains {old}"
        site = site.replace(old, new)
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site)
    # As root, nginx's workers would switch to `nobody`; keep them as the user running the tests.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {name}_temp_path {prefix}/tmp/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(f"""{user}daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp_paths}
    include {prefix}/site.conf;
}}
""")
    return prefix / "nginx.conf"


class Nginx:
    def __init__(self, prefix: Path, port: int) -> None:
        self.prefix = prefix
        self.port = port
        self.log_path = prefix / "nginx.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Nginx":
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), "-e", "stderr"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                requests.get(f"http://127.0.0.1:{self.port}/", timeout=1, allow_redirects=False)
                return self
            except requests.RequestException:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not answer within 15s:\n{self.log_tail()}")

    def stop(self) -> None:
        # SIGQUIT: graceful stop of master and workers.
        stop_process(self.proc, signal.SIGQUIT)
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        return file_tail(self.log_path, lines)
