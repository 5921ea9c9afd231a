"""Fixtures for the console: logged-in clients, CSRF switched on, and Chromium."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.review.fixtures import PASSWORD, rules_available, run_worker, wx  # noqa: F401  (fixtures)

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def csrf(app):
    """CSRF protection as in production (tests otherwise run without it)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def token(html: str) -> str:
    """The CSRF token of the first form on a rendered page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client, username: str, password: str = PASSWORD):
    return client.post("/staff/login", data={"username": username, "password": password})


@pytest.fixture
def browser():
    """Debian's Chromium through Playwright; skipped where it is missing, except in CI."""
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing and CI=true: browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot():
    """Save a page's screenshot under test-artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
