"""Two hosts on one PostgreSQL and one Redis behave as one Atom.

Two `atom serve` processes (gunicorn, two workers each) on different ports
stand for two hosts behind a load balancer; they share nothing but a private
PostgreSQL cluster and a private Redis, as in docs/deploy.md. Each test
seeds a company of its own, so the tests do not see each other's limits,
lists or counters.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass

import pytest

from atom.security.core import tokens
from tests.console import Console
from tests.reliability.cast import Cast, fresh_database, seed
from tests.reliability.services import PrivateRedis, django_run, running_redis
from tests.servers import AtomServer, call_api, wait_until, warm

pytestmark = pytest.mark.servers

BOUND = 1.0  # seconds: the documented propagation bound (250 ms poll + a request)
_names = itertools.count(1)


@dataclass
class Hosts:
    database_url: str
    redis: PrivateRedis
    first: AtomServer
    second: AtomServer

    def redis_warnings(self) -> list[str]:
        """Log lines of processes that stopped using Redis for a while (see counters.py)."""
        return [
            line
            for server in (self.first, self.second)
            for line in server.log().splitlines()
            if "Redis is not answering" in line
        ]

    def company(self, *args: str) -> Cast:
        return seed(self.database_url, "--name", f"Co{next(_names)}", *args)


@pytest.fixture(scope="module")
def hosts(private_postgres):
    database_url = fresh_database(private_postgres)
    with running_redis() as redis:
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "ATOM_ALLOW_PRIVATE_ADDRESSES": "1",
        }
        first = AtomServer(env=env, workers=2)
        second = AtomServer(env=env, workers=2)
        try:
            first.start()
            second.start()
            yield Hosts(database_url, redis, first, second)
        finally:
            first.stop()
            second.stop()


def saved(response) -> bool:
    errors = re.findall(r'<ul class="errors".*?</ul>', response.text, re.S)
    assert response.status_code == 302, errors
    return True


def test_a_console_session_opened_on_one_host_works_on_the_other(hosts):
    cast = hosts.company()
    console = Console(hosts.first)
    assert console.log_in(cast.owner).status_code == 302
    # Cookies do not depend on the port: the same browser, the other host.
    console.base = hosts.second.base_url
    page = console.get("/settings/my-company/settings/")
    assert page.status_code == 200
    assert "Security Settings" in page.text
    # A state change (with its CSRF token) made on the second host works,
    # and logging out there ends the session on the first host as well.
    assert console.post("/logout/").status_code == 302
    console.base = hosts.first.base_url
    assert console.get("/settings/my-company/settings/").status_code == 302


def test_a_token_saved_on_one_host_is_enforced_by_the_other_within_a_second(hosts):
    cast = hosts.company()
    warm(hosts.second, cast.token)
    console = Console(hosts.first)
    console.log_in(cast.owner)
    form = console.security_form()
    pending = console.generate_token()
    new_token = console.post(
        "/settings/my-company/settings/security/token/reveal/",
        {"which": "pending", "id": pending},
    ).json()["token"]
    assert call_api(hosts.second, new_token).status == 401  # pending: valid nowhere

    saved_at = time.monotonic()
    assert saved(
        console.post(
            "/settings/my-company/settings/security/",
            {**form, "pending_token": pending, "old_token_grace": "0"},
        )
    )
    refused = wait_until(
        lambda: all(call_api(hosts.second, cast.token).status == 401 for _ in range(4)),
        timeout=BOUND,
    )
    accepted = wait_until(
        lambda: all(call_api(hosts.second, new_token).status == 200 for _ in range(4)),
        timeout=BOUND,
    )
    total = time.monotonic() - saved_at
    print(
        f"\nscale-out: old token refused after {refused:.3f}s, new accepted after {accepted:.3f}s"
    )
    assert total < 2 * BOUND  # both waits together, each within the bound


def test_an_allowlist_saved_on_one_host_is_enforced_by_the_other_within_a_second(hosts):
    cast = hosts.company()
    warm(hosts.second, cast.token, source="127.0.0.2")
    console = Console(hosts.first)
    console.log_in(cast.owner)
    form = console.security_form()
    assert saved(
        console.post(
            "/settings/my-company/settings/security/",
            {**form, "allowed_addresses": "127.0.0.1 Office"},
        )
    )
    elapsed = wait_until(
        lambda: all(
            call_api(hosts.second, cast.token, "127.0.0.2").status == 403 for _ in range(4)
        ),
        timeout=BOUND,
    )
    print(f"\nscale-out: allowlist enforced by the other host after {elapsed:.3f}s")
    assert call_api(hosts.second, cast.token, "127.0.0.1").status == 200


def test_the_rate_limit_is_counted_across_both_hosts(hosts):
    cast = hosts.company()
    limit = 10
    # The operator's command, as in production; every host hears of it.
    django_run(
        cast.database_url, "atom.cli", "ratelimit", "--company", cast.slug, "--set", str(limit)
    )
    wait_until(lambda: hosts.redis.client().ping(), timeout=1)
    time.sleep(BOUND)  # the change reaches every process within the bound
    results: list[tuple[str, int, dict[str, str], bytes]] = []
    lock = threading.Lock()

    def burst(thread: int) -> None:
        for n in range(10):
            server = hosts.first if (thread + n) % 2 else hosts.second
            response = call_api(server, cast.token)
            with lock:
                results.append((server.base_url, response.status, response.headers, response.body))

    started = time.time()
    threads = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.time()
    windows = int(ended) - int(started) + 1  # one-second windows the burst touched

    served = [r for r in results if r[1] == 200]
    limited = [r for r in results if r[1] == 429]
    print(
        f"\nscale-out: {len(results)} calls over {windows} one-second windows, limit {limit}/s: "
        f"{len(served)} served, {len(limited)} refused 429"
    )
    assert len(served) + len(limited) == len(results)
    # Counted per process, four workers would serve up to 4 x limit a window.
    assert limit <= len(served) <= limit * windows
    assert {url for url, *_ in limited} == {hosts.first.base_url, hosts.second.base_url}
    for _url, _status, headers, body in limited:
        assert b'"error": "rate_limited"' in body
        assert int(headers["Retry-After"]) == 1
    assert any(key.startswith(b"atom:rate:") for key in hosts.redis.client().keys("atom:*"))


def _clear_of_minute_boundary() -> None:
    # Failure counts live in fixed one-minute windows: do not straddle one.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)


def test_failed_token_throttling_is_shared_by_both_hosts(hosts):
    cast = hosts.company()
    _clear_of_minute_boundary()
    bad = {"Authorization": "Bearer atom_wrong"}
    statuses = []
    for n in range(31):  # the limit is 30 a minute per address; each host sees about half
        server = hosts.first if n % 2 else hosts.second
        statuses.append(server.get("/api/v1/company", headers=bad, source="127.0.0.7").status)
    assert statuses[:30] == [401] * 30, hosts.redis_warnings()
    # Each process may answer from a copy of the count up to 250 ms old
    # (counters.py), so the limit reached through both hosts holds
    # everywhere within the propagation bound: that bad token waits on
    # either host, but the right token from the same address is served
    # (one address's bad tokens never lock out its good ones)...
    time.sleep(BOUND)
    for server in (hosts.first, hosts.second):
        response = server.get("/api/v1/company", headers=bad, source="127.0.0.7")
        assert response.status == 429
        assert b'"error": "rate_limited"' in response.body
        assert int(response.headers["Retry-After"]) <= 60
        assert call_api(server, cast.token, source="127.0.0.7").status == 200
    # ...while guessing, 30 different tokens through both hosts, makes every
    # header those processes have not verified wait, before it is parsed.
    for n in range(30):
        server = hosts.first if n % 2 else hosts.second
        guess = {"Authorization": f"Bearer {tokens.generate()}"}
        assert server.get("/api/v1/company", headers=guess, source="127.0.0.9").status == 401
    time.sleep(BOUND)
    for server in (hosts.first, hosts.second):
        response = server.get("/api/v1/company", headers={"Authorization": "x"}, source="127.0.0.9")
        assert response.status == 429
    assert call_api(hosts.first, cast.token, source="127.0.0.8").status == 200


def test_failed_log_in_throttling_is_shared_by_both_hosts(hosts):
    cast = hosts.company()
    statuses = []
    for n in range(5):  # ATOM_LOGIN_FAILURE_LIMIT: 5 per account and address
        console = Console(hosts.first if n % 2 else hosts.second, source="127.0.0.9")
        statuses.append(console.log_in(cast.owner, "not the password at all").status_code)
    # Three failures on one host and two on the other make five: locked.
    assert statuses == [400, 400, 400, 400, 429]
    for server in (hosts.first, hosts.second):
        console = Console(server, source="127.0.0.9")
        response = console.log_in(cast.owner)  # the right password, too late
        assert response.status_code == 429
        assert "Too many failed log-in attempts" in response.text
    assert hosts.redis.client().keys("atom-axes*"), "the lock-out is not kept in Redis"
    # The same account from another address is not locked.
    assert Console(hosts.second, source="127.0.0.10").log_in(cast.owner).status_code == 302
