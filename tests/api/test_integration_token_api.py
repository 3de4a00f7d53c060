"""Integration tokens at the API: scopes, expiry, own addresses, other companies' objects."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from atom.flows.models import Flow
from atom.outbox.models import MessageTemplate
from atom.security.models import AllowedAddress, IntegrationToken
from tests.helpers import bearer
from tests.security.integration_token_helpers import issue

WEBHOOK = "/webhooks/flows/{}"


@pytest.fixture
def acme_flow(acme):
    return Flow.objects.create(company=acme, name="Orders", variables=["orderId"])


@pytest.fixture
def globex_flow(globex):
    return Flow.objects.create(company=globex, name="Theirs", variables=["orderId"])


def start(client, flow, token, key="k1"):
    return client.post(
        WEBHOOK.format(flow.id),
        data={"phoneNumber": "50755667788", "variables": {"orderId": "A-1"}},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **bearer(token),
    )


def test_it_lets_a_token_call_what_its_scopes_allow(client, acme, acme_flow):
    _row, token = issue(acme, scopes=["flows:start"])
    assert start(client, acme_flow, token).status_code == 202


def test_it_answers_403_insufficient_scope_with_the_rfc_6750_challenge(client, acme):
    _row, token = issue(acme, scopes=["flows:start"])
    response = client.get("/api/v1/templates", **bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert "templates:read" in response.json()["message"]
    assert response["WWW-Authenticate"] == (
        'Bearer realm="atom", error="insufficient_scope", scope="templates:read"'
    )
    assert token not in response.content.decode()


@pytest.mark.parametrize(
    ("scope", "method", "path"),
    [
        ("company:read", "get", "/api/v1/company"),
        ("flows:read", "get", "/api/v1/flows"),
        ("templates:read", "get", "/api/v1/templates"),
        ("audit:read", "get", "/api/v1/audit-events"),
    ],
)
def test_it_needs_each_operations_own_scope(client, acme, scope, method, path):
    _row, allowed = issue(acme, name="With", scopes=[scope])
    others = [
        s for s in ("company:read", "flows:read", "templates:read", "audit:read") if s != scope
    ]
    _row, refused = issue(acme, name="Without", scopes=others)
    assert getattr(client, method)(path, **bearer(allowed)).status_code == 200
    response = getattr(client, method)(path, **bearer(refused))
    assert response.status_code == 403
    assert f'scope="{scope}"' in response["WWW-Authenticate"]


def test_it_keeps_every_scope_but_audit_read_for_the_company_token(client, acme, acme_token):
    assert client.get("/api/v1/templates", **bearer(acme_token)).status_code == 200
    assert client.get("/api/v1/flows", **bearer(acme_token)).status_code == 200
    response = client.get("/api/v1/audit-events", **bearer(acme_token))
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_it_answers_401_token_expired_for_an_expired_token(client, acme):
    row, token = issue(acme, scopes=["company:read"])
    IntegrationToken.objects.filter(id=row.id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/api/v1/company", **bearer(token))
    assert response.status_code == 401
    assert response.json()["error"] == "token_expired"
    assert "invalid_token" in response["WWW-Authenticate"]


def test_it_still_accepts_a_token_one_second_before_it_expires(client, acme):
    row, token = issue(acme, scopes=["company:read"])
    IntegrationToken.objects.filter(id=row.id).update(
        expires_at=timezone.now() + timedelta(seconds=5)
    )
    assert client.get("/api/v1/company", **bearer(token)).status_code == 200


def test_it_answers_401_token_invalid_for_an_unknown_integration_token(client, acme):
    from atom.security.core import tokens

    response = client.get("/api/v1/company", **bearer(tokens.generate(tokens.INTEGRATION_PREFIX)))
    assert response.status_code == 401
    assert response.json()["error"] == "token_invalid"


def test_it_refuses_a_revoked_token(client, acme):
    from atom.audit.actors import Actor
    from atom.security import integrations

    row, token = issue(acme, scopes=["company:read"])
    assert client.get("/api/v1/company", **bearer(token)).status_code == 200
    integrations.revoke(acme, row.id, Actor.operator())
    response = client.get("/api/v1/company", **bearer(token))
    assert response.status_code == 401
    assert response.json()["error"] == "token_invalid"


@override_settings(ATOM_ALLOW_PRIVATE_ADDRESSES=True)  # documentation addresses
def test_it_needs_both_the_company_list_and_the_tokens_own(client, acme):
    AllowedAddress.objects.create(company=acme, network="203.0.113.0/24", position=1)
    _row, token = issue(acme, scopes=["company:read"], addresses="203.0.113.7")
    inside_both = client.get("/api/v1/company", REMOTE_ADDR="203.0.113.7", **bearer(token))
    assert inside_both.status_code == 200
    only_company = client.get("/api/v1/company", REMOTE_ADDR="203.0.113.8", **bearer(token))
    assert only_company.status_code == 403
    assert only_company.json()["error"] == "ip_not_allowed"
    assert "integration token" in only_company.json()["message"]


@override_settings(ATOM_ALLOW_PRIVATE_ADDRESSES=True)
def test_it_applies_the_tokens_own_list_when_the_company_has_none(client, acme):
    _row, token = issue(acme, scopes=["company:read"], addresses="10.1.0.0/16")
    assert client.get("/api/v1/company", REMOTE_ADDR="10.1.2.3", **bearer(token)).status_code == 200
    assert client.get("/api/v1/company", REMOTE_ADDR="10.2.0.1", **bearer(token)).status_code == 403


def test_it_never_opens_another_companys_objects(client, acme, globex, globex_flow):
    template = MessageTemplate.objects.create(company=globex, name="Theirs", body="Hi {{1}}")
    _row, token = issue(acme, scopes=["flows:start", "flows:read", "templates:read"])
    assert start(client, globex_flow, token).status_code == 404
    assert client.get(f"/api/v1/flows/{globex_flow.id}", **bearer(token)).status_code == 404
    assert client.get(f"/api/v1/templates/{template.id}", **bearer(token)).status_code == 404
    listed = client.get("/api/v1/flows", **bearer(token)).json()
    assert globex_flow.id not in [flow["id"] for flow in listed["items"]]


def test_it_stamps_the_last_use_and_audits_the_first_address(client, acme):
    from atom.audit.models import AuditEvent

    row, token = issue(acme, scopes=["company:read"])
    client.get(
        "/api/v1/company", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="shop/1.0", **bearer(token)
    )
    row.refresh_from_db()
    assert row.last_used_ip == "203.0.113.9"
    assert row.last_used_user_agent == "shop/1.0"
    assert row.last_used_at is not None
    seen = AuditEvent.objects.filter(company=acme, action="integration.new_address")
    assert [event.details["address"] for event in seen] == ["203.0.113.9"]
    client.get("/api/v1/company", REMOTE_ADDR="203.0.113.9", **bearer(token))
    assert seen.count() == 1


def test_it_states_each_operations_scope_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").json()
    scopes = {
        (method.upper(), path): operation.get("x-atom-scope")
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert scopes.pop(("GET", "/api/v1/ping")) is None
    assert None not in scopes.values(), scopes
    assert scopes[("POST", "/webhooks/flows/{flow_id}")] == "flows:start"
    assert scopes[("GET", "/api/v1/audit-events")] == "audit:read"
    assert scopes[("POST", "/api/v1/templates/send")] == "templates:send"


def test_it_tells_the_admins_when_a_token_comes_from_a_second_address(client, acme, owner):
    from atom.mail.models import SecurityEmail

    _row, token = issue(acme, scopes=["company:read"])
    client.get("/api/v1/company", REMOTE_ADDR="203.0.113.9", **bearer(token))
    assert not SecurityEmail.objects.filter(event="token.new_address").exists()
    client.get("/api/v1/company", REMOTE_ADDR="198.51.100.4", **bearer(token))
    emails = SecurityEmail.objects.filter(event="token.new_address")
    assert [email.to_address for email in emails] == [owner.email]
    assert "198.51.100.4" in emails[0].body
    assert token not in emails[0].body


def test_it_shows_the_calling_integration_token_masked_with_its_own_prefix(client, acme):
    _row, token = issue(acme, scopes=["company:read"])
    body = client.get("/api/v1/company", **bearer(token)).json()
    assert body["token"]["masked"] == "atomi_" + "\u2022" * 16 + token[-4:]
    assert body["token"]["last4"] == token[-4:]
