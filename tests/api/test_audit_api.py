"""GET /api/v1/audit-events: the audit log for a SIEM, with an audit:read token."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.audit.models import AuditEvent
from atom.audit.sentences import describe
from tests.helpers import bearer
from tests.security.integration_token_helpers import issue

URL = "/api/v1/audit-events"


@pytest.fixture
def siem(acme):
    _row, token = issue(acme, name="SIEM", scopes=["audit:read"])
    return token


def pull(client, token, **params):
    response = client.get(URL, params, **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()


def test_it_returns_the_activity_pages_sentences_and_the_raw_fields(client, acme, siem):
    event = record(
        "security.password_size_changed",
        company=acme,
        actor=Actor.operator(),
        details={"from": 15, "to": 12},
    )
    body = pull(client, siem, action="security.password_size_changed")
    assert len(body["events"]) == 1
    got = body["events"][0]
    assert got["id"] == event.id
    assert got["sentence"] == describe(event)
    assert got["action"] == "security.password_size_changed"
    assert got["details"] == {"from": 15, "to": 12}
    assert got["actorType"] == "operator"
    assert set(got) >= {"createdAt", "label", "actor", "ip", "userAgent"}


def test_it_pages_oldest_first_with_an_opaque_cursor_and_sees_each_event_once(client, acme, siem):
    for size in range(8, 13):
        record(
            "security.password_size_changed",
            company=acme,
            actor=Actor.operator(),
            details={"from": 15, "to": size},
        )
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "action": "security.password_size_changed"}
        if cursor:
            params["cursor"] = cursor
        body = pull(client, siem, **params)
        seen += [event["id"] for event in body["events"]]
        cursor = body["nextCursor"]
        assert cursor is None or not cursor.isdigit()
        if not body["hasMore"]:
            break
    assert len(seen) == 5
    assert seen == sorted(seen)
    # Kept for later: a new event appears after it, and nothing before it again.
    late = record(
        "security.password_size_changed",
        company=acme,
        actor=Actor.operator(),
        details={"from": 12, "to": 14},
    )
    body = pull(client, siem, cursor=cursor, action="security.password_size_changed")
    assert [event["id"] for event in body["events"]] == [late.id]


def test_it_keeps_the_cursor_when_a_page_is_empty(client, acme, siem):
    body = pull(client, siem)
    cursor = body["nextCursor"]
    again = pull(client, siem, cursor=cursor)
    assert again["events"] == [] and again["nextCursor"] == cursor and not again["hasMore"]


def test_it_filters_by_time(client, acme, siem):
    old = record(
        "company.renamed", company=acme, actor=Actor.operator(), details={"from": "A", "to": "B"}
    )
    AuditEvent.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=3))
    new = record(
        "company.renamed", company=acme, actor=Actor.operator(), details={"from": "B", "to": "C"}
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    ids = [e["id"] for e in pull(client, siem, since=since, action="company.renamed")["events"]]
    assert ids == [new.id]
    until = (timezone.now() - timedelta(days=1)).isoformat()
    ids = [e["id"] for e in pull(client, siem, until=until, action="company.renamed")["events"]]
    assert ids == [old.id]


def test_it_never_shows_another_companys_events(client, acme, globex, siem):
    record(
        "company.renamed", company=globex, actor=Actor.operator(), details={"from": "G", "to": "H"}
    )
    body = pull(client, siem, action="company.renamed", limit=500)
    assert body["events"] == []


@pytest.mark.parametrize("cursor", ["123", "not-a-cursor", "YWUxOmFiYw", "%%%"])
def test_it_refuses_a_cursor_it_did_not_give(client, siem, cursor):
    response = client.get(URL, {"cursor": cursor}, **bearer(siem))
    assert response.status_code == 400
    assert response.json()["message"].startswith("cursor:")


def test_it_refuses_an_unknown_action_naming_it(client, siem):
    response = client.get(URL, {"action": "token.stolen"}, **bearer(siem))
    assert response.status_code == 400
    assert "token.stolen" in response.json()["message"]


@pytest.mark.parametrize("limit", ["0", "501", "x"])
def test_it_refuses_a_limit_out_of_range(client, siem, limit):
    assert client.get(URL, {"limit": limit}, **bearer(siem)).status_code == 400


def test_it_needs_audit_read(client, acme):
    _row, token = issue(acme, name="Shop", scopes=["company:read"])
    response = client.get(URL, **bearer(token))
    assert response.status_code == 403
    assert response["WWW-Authenticate"].endswith('scope="audit:read"')


def test_it_shows_the_tokens_own_creation_without_its_secret(client, acme, siem):
    body = pull(client, siem, action="integration.created")
    assert [event["details"]["name"] for event in body["events"]] == ["SIEM"]
    assert siem not in str(body)


def test_it_words_sentences_in_the_sites_language_whatever_the_thread_served_before(
    client, acme, siem
):
    from django.utils import translation

    event = record(
        "company.renamed", company=acme, actor=Actor.operator(), details={"from": "A", "to": "B"}
    )
    with translation.override("en"):
        english = describe(event)
    with translation.override("es"):
        assert describe(event) != english
        body = pull(client, siem, action="company.renamed")
    assert body["events"][0]["sentence"] == english
