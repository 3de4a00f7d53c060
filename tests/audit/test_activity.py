from django.urls import reverse

from atom.audit.log import record
from atom.audit.models import AuditEvent

ACTIVITY = reverse("audit:activity")


def test_it_lists_the_companys_events_newest_first(as_user, owner, acme, globex):
    record("company.renamed", company=acme, user=owner, details={"from": "A", "to": "B"})
    record("company.renamed", company=acme, user=owner, details={"from": "B", "to": "C"})
    record("company.renamed", company=globex, details={"from": "G", "to": "H"})
    html = as_user(owner).get(ACTIVITY).content.decode()
    assert html.index("to: C") < html.index("to: B")
    assert "to: H" not in html
    assert "Company renamed" in html


def test_it_filters_by_action(as_user, owner, acme):
    record("company.renamed", company=acme, user=owner, details={"from": "A", "to": "B"})
    record(
        "user.added", company=acme, user=owner, details={"email": "x@acme.example", "role": "agent"}
    )
    html = as_user(owner).get(ACTIVITY, {"action": "user.added"}).content.decode()
    assert "x@acme.example" in html
    assert "to: B" not in html


def test_it_paginates(as_user, owner, acme):
    AuditEvent.objects.bulk_create(
        AuditEvent(company=acme, actor_type="operator", action="company.renamed", details={"n": n})
        for n in range(120)
    )
    client = as_user(owner)
    first = client.get(ACTIVITY).content.decode()
    assert "Page 1 of 3" in first
    assert "Page 3 of 3" in client.get(ACTIVITY, {"page": 3}).content.decode()


def test_it_refuses_the_activity_page_to_an_agent(as_user, agent):
    assert as_user(agent).get(ACTIVITY).status_code == 403


def test_it_never_stores_a_secret_key_in_details(acme):
    import pytest

    with pytest.raises(ValueError):
        record("token.revealed", company=acme, details={"token": "atom_x"})


def test_it_records_address_and_user_agent_from_the_request(client, owner):
    client.post(
        reverse("accounts:login"),
        {"email": owner.email, "password": "correct horse battery staple"},
        REMOTE_ADDR="200.1.2.3",
        HTTP_USER_AGENT="Firefox/999",
    )
    event = AuditEvent.objects.get(action="login.succeeded")
    assert event.ip == "200.1.2.3"
    assert event.user_agent == "Firefox/999"
