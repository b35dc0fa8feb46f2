"""Forward auth through Debian's real nginx: `auth_request` to the real portcullis binary, in front
of an upstream echo application, with the example config's rules for app.acme.test:

  public-pages (/public/): bypass · admin-area (/admin/): roles any_of admin · everything-else:
  authenticated · any other host: default_policy deny.

nginx runs deploy/nginx/forward-auth.conf, the file docs/nginx.md shows, with only its addresses
moved to free ports. The browser is played with `requests`: the session cookie the login page sets
for the issuer is handed to app.acme.test by hand, as `session.cookie_domain` would in a deployment.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml

from forward_auth_stack import NGINX_TEMPLATE, EchoApp, Nginx, nginx_config
from portcullis_testkit import EXAMPLE_SECRETS, REPO_ROOT, Server, free_port, page_server, write_atomically

SESSION_COOKIE = "portcullis_session"
PASSWORD = "forward auth password 1"
APP_HOST = "app.acme.test"


class Stack:
    def __init__(self, server: Server, nginx: Nginx, app: EchoApp, portcullis_bin: Path) -> None:
        self.server = server
        self.nginx = nginx
        self.app = app
        self.portcullis_bin = portcullis_bin
        self.app_authority = f"{APP_HOST}:{nginx.port}"

    def get(self, path: str, *, cookie: str | None = None, method: str = "GET", headers=None, **kwargs):
        """A request to app.acme.test through nginx; redirects are not followed."""
        all_headers = {"Host": self.app_authority, **(headers or {})}
        if cookie is not None:
            all_headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
        return requests.request(method, f"http://127.0.0.1:{self.nginx.port}{path}", headers=all_headers,
                                allow_redirects=False, timeout=10, **kwargs)

    def create_user(self, email: str, name: str = "Forward Tester") -> str:
        proc = subprocess.run(
            [str(self.portcullis_bin), "users", "create", "--config", str(self.server.config_dir),
             "--secrets", str(self.server.secrets), "--database", str(self.server.database),
             "--tenant", "acme", "--email", email, "--name", name, "--password-stdin", "--verified"],
            input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout.strip()

    def login(self, email: str, login_url: str) -> tuple[str, str]:
        """Logs in on the page nginx sent us to; returns the session token and where it sent us back."""
        session = requests.Session()
        page = session.get(login_url, timeout=10)
        assert page.status_code == 200, page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        state = re.search(r'name="state" value="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        response = session.post(
            self.server.url("/acme/u/login"),
            data={"csrf_token": csrf, "username": email, "password": PASSWORD, "state": state},
            allow_redirects=False, timeout=30)
        assert response.status_code == 303, response.text
        return response.cookies[SESSION_COOKIE], response.headers["Location"]

    def logged_in(self, email: str) -> str:
        self.create_user(email)
        first = self.get("/start")
        token, _ = self.login(email, first.headers["Location"])
        return token

    def access_check(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.portcullis_bin), "access", "check", "--config", str(self.server.config_dir),
             "--secrets", str(self.server.secrets), "--database", str(self.server.database), "--tenant", "acme", *args],
            capture_output=True, text=True, timeout=60)

    def logout(self, token: str) -> None:
        session = requests.Session()
        session.cookies.set(SESSION_COOKIE, token)
        page = session.get(self.server.url("/acme/u/logout"), timeout=10)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = session.post(self.server.url("/acme/u/logout"), data={"csrf_token": csrf}, timeout=10)
        assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def stack(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("forward-auth")
    app = EchoApp().start()
    nginx = None

    def logs() -> str:
        return f"\n--- nginx log ---\n{nginx.log_tail() if nginx else ''}"

    try:
        with page_server(portcullis_bin, workdir, request, extra_log=logs) as server:
            nginx_port = free_port()
            nginx_config(workdir / "nginx", listen_port=nginx_port, portcullis_port=server.port, app_port=app.port)
            nginx = Nginx(workdir / "nginx", nginx_port).start()
            try:
                yield Stack(server, nginx, app, portcullis_bin)
            finally:
                nginx.stop()
    finally:
        app.stop()


def echoed(response: requests.Response) -> dict:
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return json.loads(response.text)


def identity_headers(echo: dict) -> dict:
    return {k: v for k, v in echo["headers"].items() if k.startswith("x-portcullis-")}


def login_redirect_target(stack: Stack, response: requests.Response) -> str:
    """Asserts a redirect to the tenant's login page; returns its `rd`."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == stack.server.url("/acme/u/login")
    return parse_qs(location.query)["rd"][0]


# --------------------------------------------------------------------------------------------


def test_docs_show_the_tested_nginx_config():
    docs = (REPO_ROOT / "docs" / "nginx.md").read_text()
    assert NGINX_TEMPLATE.read_text().strip() in docs, "docs/nginx.md must embed deploy/nginx/forward-auth.conf verbatim"


def test_anonymous_is_sent_to_login(stack):
    response = stack.get("/dash/page?x=1&y=2")
    assert login_redirect_target(stack, response) == f"http://{stack.app_authority}/dash/page?x=1&y=2"


def test_bypass_path_is_served_without_identity(stack):
    echo = echoed(stack.get("/public/about", headers={"X-Portcullis-User-Id": "forged", "X-Portcullis-Roles": "admin"}))
    assert echo["path"] == "/public/about"
    assert identity_headers(echo) == {}, "identity headers come from the resolver only, never from the client"


def test_login_returns_to_the_page_with_identity_at_the_upstream(stack):
    email = "nginx-alice@example.com"
    user_id = stack.create_user(email, name="Alice Nginx")
    token, back = stack.login(email, stack.get("/reports/2026?q=1").headers["Location"])
    assert back == f"http://{stack.app_authority}/reports/2026?q=1"
    echo = echoed(stack.get(urlsplit(back).path + "?q=1", cookie=token, headers={"X-Portcullis-Roles": "admin"}))
    headers = identity_headers(echo)
    assert headers["x-portcullis-user-id"] == user_id
    assert headers["x-portcullis-email"] == email
    assert headers["x-portcullis-email-verified"] == "true"
    assert headers["x-portcullis-name"] == "Alice Nginx"
    assert headers["x-portcullis-session-amr"] == "pwd"
    assert int(headers["x-portcullis-authenticated-at"]) > 1_700_000_000
    assert "x-portcullis-roles" not in headers, "no roles: empty, and the forged value is dropped"


def test_admin_area_is_forbidden_without_the_role(stack):
    token = stack.logged_in("nginx-bob@example.com")
    response = stack.get("/admin/users", cookie=token)
    assert response.status_code == 403
    assert "this page is not for you" in response.text
    assert stack.get("/admin/users").status_code == 302, "anonymous: log in first"
    assert stack.get("/%61dmin/users", cookie=token).status_code == 403, "encoded paths are matched decoded"


def test_admin_area_with_the_admin_role(stack):
    email = "nginx-admin@example.com"
    user_id = stack.create_user(email)
    # Assigned before the first request: another process's change reaches a cached session only
    # after the cache's 30 s (docs/nginx.md).
    assigned = subprocess.run(
        [str(stack.portcullis_bin), "roles", "assign", "--config", str(stack.server.config_dir),
         "--secrets", str(stack.server.secrets), "--database", str(stack.server.database), "--tenant", "acme",
         "--email", email, "--role", "admin"], capture_output=True, text=True, timeout=60)
    assert assigned.returncode == 0, assigned.stdout + assigned.stderr
    token, _ = stack.login(email, stack.get("/admin/users").headers["Location"])
    echo = echoed(stack.get("/admin/users", cookie=token))
    assert identity_headers(echo)["x-portcullis-roles"] == "admin"
    check = stack.access_check("--url", f"http://{APP_HOST}/admin/users", "--user", user_id, "--expect", "allow")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "rule:     admin-area (tenants/acme.yaml:" in check.stdout
    assert "subject:  " + user_id + " (roles: admin)" in check.stdout


def test_access_check_explains_the_example_rules(stack):
    cases = [("/public/about", "bypass", "public-pages"), ("/admin/x", "login", "admin-area"),
             ("/dash", "login", "everything-else")]
    for path, decision, rule in cases:
        result = stack.access_check("--url", f"https://{APP_HOST}{path}", "--anonymous", "--expect", decision)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"rule:     {rule} " in result.stdout
    other = stack.access_check("--url", "https://other.acme.test/", "--anonymous")
    assert "none matched; forward_auth.default_policy deny" in other.stdout
    assert "decision: forbidden (403)" in other.stdout
    mismatch = stack.access_check("--url", f"https://{APP_HOST}/dash", "--anonymous", "--expect", "allow")
    assert mismatch.returncode == 3, mismatch.stdout + mismatch.stderr
    assert stack.access_check("--url", f"https://{APP_HOST}/dash").returncode == 64, "--user or --anonymous"


def test_head_and_post(stack):
    token = stack.logged_in("nginx-carol@example.com")
    assert stack.get("/dash", method="HEAD").status_code == 302
    assert stack.get("/dash", method="POST", data="a=1").status_code == 302
    head = stack.get("/dash", method="HEAD", cookie=token)
    assert head.status_code == 200
    echo = echoed(stack.get("/orders", method="POST", cookie=token, data="item=42"))
    assert echo["method"] == "POST"
    assert echo["body"] == "item=42", "the body reaches the application, not the resolver"
    assert identity_headers(echo)["x-portcullis-email"] == "nginx-carol@example.com"


def test_logout_ends_access_on_the_next_request(stack):
    token = stack.logged_in("nginx-dave@example.com")
    assert stack.get("/dash", cookie=token).status_code == 200
    stack.logout(token)
    login_redirect_target(stack, stack.get("/dash", cookie=token))


def test_expired_session_is_sent_to_login(stack):
    token = stack.logged_in("nginx-erin@example.com")
    digest = hashlib.sha256(token.encode()).hexdigest()
    with sqlite3.connect(stack.server.database) as db:
        db.execute("UPDATE sessions SET idle_expires_at = 1000, absolute_expires_at = 1000 WHERE digest = ?",
                   (digest,))
    login_redirect_target(stack, stack.get("/dash", cookie=token))


def test_rule_change_applies_on_reload(stack):
    path = stack.server.config_dir / "tenants" / "acme.yaml"
    original = path.read_text()
    assert stack.get("/reloaded/page").status_code == 302
    try:
        before = stack.server.reload_counters()
        write_atomically(path, original.replace(
            "access_rules:\n",
            "access_rules:\n  - name: reloaded\n    hosts: [app.acme.test]\n"
            "    paths: [{prefix: /reloaded/}]\n    policy: bypass\n", 1))
        stack.server.hup()
        assert stack.server.wait_for_reload(before) == "ok"
        assert echoed(stack.get("/reloaded/page"))["path"] == "/reloaded/page"
    finally:
        before = stack.server.reload_counters()
        write_atomically(path, original)
        stack.server.hup()
        assert stack.server.wait_for_reload(before) == "ok"
    assert stack.get("/reloaded/page").status_code == 302


@pytest.mark.parametrize("cookie", ["garbage", "", "a" * 43, "x" * 6000, "ü;;==\"", "..%00"])
def test_garbage_cookies_are_sent_to_login(stack, cookie):
    response = stack.get("/dash", headers={"Cookie": f"{SESSION_COOKIE}={cookie}; other=1".encode("utf-8")})
    assert response.status_code == 302, response.text[:300]


def test_oversized_and_odd_requests_never_fail_with_500(stack):
    huge_cookie = stack.get("/dash", headers={"Cookie": "c=" + "x" * 20000})
    assert huge_cookie.status_code in (400, 431, 494), huge_cookie.status_code
    long_path = stack.get("/" + "a" * 7000)
    assert long_path.status_code in (302, 414), long_path.status_code
    for odd in ("/%ff", "/caf%C3%A9", "/a/../../admin/", "/..%2fadmin/"):
        response = stack.get(odd)
        assert response.status_code in (302, 400, 403), (odd, response.status_code)
    assert stack.get("/x", headers={"Host": "other.acme.test"}).status_code in (403, 404), "default policy deny"


def test_resolver_called_directly_without_forwarding_headers(stack):
    response = requests.get(stack.server.url("/acme/_resolver/resolve"), timeout=5)
    assert response.status_code == 400
    garbage = requests.get(stack.server.url("/acme/_resolver/resolve"), headers={"X-Original-URL": "::::"}, timeout=5)
    assert garbage.status_code == 400
    traefik = requests.get(stack.server.url("/acme/_resolver/redirect"), timeout=5, allow_redirects=False, headers={
        "X-Forwarded-Proto": "http", "X-Forwarded-Host": APP_HOST, "X-Forwarded-Uri": "/dash",
        "X-Forwarded-Method": "GET"})
    assert traefik.status_code == 302
    assert "rd=http%3A%2F%2Fapp.acme.test%2Fdash" in traefik.headers["Location"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def access_token(stack: Stack, tmp_path: Path, sub: str, *, lifetime: int = 600, issuer: str | None = None) -> str:
    """An RFC 9068 access token signed with acme's active RS256 key from the example secrets, by
    `openssl` rather than by Portcullis, so the resolver is checked against an independent signer."""
    secrets = yaml.safe_load(EXAMPLE_SECRETS.read_text())["secrets"]
    key = tmp_path / "acme-rs256.pem"
    key.write_text(next(entry["data"] for entry in secrets if entry["key"] == "acme-signing-rs256"))
    now = int(time.time())
    header = {"alg": "RS256", "typ": "at+jwt", "kid": "acme-rs256-2026"}
    claims = {"iss": issuer or stack.server.url("/acme"), "sub": sub, "aud": "https://api.acme.test",
              "exp": now + lifetime, "iat": now, "jti": uuid.uuid4().hex, "client_id": "acme-web"}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(key), "-binary"],
                               input=signing_input.encode(), capture_output=True, check=True).stdout
    return f"{signing_input}.{b64url(signature)}"


def test_bearer_tokens(stack, tmp_path):
    user_id = stack.create_user("nginx-frank@example.com")
    token = access_token(stack, tmp_path, user_id)
    echo = echoed(stack.get("/api/orders", headers={"Authorization": f"Bearer {token}"}))
    assert identity_headers(echo)["x-portcullis-user-id"] == user_id
    assert identity_headers(echo)["x-portcullis-email"] == "nginx-frank@example.com"
    assert echo["headers"]["authorization"] == f"Bearer {token}", "the application still gets its token"
    assert stack.get("/admin/", headers={"Authorization": f"Bearer {token}"}).status_code == 403

    for refused in (access_token(stack, tmp_path, "acme-worker@clients"),        # machine-to-machine: no user
                    access_token(stack, tmp_path, user_id, lifetime=-10),        # expired
                    access_token(stack, tmp_path, user_id, issuer="http://evil.test/acme"),
                    token[:-4] + "AAAA", "not-a-jwt"):
        response = stack.get("/api/orders", headers={"Authorization": f"Bearer {refused}"})
        assert response.status_code == 302, (refused[:40], response.status_code)
