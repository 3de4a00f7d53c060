"""Browser fixtures: Debian's Chromium driven by Playwright, against pytest-django's live_server.

The live server is a thread of this test process, on the test database, so
a test can arrange data with the ORM and then watch a person use it through
the real pages. Every test gets a fresh browser context: no cookies, no
clipboard, no state left by the test before it.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import TIMEOUT_MS
from tests.helpers import CHROMIUM

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse the ORM calls the tests make around it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context (its own cookies: another person at another computer).

    The context may use the clipboard on the live server's origin;
    ``javascript=False`` shows the page as it works without its modules;
    ``width``, ``height`` and ``locale`` set the window and the browser's language.
    """
    contexts = []
    script_errors: list[str] = []

    def open_page(
        *, javascript: bool = True, width: int = 1280, height: int = 900, locale: str = "en-US"
    ):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale=locale,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(live_server.url))
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    # A page module that throws leaves the page half-working: fail loudly.
    assert not script_errors, "JavaScript errors:\n" + "\n".join(script_errors)


@pytest.fixture
def page(new_page):
    return new_page()
