"""Every console page on a phone and on a desktop, in English and Spanish.

Nothing scrolls sideways from 360 px (WCAG 1.4.10), axe-core finds nothing
at 390 and 1280 px, the navigation folds behind a Menu button on a phone,
tables reflow, and the pages without the navigation use the whole width.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from atom.flows.models import Flow
from atom.outbox.models import MessageTemplate
from tests.browser.accessibility import assert_accessible, require_axe
from tests.browser.helpers import end_sudo, log_in_by_field_ids

pytestmark = pytest.mark.browser

PHONES = (360, 390)
CHECKED_BY_AXE = (390, 1280)


@pytest.fixture
def open_page(new_page):
    """A fresh page at a given width, in a given language, with or without JavaScript."""

    def open_page(*, width: int = 1280, language: str = "en", javascript: bool = True):
        page = new_page(javascript=javascript)
        page.set_viewport_size({"width": width, "height": 800})
        if language != "en":
            # The language switch at the top, as a person would use it.
            page.goto("/login/")
            page.locator("#language-select").select_option(language)
            page.locator("#language-form button[type=submit]").click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        return page

    return open_page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def console_pages(acme) -> list[str]:
    flow = Flow.objects.create(
        company=acme, name="Order shipped", variables=["orderId", "amount"], description="Sent"
    )
    MessageTemplate.objects.create(
        company=acme, name="order_shipped", language="en", body="Your order {{1}} is on its way"
    )
    return [
        "/",
        "/settings/my-company/settings/",
        "/settings/my-company/users/",
        "/settings/my-company/users/add/",
        "/settings/my-company/activity/",
        "/settings/flows/",
        f"/settings/flows/{flow.id}/",
        "/settings/templates/",
        "/account/password/",
        "/account/two-step/",
        "/settings/my-account/sessions/",
        "/settings/my-account/emails/",
        "/api/docs",
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_console_page_fits_a_phone_and_passes_axe(open_page, owner, acme, agent, language):
    require_axe()
    pages = console_pages(acme)
    for width in (*PHONES, 1280):
        page = open_page(width=width, language=language)
        page.goto("/login/")
        assert fits(page), f"/login/ scrolls sideways at {width} px"
        if width in CHECKED_BY_AXE:
            assert_accessible(page, f"/login/ at {width} px, {language}")
        log_in_by_field_ids(page, owner.email)
        expect(page.locator("html")).to_have_attribute("lang", language)
        for path in pages:
            page.goto(path)
            if path == "/api/docs":
                expect(page.locator(".opblock").first).to_be_visible()
            assert fits(page), f"{path} scrolls sideways at {width} px ({language})"
            if width in CHECKED_BY_AXE:
                assert_accessible(page, f"{path} at {width} px, {language}")


@pytest.mark.parametrize("width", CHECKED_BY_AXE)
def test_a_success_banner_and_form_errors_pass_axe(open_page, owner, width):
    require_axe()
    page = open_page(width=width)
    log_in_by_field_ids(page, owner.email)
    page.goto("/settings/my-company/settings/")
    page.get_by_label("Company name").fill("Acme Corp")
    page.locator("#company-heading + form").get_by_role("button", name="Save").click()
    banner = page.get_by_role("status").filter(has=page.locator("ul.messages"))
    expect(banner).to_contain_text("Saved.")
    assert fits(page)
    assert_accessible(page, f"the Saved. banner at {width} px")

    page.goto("/settings/my-company/users/add/")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".field.invalid").first).to_be_visible()
    assert fits(page)
    assert_accessible(page, f"Add user with errors at {width} px")


def test_the_required_password_change_uses_the_whole_width(open_page, agent):
    agent.must_change_password = True
    agent.save(update_fields=["must_change_password"])
    page = open_page()
    log_in_by_field_ids(page, agent.email)
    expect(page).to_have_url("/account/password/")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main navigation")).to_have_count(0)
    card = page.locator("main .card").bounding_box()
    # The card at its full 28rem, in the middle of the page: not squeezed
    # into the 14rem column the navigation leaves empty.
    assert card["width"] > 400
    assert abs(card["x"] + card["width"] / 2 - 640) < 20


@pytest.mark.parametrize("path", ["/login/", "/password-reset/"])
def test_pages_without_navigation_centre_their_card(open_page, path):
    page = open_page()
    page.goto(path)
    card = page.locator("main .card").bounding_box()
    assert abs(card["x"] + card["width"] / 2 - 640) < 20


def test_on_a_phone_the_menu_button_shows_and_folds_the_navigation(open_page, owner):
    page = open_page(width=390)
    log_in_by_field_ids(page, owner.email)
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_label("Language")).to_be_visible()
    nav.locator("summary", has_text="Settings").first.click()
    expect(nav.get_by_role("link", name="Flows")).to_be_visible()

    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    assert fits(page)


def test_on_a_phone_the_menu_is_folded_before_its_script_runs(open_page, owner):
    page = open_page(width=360)
    log_in_by_field_ids(page, owner.email)
    held = []  # the page's layout.js, answered only when this test says
    page.route("**/atom/layout*.js", lambda route: held.append(route))
    page.goto("/", wait_until="commit")
    nav = page.locator("#main-nav")
    nav.wait_for(state="attached")
    assert len(held) == 1
    expect(nav).to_be_hidden()
    expect(page.locator("#account-links")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('#main-nav')).display") == "none"
    held[0].continue_()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(nav.get_by_role("link", name="Home")).to_be_visible()


def test_on_a_desktop_there_is_no_menu_button(open_page, owner):
    page = open_page(width=1280)
    log_in_by_field_ids(page, owner.email)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()


def test_without_javascript_a_phone_still_shows_the_navigation(open_page, owner):
    page = open_page(width=360, javascript=False)
    log_in_by_field_ids(page, owner.email)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert fits(page)


def test_on_a_phone_table_rows_reflow_with_their_column_names(open_page, owner, agent):
    page = open_page(width=360)
    log_in_by_field_ids(page, owner.email)
    page.goto("/settings/my-company/users/")
    cell = page.locator("table.list tbody tr", has_text=agent.email).locator("td").first
    expect(cell).to_have_attribute("data-label", "Email")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Email" in label
    row = cell.locator("xpath=..").bounding_box()
    assert row["width"] <= 360
    assert fits(page)


def test_the_password_dialog_fits_a_phone(open_page, live_server, owner):
    page = open_page(width=360)
    log_in_by_field_ids(page, owner.email)
    page.goto("/settings/my-company/settings/")
    end_sudo(page, live_server)
    page.get_by_role("button", name="Show token").click()
    dialog = page.get_by_role("dialog", name="Confirm your password")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert_accessible(page, "the password dialog at 360 px")


def test_skip_to_content_is_the_first_tab_stop(open_page, owner):
    page = open_page()
    log_in_by_field_ids(page, owner.email)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_every_page_has_a_favicon_and_no_request_fails(open_page, owner):
    page = open_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.goto("/login/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(icon)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    log_in_by_field_ids(page, owner.email)
    page.goto("/settings/my-company/settings/")
    page.goto("/api/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert failed == []
