"""Direct operations: GET /api/v1/ping and /api/v1/company skip URL resolution and ninja.

atom.api.direct declares them once, on their ninja router (OpenAPI, docs,
other methods) and in the short path's table. These tests check that a
direct answer is what ninja would have sent, that it still passes the
gate and the operation's scope, and that errors get the API's own shape.
"""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import resolve

from atom.api.api import api
from atom.api.auth import admit
from atom.api.company import CompanyInfo
from atom.api.direct import DIRECT
from atom.audit.actors import Actor
from atom.companies.models import Company
from atom.security import api_tokens, services
from tests.helpers import assert_refused, bearer
from tests.security.integration_token_helpers import issue

DIRECT_PATHS = ["/api/v1/ping", "/api/v1/company"]


def test_it_answers_ping_and_company_directly(client, acme, acme_token):
    assert sorted(DIRECT) == sorted(DIRECT_PATHS)
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
    direct = DIRECT[path](request())
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
    monkeypatch.setitem(DIRECT, "/api/v1/unreachable", unreachable)
    monkeypatch.setitem(DIRECT, "/api/v1/broken", broken)
    response = client.get("/api/v1/unreachable", **bearer(acme_token))
    assert_refused(response, 503, "unavailable")
    assert response["Retry-After"] == "5"
    response = client.get("/api/v1/broken", **bearer(acme_token))
    assert_refused(response, 500, "server_error")
    assert "a bug" not in response.content.decode()
    # The short path's headers are still on them.
    assert response["Content-Disposition"] == 'attachment; filename="api.json"'
    assert response["X-Content-Type-Options"] == "nosniff"
