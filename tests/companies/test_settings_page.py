from django.urls import reverse

from atom.audit.models import AuditEvent

SETTINGS = reverse("companies:settings")


def test_it_shows_the_settings_page_to_the_owner(as_user, owner):
    response = as_user(owner).get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Security Settings" in html
    assert "API Token" in html
    assert "Allowed IP Addresses" in html
    assert "Password Size" in html


def test_it_shows_the_settings_page_to_an_admin(as_user, admin):
    assert as_user(admin).get(SETTINGS).status_code == 200


def test_it_refuses_the_settings_page_to_an_agent(as_user, agent):
    response = as_user(agent).get(SETTINGS)
    assert response.status_code == 403
    assert b"Only your company's owners and admins" in response.content


def test_it_sends_an_anonymous_visitor_to_log_in(client, acme):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_renames_the_company_and_audits_it(as_user, owner, acme):
    response = as_user(owner).post(reverse("companies:rename"), {"name": "  Acme   Corp "})
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.name == "Acme Corp"
    event = AuditEvent.objects.get(company=acme, action="company.renamed")
    assert event.details == {"from": "Acme", "to": "Acme Corp"}
    assert event.actor_user == owner


def test_it_refuses_an_empty_company_name(as_user, owner, acme):
    response = as_user(owner).post(reverse("companies:rename"), {"name": "   "})
    assert response.status_code == 400
    acme.refresh_from_db()
    assert acme.name == "Acme"


def test_it_refuses_a_rename_by_an_agent(as_user, agent, acme):
    response = as_user(agent).post(reverse("companies:rename"), {"name": "Pwned"})
    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.name == "Acme"
