"""Allowed IP Addresses in a real browser: entries typed with Enter, checked, saved.

The live server sees the browser at 127.0.0.1, a loopback address that the
list refuses in production; most of these tests allow private addresses
(as `atom serve` does on a loopback address) so the admin's own address
can be on the list. One test shows the page where it cannot.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from atom.security.models import AllowedAddress, SecurityPolicy
from tests.browser.helpers import end_sudo, login, open_company_settings, save_section
from tests.helpers import PASSWORD

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


def result(page):
    return page.locator("#security-result")


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

    # A wrong entry joins the list in red with its message; only it is red.
    typed.fill("256.1.1.1")
    typed.press("Enter")
    expect_entries(page, ["8.8.8.8", "127.0.0.1", "256.1.1.1"])
    wrong = entries(page).nth(2)
    expect(wrong).to_have_class(re.compile(r"\binvalid\b"))
    expect(wrong.locator("ul.errors")).to_have_text(OCTET_ERROR)
    expect(wrong.locator("input.address")).to_have_accessible_description(
        re.compile(re.escape(OCTET_ERROR))
    )
    expect(page.locator("#allowlist-new-errors")).to_have_text(OCTET_ERROR)
    expect(page.locator("#allowlist-entries > li.entry.invalid")).to_have_count(1)

    wrong.locator("input.address").fill("200.1.2.0/24")
    wrong.locator("input.address").press("Enter")
    expect(page.locator("#allowlist-entries > li.entry.invalid")).to_have_count(0)

    save_section(page)
    expect(result(page)).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1", "200.1.2.0/24"]

    page.reload()
    expect_entries(page, ["8.8.8.8", "127.0.0.1", "200.1.2.0/24"])


def test_pasted_lines_behave_like_typed_ones_and_only_bad_rows_turn_red(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    typed = new_entry(page)
    typed.focus()
    page.evaluate(
        """() => {
        const data = new DataTransfer();
        data.setData("text", "127.0.0.1 office\\n256.1.1.1\\n8.8.8.8");
        document.getElementById("allowlist-new").dispatchEvent(
          new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }"""
    )
    expect_entries(page, ["127.0.0.1", "256.1.1.1", "8.8.8.8"])
    expect(page.locator("#allowlist-entries > li.entry.invalid")).to_have_count(1)
    bad = entries(page).nth(1)
    expect(bad.locator("ul.errors")).to_have_text(OCTET_ERROR)
    for good in (entries(page).nth(0), entries(page).nth(2)):
        expect(good).not_to_have_class(re.compile(r"\binvalid\b"))
        expect(good.locator("input.address")).to_have_attribute("aria-invalid", "false")
    expect(page.get_by_label("Label 127.0.0.1")).to_have_value("office")

    # Saved with the wrong entry, the Save is refused and names the entry.
    save_section(page)
    summary = page.locator("#security-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"Allowed IP Addresses: {OCTET_ERROR}")
    expect(summary).not_to_contain_text("Line ")
    expect(page.locator("#allowlist-entries > li.entry.invalid")).to_have_count(1)
    assert saved_networks(acme) == []

    # The summary's link goes to the entry to fix.
    summary.get_by_role("link", name=re.compile("256.1.1.1")).click()
    expect(entries(page).nth(1).locator("input.address")).to_be_focused()


def test_every_error_of_a_save_is_reported_at_once_with_links_to_the_fields(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    typed = new_entry(page)
    typed.fill("8.8.8.8")
    typed.press("Enter")
    expect(entries(page)).to_have_count(1)
    page.get_by_label("Password Size").fill("7")

    save_section(page)
    summary = page.locator("#security-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("fix these 2 problems")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary).to_contain_text(LOCKOUT_ERROR)
    expect(summary).to_contain_text("Password Size must be from 8 to 64; 7 is outside.")
    expect(page.locator("#allowlist-errors")).to_have_text(LOCKOUT_ERROR)
    expect(new_entry(page)).to_have_accessible_description(re.compile(re.escape(LOCKOUT_ERROR)))
    assert saved_networks(acme) == []
    expect_entries(page, ["8.8.8.8"])

    summary.get_by_role("link", name=re.compile("Password Size")).click()
    expect(page.get_by_label("Password Size")).to_be_focused()
    page.get_by_label("Password Size").fill("16")
    page.get_by_role("button", name="Add my current address (127.0.0.1)").click()
    expect_entries(page, ["8.8.8.8", "127.0.0.1"])
    # Listed now: the button has nothing left to add.
    expect(page.get_by_role("button", name="Add my current address (127.0.0.1)")).to_be_hidden()

    save_section(page)
    expect(result(page)).to_have_text("Saved.")
    expect(result(page)).to_be_focused()
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]
    assert SecurityPolicy.objects.get(company=acme).password_size == 16


def test_an_address_a_listed_range_covers_is_flagged(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    typed = new_entry(page)
    for address in ("127.0.0.0/8", "127.0.0.1", "2001:db8::/32", "2001:db8::5"):
        typed.fill(address)
        typed.press("Enter")
    expect(entries(page)).to_have_count(4)
    expect(entries(page).nth(1).locator("p.covered")).to_have_text(
        "127.0.0.1 is already covered by 127.0.0.0/8; you can remove it."
    )
    expect(entries(page).nth(3).locator("p.covered")).to_have_text(
        "2001:db8::5 is already covered by 2001:db8::/32; you can remove it."
    )
    expect(entries(page).nth(0).locator("p.covered")).to_be_hidden()
    # The range lets the admin in already.
    expect(page.get_by_role("button", name=re.compile("Add my current address"))).to_be_hidden()


def test_an_address_typed_without_enter_is_saved_with_the_rest(page, owner, acme):
    login(page, owner.email)
    open_company_settings(page)
    typed = new_entry(page)
    typed.fill("8.8.8.8")
    typed.press("Enter")
    typed.fill("127.0.0.1")
    save_section(page)
    expect(result(page)).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]
    expect_entries(page, ["8.8.8.8", "127.0.0.1"])


def test_removing_every_entry_asks_before_saving_no_restriction(page, live_server, owner, acme):
    AllowedAddress.objects.create(company=acme, network="8.8.8.8", position=0)
    AllowedAddress.objects.create(company=acme, network="127.0.0.1", label="office", position=1)
    login(page, owner.email)
    open_company_settings(page)
    expect(entries(page)).to_have_count(2)
    expect(page.get_by_label("Label 127.0.0.1")).to_have_value("office")

    page.get_by_role("button", name="Remove 8.8.8.8").click()
    # Focus stays in the list, and the removal is announced.
    expect(page.get_by_role("button", name="Remove 127.0.0.1")).to_be_focused()
    expect(page.locator("#allowlist-status")).to_have_text("Removed: 8.8.8.8")
    page.get_by_role("button", name="Remove 127.0.0.1").click()
    expect(new_entry(page)).to_be_focused()
    expect(entries(page)).to_have_count(0)
    expect(page.locator("#allowlist-empty-note")).to_be_visible()

    save_section(page)
    question = page.get_by_role("dialog", name="Remove every address restriction?")
    expect(question).to_be_visible()
    question.get_by_role("button", name="Keep the list").click()
    expect(question).to_be_hidden()
    page.wait_for_timeout(300)
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]

    # Emptying the list weakens protection: an old password is asked again.
    end_sudo(page, live_server)
    save_section(page)
    question.get_by_role("button", name="Save with no restriction").click()
    password = page.get_by_role("dialog", name="Confirm your password")
    expect(password).to_be_visible()
    password.get_by_label("Password").fill(PASSWORD)
    password.get_by_role("button", name="Confirm").click()
    expect(result(page)).to_have_text("Saved.")
    assert saved_networks(acme) == []


def test_widening_the_list_from_an_old_session_asks_for_the_password_and_then_saves(
    page, live_server, owner, acme
):
    AllowedAddress.objects.create(company=acme, network="127.0.0.1", position=0)
    login(page, owner.email)
    end_sudo(page, live_server)
    open_company_settings(page)
    typed = new_entry(page)
    typed.fill("8.8.8.8")
    typed.press("Enter")
    expect(entries(page)).to_have_count(2)

    save_section(page)
    # The server says why; the page asks for the password and saves again.
    expect(page.locator("#security-summary")).to_contain_text(
        "this Save allows addresses the list did not allow."
    )
    password = page.get_by_role("dialog", name="Confirm your password")
    expect(password).to_be_visible()
    password.get_by_label("Password").fill(PASSWORD)
    password.get_by_role("button", name="Confirm").click()
    expect(result(page)).to_have_text("Saved.")
    assert saved_networks(acme) == ["127.0.0.1", "8.8.8.8"]


def test_a_loopback_address_that_cannot_be_allowed_is_explained_not_offered(
    page, settings, owner, acme
):
    settings.ATOM_ALLOW_PRIVATE_ADDRESSES = False  # a deployment's strict default
    login(page, owner.email)
    open_company_settings(page)
    problem = page.locator("#address-problem")
    expect(problem).to_contain_text("Your current address cannot be added: 127.0.0.1 is in")
    expect(problem).to_contain_text("ATOM_TRUSTED_PROXIES")
    expect(problem).to_contain_text("ATOM_ALLOW_PRIVATE_ADDRESSES=1")
    expect(page.get_by_role("button", name=re.compile("Add my current address"))).to_have_count(0)


def test_without_javascript_the_list_is_a_textarea_and_still_saves(new_page, owner, acme):
    page = new_page(javascript=False)
    login(page, owner.email)
    page.goto("/settings/my-company/settings/")
    textarea = page.locator("textarea[name=allowed_addresses]")
    textarea.fill("8.8.8.8\n256.1.1.1")
    save_section(page)
    expect(page.locator("#allowlist-errors")).to_have_text(OCTET_ERROR)
    summary = page.locator("#security-summary")
    expect(summary.get_by_role("link", name=re.compile("256.1.1.1"))).to_have_attribute(
        "href", "#id_allowed_addresses"
    )

    textarea.fill("8.8.8.8")
    page.locator("#allowlist-field").get_by_role(
        "button", name="Add my current address (127.0.0.1)"
    ).click()
    expect(textarea).to_have_value("8.8.8.8\n127.0.0.1")
    assert saved_networks(acme) == []

    # Enter in Password Size saves the whole section.
    page.get_by_label("Password Size").press("Enter")
    expect(result(page)).to_have_text("Saved.")
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]

    # Emptying it is confirmed with a tick first.
    textarea.fill("")
    save_section(page)
    expect(page.locator("#allowlist-errors")).to_contain_text(
        "An empty list removes every address restriction"
    )
    assert saved_networks(acme) == ["8.8.8.8", "127.0.0.1"]
    page.get_by_label("Yes, remove every address restriction").check()
    save_section(page)
    expect(result(page)).to_have_text("Saved.")
    assert saved_networks(acme) == []
