"""Integration tokens in a real browser: create (shown once, Copy), list, rotate, revoke, in English and Spanish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.security.models import IntegrationToken
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import login, open_company_settings

pytestmark = pytest.mark.browser

CLEAR = re.compile(r"^atomi_[0-9A-Za-z]{46}$")
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


def api_status(page, token: str, path: str = "/api/v1/company") -> int:
    return page.request.get(path, headers={"Authorization": f"Bearer {token}"}).status


def check_both_widths(page, where: str) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page, f"{where} at {size['width']} px")
    page.set_viewport_size(DESKTOP)


def create_shop(page) -> str:
    page.get_by_label("Name", exact=True).fill("Shop")
    page.get_by_label("Description").fill("Our online shop")
    page.get_by_role("checkbox", name=re.compile("^company:read")).check()
    page.get_by_role("checkbox", name=re.compile("^flows:start")).check()
    page.get_by_role("radio", name="30 days").check()
    page.get_by_role("button", name="Create token").click()
    field = page.get_by_label("New integration token")
    expect(field).to_have_value(CLEAR)
    return field.input_value()


def test_an_owner_creates_a_token_sees_it_once_and_copies_it(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    page.get_by_role("link", name="Integration tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Integration tokens")
    check_both_widths(page, "the empty list")

    token = create_shop(page)
    expect(page.locator("#shown-token")).to_contain_text("it is shown only this once")
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.locator("#copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == token
    check_both_widths(page, "a new token shown once")

    page.goto("/settings/my-company/settings/integration-tokens/")
    assert token not in page.content()
    row = page.locator("tr[data-token-name='Shop']")
    expect(row).to_contain_text(token[-4:])
    expect(row).to_contain_text("company:read")
    expect(row).to_contain_text("flows:start")
    expect(row).to_contain_text(owner.email)
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("Not used yet")
    assert api_status(page, token) == 200
    assert api_status(page, token, "/api/v1/templates") == 403


def test_the_list_shows_the_last_use_and_a_bad_request_names_each_problem(page, owner, acme):
    login(page, owner.email)
    page.goto("/settings/my-company/settings/integration-tokens/")
    token = create_shop(page)
    page.request.get(
        "/api/v1/company", headers={"Authorization": f"Bearer {token}", "User-Agent": "shop/2.1"}
    )
    page.goto("/settings/my-company/settings/integration-tokens/")
    row = page.locator("tr[data-token-name='Shop']")
    expect(row).to_contain_text("127.0.0.1")
    expect(row).to_contain_text("shop/2.1")

    page.get_by_label("Name", exact=True).fill("shop")
    page.get_by_role("radio", name="On a date").check()
    page.get_by_label(re.compile("^Date")).fill("2020-01-01")
    page.get_by_label("Allowed IP Addresses of this token (optional)").fill("10.0.0.300")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#token-name-errors")).to_contain_text("already has a token named shop")
    expect(page.locator("#token-scopes-errors")).to_contain_text("choose at least one scope")
    expect(page.locator("#token-expiry-errors")).to_contain_text("2020-01-01 has already passed")
    expect(page.locator("#token-addresses-errors")).to_contain_text("10.0.0.300")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")
    check_both_widths(page, "the refused form")
    assert IntegrationToken.objects.count() == 1


def test_rotating_shows_the_new_secret_once_and_stops_the_old_one(page, owner, acme):
    login(page, owner.email)
    page.goto("/settings/my-company/settings/integration-tokens/")
    old = create_shop(page)
    page.get_by_label("The old secret of Shop").select_option("0")
    page.get_by_role("button", name="Rotate Shop").click()
    field = page.get_by_label("New integration token")
    expect(field).to_have_value(CLEAR)
    new = field.input_value()
    assert new != old
    assert api_status(page, old) == 401
    assert api_status(page, new) == 200


def test_rotating_with_a_grace_period_keeps_the_old_secret_and_says_until_when(page, owner, acme):
    login(page, owner.email)
    page.goto("/settings/my-company/settings/integration-tokens/")
    old = create_shop(page)
    page.get_by_label("The old secret of Shop").select_option("1h")
    page.get_by_role("button", name="Rotate Shop").click()
    new = page.get_by_label("New integration token").input_value()
    assert api_status(page, old) == 200 and api_status(page, new) == 200
    expect(page.locator("tr[data-token-name='Shop']")).to_contain_text(
        f"The old secret atomi_{'•' * 16}{old[-4:]} works until"
    )


def test_revoking_asks_first_then_stops_the_token(page, owner, acme):
    login(page, owner.email)
    page.goto("/settings/my-company/settings/integration-tokens/")
    token = create_shop(page)
    page.get_by_role("button", name="Revoke Shop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke Shop?")
    check_both_widths(page, "the revoke confirmation")
    assert api_status(page, token) == 200
    page.get_by_role("button", name="Revoke it now").click()
    expect(page.locator("ul.messages")).to_contain_text("The integration token Shop was revoked")
    expect(page.locator("tr[data-token-name='Shop']")).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke Shop")).to_have_count(0)
    assert api_status(page, token) == 401


def test_the_page_works_in_spanish(page, owner, acme):
    login(page, owner.email)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/settings/my-company/settings/")
    page.get_by_role("link", name="Tokens de integración").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tokens de integración")
    check_both_widths(page, "the page in Spanish")

    page.get_by_label("Nombre", exact=True).fill("Tienda")
    page.get_by_role("checkbox", name=re.compile("^company:read")).check()
    page.get_by_role("radio", name="90 días").check()
    page.get_by_role("button", name="Crear token").click()
    field = page.get_by_label("Nuevo token de integración")
    expect(field).to_have_value(CLEAR)
    expect(page.locator("#shown-token")).to_contain_text("solo se muestra esta vez")
    page.get_by_role("button", name="Copiar", exact=True).click()
    expect(page.locator("#copy-status")).to_have_text("Copiado")
    check_both_widths(page, "a new token in Spanish")

    page.get_by_label("El secreto anterior de Tienda").select_option("0")
    page.get_by_role("button", name="Rotar Tienda").click()
    expect(page.get_by_label("Nuevo token de integración")).to_have_value(CLEAR)
    page.get_by_role("button", name="Revocar Tienda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Revocar Tienda?")
    check_both_widths(page, "the revoke confirmation in Spanish")
    page.get_by_role("button", name="Revocarlo ahora").click()
    expect(page.locator("tr[data-token-name='Tienda']")).to_contain_text("Revocado")

    page.get_by_label("Nombre", exact=True).fill("Tienda")
    page.get_by_role("button", name="Crear token").click()
    expect(page.locator("#token-scopes-errors")).to_contain_text("elija al menos un permiso")
    check_both_widths(page, "the refused form in Spanish")


def test_the_api_docs_state_each_operations_scope(page):
    page.goto("/api/docs")
    operation = page.locator(
        ".opblock", has=page.locator(".opblock-summary-path", has_text="/api/v1/audit-events")
    )
    operation.locator(".opblock-summary-control").click()
    expect(operation).to_contain_text("x-atom-scope")
    expect(operation).to_contain_text("audit:read")
    assert_accessible(page, "the API docs with an operation open")
