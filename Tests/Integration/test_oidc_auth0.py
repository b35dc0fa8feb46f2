"""client_credentials with auth0-python's `GetToken`, which posts JSON to `{protocol}://{domain}/oauth/token`.

The SDK builds the URL from `domain` and `protocol`; with domain `127.0.0.1:PORT/acme` and protocol
`http` that is the acme tenant's token endpoint. Its body is JSON with `client_secret` in it
(client_secret_post) and `"organization": null`, exactly as the SDK sends it to Auth0.

`acme-worker` has a client grant for `https://api.acme.test` with `read:orders write:orders`: the
token carries exactly those, `admin:reports` is refused, and an audience without a grant is refused.
The same token, signed with ES256 when the API says so, verifies with PyJWT against the JWKS.
"""

from __future__ import annotations

import time

import jwt
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from jwt import PyJWKClient

from oidc_client import (
    API_AUDIENCE,
    WORKER_CLIENT_ID,
    WORKER_CLIENT_SECRET,
    describe,
    endpoints,
    oidc_server,  # noqa: F401  (fixture)
    token_request,
)
from portcullis_testkit import edit_yaml, page_server

GRANTED = {"read:orders", "write:orders"}


def get_token(server, secret: str = WORKER_CLIENT_SECRET) -> GetToken:
    return GetToken(f"127.0.0.1:{server.port}/acme", WORKER_CLIENT_ID, client_secret=secret, protocol="http",
                    telemetry=False)


def token_url_of(client: GetToken) -> str:
    return f"{client.protocol}://{client.domain}/oauth/token"


def verify(server, access_token: str, algorithm: str) -> dict:
    header = jwt.get_unverified_header(access_token)
    assert header["alg"] == algorithm, header
    assert header.get("typ", "").lower() == "at+jwt", header
    key = PyJWKClient(endpoints(server)["jwks_uri"], cache_keys=False).get_signing_key_from_jwt(access_token)
    return jwt.decode(access_token, key.key, algorithms=[algorithm], audience=API_AUDIENCE,
                      issuer=endpoints(server)["issuer"])


def test_get_token_posts_to_the_tenant_token_endpoint(oidc_server):
    assert token_url_of(get_token(oidc_server)) == endpoints(oidc_server)["token_endpoint"]


def test_client_credentials_gets_exactly_the_granted_scopes(oidc_server):
    response = get_token(oidc_server).client_credentials(API_AUDIENCE)
    assert response["token_type"].lower() == "bearer", response
    assert int(response["expires_in"]) > 0, response
    assert "refresh_token" not in response and "id_token" not in response, response
    assert set(response.get("scope", "").split()) == GRANTED, response

    claims = verify(oidc_server, response["access_token"], "RS256")
    assert claims["aud"] in (API_AUDIENCE, [API_AUDIENCE]), claims
    assert set(claims["scope"].split()) == GRANTED, claims
    assert claims["scope"].split().count("read:orders") == 1, claims
    assert sorted(claims["permissions"]) == sorted(GRANTED), claims  # token_dialect: access_token_authz
    assert claims["client_id"] == WORKER_CLIENT_ID, claims
    assert claims["sub"] == f"{WORKER_CLIENT_ID}@clients", claims
    assert claims["exp"] - claims["iat"] == 24 * 3600, claims  # token_lifetime: 24h
    assert claims["iat"] <= time.time() + 5, claims
    assert claims["jti"], claims


def test_requesting_a_scope_outside_the_grant_is_refused(oidc_server):
    client = get_token(oidc_server)
    # GetToken.client_credentials has no scope argument; the SDK's authenticated_post is what it uses.
    with pytest.raises(Auth0Error) as refused:
        client.authenticated_post(token_url_of(client), data={
            "client_id": WORKER_CLIENT_ID, "audience": API_AUDIENCE, "grant_type": "client_credentials",
            "scope": "read:orders admin:reports",
        })
    assert refused.value.status_code in (400, 403), refused.value
    assert refused.value.error_code in ("invalid_scope", "access_denied", "unauthorized_client"), refused.value

    # A subset of the grant is fine and gives only what was asked for.
    subset = client.authenticated_post(token_url_of(client), data={
        "client_id": WORKER_CLIENT_ID, "audience": API_AUDIENCE, "grant_type": "client_credentials",
        "scope": "read:orders",
    })
    assert verify(oidc_server, subset["access_token"], "RS256")["scope"] == "read:orders", subset


def test_audience_without_a_client_grant_is_refused(oidc_server):
    with pytest.raises(Auth0Error) as refused:
        get_token(oidc_server).client_credentials("https://not-granted.acme.test")
    assert refused.value.status_code in (400, 403), refused.value
    assert refused.value.error_code in ("access_denied", "invalid_request", "invalid_target",
                                        "unauthorized_client"), refused.value


def test_wrong_secret_is_invalid_client(oidc_server):
    with pytest.raises(Auth0Error) as refused:
        get_token(oidc_server, secret="not-the-secret").client_credentials(API_AUDIENCE)
    assert refused.value.status_code == 401, refused.value
    assert refused.value.error_code == "invalid_client", refused.value


def test_form_body_works_like_json(oidc_server):
    response = token_request(oidc_server, {
        "grant_type": "client_credentials", "client_id": WORKER_CLIENT_ID,
        "client_secret": WORKER_CLIENT_SECRET, "audience": API_AUDIENCE,
    })
    assert response.status_code == 200, describe(response)
    assert "no-store" in response.headers.get("Cache-Control", ""), describe(response)
    assert set(response.json()["scope"].split()) == GRANTED, describe(response)


def test_es256_resource_server_tokens_verify_with_jwks(portcullis_bin, tmp_path_factory, request):
    """With the API's signing_algorithm set to ES256 the token is signed by acme's ES256 key, made
    active for that (a tenant has at most one active key per algorithm; published keys never sign)."""

    def es256(config_dir):
        def change(data):
            for server in data["resource_servers"]:
                if server["identifier"] == API_AUDIENCE:
                    server["signing_algorithm"] = "ES256"
            for key in data["signing_keys"]:
                if key["algorithm"] == "ES256":
                    key["status"] = "active"

        edit_yaml(config_dir / "tenants" / "acme.yaml", change)

    with page_server(portcullis_bin, tmp_path_factory.mktemp("oidc-es256"), request, prepare=es256) as server:
        response = get_token(server).client_credentials(API_AUDIENCE)
        claims = verify(server, response["access_token"], "ES256")
        assert jwt.get_unverified_header(response["access_token"])["kid"] == "acme-es256-2026"
        assert set(claims["scope"].split()) == GRANTED, claims
