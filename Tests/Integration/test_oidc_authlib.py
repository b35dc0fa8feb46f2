"""Authorization code flow with a real relying party: authlib's requests `OAuth2Session`.

The public SPA client (`acme-spa`, PKCE S256, no secret) and the confidential web client
(`acme-web`, client_secret_basic, with PKCE too) each complete code + PKCE and then refresh:
rotation hands out a new refresh token, the old one reused is refused (`invalid_grant`) and
that reuse revokes the whole family, so the successor stops working too.
"""

from __future__ import annotations

import secrets

import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.common.security import generate_token

from oidc_client import (
    OIDC_SCOPES,
    REDIRECT_URI,
    SPA_CLIENT_ID,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    browser,  # noqa: F401  (fixture)
    endpoints,
    oidc_server,  # noqa: F401  (fixture)
    unverified_claims,
)

CLIENTS = {
    SPA_CLIENT_ID: dict(client_id=SPA_CLIENT_ID, token_endpoint_auth_method="none"),
    WEB_CLIENT_ID: dict(client_id=WEB_CLIENT_ID, client_secret=WEB_CLIENT_SECRET,
                        token_endpoint_auth_method="client_secret_basic"),
}


def rp_session(client_id: str) -> OAuth2Session:
    return OAuth2Session(redirect_uri=REDIRECT_URI, scope=OIDC_SCOPES, code_challenge_method="S256",
                         **CLIENTS[client_id])


def code_flow(oidc_server, browser, client_id: str, *, expect_login: bool = True) -> tuple[OAuth2Session, dict, str]:
    """authlib builds the authorization URL and redeems the code; the Browser logs in in between."""
    ep = endpoints(oidc_server)
    rp = rp_session(client_id)
    verifier = generate_token(48)
    nonce = secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(ep["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    assert "code_challenge=" in url and "code_challenge_method=S256" in url

    result = browser.authorize(url)
    assert result.callback is not None, f"no redirect to the client:\n{result.describe()}\n{result.response.text[:2000]}"
    assert result.callback.startswith(REDIRECT_URI + "?"), result.callback
    assert result.params["state"] == state
    assert result.logged_in == expect_login, f"login form shown: {result.logged_in}\n{result.describe()}"

    token = rp.fetch_token(ep["token_endpoint"], authorization_response=result.callback, code_verifier=verifier)
    return rp, token, nonce


@pytest.mark.parametrize("client_id", [SPA_CLIENT_ID, WEB_CLIENT_ID])
def test_code_flow_with_pkce(oidc_server, browser, client_id):
    rp, token, nonce = code_flow(oidc_server, browser, client_id)

    assert token["token_type"].lower() == "bearer", token
    assert token["access_token"] and token["id_token"] and token["refresh_token"], token
    assert int(token["expires_in"]) > 0, token
    assert set(token.get("scope", OIDC_SCOPES).split()) == set(OIDC_SCOPES.split()), token

    claims = unverified_claims(token["id_token"])  # signatures: test_oidc_jwt.py
    assert claims["aud"] in (client_id, [client_id]), claims
    assert claims["nonce"] == nonce, claims
    assert claims["iss"] == endpoints(oidc_server)["issuer"], claims

    # The access token works at userinfo through the same authlib session (Bearer header).
    userinfo = rp.get(endpoints(oidc_server)["userinfo_endpoint"], timeout=10)
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == claims["sub"]
    assert userinfo.json()["email"] == browser.email


@pytest.mark.parametrize("client_id", [SPA_CLIENT_ID, WEB_CLIENT_ID])
def test_refresh_rotation_and_reuse_detection(oidc_server, browser, client_id):
    ep = endpoints(oidc_server)
    rp, first, _ = code_flow(oidc_server, browser, client_id)
    old_refresh = first["refresh_token"]

    # Rotation: a new refresh token (and new access token) every time.
    second = rp.refresh_token(ep["token_endpoint"], refresh_token=old_refresh)
    assert second["access_token"] and second["access_token"] != first["access_token"], second
    successor = second.get("refresh_token")
    assert successor and successor != old_refresh, f"no rotation: {second}"

    # The successor works once, and its own successor is new again.
    third = rp.refresh_token(ep["token_endpoint"], refresh_token=successor)
    latest = third.get("refresh_token")
    assert latest and latest not in (old_refresh, successor), third

    # Reusing a rotated-out refresh token is refused...
    with pytest.raises(OAuthError) as reused:
        rp_session(client_id).refresh_token(ep["token_endpoint"], refresh_token=old_refresh)
    assert reused.value.error == "invalid_grant", reused.value

    # ...and revokes the whole family: the newest token of the chain is dead too.
    with pytest.raises(OAuthError) as family:
        rp_session(client_id).refresh_token(ep["token_endpoint"], refresh_token=latest)
    assert family.value.error == "invalid_grant", family.value


def test_reuse_revokes_only_its_own_family(oidc_server, browser):
    """Reuse detection revokes one family only: the same user's other grant keeps refreshing."""
    ep = endpoints(oidc_server)
    rp_a, first_a, _ = code_flow(oidc_server, browser, WEB_CLIENT_ID)
    rp_b, first_b, _ = code_flow(oidc_server, browser, WEB_CLIENT_ID, expect_login=False)  # same session
    rp_a.refresh_token(ep["token_endpoint"], refresh_token=first_a["refresh_token"])
    with pytest.raises(OAuthError):
        rp_session(WEB_CLIENT_ID).refresh_token(ep["token_endpoint"], refresh_token=first_a["refresh_token"])
    other = rp_b.refresh_token(ep["token_endpoint"], refresh_token=first_b["refresh_token"])
    assert other["access_token"], other
