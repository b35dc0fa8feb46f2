"""OpenID Connect Discovery with pyoidc (`oic`): `Client.provider_config(issuer)`.

pyoidc fetches `{issuer}/.well-known/openid-configuration`, checks that the document's issuer is
the one asked for, takes the endpoints and loads the keys from `jwks_uri` into its key jar. The
metadata must then agree with the endpoints the provider actually serves and with its JWKS.
"""

from __future__ import annotations

import pytest
import requests
from oic.oic import Client
from oic.oic.message import ProviderConfigurationResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from oidc_client import endpoints, oidc_server  # noqa: F401  (fixture)

REQUIRED_CLAIMS = {"sub", "iss", "aud", "exp", "iat", "auth_time", "email", "email_verified", "name"}


@pytest.fixture(scope="module")
def discovered(oidc_server):
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    pcr = client.provider_config(endpoints(oidc_server)["issuer"])
    raw = requests.get(endpoints(oidc_server)["issuer"] + "/.well-known/openid-configuration", timeout=10)
    assert raw.status_code == 200, raw.text
    return client, pcr, raw.json()


def test_provider_config_endpoints(oidc_server, discovered):
    client, pcr, raw = discovered
    expected = endpoints(oidc_server)
    assert client.issuer == expected["issuer"]
    for name, url in expected.items():
        assert raw.get(name) == url, f"{name}: {raw.get(name)!r}, expected {url!r}"
        assert pcr[name] == url
    # pyoidc copies every *_endpoint into attributes it then uses.
    assert client.authorization_endpoint == expected["authorization_endpoint"]
    assert client.token_endpoint == expected["token_endpoint"]
    assert client.userinfo_endpoint == expected["userinfo_endpoint"]
    assert client.end_session_endpoint == expected["end_session_endpoint"]


def test_provider_config_is_a_valid_openid_provider_document(oidc_server, discovered):
    _, pcr, raw = discovered
    # pyoidc's own validation (required members, types, openid in scopes_supported). It also
    # insists on an https issuer, which a loopback test server does not have: only that is changed.
    checked = ProviderConfigurationResponse(**pcr.to_dict())
    checked["issuer"] = "https://" + pcr["issuer"].split("://", 1)[1]
    assert checked.verify()

    assert "code" in raw["response_types_supported"], raw
    assert "public" in raw["subject_types_supported"], raw
    assert "RS256" in raw["id_token_signing_alg_values_supported"], raw
    assert {"openid", "profile", "email", "offline_access"} <= set(raw["scopes_supported"]), raw
    assert "S256" in raw["code_challenge_methods_supported"], raw
    assert {"authorization_code", "refresh_token", "client_credentials"} <= set(raw["grant_types_supported"]), raw
    assert {"client_secret_basic", "client_secret_post", "none", "private_key_jwt"} <= set(
        raw["token_endpoint_auth_methods_supported"]), raw
    assert {"query", "form_post"} <= set(raw["response_modes_supported"]), raw
    missing = REQUIRED_CLAIMS - set(raw.get("claims_supported", []))
    assert not missing, f"claims_supported lacks {sorted(missing)}: {raw.get('claims_supported')}"
    if "private_key_jwt" in raw["token_endpoint_auth_methods_supported"]:
        assert raw.get("token_endpoint_auth_signing_alg_values_supported"), raw
    # Revocation and introspection take client authentication (RFC 8414 §2).
    for name in ("revocation_endpoint_auth_methods_supported", "introspection_endpoint_auth_methods_supported"):
        if name in raw:
            assert "client_secret_basic" in raw[name], raw


def test_every_advertised_endpoint_exists(oidc_server, discovered):
    """No endpoint is announced ahead of its implementation: each answers something other than 404."""
    _, _, raw = discovered
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "revocation_endpoint",
                 "introspection_endpoint", "end_session_endpoint"):
        method = "POST" if name in ("token_endpoint", "revocation_endpoint", "introspection_endpoint") else "GET"
        response = requests.request(method, raw[name], allow_redirects=False, timeout=10)
        assert response.status_code != 404, f"{name} {method} {raw[name]} -> 404: {response.text[:500]}"
        assert response.status_code < 500, f"{name} {method} {raw[name]} -> {response.status_code}: {response.text[:500]}"


def test_keys_loaded_from_jwks_uri(oidc_server, discovered):
    client, _, _ = discovered
    issuer = endpoints(oidc_server)["issuer"]
    kids = {key.kid for key in client.keyjar.get_issuer_keys(issuer)}
    served = oidc_server.jwks_kids("acme")
    assert kids == served, (kids, served)
    assert "acme-rs256-2026" in kids
    rsa = client.keyjar.get_verify_key("RSA", owner=issuer)
    assert any(key.kid == "acme-rs256-2026" for key in rsa), rsa
