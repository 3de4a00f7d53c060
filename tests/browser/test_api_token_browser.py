"""The API Token field in a real browser: masked, the eye, Copy, Generate new Token, Save."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.security import api_tokens
from atom.security.core import tokens
from atom.security.models import ApiToken, TokenStatus
from tests.browser.helpers import end_sudo, login, open_company_settings, save_section
from tests.helpers import PASSWORD
from tests.servers import wait_until

pytestmark = pytest.mark.browser

CLEAR_TOKEN = re.compile(r"^atom_[0-9A-Za-z]{46}$")


def api_status(page, token: str) -> int:
    """The status of GET /api/v1/company called with ``token``."""
    response = page.request.get("/api/v1/company", headers={"Authorization": f"Bearer {token}"})
    return response.status


def token_field(page):
    return page.get_by_label("API Token")


def confirm_password(page, password: str = PASSWORD) -> None:
    dialog = page.get_by_role("dialog", name="Confirm your password")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password").fill(password)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden()


def test_the_token_is_masked_and_the_eye_shows_and_hides_it(page, owner, acme_token):
    login(page, owner.email)
    response = page.goto("/settings/my-company/settings/")
    assert acme_token not in response.text()
    field = token_field(page)
    expect(field).to_have_value(tokens.mask(acme_token[-4:]))
    assert acme_token not in page.content()

    page.get_by_role("button", name="Show token").click()
    expect(field).to_have_value(acme_token)
    eye = page.get_by_role("button", name="Hide token")
    expect(eye).to_have_attribute("aria-pressed", "true")

    eye.click()
    expect(field).to_have_value(tokens.mask(acme_token[-4:]))
    expect(page.get_by_role("button", name="Show token")).to_have_attribute("aria-pressed", "false")


def test_copy_puts_exactly_the_token_on_the_clipboard(page, owner, acme_token):
    login(page, owner.email)
    open_company_settings(page)
    copy = page.get_by_role("button", name="Copy", exact=True)
    copy.click()
    expect(page.locator("#api-token-field").get_by_role("button", name="Copied")).to_be_visible()
    expect(page.locator("#token-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == acme_token
    # Copying does not show the token.
    expect(token_field(page)).not_to_have_value(acme_token)


def test_a_new_token_replaces_the_old_one_when_the_owner_saves(page, owner, acme, acme_token):
    login(page, owner.email)
    open_company_settings(page)
    assert api_status(page, acme_token) == 200

    page.get_by_role("button", name="Generate new Token").click()
    notice = page.locator("#pending-token-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("This new token is not in use yet.")
    page.get_by_role("button", name="Show token").click()
    expect(token_field(page)).to_have_value(CLEAR_TOKEN)
    new_token = token_field(page).input_value()
    assert new_token != acme_token
    # Pending: valid nowhere until Save.
    assert api_status(page, new_token) == 401
    assert api_status(page, acme_token) == 200

    save_section(page)
    expect(page.locator("ul.messages")).to_contain_text(
        "Saved. The new API token is now used by every Atom API and webhook connection."
    )
    expect(token_field(page)).to_have_value(tokens.mask(new_token[-4:]))
    expect(page.locator("#pending-token-notice")).to_be_hidden()
    assert api_status(page, acme_token) == 401
    assert api_status(page, new_token) == 200


def test_leaving_without_saving_discards_the_new_token(page, owner, acme, acme_token):
    login(page, owner.email)
    open_company_settings(page)
    page.get_by_role("button", name="Generate new Token").click()
    expect(page.locator("#pending-token-notice")).to_be_visible()
    pending = ApiToken.objects.get(company=acme, status=TokenStatus.PENDING)

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Activity"
    ).click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    wait_until(
        lambda: ApiToken.objects.get(id=pending.id).status == TokenStatus.DISCARDED, timeout=5
    )
    assert api_status(page, api_tokens.reveal(pending)) == 401
    assert api_status(page, acme_token) == 200

    open_company_settings(page)
    expect(page.locator("#pending-token-notice")).to_be_hidden()
    expect(token_field(page)).to_have_value(tokens.mask(acme_token[-4:]))


def test_an_old_session_confirms_the_password_before_the_token_shows(
    page, live_server, owner, acme_token
):
    login(page, owner.email)
    end_sudo(page, live_server)
    open_company_settings(page)

    page.get_by_role("button", name="Show token").click()
    dialog = page.get_by_role("dialog", name="Confirm your password")
    expect(dialog).to_be_visible()
    expect(token_field(page)).not_to_have_value(acme_token)

    dialog.get_by_label("Password").fill("not my password at all")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.locator("#sudo-errors")).to_have_text("Your password is not correct.")
    expect(token_field(page)).not_to_have_value(acme_token)

    confirm_password(page)
    expect(token_field(page)).to_have_value(acme_token)


def test_cancelling_the_password_prompt_shows_nothing(page, live_server, owner, acme_token):
    login(page, owner.email)
    end_sudo(page, live_server)
    open_company_settings(page)

    page.get_by_role("button", name="Copy", exact=True).click()
    dialog = page.get_by_role("dialog", name="Confirm your password")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Copy", exact=True)).to_be_visible()
    expect(token_field(page)).not_to_have_value(acme_token)


def test_an_old_session_confirms_the_password_before_generating_and_saving(
    page, live_server, owner, acme_token
):
    login(page, owner.email)
    end_sudo(page, live_server)
    open_company_settings(page)

    page.get_by_role("button", name="Generate new Token").click()
    confirm_password(page)
    expect(page.locator("#pending-token-notice")).to_be_visible()

    # The password prompt lapses again while the admin reads the notice:
    # Save asks for it before the new token goes into use.
    end_sudo(page, live_server)
    save_section(page)
    confirm_password(page)
    expect(page.locator("ul.messages")).to_contain_text("Saved. The new API token")
    assert api_status(page, acme_token) == 401


def test_the_old_token_keeps_working_for_an_hour_until_the_owner_stops_it(page, owner, acme_token):
    login(page, owner.email)
    open_company_settings(page)
    page.get_by_role("button", name="Generate new Token").click()
    page.get_by_label("Keeps working for 1 hour").check()
    save_section(page)
    expect(page.locator("ul.messages")).to_contain_text("Saved. The new API token")
    new_token = api_tokens.reveal(api_tokens.active_token(owner.company))
    assert new_token != acme_token
    assert api_status(page, acme_token) == 200
    assert api_status(page, new_token) == 200

    old_masked = tokens.mask(acme_token[-4:])
    still_working = page.locator(".grace-tokens")
    expect(still_working.get_by_role("heading", name="Old tokens still working")).to_be_visible()
    expect(still_working.locator("tbody tr")).to_have_count(1)
    expect(still_working.locator("tbody tr")).to_contain_text(old_masked)

    still_working.get_by_role("button", name=f"Stop {old_masked} now").click()
    expect(page.locator("ul.messages")).to_have_text(
        f"The old token ending in {acme_token[-4:]} stopped working."
    )
    expect(page.locator(".grace-tokens")).to_have_count(0)
    assert api_status(page, acme_token) == 401
    assert api_status(page, new_token) == 200
