"""Settings > My Account > Security emails: turning the informational ones off."""

import re

from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.mail.models import EmailPreferences

PAGE = reverse("mail:preferences")


def test_it_says_which_emails_cannot_be_turned_off(as_user, owner):
    html = as_user(owner).get(PAGE).content.decode()
    assert "<h1>Security emails</h1>" in html
    assert "They cannot be turned off" in html
    assert "A sign-in from a new browser or address" in html


def test_an_admin_turns_company_emails_off_and_it_is_audited(as_user, owner):
    client = as_user(owner)
    response = client.post(PAGE, {"company_users": "on"})
    assert response.status_code == 302
    preferences = EmailPreferences.objects.get(user=owner)
    assert (preferences.company_security, preferences.company_users) == (False, True)
    html = client.get(PAGE).content.decode()
    assert re.search(r"<input[^>]*name=\"company_users\"[^>]*checked", html)
    assert not re.search(r"<input[^>]*name=\"company_security\"[^>]*checked", html)
    event = AuditEvent.objects.get(action="email.preferences_changed")
    assert event.details == {"company_security": False, "company_users": True}


def test_an_agent_has_nothing_to_turn_off(as_user, agent):
    html = as_user(agent).get(PAGE).content.decode()
    assert "They cannot be turned off" in html
    assert 'id="email-preferences"' not in html


def test_it_shows_the_page_in_spanish(as_user, owner):
    client = as_user(owner)
    client.post(reverse("set_language"), {"language": "es", "next": PAGE})
    html = client.get(PAGE).content.decode()
    assert "<h1>Correos de seguridad</h1>" in html
    assert "No se pueden desactivar" in html
