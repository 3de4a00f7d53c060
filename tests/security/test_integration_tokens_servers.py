"""Integration tokens on real server processes: scopes, expiry, rotation and revocation, everywhere within a second.

Two `atom serve` processes share the test database, as two hosts share one
PostgreSQL. The second is warmed with the token first, so it has it cached;
the change is made through the first one's console, and the second must
follow within the propagation bound.
"""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from atom.security.models import IntegrationToken
from tests.console import Console
from tests.security.integration_token_helpers import issue
from tests.servers import call_api, wait_until, warm

pytestmark = pytest.mark.servers

PAGE = "/settings/my-company/settings/integration-tokens/"


def shown_token(page: str) -> str:
    match = re.search(r'<textarea id="new-token"[^>]*>(atomi_[0-9A-Za-z]{46})</textarea>', page)
    assert match, "the new token is shown once on the page"
    return html.unescape(match.group(1))


def test_it_enforces_scopes_and_the_rfc_6750_challenge_on_a_real_server(atom_servers, acme):
    server = atom_servers()
    _row, token = issue(acme, scopes=["company:read"])
    assert call_api(server, token).status == 200
    refused = server.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 403
    assert refused.json()["error"] == "insufficient_scope"
    assert refused.headers["WWW-Authenticate"] == (
        'Bearer realm="atom", error="insufficient_scope", scope="templates:read"'
    )


def test_it_answers_token_expired_from_the_clock_without_any_announcement(atom_servers, acme):
    server = atom_servers()
    row, token = issue(acme, scopes=["company:read"])
    # Set before any process loads it, so the cached expiry is this one.
    IntegrationToken.objects.filter(id=row.id).update(
        expires_at=timezone.now() + timedelta(seconds=2)
    )
    warm(server, token)
    time.sleep(2.1)
    response = call_api(server, token)
    assert response.status == 401
    assert response.json()["error"] == "token_expired"


def test_it_enforces_a_revocation_on_another_process_within_a_second(
    atom_servers, owner, acme, acme_token
):
    first, second = atom_servers(), atom_servers()
    row, token = issue(acme, scopes=["company:read"])
    warm(second, token)
    console = Console(first)
    assert console.log_in(owner.email).status_code == 302
    done = console.post(f"{PAGE}{row.id}/revoke/", {"confirmed": "1"})
    assert done.status_code == 302
    elapsed = wait_until(
        lambda: all(call_api(second, token).status == 401 for _ in range(4)), timeout=1.0
    )
    assert elapsed < 1.0
    assert call_api(second, acme_token).status == 200  # the company token is untouched


def test_it_enforces_a_rotation_now_on_another_process_within_a_second(atom_servers, owner, acme):
    first, second = atom_servers(), atom_servers()
    row, old = issue(acme, scopes=["company:read"])
    _other, other = issue(acme, name="CRM", scopes=["company:read"])
    warm(second, old)
    warm(second, other)
    console = Console(first)
    console.log_in(owner.email)
    page = console.post(f"{PAGE}{row.id}/rotate/", {"grace": "0"})
    assert page.status_code == 200
    new = shown_token(page.text)
    refused_after = wait_until(
        lambda: all(call_api(second, old).status == 401 for _ in range(4)), timeout=1.0
    )
    accepted_after = wait_until(
        lambda: all(call_api(second, new).status == 200 for _ in range(4)), timeout=1.0
    )
    assert refused_after < 1.0 and accepted_after < 1.0
    assert all(call_api(second, other).status == 200 for _ in range(4))
    assert new not in console.get(PAGE).text  # shown once


def test_it_keeps_the_old_secret_through_a_grace_period_on_every_process(atom_servers, owner, acme):
    first, second = atom_servers(), atom_servers()
    row, old = issue(acme, scopes=["company:read"])
    warm(second, old)
    console = Console(first)
    console.log_in(owner.email)
    new = shown_token(console.post(f"{PAGE}{row.id}/rotate/", {"grace": "1h"}).text)
    wait_until(lambda: all(call_api(second, new).status == 200 for _ in range(4)), timeout=1.0)
    assert all(call_api(second, old).status == 200 for _ in range(4))


def test_it_applies_a_new_tokens_own_list_on_every_process(atom_servers, owner, acme):
    env = {"ATOM_ALLOW_PRIVATE_ADDRESSES": "1"}
    first, second = atom_servers(**env), atom_servers(**env)
    console = Console(first)
    console.log_in(owner.email)
    page = console.post(
        PAGE,
        {"name": "Shop", "scopes": ["company:read"], "expiry": "30", "addresses": "127.0.0.2"},
    )
    assert page.status_code == 200, page.text[-2000:]
    token = shown_token(page.text)
    assert call_api(second, token, source="127.0.0.2").status == 200
    refused = call_api(second, token, source="127.0.0.1")
    assert refused.status == 403
    assert refused.json()["error"] == "ip_not_allowed"
