"""Log-in with a second step: password, then a code, a recovery code or a passkey."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from atom.audit.models import AuditEvent
from atom.twofactor.login import PENDING_KEY
from tests.helpers import PASSWORD
from tests.twofactor.support import code_now, enrol_app


def password_step(client, user, next_url: str = ""):
    data = {"email": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def enrolled(owner):
    secret, recovery = enrol_app(owner)
    return owner, secret, recovery


def test_it_asks_for_the_second_step_and_does_not_log_in_after_the_password(client, enrolled):
    owner, _secret, _recovery = enrolled
    response = password_step(client, owner)
    assert response.status_code == 302 and response["Location"] == "/login/two-step/"
    assert not is_logged_in(client)
    # Every other page still treats the visitor as logged out.
    assert client.get("/").status_code == 302
    assert not is_logged_in(client)


def test_it_logs_in_with_the_current_code_and_goes_where_asked(client, enrolled):
    owner, secret, _recovery = enrolled
    password_step(client, owner, "/settings/my-company/users/")
    response = client.post("/login/two-step/", {"method": "app", "code": code_now(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/settings/my-company/users/"
    assert is_logged_in(client)
    event = AuditEvent.objects.filter(action="login.succeeded").latest("id")
    assert event.details == {"second_step": "app"}


def test_it_refuses_a_used_code_with_a_message(client, enrolled):
    owner, secret, _recovery = enrolled
    code = code_now(secret)
    password_step(client, owner)
    client.post("/login/two-step/", {"method": "app", "code": code})
    client.post("/logout/")
    password_step(client, owner)
    response = client.post("/login/two-step/", {"method": "app", "code": code})
    assert response.status_code == 400
    assert "this code was already used" in response.content.decode()
    assert not is_logged_in(client)
    event = AuditEvent.objects.filter(action="twofactor.failed").latest("id")
    assert event.details == {"where": "login", "method": "app", "reason": "reused"}


@pytest.mark.parametrize(
    ("typed", "reason", "message"),
    [
        ("000000", "wrong", "this code is not correct or has expired"),
        ("12345", "malformed", "enter the 6 digits your authenticator app shows"),
        ("abcdef", "malformed", "enter the 6 digits your authenticator app shows"),
        ("", "malformed", "enter the 6 digits your authenticator app shows"),
    ],
)
def test_it_refuses_a_wrong_or_malformed_code(client, enrolled, typed, reason, message):
    owner, secret, _recovery = enrolled
    if typed == "000000" and code_now(secret) in ("000000",):
        typed = "000001"
    password_step(client, owner)
    response = client.post("/login/two-step/", {"method": "app", "code": typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not is_logged_in(client)
    assert (
        AuditEvent.objects.filter(action="twofactor.failed").latest("id").details["reason"]
        == reason
    )


def test_it_refuses_an_expired_code(client, enrolled):
    owner, secret, _recovery = enrolled
    password_step(client, owner)
    response = client.post(
        "/login/two-step/", {"method": "app", "code": code_now(secret, offset_steps=-3)}
    )
    assert response.status_code == 400
    assert "not correct or has expired" in response.content.decode()


def test_wrong_codes_count_toward_the_password_lock_out(client, enrolled):
    owner, secret, _recovery = enrolled
    password_step(client, owner)
    with override_settings(AXES_FAILURE_LIMIT=3):
        for _ in range(3):
            client.post("/login/two-step/", {"method": "app", "code": "12345"})
        # Locked: even the right code is not looked at.
        response = client.post("/login/two-step/", {"method": "app", "code": code_now(secret)})
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_second_step_lapses_after_five_minutes(client, enrolled):
    owner, secret, _recovery = enrolled
    password_step(client, owner)
    session = client.session
    pending = session[PENDING_KEY]
    pending["at"] = time.time() - 301
    session[PENDING_KEY] = pending
    session.save()
    response = client.post(
        "/login/two-step/", {"method": "app", "code": code_now(secret)}, follow=True
    )
    assert response.redirect_chain[0] == ("/login/", 302)
    assert "took longer than 5 minutes" in response.content.decode()
    assert not is_logged_in(client)


def test_the_second_step_page_without_a_password_goes_to_log_in(client, enrolled):
    response = client.get("/login/two-step/")
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_a_recovery_code_logs_in_once(client, enrolled):
    owner, _secret, recovery = enrolled
    password_step(client, owner)
    response = client.post("/login/two-step/", {"method": "recovery", "code": recovery[0].upper()})
    assert response.status_code == 302 and is_logged_in(client)
    assert AuditEvent.objects.filter(action="twofactor.recovery_code_used").latest(
        "id"
    ).details == {"left": 9}
    from atom.mail.models import SecurityEmail

    email = SecurityEmail.objects.get(recipient=owner, event="recovery_code.used")
    assert "9 remain" in email.body
    client.post("/logout/")
    password_step(client, owner)
    response = client.post("/login/two-step/", {"method": "recovery", "code": recovery[0]})
    assert response.status_code == 400
    assert "this code was already used" in response.content.decode()
    assert not is_logged_in(client)


def test_it_offers_the_other_ways(client, enrolled):
    owner, _secret, _recovery = enrolled
    password_step(client, owner)
    page = client.get("/login/two-step/").content.decode()
    assert "?method=recovery" in page and "?method=passkey" not in page


def test_a_reset_between_the_password_and_the_second_step_starts_the_log_in_again(client, enrolled):
    from atom.audit.actors import Actor
    from atom.twofactor.services import reset

    owner, secret, _recovery = enrolled
    password_step(client, owner)
    reset(owner, Actor.operator())
    response = client.post("/login/two-step/", {"method": "app", "code": code_now(secret)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not is_logged_in(client) and PENDING_KEY not in client.session


def test_a_log_in_with_a_second_step_is_listed_among_the_users_sessions(client, enrolled):
    from atom.signins.models import SignIn

    owner, secret, _recovery = enrolled
    password_step(client, owner)
    assert not SignIn.objects.filter(user=owner).exists()
    client.post("/login/two-step/", {"method": "app", "code": code_now(secret)})
    assert SignIn.objects.filter(user=owner).count() == 1
