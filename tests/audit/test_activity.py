"""Settings > My Company > Activity: sentences, filters kept in the URL, clear errors."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from atom.audit.log import record
from atom.audit.models import AuditEvent
from tests.audit.events import add_event

ACTIVITY = reverse("audit:activity")


def day(n: int, hour: int = 12) -> datetime:
    # A past week, so that what the test itself logs today stays outside every range.
    return datetime(2024, 12, n, hour, 0, tzinfo=UTC)


@pytest.fixture
def history(acme, owner, admin):
    """Acme's week: the owner, the admin and the operator each did something."""
    add_event(acme, "security.password_size_changed", {"from": 15, "to": 12}, user=owner, at=day(1))
    add_event(
        acme, "user.added", {"email": "new@acme.example", "role": "agent"}, user=admin, at=day(3)
    )
    add_event(acme, "token.rotated", {"last4": "Q2ZX", "grace_seconds": 3600}, at=day(5))
    add_event(
        acme, "company.renamed", {"from": "Acme", "to": "Acme Inc"}, user=owner, at=day(7, 23)
    )


def page(client, **query) -> str:
    return client.get(ACTIVITY, query).content.decode()


def test_it_lists_the_companys_events_as_sentences_newest_first(as_user, owner, acme, globex):
    add_event(acme, "company.renamed", {"from": "A", "to": "B"}, user=owner, at=day(1))
    add_event(acme, "company.renamed", {"from": "B", "to": "C"}, user=owner, at=day(2))
    add_event(globex, "company.renamed", {"from": "G", "to": "H"}, at=day(3))
    html = page(as_user(owner))
    assert html.index("Renamed the company from “B” to “C”") < html.index(
        "Renamed the company from “A” to “B”"
    )
    assert "“H”" not in html


def test_it_shows_when_with_the_time_zone_and_who(as_user, owner, acme):
    add_event(acme, "logout", user=owner, at=datetime(2026, 12, 8, 13, 53, 7, tzinfo=UTC))
    add_event(acme, "token.expired", {"last4": "FMHY"}, actor_type="system", at=day(9))
    html = page(as_user(owner))
    assert '<time datetime="2026-12-08T13:53:07+00:00">8 Dec 2026, 13:53 UTC</time>' in html
    assert "<td>owner@acme.example</td>" in html
    assert "<td>Atom</td>" in html


def test_it_filters_by_person(as_user, owner, admin, history):
    html = page(as_user(owner), person=admin.id)
    assert "Added new@acme.example as Agent" in html
    assert "Password Size changed" not in html
    assert f'<option value="{admin.id}" selected>admin@acme.example</option>' in html


def test_it_filters_by_a_kind_of_actor(as_user, owner, history):
    html = page(as_user(owner), person="operator")
    assert "Rotated the API token to …Q2ZX" in html
    assert "Added new@acme.example" not in html


def test_it_filters_by_action_group(as_user, owner, history):
    html = page(as_user(owner), group="api_token")
    assert "Rotated the API token" in html
    assert "Renamed the company" not in html
    assert '<option value="api_token" selected>API Token</option>' in html


def test_it_filters_by_an_inclusive_date_range(as_user, owner, history):
    html = page(as_user(owner), since="2024-12-03", until="2024-12-07")
    assert "Added new@acme.example" in html
    assert "Rotated the API token" in html
    # The last day counts whole, to 23:59 UTC.
    assert "Renamed the company" in html
    assert "Password Size changed" not in html


def test_it_combines_filters(as_user, owner, history):
    html = page(as_user(owner), person=str(owner.pk), group="company", since="2024-12-02")
    assert "Renamed the company" in html
    assert "Password Size changed" not in html
    assert "Added new@acme.example" not in html


def test_it_says_when_nothing_matches(as_user, owner, history):
    assert "No activity matches these filters." in page(as_user(owner), until="2024-11-30")


def test_it_explains_a_date_it_cannot_read(as_user, owner, history):
    response = as_user(owner).get(ACTIVITY, {"since": "08/12/2026"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write the date as year-month-day, for example 2026-12-08." in html
    assert 'aria-invalid="true" aria-describedby="id_since-errors"' in html
    assert '<a href="#id_since">From: Write the date' in html
    assert "Fix the filters above to see events." in html
    assert "export.csv" not in html


def test_it_refuses_a_day_that_does_not_exist(as_user, owner):
    response = as_user(owner).get(ACTIVITY, {"until": "2026-02-30"})
    assert response.status_code == 400
    assert "year-month-day" in response.content.decode()


def test_it_explains_a_range_that_ends_before_it_starts(as_user, owner):
    html = page(as_user(owner), since="2026-12-08", until="2026-12-01")
    assert "This day is before the From day; swap them or change one." in html


def test_it_refuses_to_filter_by_another_companys_user(as_user, owner, outsider):
    response = as_user(owner).get(ACTIVITY, {"person": outsider.id})
    assert response.status_code == 400
    assert "owner@globex.example" not in response.content.decode()


def test_it_keeps_the_filters_in_the_page_and_export_links(as_user, owner, acme):
    for _ in range(60):
        add_event(acme, "sudo.confirmed", user=owner)
    html = page(as_user(owner), group="sign_in", person=owner.id)
    assert "Page 1 of 2" in html
    query = f"person={owner.id}&amp;group=sign_in"
    assert f'href="?{query}&amp;page=2"' in html
    assert f'href="/settings/my-company/activity/export.csv?{query}"' in html
    assert f'href="/settings/my-company/activity/export.jsonl?{query}"' in html


def test_it_paginates(as_user, owner, acme):
    AuditEvent.objects.bulk_create(
        AuditEvent(company=acme, actor_type="operator", action="company.renamed", details={"n": n})
        for n in range(120)
    )
    client = as_user(owner)
    assert "Page 1 of 3" in page(client)
    assert "Page 3 of 3" in page(client, page=3)


def test_it_shows_the_page_in_spanish(as_user, owner, history):
    html = as_user(owner).get(ACTIVITY, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Longitud mínima de la contraseña cambiada de 15 a 12" in html
    assert "Agregó a new@acme.example como Agente" in html
    assert "5 dic 2024, 12:00 UTC" in html
    assert "Inicio de sesión y contraseñas" in html
    assert "Descargar CSV" in html


def test_it_refuses_the_activity_page_to_an_agent(as_user, agent):
    assert as_user(agent).get(ACTIVITY).status_code == 403


def test_it_never_stores_a_secret_key_in_details(acme):
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


def test_it_is_never_cached(as_user, owner):
    response = as_user(owner).get("/settings/my-company/activity/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
