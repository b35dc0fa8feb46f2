"""The emailed flows end to end: headless Chromium, the real server, and a real SMTP server.

The server sends over SMTP (plain, no credentials, loopback) to an aiosmtpd sink (smtp_sink.py); the
tests read each message from the sink's Maildir, take the link out of its text and follow it in the
browser: address verification after sign-up, password reset, and the unlock link after a lockout.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from browser import submit as browser_submit
from browser import (  # noqa: F401 (driver, driver_de, _driver_en, _driver_de are fixtures)
    LOCKED_EN,
    TEST_PASSWORD,
    WRONG_CREDENTIALS_EN,
    _driver_de,
    _driver_en,
    alert_text,
    create_user,
    driver,
    driver_de,
    fill,
    heading,
    lead_text,
    open_page,
    save_screenshot,
    status_of_current_page,
    unique_email,
    wait,
    wait_for_text,
)
from portcullis_testkit import Server, page_server
from smtp_sink import SENDER, SMTPSink, smtp_sink, use_sink

SESSION_COOKIE = "portcullis_session"

VERIFY_SENT_EN = "We have sent you an email. Follow the link in it to verify your address."
EMAIL_VERIFIED_EN = "Your email address is verified. You can now log in."
LINK_INVALID_EN = "This link is invalid or has expired."
RESET_SENT_EN = "If an account exists for this address, we have sent a link to reset its password."
PASSWORD_CHANGED_EN = "Your password has been changed. You can now log in."
UNLOCKED_EN = "Your account is unlocked. You can log in again."

NEW_PASSWORD = "a different long passphrase 42"


# --------------------------------------------------------------------------------------------
# Fixtures: one sink and one server sending to it for the whole module


@pytest.fixture(scope="module")
def sink(tmp_path_factory) -> Iterator[SMTPSink]:
    with smtp_sink(tmp_path_factory.mktemp("smtp")) as running:
        yield running


@pytest.fixture(scope="module")
def site(portcullis_bin: Path, sink: SMTPSink, tmp_path_factory, request) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("browser-email")
    with page_server(portcullis_bin, workdir, request, prepare=lambda config: use_sink(config, sink),
                     extra_log=lambda: f"\n--- aiosmtpd log ---\n{sink.log_tail()}") as server:
        yield server


def assert_logged_in_as(driver, who: str) -> None:
    wait_for_text(driver, f"You are logged in as {who}.")
    assert status_of_current_page(driver) == 200


def submit(driver) -> None:
    """browser.submit, then a wait for the new page's content."""
    browser_submit(driver)
    wait_for_page(driver)


def log_in(driver, server: Server, email: str, password: str) -> None:
    open_page(driver, server, "/acme/u/login")
    fill(driver, "username", email)
    fill(driver, "password", password)
    submit(driver)


def wait_for_page(driver) -> None:
    wait(driver).until(EC.presence_of_element_located((By.ID, "heading")))


def follow(driver, link: str) -> None:
    """Opens an emailed link and waits for the page (every hosted page has h1#heading)."""
    driver.get(link)
    wait_for_page(driver)


def http_login(site: Server, email: str, password: str) -> requests.Session:
    """Logs in over plain HTTP (form + CSRF cookie); returns the session, logged in or not."""
    session = requests.Session()
    page = session.get(site.url("/acme/u/login"), timeout=10)
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    session.post(
        site.url("/acme/u/login"),
        data={"csrf_token": csrf, "username": email, "password": password},
        timeout=10,
    )
    return session


def session_revoked_at(site: Server, cookie_value: str) -> int | None:
    """The session's revocation time from the server's database (which keeps the cookie's SHA-256)."""
    digest = hashlib.sha256(cookie_value.encode()).hexdigest()
    connection = sqlite3.connect(f"file:{site.database}?mode=ro", uri=True, timeout=10)
    try:
        rows = connection.execute("SELECT revoked_at FROM sessions WHERE digest = ?", (digest,)).fetchall()
    finally:
        connection.close()
    assert len(rows) == 1, f"no session with digest {digest}"
    return rows[0][0]


# --------------------------------------------------------------------------------------------
# Sign-up and address verification


def sign_up(driver, site: Server, email: str, name: str) -> None:
    open_page(driver, site, "/acme/u/signup")
    fill(driver, "email", email)
    fill(driver, "name", name)
    fill(driver, "password", TEST_PASSWORD)
    submit(driver)
    assert_logged_in_as(driver, name)
    wait_for_text(driver, VERIFY_SENT_EN)


def test_signup_sends_a_verification_email_whose_link_verifies(site, sink, driver):
    email = unique_email("verify")
    sign_up(driver, site, email, "Grace Hopper")

    mail = sink.wait_for_mail(email, "Verify your email address")
    assert mail.subject == "Verify your email address for Acme Corporation"
    assert mail.message["From"] == SENDER
    assert "Hello Grace Hopper," in mail.text
    link = mail.link("/u/verify-email?token=")
    assert link.startswith(site.url("/acme/u/verify-email?token="))

    # A browser that is not the one that signed up: the link alone is enough.
    driver.delete_all_cookies()
    follow(driver, link)
    assert status_of_current_page(driver) == 200
    assert heading(driver) == "Email verification"
    assert lead_text(driver) == EMAIL_VERIFIED_EN
    save_screenshot(driver, "email-verified-en")

    # The page's way onward leads to a login that works, and then out again.
    driver.find_element(By.LINK_TEXT, "Continue to log in").click()
    wait_for_page(driver)
    assert heading(driver) == "Log in to continue"
    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, "Grace Hopper")
    open_page(driver, site, "/acme/u/logout")
    submit(driver)
    wait_for_text(driver, "You have been logged out.")
    assert driver.get_cookie(SESSION_COOKIE) is None


def test_verification_link_works_once(site, sink, driver):
    email = unique_email("verify-once")
    sign_up(driver, site, email, "Once Only")
    link = sink.wait_for_mail(email, "Verify").link("/u/verify-email?token=")

    follow(driver, link)
    assert lead_text(driver) == EMAIL_VERIFIED_EN
    follow(driver, link)
    assert status_of_current_page(driver) == 400
    assert lead_text(driver) == LINK_INVALID_EN

    # A token that was never issued gets the same answer.
    follow(driver, site.url("/acme/u/verify-email?token=not-a-real-token"))
    assert status_of_current_page(driver) == 400
    assert lead_text(driver) == LINK_INVALID_EN


# --------------------------------------------------------------------------------------------
# Password reset


def request_reset(driver, site: Server, email: str) -> tuple[str | None, int | None, str]:
    open_page(driver, site, "/acme/u/forgot-password")
    fill(driver, "email", email)
    submit(driver)
    wait_for_text(driver, RESET_SENT_EN)
    return RESET_SENT_EN, status_of_current_page(driver), heading(driver)


def test_password_reset_by_email(portcullis_bin, site, sink, driver):
    # A fixed address (this module has its own database) so the screenshots are the same every run.
    email = "jane.doe@example.com"
    create_user(portcullis_bin, site, email, name="Jane Doe")
    other_device = http_login(site, email, TEST_PASSWORD)
    assert other_device.cookies.get(SESSION_COOKIE), "setup: the HTTP login did not succeed"

    request_reset(driver, site, email)
    mail = sink.wait_for_mail(email, "Reset your")
    assert mail.subject == "Reset your Acme Corporation password"
    assert mail.message["From"] == SENDER
    link = mail.link("/u/reset-password?token=")
    assert link.startswith(site.url("/acme/u/reset-password?token="))

    # Looking at the form, in either language, does not use the link up.
    follow(driver, link + "&ui_locales=de")
    assert heading(driver) == "Neues Passwort wählen"
    save_screenshot(driver, "reset-password-de")

    driver.delete_all_cookies()
    follow(driver, link)
    assert status_of_current_page(driver) == 200
    assert heading(driver) == "Choose a new password"
    password = driver.find_element(By.ID, "password")
    assert password.get_attribute("autocomplete") == "new-password"
    assert password.get_attribute("type") == "password"
    save_screenshot(driver, "reset-password-en")

    fill(driver, "password", NEW_PASSWORD)
    submit(driver)
    wait_for_text(driver, PASSWORD_CHANGED_EN)
    assert status_of_current_page(driver) == 200
    assert heading(driver) == "Password changed"
    save_screenshot(driver, "password-changed-en")

    # The link is spent: (the page still shows the form, the token is checked when it is sent)
    # a second password sent with it is refused and changes nothing.
    follow(driver, link)
    fill(driver, "password", "yet another long passphrase")
    submit(driver)
    assert status_of_current_page(driver) == 400
    assert lead_text(driver) == LINK_INVALID_EN

    # The old password is refused, the new one works.
    log_in(driver, site, email, TEST_PASSWORD)
    assert alert_text(driver) == WRONG_CREDENTIALS_EN
    assert driver.get_cookie(SESSION_COOKIE) is None
    log_in(driver, site, email, NEW_PASSWORD)
    assert_logged_in_as(driver, "Jane Doe")

    # The session opened on another device before the reset was revoked by it; the new one is live.
    assert session_revoked_at(site, other_device.cookies[SESSION_COOKIE]) is not None
    assert session_revoked_at(site, driver.get_cookie(SESSION_COOKIE)["value"]) is None


def test_reset_request_for_unknown_address_looks_the_same_and_sends_nothing(portcullis_bin, site, sink, driver):
    known = unique_email("reset-known")
    unknown = unique_email("reset-nobody")
    create_user(portcullis_bin, site, known)
    before = {mail.path.name for mail in sink.all_mail()}

    # The unknown address is asked first: a message to it would be queued before the known one's.
    unknown_answer = request_reset(driver, site, unknown)
    known_answer = request_reset(driver, site, known)
    assert unknown_answer == known_answer
    assert unknown_answer[1] == 200

    sink.wait_for_mail(known, "Reset your")
    new = [mail for mail in sink.all_mail() if mail.path.name not in before]
    assert [mail.to for mail in new] == [known], [(m.to, m.subject) for m in new]
    assert sink.mail_to(unknown) == []


# --------------------------------------------------------------------------------------------
# Lockout and the unlock link


def test_lockout_sends_an_unlock_link_that_unlocks(portcullis_bin, site, sink, driver):
    email = unique_email("unlock")
    create_user(portcullis_bin, site, email, name="Locked Out")

    for attempt in range(1, 6):
        log_in(driver, site, email, f"wrong password {attempt}")
        assert alert_text(driver) == WRONG_CREDENTIALS_EN, f"attempt {attempt}"
    log_in(driver, site, email, TEST_PASSWORD)
    assert alert_text(driver) == LOCKED_EN

    mail = sink.wait_for_mail(email, "was locked")
    assert mail.subject == "Your Acme Corporation account was locked"
    link = mail.link("/u/unlock?token=")
    assert link.startswith(site.url("/acme/u/unlock?token="))

    follow(driver, link)
    assert status_of_current_page(driver) == 200
    assert heading(driver) == "Account unlocked"
    assert lead_text(driver) == UNLOCKED_EN

    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, "Locked Out")

    # Once used, the unlock link is spent.
    follow(driver, link)
    assert status_of_current_page(driver) == 400
    assert lead_text(driver) == LINK_INVALID_EN
