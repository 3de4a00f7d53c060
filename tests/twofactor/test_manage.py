"""The user's own page: set up and remove the authenticator app, recovery codes, sudo."""

from __future__ import annotations

import re

import pyotp
import pytest

from atom.audit.models import AuditEvent
from atom.security import keyring
from atom.twofactor import codes
from atom.twofactor.models import AuthenticatorApp, RecoveryCode
from atom.twofactor.views import NEW_SECRET_KEY
from tests.helpers import PASSWORD, sudo_ends_at
from tests.twofactor.support import code_now, enrol_app


def secret_on(page: str) -> str:
    return re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")


def test_setting_up_the_app_shows_a_qr_code_and_the_secret_and_keeps_it_encrypted(as_user, owner):
    client = as_user(owner)
    page = client.get("/account/two-step/authenticator/").content.decode()
    secret = secret_on(page)
    assert 'src="data:image/svg+xml' in page
    stored = client.session[NEW_SECRET_KEY]
    assert secret not in stored and keyring.vault().decrypt(stored) == secret
    assert not AuthenticatorApp.objects.exists()


def test_a_first_code_turns_the_app_on_and_shows_ten_recovery_codes_once(as_user, owner):
    client = as_user(owner)
    secret = secret_on(client.get("/account/two-step/authenticator/").content.decode())
    response = client.post(
        "/account/two-step/authenticator/", {"code": code_now(secret)}, follow=True
    )
    page = response.content.decode()
    shown = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(shown) == 10
    assert 'download="atom-recovery-codes.txt"' in page
    app = AuthenticatorApp.objects.get(user=owner)
    assert secret not in app.secret_ciphertext
    assert keyring.vault().decrypt(app.secret_ciphertext) == secret
    digests = set(RecoveryCode.objects.filter(user=owner).values_list("digest", flat=True))
    assert digests == {codes.recovery_digest(codes.clean_recovery(code)) for code in shown}
    assert client.get("/account/two-step/recovery-codes/").status_code == 302
    assert "10 of 10 recovery codes left" in client.get("/account/two-step/").content.decode()
    assert "twofactor.app_added" in AuditEvent.objects.values_list("action", flat=True)


@pytest.mark.parametrize("typed", ["", "12345", "000000x"])
def test_a_wrong_first_code_turns_nothing_on(as_user, owner, typed):
    client = as_user(owner)
    client.get("/account/two-step/authenticator/")
    response = client.post("/account/two-step/authenticator/", {"code": typed})
    assert response.status_code == 400
    assert "Code: enter the 6 digits" in response.content.decode()
    assert not AuthenticatorApp.objects.exists() and not RecoveryCode.objects.exists()


def test_the_same_secret_stays_on_the_page_after_a_wrong_code(as_user, owner):
    client = as_user(owner)
    secret = secret_on(client.get("/account/two-step/authenticator/").content.decode())
    wrong = pyotp.TOTP(secret).generate_otp(1)
    page = client.post("/account/two-step/authenticator/", {"code": wrong}).content.decode()
    assert secret_on(page) == secret


def test_removing_the_last_factor_needs_sudo_and_turns_two_step_off(as_user, owner):
    enrol_app(owner)
    client = as_user(owner, sudo=False)
    response = client.post("/account/two-step/authenticator/remove/")
    assert response["Location"].startswith("/account/confirm-password/?next=")
    assert AuthenticatorApp.objects.filter(user=owner).exists()
    sudo_ends_at(client, 2**31)
    response = client.post("/account/two-step/authenticator/remove/", follow=True)
    assert "Two-step verification is now off for your account." in response.content.decode()
    assert not AuthenticatorApp.objects.exists() and not RecoveryCode.objects.exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["twofactor.app_removed", "twofactor.disabled"]


def test_the_last_factor_stays_while_the_company_requires_two_step(as_user, owner, acme):
    enrol_app(owner)
    acme.security.require_two_factor = True
    acme.security.save()
    response = as_user(owner).post("/account/two-step/authenticator/remove/", follow=True)
    assert "Your company requires two-step verification" in response.content.decode()
    assert AuthenticatorApp.objects.filter(user=owner).exists()


def test_new_recovery_codes_need_sudo_and_replace_the_old_ones(as_user, owner):
    _secret, old = enrol_app(owner)
    client = as_user(owner, sudo=False)
    assert client.post("/account/two-step/recovery-codes/regenerate/").status_code == 302
    assert RecoveryCode.objects.filter(user=owner).count() == 10
    sudo_ends_at(client, 2**31)
    page = client.post("/account/two-step/recovery-codes/regenerate/", follow=True).content.decode()
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    digests = set(RecoveryCode.objects.filter(user=owner).values_list("digest", flat=True))
    assert codes.recovery_digest(codes.clean_recovery(old[0])) not in digests
    assert AuditEvent.objects.filter(action="twofactor.recovery_codes_generated").count() == 2


def test_new_recovery_codes_never_sit_in_the_session_store_in_clear(as_user, owner):
    from django.contrib.sessions.models import Session

    enrol_app(owner)
    client = as_user(owner)
    client.post("/account/two-step/recovery-codes/regenerate/")
    # Between the Save and the page that shows them, the codes wait in the session.
    stored = "".join(str(row.get_decoded()) for row in Session.objects.all())
    page = client.get("/account/two-step/recovery-codes/").content.decode()
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(new) == 10
    assert not [code for code in new if code in stored]


def test_sudo_asks_for_the_second_step_when_the_user_has_one(as_user, owner):
    secret, _recovery = enrol_app(owner)
    client = as_user(owner, sudo=False)
    response = client.post("/account/confirm-password/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "two-step verification is on for your account" in response.content.decode()
    response = client.post(
        "/account/confirm-password/",
        {"password": PASSWORD},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and response.json()["error"] == "second_step_required"
    assert "/account/confirm-password/" in response.json()["message"]
    response = client.post(
        "/account/confirm-password/",
        {"password": PASSWORD, "code": code_now(secret), "next": "/account/two-step/"},
    )
    assert response.status_code == 302 and response["Location"] == "/account/two-step/"
    assert AuditEvent.objects.filter(action="sudo.confirmed").latest("id").details == {
        "second_step": True
    }


def test_sudo_with_the_right_code_and_a_wrong_password_is_refused(as_user, owner):
    secret, _recovery = enrol_app(owner)
    client = as_user(owner, sudo=False)
    response = client.post(
        "/account/confirm-password/", {"password": "not it", "code": code_now(secret)}
    )
    assert response.status_code == 400
    assert "Password: your password is not correct." in response.content.decode()
    # The code was not spent on a failed confirmation.
    assert AuthenticatorApp.objects.get(user=owner).last_step == 0


def test_sudo_accepts_a_recovery_code(as_user, owner):
    _secret, recovery = enrol_app(owner)
    client = as_user(owner, sudo=False)
    response = client.post(
        "/account/confirm-password/", {"password": PASSWORD, "code": recovery[3]}
    )
    assert response.status_code == 302
    assert RecoveryCode.objects.filter(user=owner, used_at=None).count() == 9


def test_adding_removing_and_using_factors_queue_the_users_security_emails(as_user, owner):
    from atom.mail.models import SecurityEmail

    _secret, recovery = enrol_app(owner)
    client = as_user(owner)
    client.post("/account/two-step/authenticator/remove/")
    emails = list(SecurityEmail.objects.filter(recipient=owner).order_by("id"))
    assert [email.event for email in emails] == ["second_factor.added", "second_factor.removed"]
    assert "An authenticator app was added" in emails[0].body
    assert "An authenticator app was removed" in emails[1].body
    assert all(code not in email.body for email in emails for code in recovery)


def test_new_recovery_codes_queue_the_users_security_email_without_the_codes(as_user, owner):
    from atom.mail.models import SecurityEmail

    enrol_app(owner)
    client = as_user(owner)
    page = client.post("/account/two-step/recovery-codes/regenerate/", follow=True)
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page.content.decode())
    email = SecurityEmail.objects.get(recipient=owner, event="recovery_codes.regenerated")
    assert "the old ones no longer work" in email.body
    assert len(new) == 10 and not [code for code in new if code in email.body]
