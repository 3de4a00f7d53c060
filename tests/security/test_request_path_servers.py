"""The request path of a real `atom serve`: what its output holds, and HTTPS.

- No password-reset token, API token or session id reaches the server's
  output (its access log, written by atom.security.runtime.access_log).
- Under ATOM_HTTPS=1, an API or webhook call over plain HTTP is refused with
  403 ``https_required`` and never redirected, the console still redirects,
  and X-Forwarded-Proto is believed only from ATOM_TRUSTED_PROXIES.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from atom.flows.models import Flow
from tests.console import Console

pytestmark = pytest.mark.servers


def test_it_keeps_reset_tokens_api_tokens_and_session_ids_out_of_the_server_output(
    atom_servers, owner, acme, acme_token
):
    server = atom_servers(workers=1, ATOM_LOG_LEVEL="DEBUG")
    console = Console(server)
    assert console.log_in(owner.email).status_code == 302
    session_id = console.session.cookies["sessionid"]
    auth = {"Authorization": f"Bearer {acme_token}"}
    assert server.get("/api/v1/company", headers=auth).status == 200

    owner.refresh_from_db()  # the log-in changed last_login, which the token covers
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    reset_token = default_token_generator.make_token(owner)
    link = f"/password-reset/{uid}/{reset_token}/"
    opened = Console(server).get(link, headers={"User-Agent": 'quote " and \\ back'})
    # Django moves the token into the session and sends the browser on.
    assert opened.status_code == 302 and reset_token not in opened.headers["Location"]
    # A token-shaped path that is not a valid link is not logged either.
    server.get(f"/password-reset/{uid}/{reset_token[::-1]}/")

    output = server.log()
    assert "GET /api/v1/company" in output  # the access log was written
    assert f"GET /password-reset/{uid}/[redacted]/" in output
    leaked = [
        secret
        for secret in (reset_token, reset_token[::-1], acme_token, acme_token[5:45], session_id)
        if secret in output
    ]
    assert leaked == []
    # One line per request, the client's quote escaped inside its field.
    assert re.search(r'"quote \\" and \\\\ back"\n', output)


def test_it_refuses_api_calls_over_plain_http_under_https_and_believes_only_trusted_proxies(
    atom_servers, acme, acme_token
):
    server = atom_servers(workers=1, ATOM_HTTPS="1", ATOM_TRUSTED_PROXIES="127.0.0.2")
    flow = Flow.objects.create(company=acme, name="Welcome", variables=[])
    auth = {"Authorization": f"Bearer {acme_token}"}
    spoofed = {"X-Forwarded-Proto": "https"}

    for response in (
        server.get("/api/v1/company", headers=auth),
        server.post(
            f"/webhooks/flows/{flow.id}",
            headers={**auth, "Content-Type": "application/json"},
            body='{"phoneNumber": "50755667788", "variables": {}}',
        ),
        # A client that claims HTTPS itself is not believed.
        server.get("/api/v1/company", headers={**auth, **spoofed}),
    ):
        assert response.status == 403, response.body
        assert response.json()["error"] == "https_required"
        assert "Location" not in response.headers

    # The console keeps its redirect, whatever the client claims.
    assert server.get("/login/").status == 301
    assert server.get("/login/", headers=spoofed).status == 301
    # The trusted proxy's word is taken.
    proxied = server.get("/api/v1/company", headers={**auth, **spoofed}, source="127.0.0.2")
    assert proxied.status == 200, proxied.body
    assert "max-age=" in proxied.headers["Strict-Transport-Security"]
    assert server.get("/login/", headers=spoofed, source="127.0.0.2").status == 200
