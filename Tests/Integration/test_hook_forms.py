"""Hook forms end to end: a `post_login` hook asks for a form, a person fills it in in headless
Chromium, and the login goes on (docs/hooks.md, "Forms").

One server runs for the module with the example config (acme's `complete-profile` form, `save_to:
user_metadata`) and two `post_login` hooks pointed at one `test_hooks.HookEndpoint` on loopback:
`profile-form`, which asks for the form and is called again with its values, and `after-form`, the
hook after it, which must only run once the form is answered. The relying party is a small
http.server on a free port, registered as an acme-web redirect URI, so the browser really lands
somewhere and the test sees the callback it got. What this proves:

- English: the login through the hosted page of `acme-web` shows the form page (title, description,
  both fields, submit and cancel) instead of redirecting; submitting it empty answers 400 with
  "Please correct the fields marked below." and "This field is required." at both fields, without
  calling any hook; filling it in calls `profile-form` again — signed — with `"form": {"name":
  "complete-profile", "values": {...}}` and `changes` holding what it answered with the form
  request, then `after-form`; the browser lands on the callback with a code whose tokens carry the
  claims answered before and after the form; the values are stored in `user_metadata` (management
  API). Posting the same page again answers 410 and continues nothing.
- German (browser language de): the page is in German; "Anmeldung abbrechen" ends at the redirect
  URI with `error=access_denied` and `the user declined the form`, the hook is not called again,
  nothing is saved.

Screenshots: docs/screenshots/hook-form-en.png, hook-form-errors-en.png, hook-form-de.png (fixed
content: the form page shows nothing of the user).
"""

from __future__ import annotations

import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browser import (  # noqa: F401 (driver, driver_de, _driver_en, _driver_de are fixtures)
    TEST_PASSWORD,
    _driver_de,
    _driver_en,
    alert_text,
    body_text,
    driver,
    driver_de,
    fill,
    heading,
    lead_text,
    replaced,
    status_of_current_page,
    submit,
    unique_email,
    wait,
)
from browser import create_user as cli_create_user
from oidc_client import API_AUDIENCE, OIDC_SCOPES, WEB_CLIENT_ID, authorize_url, describe, exchange_code, new_verifier
from portcullis_testkit import Server, edit_yaml, free_port, page_server, wait_until
from test_browser_screenshots import screenshot
from test_hooks import HOOK_SECRET_KEY, HookEndpoint, Management, assert_signed, names
from test_oidc_authorization import verified
from webhook_receiver import Delivery, Reply

FORM = "complete-profile"
FORM_HOOK = "profile-form"
AFTER_HOOK = "after-form"
HOOKS = [
    {"name": FORM_HOOK, "trigger": "post_login", "timeout": "5s", "on_failure": "deny"},
    {"name": AFTER_HOOK, "trigger": "post_login", "timeout": "5s", "on_failure": "deny"},
]

COMPANY = "https://acme.test/company"
PLAN = "https://acme.test/plan"
AFTER = "https://acme.test/after"

TITLE_EN = "Complete your profile"
TITLE_DE = "Profil vervollständigen"
CORRECT_FIELDS_EN = "Please correct the fields marked below."
REQUIRED_EN = "This field is required."
DECLINED = "the user declined the form"

# The callback is the last hop of a flow the browser already made; the wait is only for the request
# to arrive at the application's thread.
CALLBACK_TIMEOUT = 15.0


# --------------------------------------------------------------------------------------------
# The relying party: acme-web's redirect URI on a free loopback port


class Callback:
    """`http://127.0.0.1:<free port>/callback`, added to acme-web's redirect URIs: records the query
    of every request and answers a page with h1#heading (so `browser.submit` can wait for it)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.hits: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/callback"

    def register(self, config_dir: Path) -> None:
        def change(tenant: dict) -> None:
            web = next(c for c in tenant["clients"] if c["client_id"] == WEB_CLIENT_ID)
            web["redirect_uris"] = [*web["redirect_uris"], self.uri]

        edit_yaml(config_dir / "tenants" / "acme.yaml", change)

    def start(self) -> "Callback":
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                if parts.path != "/callback":
                    self.send_error(404)
                    return
                with app._lock:
                    app.hits.append({k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()})
                body = ('<!doctype html><html lang="en"><head><title>Acme app</title></head><body>'
                        '<h1 id="heading">Acme app</h1><p class="lead">Back at the application.</p>'
                        '</body></html>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="hook-form-app", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def count(self) -> int:
        with self._lock:
            return len(self.hits)

    def wait_next(self, before: int) -> dict[str, str]:
        """The query of the first callback after `before` had arrived."""
        wait_until(lambda: self.count() > before, CALLBACK_TIMEOUT, "the application got no callback")
        with self._lock:
            return dict(self.hits[before])


# --------------------------------------------------------------------------------------------
# Fixtures: one endpoint, one application, one server for the module


def install_form_hooks(config_dir: Path, endpoint: HookEndpoint) -> None:
    """acme's `hooks:` become HOOKS, all pointed at the endpoint (the example's `forms:` stays)."""

    def change(tenant: dict) -> None:
        assert any(form["name"] == FORM for form in tenant.get("forms", [])), "the example lost its form"
        tenant["hooks"] = [{"url": endpoint.url, "secret": HOOK_SECRET_KEY, "enabled": True, **hook} for hook in HOOKS]

    edit_yaml(config_dir / "tenants" / "acme.yaml", change)


@pytest.fixture(scope="module")
def forms_env(portcullis_bin, tmp_path_factory, request) -> Iterator[tuple[Server, HookEndpoint, Management, Callback]]:
    endpoint = HookEndpoint().start()
    app = Callback().start()

    def prepare(config_dir: Path) -> None:
        install_form_hooks(config_dir, endpoint)
        app.register(config_dir)

    try:
        with page_server(portcullis_bin, tmp_path_factory.mktemp("hook-forms"), request, prepare=prepare,
                         extra_log=lambda: f"--- hook endpoint ---\n{endpoint.describe()}") as server:
            yield server, endpoint, Management(server), app
    finally:
        app.stop()
        endpoint.stop()


@pytest.fixture
def env(forms_env) -> Iterator[tuple[Server, HookEndpoint, Management, Callback]]:
    """Every hook answering an empty 200 (allow) at the start and end of each test."""
    forms_env[1].reset()
    yield forms_env
    forms_env[1].reset()


# --------------------------------------------------------------------------------------------
# Helpers


def form_hook(before: dict, after: dict):
    """`profile-form`'s answers: `before` (a form request) when called without form values,
    `after` once they are there."""

    def reply(delivery: Delivery) -> Reply:
        body = delivery.json if isinstance(delivery.json, dict) else {}
        return Reply(200, after if "form" in body else before)

    return reply


def start_login(driver, server: Server, app: Callback, email: str) -> tuple[str, str]:
    """Opens acme-web's /authorize (code + PKCE) and logs in on the hosted page; returns the state
    and the PKCE verifier. The browser is then on whatever /authorize answered after the login."""
    verifier, state = new_verifier(), "state-" + secrets.token_urlsafe(8)
    driver.get(authorize_url(server, WEB_CLIENT_ID, redirect_uri=app.uri, scope=OIDC_SCOPES, state=state,
                             verifier=verifier, audience=API_AUDIENCE))
    wait(driver).until(EC.presence_of_element_located((By.ID, "password")))
    fill(driver, "username", email)
    fill(driver, "password", TEST_PASSWORD)
    submit(driver)
    return state, verifier


def click_and_wait(driver, css: str) -> None:
    """Clicks a button and waits for the next page (one with h1#heading: hosted page or the app's)."""
    old_html = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).click()
    wait(driver).until(replaced(old_html))
    wait(driver).until(EC.presence_of_element_located((By.ID, "heading")))


def field_errors(driver) -> dict[str, str]:
    """Field name → its message (`<p id="f-NAME-error" class="field-error">`)."""
    return {element.get_attribute("id")[2:-len("-error")]: element.text
            for element in driver.find_elements(By.CSS_SELECTOR, "p.field-error")}


def hidden_fields(driver) -> dict[str, str]:
    return {element.get_attribute("name"): element.get_attribute("value")
            for element in driver.find_elements(By.CSS_SELECTOR, "form input[type=hidden]")}


def assert_form_page(driver, server: Server, *, title: str, company: str, terms: str, submit_label: str,
                     decline_label: str) -> None:
    """The hosted form page of complete-profile, posting to {issuer}/authorize/form."""
    assert heading(driver) == title, body_text(driver)
    assert status_of_current_page(driver) == 200
    form = driver.find_element(By.CSS_SELECTOR, "form")
    assert form.get_attribute("method") == "post"
    assert form.get_attribute("action") == server.url("/acme/authorize/form"), form.get_attribute("action")
    assert set(hidden_fields(driver)) == {"csrf_token", "state", "ticket"}, hidden_fields(driver)
    assert all(hidden_fields(driver).values()), hidden_fields(driver)
    assert driver.find_element(By.CSS_SELECTOR, "label[for=f-company]").text == company
    assert driver.find_element(By.CSS_SELECTOR, "label[for=f-accept_terms]").text == terms
    assert driver.find_element(By.ID, "f-company").get_attribute("type") == "text"
    assert driver.find_element(By.ID, "f-accept_terms").get_attribute("type") == "checkbox"
    assert driver.find_element(By.CSS_SELECTOR, "button[name=decision][value=submit]").text == submit_label
    assert driver.find_element(By.CSS_SELECTOR, "button[name=decision][value=decline]").text == decline_label
    assert alert_text(driver) is None and field_errors(driver) == {}


# --------------------------------------------------------------------------------------------
# Tests


def test_form_errors_then_values_reach_the_hook_tokens_and_user_metadata(portcullis_bin, env, driver):
    server, endpoint, mgmt, app = env
    email = unique_email("hook-form")
    cli_create_user(portcullis_bin, server, email, name="Fiona Form")
    user = mgmt.only_user(email)
    assert user["user_metadata"] in ({}, None), user
    endpoint.answer(FORM_HOOK, reply=form_hook(
        # Asked for the form, with a claim and metadata it wants kept.
        before={"action": "form", "form": FORM, "id_token_claims": {PLAN: "trial"},
                "app_metadata": {"plan": "trial"}},
        after={"id_token_claims": {COMPANY: "Acme Rockets"}, "access_token_claims": {COMPANY: "Acme Rockets"}},
    ))
    endpoint.answer(AFTER_HOOK, {"access_token_claims": {AFTER: True}})
    callbacks = app.count()
    mark = endpoint.mark()

    # The login ends on the form page, not at the client; the chain stopped at the form request.
    state, verifier = start_login(driver, server, app, email)
    assert_form_page(driver, server, title=TITLE_EN, company="Company", terms="I accept the terms of service",
                     submit_label="Continue", decline_label="Cancel sign-in")
    assert lead_text(driver) == "One more step before you continue."
    assert driver.current_url.startswith(server.url("/acme/")), driver.current_url
    assert names(endpoint.since(mark, trigger="post_login")) == [FORM_HOOK], endpoint.describe()
    first = assert_signed(endpoint.since(mark, FORM_HOOK)[0], FORM_HOOK, "post_login")
    assert "form" not in first and first["user"]["email"] == email, first
    assert first["client"]["client_id"] == WEB_CLIENT_ID and first["transaction"]["grant_type"] == "authorization_code"
    assert app.count() == callbacks
    screenshot(driver, "hook-form-en")

    # Empty: 400, the page again with a message at the top and at each field; no hook is called.
    mark = endpoint.mark()
    click_and_wait(driver, "button[value=submit]")
    assert status_of_current_page(driver) == 400, body_text(driver)
    assert heading(driver) == TITLE_EN
    assert alert_text(driver) == CORRECT_FIELDS_EN, body_text(driver)
    assert field_errors(driver) == {"company": REQUIRED_EN, "accept_terms": REQUIRED_EN}, body_text(driver)
    for name in ("company", "accept_terms"):
        field = driver.find_element(By.ID, f"f-{name}")
        assert field.get_attribute("aria-invalid") == "true"
        assert field.get_attribute("aria-describedby") == f"f-{name}-error"
    assert endpoint.since(mark) == [] and app.count() == callbacks, endpoint.describe()
    screenshot(driver, "hook-form-errors-en")

    # Filled in: the hook is called again with the values, then the next hook; back at the client.
    fill(driver, "f-company", "Acme Rockets")
    driver.find_element(By.ID, "f-accept_terms").click()
    assert driver.find_element(By.ID, "f-accept_terms").is_selected()
    posted = hidden_fields(driver)
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    mark = endpoint.mark()
    click_and_wait(driver, "button[value=submit]")
    callback = app.wait_next(callbacks)
    assert driver.current_url.startswith(app.uri + "?"), driver.current_url
    assert callback.get("state") == state and callback.get("code") and "error" not in callback, callback

    assert names(endpoint.since(mark, trigger="post_login")) == [FORM_HOOK, AFTER_HOOK], endpoint.describe()
    again_call, after_call = endpoint.since(mark, trigger="post_login")
    again = assert_signed(again_call, FORM_HOOK, "post_login")
    assert again["form"] == {"name": FORM, "values": {"company": "Acme Rockets", "accept_terms": True}}, again
    assert again["user"]["user_id"] == user["user_id"] and again["client"]["client_id"] == WEB_CLIENT_ID, again
    # What it decided with the form request is kept, and handed back in `changes`.
    assert again["changes"]["id_token_claims"] == {PLAN: "trial"}, again["changes"]
    assert again["changes"]["app_metadata"] == {"plan": "trial"}, again["changes"]
    after = assert_signed(after_call, AFTER_HOOK, "post_login")
    assert "form" not in after, after
    assert after["changes"]["id_token_claims"] == {PLAN: "trial", COMPANY: "Acme Rockets"}, after["changes"]
    assert after["changes"]["user_metadata"] == {"company": "Acme Rockets", "accept_terms": True}, after["changes"]

    response = exchange_code(server, callback["code"], verifier=verifier, redirect_uri=app.uri)
    assert response.status_code == 200, describe(response)
    tokens = response.json()
    id_token = verified(server, tokens["id_token"], WEB_CLIENT_ID)
    access = verified(server, tokens["access_token"], API_AUDIENCE)
    assert id_token[COMPANY] == "Acme Rockets" and id_token[PLAN] == "trial", id_token
    assert access[COMPANY] == "Acme Rockets" and access[AFTER] is True, access
    assert id_token["sub"] == access["sub"] == user["user_id"] and id_token["email"] == email, id_token
    assert len(endpoint.since(mark, trigger="post_login")) == 2, "the code exchange called the hooks again"

    # save_to: user_metadata — the values are stored, as is the answered app_metadata.
    stored = mgmt.user(user["user_id"])
    assert stored["user_metadata"] == {"company": "Acme Rockets", "accept_terms": True}, stored
    assert stored["app_metadata"] == {"plan": "trial"}, stored

    # The ticket was used: the same page posted again (same cookies) continues nothing.
    mark = endpoint.mark()
    replay = requests.post(server.url("/acme/authorize/form"), cookies=cookies, allow_redirects=False, timeout=30,
                           data={**posted, "company": "Someone Else", "accept_terms": "on", "decision": "submit"})
    assert replay.status_code == 410, describe(replay)
    assert "Location" not in replay.headers, describe(replay)
    assert endpoint.since(mark) == [] and app.count() == callbacks + 1, endpoint.describe()
    assert mgmt.user(user["user_id"])["user_metadata"]["company"] == "Acme Rockets"


def test_german_form_declined_is_access_denied_at_the_redirect_uri(portcullis_bin, env, driver_de):
    server, endpoint, mgmt, app = env
    email = unique_email("hook-form-de")
    cli_create_user(portcullis_bin, server, email, name="Dora Decline")
    endpoint.answer(FORM_HOOK, reply=form_hook(
        before={"action": "form", "form": FORM},
        after={"id_token_claims": {COMPANY: "must not happen"}},
    ))
    callbacks = app.count()
    mark = endpoint.mark()

    state, _ = start_login(driver_de, server, app, email)
    assert driver_de.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert_form_page(driver_de, server, title=TITLE_DE, company="Firma", terms="Ich akzeptiere die Nutzungsbedingungen",
                     submit_label="Weiter", decline_label="Anmeldung abbrechen")
    assert lead_text(driver_de) == "Noch ein Schritt, bevor es weitergeht."
    screenshot(driver_de, "hook-form-de")

    # Cancel, with something typed: nothing of it is used.
    fill(driver_de, "f-company", "Abgebrochen GmbH")
    click_and_wait(driver_de, "button[value=decline]")
    callback = app.wait_next(callbacks)
    assert driver_de.current_url.startswith(app.uri + "?"), driver_de.current_url
    assert callback.get("error") == "access_denied", callback
    assert callback.get("error_description") == DECLINED, callback
    assert callback.get("state") == state and "code" not in callback, callback
    # The hook asked once and was not called again; the hook after it never ran.
    assert names(endpoint.since(mark, trigger="post_login")) == [FORM_HOOK], endpoint.describe()
    assert "form" not in assert_signed(endpoint.since(mark, FORM_HOOK)[0], FORM_HOOK, "post_login")
    stored = mgmt.only_user(email)
    assert stored["user_metadata"] in ({}, None), stored
