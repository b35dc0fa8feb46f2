"""Helpers for the OpenID Connect / OAuth 2.0 tests (test_oidc_*.py).

A `Browser` plays the user agent without JavaScript: it follows the provider's redirects by hand,
fills in the hosted login form (CSRF cookie + hidden fields, as a browser posts them) and stops
at the first redirect that leaves the provider, i.e. at the relying party's redirect URI, which
nothing has to listen on. Token, userinfo, revocation and introspection calls are plain HTTP;
the real relying-party libraries are used in the tests themselves.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
import yaml

from portcullis_testkit import EXAMPLE_SECRETS, CommandResult, Server, assert_no_crash, page_server

TENANT = "acme"
REDIRECT_URI = "http://127.0.0.1:8081/callback"
POST_LOGOUT_REDIRECT_URI = "http://127.0.0.1:8081/logged-out"
API_AUDIENCE = "https://api.acme.test"
OIDC_SCOPES = "openid profile email offline_access"
PASSWORD = "correct horse battery staple"


def example_secret(key: str) -> str:
    """A secret's value from secrets.example.yaml (the file every test server runs with)."""
    entries = yaml.safe_load(EXAMPLE_SECRETS.read_text())["secrets"]
    for entry in entries:
        if entry["key"] == key:
            return entry["data"]
    raise KeyError(key)


WEB_CLIENT_ID = "acme-web"
WEB_CLIENT_SECRET = example_secret("acme-web-client-secret")
SPA_CLIENT_ID = "acme-spa"
WORKER_CLIENT_ID = "acme-worker"
WORKER_CLIENT_SECRET = example_secret("acme-worker-client-secret")


def issuer_of(server: Server) -> str:
    return server.url(f"/{TENANT}")


def endpoints(server: Server) -> dict[str, str]:
    issuer = issuer_of(server)
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "introspection_endpoint": f"{issuer}/oauth/introspect",
        "end_session_endpoint": f"{issuer}/oidc/logout",
    }


# --------------------------------------------------------------------------------------------
# Users


def admin_cli(portcullis_bin: Path, server: Server, *args: str, stdin: str = "") -> CommandResult:
    """Runs `portcullis GROUP SUBCOMMAND ... --tenant acme` on the server's config, secrets and database."""
    group, subcommand, *rest = args
    proc = subprocess.run(
        [
            str(portcullis_bin), group, subcommand,
            "--config", str(server.config_dir),
            "--secrets", str(server.secrets),
            "--database", str(server.database),
            "--tenant", TENANT,
            *rest,
        ],
        input=stdin, capture_output=True, text=True, timeout=60, cwd=server.workdir,
    )
    result = CommandResult(proc.returncode, proc.stdout, proc.stderr)
    assert_no_crash(result)
    assert result.returncode == 0, f"portcullis {' '.join(args)}: {result.output}"
    return result


def create_user(portcullis_bin: Path, server: Server, email: str | None = None, password: str = PASSWORD,
                name: str = "Olive Idc") -> tuple[str, str]:
    """Creates a verified user with `portcullis users create --password-stdin`; returns (email, password)."""
    email = email or f"oidc-{uuid.uuid4().hex[:10]}@example.com"
    admin_cli(portcullis_bin, server, "users", "create", "--email", email, "--name", name, "--verified",
              "--password-stdin", stdin=password + "\n")
    return email, password


# --------------------------------------------------------------------------------------------
# PKCE, nonces, hashes


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_verifier() -> str:
    return b64url(secrets.token_bytes(32))


def s256(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode()).digest())


def left_half_hash(value: str) -> str:
    """at_hash / c_hash for RS256 and ES256 (SHA-256): base64url of the left half of the digest."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


# --------------------------------------------------------------------------------------------
# HTML forms


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                             "fields": {}, "buttons": []}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "button"):
            name = attrs.get("name")
            kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
            if not name:
                return
            if kind == "submit":
                self._current["buttons"].append((name, attrs.get("value") or ""))
            else:
                self._current["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def parse_forms(text: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(text)
    return parser.forms


# --------------------------------------------------------------------------------------------
# The user agent


@dataclass
class Hop:
    method: str
    url: str
    status: int
    location: str | None
    seconds: float


@dataclass
class AuthorizeResult:
    """Where the authorization request ended.

    `callback` is the URL the provider redirected to at the relying party (query response mode), or
    None; `form_post` holds the fields of an auto-submitting form_post page; `response` is the last
    response received from the provider (an error page when neither of the others is set)."""

    callback: str | None
    form_post: dict | None
    form_action: str | None
    response: requests.Response
    hops: list[Hop] = field(default_factory=list)
    logged_in: bool = False
    consented: bool = False  # the consent page was shown and approved

    @property
    def params(self) -> dict[str, str]:
        if self.callback is not None:
            return query_of(self.callback)
        if self.form_post is not None:
            return dict(self.form_post)
        raise AssertionError(f"no response at the redirect URI; last page {self.response.status_code}:\n"
                             f"{self.response.text[:2000]}\nhops: {self.hops}")

    @property
    def code(self) -> str:
        params = self.params
        assert "code" in params, f"no code at the redirect URI: {params}"
        return params["code"]

    def describe(self) -> str:
        return "\n".join(f"{h.method} {h.url} -> {h.status} {h.location or ''}" for h in self.hops)


class Browser:
    """A cookie-keeping user agent that logs in through the hosted login form when asked to."""

    def __init__(self, server: Server, email: str | None = None, password: str | None = None) -> None:
        self.server = server
        self.email = email
        self.password = password
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def _on_provider(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.netloc == f"127.0.0.1:{self.server.port}"

    def authorize(self, url: str, *, max_hops: int = 12, login: bool = True,
                  consent: str = "allow") -> AuthorizeResult:
        """GETs an authorization URL and follows the provider's pages until the relying party is reached."""
        hops: list[Hop] = []
        logged_in = consented = answered = False
        started = time.perf_counter()
        response = self.http.get(url, allow_redirects=False, timeout=30)
        hops.append(Hop("GET", url, response.status_code, response.headers.get("Location"),
                        time.perf_counter() - started))
        current = url
        for _ in range(max_hops):
            if response.is_redirect:
                target = urljoin(current, response.headers["Location"])
                if not self._on_provider(target):
                    return AuthorizeResult(target, None, None, response, hops, logged_in, consented)
                current = target
                started = time.perf_counter()
                response = self.http.get(target, allow_redirects=False, timeout=30)
                hops.append(Hop("GET", target, response.status_code, response.headers.get("Location"),
                                time.perf_counter() - started))
                continue
            forms = parse_forms(response.text) if "html" in response.headers.get("Content-Type", "") else []
            login_form = next((f for f in forms if "password" in f["fields"]), None)
            consent_form = next((f for f in forms if ("decision", consent) in f["buttons"]), None)
            offsite_form = next(
                (f for f in forms if f["method"] == "post" and f["action"]
                 and not self._on_provider(urljoin(current, html.unescape(f["action"])))),
                None,
            )
            if offsite_form is not None:  # response_mode=form_post
                action = urljoin(current, html.unescape(offsite_form["action"]))
                return AuthorizeResult(None, offsite_form["fields"], action, response, hops, logged_in, consented)
            if login_form is not None and login and self.email is not None and not logged_in:
                fields = dict(login_form["fields"])
                fields["username"] = self.email
                fields["password"] = self.password
                action = urljoin(current, html.unescape(login_form["action"]) or current)
                started = time.perf_counter()
                response = self.http.post(action, data=fields, allow_redirects=False, timeout=60)
                hops.append(Hop("POST", action, response.status_code, response.headers.get("Location"),
                                time.perf_counter() - started))
                logged_in = True
                current = action
                continue
            if consent_form is not None and not answered:
                fields = dict(consent_form["fields"])
                fields["decision"] = consent
                action = urljoin(current, html.unescape(consent_form["action"]) or current)
                response = self.http.post(action, data=fields, allow_redirects=False, timeout=30)
                hops.append(Hop("POST", action, response.status_code, response.headers.get("Location"), 0.0))
                answered = True
                consented = consent == "allow"
                current = action
                continue
            break
        return AuthorizeResult(None, None, None, response, hops, logged_in, consented)

    def session_cookie(self) -> str | None:
        return self.http.cookies.get("portcullis_session")


def authorize_url(server: Server, client_id: str, *, redirect_uri: str = REDIRECT_URI, scope: str = OIDC_SCOPES,
                  state: str | None = None, nonce: str | None = None, verifier: str | None = None,
                  **extra: str) -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
              "state": state or secrets.token_urlsafe(12), "nonce": nonce or secrets.token_urlsafe(12)}
    if verifier is not None:
        params["code_challenge"] = s256(verifier)
        params["code_challenge_method"] = "S256"
    params.update(extra)
    return endpoints(server)["authorization_endpoint"] + "?" + urlencode(params)


# --------------------------------------------------------------------------------------------
# Token endpoint and friends over plain HTTP


def token_request(server: Server, data: dict, *, auth: tuple[str, str] | None = None,
                  as_json: bool = False, headers: dict | None = None) -> requests.Response:
    url = endpoints(server)["token_endpoint"]
    if as_json:
        return requests.post(url, json=data, auth=auth, headers=headers, timeout=30)
    return requests.post(url, data=data, auth=auth, headers=headers, timeout=30)


def web_auth() -> tuple[str, str]:
    return (WEB_CLIENT_ID, WEB_CLIENT_SECRET)


def exchange_code(server: Server, code: str, *, client_id: str = WEB_CLIENT_ID, verifier: str | None = None,
                  redirect_uri: str = REDIRECT_URI, as_json: bool = False) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    if client_id == WEB_CLIENT_ID:
        return token_request(server, data, auth=web_auth(), as_json=as_json)
    data["client_id"] = client_id
    return token_request(server, data, as_json=as_json)


def refresh(server: Server, refresh_token: str, *, client_id: str = WEB_CLIENT_ID) -> requests.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if client_id == WEB_CLIENT_ID:
        return token_request(server, data, auth=web_auth())
    data["client_id"] = client_id
    return token_request(server, data)


def describe(response: requests.Response) -> str:
    """The request and response, in full, for assertion messages and bug reports."""
    request = response.request
    body = request.body
    if isinstance(body, bytes):
        body = body.decode(errors="replace")
    request_headers = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
    response_headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return (f"\n>>> {request.method} {request.url}\n{request_headers}\n\n{body or ''}\n"
            f"<<< {response.status_code} {response.reason}\n{response_headers}\n\n{response.text[:3000]}\n")


def assert_oauth_error(response: requests.Response, status: int, error: str) -> dict:
    """An RFC 6749 §5.2 error: the status, a JSON body with `error`, and `Cache-Control: no-store`."""
    assert response.status_code == status, describe(response)
    assert response.headers.get("Content-Type", "").startswith("application/json"), describe(response)
    body = response.json()
    assert body.get("error") == error, describe(response)
    assert "no-store" in response.headers.get("Cache-Control", ""), describe(response)
    return body


def code_for(browser: Browser, client_id: str = WEB_CLIENT_ID, *, verifier: str | None = None,
             **params: str) -> tuple[str, AuthorizeResult]:
    url = authorize_url(browser.server, client_id, verifier=verifier, **params)
    result = browser.authorize(url)
    return result.code, result


def web_tokens(browser: Browser, **params: str) -> tuple[dict, str]:
    """Code flow for acme-web with PKCE; returns (token response JSON, nonce)."""
    verifier = new_verifier()
    nonce = params.pop("nonce", None) or secrets.token_urlsafe(12)
    code, _ = code_for(browser, WEB_CLIENT_ID, verifier=verifier, nonce=nonce, **params)
    response = exchange_code(browser.server, code, verifier=verifier)
    assert response.status_code == 200, describe(response)
    return response.json(), nonce


def unverified_claims(token: str) -> dict:
    import jwt

    return jwt.decode(token, options={"verify_signature": False})


# --------------------------------------------------------------------------------------------
# Fixtures (imported by the test modules that use them)


@pytest.fixture(scope="module")
def oidc_server(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[Server]:
    """One server on the example config for a whole test module; its log is printed if a test failed."""
    workdir = tmp_path_factory.mktemp("oidc")
    with page_server(portcullis_bin, workdir, request) as server:
        yield server


@pytest.fixture
def browser(portcullis_bin: Path, oidc_server: Server) -> Iterator[Browser]:
    """A fresh user (created with the CLI) and a user agent that logs in as them when asked."""
    email, password = create_user(portcullis_bin, oidc_server)
    agent = Browser(oidc_server, email, password)
    yield agent
    agent.close()
