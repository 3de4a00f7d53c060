"""Where you're signed in, in a real browser: see your sessions, sign one out, or all others."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from atom.accounts.models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import login
from tests.helpers import add

pytestmark = pytest.mark.browser

FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def open_sessions(page) -> None:
    """Through the account links at the top; on a phone they are behind Menu."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.locator("#account-links").get_by_role("link", name="Sessions").click()
    page.wait_for_load_state()


def other_browser(new_page, email: str):
    page = new_page()
    page.context.set_extra_http_headers({"User-Agent": FIREFOX})
    login(page, email)
    return page


def test_a_user_sees_their_sessions_and_signs_one_out(page, new_page, owner):
    laptop = other_browser(new_page, owner.email)
    login(page, owner.email)
    open_sessions(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you're signed in")
    rows = page.locator("#sessions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("this device")
    expect(rows.nth(1)).to_contain_text("Firefox 121")
    expect(rows.nth(1)).to_contain_text("127.0.0.1")
    expect(rows.nth(0).get_by_role("button")).to_have_count(0)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"sessions at {size['width']} px")

    rows.nth(1).get_by_role("button", name="Sign out").click()
    expect(page.locator("ul.messages")).to_contain_text("Signed out of Firefox 121 on Ubuntu.")
    expect(rows).to_have_count(1)
    expect(page.get_by_role("button", name="Sign out everywhere else")).to_have_count(0)

    laptop.reload()
    expect(laptop).to_have_url("/login/?next=/")


def test_sign_out_everywhere_else_keeps_only_this_browser(page, new_page, owner):
    others = [other_browser(new_page, owner.email) for _ in range(2)]
    login(page, owner.email)
    page.goto("/settings/my-account/sessions/")
    expect(page.locator("#sessions tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(page.locator("ul.messages")).to_contain_text("You were signed out everywhere else.")
    expect(page.locator("#sessions tbody tr")).to_have_count(1)
    for other in others:
        other.goto("/settings/my-account/sessions/")
        expect(other.get_by_role("button", name="Log in")).to_be_visible()


def test_the_sessions_page_in_spanish_at_both_widths(page, new_page, owner):
    other_browser(new_page, owner.email)
    login(page, owner.email)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/settings/my-account/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dónde tiene la sesión iniciada")
    expect(page.locator("#sessions")).to_contain_text("este dispositivo")
    expect(
        page.get_by_role("button", name="Cerrar sesión en todas partes menos aquí")
    ).to_be_visible()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"sessions in Spanish at {size['width']} px")
    page.get_by_role("link", name="Correos de seguridad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correos de seguridad")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"security emails in Spanish at {size['width']} px")


def test_the_security_emails_page_at_both_widths(page, owner):
    login(page, owner.email)
    page.goto("/settings/my-account/emails/")
    expect(page.locator("main")).to_contain_text("They cannot be turned off")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"security emails at {size['width']} px")
    box = page.get_by_label("Users added or made owner or admin, and second factors reset")
    box.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("ul.messages")).to_contain_text("Saved.")
    expect(box).not_to_be_checked()


def test_an_admin_signs_a_user_out_everywhere_from_the_users_page(page, new_page, owner, acme):
    add(acme, "agent@acme.example", Role.AGENT)
    agent = new_page()
    login(agent, "agent@acme.example")
    expect(agent).to_have_url("/")
    login(page, owner.email)
    page.goto("/settings/my-company/users/")
    page.get_by_role("button", name="Sign agent@acme.example out everywhere").click()
    expect(page.locator("ul.messages")).to_contain_text(
        "agent@acme.example was signed out everywhere."
    )
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"users at {size['width']} px")
    agent.reload()
    expect(agent.get_by_role("button", name="Log in")).to_be_visible()
