"""Failed tokens from one address never lock out a good token from it.

The failure throttle counts per address and credential (the same bad token
again and again is refused alone) and per address for each *different*
failing credential (guessing is refused before any parsing); a token this
process has verified passes whatever else its address sent.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import Client

from atom.audit.actors import Actor
from atom.security import api_tokens
from atom.security.core import tokens
from tests.helpers import bearer

NAT = "203.0.113.7"


def call(token: str, address: str = NAT):
    return Client().get("/api/v1/company", REMOTE_ADDR=address, **bearer(token))


def test_it_serves_a_companys_new_token_while_its_stale_integration_fails(acme, acme_token):
    """The finding: a stale integration still sending the revoked token got
    every new token of the company from that address refused with 429."""
    api_tokens.rotate(acme, timedelta(0), Actor.operator())
    new_token = api_tokens.reveal(api_tokens.active_token(acme))
    answers = [call(acme_token).status_code for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT + 5)]
    assert answers[0] == 401 and answers[-1] == 429
    assert call(new_token).status_code == 200


def test_it_serves_one_customer_behind_a_nat_while_another_sends_a_bad_token(
    acme, acme_token, globex
):
    unknown = tokens.generate()
    for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT + 5):
        call(unknown)
    assert call(unknown).status_code == 429
    assert call(acme_token).status_code == 200


def test_it_refuses_guessing_before_parsing_but_lets_a_verified_token_through(acme, acme_token):
    assert call(acme_token).status_code == 200  # verified by this process
    answers = [
        call(tokens.generate()).status_code for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT)
    ]
    assert set(answers) == {401}
    # Over the limit of different credentials: refused before the header is
    # read, so even a malformed one gets 429, not 401 token_invalid.
    refused = call("not-a-token")
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    assert call(tokens.generate()).status_code == 429
    assert call(acme_token).status_code == 200
    # Another address is not concerned.
    assert call(tokens.generate(), "198.51.100.9").status_code == 401


def test_it_counts_a_repeated_bad_token_once_toward_its_address(acme):
    unknown = tokens.generate()
    for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT * 2):
        call(unknown)
    # Thirty more different tokens would be needed to refuse the address.
    assert call(tokens.generate()).status_code == 401
    assert call("").status_code == 401
