"""`portcullis permissions …` against a real database file.

Users come from `users import`; the commands run on the example configuration, whose tenant acme
defines the API https://api.acme.test (scopes read:orders, write:orders, admin:reports) and globex
defines no API.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portcullis_testkit import Admin, edit_yaml

API = "https://api.acme.test"


@pytest.fixture
def admin(portcullis_bin: Path, tmp_path: Path) -> Admin:
    return Admin.with_example_users(portcullis_bin, tmp_path)


def grant(admin: Admin, email: str, permission: str, subcommand: str = "grant") -> list[str]:
    return admin.ok("permissions", subcommand, "--email", email, "--api", API, "--permission", permission)


def test_permissions_grant_list_and_revoke(admin: Admin):
    email = "ann@example.com"
    assert grant(admin, email, "write:orders") == [f"granted write:orders on {API} to ann@example.com"]
    assert grant(admin, email, "read:orders") == [f"granted read:orders on {API} to ann@example.com"]
    # Granting again changes nothing and says so; email case does not matter.
    assert grant(admin, "Ann@Example.com", "read:orders") == [
        f"ann@example.com already has read:orders on {API}; nothing changed"]
    assert admin.ok("permissions", "list", "--email", email) == [f"{API}\tread:orders", f"{API}\twrite:orders"]
    assert admin.ok("permissions", "list", "--email", "bob@example.com") == []

    assert grant(admin, email, "read:orders", "revoke") == [f"revoked read:orders on {API} from ann@example.com"]
    assert grant(admin, email, "read:orders", "revoke") == [
        f"ann@example.com does not have read:orders on {API}; nothing changed"]
    assert admin.ok("permissions", "list", "--email", email) == [f"{API}\twrite:orders"]


def test_permissions_errors_name_the_valid_choices(admin: Admin):
    email = "ann@example.com"
    assert admin.fails("permissions", "grant", "--email", email, "--api", "https://nowhere.test",
                       "--permission", "read:orders") == (
        # The built-in management API is an API of every tenant too.
        f'error: no API "https://nowhere.test" in tenant acme (APIs: {API}, http://127.0.0.1:8080/acme/api/v2/)')
    assert admin.fails("permissions", "grant", "--email", email, "--api", API, "--permission", "delete:orders") == (
        f'error: no scope "delete:orders" on API {API} (scopes: read:orders, write:orders, admin:reports)')
    assert admin.fails("permissions", "revoke", "--email", email, "--api", API, "--permission", "delete:orders") == (
        f'error: no scope "delete:orders" on API {API} (scopes: read:orders, write:orders, admin:reports)')
    assert admin.fails("permissions", "grant", "--email", "gina@example.com", "--api", API,
                       "--permission", "read:orders", tenant="globex") == (
        f'error: no API "{API}" in tenant globex (APIs: http://127.0.0.1:8080/globex/api/v2/)')
    assert admin.fails("permissions", "grant", "--email", "nobody@example.com", "--api", API,
                       "--permission", "read:orders") == (
        "error: no user with email nobody@example.com in acme/Username-Password-Authentication")
    assert admin.fails("permissions", "list", "--email", "nobody@example.com").startswith(
        "error: no user with email nobody@example.com")
    assert admin.ok("permissions", "list", "--email", email) == []

    # Missing required options are usage errors from the argument parser, not crashes.
    result = admin.run("permissions", "grant", "--email", email, "--api", API)
    assert result.returncode == 64, result.output
    assert "--permission" in result.stderr, result.output


def test_a_grant_whose_scope_left_the_configuration_can_still_be_revoked(admin: Admin):
    email = "ann@example.com"
    grant(admin, email, "admin:reports")

    def drop_admin_reports(tenant: dict) -> None:
        # From the API and from the role that refers to it, so the configuration stays valid.
        for server in tenant["resource_servers"]:
            server["scopes"] = [s for s in server["scopes"] if s["value"] != "admin:reports"]
        for role in tenant["roles"]:
            for permission in role["permissions"]:
                permission["scopes"] = [s for s in permission["scopes"] if s != "admin:reports"]

    edit_yaml(admin.config_dir / "tenants" / "acme.yaml", drop_admin_reports)
    # Still listed: the store keeps what was granted; the scope simply stops being given.
    assert admin.ok("permissions", "list", "--email", email) == [f"{API}\tadmin:reports"]
    assert grant(admin, email, "admin:reports", "revoke") == [f"revoked admin:reports on {API} from ann@example.com"]
    assert admin.fails("permissions", "grant", "--email", email, "--api", API, "--permission", "admin:reports") == (
        f'error: no scope "admin:reports" on API {API} (scopes: read:orders, write:orders)')
