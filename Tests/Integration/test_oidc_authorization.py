"""Authorization decisions seen by a relying party: re-authentication (`prompt=login`, `max_age`) and
`auth_time`, roles and organizations (managed with `portcullis roles` / `portcullis orgs`) in the
API's access tokens, revocation of what a replayed code or a reused refresh token had issued, and
CORS for the single-page app.

Tokens are verified with PyJWT against the JWKS, as in test_oidc_jwt.py.
"""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
import requests
from jwt import PyJWKClient

from oidc_client import (
    API_AUDIENCE,
    SPA_CLIENT_ID,
    WEB_CLIENT_ID,
    admin_cli,
    assert_oauth_error,
    authorize_url,
    browser,  # noqa: F401  (fixture)
    code_for,
    describe,
    endpoints,
    exchange_code,
    new_verifier,
    oidc_server,  # noqa: F401  (fixture)
    query_of,
    refresh,
    token_request,
    web_auth,
    web_tokens,
)


def verified(server, token: str, audience: str) -> dict:
    key = PyJWKClient(endpoints(server)["jwks_uri"], cache_keys=False).get_signing_key_from_jwt(token)
    header = jwt.get_unverified_header(token)
    return jwt.decode(token, key.key, algorithms=[header["alg"]], audience=audience,
                      issuer=endpoints(server)["issuer"])


def id_claims(server, tokens: dict) -> dict:
    return verified(server, tokens["id_token"], WEB_CLIENT_ID)


def wait_for_next_second(after: float) -> None:
    """auth_time has one-second resolution: make sure the clock moved past `after`."""
    while time.time() < int(after) + 1.05:
        time.sleep(0.05)


# --------------------------------------------------------------------------------------------
# Re-authentication


def test_prompt_login_shows_the_form_again_and_advances_auth_time(oidc_server, browser):
    first_tokens, _ = web_tokens(browser)
    first = id_claims(oidc_server, first_tokens)
    wait_for_next_second(first["auth_time"])

    # With a session and no prompt: no form, same auth_time.
    silent_code, silent = code_for(browser, verifier=(v := new_verifier()))
    assert not silent.logged_in, silent.describe()
    silent_tokens = exchange_code(oidc_server, silent_code, verifier=v).json()
    assert id_claims(oidc_server, silent_tokens)["auth_time"] == first["auth_time"]

    # prompt=login: the password form again, and a later auth_time.
    code, result = code_for(browser, verifier=(v := new_verifier()), prompt="login")
    assert result.logged_in, f"prompt=login did not show the login form:\n{result.describe()}"
    again = id_claims(oidc_server, exchange_code(oidc_server, code, verifier=v).json())
    assert again["auth_time"] > first["auth_time"], (again, first)
    assert again["sub"] == first["sub"]


def test_exceeded_max_age_shows_the_form_again(oidc_server, browser):
    first_tokens, _ = web_tokens(browser)
    first = id_claims(oidc_server, first_tokens)
    wait_for_next_second(first["auth_time"] + 1)

    # Within max_age: no form.
    _, within = code_for(browser, verifier=new_verifier(), max_age="3600")
    assert not within.logged_in, within.describe()

    code, result = code_for(browser, verifier=(v := new_verifier()), max_age="1")
    assert result.logged_in, f"max_age=1 after 2 s did not show the login form:\n{result.describe()}"
    claims = id_claims(oidc_server, exchange_code(oidc_server, code, verifier=v).json())
    assert claims["auth_time"] > first["auth_time"], (claims, first)
    assert time.time() - claims["auth_time"] < 5, claims


def test_prompt_none_with_exceeded_max_age_is_login_required(oidc_server, browser):
    first_tokens, _ = web_tokens(browser)
    wait_for_next_second(id_claims(oidc_server, first_tokens)["auth_time"] + 1)
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, prompt="none", max_age="1",
                                             verifier=new_verifier()))
    assert result.callback is not None, result.describe()
    assert query_of(result.callback).get("error") == "login_required", result.callback


# --------------------------------------------------------------------------------------------
# Roles and organizations


def api_token(browser, **params) -> dict:
    tokens, _ = web_tokens(browser, audience=API_AUDIENCE, scope="openid read:orders write:orders admin:reports",
                           **params)
    return tokens


def test_role_permissions_in_the_api_token(portcullis_bin, oidc_server, browser):
    admin_cli(portcullis_bin, oidc_server, "roles", "assign", "--email", browser.email, "--role", "viewer")
    claims = verified(oidc_server, api_token(browser)["access_token"], API_AUDIENCE)
    assert set(claims["scope"].split()) == {"openid", "read:orders"}, claims
    assert claims["permissions"] == ["read:orders"], claims

    admin_cli(portcullis_bin, oidc_server, "roles", "assign", "--email", browser.email, "--role", "admin")
    claims = verified(oidc_server, api_token(browser)["access_token"], API_AUDIENCE)
    assert set(claims["scope"].split()) == {"openid", "read:orders", "write:orders", "admin:reports"}, claims
    assert sorted(claims["permissions"]) == ["admin:reports", "read:orders", "write:orders"], claims

    # Scopes the API does not define pass through unchanged.
    tokens, _ = web_tokens(browser, audience=API_AUDIENCE, scope="openid custom:thing")
    assert "custom:thing" in verified(oidc_server, tokens["access_token"], API_AUDIENCE)["scope"].split()


def test_organization_login_gives_org_id_and_org_roles(portcullis_bin, oidc_server, browser):
    org = f"org-{uuid.uuid4().hex[:8]}"
    org_id = admin_cli(portcullis_bin, oidc_server, "orgs", "create", "--name", org).stdout.strip()
    assert org_id, "orgs create printed no id"
    admin_cli(portcullis_bin, oidc_server, "orgs", "add-member", "--name", org, "--email", browser.email)
    admin_cli(portcullis_bin, oidc_server, "roles", "assign", "--email", browser.email, "--role", "admin",
              "--organization", org)

    # Outside the organization the org role does not count.
    plain = verified(oidc_server, api_token(browser)["access_token"], API_AUDIENCE)
    assert not {"read:orders", "write:orders", "admin:reports"} & set(plain["scope"].split()), plain
    assert "org_id" not in plain, plain

    tokens = api_token(browser, organization=org)
    access = verified(oidc_server, tokens["access_token"], API_AUDIENCE)
    assert access["org_id"] == org_id, access
    assert sorted(access["permissions"]) == ["admin:reports", "read:orders", "write:orders"], access
    assert id_claims(oidc_server, tokens)["org_id"] == org_id


def test_organization_the_user_is_not_in_is_access_denied(portcullis_bin, oidc_server, browser):
    org = f"org-{uuid.uuid4().hex[:8]}"
    admin_cli(portcullis_bin, oidc_server, "orgs", "create", "--name", org)
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, state="org-1", organization=org,
                                             verifier=new_verifier()))
    assert result.callback is not None, f"{result.describe()}\n{result.response.text[:1000]}"
    params = query_of(result.callback)
    assert params.get("error") == "access_denied", params
    assert params.get("state") == "org-1", params
    assert "code" not in params


def test_refresh_organization_switch_members_only(portcullis_bin, oidc_server, browser):
    member_of = f"org-{uuid.uuid4().hex[:8]}"
    other = f"org-{uuid.uuid4().hex[:8]}"
    member_id = admin_cli(portcullis_bin, oidc_server, "orgs", "create", "--name", member_of).stdout.strip()
    admin_cli(portcullis_bin, oidc_server, "orgs", "create", "--name", other)
    admin_cli(portcullis_bin, oidc_server, "orgs", "add-member", "--name", member_of, "--email", browser.email)
    admin_cli(portcullis_bin, oidc_server, "roles", "assign", "--email", browser.email, "--role", "viewer",
              "--organization", member_of)
    tokens, _ = web_tokens(browser, audience=API_AUDIENCE, scope="openid offline_access read:orders")
    assert tokens.get("refresh_token"), tokens

    refused = token_request(oidc_server, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                          "organization": other}, auth=web_auth())
    assert 400 <= refused.status_code < 500, describe(refused)
    assert "access_token" not in refused.text, describe(refused)

    switched = token_request(oidc_server, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                           "organization": member_of}, auth=web_auth())
    assert switched.status_code == 200, describe(switched)
    access = verified(oidc_server, switched.json()["access_token"], API_AUDIENCE)
    assert access["org_id"] == member_id, access
    assert access["permissions"] == ["read:orders"], access


# --------------------------------------------------------------------------------------------
# What a replayed code or a reused refresh token had issued


def userinfo_status(server, access_token: str) -> int:
    return requests.get(endpoints(server)["userinfo_endpoint"],
                        headers={"Authorization": f"Bearer {access_token}"}, timeout=10).status_code


def introspected(server, token: str) -> dict:
    response = requests.post(endpoints(server)["introspection_endpoint"], data={"token": token}, auth=web_auth(),
                             timeout=10)
    assert response.status_code == 200, describe(response)
    return response.json()


def test_replayed_code_revokes_the_access_token_it_issued(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    issued = exchange_code(oidc_server, code, verifier=verifier).json()
    assert userinfo_status(oidc_server, issued["access_token"]) == 200
    assert introspected(oidc_server, issued["access_token"])["active"] is True

    assert_oauth_error(exchange_code(oidc_server, code, verifier=verifier), 400, "invalid_grant")
    assert introspected(oidc_server, issued["access_token"])["active"] is False
    assert userinfo_status(oidc_server, issued["access_token"]) == 401


def test_reused_refresh_token_revokes_the_family_access_tokens(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    rotated = refresh(oidc_server, tokens["refresh_token"]).json()
    assert userinfo_status(oidc_server, rotated["access_token"]) == 200
    assert_oauth_error(refresh(oidc_server, tokens["refresh_token"]), 400, "invalid_grant")
    assert introspected(oidc_server, rotated["refresh_token"])["active"] is False
    assert introspected(oidc_server, rotated["access_token"])["active"] is False
    assert userinfo_status(oidc_server, rotated["access_token"]) == 401


# --------------------------------------------------------------------------------------------
# CORS for the SPA (allowed_web_origins: http://127.0.0.1:8081)

SPA_ORIGIN = "http://127.0.0.1:8081"


@pytest.mark.parametrize("endpoint", ["token_endpoint", "userinfo_endpoint", "revocation_endpoint"])
def test_cors_preflight_allows_only_registered_origins(oidc_server, endpoint):
    url = endpoints(oidc_server)[endpoint]
    allowed = requests.options(url, headers={"Origin": SPA_ORIGIN, "Access-Control-Request-Method": "POST",
                                             "Access-Control-Request-Headers": "content-type"}, timeout=10)
    assert allowed.status_code in (200, 204), describe(allowed)
    assert allowed.headers.get("Access-Control-Allow-Origin") == SPA_ORIGIN, describe(allowed)

    other = requests.options(url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
                             timeout=10)
    assert other.headers.get("Access-Control-Allow-Origin") not in ("https://evil.example", "*"), describe(other)


def test_spa_token_request_from_its_origin_gets_cors_headers(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, SPA_CLIENT_ID, verifier=verifier)
    response = token_request(oidc_server, {"grant_type": "authorization_code", "code": code, "client_id": SPA_CLIENT_ID,
                                           "redirect_uri": "http://127.0.0.1:8081/callback", "code_verifier": verifier},
                             headers={"Origin": SPA_ORIGIN})
    assert response.status_code == 200, describe(response)
    assert response.headers.get("Access-Control-Allow-Origin") == SPA_ORIGIN, describe(response)


# --------------------------------------------------------------------------------------------
# Consent (acme-partner is a third-party client: first_party: false)

PARTNER_CLIENT_ID = "acme-partner"


def partner_auth() -> tuple[str, str]:
    from oidc_client import example_secret

    return (PARTNER_CLIENT_ID, example_secret("acme-partner-client-secret"))


def test_third_party_client_asks_for_consent_then_gets_a_code(oidc_server, browser):
    url = authorize_url(oidc_server, PARTNER_CLIENT_ID, scope="openid profile email", state="consent-1")
    result = browser.authorize(url)
    assert result.consented, f"no consent page:\n{result.describe()}\n{result.response.text[:1500]}"
    assert result.callback is not None, (
        f"approving consent did not reach the client:\n{result.describe()}\n{describe(result.response)}")
    params = query_of(result.callback)
    assert params.get("state") == "consent-1" and params.get("code"), params
    response = token_request(oidc_server, {"grant_type": "authorization_code", "code": params["code"],
                                           "redirect_uri": "http://127.0.0.1:8081/callback"}, auth=partner_auth())
    assert response.status_code == 200, describe(response)
    assert id_claims_for(oidc_server, response.json()["id_token"], PARTNER_CLIENT_ID)["email"] == browser.email


def test_denied_consent_is_access_denied(oidc_server, browser):
    url = authorize_url(oidc_server, PARTNER_CLIENT_ID, scope="openid profile email", state="consent-2")
    result = browser.authorize(url, consent="deny")
    assert result.callback is not None, (
        f"denying consent did not reach the client:\n{result.describe()}\n{describe(result.response)}")
    params = query_of(result.callback)
    assert params.get("error") == "access_denied", params
    assert params.get("state") == "consent-2", params
    assert "code" not in params


def test_prompt_none_for_a_client_without_consent_is_consent_required(oidc_server, browser):
    code_for(browser)  # logged in
    result = browser.authorize(authorize_url(oidc_server, PARTNER_CLIENT_ID, scope="openid", prompt="none"))
    assert result.callback is not None, result.describe()
    assert query_of(result.callback).get("error") in ("consent_required", "interaction_required"), result.callback


def id_claims_for(server, id_token: str, client_id: str) -> dict:
    return verified(server, id_token, client_id)
