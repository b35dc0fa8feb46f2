"""`portcullis roles …` and `portcullis orgs …` against a real database file.

Users come from `users import` (no passwords, so no hashing); the commands then run on the example
configuration, whose tenant acme defines the roles admin and viewer and globex defines none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from portcullis_testkit import Admin


@pytest.fixture
def admin(portcullis_bin: Path, tmp_path: Path) -> Admin:
    return Admin.with_example_users(portcullis_bin, tmp_path)


# --------------------------------------------------------------------------------------------
# organizations


def test_orgs_create_list_members_and_delete(admin: Admin):
    [org_id] = admin.ok("orgs", "create", "--name", "acme-corp", "--display-name", "Acme Corporation")
    assert org_id.startswith("org_"), org_id
    admin.ok("orgs", "create", "--name", "beta")
    listed = admin.ok("orgs", "list")
    assert len(listed) == 2, listed
    assert listed[0] == f"acme-corp\t{org_id}\tAcme Corporation"
    assert listed[1].startswith("beta\torg_") and listed[1].endswith("\t"), listed
    assert admin.ok("orgs", "list", tenant="globex") == []

    assert admin.ok("orgs", "add-member", "--name", "acme-corp", "--email", "bob@example.com") == [
        "added bob@example.com to acme-corp"]
    # The name in another case, and the id, name the same organization; email case does not matter.
    admin.ok("orgs", "add-member", "--name", "ACME-Corp", "--email", "Ann@Example.com")
    assert admin.ok("orgs", "add-member", "--name", org_id, "--email", "bob@example.com") == [
        "bob@example.com is already a member of acme-corp; nothing changed"]
    assert admin.ok("orgs", "members", "--name", "acme-corp") == [
        f"bob@example.com\t{admin.user_id('bob@example.com')}",
        f"ann@example.com\t{admin.user_id('ann@example.com')}",
    ]

    assert admin.ok("orgs", "remove-member", "--name", "acme-corp", "--email", "bob@example.com") == [
        "removed bob@example.com from acme-corp"]
    assert admin.ok("orgs", "remove-member", "--name", "acme-corp", "--email", "bob@example.com") == [
        "bob@example.com is not a member of acme-corp; nothing changed"]

    [deleted] = admin.ok("orgs", "delete", "--name", "acme-corp")
    assert deleted == f"deleted organization acme-corp ({org_id}) and its 1 membership", deleted
    assert [line.split("\t")[0] for line in admin.ok("orgs", "list")] == ["beta"]
    # The name is free again.
    admin.ok("orgs", "create", "--name", "acme-corp")


def test_orgs_duplicate_and_invalid_names_are_refused(admin: Admin):
    admin.ok("orgs", "create", "--name", "acme-corp")
    assert admin.fails("orgs", "create", "--name", "acme-corp") == (
        "error: tenant acme already has an organization named acme-corp")
    # Names are lowercase; one in capitals is refused rather than stored beside acme-corp.
    line = admin.fails("orgs", "create", "--name", "ACME-CORP")
    assert '"ACME-CORP" is not a valid organization name' in line, line
    assert "lowercase letters, digits" in line, line
    assert admin.fails("orgs", "create", "--name", "acme corp").startswith('error: "acme corp" is not a valid')
    # Another tenant may use the same name.
    admin.ok("orgs", "create", "--name", "acme-corp", tenant="globex")
    assert len(admin.ok("orgs", "list")) == 1


def test_orgs_unknown_organization_user_and_tenant(admin: Admin):
    assert admin.fails("orgs", "members", "--name", "nowhere") == (
        'error: no organization "nowhere" in tenant acme (it has none yet; create one with `portcullis orgs create`)')
    admin.ok("orgs", "create", "--name", "acme-corp")
    admin.ok("orgs", "create", "--name", "beta")
    assert admin.fails("orgs", "delete", "--name", "nowhere") == (
        'error: no organization "nowhere" in tenant acme (known: acme-corp, beta)')
    assert admin.fails("orgs", "add-member", "--name", "acme-corp", "--email", "nobody@example.com") == (
        "error: no user with email nobody@example.com in acme/Username-Password-Authentication")
    # globex's user is unknown in acme.
    assert "no user with email gina@example.com" in admin.fails(
        "orgs", "add-member", "--name", "acme-corp", "--email", "gina@example.com")
    assert admin.fails("orgs", "list", tenant="initech").startswith('error: no tenant "initech" (known: ')


# --------------------------------------------------------------------------------------------
# roles


def test_roles_assign_list_and_unassign(admin: Admin):
    email = "ann@example.com"
    assert admin.ok("roles", "assign", "--email", email, "--role", "viewer") == [
        "assigned viewer (tenant-wide) to ann@example.com"]
    assert admin.ok("roles", "assign", "--email", email, "--role", "viewer") == [
        "ann@example.com already has viewer (tenant-wide); nothing changed"]

    admin.ok("orgs", "create", "--name", "acme-corp")
    admin.ok("orgs", "add-member", "--name", "acme-corp", "--email", email)
    assert admin.ok("roles", "assign", "--email", email, "--role", "admin", "--organization", "acme-corp") == [
        "assigned admin in acme-corp to ann@example.com"]
    assert admin.ok("roles", "list", "--email", email) == ["admin\tacme-corp", "viewer"]
    assert admin.ok("roles", "list", "--email", "bob@example.com") == []

    assert admin.ok("roles", "unassign", "--email", email, "--role", "viewer") == [
        "unassigned viewer (tenant-wide) from ann@example.com"]
    assert admin.ok("roles", "unassign", "--email", email, "--role", "viewer") == [
        "ann@example.com does not have viewer (tenant-wide); nothing changed"]
    # The organization's admin role is not the tenant-wide one.
    assert admin.ok("roles", "unassign", "--email", email, "--role", "admin") == [
        "ann@example.com does not have admin (tenant-wide); nothing changed"]
    assert admin.ok("roles", "list", "--email", email) == ["admin\tacme-corp"]

    # Leaving the organization, or its deletion, takes the roles given in it.
    assert admin.ok("orgs", "remove-member", "--name", "acme-corp", "--email", email) == [
        "removed ann@example.com from acme-corp and unassigned their roles in it: admin"]
    assert admin.ok("roles", "list", "--email", email) == []
    admin.ok("orgs", "add-member", "--name", "acme-corp", "--email", email)
    admin.ok("roles", "assign", "--email", email, "--role", "viewer", "--organization", "acme-corp")
    admin.ok("orgs", "delete", "--name", "acme-corp")
    assert admin.ok("roles", "list", "--email", email) == []


def test_roles_errors_name_what_is_wrong(admin: Admin):
    email = "ann@example.com"
    assert admin.fails("roles", "assign", "--email", email, "--role", "superuser") == (
        'error: no role "superuser" in tenant acme (roles: admin, viewer)')
    assert admin.fails("roles", "assign", "--email", "gina@example.com", "--role", "admin", tenant="globex") == (
        'error: no role "admin" in tenant globex '
        "(it defines none; add them under `roles:` in its configuration file)")
    assert admin.fails("roles", "unassign", "--email", email, "--role", "superuser") == (
        'error: no role "superuser" in tenant acme (roles: admin, viewer)')
    assert admin.fails("roles", "assign", "--email", "nobody@example.com", "--role", "admin") == (
        "error: no user with email nobody@example.com in acme/Username-Password-Authentication")
    assert admin.fails("roles", "list", "--email", "nobody@example.com").startswith(
        "error: no user with email nobody@example.com")

    assert admin.fails("roles", "assign", "--email", email, "--role", "admin", "--organization", "nowhere") == (
        'error: no organization "nowhere" in tenant acme (it has none yet; create one with `portcullis orgs create`)')
    admin.ok("orgs", "create", "--name", "acme-corp")
    line = admin.fails("roles", "assign", "--email", email, "--role", "admin", "--organization", "acme-corp")
    assert line.startswith("error: ann@example.com is not a member of organization acme-corp; add them first"), line
    assert "portcullis orgs add-member --name acme-corp --email ann@example.com" in line, line
    assert admin.ok("roles", "list", "--email", email) == []

    # Missing required options are usage errors from the argument parser, not crashes.
    result = admin.run("roles", "assign", "--email", email)
    assert result.returncode == 64, result.output
    assert "--role" in result.stderr, result.output


def test_deleting_a_user_removes_their_memberships_and_roles(admin: Admin, tmp_path: Path):
    admin.import_users("carl@example.com")
    admin.ok("orgs", "create", "--name", "acme-corp")
    admin.ok("orgs", "add-member", "--name", "acme-corp", "--email", "carl@example.com")
    admin.ok("roles", "assign", "--email", "carl@example.com", "--role", "admin", "--organization", "acme-corp")
    admin.ok("roles", "assign", "--email", "carl@example.com", "--role", "viewer")
    user_id = admin.user_id("carl@example.com").split("|", 1)[1]
    # No CLI command deletes users yet; delete the row as the management API will, through the
    # store's foreign keys (which sqlite3 enforces only when asked).
    subprocess.run(
        ["sqlite3", str(admin.database),
         f"PRAGMA foreign_keys = ON; DELETE FROM users WHERE tenant_id = 'acme' AND id = '{user_id}';"],
        check=True, capture_output=True, text=True, timeout=30,
    )
    assert admin.ok("orgs", "members", "--name", "acme-corp") == []
    counts = subprocess.run(
        ["sqlite3", str(admin.database),
         "SELECT (SELECT count(*) FROM role_assignments) || ' ' || (SELECT count(*) FROM organization_members);"],
        check=True, capture_output=True, text=True, timeout=30,
    ).stdout.split()
    assert counts == ["0", "0"], counts


def test_access_check_admits_members_of_the_rules_organization(admin: Admin):
    # An access rule that names an organization (by name), added to the example config's acme.
    tenant_file = admin.config_dir / "tenants" / "acme.yaml"
    text = tenant_file.read_text()
    tenant_file.write_text(text.replace("access_rules:\n", (
        "access_rules:\n"
        "  - name: blue-admins\n"
        "    hosts: [app.acme.test]\n"
        "    paths: [{prefix: /blue/}]\n"
        "    policy: roles\n"
        "    roles: {any_of: [admin]}\n"
        "    organization: blue-team\n"), 1))
    [org_id] = admin.ok("orgs", "create", "--name", "blue-team")
    bob = admin.user_id("bob@example.com")

    def check(expect: str) -> list[str]:
        return admin.ok("access", "check", "--url", "http://app.acme.test/blue/board", "--user", bob,
                        "--expect", expect)

    assert check("forbidden")[-1] == "decision: forbidden (403)"  # not a member
    admin.ok("orgs", "add-member", "--name", "blue-team", "--email", "bob@example.com")
    assert check("forbidden")[-1] == "decision: forbidden (403)"  # a member without the role there
    admin.ok("roles", "assign", "--email", "bob@example.com", "--role", "admin", "--organization", "blue-team")
    lines = check("allow")
    assert lines[2].endswith("(roles: none; member of blue-team)"), lines
    assert lines[3] == (f"decision: allow (200 with identity headers, acting in organization blue-team {org_id}; "
                        "roles: admin)"), lines
    # The role counts only in the organization: the tenant-wide admin area stays closed.
    assert admin.ok("access", "check", "--url", "http://app.acme.test/admin/", "--user", bob,
                    "--expect", "forbidden")[-1] == "decision: forbidden (403)"
