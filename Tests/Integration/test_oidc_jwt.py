"""Tokens checked by an independent JOSE implementation: PyJWT with `PyJWKClient` on the JWKS URL.

ID tokens: signature (RS256 by default), `iss`, `aud`, `exp`, `nonce`, `at_hash` and the other
claims OpenID Connect Core §2 and the issue ask for. Access tokens: RFC 9068 `typ: at+jwt`, `aud`,
`client_id`, `scope`, `jti`, for the userinfo audience and for the acme API.
"""

from __future__ import annotations

import time

import jwt
import pytest
from jwt import PyJWKClient

from oidc_client import (
    API_AUDIENCE,
    SPA_CLIENT_ID,
    WEB_CLIENT_ID,
    browser,  # noqa: F401  (fixture)
    code_for,
    describe,
    endpoints,
    exchange_code,
    left_half_hash,
    new_verifier,
    oidc_server,  # noqa: F401  (fixture)
    web_tokens,
)

ID_TOKEN_CLAIMS = {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "sid", "amr"}
ACCESS_TOKEN_CLAIMS = {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope"}


def jwks_client(server) -> PyJWKClient:
    return PyJWKClient(endpoints(server)["jwks_uri"], cache_keys=False)


def verify_id_token(server, id_token: str, client_id: str, nonce: str, access_token: str) -> dict:
    header = jwt.get_unverified_header(id_token)
    assert header["alg"] == "RS256", header
    assert header.get("kid"), header
    key = jwks_client(server).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token, key.key, algorithms=["RS256"], audience=client_id, issuer=endpoints(server)["issuer"],
        options={"require": ["iss", "sub", "aud", "exp", "iat"]},
    )
    missing = ID_TOKEN_CLAIMS - claims.keys()
    assert not missing, f"ID token lacks {sorted(missing)}: {claims}"
    assert claims["nonce"] == nonce, claims
    assert claims["at_hash"] == left_half_hash(access_token), claims
    now = time.time()
    assert claims["iat"] <= now + 5 and claims["exp"] > now, claims
    assert claims["auth_time"] <= claims["iat"] + 1, claims
    assert isinstance(claims["amr"], list) and claims["amr"], claims
    if isinstance(claims["aud"], list) and len(claims["aud"]) > 1:
        assert claims.get("azp") == client_id, claims
    return claims


def verify_access_token(server, access_token: str, audience: str, client_id: str) -> dict:
    header = jwt.get_unverified_header(access_token)
    assert header.get("typ", "").lower() == "at+jwt", header
    key = jwks_client(server).get_signing_key_from_jwt(access_token)
    claims = jwt.decode(access_token, key.key, algorithms=[header["alg"]], audience=audience,
                        issuer=endpoints(server)["issuer"])
    missing = ACCESS_TOKEN_CLAIMS - claims.keys()
    assert not missing, f"access token lacks {sorted(missing)}: {claims}"
    assert claims["client_id"] == client_id, claims
    return claims


@pytest.mark.parametrize("client_id", [WEB_CLIENT_ID, SPA_CLIENT_ID])
def test_id_token_and_access_token_verify_against_jwks(oidc_server, browser, client_id):
    verifier = new_verifier()
    nonce = "n-" + new_verifier()[:16]
    code, _ = code_for(browser, client_id, verifier=verifier, nonce=nonce)
    response = exchange_code(oidc_server, code, client_id=client_id, verifier=verifier)
    assert response.status_code == 200, describe(response)
    tokens = response.json()

    id_claims = verify_id_token(oidc_server, tokens["id_token"], client_id, nonce, tokens["access_token"])
    # profile and email were granted: their claims are in the ID token.
    assert id_claims["email"] == browser.email, id_claims
    assert id_claims.get("email_verified") is True, id_claims
    assert id_claims.get("name") == "Olive Idc", id_claims

    # No resource server requested: the access token is for userinfo.
    userinfo = endpoints(oidc_server)["userinfo_endpoint"]
    at_claims = verify_access_token(oidc_server, tokens["access_token"], userinfo, client_id)
    assert at_claims["sub"] == id_claims["sub"], (at_claims, id_claims)
    assert set(at_claims["scope"].split()) == {"openid", "profile", "email", "offline_access"}, at_claims


def test_access_token_for_the_api_audience(oidc_server, browser):
    tokens, nonce = web_tokens(browser, audience=API_AUDIENCE)
    verify_id_token(oidc_server, tokens["id_token"], WEB_CLIENT_ID, nonce, tokens["access_token"])
    claims = verify_access_token(oidc_server, tokens["access_token"], API_AUDIENCE, WEB_CLIENT_ID)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    assert API_AUDIENCE in audiences, claims
    # With openid granted the userinfo URL is an audience too (Auth0's shape).
    assert endpoints(oidc_server)["userinfo_endpoint"] in audiences, claims
    # enforce_policies: a user holding no permission gets none of the API's scopes.
    granted = set(claims["scope"].split())
    assert not granted & {"read:orders", "write:orders", "admin:reports"}, claims
    assert claims.get("permissions", []) == [], claims


def test_refreshed_id_token_keeps_subject_and_auth_time(oidc_server, browser):
    from oidc_client import refresh

    tokens, nonce = web_tokens(browser)
    first = verify_id_token(oidc_server, tokens["id_token"], WEB_CLIENT_ID, nonce, tokens["access_token"])
    response = refresh(oidc_server, tokens["refresh_token"])
    assert response.status_code == 200, describe(response)
    refreshed = response.json()
    key = jwks_client(oidc_server).get_signing_key_from_jwt(refreshed["id_token"])
    claims = jwt.decode(refreshed["id_token"], key.key, algorithms=["RS256"], audience=WEB_CLIENT_ID,
                        issuer=endpoints(oidc_server)["issuer"])
    assert claims["sub"] == first["sub"], (claims, first)
    assert claims["auth_time"] == first["auth_time"], (claims, first)
    verify_access_token(oidc_server, refreshed["access_token"], endpoints(oidc_server)["userinfo_endpoint"],
                        WEB_CLIENT_ID)


def test_tampered_id_token_fails_verification(oidc_server, browser):
    """The JWKS check is real: one changed payload byte and PyJWT refuses the token."""
    tokens, _ = web_tokens(browser)
    header, payload, signature = tokens["id_token"].split(".")
    forged_payload = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    forged = ".".join([header, forged_payload, signature])
    key = jwks_client(oidc_server).get_signing_key_from_jwt(tokens["id_token"])
    with pytest.raises(jwt.PyJWTError):
        jwt.decode(forged, key.key, algorithms=["RS256"], audience=WEB_CLIENT_ID)
