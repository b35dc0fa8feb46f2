"""Process lifecycle of `portcullis serve`: clean shutdown on signals, clear startup failures."""

from __future__ import annotations

import signal
import socket
import time

import pytest

from portcullis_testkit import CRASH_MARKERS

STARTUP_FAILURE_TIMEOUT = 20.0


def assert_clean_failure(server, returncode: int) -> list[str]:
    """A startup failure exits non-zero (not by a signal) with a readable message, no crash dump."""
    log = server.log_text()
    assert returncode > 0, f"exit code {returncode} (negative = killed by a signal):\n{log}"
    for marker in CRASH_MARKERS:
        assert marker not in log, f"startup failure looks like a crash ({marker!r}):\n{log}"
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines, "no error message on stderr"
    return lines


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_with_exit_0(server_factory, sig):
    server = server_factory()
    assert server.get("/healthz").status_code == 200

    started = time.monotonic()
    server.signal(sig)
    returncode = server.wait_exit(timeout=10)

    assert returncode == 0, server.log_tail()
    assert time.monotonic() - started < 10
    # The listener is gone once the process has exited.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", server.port)) != 0


def test_unwritable_database_fails_clearly(server_factory):
    server = server_factory(start=False, database="/proc/forbidden/db.sqlite")
    server.start(wait=False)

    returncode = server.wait_exit(timeout=STARTUP_FAILURE_TIMEOUT)

    lines = assert_clean_failure(server, returncode)
    assert any("/proc/forbidden/db.sqlite" in line for line in lines), "\n".join(lines)


def test_invalid_config_at_startup_fails_and_lists_issues(server_factory):
    def break_config(config):
        with open(config / "tenants/acme.yaml", "a") as f:
            f.write("typo_key: 1\n")
        with open(config / "tenants/globex.yaml", "a") as f:
            f.write("other_typo: 2\n")

    server = server_factory(start=False, prepare=break_config)
    server.start(wait=False)

    returncode = server.wait_exit(timeout=STARTUP_FAILURE_TIMEOUT)

    lines = assert_clean_failure(server, returncode)
    log = "\n".join(lines)
    assert "acme.yaml" in log and "typo_key" in log, log
    assert "globex.yaml" in log and "other_typo" in log, log


def test_port_in_use_fails_clearly(server_factory):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        server = server_factory(start=False, port=port)
        server.start(wait=False)

        returncode = server.wait_exit(timeout=STARTUP_FAILURE_TIMEOUT)

    assert_clean_failure(server, returncode)
