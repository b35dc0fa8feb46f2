"""Error paths of the OpenID Provider over plain HTTP, as RFC 6749, RFC 7009, RFC 7662, RFC 6750 and
OpenID Connect RP-Initiated Logout 1.0 define them.

Token endpoint errors are JSON `{"error", "error_description"}` with `Cache-Control: no-store`:
a replayed code (which also revokes what the first exchange issued), a wrong or missing PKCE
verifier and a redirect URI mismatch are 400 `invalid_grant`; a bad client is 401 `invalid_client`
with `WWW-Authenticate: Basic`. The authorization endpoint never redirects to an unverified
redirect URI: an unknown client or an unregistered redirect URI gets an error page.
"""

from __future__ import annotations

import pytest
import requests

from oidc_client import (
    POST_LOGOUT_REDIRECT_URI,
    REDIRECT_URI,
    SPA_CLIENT_ID,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    Browser,
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

# --------------------------------------------------------------------------------------------
# Token endpoint: authorization_code


def test_replayed_code_is_refused_and_revokes_the_first_exchange(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    first = exchange_code(oidc_server, code, verifier=verifier)
    assert first.status_code == 200, describe(first)
    assert "no-store" in first.headers.get("Cache-Control", ""), describe(first)  # RFC 6749 §5.1
    issued = first.json()

    replay = exchange_code(oidc_server, code, verifier=verifier)
    body = assert_oauth_error(replay, 400, "invalid_grant")
    assert body.get("error_description"), describe(replay)
    assert "access_token" not in body

    # The refresh token from the first exchange no longer works.
    assert_oauth_error(refresh(oidc_server, issued["refresh_token"]), 400, "invalid_grant")


def test_wrong_pkce_verifier_is_invalid_grant(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    assert_oauth_error(exchange_code(oidc_server, code, verifier=new_verifier()), 400, "invalid_grant")


def test_missing_pkce_verifier_is_invalid_grant(oidc_server, browser):
    code, _ = code_for(browser, verifier=new_verifier())
    assert_oauth_error(exchange_code(oidc_server, code, verifier=None), 400, "invalid_grant")


def test_failed_pkce_attempt_burns_the_code(oidc_server, browser):
    """A code is single use even when the exchange fails: guessing verifiers gets one try."""
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    assert_oauth_error(exchange_code(oidc_server, code, verifier=new_verifier()), 400, "invalid_grant")
    assert_oauth_error(exchange_code(oidc_server, code, verifier=verifier), 400, "invalid_grant")


def test_redirect_uri_mismatch_is_invalid_grant(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    response = exchange_code(oidc_server, code, verifier=verifier, redirect_uri="http://127.0.0.1:8081/other")
    assert_oauth_error(response, 400, "invalid_grant")


def test_code_issued_to_another_client_is_invalid_grant(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, SPA_CLIENT_ID, verifier=verifier)
    assert_oauth_error(exchange_code(oidc_server, code, client_id=WEB_CLIENT_ID, verifier=verifier),
                       400, "invalid_grant")


def test_public_client_without_pkce_is_refused_at_authorize(oidc_server, browser):
    result = browser.authorize(authorize_url(oidc_server, SPA_CLIENT_ID))
    assert result.callback is not None, result.describe()
    params = query_of(result.callback)
    assert params.get("error") == "invalid_request", params
    assert "code" not in params


def test_json_body_code_exchange(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    response = exchange_code(oidc_server, code, verifier=verifier, as_json=True)
    assert response.status_code == 200, describe(response)
    assert response.json()["access_token"], describe(response)


# --------------------------------------------------------------------------------------------
# Token endpoint: client authentication


@pytest.mark.parametrize("auth", [(WEB_CLIENT_ID, "wrong-secret"), ("no-such-client", WEB_CLIENT_SECRET)],
                         ids=["wrong-secret", "unknown-client"])
def test_invalid_client_basic_is_401_with_www_authenticate(oidc_server, browser, auth):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    response = token_request(oidc_server, {"grant_type": "authorization_code", "code": code,
                                           "redirect_uri": REDIRECT_URI, "code_verifier": verifier}, auth=auth)
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers.get("WWW-Authenticate", "").lower().startswith("basic"), describe(response)


def test_confidential_client_without_credentials_is_invalid_client(oidc_server, browser):
    verifier = new_verifier()
    code, _ = code_for(browser, verifier=verifier)
    response = token_request(oidc_server, {"grant_type": "authorization_code", "code": code, "client_id": WEB_CLIENT_ID,
                                           "redirect_uri": REDIRECT_URI, "code_verifier": verifier})
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers.get("WWW-Authenticate", "").lower().startswith("basic"), describe(response)


def test_unsupported_grant_type(oidc_server):
    response = token_request(oidc_server, {"grant_type": "urn:example:nope"}, auth=web_auth())
    assert_oauth_error(response, 400, "unsupported_grant_type")


# --------------------------------------------------------------------------------------------
# userinfo


def test_userinfo_get_and_post_with_bearer(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    url = endpoints(oidc_server)["userinfo_endpoint"]
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    got = requests.get(url, headers=headers, timeout=10)
    posted = requests.post(url, headers=headers, timeout=10)
    for response in (got, posted):
        assert response.status_code == 200, describe(response)
        assert response.json()["email"] == browser.email, describe(response)
    assert got.json() == posted.json()


@pytest.mark.parametrize("token", ["not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."], ids=["garbage", "alg-none"])
def test_userinfo_bad_token_is_401_invalid_token(oidc_server, token):
    url = endpoints(oidc_server)["userinfo_endpoint"]
    for method in ("GET", "POST"):
        response = requests.request(method, url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 401, describe(response)
        challenge = response.headers.get("WWW-Authenticate", "")
        assert challenge.startswith("Bearer"), describe(response)
        assert 'error="invalid_token"' in challenge, describe(response)


def test_userinfo_without_token_is_401_bearer(oidc_server):
    response = requests.get(endpoints(oidc_server)["userinfo_endpoint"], timeout=10)
    assert response.status_code == 401, describe(response)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), describe(response)


def test_client_credentials_token_is_refused_at_userinfo(oidc_server):
    """A token a client got for itself is not for userinfo: it names no user."""
    from oidc_client import API_AUDIENCE, WORKER_CLIENT_ID, WORKER_CLIENT_SECRET

    issued = token_request(oidc_server, {"grant_type": "client_credentials", "client_id": WORKER_CLIENT_ID,
                                         "client_secret": WORKER_CLIENT_SECRET, "audience": API_AUDIENCE})
    assert issued.status_code == 200, describe(issued)
    response = requests.get(endpoints(oidc_server)["userinfo_endpoint"],
                            headers={"Authorization": f"Bearer {issued.json()['access_token']}"}, timeout=10)
    assert response.status_code == 401, describe(response)
    assert 'error="invalid_token"' in response.headers.get("WWW-Authenticate", ""), describe(response)


# --------------------------------------------------------------------------------------------
# Authorization endpoint


def assert_error_page(result, server) -> None:
    response = result.response
    assert result.callback is None and result.form_post is None, (
        f"redirected to the client:\n{result.describe()}")
    assert 400 <= response.status_code < 500, describe(response)
    assert response.headers.get("Content-Type", "").startswith("text/html"), describe(response)
    location = response.headers.get("Location")
    assert location is None, describe(response)
    # Not even a detour through the login page: the request is refused before anything else.
    assert len(result.hops) == 1, result.describe()


def test_unknown_client_id_gets_an_error_page(oidc_server):
    agent = Browser(oidc_server)
    result = agent.authorize(authorize_url(oidc_server, "no-such-client", verifier=new_verifier()))
    assert_error_page(result, oidc_server)


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:8081/callback/extra",
    "http://127.0.0.1:8081/Callback",
    "http://127.0.0.1:8082/callback",
    "https://evil.example/callback",
], ids=["longer-path", "case", "port", "other-host"])
def test_unregistered_redirect_uri_gets_an_error_page(oidc_server, browser, redirect_uri):
    # Even with a logged-in session (no login page in between) nothing redirects to it.
    code_for(browser)
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, redirect_uri=redirect_uri,
                                             verifier=new_verifier()))
    assert_error_page(result, oidc_server)


def test_prompt_none_without_session_is_login_required(oidc_server):
    agent = Browser(oidc_server)
    result = agent.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, state="s-123", prompt="none",
                                           verifier=new_verifier()))
    assert result.callback is not None, f"{result.describe()}\n{result.response.text[:1000]}"
    assert result.callback.startswith(REDIRECT_URI + "?"), result.callback
    params = query_of(result.callback)
    assert params.get("error") == "login_required", params
    assert params.get("state") == "s-123", params
    assert "code" not in params
    assert len(result.hops) == 1, result.describe()


def test_prompt_none_with_session_gives_a_code(oidc_server, browser):
    code_for(browser)
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, prompt="none", verifier=new_verifier()))
    assert "code" in result.params, result.params
    assert not result.logged_in


def test_form_post_response_mode(oidc_server, browser):
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, state="fp-state", response_mode="form_post",
                                             verifier=new_verifier()))
    assert result.form_post is not None, f"{result.describe()}\n{result.response.text[:2000]}"
    assert result.form_action == REDIRECT_URI, result.form_action
    assert result.form_post.get("code"), result.form_post
    assert result.form_post.get("state") == "fp-state", result.form_post
    assert "no-store" in result.response.headers.get("Cache-Control", ""), describe(result.response)


def test_unsupported_response_type_redirects_with_error(oidc_server, browser):
    code_for(browser)
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, state="rt", response_type="token",
                                             verifier=new_verifier()))
    assert result.callback is not None, result.describe()
    params = query_of(result.callback)
    assert params.get("error") == "unsupported_response_type", params
    assert params.get("state") == "rt", params


# --------------------------------------------------------------------------------------------
# Revocation (RFC 7009) and introspection (RFC 7662)


def revoke(server, token: str, hint: str | None = None, auth=None) -> requests.Response:
    data = {"token": token}
    if hint:
        data["token_type_hint"] = hint
    return requests.post(endpoints(server)["revocation_endpoint"], data=data, auth=auth or web_auth(), timeout=10)


def introspect(server, token: str, auth=None) -> requests.Response:
    return requests.post(endpoints(server)["introspection_endpoint"], data={"token": token},
                         auth=auth or web_auth(), timeout=10)


def test_revoked_refresh_token_fails(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    response = revoke(oidc_server, tokens["refresh_token"], "refresh_token")
    assert response.status_code == 200, describe(response)
    assert_oauth_error(refresh(oidc_server, tokens["refresh_token"]), 400, "invalid_grant")
    # Revoking again, or revoking garbage, is still 200 (RFC 7009 §2.2).
    assert revoke(oidc_server, tokens["refresh_token"]).status_code == 200
    assert revoke(oidc_server, "no-such-token").status_code == 200


def test_revoke_requires_client_authentication(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    response = revoke(oidc_server, tokens["refresh_token"], auth=(WEB_CLIENT_ID, "wrong-secret"))
    assert_oauth_error(response, 401, "invalid_client")
    # Not revoked.
    assert refresh(oidc_server, tokens["refresh_token"]).status_code == 200


def test_introspection_active_and_inactive(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    active = introspect(oidc_server, tokens["access_token"])
    assert active.status_code == 200, describe(active)
    body = active.json()
    assert body["active"] is True, body
    assert body.get("client_id") == WEB_CLIENT_ID, body
    assert body.get("sub"), body
    assert "openid" in body.get("scope", "").split(), body

    refresh_info = introspect(oidc_server, tokens["refresh_token"]).json()
    assert refresh_info["active"] is True, refresh_info

    for token in ("garbage", tokens["access_token"][:-4] + "AAAA"):
        inactive = introspect(oidc_server, token)
        assert inactive.status_code == 200, describe(inactive)
        assert inactive.json().get("active") is False, describe(inactive)
        assert "sub" not in inactive.json(), describe(inactive)

    # After revocation the refresh token is inactive.
    assert revoke(oidc_server, tokens["refresh_token"]).status_code == 200
    assert introspect(oidc_server, tokens["refresh_token"]).json().get("active") is False


def test_introspection_requires_client_authentication(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    response = requests.post(endpoints(oidc_server)["introspection_endpoint"],
                             data={"token": tokens["access_token"]}, timeout=10)
    assert response.status_code == 401, describe(response)
    assert "active" not in response.text, describe(response)


# --------------------------------------------------------------------------------------------
# RP-initiated logout


def test_rp_initiated_logout_with_id_token_hint(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    assert browser.session_cookie(), "no session after login"
    url = endpoints(oidc_server)["end_session_endpoint"]
    response = browser.http.get(url, params={"id_token_hint": tokens["id_token"],
                                             "post_logout_redirect_uri": POST_LOGOUT_REDIRECT_URI,
                                             "state": "bye-1"}, allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), describe(response)
    location = response.headers["Location"]
    assert location.split("?")[0] == POST_LOGOUT_REDIRECT_URI, location
    assert query_of(location).get("state") == "bye-1", location

    # The session is gone: prompt=none now needs a login, and a normal request shows the form.
    result = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, prompt="none", verifier=new_verifier()))
    assert result.params.get("error") == "login_required", f"{result.params}\n{result.describe()}"
    again = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, verifier=new_verifier()), login=False)
    assert again.callback is None and "/u/login" in again.hops[-1].url, again.describe()


def test_logout_with_unregistered_post_logout_redirect_uri_does_not_redirect(oidc_server, browser):
    tokens, _ = web_tokens(browser)
    response = browser.http.get(endpoints(oidc_server)["end_session_endpoint"],
                                params={"id_token_hint": tokens["id_token"],
                                        "post_logout_redirect_uri": "https://evil.example/bye"},
                                allow_redirects=False, timeout=10)
    location = response.headers.get("Location", "")
    assert "evil.example" not in location, describe(response)
    assert response.status_code >= 400 or not location, describe(response)


def test_rp_initiated_logout_without_hint_asks_then_logs_out(oidc_server, browser):
    """Without an id_token_hint the user confirms on a page first; confirming ends the session."""
    from oidc_client import parse_forms

    web_tokens(browser)
    url = endpoints(oidc_server)["end_session_endpoint"]
    page = browser.http.get(url, params={"client_id": WEB_CLIENT_ID, "state": "bye-2",
                                         "post_logout_redirect_uri": POST_LOGOUT_REDIRECT_URI},
                            allow_redirects=False, timeout=10)
    assert page.status_code == 200, describe(page)
    forms = [f for f in parse_forms(page.text) if f["method"] == "post"]
    assert forms, f"no confirmation form:\n{page.text[:2000]}"
    # Not logged out yet: a stray link must not end the session.
    still = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, prompt="none", verifier=new_verifier()))
    assert "code" in still.params, still.params

    form = forms[0]
    action = requests.compat.urljoin(page.url, form["action"])
    confirmed = browser.http.post(action, data=form["fields"], allow_redirects=False, timeout=10)
    assert confirmed.status_code in (302, 303), describe(confirmed)
    location = confirmed.headers["Location"]
    assert location.split("?")[0] == POST_LOGOUT_REDIRECT_URI, location
    assert query_of(location).get("state") == "bye-2", location
    gone = browser.authorize(authorize_url(oidc_server, WEB_CLIENT_ID, prompt="none", verifier=new_verifier()))
    assert gone.params.get("error") == "login_required", gone.params
