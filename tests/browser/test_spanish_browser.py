"""The console in Spanish, as a Spanish-speaking admin reads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


def switch_to_spanish(page) -> None:
    """The language switch at the top of every page."""
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_password_size_reads_as_the_minimum_length_in_lower_case_mid_sentence(page, owner):
    login(page, owner.email)
    switch_to_spanish(page)
    page.goto("/settings/my-company/settings/")
    size = page.get_by_label("Longitud mínima de la contraseña", exact=True)
    expect(size).to_have_value("15")
    size.fill("7")
    page.locator("#security-form").get_by_role("button", name="Guardar").click()
    field = page.locator("#password-size-field")
    expect(field).to_contain_text("La longitud mínima de la contraseña debe")
    expect(page.locator("body")).not_to_contain_text("Tamaño")
    assert_accessible(page)


def test_a_loopback_address_is_named_in_spanish(page, settings, owner):
    settings.ATOM_ALLOW_PRIVATE_ADDRESSES = False
    login(page, owner.email)
    switch_to_spanish(page)
    page.goto("/settings/my-company/settings/")
    entry = page.locator("#allowlist-new")
    entry.fill("127.0.0.1")
    entry.press("Enter")
    expect(page.locator("#allowlist-field")).to_contain_text("(bucle local)")
    expect(page.locator("#allowlist-field")).not_to_contain_text("loopback")


def test_the_users_list_marks_your_own_account(page, owner, agent):
    login(page, owner.email)
    switch_to_spanish(page)
    page.goto("/settings/my-company/users/")
    mine = page.locator("table.list tbody tr", has_text=owner.email)
    expect(mine.locator(".tag")).to_have_text("su cuenta")
    theirs = page.locator("table.list tbody tr", has_text=agent.email)
    expect(theirs.locator(".tag")).to_have_count(0)
