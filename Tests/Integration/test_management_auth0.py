"""The management API driven by auth0-python, Auth0's own SDK, as a tool written for Auth0 would.

auth0-python 6's generated client `auth0.management.Auth0(base_url=..., token=...)` is pointed at
`http://127.0.0.1:PORT/acme/api/v2`; its token comes from auth0-python's `GetToken` (client
credentials with `client_secret_post`) for the example's `acme-admin` and `acme-auditor` clients.
Users are listed, searched, created, patched and deleted; sessions of a real hosted-page login are
listed and ended; logs are read with Auth0's type codes. Raw `requests` calls check the error
shapes byte for byte where the SDK would only raise.
"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from auth0.authentication import GetToken
from auth0.management import Auth0
from auth0.management.core.api_error import ApiError

from oidc_client import example_secret, oidc_server  # noqa: F401  (fixture)

CONNECTION = "Username-Password-Authentication"
PASSWORD = "a-long-unusual-passphrase"


def token(server, client_id: str = "acme-admin") -> str:
    secret = example_secret(f"{client_id}-client-secret")
    audience = f"http://127.0.0.1:{server.port}/acme/api/v2/"
    response = GetToken(f"127.0.0.1:{server.port}/acme", client_id, client_secret=secret, protocol="http",
                        telemetry=False).client_credentials(audience)
    return response["access_token"]


def api(server, client_id: str = "acme-admin") -> Auth0:
    return Auth0(base_url=f"http://127.0.0.1:{server.port}/acme/api/v2", token=token(server, client_id))


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@mgmt.example"


def dump(model) -> dict:
    return model.model_dump(by_alias=True, exclude_none=True) if hasattr(model, "model_dump") else dict(model)


def hosted_login(server, email: str, password: str) -> requests.Session:
    """Logs in through the hosted login page, as a browser would."""
    session = requests.Session()
    page = session.get(server.url("/acme/u/login"), timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = session.post(server.url("/acme/u/login"), data={"csrf_token": csrf, "username": email, "password": password},
                          timeout=10)
    assert answer.status_code == 200, answer.text[:500]
    return session


def test_users_are_created_searched_changed_and_deleted(oidc_server):
    client = api(oidc_server)
    email = unique_email("nora")
    created = dump(client.users.create(connection=CONNECTION, email=email, password=PASSWORD, name="Nora",
                                       app_metadata={"plan": "gold", "seats": 3}, user_metadata={"lang": "de"}))
    user_id = created["user_id"]
    assert user_id.startswith(CONNECTION + "|usr_"), created
    assert created["identities"][0]["provider"] == "auth0"

    found = [dump(u) for u in client.users.list(q=f'email:"{email.upper()}"', include_totals=True)]
    assert [u["user_id"] for u in found] == [user_id]
    domain = [dump(u)["email"] for u in client.users.list(q="app_metadata.plan:gold AND email:*@mgmt.example")]
    assert email in domain
    assert [dump(u)["user_id"] for u in client.users.list_users_by_email(email=email)] == [user_id]

    patched = dump(client.users.update(user_id, app_metadata={"seats": None, "tier": 2}, name="Nora N."))
    assert patched["app_metadata"] == {"plan": "gold", "tier": 2}
    assert patched["user_metadata"] == {"lang": "de"}
    assert dump(client.users.get(user_id))["name"] == "Nora N."

    # The password set through the API is the one the hosted login accepts.
    hosted_login(oidc_server, email, PASSWORD).close()
    assert dump(client.users.get(user_id))["logins_count"] == 1

    client.users.delete(user_id)
    with pytest.raises(ApiError) as missing:
        client.users.get(user_id)
    assert missing.value.status_code == 404
    assert missing.value.body["errorCode"] == "inexistent_user"


def test_duplicates_weak_passwords_and_scopes_are_refused(oidc_server):
    client = api(oidc_server)
    email = unique_email("olga")
    client.users.create(connection=CONNECTION, email=email, password=PASSWORD)
    with pytest.raises(ApiError) as duplicate:
        client.users.create(connection=CONNECTION, email=email.upper(), password=PASSWORD)
    assert duplicate.value.status_code == 409
    with pytest.raises(ApiError) as weak:
        client.users.create(connection=CONNECTION, email=unique_email("weak"), password="short")
    assert weak.value.status_code == 400 and weak.value.body["errorCode"] == "password_strength_error"

    auditor = api(oidc_server, "acme-auditor")
    assert any(dump(u)["email"] == email for u in auditor.users.list(q=f'email:"{email}"'))
    with pytest.raises(ApiError) as forbidden:
        auditor.users.create(connection=CONNECTION, email=unique_email("no"), password=PASSWORD)
    assert forbidden.value.status_code == 403
    assert forbidden.value.body["errorCode"] == "insufficient_scope"


def test_sessions_of_a_login_are_listed_and_ended(oidc_server):
    client = api(oidc_server)
    email = unique_email("sam")
    user_id = dump(client.users.create(connection=CONNECTION, email=email, password=PASSWORD))["user_id"]
    browser = hosted_login(oidc_server, email, PASSWORD)
    sessions = [dump(s) for s in client.users.sessions.list(user_id)]
    assert len(sessions) == 1 and sessions[0]["user_id"] == user_id
    client.sessions.delete(sessions[0]["id"])
    assert [dump(s) for s in client.users.sessions.list(user_id)] == []
    # The ended session no longer signs the browser in: the login page asks for the password again.
    page = browser.get(oidc_server.url("/acme/u/login"), timeout=10).text
    assert 'name="password"' in page
    browser.close()


def test_logs_carry_auth0_type_codes(oidc_server):
    client = api(oidc_server)
    email = unique_email("lee")
    user_id = dump(client.users.create(connection=CONNECTION, email=email, password=PASSWORD))["user_id"]
    hosted_login(oidc_server, email, PASSWORD).close()
    client.users.update(user_id, blocked=True)

    mine = [dump(log) for log in client.users.logs.list(user_id)]
    kinds = {(log["type"], log["description"]) for log in mine}
    assert ("sapi", "Create a User") in kinds, mine
    assert ("s", "Success Login") in kinds, mine
    assert ("sapi", "Block a User") in kinds, mine
    logins = [dump(log) for log in client.logs.list(search=f'type:s AND user_id:"{user_id}"')]
    assert len(logins) == 1 and logins[0]["user_name"] == email


def test_raw_error_shapes(oidc_server):
    base = f"http://127.0.0.1:{oidc_server.port}/acme/api/v2"
    missing = requests.get(base + "/users", timeout=10)
    assert missing.status_code == 401
    assert missing.json() == {"statusCode": 401, "error": "Unauthorized", "message": "Missing authentication",
                              "errorCode": "missing_authentication"}
    headers = {"Authorization": f"Bearer {token(oidc_server)}"}
    unknown = requests.post(base + "/users", json={"connection": CONNECTION, "email": unique_email("x"), "nick": 1},
                            headers=headers, timeout=10)
    assert unknown.status_code == 400
    assert unknown.json()["message"] == "Payload validation error: Additional properties not allowed: nick"
    too_many = requests.get(base + "/users", params={"per_page": 101}, headers=headers, timeout=10)
    assert too_many.status_code == 400 and too_many.json()["errorCode"] == "invalid_query_string"
    readonly = requests.delete(base + "/clients/acme-web", headers=headers, timeout=10)
    assert readonly.status_code == 409 and "tenants/acme.yaml" in readonly.json()["message"]


def test_two_accounts_are_linked_and_unlinked(oidc_server):
    client = api(oidc_server)
    home, work = unique_email("home"), unique_email("work")
    primary = dump(client.users.create(connection=CONNECTION, email=work, password=PASSWORD))["user_id"]
    secondary = dump(client.users.create(connection=CONNECTION, email=home, password=PASSWORD))["user_id"]
    identities = client.users.identities.link(primary, provider="auth0", user_id=secondary.split("|", 1)[1])
    assert [dump(i)["user_id"] for i in identities] == [primary.split("|", 1)[1], secondary.split("|", 1)[1]]
    assert dump(client.users.get(primary))["identities"][1]["profileData"]["email"] == home
    with pytest.raises(ApiError) as gone:
        client.users.get(secondary)
    assert gone.value.status_code == 404

    # The linked identity's own password signs in as the primary user.
    hosted_login(oidc_server, home, PASSWORD).close()
    assert dump(client.users.get(primary))["logins_count"] == 1

    remaining = client.users.identities.delete(primary, "auth0", secondary.split("|", 1)[1])
    assert len(remaining) == 1
    assert dump(client.users.get(secondary))["email"] == home
