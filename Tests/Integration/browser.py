"""Selenium helpers for the browser tests of the hosted pages (`{issuer}/u/...`).

The browser is Debian's headless Chromium with its matching chromedriver (`scripts/test.sh` installs both),
so selenium never downloads a driver. Tests import the fixtures below by name; each test module gets
one server and one browser per language, which keeps a module's run to a few seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from portcullis_testkit import REPO_ROOT, Server, page_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

# Screenshots are committed, so they have one fixed size whatever machine takes them.
SCREEN_WIDTH, SCREEN_HEIGHT = 1280, 800
SCREENSHOT_DIR = REPO_ROOT / "docs" / "screenshots"

# Page loads hit a local server: anything slower than this is a hang, not a slow machine.
WAIT_TIMEOUT = 15.0

TEST_PASSWORD = "correct horse battery staple"

LOCKED_EN = "This account is locked after too many failed attempts. Try again later."
WRONG_CREDENTIALS_EN = "Wrong email or password."
CSRF_EN = "This form has expired. Please reload the page and try again."


def unique_email(prefix: str) -> str:
    """A fresh address per test, so lockouts and sign-ups of one test never affect another."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


# --------------------------------------------------------------------------------------------
# Browser


def chromium_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} not found: install Debian's chromium and chromium-driver (scripts/test.sh installs them)"
    return None


def make_driver(lang: str = "en") -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # Chromium's sandbox cannot start as root (CI containers run as root)
        "--disable-dev-shm-usage",  # /dev/shm in containers is often only 64 MB
        "--disable-gpu",
        f"--window-size={SCREEN_WIDTH},{SCREEN_HEIGHT}",
        f"--lang={lang}",
        # Hermetic: only the test server is reachable. The example acme tenant points its logo at an
        # https host that does not exist; failing that lookup at once keeps page loads fast and
        # identical with or without network access.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-sync",
        "--password-store=basic",
    ):
        options.add_argument(argument)
    # --lang sets the UI language; the Accept-Language header the server sees comes from this pref.
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT_TIMEOUT)
    # How --window-size maps to the viewport has changed between headless versions; pinning the
    # viewport makes screenshots exactly SCREEN_WIDTH x SCREEN_HEIGHT on every version.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": SCREEN_WIDTH, "height": SCREEN_HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


@contextmanager
def browser(lang: str = "en") -> Iterator[WebDriver]:
    missing = chromium_missing()
    if missing:
        pytest.fail(missing, pytrace=False)
    driver = make_driver(lang)
    try:
        yield driver
    finally:
        driver.quit()


# --------------------------------------------------------------------------------------------
# Server and users


def create_user(
    portcullis_bin: Path,
    server: Server,
    email: str,
    password: str = TEST_PASSWORD,
    *,
    tenant: str = "acme",
    name: str | None = None,
    verified: bool = True,
) -> str:
    """Creates a user with the CLI in the server's own database; returns the user id."""
    command = [
        str(portcullis_bin), "users", "create",
        "--config", str(server.config_dir),
        "--secrets", str(server.secrets),
        "--database", str(server.database),
        "--tenant", tenant,
        "--email", email,
        "--password-stdin",
    ]
    if name:
        command += ["--name", name]
    if verified:
        command.append("--verified")
    result = subprocess.run(
        command, input=password + "\n", capture_output=True, text=True, timeout=60, cwd=server.workdir
    )
    assert result.returncode == 0, f"users create failed ({result.returncode}):\n{result.stdout}{result.stderr}"
    return result.stdout.strip()


# --------------------------------------------------------------------------------------------
# Pages


def wait(driver: WebDriver, timeout: float = WAIT_TIMEOUT) -> WebDriverWait:
    return WebDriverWait(driver, timeout)


def open_page(driver: WebDriver, server: Server, path: str) -> None:
    """Loads a page and waits until its heading is there (every hosted page has h1#heading)."""
    driver.get(server.url(path))
    wait(driver).until(EC.presence_of_element_located((By.ID, "heading")))


def heading(driver: WebDriver) -> str:
    return driver.find_element(By.ID, "heading").text


def fill(driver: WebDriver, field_id: str, value: str) -> None:
    element = wait(driver).until(EC.element_to_be_clickable((By.ID, field_id)))
    element.clear()
    element.send_keys(value)


def replaced(old_html):
    """A wait condition: the page that `old_html` belonged to is gone. Chromium sometimes answers
    "Node with given id does not belong to the document" instead of a stale-element error for a
    replaced page; both mean the old document is gone."""
    def check(_driver) -> bool:
        try:
            old_html.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    return check


def submit(driver: WebDriver) -> None:
    """Clicks the form's submit button and waits for the next page to replace this one."""
    button = driver.find_element(By.CSS_SELECTOR, "form button[type=submit]")
    old_html = driver.find_element(By.TAG_NAME, "html")
    button.click()
    wait(driver).until(replaced(old_html))
    wait(driver).until(EC.presence_of_element_located((By.ID, "heading")))


def log_in(driver: WebDriver, server: Server, email: str, password: str, tenant: str = "acme") -> None:
    open_page(driver, server, f"/{tenant}/u/login")
    fill(driver, "username", email)
    fill(driver, "password", password)
    submit(driver)


def alert_text(driver: WebDriver) -> str | None:
    """The page's error message (role=alert), or None if it shows none."""
    alerts = driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
    return alerts[0].text if alerts else None


def lead_text(driver: WebDriver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "p.lead").text


def body_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def wait_for_text(driver: WebDriver, text: str) -> None:
    try:
        wait(driver).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), text))
    except WebDriverException as error:
        raise AssertionError(f"{text!r} not on {driver.current_url}:\n{body_text(driver)}") from error


def status_of_current_page(driver: WebDriver) -> int | None:
    """The HTTP status of the document now shown, from the Navigation Timing API."""
    return driver.execute_script(
        "const e = performance.getEntriesByType('navigation')[0]; return e ? e.responseStatus : null;"
    )


def save_screenshot(driver: WebDriver, name: str) -> Path:
    """Saves the viewport as docs/screenshots/<name>.png, overwriting the committed one."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    # Focus moves the caret in and out of view as it blinks; without it the same page gives the
    # same pixels on every run, so regenerating the screenshots leaves Git clean.
    driver.execute_script("if (document.activeElement) document.activeElement.blur();")
    path = SCREENSHOT_DIR / f"{name}.png"
    tmp = path.with_name(f".{name}.tmp.png")  # written whole, then moved into place
    assert driver.save_screenshot(str(tmp)), f"screenshot {name} failed"
    shutil.move(tmp, path)
    return path


# --------------------------------------------------------------------------------------------
# Fixtures: test modules import these by name.


@pytest.fixture(scope="module")
def site(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[Server]:
    """One server per test module; tests keep apart by using their own user emails."""
    with page_server(portcullis_bin, tmp_path_factory.mktemp("browser"), request) as server:
        yield server


@pytest.fixture(scope="module")
def _driver_en() -> Iterator[WebDriver]:
    with browser("en") as driver:
        yield driver


@pytest.fixture(scope="module")
def _driver_de() -> Iterator[WebDriver]:
    with browser("de") as driver:
        yield driver


def _fresh(driver: WebDriver) -> WebDriver:
    # Cookies of one test (a session, a CSRF token) must not carry over into the next.
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return driver


@pytest.fixture
def driver(_driver_en: WebDriver) -> WebDriver:
    """An English browser (Accept-Language: en) without cookies."""
    return _fresh(_driver_en)


@pytest.fixture
def driver_de(_driver_de: WebDriver) -> WebDriver:
    """A German browser (--lang=de, Accept-Language: de) without cookies."""
    return _fresh(_driver_de)
