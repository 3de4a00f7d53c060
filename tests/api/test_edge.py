"""Refusals answered at the edge: ``atom serve``'s WSGI application (atom.api.edge).

The edge answers a refused API call before Django's handling starts, so a
refusal costs less than the public ping. These tests call the application
the server runs, ``AtomHandler``, side by side with Django's own handler
(which still checks everything, from the middleware): the same answers,
header by header, and the same rules for what the edge leaves to Django.
"""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory, override_settings

from atom.api.edge import AtomHandler
from atom.audit.models import AuditEvent
from atom.security.core import tokens
from atom.security.core.client_ip import TrustedProxies
from atom.security.models import AllowedAddress
from tests.api.test_short_path import HTTPS
from tests.helpers import bearer

# Django's handler runs the request_started and request_finished hygiene,
# which closes the connection a test's own transaction holds: real commits.
pytestmark = pytest.mark.django_db(transaction=True)


class Answer:
    def __init__(self, handler: WSGIHandler, **request) -> None:
        environ = RequestFactory().generic(
            request.pop("method", "GET"), request.pop("path", "/api/v1/company"), **request
        ).environ
        started: list[bool] = []

        def note(**_kwargs) -> None:
            started.append(True)

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
            self.status = int(status.split()[0])
            self.headers = dict(headers)

        signals.request_started.connect(note)
        try:
            body = handler(environ, start_response)
            self.body = b"".join(body)
            close = getattr(body, "close", None)
            if close is not None:
                close()
        finally:
            signals.request_started.disconnect(note)
        # Whether Django's handling ran at all.
        self.through_django = bool(started)


@pytest.fixture
def listed(acme):
    """Acme allows only 127.0.0.1 and 203.0.113.9."""
    for position, network in enumerate(("127.0.0.1", "203.0.113.9")):
        AllowedAddress.objects.create(company=acme, network=network, position=position)
    return acme


REFUSALS = {
    "no token": {},
    "unknown token": bearer(tokens.generate()),
    "malformed token": bearer("atom_not-a-token"),
    "disallowed address": {"REMOTE_ADDR": "8.8.4.4"},
    "webhook, no token": {"method": "POST", "path": "/webhooks/flows/1"},
}


@pytest.mark.parametrize("case", REFUSALS)
def test_it_answers_a_refusal_as_djangos_handler_does_before_django_starts(
    listed, acme_token, case
):
    request = dict(REFUSALS[case])
    if case == "disallowed address":
        request.update(bearer(acme_token))
    edge = Answer(AtomHandler(), **request)
    django = Answer(WSGIHandler(), **request)
    assert edge.status == django.status and edge.status in (401, 403)
    assert edge.headers == django.headers
    assert edge.body == django.body
    assert edge.headers["Content-Security-Policy"]
    assert edge.headers["Content-Disposition"] == 'attachment; filename="api.json"'
    assert edge.headers["Content-Length"] == str(len(edge.body))
    assert not edge.through_django and django.through_django


def test_it_lets_admitted_and_public_calls_through_django(listed, acme_token):
    company = Answer(AtomHandler(), **bearer(acme_token))
    assert company.status == 200 and company.through_django
    ping = Answer(AtomHandler(), path="/api/v1/ping")
    assert ping.status == 200 and ping.through_django
    assert company.headers["Content-Disposition"] == ping.headers["Content-Disposition"]


def test_it_checks_an_admitted_call_once(listed, acme_token):
    # Counted at the edge and again in the middleware, the second call of
    # two a second would already be refused.
    listed.api_rate_limit = 2
    listed.save(update_fields=["api_rate_limit"])
    handler = AtomHandler()
    answers = [Answer(handler, **bearer(acme_token)) for _ in range(3)]
    assert [answer.status for answer in answers[:2]] == [200, 200]
    assert answers[2].status == 429 and not answers[2].through_django
    assert answers[2].headers["Retry-After"]


def test_it_audits_a_refused_address_at_the_edge(listed, acme_token):
    refused = Answer(AtomHandler(), REMOTE_ADDR="8.8.4.4", **bearer(acme_token))
    assert refused.status == 403 and b"8.8.4.4" in refused.body
    event = AuditEvent.objects.get(company=listed, action="security.address_refused")
    assert event.details == {"via": "api", "address": "8.8.4.4"}
    assert acme_token not in str(event.details)


def test_it_believes_a_forwarded_address_only_from_a_trusted_proxy(listed, acme_token):
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    untrusted = Answer(AtomHandler(), **forwarded, **bearer(acme_token))
    assert untrusted.status == 403 and b"10.0.0.2" in untrusted.body
    with override_settings(ATOM_TRUSTED_PROXIES=TrustedProxies.parse("10.0.0.0/8")):
        assert Answer(AtomHandler(), **forwarded, **bearer(acme_token)).status == 200


def test_it_leaves_an_unknown_host_to_django(listed, acme_token):
    answer = Answer(AtomHandler(), HTTP_HOST="evil.example", **bearer(acme_token))
    assert answer.status == 400 and answer.through_django


@override_settings(**HTTPS)
def test_it_leaves_plain_http_under_https_to_the_short_path(listed, acme_token):
    # A client's own X-Forwarded-Proto, from a peer no one trusts, changes nothing.
    for request in ({}, {"HTTP_X_FORWARDED_PROTO": "https"}):
        answer = Answer(AtomHandler(), **request, **bearer(acme_token))
        assert answer.status == 403 and answer.through_django
        assert b"https_required" in answer.body and "Location" not in answer.headers
    # Over HTTPS a refusal is the edge's again, with HSTS.
    refused = Answer(AtomHandler(), secure=True, REMOTE_ADDR="8.8.4.4", **bearer(acme_token))
    assert refused.status == 403 and not refused.through_django
    assert refused.headers["Strict-Transport-Security"].startswith("max-age=31536000")
