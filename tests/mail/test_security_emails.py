"""Security emails: who gets which, in which language, saying what, through a real SMTP server."""

import datetime as dt
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from atom.accounts.models import Role
from atom.accounts.services import add_user, change_role
from atom.audit.actors import Actor
from atom.mail.models import EmailPreferences, SecurityEmail, Status
from atom.mail.notify import notify
from atom.mail.sender import claim, send_due
from atom.security import api_tokens, services
from atom.security.core import allowlist
from tests.helpers import PASSWORD, add

CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.0.0 Safari/537.36"
)


def entries(*texts):
    return [allowlist.parse_entry(text, allow_private=True) for text in texts]


def owner_actor(owner):
    return Actor.for_user(owner, ip="200.1.2.3", user_agent=CHROME)


@pytest.fixture
def team(acme, owner):
    """Acme's owner reads the console in Spanish; its admin in English; its agent gets nothing."""
    owner.language = "es"
    owner.save(update_fields=["language"])
    return {
        "owner": owner,
        "admin": add(acme, "admin@acme.example", Role.ADMIN),
        "agent": add(acme, "agent@acme.example", Role.AGENT),
    }


class TestCompanyEvents:
    def test_a_new_token_goes_to_owners_and_admins_each_in_their_language(
        self, smtp_server, acme, team
    ):
        new, clear = api_tokens.rotate(acme, timedelta(0), owner_actor(team["owner"]))
        assert send_due() == (2, 0)
        assert sorted(r for m in smtp_server.received for r in m.recipients) == [
            "admin@acme.example",
            "owner@acme.example",
        ]
        (spanish,) = smtp_server.to("owner@acme.example")
        assert spanish.subject == "Atom: Se guardó un nuevo token de API"
        assert f"terminado en {new.last4}" in spanish.body
        assert "Quién: owner@acme.example" in spanish.body
        assert "Desde la dirección: 200.1.2.3" in spanish.body
        assert "Navegador: Chrome 121 · Mac OS X 10" in spanish.body
        assert "Si ni usted ni otro administrador" in spanish.body
        (english,) = smtp_server.to("admin@acme.example")
        assert english.subject == "Atom: A new API token was saved"
        assert f"ending in {new.last4}" in english.body
        assert "When: " in english.body and " UTC" in english.body
        assert "If you or another admin of your company did not make this change" in english.body
        for message in smtp_server.received:
            assert clear not in message.message.as_string()
            assert clear[:-4] not in message.message.as_string()

    def test_a_changed_allowlist_says_what_was_added_and_removed(self, smtp_server, acme, team):
        actor = owner_actor(team["owner"])
        services.replace_allowlist(acme, entries("200.1.2.3", "198.51.100.0/24"), actor)
        SecurityEmail.objects.all().delete()
        services.replace_allowlist(acme, entries("200.1.2.3", "203.0.113.9"), actor)
        send_due()
        (message,) = smtp_server.to("admin@acme.example")
        assert message.subject == "Atom: The Allowed IP Addresses changed"
        assert "Added: 203.0.113.9. Removed: 198.51.100.0/24." in message.body

    def test_clearing_the_allowlist_at_the_command_line_says_an_operator_did_it(
        self, smtp_server, acme, team
    ):
        services.replace_allowlist(acme, entries("200.1.2.3"), owner_actor(team["owner"]))
        SecurityEmail.objects.all().delete()
        services.clear_allowlist(acme, Actor.operator())
        send_due()
        (message,) = smtp_server.to("admin@acme.example")
        assert "Every Allowed IP Address was removed: 200.1.2.3." in message.body
        assert "Who: an operator, with the atom command" in message.body

    def test_the_password_size_change_says_from_and_to(self, smtp_server, acme, team):
        services.set_password_size(acme, 20, owner_actor(team["owner"]))
        send_due()
        (message,) = smtp_server.to("admin@acme.example")
        assert "The Password Size changed from 15 to 20 characters." in message.body

    def test_a_token_stopped_early_is_reported(self, smtp_server, acme, team):
        actor = owner_actor(team["owner"])
        old = api_tokens.active_token(acme)
        api_tokens.rotate(acme, timedelta(hours=1), actor)
        SecurityEmail.objects.all().delete()
        api_tokens.end_grace(acme, old.id, actor)
        send_due()
        (message,) = smtp_server.to("admin@acme.example")
        assert message.subject == "Atom: An old API token was stopped"
        assert f"ending in {old.last4}" in message.body

    def test_a_user_added_or_made_admin_is_reported_to_the_admins(self, smtp_server, acme, team):
        actor = owner_actor(team["owner"])
        add_user(acme, "new@acme.example", Role.AGENT, PASSWORD, actor)
        change_role(actor, team["agent"], Role.ADMIN)
        send_due()
        subjects = sorted(m.subject for m in smtp_server.to("admin@acme.example"))
        assert subjects == ["Atom: A user was added", "Atom: A user was made Admin"]
        bodies = " ".join(m.body for m in smtp_server.to("admin@acme.example"))
        assert "new@acme.example was added to Acme as Agent." in bodies
        assert "agent@acme.example is now Admin of Acme." in bodies
        assert smtp_server.to("agent@acme.example") == [
            m for m in smtp_server.to("agent@acme.example") if "is now Admin" in m.body
        ]

    def test_two_step_verification_no_longer_required_is_reported(self, smtp_server, acme, team):
        acme.security.require_two_factor = True
        acme.security.save()
        services.save_section(
            acme,
            services.SectionChange(
                revision=acme.security.revision,
                password_size=15,
                entries=[],
                require_two_factor=False,
            ),
            owner_actor(team["owner"]),
            client_address=None,
            recently_confirmed=True,
        )
        send_due()
        (message,) = smtp_server.to("admin@acme.example")
        assert message.subject == "Atom: Two-step verification is no longer required"
        assert "Users of Acme no longer need two-step verification." in message.body
        (spanish,) = smtp_server.to("owner@acme.example")
        assert spanish.subject == "Atom: Ya no se exige la verificación en dos pasos"

    def test_nothing_is_queued_when_the_change_is_rolled_back(self, acme, team):
        with pytest.raises(services.PendingTokenGone):
            services.save_section(
                acme,
                services.SectionChange(
                    revision=acme.security.revision,
                    password_size=30,
                    entries=[],
                    pending_token_id=999_999,
                ),
                owner_actor(team["owner"]),
                client_address=None,
                recently_confirmed=True,
            )
        assert not SecurityEmail.objects.exists()

    def test_an_admin_who_turned_company_emails_off_gets_none(self, smtp_server, acme, team):
        EmailPreferences.objects.create(user=team["admin"], company_security=False)
        services.set_password_size(acme, 20, owner_actor(team["owner"]))
        send_due()
        assert smtp_server.to("admin@acme.example") == []
        assert len(smtp_server.to("owner@acme.example")) == 1

    def test_it_refuses_details_that_carry_a_secret(self, acme, team):
        with pytest.raises(ValueError, match="token"):
            notify(
                "token.saved",
                company=acme,
                actor=Actor.system(),
                details={"last4": "abcd", "token": "atom_x"},
            )


class TestUserEvents:
    def log_in(self, agent=CHROME, address="200.1.2.3"):
        client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
        response = client.post(
            reverse("accounts:login"), {"email": "admin@acme.example", "password": PASSWORD}
        )
        assert response.status_code == 302
        return client

    def test_a_sign_in_from_a_new_browser_or_address_emails_the_user_once(
        self, smtp_server, acme, team
    ):
        self.log_in()
        self.log_in()
        self.log_in(address="203.0.113.50")
        send_due()
        messages = smtp_server.to("admin@acme.example")
        assert [m.subject for m in messages] == ["Atom: New sign-in to your Atom account"] * 2
        assert "From address: 203.0.113.50" in messages[1].body
        assert "If this wasn't you, change your password now" in messages[1].body
        assert smtp_server.to("owner@acme.example") == []

    def test_the_sign_in_email_cannot_be_turned_off(self, smtp_server, acme, team):
        EmailPreferences.objects.create(
            user=team["admin"], company_security=False, company_users=False
        )
        self.log_in()
        send_due()
        assert len(smtp_server.to("admin@acme.example")) == 1

    def test_a_password_change_emails_the_user_in_their_language(self, smtp_server, acme, team):
        client = Client(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="200.1.2.3")
        client.post(
            reverse("accounts:login"), {"email": "owner@acme.example", "password": PASSWORD}
        )
        SecurityEmail.objects.all().delete()
        response = client.post(
            reverse("accounts:password_change"),
            {
                "current_password": PASSWORD,
                "new_password1": "another long passphrase 7",
                "new_password2": "another long passphrase 7",
            },
        )
        assert response.status_code == 302
        send_due()
        (message,) = smtp_server.received
        assert message.recipients == ["owner@acme.example"]
        assert message.subject == "Atom: Se cambió su contraseña"
        assert "Si no fue usted, cambie su contraseña ahora" in message.body


class TestDelivery:
    def test_a_stopped_smtp_server_delays_mail_without_losing_it(self, smtp_server, acme, team):
        services.set_password_size(acme, 20, owner_actor(team["owner"]))
        smtp_server.stop()
        assert send_due() == (0, 2)
        rows = list(SecurityEmail.objects.order_by("id"))
        assert [row.status for row in rows] == [Status.PENDING, Status.PENDING]
        assert all(row.attempts == 1 and "Connection refused" in row.last_error for row in rows)
        assert send_due() == (0, 0)  # not due again yet
        smtp_server.start()
        with time_machine.travel(dt.datetime.now(dt.UTC) + timedelta(minutes=2)):
            assert send_due() == (2, 0)
            assert send_due() == (0, 0)
        assert len(smtp_server.received) == 2
        assert set(SecurityEmail.objects.values_list("status", flat=True)) == {Status.SENT}

    def test_a_worker_that_died_after_claiming_leaves_the_mail_to_the_next(
        self, smtp_server, acme, team
    ):
        services.set_password_size(acme, 20, owner_actor(team["owner"]))
        _dead_worker, ids = claim(10)
        assert len(ids) == 2
        assert send_due() == (0, 0)  # the lease still holds
        with time_machine.travel(dt.datetime.now(dt.UTC) + timedelta(minutes=3)):
            assert send_due() == (2, 0)
        assert len(smtp_server.received) == 2
        ids_in_headers = {m.message["Message-ID"] for m in smtp_server.received}
        assert len(ids_in_headers) == 2

    def test_it_gives_up_after_the_last_attempt_and_keeps_the_error(
        self, smtp_server, acme, team, settings
    ):
        settings.ATOM_EMAIL_MAX_ATTEMPTS = 2
        services.set_password_size(acme, 20, owner_actor(team["owner"]))
        smtp_server.stop()
        send_due()
        with time_machine.travel(dt.datetime.now(dt.UTC) + timedelta(minutes=5)):
            send_due()
        row = SecurityEmail.objects.first()
        assert (row.status, row.attempts) == (Status.FAILED, 2)
        assert "Connection refused" in row.last_error

    def test_the_atom_send_emails_command_sends_what_is_due(self, smtp_server, acme, team, capsys):
        services.set_password_size(acme, 20, owner_actor(team["owner"]))
        call_command("send_emails", "--once")
        assert "sent 2, failed 0" in capsys.readouterr().out
        assert len(smtp_server.received) == 2

    def test_queuing_talks_to_no_smtp_server(self, acme, team):
        # No SMTP server at all: the change and its queued emails commit.
        with transaction.atomic():
            services.set_password_size(acme, 20, owner_actor(team["owner"]))
        assert SecurityEmail.objects.filter(status=Status.PENDING).count() == 2
