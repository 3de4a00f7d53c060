"""Direct operations skip URL resolution and ninja: ping, company, the webhook, template sends.

atom.api.direct declares them once, on their ninja router (OpenAPI, docs,
other methods) and in the short path's table. These tests check that a
direct answer is what ninja would have sent, that it still passes the
gate and the operation's scope, and that errors get the API's own shape.
"""

from __future__ import annotations

import json
from ipaddress import ip_address

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import resolve

from atom.api.api import api
from atom.api.auth import admit
from atom.api.company import CompanyInfo
from atom.api.direct import DIRECT, DIRECT_BY_ID, find
from atom.audit.actors import Actor
from atom.companies.models import Company
from atom.flows.models import Flow, FlowRun
from atom.outbox.models import Message, MessageTemplate
from atom.security import api_tokens, services
from tests.helpers import assert_refused, bearer
from tests.security.integration_token_helpers import issue

DIRECT_PATHS = ["/api/v1/ping", "/api/v1/company"]


def test_it_answers_ping_and_company_directly(client, acme, acme_token):
    assert sorted(path for method, path in DIRECT if method == "GET") == sorted(DIRECT_PATHS)
    for path in DIRECT_PATHS:
        response = client.get(path, **bearer(acme_token))
        assert response.status_code == 200
        # Django's URL resolution sets resolver_match; a direct answer never resolves.
        assert response.wsgi_request.resolver_match is None
    # Any other API call still goes through URL resolution and ninja.
    flows = client.get("/api/v1/flows", **bearer(acme_token))
    assert flows.status_code == 200
    assert flows.wsgi_request.resolver_match.namespace == "atom-api"


@pytest.mark.parametrize("path", DIRECT_PATHS)
def test_it_sends_the_bytes_ninja_sends_for_the_same_request(acme, acme_token, path):
    def request():
        made = RequestFactory().get(path, **bearer(acme_token))
        made.client_ip = ip_address("127.0.0.1")
        if path != "/api/v1/ping":
            admit(made)
        return made

    through_ninja = resolve(path).func(request())
    direct = DIRECT["GET", path](request())
    assert direct.status_code == through_ninja.status_code == 200
    assert direct["Content-Type"] == through_ninja["Content-Type"]
    assert direct.content == through_ninja.content


def test_it_answers_company_as_its_openapi_schema_says(client, acme, acme_token):
    body = client.get("/api/v1/company", **bearer(acme_token)).json()
    CompanyInfo.model_validate(body)
    schema = api.get_openapi_schema()["components"]["schemas"]
    assert list(body) == list(schema["CompanyInfo"]["properties"])
    assert list(body["token"]) == list(schema["TokenInfo"]["properties"])
    assert body["id"] == acme.id and body["slug"] == acme.slug
    assert body["token"]["masked"].endswith(acme_token[-4:])
    assert acme_token not in str(body)


def test_it_answers_what_the_company_and_its_token_are_now(client, acme, acme_token):
    first = client.get("/api/v1/company", **bearer(acme_token)).json()
    assert first["token"]["graceEndsAt"] is None
    _row, new_token = api_tokens.rotate(acme, api_tokens.GRACE_CHOICES["1h"], Actor.operator())
    Company.objects.filter(id=acme.id).update(name="Acme Renamed")
    services.set_rate_limit(acme, 500, Actor.operator())  # a saved change: every process reloads
    old = client.get("/api/v1/company", **bearer(acme_token)).json()
    new = client.get("/api/v1/company", **bearer(new_token)).json()
    assert old["name"] == new["name"] == "Acme Renamed"
    assert old["token"]["graceEndsAt"] is not None
    assert (old["token"]["last4"], new["token"]["last4"]) == (acme_token[-4:], new_token[-4:])
    assert new["token"]["graceEndsAt"] is None


def test_it_documents_direct_operations_in_the_openapi(db):
    paths = api.get_openapi_schema()["paths"]
    assert paths["/api/v1/company"]["get"]["x-atom-scope"] == "company:read"
    assert paths["/api/v1/company"]["get"]["security"] == [{"CompanyToken": []}]
    assert "security" not in paths["/api/v1/ping"]["get"]


def test_it_still_checks_the_token_and_the_scope(client, acme):
    assert_refused(client.get("/api/v1/company"), 401, "token_missing")
    _row, token = issue(acme, scopes=["flows:read"])
    response = client.get("/api/v1/company", **bearer(token))
    assert_refused(response, 403, "insufficient_scope")
    assert 'scope="company:read"' in response["WWW-Authenticate"]


@pytest.mark.parametrize("method", ["post", "put", "delete", "head"])
def test_it_leaves_other_methods_to_ninja(client, acme, acme_token, method):
    response = getattr(client, method)("/api/v1/company", **bearer(acme_token))
    assert response.status_code == 405
    assert response.wsgi_request.resolver_match is not None


def test_it_answers_a_direct_operations_errors_with_the_api_handlers(
    client, acme, acme_token, monkeypatch
):
    def unreachable(request):
        raise OperationalError("connection refused")

    def broken(request):
        raise RuntimeError("a bug")

    # Two operations of this test's own in the short path's table.
    monkeypatch.setitem(DIRECT, ("GET", "/api/v1/unreachable"), unreachable)
    monkeypatch.setitem(DIRECT, ("GET", "/api/v1/broken"), broken)
    response = client.get("/api/v1/unreachable", **bearer(acme_token))
    assert_refused(response, 503, "unavailable")
    assert response["Retry-After"] == "5"
    response = client.get("/api/v1/broken", **bearer(acme_token))
    assert_refused(response, 500, "server_error")
    assert "a bug" not in response.content.decode()
    # The short path's headers are still on them.
    assert response["Content-Disposition"] == 'attachment; filename="api.json"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_finds_an_operation_by_its_trailing_id_and_nothing_else(db):
    assert ("POST", "/webhooks/flows/") in DIRECT_BY_ID
    assert find("POST", "/webhooks/flows/12") is not None
    assert find("POST", "/api/v1/templates/send") is not None
    # Not an id as atom.ids reads it, another method, another path: ninja's.
    for method, path in [
        ("POST", "/webhooks/flows/²"),
        ("POST", "/webhooks/flows/0"),
        ("POST", "/webhooks/flows/12/"),
        ("POST", "/webhooks/flows/"),
        ("GET", "/webhooks/flows/12"),
        ("POST", "/webhooks/flow/12"),
        ("GET", "/api/v1/templates/send"),
    ]:
        assert find(method, path) is None, (method, path)


@pytest.fixture
def order_flow(acme):
    return Flow.objects.create(company=acme, name="Orders", variables=["orderId"])


@pytest.fixture
def welcome(acme):
    return MessageTemplate.objects.create(
        company=acme, name="welcome", language="en", body="Hello {{1}}"
    )


def writes(flow_id: int, template_id: int) -> list[tuple[str, dict]]:
    return [
        (f"/webhooks/flows/{flow_id}", {"phoneNumber": "50755667788", "variables": {"orderId": 7}}),
        (
            "/api/v1/templates/send",
            {
                "templateId": template_id,
                "phoneNumber": "50755667788",
                "firstName": "Ana",
                "lastName": "Ruiz",
                "params": {"1": "Ana"},
            },
        ),
    ]


def test_it_answers_the_webhook_and_template_sends_directly_as_ninja_would(
    client, acme, acme_token, order_flow, welcome
):
    for path, body in writes(order_flow.id, welcome.id):

        def post(key: str, path: str = path, body: dict = body):
            made = RequestFactory().post(
                path,
                data=json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key,
                **bearer(acme_token),
            )
            made.client_ip = ip_address("127.0.0.1")
            admit(made)
            return made

        answer = client.post(
            path,
            data=json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=path,
            **bearer(acme_token),
        )
        assert answer.status_code == 202
        assert answer.wsgi_request.resolver_match is None  # answered directly
        # A replay both ways: the same status, headers and bytes.
        match = resolve(path)
        through_ninja = match.func(post(path), **match.kwargs)
        direct = find("POST", path)(post(path))
        assert direct.status_code == through_ninja.status_code == 200
        assert direct["Content-Type"] == through_ninja["Content-Type"] == answer["Content-Type"]
        assert direct["Location"] == through_ninja["Location"] == answer["Location"]
        assert direct.content == through_ninja.content == answer.content
    assert FlowRun.objects.count() == Message.objects.count() == 1


def test_it_answers_the_writes_as_their_openapi_schemas_say(
    client, acme, acme_token, order_flow, welcome
):
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for (path, body), (name, location) in zip(
        writes(order_flow.id, welcome.id),
        [("RunAccepted", "/api/v1/flow-runs/"), ("MessageAccepted", "/api/v1/messages/")],
        strict=True,
    ):
        answer = client.post(
            path, data=json.dumps(body), content_type="application/json", **bearer(acme_token)
        )
        assert answer.status_code == 202, answer.content
        assert list(answer.json()) == list(components[name]["properties"])
        assert answer["Location"] == location + str(next(iter(answer.json().values())))
        documented = path.replace(f"/flows/{order_flow.id}", "/flows/{flow_id}")
        operation = schema["paths"][documented]["post"]
        assert "requestBody" in operation and "x-atom-scope" in operation
        assert {p["name"] for p in operation["parameters"]} >= {"Idempotency-Key"}
