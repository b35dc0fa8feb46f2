"""`portcullis check-config`: exit codes, issue locations, text and JSON output, and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

from portcullis_testkit import EXAMPLE_SECRETS, REPO_ROOT, assert_no_crash, copy_config

ISSUE_LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<column>\d+) (?P<path>\S+): (?P<message>.+)$")


def append_line(path: Path, line: str) -> int:
    """Appends `line` to a YAML file and returns its 1-based line number."""
    text = path.read_text()
    if not text.endswith("\n"):
        text += "\n"
    text += line + "\n"
    path.write_text(text)
    return text.count("\n")


def check(run_cli, cwd: Path, *extra: str, secrets: Path | str = EXAMPLE_SECRETS):
    return run_cli("check-config", "--config", "config", "--secrets", str(secrets), *extra, cwd=cwd)


def issues_of(result) -> list[dict]:
    issues = json.loads(result.stdout)
    assert isinstance(issues, list), result.stdout
    for issue in issues:
        assert set(issue) >= {"file", "line", "column", "path", "message"}, issue
    return issues


def test_example_config_is_valid(run_cli):
    result = run_cli("check-config", "--config", "config", "--secrets", "secrets.example.yaml", cwd=REPO_ROOT)
    assert result.returncode == 0, result.output
    assert_no_crash(result)


def test_example_config_is_valid_as_json(run_cli):
    result = run_cli(
        "check-config", "--config", "config", "--secrets", "secrets.example.yaml", "--format", "json",
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.output
    assert issues_of(result) == []


def test_unknown_key_names_file_and_line(run_cli, tmp_path):
    copy_config(tmp_path / "config")
    line = append_line(tmp_path / "config/tenants/acme.yaml", "typo_key: 1")

    result = check(run_cli, tmp_path)

    assert result.returncode == 1, result.output
    assert_no_crash(result)
    matches = [m for m in map(ISSUE_LINE.match, result.stdout.splitlines()) if m]
    assert matches, f"no FILE:LINE:COLUMN PATH: message line in stdout:\n{result.output}"
    typo = [m for m in matches if m["path"] == "typo_key"]
    assert typo, f"no issue for path typo_key:\n{result.stdout}"
    assert typo[0]["file"] == "config/tenants/acme.yaml"
    assert int(typo[0]["line"]) == line
    assert int(typo[0]["column"]) == 1
    assert typo[0]["message"].startswith('unknown key "typo_key"'), typo[0]["message"]


def test_unknown_key_as_json(run_cli, tmp_path):
    copy_config(tmp_path / "config")
    line = append_line(tmp_path / "config/tenants/acme.yaml", "typo_key: 1")

    result = check(run_cli, tmp_path, "--format", "json")

    assert result.returncode == 1, result.output
    assert_no_crash(result)
    issues = issues_of(result)
    matching = [i for i in issues if i["path"] == "typo_key"]
    assert matching, issues
    issue = matching[0]
    assert issue["file"] == "config/tenants/acme.yaml"
    assert issue["line"] == line
    assert issue["column"] == 1
    assert 'unknown key "typo_key"' in issue["message"]


def test_nested_unknown_key_has_full_path(run_cli, tmp_path):
    config = copy_config(tmp_path / "config")
    tenant = config / "tenants/globex.yaml"
    lines = tenant.read_text().splitlines()
    # Insert an unknown key into the first client, right after its client_id.
    index = next(i for i, l in enumerate(lines) if l.strip() == "- client_id: globex-portal")
    lines.insert(index + 1, "    redirect_urlz: [http://127.0.0.1:8082/cb]")
    tenant.write_text("\n".join(lines) + "\n")

    result = check(run_cli, tmp_path, "--format", "json")

    assert result.returncode == 1, result.output
    matching = [i for i in issues_of(result) if i["path"] == "clients[0].redirect_urlz"]
    assert matching, result.stdout
    assert matching[0]["file"] == "config/tenants/globex.yaml"
    assert matching[0]["line"] == index + 2
    assert matching[0]["column"] == 5


def test_reports_every_issue_at_once(run_cli, tmp_path):
    config = copy_config(tmp_path / "config")
    append_line(config / "tenants/acme.yaml", "typo_key: 1")
    append_line(config / "tenants/globex.yaml", "other_typo: 2")
    append_line(config / "portcullis.yaml", "third_typo: 3")

    result = check(run_cli, tmp_path, "--format", "json")

    assert result.returncode == 1, result.output
    found = {(i["file"], i["path"]) for i in issues_of(result)}
    assert ("config/tenants/acme.yaml", "typo_key") in found, found
    assert ("config/tenants/globex.yaml", "other_typo") in found, found
    assert ("config/portcullis.yaml", "third_typo") in found, found


def test_missing_secrets_file(run_cli, tmp_path):
    copy_config(tmp_path / "config")
    missing = tmp_path / "no-such-secrets.yaml"

    result = check(run_cli, tmp_path, secrets=missing)

    assert result.returncode == 1, result.output
    assert_no_crash(result)
    assert "no-such-secrets.yaml" in result.output, result.output


def test_unreadable_secrets_file(run_cli, tmp_path):
    # A directory where a file is expected fails to read even as root (chmod 000 would not).
    copy_config(tmp_path / "config")
    unreadable = tmp_path / "secrets-dir.yaml"
    unreadable.mkdir()

    result = check(run_cli, tmp_path, secrets=unreadable)

    assert result.returncode == 1, result.output
    assert_no_crash(result)
    assert "secrets-dir.yaml" in result.output, result.output


def test_malformed_yaml(run_cli, tmp_path):
    config = copy_config(tmp_path / "config")
    append_line(config / "tenants/acme.yaml", "clients: [unterminated, {")

    result = check(run_cli, tmp_path)

    assert result.returncode == 1, result.output
    assert_no_crash(result)
    assert "config/tenants/acme.yaml" in result.output, result.output


def test_malformed_yaml_as_json(run_cli, tmp_path):
    config = copy_config(tmp_path / "config")
    (config / "tenants/globex.yaml").write_text("id: globex\n  issuer: : : [\n\tdisplay_name: x\n")

    result = check(run_cli, tmp_path, "--format", "json")

    assert result.returncode == 1, result.output
    assert_no_crash(result)
    issues = issues_of(result)
    assert any(i["file"] == "config/tenants/globex.yaml" for i in issues), issues


def test_missing_config_dir(run_cli, tmp_path):
    result = run_cli(
        "check-config", "--config", str(tmp_path / "nowhere"), "--secrets", str(EXAMPLE_SECRETS), cwd=tmp_path
    )
    assert result.returncode == 1, result.output
    assert_no_crash(result)
    assert "nowhere" in result.output, result.output


def test_secret_reference_must_exist(run_cli, tmp_path):
    config = copy_config(tmp_path / "config")
    tenant = config / "tenants/acme.yaml"
    tenant.write_text(tenant.read_text().replace("secret: acme-signing-es256", "secret: no-such-secret"))

    result = check(run_cli, tmp_path, "--format", "json")

    assert result.returncode == 1, result.output
    issues = issues_of(result)
    hits = [i for i in issues if i["file"] == "config/tenants/acme.yaml" and "no-such-secret" in i["message"]]
    assert hits, issues
    assert hits[0]["path"].startswith("signing_keys[1]"), hits[0]


def test_version(run_cli):
    result = run_cli("version")
    assert result.returncode == 0, result.output
    assert result.stdout.strip(), result.output


def test_config_schema_is_json(run_cli):
    result = run_cli("config", "schema")
    assert result.returncode == 0, result.output
    schema = json.loads(result.stdout)
    assert isinstance(schema, dict)
    # The schema must describe both the server file and tenant files.
    assert "signing_keys" in result.stdout and "poll_interval" in result.stdout
