"""Integration tokens' emails through a real SMTP server: expiry reminders and a new address."""

from datetime import timedelta

from atom.accounts.models import Role
from atom.mail.sender import send_due
from atom.security import integrations
from tests.helpers import add, bearer
from tests.security.integration_token_helpers import issue


def test_it_reminds_owners_and_admins_7_days_and_1_day_before_each_in_their_language(
    smtp_server, acme, owner
):
    owner.language = "es"
    owner.save(update_fields=["language"])
    add(acme, "admin@acme.example", Role.ADMIN)
    add(acme, "agent@acme.example", Role.AGENT)
    row, clear = issue(acme, name="Shop", expiry="30")
    integrations.remind_and_expire(row.expires_at - timedelta(days=7))
    send_due()
    (english,) = smtp_server.to("admin@acme.example")
    assert english.subject == "Atom: An integration token expires soon"
    assert "The integration token Shop (ending in " + row.last4 + ")" in english.body
    assert row.expires_at.strftime("%Y-%m-%d") in english.body
    (spanish,) = smtp_server.to("owner@acme.example")
    assert spanish.subject == "Atom: Un token de integración vence pronto"
    assert "Tokens de integración" in spanish.body
    assert smtp_server.to("agent@acme.example") == []
    assert all(clear not in message.body for message in smtp_server.received)

    integrations.remind_and_expire(row.expires_at - timedelta(hours=20))
    send_due()
    assert len(smtp_server.to("admin@acme.example")) == 2


def test_it_tells_the_admins_of_a_second_address_never_seen_for_the_token(
    smtp_server, client, acme, owner
):
    _row, token = issue(acme, scopes=["company:read"])
    client.get("/api/v1/company", REMOTE_ADDR="203.0.113.9", **bearer(token))
    client.get("/api/v1/company", REMOTE_ADDR="198.51.100.4", **bearer(token))
    send_due()
    (message,) = smtp_server.to(owner.email)
    assert "198.51.100.4" in message.body
    assert token not in message.body
