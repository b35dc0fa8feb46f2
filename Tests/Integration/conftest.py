"""Shared fixtures for the integration tests.

These tests drive the real `portcullis` binary over loopback. They never build it: scripts/test.sh
builds once and passes the path in PORTCULLIS_BIN (default: .build/debug/portcullis).

Routing uses the issuer's host:port, so every server gets its own copy of config/ in which
`127.0.0.1:8080` is replaced by `127.0.0.1:<free port>` (see portcullis_testkit.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

from portcullis_testkit import (
    REPO_ROOT,
    CommandResult,
    Server,
    copy_config,
    free_port,
    set_reload,
)


@pytest.fixture(scope="session")
def portcullis_bin() -> Path:
    path = Path(os.environ.get("PORTCULLIS_BIN", REPO_ROOT / ".build" / "debug" / "portcullis"))
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"portcullis binary not found at {path}; build it first (scripts/test.sh does) "
            "or point PORTCULLIS_BIN at it",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def run_cli(portcullis_bin: Path) -> Callable[..., CommandResult]:
    """Runs a short-lived portcullis command (check-config, version, ...) and returns its result."""

    def run(*args: str, cwd: Path | str = REPO_ROOT, timeout: float = 60) -> CommandResult:
        proc = subprocess.run(
            [str(portcullis_bin), *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return CommandResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def server_factory(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[Callable[..., Server]]:
    """Creates servers on fresh ports and config copies; every one is stopped at teardown.

    make_server(start=True, watch=False, poll_interval=None, prepare=None, **server_kwargs)
    `watch` defaults to False so SIGHUP tests count exactly the reloads they cause; `prepare`
    gets the config copy before start.
    """
    servers: list[Server] = []

    def make_server(
        *,
        start: bool = True,
        watch: bool = False,
        poll_interval: str | None = None,
        prepare: Callable[[Path], None] | None = None,
        config_dir: Path | None = None,
        port: int | None = None,
        **kwargs,
    ) -> Server:
        workdir = tmp_path_factory.mktemp("server")
        port = port or free_port()
        if config_dir is None:
            config_dir = copy_config(workdir / "config", port)
            set_reload(config_dir, watch=watch, poll_interval=poll_interval)
        if prepare is not None:
            prepare(config_dir)
        server = Server(portcullis_bin, workdir, config_dir, port, **kwargs)
        servers.append(server)
        if start:
            server.start()
        return server

    yield make_server

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for server in servers:
        server.stop()
        if failed:
            print(f"\n--- server log ({server.log_path}) ---\n{server.log_tail(80)}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's report on the test item so fixtures can print server logs on failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
