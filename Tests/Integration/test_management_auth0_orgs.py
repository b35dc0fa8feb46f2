"""Roles, organizations, members, member roles and enabled connections driven by auth0-python 6,
as a B2B tool written for Auth0 would manage them, against the example config's `acme` tenant.
"""

from __future__ import annotations

import uuid

import pytest
from auth0.management.core.api_error import ApiError

from oidc_client import oidc_server  # noqa: F401  (fixture)
from test_management_auth0 import CONNECTION, PASSWORD, api, dump, unique_email

API = "https://api.acme.test"


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_runtime_roles_with_permissions_and_users(oidc_server):
    client = api(oidc_server)
    role = dump(client.roles.create(name=unique_name("editor"), description="Edits orders"))
    assert role["id"].startswith("rol_"), role
    client.roles.permissions.add(role["id"], permissions=[
        {"resource_server_identifier": API, "permission_name": "write:orders"}])
    assert [dump(p)["permission_name"] for p in client.roles.permissions.list(role["id"])] == ["write:orders"]
    with pytest.raises(ApiError) as unknown:
        client.roles.permissions.add(role["id"], permissions=[
            {"resource_server_identifier": API, "permission_name": "fly:orders"}])
    assert unknown.value.status_code == 400 and "fly:orders" in unknown.value.body["message"]

    user_id = dump(client.users.create(connection=CONNECTION, email=unique_email("rhea"), password=PASSWORD))["user_id"]
    client.users.roles.assign(user_id, roles=[role["id"]])
    holders = [dump(u)["user_id"] for u in client.roles.users.list(role["id"], take=50)]
    assert holders == [user_id]
    held = [dump(p) for p in client.users.permissions.list(user_id)]
    assert [(p["permission_name"], p["sources"][0]["source_type"]) for p in held] == [("write:orders", "ROLE")]

    renamed = dump(client.roles.update(role["id"], name=role["name"] + "-x"))
    assert renamed["name"] == role["name"] + "-x"
    client.roles.delete(role["id"])
    assert [dump(r)["name"] for r in client.users.roles.list(user_id)] == []
    with pytest.raises(ApiError) as configured:
        client.roles.delete("admin")
    assert configured.value.status_code == 409


def test_organizations_members_roles_and_connections(oidc_server):
    client = api(oidc_server)
    name = unique_name("wayne")
    created = dump(client.organizations.create(
        name=name, display_name="Wayne Enterprises",
        branding={"logo_url": "https://wayne.example/logo.png", "colors": {"primary": "#0059d6", "page_background": "#ffffff"}},
        metadata={"tier": "gold"},
        enabled_connections=[{"connection_id": CONNECTION, "assign_membership_on_login": False}]))
    org_id = created["id"]
    assert created["enabled_connections"][0]["connection_id"] == CONNECTION
    assert dump(client.organizations.get_by_name(name))["id"] == org_id
    assert org_id in [dump(o)["id"] for o in client.organizations.list(take=2)]
    with pytest.raises(ApiError) as duplicate:
        client.organizations.create(name=name)
    assert duplicate.value.status_code == 409

    updated = dump(client.organizations.update(org_id, display_name="Wayne Ent.", metadata={"tier": None, "region": "eu"}))
    assert updated["display_name"] == "Wayne Ent." and updated["metadata"] == {"region": "eu"}

    bruce = dump(client.users.create(connection=CONNECTION, email=unique_email("bruce"), password=PASSWORD))["user_id"]
    client.organizations.members.create(org_id, members=[bruce])
    assert [dump(m)["user_id"] for m in client.organizations.members.list(org_id)] == [bruce]
    client.organizations.members.roles.assign(org_id, bruce, roles=["admin"])
    assert [dump(r)["name"] for r in client.organizations.members.roles.list(org_id, bruce)] == ["admin"]
    client.organizations.members.roles.delete(org_id, bruce, roles=["admin"])
    assert list(client.organizations.members.roles.list(org_id, bruce)) == []

    connection = dump(client.organizations.enabled_connections.update(org_id, CONNECTION, assign_membership_on_login=True))
    assert connection["assign_membership_on_login"] is True
    assert [dump(c)["connection_id"] for c in client.organizations.enabled_connections.list(org_id)] == [CONNECTION]
    client.organizations.enabled_connections.delete(org_id, CONNECTION)
    assert list(client.organizations.enabled_connections.list(org_id)) == []
    client.organizations.enabled_connections.add(org_id, connection_id=CONNECTION)

    client.organizations.members.delete(org_id, members=[bruce])
    assert list(client.organizations.members.list(org_id)) == []
    client.organizations.delete(org_id)
    with pytest.raises(ApiError) as gone:
        client.organizations.get(org_id)
    assert gone.value.status_code == 404
    assert gone.value.body["errorCode"] == "inexistent_organization"

    auditor = api(oidc_server, "acme-auditor")
    assert isinstance(list(auditor.organizations.list(take=5)), list)
    with pytest.raises(ApiError) as refused:
        auditor.organizations.create(name=unique_name("nope"))
    assert refused.value.status_code == 403
