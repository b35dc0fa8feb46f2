"""The hosted pages in a real browser: headless Chromium driving the real server over loopback.

Covers what only a browser shows: cookies as a browser stores them, forms typed into and submitted,
the language a browser asks for, and the markup password managers and screen readers rely on.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from browser import (  # noqa: F401 (driver, driver_de, _driver_en, _driver_de, site are fixtures)
    CSRF_EN,
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
    log_in,
    open_page,
    site,
    status_of_current_page,
    submit,
    unique_email,
    wait_for_text,
)

SESSION_COOKIE = "portcullis_session"
CSRF_COOKIE = "portcullis_csrf"


def assert_logged_in_as(driver, who: str) -> None:
    wait_for_text(driver, f"You are logged in as {who}.")
    assert status_of_current_page(driver) == 200


# --------------------------------------------------------------------------------------------
# Log in and out


def test_cli_user_logs_in_and_out(portcullis_bin, site, driver):
    email = unique_email("login")
    create_user(portcullis_bin, site, email)

    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, email)
    session = driver.get_cookie(SESSION_COOKIE)
    assert session is not None, driver.get_cookies()
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert session["path"] == "/acme"
    assert session["secure"] is False  # the example issuer is http; https issuers get Secure

    open_page(driver, site, "/acme/u/logout")
    assert heading(driver) == "Log out"
    assert lead_text(driver) == "Do you want to log out of this account on this device?"
    submit(driver)
    wait_for_text(driver, "You have been logged out.")
    assert driver.get_cookie(SESSION_COOKIE) is None, driver.get_cookies()

    # The logged-out page offers the way back in, and it works.
    driver.find_element(By.LINK_TEXT, "Log in again").click()
    assert heading(driver) == "Log in to continue"


def test_session_cookie_is_scoped_to_its_tenant(portcullis_bin, site, driver):
    email = unique_email("scope")
    create_user(portcullis_bin, site, email)
    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, email)

    # Path=/acme: a page of another tenant on the same host never receives acme's session.
    open_page(driver, site, "/globex/u/login")
    assert driver.get_cookie(SESSION_COOKIE) is None


# --------------------------------------------------------------------------------------------
# Sign-up


def test_signup_creates_an_account_and_logs_in(portcullis_bin, site, driver):
    email = unique_email("signup")
    open_page(driver, site, "/acme/u/signup")
    assert heading(driver) == "Create your account"
    fill(driver, "email", email)
    fill(driver, "name", "Ada Lovelace")
    fill(driver, "password", TEST_PASSWORD)
    submit(driver)
    assert_logged_in_as(driver, "Ada Lovelace")
    assert driver.get_cookie(SESSION_COOKIE) is not None

    # The new account logs in like any other, from a browser without that session.
    driver.delete_all_cookies()
    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, "Ada Lovelace")


def test_signup_rejects_a_common_password(site, driver):
    email = unique_email("weak")
    open_page(driver, site, "/acme/u/signup")
    fill(driver, "email", email)
    fill(driver, "password", "password123")
    submit(driver)

    assert alert_text(driver) == "This password is too common. Choose something harder to guess."
    assert heading(driver) == "Create your account"
    assert driver.get_cookie(SESSION_COOKIE) is None
    # What was typed stays, except the password.
    assert driver.find_element(By.ID, "email").get_attribute("value") == email
    assert driver.find_element(By.ID, "password").get_attribute("value") == ""


def test_signup_rejects_a_taken_email(portcullis_bin, site, driver):
    email = unique_email("taken")
    create_user(portcullis_bin, site, email)
    open_page(driver, site, "/acme/u/signup")
    fill(driver, "email", email.upper())  # emails are unique case-insensitively
    fill(driver, "password", TEST_PASSWORD)
    submit(driver)
    assert alert_text(driver) == "An account with this email address already exists."
    assert driver.get_cookie(SESSION_COOKIE) is None


def test_signup_is_not_offered_where_disabled(site, driver):
    open_page(driver, site, "/globex/u/signup")
    assert status_of_current_page(driver) == 404
    assert lead_text(driver) == "Sign-up is not available."
    assert driver.find_elements(By.CSS_SELECTOR, "form") == []

    open_page(driver, site, "/globex/u/login")
    assert driver.find_elements(By.PARTIAL_LINK_TEXT, "Create an account") == []
    open_page(driver, site, "/acme/u/login")
    assert driver.find_elements(By.PARTIAL_LINK_TEXT, "Create an account") != []


# --------------------------------------------------------------------------------------------
# Brute force


def test_five_wrong_passwords_lock_the_account(portcullis_bin, site, driver):
    email = unique_email("lockout")
    create_user(portcullis_bin, site, email)

    for attempt in range(1, 6):
        log_in(driver, site, email, f"wrong password {attempt}")
        assert alert_text(driver) == WRONG_CREDENTIALS_EN, f"attempt {attempt}"
        # The address stays in the field so a typo in the password costs one retype.
        assert driver.find_element(By.ID, "username").get_attribute("value") == email

    log_in(driver, site, email, TEST_PASSWORD)
    assert alert_text(driver) == LOCKED_EN
    assert driver.get_cookie(SESSION_COOKIE) is None


def test_unknown_email_looks_like_a_wrong_password(portcullis_bin, site, driver):
    email = unique_email("known")
    create_user(portcullis_bin, site, email)

    log_in(driver, site, email, "not the password")
    wrong_password = (alert_text(driver), status_of_current_page(driver), heading(driver))
    log_in(driver, site, unique_email("nobody"), "not the password")
    unknown_email = (alert_text(driver), status_of_current_page(driver), heading(driver))

    assert wrong_password[0] == WRONG_CREDENTIALS_EN
    assert unknown_email == wrong_password


# --------------------------------------------------------------------------------------------
# CSRF


def assert_csrf_rejected(driver) -> None:
    assert status_of_current_page(driver) == 403
    assert heading(driver) == "Something went wrong"
    assert lead_text(driver) == CSRF_EN
    assert driver.get_cookie(SESSION_COOKIE) is None


def test_login_without_csrf_cookie_is_refused(portcullis_bin, site, driver):
    email = unique_email("csrf-cookie")
    create_user(portcullis_bin, site, email)
    open_page(driver, site, "/acme/u/login")
    assert driver.get_cookie(CSRF_COOKIE) is not None
    fill(driver, "username", email)
    fill(driver, "password", TEST_PASSWORD)
    driver.delete_cookie(CSRF_COOKIE)
    submit(driver)
    assert_csrf_rejected(driver)


def test_login_with_tampered_csrf_field_is_refused(portcullis_bin, site, driver):
    email = unique_email("csrf-field")
    create_user(portcullis_bin, site, email)
    open_page(driver, site, "/acme/u/login")
    fill(driver, "username", email)
    fill(driver, "password", TEST_PASSWORD)
    driver.execute_script("document.querySelector('input[name=csrf_token]').value = 'x'")
    submit(driver)
    assert_csrf_rejected(driver)

    # A reload gives a fresh form that works: the error page's advice is true.
    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, email)


def test_signup_and_logout_forms_check_csrf_too(portcullis_bin, site, driver):
    open_page(driver, site, "/acme/u/signup")
    fill(driver, "email", unique_email("csrf-signup"))
    fill(driver, "password", TEST_PASSWORD)
    driver.delete_cookie(CSRF_COOKIE)
    submit(driver)
    assert_csrf_rejected(driver)

    email = unique_email("csrf-logout")
    create_user(portcullis_bin, site, email)
    log_in(driver, site, email, TEST_PASSWORD)
    assert_logged_in_as(driver, email)
    open_page(driver, site, "/acme/u/logout")
    driver.execute_script("document.querySelector('input[name=csrf_token]').value = 'x'")
    submit(driver)
    assert status_of_current_page(driver) == 403
    assert lead_text(driver) == CSRF_EN
    # A forged logout must not end the session.
    assert driver.get_cookie(SESSION_COOKIE) is not None


# --------------------------------------------------------------------------------------------
# Languages


def label_of(driver, field_id: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"label[for={field_id}]").text


def test_login_page_in_german_from_accept_language(site, driver_de):
    open_page(driver_de, site, "/acme/u/login")
    assert driver_de.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert heading(driver_de) == "Anmelden, um fortzufahren"
    assert label_of(driver_de, "password") == "Passwort"
    assert driver_de.title.startswith("Anmelden")


def test_german_error_messages(site, driver_de):
    log_in(driver_de, site, unique_email("de"), "falsches Passwort")
    assert alert_text(driver_de) == "E-Mail-Adresse oder Passwort ist falsch."
    assert heading(driver_de) == "Anmelden, um fortzufahren"


def test_ui_locales_wins_over_accept_language(site, driver, driver_de):
    open_page(driver, site, "/acme/u/login?ui_locales=de")
    assert heading(driver) == "Anmelden, um fortzufahren"
    assert label_of(driver, "password") == "Passwort"

    open_page(driver_de, site, "/acme/u/login?ui_locales=en")
    assert heading(driver_de) == "Log in to continue"


# --------------------------------------------------------------------------------------------
# Markup: labels, autocomplete, no JavaScript

PAGES = ["/acme/u/login", "/acme/u/signup", "/acme/u/forgot-password", "/acme/u/logout", "/globex/u/login"]

# Inline event handlers are JavaScript too, and the Content-Security-Policy would block them.
EVENT_HANDLER_ATTRIBUTES = """
return Array.from(document.querySelectorAll('*')).flatMap(e =>
  Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => e.tagName + '[' + a.name + ']'));
"""


@pytest.mark.parametrize("path", PAGES)
def test_page_markup_is_accessible_and_script_free(site, driver, path):
    open_page(driver, site, path)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert len(driver.find_elements(By.TAG_NAME, "h1")) == 1
    assert driver.find_element(By.TAG_NAME, "main").get_attribute("aria-labelledby") == "heading"

    fields = driver.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]):not([hidden]), select, textarea")
    for field in fields:
        field_id = field.get_attribute("id")
        assert field_id, f"{path}: input {field.get_attribute('name')!r} has no id for a label"
        labels = driver.find_elements(By.CSS_SELECTOR, f"label[for='{field_id}']")
        assert len(labels) == 1 and labels[0].text.strip(), f"{path}: #{field_id} has no visible <label for>"
        assert field.get_attribute("autocomplete"), f"{path}: #{field_id} has no autocomplete"

    for button in driver.find_elements(By.TAG_NAME, "button"):
        assert button.text.strip(), f"{path}: a button without text"
    for image in driver.find_elements(By.TAG_NAME, "img"):
        assert image.get_attribute("alt"), f"{path}: an image without alt text"

    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert driver.execute_script(EVENT_HANDLER_ATTRIBUTES) == []
    assert driver.find_elements(By.CSS_SELECTOR, "a[href^='javascript:']") == []


def autocomplete(driver, field_id: str) -> str:
    return driver.find_element(By.ID, field_id).get_attribute("autocomplete")


def test_autocomplete_tells_password_managers_what_each_field_is(site, driver):
    open_page(driver, site, "/acme/u/login")
    assert autocomplete(driver, "username") == "username"
    assert autocomplete(driver, "password") == "current-password"

    open_page(driver, site, "/acme/u/signup")
    # "email" and "username" both let password managers store the new login under this address.
    assert autocomplete(driver, "email") in {"email", "username"}
    assert autocomplete(driver, "name") == "name"
    assert autocomplete(driver, "password") == "new-password"
    # The policy is announced with the field, not only shown near it.
    assert driver.find_element(By.ID, "password").get_attribute("aria-describedby") == "password-rules"
    assert driver.find_element(By.ID, "password-rules").text

    open_page(driver, site, "/acme/u/forgot-password")
    assert autocomplete(driver, "email") == "username"


def test_login_works_with_javascript_disabled(portcullis_bin, site, driver):
    email = unique_email("nojs")
    create_user(portcullis_bin, site, email)
    # Scripts in the page stop running; selenium's own commands still work through DevTools.
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        log_in(driver, site, email, TEST_PASSWORD)
        wait_for_text(driver, f"You are logged in as {email}.")
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
