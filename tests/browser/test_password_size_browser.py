"""Password Size in a real browser: the owner raises it, an agent must follow it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.security.models import SecurityPolicy
from tests.browser.helpers import end_sudo, login, open_company_settings, save_section
from tests.helpers import PASSWORD

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
    expect(page.locator("#security-result")).to_have_text("Saved.")
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
    # The password was typed at log-in seconds ago: it is not asked again.
    expect(agent_page.get_by_label("Current password")).to_have_count(0)
    expect(agent_page.get_by_label("New password", exact=True)).to_be_focused()

    agent_page.get_by_label("New password", exact=True).fill(NINETEEN)
    agent_page.get_by_label("Confirm new password").fill(NINETEEN)
    agent_page.get_by_role("button", name="Change password").click()
    expect(agent_page.locator("#id_new_password1-errors")).to_have_text(
        "This password has 19 characters; your company requires at least 20."
    )

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


def test_lowering_the_password_size_from_an_old_session_asks_for_the_password(
    page, live_server, owner, acme
):
    login(page, owner.email)
    end_sudo(page, live_server)
    open_company_settings(page)
    page.get_by_label("Password Size").fill("10")
    save_section(page)
    expect(page.locator("#security-summary")).to_contain_text(
        "Confirm your password to save these changes: this Save lowers the Password Size."
    )
    dialog = page.get_by_role("dialog", name="Confirm your password")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("#security-result")).to_have_text("Saved.")
    expect(page.get_by_label("Password Size")).to_have_value("10")
    assert SecurityPolicy.objects.get(company=acme).password_size == 10


def test_without_javascript_the_password_prompt_leads_back_to_the_unsaved_change(
    new_page, live_server, owner, acme
):
    page = new_page(javascript=False)
    login(page, owner.email)
    end_sudo(page, live_server)
    page.goto("/settings/my-company/settings/")
    page.get_by_label("Password Size").fill("9")
    page.get_by_role("button", name="Save security settings").click()
    assert SecurityPolicy.objects.get(company=acme).password_size == 15

    page.get_by_role(
        "link", name="Confirm your password; your changes come back here to save"
    ).click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#security-summary")).to_contain_text("your changes are back")
    expect(page.get_by_label("Password Size")).to_have_value("9")
    page.get_by_role("button", name="Save security settings").click()
    expect(page.locator("#security-result")).to_have_text("Saved.")
    assert SecurityPolicy.objects.get(company=acme).password_size == 9
