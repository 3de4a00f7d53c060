"""What a person sees when password checks lock the account out, and how the meter counts.

"Change your password" and the password prompt of sensitive actions count
toward the log-in lock-out: after five wrong passwords the page says to
wait, in English and Spanish, and passes axe-core at 390 and 1280 px.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from atom.security.models import SecurityPolicy
from tests.browser.accessibility import assert_accessible_at_widths, require_axe
from tests.browser.helpers import TIMEOUT_MS, log_in_by_field_ids
from tests.helpers import PASSWORD

WRONG = "not the password at all"
LOCKED = {
    "en": "Too many failed attempts for this account from your address. Wait 15 minutes",
    "es": "Demasiados intentos fallidos para esta cuenta desde su dirección. Espere 15 minutos",
}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_one(*, language: str = "en", width: int = 1280):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 900},
            locale={"en": "en-US", "es": "es-ES"}[language],
        )
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_change_password_says_to_wait_after_five_wrong_current_passwords(
    open_page, agent, language
):
    require_axe()
    page = open_page(language=language)
    log_in_by_field_ids(page, agent.email)
    page.goto("/account/password/")
    for _ in range(5):
        page.locator("#id_current_password").fill(WRONG)
        page.locator("#id_new_password1").fill("a brand new passphrase for qzv")
        page.locator("#id_new_password2").fill("a brand new passphrase for qzv")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    expect(page.locator("main .field.invalid").first).to_contain_text(LOCKED[language])
    assert_accessible_at_widths(page, f"Change your password, locked out ({language})")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_password_prompt_says_to_wait_after_five_wrong_passwords(open_page, owner, language):
    require_axe()
    page = open_page(language=language)
    log_in_by_field_ids(page, owner.email)
    page.goto("/account/confirm-password/")
    for _ in range(5):
        page.locator("#id_password").fill(WRONG)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(LOCKED[language])
    # Even the right password is refused now.
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text(LOCKED[language])
    assert_accessible_at_widths(page, f"the password prompt, locked out ({language})")


def test_the_meter_counts_a_ligature_once(open_page, agent, acme):
    SecurityPolicy.objects.filter(company=acme).update(password_size=15)
    page = open_page()
    log_in_by_field_ids(page, agent.email)
    page.goto("/account/password/")
    page.locator("#id_new_password1").fill("ﬀ" * 8)
    expect(page.locator("#id_new_password1-counter")).to_have_text("8 / 15")
    expect(page.locator("#id_new_password1-counter")).not_to_have_class("counter enough")
