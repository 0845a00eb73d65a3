"""Headless Chromium for the browser tests, driven by Selenium, with the network blocked.

Debian's ``chromium`` and ``chromium-driver`` are used (``.ci/install-browser`` installs
them). The browser reaches loopback (a local JupyterLab) and ``file://`` pages only: every
host name resolves to nothing and every other address goes through a proxy that does not
exist, so a page that needs the network shows it as a console error.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = ("chromedriver", "chromium-driver")
BLOCK_NETWORK = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
)


def _which(names: tuple[str, ...]) -> str | None:
    return next((path for path in map(shutil.which, names) if path), None)


def browser_paths() -> tuple[str, str]:
    """The Chromium and chromedriver executables; fails the test when they are missing."""
    chromium, driver = _which(CHROMIUM), _which(DRIVER)
    if not (chromium and driver):
        pytest.fail(
            "the browser tests need Debian's chromium and chromium-driver: run "
            "`.ci/install-browser` (or apt-get install chromium chromium-driver)"
        )
    return chromium, driver


@contextmanager
def chromium(profile: Path, *, width: int = 1280, height: int = 1000) -> Iterator:
    """A headless Chromium (Selenium WebDriver) whose browser log records console errors."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--no-first-run",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
        *BLOCK_NETWORK,
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def console_errors(driver) -> list[str]:
    """Console errors (and failed loads) since the last call: the browser log's SEVERE lines."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, path: Path, *, full_page: bool = True) -> Path:
    """Save a PNG of the page (the whole page, beyond the window, when ``full_page``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if full_page:
        # a window as tall as the page, so that the page lays out as it does on screen
        width = driver.execute_script("return window.innerWidth;")
        height = driver.execute_script("return document.documentElement.scrollHeight;")
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        try:
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        path.write_bytes(base64.b64decode(shot["data"]))
    else:
        driver.save_screenshot(str(path))
    return path


def fetch_fails(driver, url: str) -> bool:
    """Whether the page cannot fetch ``url`` (the network block works)."""
    script = (
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {mode: 'no-cors'}).then(() => done(false), () => done(true));"
    )
    return bool(driver.execute_async_script(script, url))
