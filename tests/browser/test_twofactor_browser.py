"""Two-step verification in Chromium: an authenticator app, recovery codes and a passkey,
from enrolment to log-in, in English and Spanish, with axe-core at phone and desktop widths.

Codes are computed here from the secret the page shows (pyotp), as the
person's phone would; the passkey is Chromium's own virtual authenticator
(the DevTools protocol's WebAuthn domain).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from atom.twofactor.models import Passkey, RecoveryCode
from tests.browser.accessibility import assert_accessible_at_widths
from tests.browser.helpers import log_in_by_field_ids
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

TEXT = {
    "en": {
        "codes_left_10": "10 of 10 recovery codes left",
        "codes_left_9": "9 of 10 recovery codes left",
        "wrong_code": "Code: this code is not correct or has expired.",
        "heading": "Two-step verification",
        "copied": "Copied.",
        "never": "Never",
    },
    "es": {
        "codes_left_10": "Quedan 10 de 10 códigos de recuperación",
        "codes_left_9": "Quedan 9 de 10 códigos de recuperación",
        "wrong_code": "Código: este código no es correcto o ha caducado.",
        "heading": "Verificación en dos pasos",
        "copied": "Copiados.",
        "never": "Nunca",
    },
}


@pytest.fixture
def open_page(new_page):
    def open_page(language: str):
        page = new_page()
        if language != "en":
            page.goto("/login/")
            page.locator("#language-select").select_option(language)
            page.locator("#language-form button[type=submit]").click()
            expect(page.locator("html")).to_have_attribute("lang", language)
        return page

    return open_page


def log_out(page) -> None:
    page.locator("#account-links form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def open_two_step_page(page) -> None:
    """Through the account menu, as a person would."""
    page.locator("#account-links a[href='/account/two-step/']").click()
    expect(page).to_have_url(re.compile(r"/account/two-step/$"))


def code_after(secret: str, used: set[str]) -> str:
    """The app's code now, or the next one if this one was already used (a code works once)."""
    totp = pyotp.TOTP(secret)
    code = totp.now()
    if code in used:
        code = totp.at(int(time.time()) + 30)
    used.add(code)
    return code


@pytest.mark.parametrize("language", ["en", "es"])
def test_enrol_an_authenticator_app_log_in_with_it_then_with_a_recovery_code(
    open_page, owner, language, tmp_path: Path
):
    text = TEXT[language]
    page = open_page(language)
    log_in_by_field_ids(page, owner.email)
    open_two_step_page(page)
    expect(page.locator("h1")).to_have_text(text["heading"])
    assert_accessible_at_widths(page, f"Two-step verification, off ({language})")

    page.locator("a[href='/account/two-step/authenticator/']").click()
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    # Drawn by the server as an SVG data: URI, which the CSP's img-src allows.
    assert page.evaluate("() => document.querySelector('img.qr').naturalWidth") > 0
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert_accessible_at_widths(page, f"Set up an authenticator app ({language})")

    # A wrong code first: refused with a message, nothing turned on.
    page.locator("#id_code").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_code-errors")).to_contain_text(text["wrong_code"])
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret
    assert_accessible_at_widths(page, f"Set up an authenticator app, wrong code ({language})")

    used: set[str] = set()
    page.locator("#id_code").fill(code_after(secret, used))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/two-step/recovery-codes/$"))
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    assert_accessible_at_widths(page, f"Your recovery codes ({language})")

    page.locator("#copy-codes").click()
    expect(page.locator("#copy-status")).to_have_text(text["copied"])
    assert page.evaluate("() => navigator.clipboard.readText()") == "\n".join(codes) + "\n"
    with page.expect_download() as download:
        page.locator("#download-codes").click()
    saved = tmp_path / "codes.txt"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "atom-recovery-codes.txt"
    assert saved.read_text().splitlines() == codes

    page.locator("a.primary[href='/account/two-step/']").click()
    expect(page.locator("#recovery-left")).to_contain_text(text["codes_left_10"])
    assert_accessible_at_widths(page, f"Two-step verification, on ({language})")

    # Log in again: the password alone is not enough.
    log_out(page)
    log_in_by_field_ids(page, owner.email)
    expect(page).to_have_url(re.compile(r"/login/two-step/$"))
    assert_accessible_at_widths(page, f"Log-in second step, app ({language})")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    log_in_by_field_ids(page, owner.email)
    page.locator("#id_code").fill(code_after(secret, used))
    page.locator("#second-step-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#account-links")).to_contain_text(owner.email)

    # Lost phone: a recovery code, once.
    log_out(page)
    log_in_by_field_ids(page, owner.email)
    page.locator("a[href='/login/two-step/?method=recovery']").click()
    assert_accessible_at_widths(page, f"Log-in second step, recovery code ({language})")
    page.locator("#id_code").fill(codes[4].upper())
    page.locator("#second-step-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert RecoveryCode.objects.filter(user=owner, used_at=None).count() == 9
    open_two_step_page(page)
    expect(page.locator("#recovery-left")).to_contain_text(text["codes_left_9"])

    log_out(page)
    log_in_by_field_ids(page, owner.email)
    page.locator("a[href='/login/two-step/?method=recovery']").click()
    page.locator("#id_code").fill(codes[4])
    page.locator("#second-step-form button[type=submit]").click()
    expect(page.locator("#second-step-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/two-step/"))
    assert_accessible_at_widths(page, f"Log-in second step, used recovery code ({language})")


def add_virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_register_a_passkey_and_log_in_with_it(open_page, admin, language):
    text = TEXT[language]
    page = open_page(language)
    add_virtual_authenticator(page)
    log_in_by_field_ids(page, admin.email)
    open_two_step_page(page)

    # No name: the page says so and asks the browser for nothing.
    page.locator("#passkey-add").click()
    expect(page.locator("#passkey-add-error")).not_to_be_empty()
    assert not Passkey.objects.exists()

    page.locator("#id_name").fill("Laptop")
    page.locator("#passkey-add").click()
    expect(page).to_have_url(re.compile(r"/account/two-step/recovery-codes/$"))
    page.locator("a.primary[href='/account/two-step/']").click()
    row = page.locator("#passkey-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Laptop")
    expect(row).to_contain_text(text["never"])
    assert_accessible_at_widths(page, f"Two-step verification with a passkey ({language})")

    log_out(page)
    log_in_by_field_ids(page, admin.email)
    expect(page).to_have_url(re.compile(r"/login/two-step/$"))
    assert_accessible_at_widths(page, f"Log-in second step, passkey ({language})")
    page.locator("#use-passkey").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#account-links")).to_contain_text(admin.email)
    assert Passkey.objects.get(user=admin).last_used_at is not None
    open_two_step_page(page)
    expect(page.locator("#passkey-list tbody tr")).not_to_contain_text(text["never"])


def test_sudo_asks_for_the_second_step_and_a_passkey_answers_it(open_page, admin, live_server):
    from tests.browser.helpers import end_sudo

    page = open_page("en")
    add_virtual_authenticator(page)
    log_in_by_field_ids(page, admin.email)
    open_two_step_page(page)
    page.locator("#id_name").fill("Laptop")
    page.locator("#passkey-add").click()
    expect(page).to_have_url(re.compile(r"/account/two-step/recovery-codes/$"))
    end_sudo(page, live_server)
    page.goto("/account/two-step/")
    page.locator("#recovery form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/confirm-password/"))
    assert_accessible_at_widths(page, "Confirm it is you")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#use-passkey").click()
    expect(page).to_have_url(re.compile(r"/account/two-step/$"))
    # Sudo is on: making new recovery codes now works.
    page.locator("#recovery form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/two-step/recovery-codes/$"))
    expect(page.locator("#recovery-codes code")).to_have_count(10)


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_owner_requires_two_step_with_a_grace_period_and_sees_who_has_it(
    open_page, owner, admin, acme, language
):
    from atom.security.models import SecurityPolicy
    from tests.twofactor.support import enrol_app

    page = open_page(language)
    # Without a second factor of their own, the owner cannot require it.
    log_in_by_field_ids(page, owner.email)
    page.goto("/settings/my-company/settings/")
    page.locator("#id_require_two_factor").check()
    page.locator("#security-save").click()
    expect(page.locator("#require-two-factor-errors")).to_be_visible()
    assert not SecurityPolicy.objects.get(company=acme).require_two_factor
    assert_accessible_at_widths(page, f"Security Settings, two-step refused ({language})")

    secret, _codes = enrol_app(owner)
    log_out(page)
    log_in_by_field_ids(page, owner.email)
    page.locator("#id_code").fill(pyotp.TOTP(secret).now())
    page.locator("#second-step-form button[type=submit]").click()
    page.goto("/settings/my-company/settings/")
    page.locator("#id_require_two_factor").check()
    page.locator("#two-factor-grace input[value='7d']").check()
    page.locator("#security-save").click()
    expect(page.locator("#two-factor-deadline")).to_be_visible()
    expect(page.locator("#id_require_two_factor")).to_be_checked()
    policy = SecurityPolicy.objects.get(company=acme)
    assert policy.require_two_factor and policy.two_factor_deadline is not None
    assert_accessible_at_widths(page, f"Security Settings, two-step required ({language})")

    page.locator("#two-factor-deadline a").click()
    rows = page.locator("table.list tbody tr")
    expect(rows.filter(has_text=owner.email).locator("td.two-step form")).to_have_count(1)
    expect(rows.filter(has_text=admin.email).locator("td.two-step form")).to_have_count(0)
    assert_accessible_at_widths(page, f"Users with two-step status ({language})")


def test_stopping_the_requirement_asks_for_the_password_and_a_code_without_javascript(
    new_page, owner, acme, live_server
):
    from atom.security.models import SecurityPolicy
    from tests.browser.helpers import end_sudo
    from tests.twofactor.support import enrol_app

    secret, _codes = enrol_app(owner)
    SecurityPolicy.objects.filter(company=acme).update(require_two_factor=True)
    page = new_page(javascript=False)
    used: set[str] = set()
    log_in_by_field_ids(page, owner.email)
    page.locator("#id_code").fill(code_after(secret, used))
    page.locator("#second-step-form button[type=submit]").click()
    end_sudo(page, live_server)
    page.goto("/settings/my-company/settings/")
    page.locator("#id_require_two_factor").uncheck()
    page.locator("#security-save").click()
    expect(page.locator("#security-summary")).to_contain_text(
        "stops requiring two-step verification"
    )
    assert SecurityPolicy.objects.get(company=acme).require_two_factor
    page.locator("#confirm-password-link").click()
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill("12345")
    page.locator("#confirm-form button[type=submit]").click()
    expect(page.locator("#id_code-errors")).to_contain_text("Code: enter the 6 digits")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(code_after(secret, used))
    page.locator("#confirm-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/settings/my-company/settings/"))
    page.locator("#id_require_two_factor").uncheck()
    page.locator("#security-save").click()
    expect(page.locator("#id_require_two_factor")).not_to_be_checked()
    assert not SecurityPolicy.objects.get(company=acme).require_two_factor


def test_the_settings_pages_password_dialog_sends_a_two_step_user_to_the_confirm_page(
    open_page, owner, live_server
):
    from tests.browser.helpers import end_sudo
    from tests.twofactor.support import enrol_app

    secret, _codes = enrol_app(owner)
    page = open_page("en")
    log_in_by_field_ids(page, owner.email)
    page.locator("#id_code").fill(pyotp.TOTP(secret).now())
    page.locator("#second-step-form button[type=submit]").click()
    end_sudo(page, live_server)
    page.goto("/settings/my-company/settings/")
    page.locator("[data-action=toggle-token]").first.click()
    page.locator("#sudo-password").fill(PASSWORD)
    page.locator("#sudo-form button[value=confirm]").click()
    expect(page.locator("#sudo-errors")).to_contain_text(
        "Two-step verification is on for your account: confirm on the page"
    )
    expect(page.locator("#sudo-errors")).to_contain_text("/account/confirm-password/")
