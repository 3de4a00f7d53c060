"""Deactivation and a lower role end every session of the user, sudo mode included."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from atom.accounts.models import Role
from atom.audit.actors import Actor
from atom.audit.models import AuditEvent
from atom.signins.services import end_sessions
from tests.helpers import add, sudo_ends_at


def signed_in(user, *, sudo: bool = False) -> Client:
    client = Client()
    client.force_login(user, backend="atom.accounts.backends.EmailBackend")
    if sudo:
        sudo_ends_at(client, time.time() + 900)
    return client


def sessions_of(user) -> int:
    return sum(
        1
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def active_url(user):
    return reverse("accounts:user_active", args=[user.id])


def role_url(user):
    return reverse("accounts:user_role", args=[user.id])


def test_it_does_not_give_a_reactivated_user_their_old_session_back(as_user, owner, admin):
    laptop, phone = signed_in(admin, sudo=True), signed_in(admin)
    assert laptop.get(reverse("companies:settings")).status_code == 200
    console = as_user(owner)
    console.post(active_url(admin), {"active": "0"})
    console.post(active_url(admin), {"active": "1"})

    for client in (laptop, phone):
        response = client.get(reverse("companies:settings"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert sessions_of(admin) == 0
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.details["sessions_ended"] == 2


def test_it_ends_the_sessions_of_an_admin_made_agent(as_user, owner, admin):
    admin_client = signed_in(admin, sudo=True)
    as_user(owner).post(role_url(admin), {"role": Role.AGENT})
    assert sessions_of(admin) == 0
    assert admin_client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.details["sessions_ended"] == 1


def test_it_ends_the_sessions_of_an_owner_made_admin(as_user, owner, acme):
    other_owner = add(acme, "second@acme.example", Role.OWNER)
    other_client = signed_in(other_owner, sudo=True)
    as_user(owner).post(role_url(other_owner), {"role": Role.ADMIN})
    assert sessions_of(other_owner) == 0
    assert other_client.get("/").status_code == 302


def test_it_keeps_the_sessions_of_a_user_given_more_power(as_user, owner, agent):
    agent_client = signed_in(agent)
    as_user(owner).post(role_url(agent), {"role": Role.ADMIN})
    assert sessions_of(agent) == 1
    assert agent_client.get("/").status_code == 200


def test_it_keeps_everyone_elses_sessions(as_user, owner, admin, agent):
    admin_client = signed_in(admin)
    owner_client = as_user(owner)
    owner_client.post(active_url(agent), {"active": "0"})
    assert admin_client.get("/").status_code == 200
    assert owner_client.get("/").status_code == 200


@pytest.mark.django_db
def test_it_ends_only_live_sessions_of_that_user(owner, admin):
    signed_in(owner)
    signed_in(admin)
    signed_in(admin)
    assert end_sessions(admin, actor=Actor.operator(), reason="deactivated") == 2
    assert sessions_of(owner) == 1


def test_it_sends_an_owner_who_lowered_their_own_role_to_log_in_again(as_user, owner, acme):
    add(acme, "second@acme.example", Role.OWNER)
    client = as_user(owner, sudo=True)
    response = client.post(role_url(owner), {"role": Role.ADMIN})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert sessions_of(owner) == 0
    page = client.get(reverse("accounts:login"))
    assert "owner@acme.example is now Admin." in page.content.decode()


def test_it_ends_every_session_when_the_password_is_reset_by_link(client, agent):
    import re

    from django.core import mail

    laptop = signed_in(agent, sudo=True)
    assert laptop.get("/").status_code == 200
    client.post(reverse("accounts:password_reset"), {"email": agent.email})
    link = re.search(r"https?://[^/]+(/password-reset/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a brand new passphrase for qzv"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert sessions_of(agent) == 0
    assert laptop.get("/").status_code == 302
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.details["reason"] == "password_reset" and event.details["count"] == 1


def test_it_ends_every_session_when_an_admin_resets_the_second_factor(agent):
    from atom.twofactor import services as twofactor

    phone = signed_in(agent)
    assert phone.get("/").status_code == 200
    twofactor.reset(agent, Actor.operator())
    assert sessions_of(agent) == 0
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.details["reason"] == "second_factor_reset"
