"""Keyboard and screen-reader details that axe-core alone does not prove."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from atom.audit.actors import Actor
from atom.security import api_tokens
from atom.security.models import AllowedAddress
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_the_old_tokens_table_names_every_column(page, owner, acme, width):
    api_tokens.rotate(acme, timedelta(hours=1), Actor.operator())
    page.set_viewport_size({"width": width, "height": 900})
    login(page, owner.email)
    page.goto("/settings/my-company/settings/")
    headers = page.locator(".grace-tokens thead th")
    expect(headers).to_have_count(4)
    for name in headers.all_text_contents():
        assert name.strip(), "a column of the old tokens table has no name"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_removing_an_entry_with_the_keyboard_keeps_focus_in_the_list_and_says_so(
    page, settings, owner, acme
):
    # The browser's own address stays listed, or the owner could not log in.
    settings.ATOM_ALLOW_PRIVATE_ADDRESSES = True
    for position, network in enumerate(["127.0.0.1", "8.8.8.8", "1.1.1.1"]):
        AllowedAddress.objects.create(company=acme, network=network, position=position)
    login(page, owner.email)
    page.goto("/settings/my-company/settings/")
    field = page.locator("#allowlist-field")
    status = field.get_by_role("status")

    field.get_by_role("button", name="Remove 8.8.8.8").focus()
    page.keyboard.press("Enter")
    expect(field.locator("input.address[value='8.8.8.8']")).to_have_count(0)
    # Focus moves to the next entry's Remove, not back to the top of the page.
    expect(field.get_by_role("button", name="Remove 1.1.1.1")).to_be_focused()
    expect(status).to_contain_text("Removed")
    expect(status).to_contain_text("8.8.8.8")

    page.keyboard.press("Enter")
    # The last entry gone, focus goes to the one before it.
    expect(field.get_by_role("button", name="Remove 127.0.0.1")).to_be_focused()
    expect(status).to_contain_text("1.1.1.1")

    page.locator("#allowlist-new").focus()
    page.keyboard.type("9.9.9.9")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Added")
    expect(status).to_contain_text("9.9.9.9")
    assert_accessible(page)
