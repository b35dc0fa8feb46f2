"""Organization invitations end to end: the management API, a real SMTP sink, headless Chromium and
a small relying party, all against the real server binary.

What this proves:

* An invitation created through the management API (auth0-python 6, as an Auth0 tool would) is
  emailed over SMTP; its link opens a sign-up form with the invited address fixed; signing up there
  makes a verified user who is a member of the organization, holds the invitation's role in it and
  has its metadata — and the browser goes on to the client's `initiate_login_uri`, where the
  application starts a login *in the organization* that needs no second password, and gets access
  tokens with `org_id`, `org_name` and the role's permissions. A refresh switches to another
  organization the user was added to (with that organization's roles only) and is refused for one
  the user is not a member of.
* The same link shows a log-in form once the address has an account; a wrong password is refused
  there, the right one joins. A client without `initiate_login_uri` ends on a "you are now a
  member" page instead.
* Links that cannot be used say why: already accepted, withdrawn, expired, not a ticket at all —
  with the right status, each recorded as an `fi` log.
* auth0-python's `organizations.invitations` create/list/get/delete round-trip every field.

The "application" is an http.server on a free loopback port standing in for acme-web: its `/login`
(acme-web's `initiate_login_uri` in this module's config copy) records what the invitation handed
it and redirects to `/authorize` with PKCE; its `/callback` records the code.

Screenshots (docs/screenshots/invitation-*.png, committed) use fixed names and addresses so the same
templates give the same pixels; everything else uses unique names.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from auth0.management.core.api_error import ApiError
from selenium.webdriver.common.by import By

from browser import submit
from browser import (  # noqa: F401 (driver, driver_de, _driver_en, _driver_de are fixtures)
    WRONG_CREDENTIALS_EN,
    _driver_de,
    _driver_en,
    alert_text,
    driver,
    driver_de,
    fill,
    heading,
    lead_text,
    status_of_current_page,
    unique_email,
)
from oidc_client import (
    API_AUDIENCE,
    OIDC_SCOPES,
    WEB_CLIENT_ID,
    assert_oauth_error,
    authorize_url,
    describe,
    exchange_code,
    new_verifier,
    query_of,
    token_request,
    web_auth,
)
from portcullis_testkit import Server, edit_yaml, free_port, page_server, wait_until
from smtp_sink import SENDER, SMTPSink, use_sink
from test_browser_email import follow, sink  # noqa: F401 (sink is a fixture)
from test_browser_screenshots import screenshot
from test_management_auth0 import CONNECTION, PASSWORD, api, dump
from test_management_auth0_orgs import unique_name
from test_oidc_authorization import verified

SESSION_COOKIE = "portcullis_session"

# A passphrase the connection's policy (10+ characters, no common passwords) accepts.
INVITEE_PASSWORD = "violet kestrel above the quarry 17"

REFUSED_HEADING_EN = "Invitation not usable"
UNKNOWN_EN = "This invitation link is not valid. Check that you opened the whole link, or ask for a new invitation."
EXPIRED_EN = "This invitation has expired. Ask the person who invited you for a new one."
USED_EN = "This invitation has already been accepted. Log in to continue."
REVOKED_EN = "This invitation was withdrawn. Ask the person who invited you if you still need access."

ACCEPTED_LOG = "Accepted an Organization invitation"
REFUSED_LOG = "Failed to accept an Organization invitation"

# Fixed for the committed screenshots (this module has its own database).
SCREENSHOT_ORG = "wayne"
SCREENSHOT_ORG_DISPLAY = "Wayne Enterprises"
SCREENSHOT_EMAIL = "jane.doe@example.com"
INVITER = "Bruce"

# Waits on what the server does in the background (its event recorder, the outbox): generous for a
# loaded 2-core machine, yet a lost entry still fails within seconds rather than at the test timeout.
BACKGROUND_TIMEOUT = 15.0


# --------------------------------------------------------------------------------------------
# The application: acme-web's initiate_login_uri and redirect URI, on a free loopback port


class Application:
    """A relying party on 127.0.0.1:<free port>, standing in for the app behind acme-web.

    `/login` is where an accepted invitation sends the browser (Auth0's `initiate_login_uri`
    contract: `invitation`, `organization`, `organization_name`); like an Auth0 SDK it starts a
    code flow in that organization. `/callback` receives the code. Both record what they got, so
    the test can check every hop the browser made without reading the browser's history.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.server: Server | None = None  # the provider; set once it runs (its port is known after ours)
        self.logins: list[dict[str, str]] = []
        self.authorize_urls: list[str] = []
        self.callbacks: list[dict[str, str]] = []
        self.verifiers: dict[str, str] = {}  # state -> PKCE verifier of the flow it started
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def login_uri(self) -> str:
        return self.base_url + "/login"

    @property
    def redirect_uri(self) -> str:
        return self.base_url + "/callback"

    def register(self, config_dir: Path) -> None:
        """Points acme-web's initiate_login_uri at /login and adds /callback to its redirect URIs."""

        def change(tenant: dict) -> None:
            web = next(c for c in tenant["clients"] if c["client_id"] == WEB_CLIENT_ID)
            web["initiate_login_uri"] = self.login_uri
            web["redirect_uris"] = [*web["redirect_uris"], self.redirect_uri]

        edit_yaml(config_dir / "tenants" / "acme.yaml", change)

    # -- what the browser hits --

    def _start_login(self, params: dict[str, str]) -> str:
        state, verifier = secrets.token_urlsafe(12), new_verifier()
        extra = {"organization": params["organization"]} if params.get("organization") else {}
        url = authorize_url(self.server, WEB_CLIENT_ID, redirect_uri=self.redirect_uri, scope=OIDC_SCOPES,
                            state=state, verifier=verifier, audience=API_AUDIENCE, **extra)
        with self._lock:
            self.logins.append(params)
            self.verifiers[state] = verifier
            self.authorize_urls.append(url)
        return url

    def _record_callback(self, params: dict[str, str]) -> None:
        with self._lock:
            self.callbacks.append(params)

    def start(self) -> "Application":
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                if parts.path == "/login":
                    self.send_response(302)
                    self.send_header("Location", app._start_login(params))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts.path == "/callback":
                    app._record_callback(params)
                    # An h1#heading like the hosted pages, so browser.submit's wait works here too.
                    body = ('<!doctype html><html lang="en"><head><title>Acme app</title></head><body>'
                            '<h1 id="heading">Acme app</h1><p class="lead">Signed in.</p></body></html>').encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def log_message(self, *args) -> None:  # quiet: pytest shows failures, not every hit
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="invitation-app", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def last_callback(self) -> dict[str, str]:
        wait_until(lambda: bool(self.callbacks), BACKGROUND_TIMEOUT, "the application got no callback")
        with self._lock:
            return dict(self.callbacks[-1])


# --------------------------------------------------------------------------------------------
# Fixtures: one sink, one application and one server for the module


@pytest.fixture(scope="module")
def app() -> Iterator[Application]:
    running = Application().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def site(portcullis_bin: Path, sink: SMTPSink, app: Application, tmp_path_factory, request) -> Iterator[Server]:
    def prepare(config_dir: Path) -> None:
        use_sink(config_dir, sink)
        app.register(config_dir)

    workdir = tmp_path_factory.mktemp("invitations")
    with page_server(portcullis_bin, workdir, request, prepare=prepare,
                     extra_log=lambda: f"\n--- aiosmtpd log ---\n{sink.log_tail()}") as server:
        app.server = server
        yield server


# --------------------------------------------------------------------------------------------
# Helpers


def create_org(client, name: str, display_name: str) -> dict:
    """An organization whose users log in through the example's database connection."""
    return dump(client.organizations.create(name=name, display_name=display_name,
                                            enabled_connections=[{"connection_id": CONNECTION}]))


def invite(client, org_id: str, email: str, *, send_email: bool = False, client_id: str = WEB_CLIENT_ID,
           **fields) -> dict:
    """An invitation from INVITER through auth0-python; not emailed unless asked (the link is in the
    answer, and only the email test needs the sink)."""
    return dump(client.organizations.invitations.create(
        org_id, inviter={"name": INVITER}, invitee={"email": email}, client_id=client_id,
        send_invitation_email=send_email, **fields))


def pending_ids(client, org_id: str) -> list[str]:
    return [dump(i)["id"] for i in client.organizations.invitations.list(org_id)]


def logs_of(client, search: str) -> list[dict]:
    return [dump(log) for log in client.logs.list(search=search)]


def wait_for_log(client, search: str, matches, what: str) -> dict:
    """The first log entry found by `search` for which `matches(entry)` holds. Entries of changes
    (create, delete, accept) commit with the change; refusals change nothing and are written by a
    background recorder a moment after the page, so this waits for either."""
    found: list[dict] = []

    def check() -> bool:
        found[:] = [entry for entry in logs_of(client, search) if matches(entry)]
        return bool(found)

    wait_until(check, BACKGROUND_TIMEOUT, f"no log entry for {what} ({search!r})", interval=0.2)
    return found[0]


def provider_session(driver, server: Server) -> str | None:
    """The provider's session cookie as the browser would send it to the hosted pages. (While the
    browser is on the application, get_cookie cannot see a cookie scoped to the tenant's path.)"""
    cookies = driver.execute_cdp_cmd("Network.getCookies", {"urls": [server.url("/acme/u/login")]})["cookies"]
    return next((c["value"] for c in cookies if c["name"] == SESSION_COOKIE), None)


def moment(value) -> datetime:
    """A date of an SDK model (parsed by pydantic) or of raw JSON (ISO 8601 text)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))


def with_ticket(url: str, ticket: str) -> str:
    """`url` with its `invitation` parameter replaced."""
    parts = urlsplit(url)
    params = query_of(url)
    params["invitation"] = ticket
    return urlunsplit(parts._replace(query=urlencode(params)))


def assert_refused(driver, url: str, status: int, message: str) -> None:
    follow(driver, url)
    assert status_of_current_page(driver) == status, driver.current_url
    assert heading(driver) == REFUSED_HEADING_EN
    assert lead_text(driver) == message
    # No form to send a password to: nothing on the page could spend or create anything.
    assert driver.find_elements(By.ID, "password") == []


def assert_signup_form(driver, email: str, organization: str) -> None:
    assert status_of_current_page(driver) == 200, driver.current_url
    assert heading(driver) == f"Join {organization}"
    assert lead_text(driver) == f"{INVITER} invited you to join {organization}. Create your account to accept."
    assert_fixed_email(driver, email)
    assert driver.find_element(By.ID, "name").is_displayed()
    password = driver.find_element(By.ID, "password")
    assert password.get_attribute("autocomplete") == "new-password"
    assert int(password.get_attribute("minlength")) >= 10
    assert driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").text == "Create account and join"


def assert_fixed_email(driver, email: str) -> None:
    field = driver.find_element(By.ID, "email")
    assert field.get_attribute("value") == email
    assert field.get_attribute("readonly") is not None
    # Unnamed, so it is not even sent: the address comes from the invitation, never from the form.
    assert not field.get_attribute("name")


# --------------------------------------------------------------------------------------------
# 1. From the email to organization tokens, and switching organizations on refresh


def test_invitation_email_signup_join_and_organization_tokens(site, sink, app, driver):
    client = api(site)

    # A runtime role that may write orders, held only in organization A through the invitation.
    editor = dump(client.roles.create(name=unique_name("editor"), description="Edits orders"))
    client.roles.permissions.add(editor["id"], permissions=[
        {"resource_server_identifier": API_AUDIENCE, "permission_name": "write:orders"}])
    org_a = create_org(client, unique_name("alpha"), "Alpha Logistics")
    org_b = create_org(client, unique_name("beta"), "Beta Freight")
    org_c = create_org(client, unique_name("gamma"), "Gamma Shipping")

    email = unique_email("invitee")
    invitation = invite(client, org_a["id"], email, send_email=True, connection_id=CONNECTION, roles=[editor["id"]],
                        app_metadata={"plan": "team", "seats": 5}, user_metadata={"team": "dispatch"})
    assert invitation["id"].startswith("uinv_"), invitation
    assert invitation["roles"] == [editor["id"]], invitation
    link_params = query_of(invitation["invitation_url"])
    assert invitation["invitation_url"].startswith(site.url("/acme/u/invitation?")), invitation
    assert link_params == {"invitation": invitation["ticket_id"], "organization": org_a["id"],
                           "organization_name": org_a["name"]}, invitation
    assert invitation["id"] in pending_ids(client, org_a["id"])

    # The email, as the invitee gets it.
    mail = sink.wait_for_mail(email, "invited you to join")
    assert mail.subject == f"{INVITER} invited you to join Alpha Logistics"
    assert mail.message["From"] == SENDER
    assert f"{INVITER} invited you to join Alpha Logistics on Acme Corporation." in mail.text, mail.text
    assert "The invitation works for 7 day(s) and only once." in mail.text, mail.text
    link = mail.link("/u/invitation?")
    assert link == invitation["invitation_url"], mail.text

    # The link opens a sign-up form for the invited address only.
    follow(driver, link)
    assert_signup_form(driver, email, "Alpha Logistics")
    fill(driver, "name", "Ivy Invitee")
    fill(driver, "password", INVITEE_PASSWORD)
    logins_before = len(app.logins)
    submit(driver)

    # POST /u/invitation -> 303 to the app's /login with Auth0's three parameters -> the app's
    # /authorize in organization A -> (session cookie from the join, so no login page) -> /callback.
    assert driver.current_url.startswith(app.redirect_uri), (driver.current_url, heading(driver))
    assert provider_session(driver, site) is not None, "joining did not log the browser in"
    assert app.logins[logins_before:] == [{"invitation": invitation["ticket_id"], "organization": org_a["id"],
                                           "organization_name": org_a["name"]}], app.logins
    assert query_of(app.authorize_urls[-1])["organization"] == org_a["id"]
    callback = app.last_callback()
    assert "error" not in callback and callback.get("code"), callback
    assert callback["state"] in app.verifiers, callback

    tokens_response = exchange_code(site, callback["code"], verifier=app.verifiers[callback["state"]],
                                    redirect_uri=app.redirect_uri)
    assert tokens_response.status_code == 200, describe(tokens_response)
    tokens = tokens_response.json()
    assert tokens.get("refresh_token"), tokens
    access = verified(site, tokens["access_token"], API_AUDIENCE)
    assert access["org_id"] == org_a["id"], access
    assert access["org_name"] == org_a["name"], access
    assert access["permissions"] == ["write:orders"], access
    identity = verified(site, tokens["id_token"], WEB_CLIENT_ID)
    assert identity["email"] == email and identity["email_verified"] is True, identity
    assert identity["org_id"] == org_a["id"], identity
    user_id = access["sub"]

    # What the acceptance stored, through the API.
    user = dump(client.users.get(user_id))
    assert user["email"] == email and user["email_verified"] is True, user
    assert user["name"] == "Ivy Invitee", user
    assert user["app_metadata"] == {"plan": "team", "seats": 5}, user
    assert user["user_metadata"] == {"team": "dispatch"}, user
    assert user_id in [dump(m)["user_id"] for m in client.organizations.members.list(org_a["id"])]
    assert [dump(r)["id"] for r in client.organizations.members.roles.list(org_a["id"], user_id)] == [editor["id"]]
    assert invitation["id"] not in pending_ids(client, org_a["id"])
    assert_refused(driver, link, 410, USED_EN)  # the emailed link is spent
    accepted = wait_for_log(client, f'type:ss AND user_id:"{user_id}"',
                            lambda entry: entry.get("description") == ACCEPTED_LOG, "the acceptance")
    assert accepted["type"] == "ss", accepted

    # Organization B, with the configured role `viewer` (configured roles' ids are their names).
    viewer_id = {dump(r)["name"]: dump(r)["id"] for r in client.roles.list()}["viewer"]
    assert viewer_id == "viewer"
    client.organizations.members.create(org_b["id"], members=[user_id])
    client.organizations.members.roles.assign(org_b["id"], user_id, roles=[viewer_id])

    switched = token_request(site, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                    "organization": org_b["id"]}, auth=web_auth())
    assert switched.status_code == 200, describe(switched)
    in_b = verified(site, switched.json()["access_token"], API_AUDIENCE)
    assert in_b["org_id"] == org_b["id"] and in_b["org_name"] == org_b["name"], in_b
    # The editor role is held in A only: in B the user has exactly what viewer gives.
    assert in_b["permissions"] == ["read:orders"], in_b

    # C exists and has the connection enabled, but the user is not a member: a refresh never adds one.
    # (The rotated token from the switch is used, so the refusal cannot be refresh-token reuse.)
    rotated = switched.json()["refresh_token"]
    refused = token_request(site, {"grant_type": "refresh_token", "refresh_token": rotated,
                                   "organization": org_c["id"]}, auth=web_auth())
    assert_oauth_error(refused, 400, "invalid_grant")
    assert user_id not in [dump(m)["user_id"] for m in client.organizations.members.list(org_c["id"])]
    # The refusal was about C alone: the same refresh token still works for an organization the
    # user is in (a refused switch neither spends it nor counts as reuse).
    again = token_request(site, {"grant_type": "refresh_token", "refresh_token": rotated,
                                 "organization": org_a["id"]}, auth=web_auth())
    assert again.status_code == 200, describe(again)
    assert verified(site, again.json()["access_token"], API_AUDIENCE)["permissions"] == ["write:orders"]


# --------------------------------------------------------------------------------------------
# 2. The pages: sign-up and log-in forms, a wrong password, and links that cannot be used


def test_invitation_pages_for_a_new_then_an_existing_address(site, app, driver, driver_de):
    client = api(site)
    org = create_org(client, SCREENSHOT_ORG, SCREENSHOT_ORG_DISPLAY)
    invitation = invite(client, org["id"], SCREENSHOT_EMAIL)
    url = invitation["invitation_url"]

    # No account for the address yet: the sign-up form, in both languages.
    follow(driver_de, url)
    assert status_of_current_page(driver_de) == 200
    assert heading(driver_de) == f"{SCREENSHOT_ORG_DISPLAY} beitreten"
    assert driver_de.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert_fixed_email(driver_de, SCREENSHOT_EMAIL)
    screenshot(driver_de, "invitation-signup-de")

    follow(driver, url)
    assert_signup_form(driver, SCREENSHOT_EMAIL, SCREENSHOT_ORG_DISPLAY)
    screenshot(driver, "invitation-signup-en")

    # The address gets an account by other means: the same link now asks for its password. Looking
    # at the form did not spend the link (mail scanners open links too).
    jane = dump(client.users.create(connection=CONNECTION, email=SCREENSHOT_EMAIL, password=PASSWORD, name="Jane Doe"))
    follow(driver, url)
    assert status_of_current_page(driver) == 200
    assert heading(driver) == f"Join {SCREENSHOT_ORG_DISPLAY}"
    assert lead_text(driver) == f"{INVITER} invited you to join {SCREENSHOT_ORG_DISPLAY}. Log in to accept."
    assert_fixed_email(driver, SCREENSHOT_EMAIL)
    assert driver.find_elements(By.ID, "name") == []
    assert driver.find_element(By.ID, "password").get_attribute("autocomplete") == "current-password"
    assert driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").text == "Log in and join"
    screenshot(driver, "invitation-login-en")

    # A wrong password: the form again with an error, no session, no membership.
    fill(driver, "password", "not the right passphrase")
    submit(driver)
    assert status_of_current_page(driver) == 401
    assert alert_text(driver) == WRONG_CREDENTIALS_EN
    assert driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").text == "Log in and join"
    assert provider_session(driver, site) is None
    assert list(client.organizations.members.list(org["id"])) == []

    # The right one joins, and goes on through the application into the organization.
    logins_before = len(app.logins)
    fill(driver, "password", PASSWORD)
    submit(driver)
    assert driver.current_url.startswith(app.redirect_uri), (driver.current_url, heading(driver))
    assert len(app.logins) == logins_before + 1
    assert app.logins[-1]["organization"] == org["id"], app.logins[-1]
    assert app.logins[-1]["organization_name"] == SCREENSHOT_ORG
    assert app.last_callback().get("code"), app.callbacks[-1]
    assert [dump(m)["user_id"] for m in client.organizations.members.list(org["id"])] == [jane["user_id"]]

    # Once accepted, the link is spent, whoever opens it.
    assert_refused(driver, url, 410, USED_EN)
    # ... and it points the way on: the account exists now, so logging in is what is left.
    assert driver.find_element(By.LINK_TEXT, "Continue to log in").get_attribute("href") == site.url("/acme/u/login")
    driver.delete_all_cookies()
    assert_refused(driver, url, 410, USED_EN)


def test_withdrawn_expired_and_garbled_links_are_refused(site, driver):
    client = api(site)
    org = create_org(client, unique_name("refusals"), "Refusal Testing")

    withdrawn = invite(client, org["id"], unique_email("withdrawn"))
    client.organizations.invitations.delete(org["id"], withdrawn["id"])
    assert_refused(driver, withdrawn["invitation_url"], 410, REVOKED_EN)
    screenshot(driver, "invitation-revoked-en")

    # A ticket that was never issued (a pending one, garbled) is unknown; the real one still works,
    # so it was the ticket that was refused, not the organization or the invitation.
    pending = invite(client, org["id"], unique_email("pending"))
    ticket = pending["ticket_id"]
    garbled = ticket[:-4] + ("AAAA" if not ticket.endswith("AAAA") else "BBBB")
    assert_refused(driver, with_ticket(pending["invitation_url"], garbled), 404, UNKNOWN_EN)
    assert_refused(driver, with_ticket(pending["invitation_url"], ""), 404, UNKNOWN_EN)
    follow(driver, pending["invitation_url"])
    assert status_of_current_page(driver) == 200 and heading(driver) == "Join Refusal Testing"

    # One second to live: polled over plain HTTP until the server says it has expired, then seen in
    # the browser.
    expiring = invite(client, org["id"], unique_email("expiring"), ttl_sec=1)
    wait_until(lambda: requests.get(expiring["invitation_url"], timeout=10).status_code == 410, 10.0,
               "a 1-second invitation did not expire")
    assert_refused(driver, expiring["invitation_url"], 410, EXPIRED_EN)

    # Every refusal is on record as an `fi` log entry with its reason (other tests of the module
    # add theirs, hence "at least").
    def reasons() -> list[str]:
        return [entry.get("details", {}).get("reason") for entry in logs_of(client, "type:fi")
                if entry.get("description") == REFUSED_LOG]

    wait_until(lambda: {"revoked", "unknown", "expired"} <= set(reasons()), BACKGROUND_TIMEOUT,
               "refusals missing from the fi logs", interval=0.2)
    recorded = reasons()
    assert recorded.count("revoked") >= 1 and recorded.count("unknown") >= 2 and recorded.count("expired") >= 2, recorded


def test_a_client_without_initiate_login_uri_ends_on_the_joined_page(site, app, driver):
    # acme-partner logs users in (code flow) but declares no initiate_login_uri: the invitee has
    # joined and is logged in, and the page says so instead of sending the browser anywhere.
    client = api(site)
    org = create_org(client, unique_name("partner"), "Partner Guild")
    email = unique_email("partner")
    invitation = invite(client, org["id"], email, client_id="acme-partner")
    logins_before = len(app.logins)
    follow(driver, invitation["invitation_url"])
    assert_signup_form(driver, email, "Partner Guild")
    fill(driver, "password", INVITEE_PASSWORD)
    submit(driver)
    assert driver.current_url.startswith(site.url("/acme/u/invitation")), driver.current_url
    assert status_of_current_page(driver) == 200
    assert heading(driver) == "You are logged in"
    assert lead_text(driver) == "You are now a member of Partner Guild."
    assert provider_session(driver, site) is not None
    assert len(app.logins) == logins_before
    user_id = dump(client.users.list_users_by_email(email=email)[0])["user_id"]
    assert [dump(m)["user_id"] for m in client.organizations.members.list(org["id"])] == [user_id]


# --------------------------------------------------------------------------------------------
# 3. auth0-python 6 managing invitations


def test_auth0_python_creates_lists_gets_and_deletes_invitations(site, sink):
    client = api(site)
    org = create_org(client, unique_name("sdk"), "SDK Industries")
    role = dump(client.roles.create(name=unique_name("sdk-role"), description="Invited role"))

    quiet_email = unique_email("sdk-quiet")
    created = invite(client, org["id"], quiet_email, connection_id=CONNECTION, roles=[role["id"], "viewer"],
                     app_metadata={"source": "sdk", "level": 2}, user_metadata={"lang": "de"}, ttl_sec=3600)
    assert created["id"].startswith("uinv_"), created
    expected = {
        "id": created["id"], "organization_id": org["id"], "inviter": {"name": INVITER},
        "invitee": {"email": quiet_email}, "client_id": WEB_CLIENT_ID, "connection_id": CONNECTION,
        "roles": [role["id"], "viewer"], "app_metadata": {"source": "sdk", "level": 2},
        "user_metadata": {"lang": "de"},
    }
    assert {k: created[k] for k in expected} == expected, created
    assert (moment(created["expires_at"]) - moment(created["created_at"])).total_seconds() == 3600, created
    assert query_of(created["invitation_url"])["invitation"] == created["ticket_id"], created

    # get: the same fields, but the ticket is never shown again.
    got = dump(client.organizations.invitations.get(org["id"], created["id"]))
    assert {k: got[k] for k in expected} == expected, got
    assert got["created_at"] == created["created_at"] and got["expires_at"] == created["expires_at"], got
    assert "invitation_url" not in got and "ticket_id" not in got, got
    only = dump(client.organizations.invitations.get(org["id"], created["id"], fields="id,invitee", include_fields=True))
    assert only == {"id": created["id"], "invitee": {"email": quiet_email}}, only

    # A second one, emailed; the first was not (send_invitation_email false). Mail leaves in the
    # order it was queued, so once the second's has arrived the first would have too.
    loud_email = unique_email("sdk-loud")
    second = invite(client, org["id"], loud_email, send_email=True)
    assert second["roles"] == [] and second["connection_id"] == CONNECTION, second  # the client's first database connection
    sink.wait_for_mail(loud_email, "invited you to join SDK Industries")
    assert sink.mail_to(quiet_email) == []

    # list: pending ones, newest first unless sort=created_at:1; fields filter like get.
    listed = [dump(i) for i in client.organizations.invitations.list(org["id"])]
    assert [i["id"] for i in listed] == [second["id"], created["id"]], listed
    assert {k: listed[1][k] for k in expected} == expected, listed
    oldest_first = [dump(i)["id"] for i in client.organizations.invitations.list(org["id"], sort="created_at:1")]
    assert oldest_first == [created["id"], second["id"]]
    # Paging through the SDK's pager: one per page, page 1 is the older one, and iterating the
    # pager walks every page.
    assert [dump(i)["id"] for i in client.organizations.invitations.list(org["id"], page=1, per_page=1).items] \
        == [created["id"]]
    assert [dump(i)["id"] for i in client.organizations.invitations.list(org["id"], per_page=1)] \
        == [second["id"], created["id"]]

    # delete: 204, then get is 404 and the list no longer has it; its link says it was withdrawn.
    client.organizations.invitations.delete(org["id"], created["id"])
    with pytest.raises(ApiError) as gone:
        client.organizations.invitations.get(org["id"], created["id"])
    assert gone.value.status_code == 404, gone.value.body
    assert pending_ids(client, org["id"]) == [second["id"]]
    assert requests.get(created["invitation_url"], timeout=10).status_code == 410
    # Creation and deletion are on record as `sapi` entries naming the invitation.
    for action in ("Create", "Delete"):
        wait_for_log(client, "type:sapi",
                     lambda entry: entry.get("description") == f"{action} an Organization invitation"
                     and entry.get("details", {}).get("invitation_id") == created["id"], f"{action} {created['id']}")

    # Refused up front, in Auth0's error shape: a connection the organization has not enabled, and
    # a client that cannot log users in (no authorization_code grant).
    closed = dump(client.organizations.create(name=unique_name("closed")))
    with pytest.raises(ApiError) as not_enabled:
        invite(client, closed["id"], unique_email("nope"), connection_id=CONNECTION)
    assert not_enabled.value.status_code == 404, not_enabled.value.body
    assert not_enabled.value.body["errorCode"] == "inexistent_organization_connection", not_enabled.value.body
    with pytest.raises(ApiError) as machine:
        invite(client, org["id"], unique_email("nope"), client_id="acme-worker")
    assert machine.value.status_code == 400, machine.value.body
    assert set(machine.value.body) >= {"statusCode", "error", "message", "errorCode"}, machine.value.body
