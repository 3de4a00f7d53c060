"""Redis stops: Atom keeps authenticating and enforcing allowlists from the database.

Redis only holds counters (rate limits, failed tokens, failed log-ins). When
it stops answering, or hangs, each process counts alone, says so once in its
log, and goes back to Redis by itself within seconds of its return.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from atom.audit.actors import Actor
from atom.security import api_tokens
from atom.security.changes import announce_change
from atom.security.models import AllowedAddress
from tests.console import Console
from tests.servers import call_api, wait_until

pytestmark = pytest.mark.servers

COUNTER_WARNING = "counting rate limits and failures in this process only"
LOGIN_WARNING = "log-in throttling counts in this process only"
# Redis clients give up after 0.5 s and then leave Redis alone for 5 s.
SLOWEST_ANSWER = 3.0


def allow_only(company, *networks: str) -> None:
    with transaction.atomic():
        AllowedAddress.objects.filter(company=company).delete()
        for position, network in enumerate(networks):
            AllowedAddress.objects.create(company=company, network=network, position=position)
        announce_change()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def enforcing_server(atom_servers, private_redis, acme, token, owner):
    """A server on the private Redis, Acme allowing 127.0.0.1 only, seen to enforce it all."""
    server = atom_servers(REDIS_URL=private_redis.url, ATOM_ALLOW_PRIVATE_ADDRESSES="1")
    allow_only(acme, "127.0.0.1")
    time.sleep(0.3)
    assert_enforcement_works(server, acme, token, owner)
    return server


def assert_enforcement_works(server, acme, token, owner) -> float:
    """Every check still gives the right answer; returns the slowest answer's seconds."""
    slowest = 0.0
    checks = [
        (lambda: call_api(server, token).status, 200),
        (lambda: call_api(server, token, source="127.0.0.2").status, 403),
        (lambda: call_api(server, "atom_" + "x" * 46).status, 401),
        (lambda: call_api(server, token[:-1] + ("0" if token[-1] != "0" else "1")).status, 401),
    ]
    for _ in range(3):  # reach both workers
        for call, expected in checks:
            status, seconds = timed(call)
            assert status == expected
            slowest = max(slowest, seconds)
    response, seconds = timed(lambda: Console(server).log_in(owner.email))
    assert response.status_code == 302
    wrong, _ = timed(lambda: Console(server).log_in(owner.email, "not the password at all"))
    assert wrong.status_code == 400
    return max(slowest, seconds)


def test_authentication_and_allowlists_keep_working_while_redis_is_stopped(
    atom_servers, private_redis, acme, owner, acme_token
):
    server = enforcing_server(atom_servers, private_redis, acme, acme_token, owner)
    assert private_redis.client().keys("atom:*"), "counters were not in Redis to begin with"

    private_redis.stop()
    slowest = assert_enforcement_works(server, acme, acme_token, owner)
    assert slowest < SLOWEST_ANSWER
    # A token rotated during the outage is enforced at once: from the database.
    new_row, new_token = api_tokens.rotate(acme, api_tokens.GRACE_CHOICES["0"], Actor.operator())
    elapsed = wait_until(
        lambda: (
            all(call_api(server, acme_token).status == 401 for _ in range(4))
            and all(call_api(server, new_token).status == 200 for _ in range(4))
        ),
        timeout=1.0,
    )
    print(f"\nredis stopped: slowest answer {slowest:.3f}s; rotation enforced in {elapsed:.3f}s")
    log = server.log()
    assert COUNTER_WARNING in log
    assert LOGIN_WARNING in log
    assert "Traceback" not in log

    private_redis.start()
    # Back to shared counting once each process retries (every 5 s).
    waited = wait_until(
        lambda: (
            call_api(server, new_token).status == 200
            and bool(private_redis.client().keys("atom:rate:*"))
        ),
        timeout=8.0,
        interval=0.2,
    )
    print(f"redis back: counters shared again after {waited:.1f}s")


def test_throttling_falls_back_to_each_process_while_redis_is_stopped(
    atom_servers, private_redis, acme, acme_token
):
    acme.api_rate_limit = 5
    acme.save(update_fields=["api_rate_limit"])
    server = atom_servers(REDIS_URL=private_redis.url)
    private_redis.stop()
    if time.time() % 60 > 45:  # failures count in one-minute windows
        time.sleep(61 - time.time() % 60)

    # Failed tokens: per process now, so up to 30 per worker before 429.
    # Which worker takes each connection is the kernel's choice, so the
    # bounds are on the counts, not on where the 429s fall.
    statuses = [
        server.get("/api/v1/company", headers={"Authorization": "Bearer nope"}).status
        for _ in range(2 * 30 + 10)
    ]
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= 2 * 30
    assert 30 <= statuses.index(429) <= 60

    # The rate limit: 5 a second per process, so still refused past that.
    results = []

    def call() -> None:
        for _ in range(10):
            results.append(call_api(server, acme_token, source="127.0.0.3").status)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) <= {200, 429}
    assert results.count(429) > 0
    assert COUNTER_WARNING in server.log()


def test_a_hung_redis_slows_answers_by_at_most_its_timeout(
    atom_servers, private_redis, acme, owner, acme_token
):
    server = enforcing_server(atom_servers, private_redis, acme, acme_token, owner)
    private_redis.pause()  # connected, but never answers
    try:
        slowest = assert_enforcement_works(server, acme, acme_token, owner)
    finally:
        private_redis.resume()
    print(f"\nredis hung: slowest answer {slowest:.3f}s")
    assert slowest < SLOWEST_ANSWER
    assert COUNTER_WARNING in server.log()
