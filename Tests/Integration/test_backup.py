"""`portcullis backup` against a running server under write load, and the documented restore.

A second process (this test, through Python's sqlite3) appends audit events to the server's
database while `portcullis backup` copies it, the way a busy server would write. Each copy must
pass SQLite's integrity check, hold exactly the rows its report names, and be one committed state:
the writer's events in it are numbered 0..n-1 without gaps. Restoring is stop, copy, start.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from portcullis_testkit import edit_yaml, wait_until

WRITER_TYPE = "backup.load"


class AuditWriter(threading.Thread):
    """Appends numbered audit events to the database in separate transactions until stopped."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.committed = 0
        self.error: BaseException | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        try:
            connection = sqlite3.connect(self.database, timeout=10, isolation_level=None)
            try:
                while not self._stopping.is_set():
                    connection.execute(
                        "INSERT INTO audit_events (id, tenant_id, type, occurred_at, actor, details_json) "
                        "VALUES (?, 'acme', ?, ?, 'backup-test', ?)",
                        (f"evt_backup_{self.committed:08d}", WRITER_TYPE, int(time.time() * 1000),
                         json.dumps({"seq": str(self.committed)})),
                    )
                    self.committed += 1
            finally:
                connection.close()
        except BaseException as error:  # reported by stop(), in the test's thread
            self.error = error

    def stop(self) -> int:
        self._stopping.set()
        self.join(timeout=30)
        assert self.error is None, f"writer failed: {self.error!r}"
        return self.committed


def query(database: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def sequence_numbers(database: Path) -> list[int]:
    rows = query(database, f"SELECT json_extract(details_json, '$.seq') FROM audit_events WHERE type = '{WRITER_TYPE}'")
    return sorted(int(seq) for (seq,) in rows)


def backup_cli(run_cli, server, target: Path, *extra: str):
    return run_cli("backup", "--config", str(server.config_dir), "--secrets", str(server.secrets),
                   "--to", str(target), "--format", "json", *extra)


@pytest.fixture
def loaded_server(server_factory):
    """A running server whose config names its database, so `backup` finds it from the config."""
    holder = {}

    def point_storage_at_database(config_dir: Path) -> None:
        database = config_dir.parent / "db.sqlite"
        holder["database"] = database

        def change(data: dict) -> None:
            data.setdefault("storage", {}).setdefault("sqlite", {})["path"] = str(database)

        edit_yaml(config_dir / "portcullis.yaml", change)

    server = server_factory(prepare=point_storage_at_database)
    assert server.database == holder["database"]
    return server


def test_backups_under_write_load_are_consistent(loaded_server, run_cli, tmp_path: Path) -> None:
    server = loaded_server
    writer = AuditWriter(server.database)
    writer.start()
    try:
        wait_until(lambda: writer.committed >= 200 or writer.error is not None, timeout=30,
                   message="the writer did not get going")
        reports = []
        for index in range(3):
            target = tmp_path / "backups" / f"portcullis-{index}.sqlite"
            # No --database: the path comes from storage.sqlite.path, as `serve` reads it.
            result = backup_cli(run_cli, server, target)
            assert result.returncode == 0, result.output
            reports.append(json.loads(result.stdout))
            assert server.get("/readyz").status_code == 200
        committed = writer.stop()
    finally:
        writer.stop()

    counts = []
    for report in reports:
        copy = Path(report["path"])
        assert report["integrity"] == "ok" and report["schema_version"].startswith("v")
        assert report["database"] == str(server.database)
        assert query(copy, "PRAGMA integrity_check") == [("ok",)]
        assert query(copy, "PRAGMA journal_mode") == [("delete",)]
        events = query(copy, "SELECT count(*) FROM audit_events")[0][0]
        assert events == report["row_counts"]["audit_events"]
        for table, rows in report["row_counts"].items():
            assert query(copy, f'SELECT count(*) FROM "{table}"')[0][0] == rows, table
        numbers = sequence_numbers(copy)
        assert numbers == list(range(len(numbers))), f"{copy} is not one committed state"
        assert copy.stat().st_mode & 0o077 == 0, "backups hold secrets: owner-only"
        counts.append(len(numbers))
    # Taken while the writer ran: each copy holds more than the last, none holds everything.
    assert counts == sorted(counts) and counts[0] >= 200 and counts[-1] < committed
    assert server.is_running()


def test_restore_is_stop_copy_start(loaded_server, server_factory, run_cli, tmp_path: Path) -> None:
    server = loaded_server
    writer = AuditWriter(server.database)
    writer.start()
    wait_until(lambda: writer.committed >= 100 or writer.error is not None, timeout=30,
               message="the writer did not get going")
    backup = tmp_path / "portcullis-backup.sqlite"
    result = backup_cli(run_cli, server, backup)
    writer.stop()
    assert result.returncode == 0, result.output
    expected = json.loads(result.stdout)["row_counts"]
    kids_before = server.jwks_kids("acme")

    # Restore: stop, replace the database (its -wal and -shm belong to the old file), start.
    server.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{server.database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, server.database)
    restored = server_factory(config_dir=server.config_dir, database=server.database, port=server.port)
    assert restored.get("/readyz").json()["status"] == "ready"
    assert restored.jwks_kids("acme") == kids_before
    restored.stop()
    assert query(server.database, "SELECT count(*) FROM audit_events")[0][0] == expected["audit_events"]
    assert query(server.database, "PRAGMA integrity_check") == [("ok",)]


def test_a_database_from_a_newer_version_is_refused(loaded_server, server_factory, run_cli, tmp_path: Path) -> None:
    # Restoring onto an older Portcullis than the one that wrote the backup must not start.
    backup = tmp_path / "newer.sqlite"
    assert backup_cli(run_cli, loaded_server, backup).returncode == 0
    connection = sqlite3.connect(backup, isolation_level=None)
    connection.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v999_from_the_future')")
    connection.close()
    loaded_server.stop()
    newer = server_factory(start=False, config_dir=loaded_server.config_dir, database=backup)
    newer.start(wait=False)
    assert newer.wait_exit(timeout=20) != 0
    assert "migrated by a newer version of Portcullis" in newer.log_text()
    assert "v999_from_the_future" in newer.log_text()


def test_existing_backups_are_kept_unless_forced(loaded_server, run_cli, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite"
    target.write_text("an older backup")
    result = backup_cli(run_cli, loaded_server, target)
    assert result.returncode == 1
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert target.read_text() == "an older backup"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary file left"

    result = backup_cli(run_cli, loaded_server, target, "--force")
    assert result.returncode == 0, result.output
    assert query(target, "PRAGMA integrity_check") == [("ok",)]


def test_refusals_are_one_clear_line(loaded_server, run_cli, tmp_path: Path) -> None:
    database = str(loaded_server.database)
    cases = [
        (["--database", str(tmp_path / "absent.sqlite")], "no database at"),
        (["--database", database, "--force"], "is the database itself"),
    ]
    for extra, message in cases:
        target = database if "--force" in extra else str(tmp_path / "out.sqlite")
        result = run_cli("backup", "--config", str(loaded_server.config_dir), "--secrets",
                         str(loaded_server.secrets), "--to", target, *extra)
        assert result.returncode == 1, result.output
        assert message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
    assert loaded_server.get("/readyz").status_code == 200


def test_text_output_names_the_tables(loaded_server, run_cli, tmp_path: Path) -> None:
    result = run_cli("backup", "--config", str(loaded_server.config_dir), "--secrets", str(loaded_server.secrets),
                     "--to", str(tmp_path / "b.sqlite"))
    assert result.returncode == 0, result.output
    assert "integrity: ok" in result.stdout
    assert "audit_events:" in result.stdout and "signing_keys:" in result.stdout
