"""The Settings page in every state a person meets, on a phone and a desktop, in English and Spanish.

axe-core finds nothing and nothing scrolls sideways: the page as it opens,
with a new token shown in full, with every error of a refused Save, with the
result beside Save, and with each of its dialogs open; without JavaScript,
the page after Generate and the page that asks before an old token stops.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.security.models import ApiToken, TokenStatus
from tests.browser.accessibility import CHECKED_WIDTHS, assert_accessible, require_axe
from tests.browser.helpers import end_sudo, log_in_by_field_ids
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

SETTINGS = "/settings/my-company/settings/"
CLEAR_TOKEN = re.compile(r"^atom_[0-9A-Za-z]{46}$")
WIDTHS = CHECKED_WIDTHS
LOCALES = ("en-US", "es-ES")

# What the page says in each language, as a person reads it.
WORDS = {
    "en-US": {
        "save": "Save security settings",
        "rename": "Save company name",
        "saved": "Atom accepts the new API token now",
        "problems": "fix these 2 problems",
        "stop": "Stop it now",
    },
    "es-ES": {
        "save": "Guardar configuración de seguridad",
        "rename": "Guardar nombre de la empresa",
        "saved": "Atom ya acepta el nuevo token de API",
        "problems": "corrija estos 2 problemas",
        "stop": "Detenerlo ahora",
    },
}


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.ATOM_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def open_page(new_page):
    """A fresh page at ``width`` in the browser language ``locale``."""

    def open_page(*, width: int, locale: str, javascript: bool = True):
        return new_page(javascript=javascript, width=width, height=800, locale=locale)

    return open_page


def check(page, where: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{where}: the page scrolls sideways"
    )
    assert_accessible(page, where)


def check_without_javascript(page, snapshot_page, where: str) -> None:
    """axe-core on ``page`` as it renders without JavaScript.

    axe needs a script, which a page without JavaScript cannot run: its
    HTML, scripts removed, is shown in a page that may run axe.
    """
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.DOTALL)
    snapshot_page.route(
        "**/no-javascript-snapshot/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    snapshot_page.goto("/no-javascript-snapshot/")
    check(snapshot_page, where)
    snapshot_page.unroute("**/no-javascript-snapshot/")


def confirm_password(page) -> None:
    dialog = page.locator("#sudo-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#sudo-password").fill(PASSWORD)
    dialog.locator("button[value=confirm]").click()
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_state_of_the_page_is_accessible(open_page, live_server, owner, acme, width, locale):
    require_axe()
    words = WORDS[locale]
    where = f"{width} px, {locale}"
    page = open_page(width=width, locale=locale)
    log_in_by_field_ids(page, owner.email)
    page.goto(SETTINGS)
    expect(page.get_by_role("button", name=words["save"])).to_be_visible()
    expect(page.get_by_role("button", name=words["rename"])).to_be_visible()
    check(page, f"Settings, {where}")

    # A new token, in full, with its notice and the grace choice.
    page.locator("[data-action=generate-token]").click()
    expect(page.locator("#api-token")).to_have_value(CLEAR_TOKEN)
    expect(page.locator("#pending-token-notice")).to_be_visible()
    check(page, f"new token, {where}")

    # A Save with two errors: the summary, each field's message, red rows.
    entry = page.locator("#allowlist-new")
    entry.fill("8.8.8.8")
    entry.press("Enter")
    entry.fill("256.1.1.1")
    entry.press("Enter")
    expect(page.locator("#allowlist-entries > li.entry")).to_have_count(2)
    page.locator("#id_password_size").fill("7")
    page.locator("#security-save").click()
    expect(page.locator("#security-summary")).to_contain_text(words["problems"])
    expect(page.locator("#allowlist-entries > li.entry.invalid")).to_have_count(1)
    check(page, f"refused Save, {where}")

    # The lock-out, the only error left; then a Save that works.
    page.locator("#allowlist-entries > li.entry.invalid button").click()
    page.locator("#id_password_size").fill("16")
    page.locator("#security-save").click()
    expect(page.locator("#allowlist-errors")).to_be_visible()
    check(page, f"lock-out, {where}")
    page.locator("[data-action=add-my-address]").click()
    expect(page.locator("#allowlist-entries > li.entry")).to_have_count(2)
    page.locator("#security-save").click()
    expect(page.locator("#security-result")).to_contain_text(words["saved"])
    check(page, f"saved, {where}")

    # Each dialog, open: stopping the old token, the password, clearing the list.
    page.locator("[data-action=stop-token]").click()
    expect(page.locator("#stop-dialog")).to_be_visible()
    check(page, f"stop dialog, {where}")
    page.locator("#stop-dialog button[value=keep]").click()

    end_sudo(page, live_server)
    page.locator("[data-action=toggle-token]").click()
    expect(page.locator("#sudo-dialog")).to_be_visible()
    check(page, f"password dialog, {where}")
    confirm_password(page)

    rows = page.locator("#allowlist-entries > li.entry")
    for remaining in range(rows.count(), 0, -1):
        rows.first.locator("button").click()
        expect(rows).to_have_count(remaining - 1)
    page.locator("#security-save").click()
    expect(page.locator("#clear-dialog")).to_be_visible()
    check(page, f"clear dialog, {where}")
    page.locator("#clear-dialog button[value=keep]").click()


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_pages_without_javascript_are_accessible(open_page, owner, acme, width, locale):
    require_axe()
    words = WORDS[locale]
    where = f"{width} px, {locale}, no JavaScript"
    page = open_page(width=width, locale=locale, javascript=False)
    snapshot = open_page(width=width, locale=locale)

    def check(page, where):
        check_without_javascript(page, snapshot, where)

    log_in_by_field_ids(page, owner.email)
    page.goto(SETTINGS)
    page.locator("[data-action=generate-token]").click()
    expect(page.locator("#api-token")).to_have_value(CLEAR_TOKEN)
    check(page, f"new token, {where}")

    page.locator("#id_password_size").fill("7")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#security-summary")).to_be_visible()
    check(page, f"refused Save, {where}")

    page.locator("#id_password_size").fill("16")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("#security-result")).to_contain_text(words["saved"])
    check(page, f"saved, {where}")

    old = ApiToken.objects.get(company=acme, status=TokenStatus.GRACE)
    page.locator(f"button[form=end-grace-{old.id}]").click()
    expect(page.get_by_role("button", name=words["stop"])).to_be_visible()
    check(page, f"stop the old token?, {where}")
