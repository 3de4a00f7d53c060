"""The console in a real browser: navigation, renaming the company, the Activity page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from atom.security.core.client_ip import TrustedProxies
from atom.security.models import AllowedAddress
from tests.browser.helpers import login, open_company_settings

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-security-settings.png"


def test_the_owner_renames_the_company_and_sees_it_on_the_activity_page(page, owner):
    login(page, owner.email)
    open_company_settings(page)
    expect(page).to_have_url("/settings/my-company/settings/")
    expect(page.get_by_role("heading", name="Security Settings")).to_be_visible()

    page.get_by_label("Company name").fill("Acme Corp")
    page.locator("#company-heading + form").get_by_role("button", name="Save").click()
    expect(page.locator("ul.messages")).to_contain_text(
        "Saved. Your company is now called Acme Corp."
    )
    expect(page.locator(".topbar .company-name")).to_have_text("Acme Corp")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Activity"
    ).click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    renamed = page.locator("#activity tbody tr").first
    expect(renamed).to_contain_text(owner.email)
    expect(renamed).to_contain_text("Acme")
    expect(renamed).to_contain_text("Acme Corp")
    expect(renamed).to_contain_text("127.0.0.1")


def test_an_agent_sees_no_settings_and_gets_the_403_page_at_its_address(page, agent):
    login(page, agent.email)
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_text("Settings")).to_have_count(0)
    expect(nav.get_by_text("My Company")).to_have_count(0)

    response = page.goto("/settings/my-company/settings/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_text("Security Settings")).to_have_count(0)


def test_the_security_settings_page_is_captured_for_the_readme(
    page, settings, owner, acme, tmp_path
):
    # As seen by an admin at a public address behind the company's proxy,
    # with the list that admin would keep (documentation addresses, RFC 5737).
    settings.ATOM_TRUSTED_PROXIES = TrustedProxies.parse("127.0.0.1")
    page.set_extra_http_headers({"X-Forwarded-For": "203.0.113.7"})
    AllowedAddress.objects.create(
        company=acme, network="203.0.113.7", label="Head office", position=0
    )
    AllowedAddress.objects.create(
        company=acme, network="198.51.100.0/24", label="Warehouse", position=1
    )
    login(page, owner.email)
    open_company_settings(page)
    expect(page.locator("#current-address")).to_have_text("Your current address: 203.0.113.7")
    expect(page.locator("#allowlist-entries > li.entry")).to_have_count(2)
    # Every run takes it; only ATOM_UPDATE_SCREENSHOT=1 replaces the README's
    # copy, so that running the suite leaves the checkout as it was.
    updating = os.environ.get("ATOM_UPDATE_SCREENSHOT") == "1"
    target = SCREENSHOT if updating else tmp_path / SCREENSHOT.name
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert target.stat().st_size > 10_000
