"""API and webhook calls take the API's short path, with every header they had.

atom.api.short_path sends requests under /api/v1/ and /webhooks/ past the
console's middleware. These tests compare its answers with those of the
console's whole stack (the gate where it stood before), header by header,
and check what HTTPS changes: HSTS on API answers, and a call over plain
HTTP refused with ``https_required`` (never redirected) while the console
keeps its redirect; X-Forwarded-Proto is believed only from a trusted proxy.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from atom.flows.models import Flow, FlowRun
from atom.security.core.client_ip import TrustedProxies
from atom.security.models import AllowedAddress
from tests.helpers import bearer

# The console's stack with the gate where it stood before the short path.
FULL_STACK = [
    "django.middleware.security.SecurityMiddleware",
    "atom.security.runtime.middleware.client_address",
    "atom.api.auth.gate_middleware",
    *[
        name
        for name in settings.MIDDLEWARE
        if name
        not in (
            "django.middleware.security.SecurityMiddleware",
            "atom.security.runtime.middleware.client_address",
            "atom.api.short_path.api_short_path",
        )
    ],
]
# Added by the console's locale and session middleware, which an API answer
# (English only, no session) has no use for.
CONSOLE_ONLY = {"Content-Language", "Vary"}
HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}
JSON = {"content_type": "application/json"}


def answers(client: Client, flow: Flow, token: str) -> dict:
    return {
        "ping": client.get("/api/v1/ping"),
        "company": client.get("/api/v1/company", **bearer(token)),
        "no token": client.get("/api/v1/company"),
        "unknown path": client.get("/api/v1/nothing", **bearer(token)),
        "disallowed": client.get("/api/v1/company", REMOTE_ADDR="8.8.4.4", **bearer(token)),
        "webhook": client.post(
            f"/webhooks/flows/{flow.pk}",
            {"phoneNumber": "50755667788", "variables": {}},
            **JSON,
            **bearer(token),
        ),
        "invalid body": client.post(
            f"/webhooks/flows/{flow.pk}", {"phoneNumber": "+1"}, **JSON, **bearer(token)
        ),
    }


def test_it_gives_api_answers_every_header_the_console_stack_gave(acme, acme_token):
    AllowedAddress.objects.create(company=acme, network="127.0.0.1", position=0)
    flow = Flow.objects.create(company=acme, name="Orders", variables=[])
    short = answers(Client(), flow, acme_token)
    with override_settings(MIDDLEWARE=FULL_STACK):
        # Another flow: the first webhook call must not be a replay.
        full = answers(
            Client(), Flow.objects.create(company=acme, name="B", variables=[]), acme_token
        )
    for name, before in full.items():
        after = short[name]
        assert after.status_code == before.status_code, name
        assert after.json().keys() == before.json().keys(), name
        expected = {k: v for k, v in before.headers.items() if k not in CONSOLE_ONLY}
        expected.pop("Location", None)
        got = dict(after.headers.items())
        missing = {k: v for k, v in expected.items() if got.get(k) != v}
        assert missing == {}, name
        # And what only the short path gives: the CSP and framing rule on
        # refusals too, which the gate answered before they were added.
        assert after["Content-Security-Policy"] and after["X-Frame-Options"] == "DENY", name
        assert after["Content-Disposition"] == 'attachment; filename="api.json"', name


def test_it_skips_the_console_middleware_for_api_calls(acme, acme_token, owner, client):
    client.force_login(owner)
    api = client.get("/api/v1/company", **bearer(acme_token))
    assert api.status_code == 200
    # No session or locale middleware ran: no language chosen, no session
    # touched, nothing varies by cookie.
    assert "Content-Language" not in api and "Vary" not in api
    page = client.get("/login/")
    assert "Content-Language" in page


def test_it_still_checks_the_host_of_api_calls(acme, acme_token):
    response = Client().get("/api/v1/company", HTTP_HOST="evil.example", **bearer(acme_token))
    assert response.status_code == 400


@override_settings(**HTTPS)
def test_it_refuses_api_and_webhook_calls_over_plain_http_without_a_redirect(acme, acme_token):
    flow = Flow.objects.create(company=acme, name="Orders", variables=[])
    client = Client()
    for response in (
        client.get("/api/v1/company", **bearer(acme_token)),
        client.get("/api/v1/ping"),
        client.post(f"/webhooks/flows/{flow.pk}", {"phoneNumber": "50755667788"}, **JSON),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == "https_required"
        assert "Location" not in response
        assert response["Content-Disposition"] == 'attachment; filename="api.json"'
    assert FlowRun.objects.filter(flow=flow).count() == 0
    # The console keeps its redirect.
    console = client.get("/login/")
    assert console.status_code == 301 and console["Location"].startswith("https://")


@override_settings(**HTTPS)
def test_it_sends_hsts_on_api_answers_over_https(acme, acme_token):
    response = Client().get("/api/v1/company", secure=True, **bearer(acme_token))
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("path", ["/login/", "/api/v1/ping"])
@override_settings(**HTTPS)
def test_it_believes_x_forwarded_proto_only_from_a_trusted_proxy(db, path):
    client = Client()
    spoofed = client.get(path, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code in (301, 403), "a client claimed HTTPS over plain HTTP"
    with override_settings(ATOM_TRUSTED_PROXIES=TrustedProxies.parse("10.0.0.0/8")):
        proxied = client.get(
            path,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            HTTP_X_FORWARDED_PROTO="https",
        )
    assert proxied.status_code == 200
