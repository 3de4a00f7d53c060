"""What a person does in the browser tests: log in, open the Settings page, save it.

Imported by name; the fixtures (a browser, a fresh page) are in conftest.py.
"""

from __future__ import annotations

import time

from atom.accounts.sudo import set_sudo_expiry
from tests.helpers import PASSWORD

# How long a page may take to show what a test expects: long enough for a
# slow CI machine, short enough that a broken page fails fast.
TIMEOUT_MS = 10_000


def login(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real log-in page, as a person would."""
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def log_in_by_field_ids(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the log-in form, found by its fields' ids: in any language."""
    page.goto("/login/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def open_company_settings(page) -> None:
    """Settings > My Company > Settings, through the navigation."""
    nav = page.get_by_role("navigation", name="Main navigation")
    settings_menu = nav.locator("details.menu").first
    if settings_menu.get_attribute("open") is None:
        nav.locator("summary", has_text="Settings").first.click()
    company_menu = settings_menu.locator("details.menu")
    if company_menu.get_attribute("open") is None:
        company_menu.locator("summary", has_text="My Company").click()
    company_menu.get_by_role("link", name="Settings", exact=True).click()
    page.wait_for_load_state()


def save_section(page) -> None:
    """Press Save under Security Settings."""
    page.locator("#security-form").get_by_role("button", name="Save").click()


def end_sudo(page, live_server) -> None:
    """Make this browser's session look older than 15 minutes: sudo mode has lapsed."""
    from django.contrib.sessions.backends.db import SessionStore

    cookie = next(c for c in page.context.cookies(live_server.url) if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    set_sudo_expiry(session, time.time() - 60)
    session.save()
