"""Blocking hooks end to end: the real server calling a real HTTP hook endpoint on loopback and
acting on its answers (docs/hooks.md).

One server runs for the module with a hook of every trigger, all pointed at one `HookEndpoint`
(a `webhook_receiver.WebhookReceiver` that answers with JSON); each test tells the endpoint what to
answer per hook name (`Portcullis-Hook`), and every hook not told answers an empty 200 (allow,
change nothing). Every request the tests look at is checked to carry a valid
`Portcullis-Signature` (HMAC-SHA256 over `"<t>." + body` with `acme-hook-secret`) and the
documented headers. What this proves:

- `post_login`: a login through the hosted page gets the hooks' *namespaced* claims in the ID and
  access tokens (several hooks in configuration order, the later one seeing the earlier one's
  `changes`), plain-named claims are refused (never in a token, never replacing `sub`, `email`,
  `scope`) and logged, the answered `app_metadata` is stored on the user; the payload names the
  user, the client and `grant_type: authorization_code`. The code exchange does not call the hooks
  again; a refresh does (`grant_type: refresh_token`) and its tokens carry the new answer. A denial
  reaches the client's redirect URI as `error=access_denied` with the hook's message and no code
  (and ends the chain); on a refresh it is `403 access_denied`.
- Failures follow `on_failure`: a hook with `timeout: 200ms` whose endpoint takes 1 s, or that
  answers 500, refuses the login with `deny` (without anything of the hook's) and is skipped with
  `continue` (the login goes on, without its claims; so does a malformed answer) — and the login
  waits about the timeout, not the endpoint's second. `on_failure` is switched by SIGHUP reload.
- `credentials_exchange`: `client_credentials` tokens get the hook's access-token claim; a denial
  is `403 {"error": "access_denied", "error_description": <message>}`.
- `pre_user_registration`: a denied hosted sign-up shows the hook's message (in German for a
  German browser, from `messages.de`) with 403 and stores nobody; through `POST /api/v2/users` it is
  `400 denied_by_hook`; an allowed one stores the answered `app_metadata`/`user_metadata` (a `null`
  removing a key), and `post_user_registration` is then told the stored user.
- `pre_user_update` vetoes a PATCH (`400 denied_by_hook`, nothing changed, `blocked` included);
  `pre_user_deletion` vetoes a DELETE (`409 denied_by_hook`, the user remains); once allowed the
  user is deleted and `post_user_deletion` is told.
- The last test only measures and prints what an immediately answering `post_login` hook adds to a
  login (SSO `/authorize` round trips with the hook enabled vs disabled, reloaded by SIGHUP).
"""

from __future__ import annotations

import html
import re
import statistics
import time
from typing import Any, Callable, Iterator
from urllib.parse import quote

import pytest
import requests

from oidc_client import (
    API_AUDIENCE,
    PASSWORD,
    REDIRECT_URI,
    SPA_CLIENT_ID,
    WEB_CLIENT_ID,
    WORKER_CLIENT_ID,
    WORKER_CLIENT_SECRET,
    Browser,
    assert_oauth_error,
    authorize_url,
    create_user,
    describe,
    example_secret,
    exchange_code,
    new_verifier,
    parse_forms,
    query_of,
    refresh,
    token_request,
)
from portcullis_testkit import Server, edit_yaml, page_server
from test_management_auth0 import CONNECTION, token, unique_email
from test_oidc_authorization import verified
from webhook_receiver import Delivery, Reply, WebhookReceiver, verify_signature

HOOK_SECRET_KEY = "acme-hook-secret"
HOOK_SECRET = example_secret(HOOK_SECRET_KEY).encode()
HOOK_PATH = "/hook"
# The hooks of the module's server, in configuration order (the order post_login's run in).
# Generous timeouts for the hooks that must answer: a loaded 2-core machine, a debug build.
HOOKS: list[dict[str, Any]] = [
    {"name": "login-enrich", "trigger": "post_login", "timeout": "5s", "on_failure": "deny"},
    {"name": "login-second", "trigger": "post_login", "timeout": "5s", "on_failure": "continue"},
    # Off except in the timeout test, which switches it on (and its on_failure) by reload: a 200 ms
    # budget in every other login would make them depend on the machine's load.
    {"name": "login-timeout", "trigger": "post_login", "timeout": "200ms", "on_failure": "deny", "enabled": False},
    {"name": "m2m-claims", "trigger": "credentials_exchange", "timeout": "5s", "on_failure": "deny"},
    {"name": "signup-check", "trigger": "pre_user_registration", "timeout": "5s", "on_failure": "deny"},
    {"name": "signup-notify", "trigger": "post_user_registration", "timeout": "5s", "on_failure": "continue"},
    {"name": "update-guard", "trigger": "pre_user_update", "timeout": "5s", "on_failure": "deny"},
    {"name": "delete-guard", "trigger": "pre_user_deletion", "timeout": "5s", "on_failure": "deny"},
    {"name": "delete-notify", "trigger": "post_user_deletion", "timeout": "5s", "on_failure": "continue"},
]
TIMEOUT_HOOK_SECONDS = 0.2
SLOW_ANSWER_SECONDS = 1.0
# A denied login must not wait for the slow endpoint: the timeout plus this much for a loaded machine.
TIMEOUT_SLACK = 2.0
# post_user_registration / post_user_deletion are sent after the response, within moments.
NOTIFY_TIMEOUT = 20.0

PLAN = "https://acme.test/plan"
TIER = "https://acme.test/tier"
TEAM = "urn:acme:team"
SECOND = "https://acme.test/second"
SLOW = "https://acme.test/slow"
WORKER = "https://acme.test/worker"
API_BASE = "/acme/api/v2"


# --------------------------------------------------------------------------------------------
# The hook endpoint


Answer = Reply | Callable[[Delivery], Reply]


class HookEndpoint(WebhookReceiver):
    """A hook endpoint at `http://127.0.0.1:<free port>/hook`: checks signatures (401 when one does
    not verify, which the server counts as a failed hook), records every request, and answers each
    hook (by its `Portcullis-Hook` header) with what `answer()` set — an empty 200 by default."""

    def __init__(self) -> None:
        super().__init__(HOOK_SECRET, path=HOOK_PATH)
        self._answers: dict[str, Answer] = {}
        self.respond_with(self._reply)

    def answer(self, hook: str, body: Any = None, *, status: int = 200, delay: float = 0.0,
               reply: Answer | None = None) -> None:
        """From now on answers `hook` with `body` as JSON (None: an empty body), or with `reply`."""
        with self._lock:
            self._answers[hook] = reply if reply is not None else Reply(status, body, delay=delay)

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()

    def _reply(self, delivery: Delivery) -> Reply:  # called with the lock held
        answer = self._answers.get(delivery.header("Portcullis-Hook") or "", Reply())
        return answer(delivery) if callable(answer) else answer

    # -- what arrived --

    def mark(self) -> int:
        """A position in the record: `since(mark)` gives what came after it."""
        with self._lock:
            return len(self.requests)

    def since(self, mark: int, hook: str | None = None, trigger: str | None = None) -> list[Delivery]:
        """What came after `mark`, of one hook or trigger if given (a notification of an earlier step,
        sent after its response, may arrive in between)."""
        with self._lock:
            return [d for d in self.requests[mark:]
                    if (hook is None or d.header("Portcullis-Hook") == hook)
                    and (trigger is None or d.header("Portcullis-Trigger") == trigger)]

    def calls(self, hook: str, where: Callable[[dict], bool] = lambda body: True) -> list[Delivery]:
        return [d for d in self.since(0, hook) if isinstance(d.json, dict) and where(d.json)]

    def wait_call(self, hook: str, timeout: float, where: Callable[[dict], bool] = lambda body: True) -> Delivery:
        self.wait_for(lambda: bool(self.calls(hook, where)), timeout, f"no call of hook {hook}")
        return self.calls(hook, where)[0]

    def describe(self, last: int = 40) -> str:
        with self._lock:
            requests_ = list(self.requests[-last:])
        lines = [f"{d.header('Portcullis-Hook')} ({d.header('Portcullis-Trigger')}) -> {d.status} "
                 f"{'signed' if d.signature_valid else 'BAD SIGNATURE'}: {d.body[:300]!r}" for d in requests_]
        return "\n".join([f"{len(self.requests)} hook requests", *lines])


def names(deliveries: list[Delivery]) -> list[str | None]:
    return [d.header("Portcullis-Hook") for d in deliveries]


def assert_signed(delivery: Delivery, hook: str, trigger: str) -> dict:
    """The request is a correctly signed, fresh call of `hook` for `trigger`; returns its body."""
    assert delivery.signature_valid, delivery.headers
    # Checked again here, independently of how the endpoint answered it.
    assert verify_signature(delivery.signature, delivery.body, HOOK_SECRET), delivery.signature
    timestamp = int(re.match(r"t=(\d+),", delivery.signature).group(1))
    assert abs(timestamp - delivery.received_at) < 60, (timestamp, delivery.received_at)
    assert not verify_signature(delivery.signature, delivery.body + b" ", HOOK_SECRET)
    assert delivery.method == "POST" and delivery.path == HOOK_PATH
    assert delivery.header("Content-Type") == "application/json"
    assert delivery.header("User-Agent") == "Portcullis-Hooks/1"
    assert delivery.header("Portcullis-Hook") == hook and delivery.header("Portcullis-Trigger") == trigger
    body = delivery.json
    assert isinstance(body, dict), delivery.body
    assert body["hook"] == hook and body["trigger"] == trigger, body
    assert body["tenant"]["id"] == "acme", body
    # Nothing secret ever goes out: no password, no hash, no key.
    for secret in (PASSWORD.encode(), b"argon2", b"password_hash", HOOK_SECRET):
        assert secret not in delivery.body, (secret, delivery.body)
    return body


# --------------------------------------------------------------------------------------------
# Configuration


def install_hooks(config_dir, endpoint: HookEndpoint) -> None:
    """Replaces acme's `hooks:` with HOOKS, all pointed at the endpoint."""

    def change(data: dict) -> None:
        data["hooks"] = [{"url": endpoint.url, "secret": HOOK_SECRET_KEY, "enabled": True, **hook} for hook in HOOKS]

    edit_yaml(config_dir / "tenants" / "acme.yaml", change)


def reconfigure(server: Server, **changes: dict[str, Any]) -> None:
    """Changes hooks by name (`login_timeout={"on_failure": "continue"}`; `_` for `-`) in the running
    server's acme.yaml and reloads it with SIGHUP, waiting until the reload succeeded."""

    def change(data: dict) -> None:
        by_name = {hook["name"]: hook for hook in data["hooks"]}
        for name, values in changes.items():
            by_name[name.replace("_", "-")].update(values)

    before = server.reload_counters()
    edit_yaml(server.config_dir / "tenants" / "acme.yaml", change)
    server.hup()
    assert server.wait_for_reload(before, timeout=30) == "ok", server.log_tail()


def restore_hooks(server: Server) -> None:
    """Back to HOOKS as installed (after a test that reconfigured them)."""
    reconfigure(server, **{hook["name"]: {"enabled": hook.get("enabled", True), "on_failure": hook["on_failure"]}
                           for hook in HOOKS})


def log_lines(server: Server, *needles: str) -> list[str]:
    return [line for line in server.log_text().splitlines() if all(n in line for n in needles)]


# --------------------------------------------------------------------------------------------
# The management API, over plain HTTP (the error bodies are checked as they are)


class Management:
    def __init__(self, server: Server) -> None:
        self.server = server
        # One token for the module: every token request also runs the credentials_exchange hook.
        self.headers = {"Authorization": f"Bearer {token(server)}"}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.server.url(API_BASE + path), headers=self.headers, timeout=30, **kwargs)

    def user_path(self, user_id: str) -> str:
        return "/users/" + quote(user_id, safe="")

    def get_user(self, user_id: str) -> requests.Response:
        return self.request("GET", self.user_path(user_id))

    def user(self, user_id: str) -> dict:
        response = self.get_user(user_id)
        assert response.status_code == 200, describe(response)
        return response.json()

    def by_email(self, email: str) -> list[dict]:
        response = self.request("GET", "/users-by-email", params={"email": email})
        assert response.status_code == 200, describe(response)
        return response.json()

    def only_user(self, email: str) -> dict:
        users = self.by_email(email)
        assert len(users) == 1, users
        return users[0]

    def create(self, email: str, **fields) -> requests.Response:
        return self.request("POST", "/users", json={"connection": CONNECTION, "email": email, "password": PASSWORD,
                                                    **fields})

    def patch(self, user_id: str, **fields) -> requests.Response:
        return self.request("PATCH", self.user_path(user_id), json=fields)

    def delete(self, user_id: str) -> requests.Response:
        return self.request("DELETE", self.user_path(user_id))


def assert_denied_by_hook(response: requests.Response, status: int, message: str) -> None:
    assert response.status_code == status, describe(response)
    body = response.json()
    assert body.get("errorCode") == "denied_by_hook" and body.get("message") == message, describe(response)
    assert body.get("statusCode") == status, describe(response)


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def hooked(portcullis_bin, tmp_path_factory, request) -> Iterator[tuple[Server, HookEndpoint, Management]]:
    """One server with every hook configured, one endpoint, one management API client."""
    endpoint = HookEndpoint().start()
    try:
        with page_server(portcullis_bin, tmp_path_factory.mktemp("hooks"), request,
                         prepare=lambda config: install_hooks(config, endpoint),
                         extra_log=lambda: f"--- hook endpoint ---\n{endpoint.describe()}") as server:
            yield server, endpoint, Management(server)
    finally:
        endpoint.stop()


@pytest.fixture
def env(hooked) -> Iterator[tuple[Server, HookEndpoint, Management]]:
    """The shared server; every hook answering an empty 200 at the start and end of each test."""
    endpoint = hooked[1]
    endpoint.reset()
    yield hooked
    endpoint.reset()


def new_browser(portcullis_bin, server: Server) -> Browser:
    """A browser for a new verified user, made with the CLI (which runs no hooks)."""
    email, password = create_user(portcullis_bin, server)
    return Browser(server, email, password)


def sso_authorize(browser: Browser, client_id: str = WEB_CLIENT_ID, **params: str) -> tuple[dict, float, str]:
    """One `/authorize` request of a browser that already has a session: no form, the provider
    decides at once (post_login hooks included) and redirects to the client. Returns the callback's
    query, the round trip in seconds and the PKCE verifier."""
    verifier = new_verifier()
    url = authorize_url(browser.server, client_id, verifier=verifier, audience=API_AUDIENCE, **params)
    started = time.perf_counter()
    response = browser.http.get(url, allow_redirects=False, timeout=30)
    elapsed = time.perf_counter() - started
    assert response.status_code in (302, 303), describe(response)
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?"), describe(response)
    return query_of(location), elapsed, verifier


def tokens_for(server: Server, params: dict, verifier: str) -> dict:
    assert "code" in params and "error" not in params, params
    response = exchange_code(server, params["code"], verifier=verifier)
    assert response.status_code == 200, describe(response)
    return response.json()


# --------------------------------------------------------------------------------------------
# 1. post_login


def test_post_login_claims_app_metadata_refresh_and_payload(portcullis_bin, env):
    server, endpoint, mgmt = env
    browser = new_browser(portcullis_bin, server)
    user = mgmt.only_user(browser.email)
    endpoint.answer("login-enrich", {
        # Plain names (and registered or Portcullis claims) must not get into a token.
        "id_token_claims": {PLAN: "gold", TEAM: "blue", "plan": "gold", "email": "mallory@evil.example"},
        "access_token_claims": {TIER: 3, "tier": 3, "sub": "someone-else", "scope": "admin:reports"},
        "app_metadata": {"plan": "gold", "seats": 5},
    })
    endpoint.answer("login-second", {"id_token_claims": {SECOND: "two"}, "access_token_claims": {SECOND: "two"}})

    mark = endpoint.mark()
    verifier = new_verifier()
    result = browser.authorize(authorize_url(server, WEB_CLIENT_ID, verifier=verifier, audience=API_AUDIENCE))
    assert result.logged_in, result.describe()
    code = result.code
    # Each post_login hook ran once, in configuration order, before the code was issued.
    assert names(endpoint.since(mark, trigger="post_login")) == ["login-enrich", "login-second"]
    first, second = endpoint.since(mark, trigger="post_login")
    body = assert_signed(first, "login-enrich", "post_login")
    assert body["user"]["email"] == browser.email and body["user"]["user_id"] == user["user_id"], body
    assert body["user"]["id"] == user["user_id"].split("|", 1)[1] and body["user"]["connection"] == CONNECTION
    assert "password" not in body["user"], body["user"]
    assert body["client"] == {"client_id": WEB_CLIENT_ID, "name": "Acme Web"}, body
    assert body["transaction"]["grant_type"] == "authorization_code", body
    assert body["transaction"]["audience"] == API_AUDIENCE and "openid" in body["transaction"]["scopes"], body
    assert body["changes"] == {"id_token_claims": {}, "access_token_claims": {}, "app_metadata": {},
                               "user_metadata": {}}, body
    # The second hook sees what the first answered (as given; the namespace check is applied at the end).
    later = assert_signed(second, "login-second", "post_login")
    assert later["changes"]["id_token_claims"][PLAN] == "gold" and later["changes"]["app_metadata"] == {
        "plan": "gold", "seats": 5}, later["changes"]

    tokens = tokens_for(server, {"code": code}, verifier)
    assert len(endpoint.since(mark, trigger="post_login")) == 2, "the code exchange called the hooks again"
    id_token = verified(server, tokens["id_token"], WEB_CLIENT_ID)
    access = verified(server, tokens["access_token"], API_AUDIENCE)
    assert id_token[PLAN] == "gold" and id_token[TEAM] == "blue" and id_token[SECOND] == "two", id_token
    assert access[TIER] == 3 and access[SECOND] == "two", access
    assert "plan" not in id_token and "tier" not in access, (id_token, access)
    assert id_token["email"] == browser.email, id_token
    assert access["sub"] == id_token["sub"] == user["user_id"], (access, id_token)
    assert "admin:reports" not in access.get("scope", "").split(), access
    # Each token gets only the claims meant for it.
    assert TIER not in id_token and PLAN not in access and TEAM not in access, (id_token, access)
    refused = log_lines(server, "hook claims refused")
    assert refused and all(name in refused[-1] for name in ("plan", "email", "tier", "sub", "scope")), refused

    # app_metadata answered at the login is stored on the user (a merge: nothing else went away).
    stored = mgmt.user(user["user_id"])
    assert stored["app_metadata"] == {"plan": "gold", "seats": 5}, stored

    # A refresh runs the post_login hooks again, and the new tokens carry the new answer.
    endpoint.answer("login-enrich", {"id_token_claims": {PLAN: "platinum"}, "access_token_claims": {TIER: 4},
                                     "app_metadata": {"seats": None}})
    mark = endpoint.mark()
    refreshed = refresh(server, tokens["refresh_token"])
    assert refreshed.status_code == 200, describe(refreshed)
    again = assert_signed(endpoint.since(mark, "login-enrich")[0], "login-enrich", "post_login")
    assert len(endpoint.since(mark, trigger="post_login")) == 2, endpoint.describe()
    assert again["transaction"]["grant_type"] == "refresh_token", again
    assert again["client"]["client_id"] == WEB_CLIENT_ID and again["user"]["user_id"] == user["user_id"], again
    assert again["user"]["app_metadata"] == {"plan": "gold", "seats": 5}, again["user"]
    new_tokens = refreshed.json()
    new_access = verified(server, new_tokens["access_token"], API_AUDIENCE)
    assert new_access[TIER] == 4 and new_access[SECOND] == "two", new_access
    new_id = verified(server, new_tokens["id_token"], WEB_CLIENT_ID)
    assert new_id[PLAN] == "platinum" and new_id[SECOND] == "two" and TEAM not in new_id, new_id
    assert mgmt.user(user["user_id"])["app_metadata"] == {"plan": "gold"}, "null removes a key"

    # A denial at a refresh: 403 access_denied with the hook's message; the chain ends there.
    endpoint.answer("login-enrich", {"action": "deny", "message": "Your subscription has ended."})
    mark = endpoint.mark()
    denied = refresh(server, new_tokens["refresh_token"])
    error = assert_oauth_error(denied, 403, "access_denied")
    assert error.get("error_description") == "Your subscription has ended.", describe(denied)
    assert names(endpoint.since(mark, trigger="post_login")) == ["login-enrich"]
    assert_signed(endpoint.since(mark, trigger="post_login")[0], "login-enrich", "post_login")
    browser.close()


def test_post_login_deny_is_access_denied_at_the_redirect_uri(portcullis_bin, env):
    server, endpoint, _ = env
    browser = new_browser(portcullis_bin, server)
    message = "Your trial has ended. Contact sales@acme.test."
    endpoint.answer("login-enrich", {"action": "deny", "message": message,
                                     "messages": {"de": "Ihre Testphase ist abgelaufen."}})
    mark = endpoint.mark()
    state = "state-" + new_verifier()[:12]
    result = browser.authorize(authorize_url(server, SPA_CLIENT_ID, verifier=new_verifier(), audience=API_AUDIENCE,
                                             state=state))
    assert result.logged_in and result.callback is not None, result.describe()
    assert result.callback.startswith(REDIRECT_URI + "?"), result.callback
    params = result.params
    assert params.get("error") == "access_denied", params
    assert params.get("error_description") == message, params
    assert params.get("state") == state and "code" not in params, params
    # The first denial ends the chain: the second hook never ran.
    [call] = endpoint.since(mark, trigger="post_login")
    body = assert_signed(call, "login-enrich", "post_login")
    assert body["client"]["client_id"] == SPA_CLIENT_ID and body["user"]["email"] == browser.email, body
    assert body["transaction"]["grant_type"] == "authorization_code"
    assert log_lines(server, "hook denied", "hook=login-enrich")
    browser.close()


# --------------------------------------------------------------------------------------------
# 2. Timeouts and failures under each on_failure


@pytest.mark.timeout(300)
def test_post_login_timeout_and_errors_follow_on_failure(portcullis_bin, env):
    server, endpoint, _ = env
    browser = new_browser(portcullis_bin, server)
    # Logged in (a session) before the timeout hook is on, so each case below is one /authorize.
    result = browser.authorize(authorize_url(server, WEB_CLIENT_ID, verifier=new_verifier()))
    assert result.logged_in and "code" in result.params, result.describe()
    slow = Reply(200, {"id_token_claims": {SLOW: True}, "access_token_claims": {SLOW: True}},
                 delay=SLOW_ANSWER_SECONDS)
    broken = Reply(500, {"action": "deny", "message": "from a broken hook", "id_token_claims": {SLOW: True}})
    # `form` belongs with `"action": "form"` (docs/hooks.md#forms): beside `allow` the answer is malformed.
    malformed = Reply(200, {"action": "allow", "form": "progressive-profile", "id_token_claims": {SLOW: True}})
    timings: dict[str, float] = {}
    try:
        reconfigure(server, login_timeout={"enabled": True, "on_failure": "deny"})

        # on_failure: deny — too slow: refused after about the timeout, without the hook's answer.
        endpoint.answer("login-timeout", reply=slow)
        mark = endpoint.mark()
        params, elapsed, _ = sso_authorize(browser)
        timings["deny, slow"] = elapsed
        assert params.get("error") == "access_denied" and "code" not in params, params
        assert TIMEOUT_HOOK_SECONDS - 0.02 <= elapsed < TIMEOUT_HOOK_SECONDS + TIMEOUT_SLACK, elapsed
        assert names(endpoint.since(mark, trigger="post_login")) == ["login-enrich", "login-second", "login-timeout"]
        assert_signed(endpoint.since(mark, "login-timeout")[0], "login-timeout", "post_login")
        assert log_lines(server, "hook failed; denying (on_failure: deny)", "hook=login-timeout")

        # on_failure: deny — a 500 is a failure too, whatever its body says.
        endpoint.answer("login-timeout", reply=broken)
        mark = endpoint.mark()
        params, elapsed, _ = sso_authorize(browser)
        timings["deny, 500"] = elapsed
        assert params.get("error") == "access_denied" and "code" not in params, params
        assert "broken hook" not in params.get("error_description", ""), params
        assert_signed(endpoint.since(mark, "login-timeout")[0], "login-timeout", "post_login")

        reconfigure(server, login_timeout={"on_failure": "continue"})
        endpoint.answer("login-enrich", {"id_token_claims": {PLAN: "basic"}, "access_token_claims": {TIER: 1}})
        # on_failure: continue — the login goes on with the other hooks' claims and none of this one's.
        for case, reply in (("continue, slow", slow), ("continue, 500", broken), ("continue, malformed", malformed)):
            endpoint.answer("login-timeout", reply=reply)
            mark = endpoint.mark()
            params, elapsed, verifier = sso_authorize(browser)
            timings[case] = elapsed
            assert "code" in params and "error" not in params, (case, params)
            assert elapsed < TIMEOUT_HOOK_SECONDS + TIMEOUT_SLACK, (case, elapsed)
            assert_signed(endpoint.since(mark, "login-timeout")[0], "login-timeout", "post_login")
            tokens = tokens_for(server, params, verifier)
            id_token = verified(server, tokens["id_token"], WEB_CLIENT_ID)
            access = verified(server, tokens["access_token"], API_AUDIENCE)
            assert id_token[PLAN] == "basic" and access[TIER] == 1, (case, id_token, access)
            assert SLOW not in id_token and SLOW not in access, (case, id_token, access)
        assert timings["continue, slow"] >= TIMEOUT_HOOK_SECONDS - 0.02, timings
        assert len(log_lines(server, "hook failed; continuing without it", "hook=login-timeout")) >= 3
    finally:
        restore_hooks(server)
        browser.close()
    print("\n/authorize round trips with a 200 ms hook: "
          + ", ".join(f"{case} {seconds * 1000:.0f} ms" for case, seconds in timings.items()))


# --------------------------------------------------------------------------------------------
# 3. credentials_exchange


def worker_token(server: Server) -> requests.Response:
    return token_request(server, {"grant_type": "client_credentials", "client_id": WORKER_CLIENT_ID,
                                  "client_secret": WORKER_CLIENT_SECRET, "audience": API_AUDIENCE})


def for_worker(reply: Reply) -> Callable[[Delivery], Reply]:
    """`reply` for acme-worker's token requests only (the management client's go on as usual)."""
    return lambda d: reply if (d.json or {}).get("client", {}).get("client_id") == WORKER_CLIENT_ID else Reply()


def test_credentials_exchange_adds_access_token_claims_or_denies(env):
    server, endpoint, _ = env
    endpoint.answer("m2m-claims", reply=for_worker(Reply(200, {
        "access_token_claims": {WORKER: "batch", "worker": "batch", "scope": "admin:reports"},
        "id_token_claims": {PLAN: "not for client tokens"},
    })))
    mark = endpoint.mark()
    response = worker_token(server)
    assert response.status_code == 200, describe(response)
    assert "id_token" not in response.json()
    access = verified(server, response.json()["access_token"], API_AUDIENCE)
    assert access[WORKER] == "batch" and "worker" not in access and PLAN not in access, access
    assert set(access["scope"].split()) == {"read:orders", "write:orders"}, access
    [call] = endpoint.since(mark, "m2m-claims")
    body = assert_signed(call, "m2m-claims", "credentials_exchange")
    assert body["client"] == {"client_id": WORKER_CLIENT_ID, "name": "Acme Background Worker"}, body
    assert body["transaction"]["grant_type"] == "client_credentials", body
    assert body["transaction"]["audience"] == API_AUDIENCE, body
    assert set(body["transaction"]["scopes"]) == {"read:orders", "write:orders"}, body
    assert "user" not in body, body

    message = "Batch jobs are paused for maintenance."
    endpoint.answer("m2m-claims", reply=for_worker(Reply(200, {"action": "deny", "message": message})))
    mark = endpoint.mark()
    denied = worker_token(server)
    error = assert_oauth_error(denied, 403, "access_denied")
    assert error == {"error": "access_denied", "error_description": message}, describe(denied)
    assert "access_token" not in denied.text
    assert_signed(endpoint.since(mark, "m2m-claims")[0], "m2m-claims", "credentials_exchange")


# --------------------------------------------------------------------------------------------
# 4. pre_user_registration / post_user_registration


def hosted_signup(server: Server, email: str, name: str = "Hedy Hook",
                  language: str | None = None) -> requests.Response:
    """Fills in and posts the hosted sign-up form (CSRF cookie and hidden fields as a browser posts
    them), in a browser that asks for `language`."""
    session = requests.Session()
    if language:
        session.headers["Accept-Language"] = language
    try:
        page = session.get(server.url("/acme/u/signup"), timeout=30)
        assert page.status_code == 200, describe(page)
        [form] = [f for f in parse_forms(page.text) if "password" in f["fields"]]
        fields = {**form["fields"], "email": email, "name": name, "password": PASSWORD}
        action = server.url("/acme/u/signup") if not form["action"] else requests.compat.urljoin(
            page.url, html.unescape(form["action"]))
        return session.post(action, data=fields, allow_redirects=False, timeout=60)
    finally:
        session.close()


def alert(page: requests.Response) -> str | None:
    found = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', page.text, re.S)
    return html.unescape(found.group(1)).strip() if found else None


def test_pre_user_registration_denies_or_sets_metadata_and_post_registration_is_told(env):
    server, endpoint, mgmt = env
    message = "Use your work address."
    german = "Bitte verwenden Sie Ihre Firmenadresse."
    endpoint.answer("signup-check", {"action": "deny", "message": message, "messages": {"de": german}})

    # Hosted sign-up, denied: the hook's message on the page (in the browser's language), 403, nobody stored.
    denied_emails = []
    for language, expected in ((None, message), ("de-DE,de;q=0.9,en;q=0.5", german)):
        email = unique_email("hook-signup-denied")
        denied_emails.append(email)
        mark = endpoint.mark()
        page = hosted_signup(server, email, language=language)
        assert page.status_code == 403, describe(page)
        assert alert(page) == expected, page.text[:3000]
        assert 'name="password"' in page.text and "portcullis_session" not in page.headers.get("Set-Cookie", "")
        assert mgmt.by_email(email) == []
        [call] = endpoint.since(mark, "signup-check")
        body = assert_signed(call, "signup-check", "pre_user_registration")
        assert body["user"]["email"] == email and body["transaction"] == {"via": "signup"}, body
        assert body["user"]["id"].startswith("usr_") and "password" not in body["user"], body

    # The management API, denied: 400 denied_by_hook with the message, nobody stored.
    email = unique_email("hook-api-denied")
    denied_emails.append(email)
    mark = endpoint.mark()
    assert_denied_by_hook(mgmt.create(email), 400, message)
    assert mgmt.by_email(email) == []
    body = assert_signed(endpoint.since(mark, "signup-check")[0], "signup-check", "pre_user_registration")
    assert body["user"]["email"] == email and body["transaction"] == {"via": "api"}, body

    # The management API, allowed with metadata: merged over what was posted (null removes a key).
    endpoint.answer("signup-check", {"app_metadata": {"plan": "gold", "seats": None},
                                     "user_metadata": {"newsletter": True}})
    email = unique_email("hook-api")
    mark = endpoint.mark()
    created = mgmt.create(email, app_metadata={"seats": 3, "region": "eu"}, user_metadata={"lang": "de"})
    assert created.status_code == 201, describe(created)
    user = created.json()
    assert user["app_metadata"] == {"region": "eu", "plan": "gold"}, user
    assert user["user_metadata"] == {"lang": "de", "newsletter": True}, user
    assert mgmt.user(user["user_id"])["app_metadata"] == {"region": "eu", "plan": "gold"}
    pre = assert_signed(endpoint.since(mark, "signup-check")[0], "signup-check", "pre_user_registration")
    assert pre["user"]["app_metadata"] == {"seats": 3, "region": "eu"}, pre
    assert pre["user"]["id"] == user["user_id"].split("|", 1)[1], (pre, user)  # the id is chosen before the hook
    # post_user_registration is sent after the response: it is told the user as stored.
    told = endpoint.wait_call("signup-notify", NOTIFY_TIMEOUT, lambda b: b["user"]["email"] == email)
    post = assert_signed(told, "signup-notify", "post_user_registration")
    assert post["user"]["user_id"] == user["user_id"] and post["transaction"] == {"via": "api"}, post
    assert post["user"]["app_metadata"] == {"region": "eu", "plan": "gold"}, post
    assert post["user"]["user_metadata"] == {"lang": "de", "newsletter": True}, post

    # Hosted sign-up, allowed with metadata: logged in, stored with it, post_user_registration told.
    endpoint.answer("signup-check", {"app_metadata": {"plan": "trial"}})
    email = unique_email("hook-signup")
    page = hosted_signup(server, email)
    assert page.status_code == 200 and alert(page) is None, describe(page)
    stored = mgmt.only_user(email)
    assert stored["app_metadata"] == {"plan": "trial"}, stored
    told = endpoint.wait_call("signup-notify", NOTIFY_TIMEOUT, lambda b: b["user"]["email"] == email)
    post = assert_signed(told, "signup-notify", "post_user_registration")
    assert post["user"]["user_id"] == stored["user_id"] and post["transaction"] == {"via": "signup"}, post
    assert post["user"]["app_metadata"] == {"plan": "trial"}, post

    # The denied sign-ups were never reported as registrations (the allowed ones, later, were).
    assert not [d for d in endpoint.calls("signup-notify") if d.json["user"]["email"] in denied_emails]


# --------------------------------------------------------------------------------------------
# 5. pre_user_update, pre_user_deletion, post_user_deletion


def test_update_and_deletion_vetoes_then_post_deletion(env):
    server, endpoint, mgmt = env
    email = unique_email("hook-veto")
    created = mgmt.create(email, name="Vera Veto")
    assert created.status_code == 201, describe(created)
    user_id = created.json()["user_id"]

    message = "Names come from the HR system."
    endpoint.answer("update-guard", {"action": "deny", "message": message})
    mark = endpoint.mark()
    assert_denied_by_hook(mgmt.patch(user_id, name="Vera Changed"), 400, message)
    body = assert_signed(endpoint.since(mark, "update-guard")[0], "update-guard", "pre_user_update")
    assert body["user"]["user_id"] == user_id and body["user"]["name"] == "Vera Veto", body
    assert body["updated_user"]["user_id"] == user_id and body["updated_user"]["name"] == "Vera Changed", body
    assert_denied_by_hook(mgmt.patch(user_id, blocked=True), 400, message)
    unchanged = mgmt.user(user_id)
    assert unchanged["name"] == "Vera Veto" and unchanged["blocked"] is False, unchanged

    endpoint.answer("update-guard", None)  # an empty 200: allowed
    patched = mgmt.patch(user_id, name="Vera Changed")
    assert patched.status_code == 200 and patched.json()["name"] == "Vera Changed", describe(patched)
    assert mgmt.user(user_id)["name"] == "Vera Changed"

    message = "Users with open invoices cannot be deleted."
    endpoint.answer("delete-guard", {"action": "deny", "message": message})
    mark = endpoint.mark()
    assert_denied_by_hook(mgmt.delete(user_id), 409, message)
    body = assert_signed(endpoint.since(mark, "delete-guard")[0], "delete-guard", "pre_user_deletion")
    assert body["user"]["user_id"] == user_id and body["user"]["email"] == email, body
    assert mgmt.get_user(user_id).status_code == 200, "the vetoed deletion deleted the user"

    endpoint.answer("delete-guard", None)
    deleted = mgmt.delete(user_id)
    assert deleted.status_code == 204, describe(deleted)
    assert mgmt.get_user(user_id).status_code == 404
    told = endpoint.wait_call("delete-notify", NOTIFY_TIMEOUT, lambda b: b["user"]["user_id"] == user_id)
    post = assert_signed(told, "delete-notify", "post_user_deletion")
    assert post["user"]["email"] == email and post["user"]["name"] == "Vera Changed", post
    # Told once, and only after the deletion that went through.
    assert len(endpoint.calls("delete-notify", lambda b: b["user"]["user_id"] == user_id)) == 1


# --------------------------------------------------------------------------------------------
# 6. What a post_login hook costs (measured, printed, not asserted)


OVERHEAD_LOGINS = 30
OVERHEAD_ROUNDS = 3


@pytest.mark.timeout(300)
def test_post_login_hook_overhead_is_reported(portcullis_bin, env):
    """SSO `/authorize` round trips (session cookie → the decision → 302 with a code) with one
    post_login hook answering an empty 200 at once, vs with no post_login hook; alternating blocks
    (reloaded by SIGHUP) so that drift of the machine's load hits both alike. The endpoint's own
    time (request read → answer written) is subtracted from the difference of the medians."""
    server, endpoint, _ = env
    browser = new_browser(portcullis_bin, server)
    result = browser.authorize(authorize_url(server, WEB_CLIENT_ID, verifier=new_verifier()))
    assert result.logged_in and "code" in result.params, result.describe()
    per_block = OVERHEAD_LOGINS // OVERHEAD_ROUNDS
    with_hook: list[float] = []
    without: list[float] = []
    handler: list[float] = []

    def block(into: list[float]) -> None:
        for _ in range(per_block):
            params, elapsed, _ = sso_authorize(browser)
            assert "code" in params, params
            into.append(elapsed)

    try:
        reconfigure(server, login_second={"enabled": False})
        for _ in range(5):  # warm-up: connections to the endpoint, caches
            sso_authorize(browser)
        for _ in range(OVERHEAD_ROUNDS):
            reconfigure(server, login_enrich={"enabled": True})
            mark = endpoint.mark()
            block(with_hook)
            calls = endpoint.since(mark, "login-enrich")
            assert len(calls) == per_block and all(d.signature_valid for d in calls), endpoint.describe()
            handler.extend(d.answered_mono - d.received_mono for d in calls)
            reconfigure(server, login_enrich={"enabled": False})
            mark = endpoint.mark()
            block(without)
            assert endpoint.since(mark, trigger="post_login") == [], "a disabled hook was called"
    finally:
        restore_hooks(server)
        browser.close()

    def ms(values: list[float]) -> str:
        return (f"median {statistics.median(values) * 1000:.2f} ms, mean {statistics.mean(values) * 1000:.2f} ms, "
                f"min {min(values) * 1000:.2f} ms")

    difference = statistics.median(with_hook) - statistics.median(without)
    own = statistics.median(handler)
    print(f"\npost_login hook overhead over {len(with_hook)} + {len(without)} SSO logins:"
          f"\n  with the hook:    {ms(with_hook)}"
          f"\n  without a hook:   {ms(without)}"
          f"\n  endpoint's own time (read → answered): median {own * 1000:.3f} ms"
          f"\n  difference of medians: {difference * 1000:.2f} ms; minus the endpoint's time: "
          f"{(difference - own) * 1000:.2f} ms per login"
          f"\n  difference of minimums: {(min(with_hook) - min(without)) * 1000:.2f} ms")
