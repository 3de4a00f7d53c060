"""Allowed IP Addresses in a real browser: entries typed with Enter, checked, saved.

The live server sees the browser at 127.0.0.1, a loopback address that the
list refuses in production; these tests allow private addresses so the
admin's own address can be on the list.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.security.models import AllowedAddress
from tests.browser.helpers import login, open_company_settings, save_section

pytestmark = pytest.mark.browser

OCTET_ERROR = "256.1.1.1: each of the four numbers must be 0-255."
LOCKOUT_ERROR = (
    "This list does not include your current address (127.0.0.1): saving it would lock you "
    "out. Add your address, or save from an address on the list."
)


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.ATOM_ALLOW_PRIVATE_ADDRESSES = True


def new_entry(page):
    return page.get_by_role("textbox", name="Allowed IP Addresses")


def entries(page):
    return page.locator("#allowlist-entries > li.entry")


def expect_entries(page, addresses: list[str]) -> None:
    """Wait until the list shows exactly these entries, in this order."""
    expect(entries(page)).to_have_count(len(addresses))
    for index, address in enumerate(addresses):
        expect(entries(page).nth(index).locator("input.address")).to_have_value(address)


def saved_networks(company) -> list[str]:
    return list(
        AllowedAddress.objects.filter(company=company)
        .order_by("position")
        .values_list("network", flat=True)
    )


def test_the_owner_types_addresses_fixes_a_wrong_one_and_saves(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    expect(page.locator("#allowlist-empty-note")).to_be_visible()

    typed = new_entry(page)
    typed.fill("8.8.8.8")
    typed.press("Enter")
    typed.fill("127.0.0.1")
    typed.press("Enter")
    expect_entries(page, ["8.8.8.8", "127.0.0.1"])
    expect(typed).to_have_value("")
    expect(page.locator("#allowlist-empty-note")).to_be_hidden()

    typed.fill("256.1.1.1")
    typed.press("Enter")
    expect(page.locator("#allowlist-new-errors")).to_have_text(OCTET_ERROR)
    # A screen reader announces the message with the box.
    expect(typed).to_have_accessible_description(re.compile(re.escape(OCTET_ERROR)))
    expect(typed).to_have_value("256.1.1.1")
    expect(typed).to_have_attribute("aria-invalid", "true")
    expect(entries(page)).to_have_count(2)

    typed.fill("200.1.2.0/24")
    typed.press("Enter")
    expect(entries(page)).to_have_count(3)
    expect(page.locator("#allowlist-new-errors")).to_be_hidden()
    expect(typed).to_have_attribute("aria-invalid", "false")

    save_section(page)
    expect(page.locator("ul.messages")).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1", "200.1.2.0/24"]

    page.reload()
    expect_entries(page, ["8.8.8.8", "127.0.0.1", "200.1.2.0/24"])


def test_a_list_without_the_admins_own_address_is_refused_until_it_is_added(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    typed = new_entry(page)
    typed.fill("8.8.8.8")
    typed.press("Enter")
    expect(entries(page)).to_have_count(1)

    save_section(page)
    expect(page.locator("#allowlist-errors")).to_have_text(LOCKOUT_ERROR)
    expect(new_entry(page)).to_have_accessible_description(re.compile(re.escape(LOCKOUT_ERROR)))
    assert saved_networks(acme) == []
    # The admin's list is still on the page, to be completed.
    expect_entries(page, ["8.8.8.8"])

    page.get_by_role("button", name="Add my current address (127.0.0.1)").click()
    expect_entries(page, ["8.8.8.8", "127.0.0.1"])

    save_section(page)
    expect(page.locator("ul.messages")).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]


def test_an_address_typed_without_enter_is_saved_with_the_rest(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    typed = new_entry(page)
    typed.fill("8.8.8.8")
    typed.press("Enter")
    typed.fill("127.0.0.1")
    save_section(page)
    expect(page.locator("ul.messages")).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]
    expect_entries(page, ["8.8.8.8", "127.0.0.1"])


def test_removing_every_entry_saves_no_restriction(page, owner, acme):
    AllowedAddress.objects.create(company=acme, network="8.8.8.8", position=0)
    AllowedAddress.objects.create(company=acme, network="127.0.0.1", label="office", position=1)
    login(page, owner.email)
    open_company_settings(page)
    expect(entries(page)).to_have_count(2)
    expect(page.get_by_label("Label 127.0.0.1")).to_have_value("office")

    page.get_by_role("button", name="Remove 8.8.8.8").click()
    page.get_by_role("button", name="Remove 127.0.0.1").click()
    expect(entries(page)).to_have_count(0)
    expect(page.locator("#allowlist-empty-note")).to_be_visible()

    save_section(page)
    expect(page.locator("ul.messages")).to_have_text("Saved.")
    assert saved_networks(acme) == []


def test_without_javascript_the_list_is_a_textarea_and_still_saves(new_page, owner, acme):
    page = new_page(javascript=False)
    login(page, owner.email)
    page.goto("/settings/my-company/settings/")
    textarea = page.locator("textarea[name=allowed_addresses]")
    textarea.fill("8.8.8.8\n256.1.1.1")
    save_section(page)
    expect(page.locator("#allowlist-errors")).to_have_text(f"Line 2: {OCTET_ERROR}")

    textarea.fill("8.8.8.8")
    page.locator("#allowlist-field").get_by_role(
        "button", name="Add my current address (127.0.0.1)"
    ).click()
    expect(textarea).to_have_value("8.8.8.8\n127.0.0.1")
    assert saved_networks(acme) == []

    # Enter in Password Size saves the whole section.
    page.get_by_label("Password Size").press("Enter")
    expect(page.locator("ul.messages")).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]
