"""Fixtures for the console: logged-in clients and CSRF switched on."""
from __future__ import annotations

import re

import pytest

from tests.review.fixtures import PASSWORD

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


def log_in_page(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the console's own form, as a member of staff would."""
    page.goto(f"{base_url}/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button:has-text('登录')")
