"""Screenshots of every hosted page, saved to docs/screenshots/ (1280x800, committed).

They run with every test run because they are cheap, and so the committed pictures always show what
the current templates render. Each one first checks it shows the page it is named after, so a
broken page fails here instead of being saved as a picture. Addresses are fixed (the module has its
own database) so the same templates give the same pixels.
"""

from __future__ import annotations

from selenium.webdriver.common.by import By

from browser import (  # noqa: F401 (driver, driver_de, _driver_en, _driver_de, site are fixtures)
    CSRF_EN,
    LOCKED_EN,
    SCREEN_HEIGHT,
    SCREEN_WIDTH,
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
    save_screenshot,
    site,
    status_of_current_page,
    submit,
    wait_for_text,
)

EMAIL = "jane.doe@example.com"

# Committed files: a run that stays under this keeps the repository small.
MAX_PNG_BYTES = 150_000


def screenshot(driver, name: str) -> None:
    path = save_screenshot(driver, name)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (SCREEN_WIDTH, SCREEN_HEIGHT), f"{name}: {width}x{height}"
    assert len(data) < MAX_PNG_BYTES, f"{name}: {len(data)} bytes"


def test_login_pages(site, driver, driver_de):
    open_page(driver, site, "/acme/u/login")
    assert heading(driver) == "Log in to continue"
    screenshot(driver, "login-en")

    open_page(driver_de, site, "/acme/u/login")
    assert heading(driver_de) == "Anmelden, um fortzufahren"
    screenshot(driver_de, "login-de")

    open_page(driver, site, "/globex/u/login")
    assert driver.find_element(By.CSS_SELECTOR, "p.tenant").text == "Globex"
    screenshot(driver, "globex-login-en")


def test_login_error(portcullis_bin, site, driver):
    create_user(portcullis_bin, site, EMAIL)
    log_in(driver, site, EMAIL, "not the password")
    assert alert_text(driver) == WRONG_CREDENTIALS_EN
    screenshot(driver, "login-error-en")


def test_signup_pages(site, driver, driver_de):
    open_page(driver, site, "/acme/u/signup")
    assert heading(driver) == "Create your account"
    screenshot(driver, "signup-en")

    open_page(driver_de, site, "/acme/u/signup")
    assert driver_de.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    screenshot(driver_de, "signup-de")


def test_forgot_password_pages(site, driver, driver_de):
    open_page(driver, site, "/acme/u/forgot-password")
    assert heading(driver) == "Forgot your password?"
    screenshot(driver, "forgot-password-en")

    open_page(driver_de, site, "/acme/u/forgot-password")
    assert heading(driver_de) == "Passwort vergessen?"
    screenshot(driver_de, "forgot-password-de")


def test_logged_in_and_logout_pages(portcullis_bin, site, driver):
    email = "sam.session@example.com"
    create_user(portcullis_bin, site, email, name="Sam Session")
    log_in(driver, site, email, TEST_PASSWORD)
    wait_for_text(driver, "You are logged in as Sam Session.")
    screenshot(driver, "logged-in-en")

    open_page(driver, site, "/acme/u/logout")
    assert heading(driver) == "Log out"
    screenshot(driver, "logout-en")

    submit(driver)
    wait_for_text(driver, "You have been logged out.")
    screenshot(driver, "logged-out-en")


def test_locked_page(portcullis_bin, site, driver):
    email = "lee.locked@example.com"
    create_user(portcullis_bin, site, email)
    for attempt in range(5):
        log_in(driver, site, email, f"wrong password {attempt}")
    log_in(driver, site, email, TEST_PASSWORD)
    assert alert_text(driver) == LOCKED_EN
    screenshot(driver, "locked-en")


def test_csrf_error_page(site, driver):
    open_page(driver, site, "/acme/u/login")
    fill(driver, "username", EMAIL)
    fill(driver, "password", TEST_PASSWORD)
    driver.delete_cookie("portcullis_csrf")
    submit(driver)
    assert status_of_current_page(driver) == 403
    assert lead_text(driver) == CSRF_EN
    screenshot(driver, "error-csrf-en")


def test_consent_pages(portcullis_bin, site, driver, driver_de):
    """A third-party client (acme-partner) asks for consent after the login; Allow continues the
    authorization and the browser lands on the client's callback with a code."""
    from urllib.parse import parse_qs, urlencode, urlparse

    from selenium.webdriver.support.ui import WebDriverWait

    email = "casey.consent@example.com"
    create_user(portcullis_bin, site, email, name="Casey Consent")
    callback = "http://127.0.0.1:8081/callback"
    query = urlencode({
        "response_type": "code", "client_id": "acme-partner", "redirect_uri": callback,
        "scope": "openid profile email", "state": "consent-state",
    })
    for browser_driver, name, title in [(driver, "consent-en", "Authorize access"), (driver_de, "consent-de", "Zugriff erlauben")]:
        open_page(browser_driver, site, f"/acme/authorize?{query}")
        fill(browser_driver, "username", email)
        fill(browser_driver, "password", TEST_PASSWORD)
        submit(browser_driver)
        WebDriverWait(browser_driver, 15).until(lambda d: heading(d) == title)
        assert "Partner Reports" in lead_text(browser_driver)
        screenshot(browser_driver, name)

    driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    WebDriverWait(driver, 15).until(lambda d: d.current_url.startswith(callback))
    answer = parse_qs(urlparse(driver.current_url).query)
    assert answer["state"] == ["consent-state"]
    assert answer["code"][0]
