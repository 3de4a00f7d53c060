"""Passkeys through the views, answered by a software authenticator (real WebAuthn bytes)."""

from __future__ import annotations

import html
import json
import re

import pytest

from atom.audit.models import AuditEvent
from atom.twofactor.models import Passkey, RecoveryCode
from tests.helpers import PASSWORD
from tests.twofactor.authenticator import SoftPasskey, b64

ORIGIN = "http://testserver"


def options_on(page: str, element_id: str | None = None) -> str:
    match = re.search(r'data-options="([^"]*)"', page)
    assert match, "no passkey options on the page"
    return html.unescape(match.group(1))


def register(client, passkey: SoftPasskey, name: str = "Work laptop", **tamper):
    options = options_on(client.get("/account/two-step/").content.decode())
    answer = passkey.register(options, tamper.pop("origin", ORIGIN), **tamper)
    return client.post(
        "/account/two-step/passkeys/add/", {"name": name, "passkey_response": answer}, follow=True
    )


def start_login(client, user):
    client.post("/login/", {"email": user.email, "password": PASSWORD})
    return options_on(client.get("/login/two-step/?method=passkey").content.decode())


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def passkey():
    return SoftPasskey()


def test_a_user_registers_a_passkey_and_gets_recovery_codes(as_user, owner, passkey):
    client = as_user(owner)
    response = register(client, passkey)
    assert response.redirect_chain[-1][0] == "/account/two-step/recovery-codes/"
    page = response.content.decode()
    assert "Passkey “Work laptop” added." in page
    assert len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", page)) == 10
    stored = Passkey.objects.get(user=owner)
    assert stored.name == "Work laptop" and bytes(stored.credential_id) == passkey.credential_id
    assert RecoveryCode.objects.filter(user=owner).count() == 10
    # Shown once: the page is gone on the next visit.
    assert client.get("/account/two-step/recovery-codes/").status_code == 302
    assert AuditEvent.objects.filter(action="twofactor.passkey_added").latest("id").details == {
        "name": "Work laptop"
    }


def test_a_registration_for_another_origin_is_refused_and_nothing_is_saved(as_user, owner, passkey):
    client = as_user(owner)
    response = register(client, passkey, origin="https://evil.example")
    assert "could not be verified for this site" in response.content.decode()
    assert not Passkey.objects.exists() and not RecoveryCode.objects.exists()
    assert AuditEvent.objects.filter(action="twofactor.failed").latest("id").details == {
        "where": "enrolment",
        "method": "passkey",
        "reason": "invalid_response",
    }


def test_a_registration_with_a_tampered_challenge_is_refused(as_user, owner, passkey):
    client = as_user(owner)
    response = register(client, passkey, challenge=b64(b"not the challenge I was given"))
    assert "could not be verified for this site" in response.content.decode()
    assert not Passkey.objects.exists()


def test_a_passkey_without_a_name_is_refused(as_user, owner, passkey):
    client = as_user(owner)
    response = register(client, passkey, name="   ")
    assert "Name: give the passkey a name" in response.content.decode()
    assert not Passkey.objects.exists()


def test_it_logs_in_with_the_passkey_and_records_its_use(client, as_user, owner, passkey):
    register(as_user(owner), passkey)
    client.post("/logout/")
    options = start_login(client, owner)
    assert json.loads(options)["allowCredentials"][0]["id"] == b64(passkey.credential_id)
    response = client.post(
        "/login/two-step/",
        {"method": "passkey", "passkey_response": passkey.assert_(options, ORIGIN)},
    )
    assert response.status_code == 302 and is_logged_in(client)
    assert Passkey.objects.get(user=owner).last_used_at is not None


def test_an_assertion_by_another_users_passkey_is_refused(client, as_user, owner, admin):
    mine, theirs = SoftPasskey(), SoftPasskey()
    register(as_user(owner), mine)
    client.post("/logout/")
    register(as_user(admin), theirs)
    client.post("/logout/")
    options = start_login(client, owner)
    response = client.post(
        "/login/two-step/",
        {"method": "passkey", "passkey_response": theirs.assert_(options, ORIGIN)},
    )
    assert response.status_code == 400
    assert "this passkey is not registered to your account" in response.content.decode()
    assert not is_logged_in(client)
    assert AuditEvent.objects.filter(action="twofactor.failed").latest("id").details == {
        "where": "login",
        "method": "passkey",
        "reason": "unknown_passkey",
    }


@pytest.mark.parametrize(
    "tamper",
    [
        {"challenge": b64(b"an old or forged challenge....")},
        {"origin": "https://evil.example"},
        {"rp_id": "evil.example"},
    ],
)
def test_a_tampered_assertion_is_refused(client, as_user, owner, passkey, tamper):
    register(as_user(owner), passkey)
    client.post("/logout/")
    options = start_login(client, owner)
    origin = tamper.pop("origin", ORIGIN)
    response = client.post(
        "/login/two-step/",
        {"method": "passkey", "passkey_response": passkey.assert_(options, origin, **tamper)},
    )
    assert response.status_code == 400
    assert "could not be verified for this site" in response.content.decode()
    assert not is_logged_in(client)


def test_a_challenge_answers_once(client, as_user, owner, passkey):
    register(as_user(owner), passkey)
    client.post("/logout/")
    options = start_login(client, owner)
    answer = passkey.assert_(options, ORIGIN)
    # A failed attempt spends the challenge: the answer made for it is refused.
    client.post("/login/two-step/", {"method": "passkey", "passkey_response": "{}"})
    response = client.post("/login/two-step/", {"method": "passkey", "passkey_response": answer})
    assert response.status_code == 400
    assert "could not be verified for this site" in response.content.decode()
    assert not is_logged_in(client)


def test_an_answer_without_a_challenge_in_the_session_is_refused(client, as_user, owner, passkey):
    register(as_user(owner), passkey)
    client.post("/logout/")
    options = start_login(client, owner)
    session = client.session
    del session["twofactor_webauthn_challenge"]
    session.save()
    answer = passkey.assert_(options, ORIGIN)
    response = client.post("/login/two-step/", {"method": "passkey", "passkey_response": answer})
    assert response.status_code == 400
    assert "the request expired or was already used" in response.content.decode()


@pytest.mark.parametrize("garbage", ["", "not json", "[]", '{"rawId": 5}'])
def test_a_malformed_passkey_answer_is_refused(client, as_user, owner, passkey, garbage):
    register(as_user(owner), passkey)
    client.post("/logout/")
    start_login(client, owner)
    response = client.post("/login/two-step/", {"method": "passkey", "passkey_response": garbage})
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_a_passkey_is_removed_in_sudo_and_only_the_users_own(as_user, client, owner, admin):
    mine, theirs = SoftPasskey(), SoftPasskey()
    register(as_user(admin), theirs)
    client.post("/logout/")
    client = as_user(owner)
    register(client, mine, name="Phone")
    register(client, SoftPasskey(), name="Key")
    phone = Passkey.objects.get(user=owner, name="Phone")
    other = Passkey.objects.get(user=admin)
    response = client.post("/account/two-step/passkeys/remove/", {"passkey": other.id}, follow=True)
    assert "This passkey was already removed." in response.content.decode()
    assert Passkey.objects.filter(id=other.id).exists()
    for garbage in ("", "x", "-1"):
        client.post("/account/two-step/passkeys/remove/", {"passkey": garbage})
    assert Passkey.objects.filter(user=owner).count() == 2
    response = client.post("/account/two-step/passkeys/remove/", {"passkey": phone.id}, follow=True)
    assert "Passkey removed." in response.content.decode()
    assert list(Passkey.objects.filter(user=owner).values_list("name", flat=True)) == ["Key"]
    assert AuditEvent.objects.filter(action="twofactor.passkey_removed").latest("id").details == {
        "name": "Phone"
    }
    assert not AuditEvent.objects.filter(action="twofactor.disabled").exists()
