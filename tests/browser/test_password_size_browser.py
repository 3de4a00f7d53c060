"""Password Size in a real browser: the owner raises it, an agent must follow it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, open_company_settings

pytestmark = pytest.mark.browser

FIFTEEN = "blue-kettle-sun"  # the agent's password before the change
NINETEEN = "blue-kettle-morning"
TWENTY = "blue-kettle-mornings"


def raise_password_size_to_20(page, owner) -> None:
    login(page, owner.email)
    open_company_settings(page)
    size = page.get_by_label("Password Size")
    expect(size).to_have_value("15")
    expect(size).to_have_accessible_description(
        re.compile(r"^The minimum length of your company's user passwords")
    )
    size.fill("20")
    # Enter in the field saves the section, like the Save button.
    size.press("Enter")
    expect(page.locator("ul.messages")).to_have_text("Saved.")
    expect(page.get_by_label("Password Size")).to_have_value("20")


def test_the_owner_raises_password_size_and_an_agent_must_choose_a_longer_password(
    page, new_page, owner, agent
):
    assert len(FIFTEEN) == 15 and len(NINETEEN) == 19 and len(TWENTY) == 20
    agent.set_password(FIFTEEN)
    agent.save()

    raise_password_size_to_20(page, owner)

    agent_page = new_page()
    login(agent_page, agent.email, FIFTEEN)
    expect(agent_page.get_by_role("heading", name="Change your password")).to_be_visible()
    expect(agent_page.get_by_role("alert")).to_contain_text(
        "Your company now requires passwords of at least 20 characters."
    )
    # Until the password is changed, every page leads back here.
    agent_page.goto("/")
    expect(agent_page.get_by_role("heading", name="Change your password")).to_be_visible()

    agent_page.get_by_label("Current password").fill(FIFTEEN)
    agent_page.get_by_label("New password", exact=True).fill(NINETEEN)
    agent_page.get_by_label("Confirm new password").fill(NINETEEN)
    agent_page.get_by_role("button", name="Change password").click()
    expect(agent_page.locator("#id_new_password1-errors")).to_have_text(
        "This password has 19 characters; your company requires at least 20."
    )

    agent_page.get_by_label("Current password").fill(FIFTEEN)
    agent_page.get_by_label("New password", exact=True).fill(TWENTY)
    agent_page.get_by_label("Confirm new password").fill(TWENTY)
    agent_page.get_by_role("button", name="Change password").click()
    expect(agent_page.locator("ul.messages")).to_have_text("Your password was changed.")
    expect(agent_page.get_by_role("heading", name="Welcome to Acme")).to_be_visible()

    agent.refresh_from_db()
    assert agent.check_password(TWENTY)
    assert not agent.must_change_password


def test_the_counter_counts_the_new_password_against_the_password_size(page, owner):
    raise_password_size_to_20(page, owner)
    page.get_by_role("link", name="Change password").click()
    new_password = page.get_by_label("New password", exact=True)
    counter = page.locator("#id_new_password1-counter")
    expect(counter).to_have_text("0 / 20")

    new_password.press_sequentially("twelve chars")
    expect(counter).to_have_text("12 / 20")
    expect(counter).not_to_have_class("counter enough")

    new_password.press_sequentially(" and more")
    expect(counter).to_have_text("21 / 20")
    expect(counter).to_have_class("counter enough")

    # Counted like the server counts: code points after NFKC, so "é" typed
    # as e + combining accent is one character.
    new_password.fill("cafe\u0301")
    new_password.dispatch_event("input")
    expect(counter).to_have_text("4 / 20")
