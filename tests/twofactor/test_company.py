"""The company's "Require two-step verification": the setting, its grace period, enforcement."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from atom.audit.models import AuditEvent
from atom.security.models import SecurityGeneration, SecurityPolicy
from tests.helpers import PASSWORD, section_form, sudo_ends_at
from tests.twofactor.support import code_now, enrol_app

SAVE = reverse("companies:security_save")
PUBLIC = {"REMOTE_ADDR": "200.1.2.3"}


def require(client, company, grace: str = "24h", **extra):
    data = section_form(company, require_two_factor="on", two_factor_grace=grace, **extra)
    return client.post(SAVE, data, **PUBLIC)


def policy(company) -> SecurityPolicy:
    return SecurityPolicy.objects.get(company=company)


def generation() -> int:
    return SecurityGeneration.objects.get(id=1).value


def test_an_admin_without_two_step_cannot_require_it(as_user, owner, acme):
    response = require(as_user(owner), acme)
    assert response.status_code == 400
    assert "Set up two-step verification for your own account first" in response.content.decode()
    assert not policy(acme).require_two_factor
    assert not AuditEvent.objects.filter(action="security.two_factor_required").exists()


@pytest.mark.parametrize(("grace", "hours"), [("0", 0), ("24h", 24), ("7d", 168)])
def test_an_admin_with_two_step_requires_it_with_a_grace_period(as_user, owner, acme, grace, hours):
    enrol_app(owner)
    before = generation()
    response = require(as_user(owner), acme, grace)
    assert response.status_code == 302
    saved = policy(acme)
    assert saved.require_two_factor
    expected = timezone.now() + timedelta(hours=hours)
    assert abs((saved.two_factor_deadline - expected).total_seconds()) < 60
    assert AuditEvent.objects.get(action="security.two_factor_required").details == {
        "grace_hours": hours
    }
    # Announced like a token or an allowlist: every process reloads the company.
    assert generation() > before


def test_stopping_the_requirement_needs_sudo(as_user, owner, acme):
    enrol_app(owner)
    client = as_user(owner)
    require(client, acme)
    sudo_ends_at(client, time.time() - 1)
    response = client.post(SAVE, section_form(acme), **PUBLIC)
    assert response.status_code == 400
    assert "stops requiring two-step verification" in response.content.decode()
    assert policy(acme).require_two_factor
    sudo_ends_at(client, time.time() + 600)
    assert client.post(SAVE, section_form(acme), **PUBLIC).status_code == 302
    assert not policy(acme).require_two_factor
    assert AuditEvent.objects.filter(action="security.two_factor_not_required").exists()


def test_saving_other_settings_leaves_the_requirement_and_its_deadline(as_user, owner, acme):
    enrol_app(owner)
    client = as_user(owner)
    require(client, acme, "7d")
    deadline = policy(acme).two_factor_deadline
    response = require(client, acme, "0", password_size="20")
    assert response.status_code == 302
    assert policy(acme).two_factor_deadline == deadline and policy(acme).password_size == 20


def set_requirement(company, *, deadline_in: timedelta) -> None:
    SecurityPolicy.objects.filter(company=company).update(
        require_two_factor=True, two_factor_deadline=timezone.now() + deadline_in
    )


def log_in(client, user):
    return client.post("/login/", {"email": user.email, "password": PASSWORD})


def test_during_the_grace_period_a_user_without_it_is_sent_to_set_up_once(client, agent, acme):
    set_requirement(acme, deadline_in=timedelta(hours=24))
    log_in(client, agent)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/two-step/"
    page = client.get("/account/two-step/").content.decode()
    assert "Your company requires two-step verification." in page
    assert "Set up an authenticator app or a passkey before" in page
    # Then the grace period lets the user go on.
    assert client.get("/").status_code == 200


def test_after_the_grace_period_a_user_without_it_reaches_only_the_set_up(client, agent, acme):
    set_requirement(acme, deadline_in=timedelta(seconds=-1))
    log_in(client, agent)
    client.get("/account/two-step/")
    for path in ("/", "/settings/flows/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/two-step/"
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.json()["error"] == "two_step_required"
    assert client.get("/account/two-step/authenticator/").status_code == 200
    assert client.post("/logout/").status_code == 302


def test_a_session_opened_during_the_grace_period_is_held_when_it_ends(client, agent, acme):
    set_requirement(acme, deadline_in=timedelta(hours=1))
    log_in(client, agent)
    client.get("/account/two-step/")
    assert client.get("/").status_code == 200
    set_requirement(acme, deadline_in=timedelta(seconds=-1))
    from atom.security.changes import announce_change

    announce_change()
    time.sleep(0.3)  # ATOM_PROPAGATION_INTERVAL
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/two-step/"


def test_a_user_who_sets_it_up_reaches_everything_again(client, agent, acme):
    set_requirement(acme, deadline_in=timedelta(seconds=-1))
    log_in(client, agent)
    page = client.get("/account/two-step/authenticator/").content.decode()
    import re

    secret = (
        re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    )
    client.post("/account/two-step/authenticator/", {"code": code_now(secret)})
    assert client.get("/").status_code == 200


def test_the_users_page_shows_who_has_it(as_user, owner, agent):
    enrol_app(agent)
    page = as_user(owner).get("/settings/my-company/users/").content.decode()
    assert "Reset two-step verification of agent@acme.example" in page
    assert "Reset two-step verification of owner@acme.example" not in page


def test_an_admin_resets_a_users_second_factor_in_sudo(as_user, admin, agent, owner):
    enrol_app(agent)
    enrol_app(owner)
    client = as_user(admin, sudo=False)
    url = f"/settings/my-company/users/{agent.id}/two-step/reset/"
    assert client.post(url)["Location"].startswith("/account/confirm-password/")
    assert agent.authenticator_app
    sudo_ends_at(client, time.time() + 600)
    response = client.post(url, follow=True)
    assert "Two-step verification of agent@acme.example was reset." in response.content.decode()
    assert not agent.__class__.objects.get(id=agent.id).passkeys.exists()
    event = AuditEvent.objects.get(action="twofactor.reset")
    assert event.details == {"email": agent.email, "had_second_factor": True}
    assert event.actor_user_id == admin.id
    from atom.mail.models import SecurityEmail

    assert SecurityEmail.objects.filter(event="second_factor.reset", recipient=owner).exists()
    # An admin cannot reset an owner.
    response = client.post(f"/settings/my-company/users/{owner.id}/two-step/reset/", follow=True)
    assert "Only an owner can reset" in response.content.decode()


def test_another_companys_user_is_a_404(as_user, owner, outsider):
    response = as_user(owner).post(f"/settings/my-company/users/{outsider.id}/two-step/reset/")
    assert response.status_code == 404


def test_an_agent_cannot_reset_anyone(as_user, agent, owner):
    assert (
        as_user(agent).post(f"/settings/my-company/users/{owner.id}/two-step/reset/").status_code
        == 403
    )


def test_api_tokens_are_not_affected_by_the_requirement(client, acme, acme_token):
    from tests.helpers import bearer

    set_requirement(acme, deadline_in=timedelta(seconds=-1))
    response = client.get("/api/v1/company", **bearer(acme_token))
    assert response.status_code == 200 and response.json()["name"] == "Acme"
