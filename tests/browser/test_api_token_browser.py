"""The API Token field in a real browser: masked, the eye, Copy, Generate new Token, Save, Stop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.audit.models import AuditEvent
from atom.security import api_tokens
from atom.security.core import tokens
from atom.security.models import ApiToken, TokenStatus
from tests.browser.helpers import end_sudo, login, open_company_settings, save_section
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

CLEAR_TOKEN = re.compile(r"^atom_[0-9A-Za-z]{46}$")


def api_status(page, token: str) -> int:
    """The status of GET /api/v1/company called with ``token``."""
    response = page.request.get("/api/v1/company", headers={"Authorization": f"Bearer {token}"})
    return response.status


def token_field(page):
    return page.get_by_label("API Token")


def result(page):
    """The Save's result, beside the section's Save button."""
    return page.locator("#security-result")


def confirm_password(page, password: str = PASSWORD) -> None:
    dialog = page.get_by_role("dialog", name="Confirm your password")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password").fill(password)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden()


def fits(locator) -> bool:
    """The field shows all it holds: nothing scrolls inside it or past the page."""
    return locator.evaluate(
        "(el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1"
        " && el.getBoundingClientRect().right <= document.documentElement.clientWidth"
    )


def generate_and_save_with_grace(page, grace: str | None = None) -> str:
    page.get_by_role("button", name="Generate new Token").click()
    expect(token_field(page)).to_have_value(CLEAR_TOKEN)
    if grace:
        page.get_by_label(grace).check()
    new_token = token_field(page).input_value()
    save_section(page)
    expect(result(page)).to_contain_text("Saved. Atom accepts the new API token now.")
    return new_token


def test_the_token_is_masked_and_the_eye_shows_and_hides_it(page, owner, acme_token):
    login(page, owner.email)
    response = page.goto("/settings/my-company/settings/")
    assert acme_token not in response.text()
    field = token_field(page)
    expect(field).to_have_value(tokens.mask(acme_token[-4:]))
    assert acme_token not in page.content()
    expect(page.locator("#api-token-help")).to_contain_text("the eye button shows it")

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


@pytest.mark.parametrize("width", [390, 1280])
def test_a_new_token_shows_at_once_in_full_fits_its_field_and_copies(
    new_page, owner, acme, acme_token, width
):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, owner.email)
    page.goto("/settings/my-company/settings/")
    page.get_by_role("button", name="Generate new Token").click()

    field = token_field(page)
    expect(field).to_have_value(CLEAR_TOKEN)
    expect(field).to_be_focused()
    expect(page.get_by_role("button", name="Hide token")).to_have_attribute("aria-pressed", "true")
    assert fits(field)
    new_token = field.input_value()
    assert new_token == api_tokens.reveal(ApiToken.objects.get(status=TokenStatus.PENDING))
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.locator("#token-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == new_token
    # Pending: valid nowhere until Save.
    assert api_status(page, new_token) == 401
    assert api_status(page, acme_token) == 200


def test_a_saved_token_is_accepted_and_the_old_one_keeps_working_24_hours_by_default(
    page, owner, acme, acme_token
):
    login(page, owner.email)
    open_company_settings(page)
    page.get_by_role("button", name="Generate new Token").click()
    expect(token_field(page)).to_have_value(CLEAR_TOKEN)
    notice = page.locator("#pending-token-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("This new token is not in use yet.")
    expect(notice).to_contain_text("Atom accepts the new token; update your integrations")
    expect(page.get_by_label("Keeps working for 24 hours")).to_be_checked()
    new_token = token_field(page).input_value()

    save_section(page)
    expect(result(page)).to_contain_text(
        "Saved. Atom accepts the new API token now. The old token keeps working until"
    )
    expect(result(page)).to_contain_text("UTC: update your integrations with the new token")
    expect(result(page)).to_be_focused()
    expect(token_field(page)).to_have_value(tokens.mask(new_token[-4:]))
    expect(page.locator("#pending-token-notice")).to_be_hidden()
    assert api_status(page, new_token) == 200
    assert api_status(page, acme_token) == 200
    expect(page.locator(".grace-tokens tbody tr")).to_contain_text(tokens.mask(acme_token[-4:]))


def test_leaving_with_an_unsaved_token_asks_and_the_token_waits_in_another_tab(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    page.get_by_role("button", name="Generate new Token").click()
    expect(token_field(page)).to_have_value(CLEAR_TOKEN)
    new_token = token_field(page).input_value()

    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Activity"
    ).click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/settings/my-company/settings/"))
    # Renaming the company comes back here without a question; the token waits.
    page.get_by_label("Company name").fill("Acme Two")
    page.get_by_role("button", name="Save company name").click()
    expect(page.locator("ul.messages")).to_contain_text(
        "Saved. Your company is now called Acme Two."
    )
    assert asked == ["beforeunload"]
    expect(token_field(page)).to_have_value(new_token)

    page.remove_listener("dialog", stay)

    # The same admin opens Settings in a second tab: the new token is still there.
    other = page.context.new_page()
    other.goto("/settings/my-company/settings/")
    expect(other.get_by_label("API Token")).to_have_value(new_token)
    assert ApiToken.objects.get(company=acme, status=TokenStatus.PENDING).last4 == new_token[-4:]
    other.close()


def test_discarding_the_new_token_keeps_the_current_one_and_is_audited(
    page, owner, acme, acme_token
):
    login(page, owner.email)
    open_company_settings(page)
    page.get_by_role("button", name="Generate new Token").click()
    expect(token_field(page)).to_have_value(CLEAR_TOKEN)

    page.get_by_role("button", name="Discard new token").click()
    expect(page.locator("#token-result")).to_have_text(
        "The new token was discarded; the current token is unchanged."
    )
    expect(page.locator("#pending-token-notice")).to_be_hidden()
    expect(token_field(page)).to_have_value(tokens.mask(acme_token[-4:]))
    assert AuditEvent.objects.filter(company=acme, action="token.discarded").count() == 1
    assert api_status(page, acme_token) == 200


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
    page.get_by_label("Stops working now").check()

    # The password prompt lapses again while the admin reads the notice:
    # Save asks for it before the new token goes into use.
    end_sudo(page, live_server)
    save_section(page)
    confirm_password(page)
    expect(result(page)).to_contain_text("Saved. Atom accepts the new API token now")
    assert api_status(page, acme_token) == 401


def test_stopping_an_old_token_asks_first_naming_its_last_use(
    page, live_server, owner, acme, acme_token
):
    login(page, owner.email)
    open_company_settings(page)
    new_token = generate_and_save_with_grace(page, "Keeps working for 1 hour")
    # An integration still calls with the old token: its last use is shown.
    assert api_status(page, acme_token) == 200
    old = ApiToken.objects.get(company=acme, status=TokenStatus.GRACE)
    ApiToken.objects.filter(id=old.id).update(
        last_used_ip="203.0.113.9", last_used_user_agent="billing-sync/2.1"
    )
    page.reload()

    old_masked = tokens.mask(acme_token[-4:])
    still_working = page.locator(".grace-tokens")
    expect(still_working.locator("tbody tr")).to_have_count(1)
    stop = still_working.get_by_role("button", name=f"Stop {old_masked} now")

    stop.click()
    dialog = page.get_by_role("dialog", name=f"Stop {old_masked} now?")
    expect(dialog).to_contain_text("from 203.0.113.9 (billing-sync/2.1)")
    expect(dialog).to_contain_text(" UTC")
    dialog.get_by_role("button", name="Keep it working").click()
    expect(dialog).to_be_hidden()
    assert api_status(page, acme_token) == 200

    # The password is old by now: the stop asks for it too.
    end_sudo(page, live_server)
    stop.click()
    dialog.get_by_role("button", name="Stop it now").click()
    confirm_password(page)
    expect(page.locator("#token-result")).to_have_text(
        f"The old token ending in {acme_token[-4:]} stopped working."
    )
    expect(page.locator(".grace-tokens")).to_have_count(0)
    assert api_status(page, acme_token) == 401
    assert api_status(page, new_token) == 200


def test_without_javascript_a_new_token_is_shown_in_full_and_saved(
    new_page, owner, acme, acme_token
):
    page = new_page(javascript=False)
    login(page, owner.email)
    page.goto("/settings/my-company/settings/")
    help_text = page.locator("#api-token-help")
    # No eye and no Copy without JavaScript: the help does not mention them.
    expect(help_text).not_to_contain_text("eye", use_inner_text=True)
    expect(help_text).not_to_contain_text("Copy", use_inner_text=True)
    expect(page.get_by_role("button", name="Copy", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Generate new Token").click()
    field = token_field(page)
    expect(field).to_have_value(CLEAR_TOKEN)
    expect(help_text).to_contain_text("Select the new token above to copy it.")
    new_token = field.input_value()
    assert api_status(page, new_token) == 401

    page.get_by_role("button", name="Save security settings").click()
    expect(result(page)).to_contain_text("Saved. Atom accepts the new API token now.")
    assert api_status(page, new_token) == 200
    assert api_status(page, acme_token) == 200  # 24 hours of grace by default

    # "Stop … now" asks on a page of its own, naming the last use.
    page.get_by_role("button", name=re.compile(r"^Stop .* now$")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Stop .* now\?$"))).to_be_visible()
    # The call above with the old token is its last use.
    expect(
        page.get_by_text(re.compile(r"It was last used .* UTC from 127\.0\.0\.1"))
    ).to_be_visible()
    page.get_by_role("button", name="Stop it now").click()
    expect(page.locator("#token-result")).to_contain_text("stopped working.")
    assert api_status(page, acme_token) == 401
