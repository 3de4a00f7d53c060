"""Each process's memory of companies and tokens is bounded, least recently used first out.

ATOM_SECURITY_CACHE_ENTRIES bounds each table of atom.security.runtime.state;
these tests set it to 2 and call with more companies than that, through the
real API and through the state's public lookups, reading ``state.stats()``.
"""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_address

import pytest
from django.test import override_settings
from django.utils import timezone

from atom.audit.actors import Actor
from atom.security import api_tokens, services
from atom.security.core import tokens
from atom.security.core.allowlist import parse_lines
from atom.security.models import AllowedAddress, SecurityPolicy
from atom.security.runtime.state import state
from tests.helpers import bearer, make_company

COMPANY = "/api/v1/company"


@pytest.fixture
def companies(db):
    """Four companies, each with its API token in clear: (company, token)."""
    made = []
    for number in range(4):
        company, _owner = make_company(f"Cache {number}", f"owner{number}@cache.example")
        made.append((company, api_tokens.reveal(api_tokens.active_token(company))))
    return made


def digest_of(token: str) -> str:
    return tokens.digest(token)


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=2)
def test_it_keeps_at_most_the_bound_however_many_companies_call(client, companies):
    for _round in range(3):
        for company, token in companies:
            answer = client.get(COMPANY, **bearer(token))
            assert answer.status_code == 200
            assert answer.json()["slug"] == company.slug
            stats = state.stats()
            assert stats["companies"] <= 2
            assert stats["tokens"] <= 2
            assert stats["headers"] <= 2
    stats = state.stats()
    assert stats["limit"] == 2
    assert stats["companies"] == stats["tokens"] == stats["headers"] == 2
    assert stats["entries"] == 6


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=2)
def test_it_evicts_the_least_recently_used_company(companies):
    (a, _), (b, _), (c, _), _d = companies
    state.company(a.id)
    state.company(b.id)
    state.company(a.id)  # a is now more recent than b
    state.company(c.id)  # evicts b, not a (the oldest loaded)
    before = state.stats()
    assert state.company(a.id).slug == a.slug
    after_a = state.stats()
    assert (after_a["hits"], after_a["misses"]) == (before["hits"] + 1, before["misses"])
    assert state.company(b.id).slug == b.slug  # evicted: loaded again
    after_b = state.stats()
    assert (after_b["hits"], after_b["misses"]) == (after_a["hits"], after_a["misses"] + 1)
    assert after_b["companies"] == 2


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=2)
def test_it_evicts_the_least_recently_used_token(companies):
    digests = [digest_of(token) for _company, token in companies]
    state.token(digests[0])
    state.token(digests[1])
    state.token(digests[0])
    state.token(digests[2])  # evicts the second
    before = state.stats()
    state.token(digests[0])
    state.token(digests[2])
    kept = state.stats()
    assert (kept["hits"], kept["misses"]) == (before["hits"] + 2, before["misses"])
    found = state.token(digests[1])
    assert found is not None and found.company_id == companies[1][0].id
    assert state.stats()["misses"] == kept["misses"] + 1
    assert state.stats()["tokens"] == 2


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=1)
def test_it_answers_an_evicted_company_from_the_database_as_it_is_now(client, companies):
    (a, a_token), (b, b_token), _c, _d = companies
    assert client.get(COMPANY, **bearer(a_token)).json()["slug"] == a.slug
    assert client.get(COMPANY, **bearer(b_token)).json()["slug"] == b.slug  # evicts a
    answer = client.get(COMPANY, **bearer(a_token))
    assert answer.status_code == 200
    assert answer.json()["id"] == a.id and answer.json()["name"] == a.name
    stats = state.stats()
    assert (stats["companies"], stats["tokens"], stats["headers"]) == (1, 1, 1)


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=2)
def test_it_counts_hits_and_misses_and_reports_the_rate(client, companies):
    (_a, a_token), _b, _c, _d = companies
    before = state.stats()
    client.get(COMPANY, **bearer(a_token))  # token and company loaded: 2 misses
    first = state.stats()
    assert first["misses"] - before["misses"] == 2
    assert first["hits"] == before["hits"]
    for _ in range(4):  # header and company known: 2 hits a call
        client.get(COMPANY, **bearer(a_token))
    after = state.stats()
    assert after["hits"] - first["hits"] == 8
    assert after["misses"] == first["misses"]
    assert after["hit_rate"] == pytest.approx(after["hits"] / (after["hits"] + after["misses"]))
    assert 0.0 < after["hit_rate"] < 1.0


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=1, ATOM_UNKNOWN_TOKENS_REMEMBERED=3)
def test_it_never_lets_unknown_tokens_evict_a_known_one(companies):
    (a, a_token), _b, _c, _d = companies
    known = digest_of(a_token)
    assert state.token(known) is not None
    for _ in range(10):
        assert state.token(digest_of(tokens.generate())) is None
    stats = state.stats()
    assert stats["tokens"] == 1
    assert stats["unknown_tokens"] <= 3
    state.token(known)
    assert state.stats()["hits"] == stats["hits"] + 1


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=2)
def test_it_drops_everything_on_a_security_change_and_enforces_it(client, companies):
    (a, a_token), (b, b_token), _c, _d = companies
    assert client.get(COMPANY, **bearer(a_token)).status_code == 200
    assert client.get(COMPANY, **bearer(b_token)).status_code == 200
    assert state.stats()["entries"] == 6
    services.replace_allowlist(a, list(parse_lines("8.8.8.8 Office").entries), Actor.system())
    stats = state.stats()
    assert (stats["entries"], stats["companies"], stats["tokens"], stats["headers"]) == (0, 0, 0, 0)
    assert stats["unknown_tokens"] == 0
    assert client.get(COMPANY, **bearer(a_token)).status_code == 403  # reloaded: new list
    assert client.get(COMPANY, **bearer(b_token)).status_code == 200


def test_it_holds_50000_entries_per_table_by_default():
    assert state.stats()["limit"] == 50_000


def test_it_never_puts_back_what_it_loaded_before_a_change_dropped_the_tables(companies):
    """A change that drops the tables while a lookup queries must not be undone by it."""
    from django.db import connection

    (a, a_token), _b, _c, _d = companies

    def change_meanwhile(execute, sql, params, many, context):
        state.forget()  # what another thread does when a change lands mid-query
        return execute(sql, params, many, context)

    with connection.execute_wrapper(change_meanwhile):
        assert state.company(a.id).slug == a.slug
        assert state.stats()["companies"] == 0
        assert state.token(digest_of(a_token), f"Bearer {a_token}") is not None
        assert state.stats()["tokens"] == state.stats()["headers"] == 0
        assert state.integration_token(digest_of(a_token)) is None  # not an integration token
        assert state.stats()["unknown_tokens"] == 0


@override_settings(ATOM_SECURITY_CACHE_ENTRIES=2)
def test_it_bounds_the_last_use_times_too(db):
    # Past the bound the time written longest ago goes: its interval is the
    # likeliest to be over anyway, and forgetting it costs one early write.
    assert state.last_use_due(1, 100.0, 60)
    assert state.last_use_due(2, 105.0, 60)
    assert not state.last_use_due(1, 110.0, 60)  # within the interval
    assert state.last_use_due(3, 110.0, 60)  # forgets 1, written longest ago
    assert not state.last_use_due(2, 120.0, 60)
    assert not state.last_use_due(3, 120.0, 60)
    assert state.last_use_due(1, 120.0, 60)  # forgotten: written again, early


def test_it_loads_a_company_it_does_not_hold_in_two_indexed_queries(
    companies, django_assert_num_queries
):
    (strict, _), (plain, _), _c, _d = companies
    deadline = timezone.now() + timedelta(days=3)
    SecurityPolicy.objects.filter(company=strict).update(
        idle_timeout_minutes=15,
        session_length_minutes=600,
        require_two_factor=True,
        two_factor_deadline=deadline,
    )
    AllowedAddress.objects.create(company=strict, network="203.0.113.0/24", position=0)
    # A deadline left from an earlier requirement does not count once it is off.
    SecurityPolicy.objects.filter(company=plain).update(two_factor_deadline=deadline)
    state.forget()  # the fixture's tokens were saved through the services
    with django_assert_num_queries(2):  # the company with its policy, its addresses
        held = state.company(strict.id)
    assert (held.name, held.slug, held.rate_limit) == (
        strict.name,
        strict.slug,
        strict.api_rate_limit,
    )
    assert (held.idle_timeout_seconds, held.session_length_seconds) == (900, 36000)
    assert held.two_factor_deadline == deadline.timestamp()
    assert held.matcher.allows(ip_address("203.0.113.9"))
    assert not held.matcher.allows(ip_address("198.51.100.1"))
    other = state.company(plain.id)
    assert other.two_factor_deadline is None
    defaults = SecurityPolicy.objects.get(company=plain)
    assert other.idle_timeout_seconds == (defaults.idle_timeout_minutes * 60 or None)
    assert other.session_length_seconds == (defaults.session_length_minutes * 60 or None)
