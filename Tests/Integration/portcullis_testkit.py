"""Helpers for the integration tests: config copies, a running-server handle, metrics parsing.

Fixtures that use these live in conftest.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import requests
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = REPO_ROOT / "config"
EXAMPLE_SECRETS = REPO_ROOT / "secrets.example.yaml"
EXAMPLE_HOSTPORT = "127.0.0.1:8080"

# Markers of a crash or an uncaught error rather than a handled one. A handled error is one line
# (or a list of issues), never a runtime trap or a stack dump.
CRASH_MARKERS = (
    "Fatal error",
    "Stack dump",
    "Current stack trace",
    "Backtrace",
    "Program crashed",
    "💣",
    "Traceback",
)

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


@dataclass
class CommandResult:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def assert_no_crash(result: CommandResult) -> None:
    # A negative code means a signal (SIGILL from a Swift trap, SIGSEGV, SIGABRT): always a crash.
    assert result.returncode >= 0, f"killed by signal {-result.returncode}:\n{result.output}"
    for marker in CRASH_MARKERS:
        assert marker not in result.output, f"output looks like a crash ({marker!r}):\n{result.output}"


# --------------------------------------------------------------------------------------------
# Processes


def stop_process(proc: subprocess.Popen | None, first_signal: int = signal.SIGTERM,
                 timeout: float = STOP_TIMEOUT) -> None:
    """Stops a child whatever state it is in: `first_signal`, then SIGKILL after `timeout`."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, first_signal)
        proc.wait(timeout=timeout)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=timeout)


def file_tail(path: Path, lines: int) -> str:
    """The last `lines` lines of a log file, or "" if it does not exist yet."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


# --------------------------------------------------------------------------------------------
# Config copies


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_config(dest: Path, port: int | None = None) -> Path:
    """Copies config/ to dest and, if port is given, moves every 127.0.0.1:8080 to that port."""
    shutil.copytree(EXAMPLE_CONFIG, dest)
    if port is not None:
        for path in dest.rglob("*.yaml"):
            text = path.read_text()
            path.write_text(text.replace(EXAMPLE_HOSTPORT, f"127.0.0.1:{port}"))
    return dest


def write_atomically(path: Path, text: str) -> None:
    """Writes like an editor's rename-on-save, so a concurrent reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text())


def dump_yaml(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    """Loads a YAML file, lets `change` mutate it, and writes it back atomically."""
    data = load_yaml(path)
    change(data)
    write_atomically(path, dump_yaml(data))


def set_reload(config_dir: Path, *, watch: bool, poll_interval: str | None = None) -> None:
    """Sets reload.watch (and reload.poll_interval) in config_dir/portcullis.yaml."""

    def change(data: dict) -> None:
        reload = data.setdefault("reload", {})
        reload["watch"] = watch
        if poll_interval is not None:
            reload["poll_interval"] = poll_interval

    edit_yaml(config_dir / "portcullis.yaml", change)


# --------------------------------------------------------------------------------------------
# Metrics

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> list[tuple[str, dict[str, str], float]]:
    """Parses Prometheus text exposition into (name, labels, value) samples."""
    samples = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        labels = dict(_LABEL.findall(m.group(3) or ""))
        samples.append((m.group(1), labels, float(m.group(4))))
    return samples


# --------------------------------------------------------------------------------------------
# Servers


@dataclass
class Server:
    """One running `portcullis serve` process on 127.0.0.1:port."""

    binary: Path
    workdir: Path
    config_dir: Path
    port: int
    secrets: Path = EXAMPLE_SECRETS
    database: Path | None = None
    extra_args: list[str] = field(default_factory=list)
    proc: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.database = self.database or self.workdir / "db.sqlite"
        self.log_path = self.workdir / "server.log"
        self.session = requests.Session()

    # -- lifecycle --

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            str(self.binary), "serve",
            "--config", str(self.config_dir),
            "--secrets", str(self.secrets),
            "--listen", f"127.0.0.1:{self.port}",
            "--database", str(self.database),
            *self.extra_args,
        ]

    def start(self, wait: bool = True) -> "Server":
        # The server runs in its own directory, as an installation would, with the shipped page
        # templates beside it (server.templates_directory defaults to ./Templates).
        templates = self.workdir / "Templates"
        if not templates.exists():
            templates.symlink_to(REPO_ROOT / "Templates", target_is_directory=True)
        self._log = open(self.log_path, "ab")
        # Own session: signals we send reach only this process, and it cannot signal pytest.
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.proc.returncode} during startup:\n{self.log_tail()}"
                )
            try:
                if requests.get(self.url("/healthz"), timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server not healthy after {timeout}s:\n{self.log_tail()}")

    def signal(self, sig: int) -> None:
        assert self.proc is not None and self.proc.poll() is None, "server is not running"
        os.kill(self.proc.pid, sig)

    def hup(self) -> None:
        self.signal(signal.SIGHUP)

    def wait_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        """Stops the process whatever state it is in: SIGTERM, then SIGKILL after a grace period."""
        stop_process(self.proc)
        self.session.close()
        if getattr(self, "_log", None):
            self._log.close()

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # -- HTTP --

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 5)
        return self.session.get(self.url(path), **kwargs)

    def discovery(self, tenant: str) -> requests.Response:
        return self.get(f"/{tenant}/.well-known/openid-configuration")

    def jwks(self, tenant: str) -> requests.Response:
        return self.get(f"/{tenant}/.well-known/jwks.json")

    def jwks_kids(self, tenant: str) -> set[str]:
        response = self.jwks(tenant)
        assert response.status_code == 200, response.text
        return {key["kid"] for key in response.json()["keys"]}

    # -- metrics --

    def metrics(self) -> list[tuple[str, dict[str, str], float]]:
        response = self.get("/metrics")
        assert response.status_code == 200, response.text
        return parse_metrics(response.text)

    def metric(self, name: str, **labels: str) -> float | None:
        """Sum of all samples of `name` whose labels include `labels`; None if there is none."""
        values = [
            value
            for sample_name, sample_labels, value in self.metrics()
            if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items())
        ]
        return sum(values) if values else None

    def reload_counters(self) -> tuple[float, float, float]:
        """(generation, successful reloads, failed reloads)."""
        samples = self.metrics()

        def value(name: str) -> float:
            found = [v for n, _, v in samples if n == name]
            return sum(found) if found else 0.0

        return (
            value("portcullis_config_generation"),
            value("portcullis_config_reloads_total"),
            value("portcullis_config_reload_failures_total"),
        )

    def wait_for_reload(self, before: tuple[float, float, float], timeout: float = 10.0) -> str:
        """Waits until a reload attempt after `before` finished; returns "ok" or "failed"."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, ok, failed = self.reload_counters()
            if ok > before[1]:
                return "ok"
            if failed > before[2]:
                return "failed"
            time.sleep(0.05)
        raise AssertionError(
            f"no reload finished within {timeout}s (counters before: {before}, "
            f"now: {self.reload_counters()}):\n{self.log_tail()}"
        )


def wait_until(predicate: Callable[[], bool], timeout: float, message: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s: {message}")


def json_body(response: requests.Response):
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    return json.loads(response.text)


@contextmanager
def page_server(portcullis_bin: Path, workdir: Path, request,
                prepare=None, extra_log=None) -> Iterator[Server]:
    """A server on a free port for a whole test module; its log (and `extra_log()`) is printed if a
    test failed. `prepare(config_dir)` may change the configuration copy before the server starts."""
    port = free_port()
    config_dir = copy_config(workdir / "config", port)
    set_reload(config_dir, watch=False)
    if prepare is not None:
        prepare(config_dir)
    server = Server(portcullis_bin, workdir, config_dir, port)
    failures_before = request.session.testsfailed
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if request.session.testsfailed > failures_before:
            print(f"\n--- server log ({server.log_path}) ---\n{server.log_tail(80)}")
            if extra_log is not None:
                print(extra_log())


class Admin:
    """Runs administrative portcullis commands (users, roles, orgs, permissions) on one config copy
    and one database."""

    def __init__(self, binary: Path, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.config_dir = copy_config(workdir / "config")
        self.database = workdir / "db.sqlite"

    @classmethod
    def with_example_users(cls, binary: Path, workdir: Path) -> Admin:
        """ann@ and bob@example.com in acme, gina@example.com in globex."""
        admin = cls(binary, workdir)
        admin.import_users("ann@example.com", "bob@example.com")
        admin.import_users("gina@example.com", tenant="globex")
        return admin

    def run(self, group: str, subcommand: str, *args: str, tenant: str = "acme") -> CommandResult:
        proc = subprocess.run(
            [
                str(self.binary), group, subcommand,
                "--config", str(self.config_dir),
                "--secrets", str(EXAMPLE_SECRETS),
                "--database", str(self.database),
                "--tenant", tenant,
                *args,
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.workdir,
        )
        result = CommandResult(proc.returncode, proc.stdout, proc.stderr)
        assert_no_crash(result)
        return result

    def ok(self, group: str, subcommand: str, *args: str, tenant: str = "acme") -> list[str]:
        result = self.run(group, subcommand, *args, tenant=tenant)
        assert result.returncode == 0, result.output
        assert "error" not in result.stderr, result.output
        return result.stdout.splitlines()

    def fails(self, group: str, subcommand: str, *args: str, tenant: str = "acme") -> str:
        """Runs a command that must fail with exit code 1 and one `error:` line; returns that line."""
        result = self.run(group, subcommand, *args, tenant=tenant)
        assert result.returncode == 1, result.output
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, result.output
        return errors[0]

    def import_users(self, *emails: str, tenant: str = "acme") -> None:
        path = self.workdir / f"users-{uuid.uuid4().hex[:8]}.jsonl"
        path.write_text("".join(json.dumps({"email": email, "email_verified": True}) + "\n" for email in emails))
        result = self.run("users", "import", str(path), tenant=tenant)
        assert result.returncode == 0, result.output

    def user_id(self, email: str, tenant: str = "acme") -> str:
        for line in self.ok("users", "export", tenant=tenant):
            user = json.loads(line)
            if user["email"] == email:
                return user["user_id"]
        raise AssertionError(f"{email} not exported")
