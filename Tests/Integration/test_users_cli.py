"""`portcullis users create|import|export` against a real database, checked by logging in over HTTP.

Users are written by the CLI into a server's own database file while it runs (SQLite, WAL), then
used through the real login form with `requests`: CSRF field from the page, cookie, POST.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests

from portcullis_testkit import CommandResult, Server, assert_no_crash, page_server

SESSION_COOKIE = "portcullis_session"
PASSWORD = "correct horse battery staple"

# A bcrypt hash (cost 10) of BCRYPT_PASSWORD, made with libxcrypt (Python's crypt module) and checked
# against it; Auth0 exports carry hashes like this one.
BCRYPT_PASSWORD = "imported via bcrypt 2024"
BCRYPT_HASH = "$2b$10$KW5Adi5cKI6TMVLLnh.khukp.jFasyomRDXfCkSFEiMw7VVLgUX8q"


@pytest.fixture(scope="module")
def server(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("users-cli")
    with page_server(portcullis_bin, workdir, request) as server:
        yield server


def users(portcullis_bin: Path, server: Server, *args: str, stdin: str | None = None) -> CommandResult:
    """Runs `portcullis users SUBCOMMAND ... ` on the server's config, secrets and database."""
    subcommand, *rest = args
    proc = subprocess.run(
        [
            str(portcullis_bin), "users", subcommand,
            "--config", str(server.config_dir),
            "--secrets", str(server.secrets),
            "--database", str(server.database),
            "--tenant", "acme",
            *rest,
        ],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=server.workdir,
    )
    result = CommandResult(proc.returncode, proc.stdout, proc.stderr)
    assert_no_crash(result)
    return result


def export(portcullis_bin: Path, server: Server) -> list[dict]:
    result = users(portcullis_bin, server, "export")
    assert result.returncode == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def exported(portcullis_bin: Path, server: Server, email: str) -> dict:
    found = [user for user in export(portcullis_bin, server) if user["email"] == email]
    assert len(found) == 1, f"{email}: {len(found)} users in the export"
    return found[0]


def http_login(server: Server, email: str, password: str) -> requests.Response:
    """The login form over plain HTTP: GET for the CSRF field and cookie, then POST."""
    session = requests.Session()
    page = session.get(server.url("/acme/u/login"), timeout=10)
    assert page.status_code == 200, page.text
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    assert session.cookies.get("portcullis_csrf"), page.headers
    return session.post(
        server.url("/acme/u/login"),
        data={"csrf_token": match.group(1), "username": email, "password": password},
        timeout=30,
    )


def assert_logs_in(server: Server, email: str, password: str) -> None:
    response = http_login(server, email, password)
    assert response.status_code == 200, response.text
    assert response.cookies.get(SESSION_COOKIE), f"no session cookie: {response.headers}"
    assert "You are logged in" in response.text


def assert_refused(server: Server, email: str, password: str) -> None:
    response = http_login(server, email, password)
    assert "Wrong email or password." in response.text
    assert not response.cookies.get(SESSION_COOKIE)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


# --------------------------------------------------------------------------------------------
# create


def test_created_user_logs_in_over_http(portcullis_bin, server):
    email = unique("created")
    result = users(portcullis_bin, server, "create", "--email", email, "--name", "Created User",
                   "--password-stdin", "--verified", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.output
    user_id = result.stdout.strip()
    assert user_id, result.output

    assert_logs_in(server, email, PASSWORD)
    assert_refused(server, email, PASSWORD + "x")

    user = exported(portcullis_bin, server, email)
    assert user["user_id"].endswith(user_id) or user_id.endswith(user["user_id"]), (user, user_id)
    assert user["email_verified"] is True
    assert user["name"] == "Created User"


def test_create_without_password_stdin_fails_clearly(portcullis_bin, server):
    email = unique("no-password")
    result = users(portcullis_bin, server, "create", "--email", email, stdin=PASSWORD + "\n")
    assert result.returncode != 0, result.output
    assert "--password-stdin" in result.stderr, result.output
    # Nothing was created.
    assert all(user["email"] != email for user in export(portcullis_bin, server))


# --------------------------------------------------------------------------------------------
# import and export


def argon2id_hash_of(portcullis_bin: Path, server: Server, password: str) -> str:
    """An argon2id hash made by Portcullis itself: create a throw-away user and export it."""
    email = unique("hash-source")
    result = users(portcullis_bin, server, "create", "--email", email, "--password-stdin", stdin=password + "\n")
    assert result.returncode == 0, result.output
    value = exported(portcullis_bin, server, email)["password_hash"]
    assert value.startswith("$argon2id$"), value
    return value


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_import_skips_bad_lines_imports_the_rest_and_is_idempotent(portcullis_bin, server, tmp_path):
    bcrypt_user = unique("import-bcrypt")
    argon_user = unique("import-argon2")
    plain_user = unique("import-nohash")
    argon_password = "an argon2id password 77"
    argon_hash = argon2id_hash_of(portcullis_bin, server, argon_password)

    good = [
        json.dumps({
            "email": bcrypt_user, "email_verified": True, "name": "Bea Crypt",
            "given_name": "Bea", "family_name": "Crypt",
            "app_metadata": {"plan": "gold"}, "user_metadata": {"theme": "dark"},
            "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": BCRYPT_HASH}},
        }),
        json.dumps({"email": argon_user, "email_verified": False, "name": "Ari Gon", "password_hash": argon_hash}),
        json.dumps({"email": plain_user, "name": "No Hash", "blocked": False}),
    ]
    bad_json = '{"email": "broken@example.com", "name": '
    bad_algorithm = json.dumps({
        "email": unique("import-md5"),
        "custom_password_hash": {"algorithm": "md5", "hash": {"value": "5f4dcc3b5aa765d61d8327deb882cf99"}},
    })
    # Lines 1, 3, 5 are good; 2 and 4 are bad.
    path = write_lines(tmp_path / "users.jsonl", [good[0], bad_json, good[1], bad_algorithm, good[2]])

    count_before = len(export(portcullis_bin, server))
    result = users(portcullis_bin, server, "import", str(path))
    assert result.returncode == 2, result.output
    skipped = [line for line in result.stderr.splitlines() if ": skipped: " in line]
    assert [line.split(": skipped")[0] for line in skipped] == [f"{path}:2", f"{path}:4"], result.stderr
    for line in skipped:
        assert re.match(rf"^{re.escape(str(path))}:\d+: skipped: \S", line), line
    assert "3 created, 0 updated, 2 skipped" in result.output, result.output

    after_first = export(portcullis_bin, server)
    assert len(after_first) == count_before + 3
    emails = [user["email"] for user in after_first]
    for email in (bcrypt_user, argon_user, plain_user):
        assert emails.count(email) == 1, email
    imported = {user["email"]: user for user in after_first}
    assert imported[bcrypt_user]["name"] == "Bea Crypt"
    assert imported[bcrypt_user]["email_verified"] is True
    assert imported[bcrypt_user]["app_metadata"] == {"plan": "gold"}
    assert imported[bcrypt_user]["user_metadata"] == {"theme": "dark"}
    assert imported[argon_user]["email_verified"] is False

    # Again: the same users, updated in place, and the same report.
    again = users(portcullis_bin, server, "import", str(path))
    assert again.returncode == 2, again.output
    assert "0 created, 3 updated, 2 skipped" in again.output, again.output
    after_second = export(portcullis_bin, server)
    assert len(after_second) == len(after_first)
    assert {u["email"]: u["user_id"] for u in after_second} == {u["email"]: u["user_id"] for u in after_first}

    # A changed line updates the user it names.
    renamed = json.loads(good[2]) | {"name": "Has A Name Now"}
    users(portcullis_bin, server, "import", str(write_lines(tmp_path / "rename.jsonl", [json.dumps(renamed)])))
    assert exported(portcullis_bin, server, plain_user)["name"] == "Has A Name Now"
    assert len(export(portcullis_bin, server)) == len(after_first)

    # The imported argon2id hash works as it is.
    assert_logs_in(server, argon_user, argon_password)


def test_bcrypt_import_logs_in_and_is_upgraded_to_argon2id(portcullis_bin, server, tmp_path):
    email = unique("bcrypt-upgrade")
    line = json.dumps({
        "email": email, "email_verified": True,
        "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": BCRYPT_HASH}},
    })
    result = users(portcullis_bin, server, "import", str(write_lines(tmp_path / "bcrypt.jsonl", [line])))
    assert result.returncode == 0, result.output
    assert exported(portcullis_bin, server, email)["password_hash"] == BCRYPT_HASH

    assert_refused(server, email, BCRYPT_PASSWORD + "!")
    assert exported(portcullis_bin, server, email)["password_hash"] == BCRYPT_HASH
    assert_logs_in(server, email, BCRYPT_PASSWORD)

    upgraded = exported(portcullis_bin, server, email)["password_hash"]
    assert upgraded.startswith("$argon2id$"), upgraded
    assert_logs_in(server, email, BCRYPT_PASSWORD)


def test_export_is_json_lines_with_email_and_user_id(portcullis_bin, server):
    users(portcullis_bin, server, "create", "--email", unique("export"), "--password-stdin", stdin=PASSWORD + "\n")
    result = users(portcullis_bin, server, "export")
    assert result.returncode == 0, result.output
    lines = result.stdout.splitlines()
    assert lines, "empty export"
    ids = []
    for number, line in enumerate(lines, 1):
        user = json.loads(line)  # every line is one JSON object
        assert isinstance(user, dict), f"line {number}: {line}"
        assert "@" in user["email"], f"line {number}: {line}"
        assert user["user_id"], f"line {number}: {line}"
        ids.append(user["user_id"])
    assert len(ids) == len(set(ids))
