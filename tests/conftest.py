"""The cast and the real parts every test can use.

The cast: an owner, an admin and an agent of Acme, and Globex's owner, who
must see nothing of Acme. Real parts: the configured database (SQLite, or
PostgreSQL with DATABASE_URL), Chromium through Playwright, and gunicorn
processes (tests/servers.py).
"""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings

from atom.accounts.models import Role, User
from atom.security import api_tokens
from atom.security.runtime import counters
from atom.security.runtime.state import state
from tests.helpers import CHROMIUM, add, flag, make_company, sudo_ends_at


def pytest_sessionstart(session):
    if flag("ATOM_REQUIRE_POSTGRES"):
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            pytest.exit(
                "ATOM_REQUIRE_POSTGRES=1 but DATABASE_URL does not name a PostgreSQL database.",
                returncode=3,
            )
        # pytest-django blocks Django's connection until a test asks for the
        # database, so the server is reached with psycopg directly.
        import psycopg

        db = settings.DATABASES["default"]
        try:
            psycopg.connect(
                host=db["HOST"] or None,
                port=db["PORT"] or None,
                user=db["USER"] or None,
                password=db["PASSWORD"] or None,
                dbname="postgres",
                connect_timeout=5,
            ).close()
        except psycopg.Error as exc:
            pytest.exit(
                f"ATOM_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable: {exc}", returncode=3
            )
    if flag("ATOM_REQUIRE_BROWSER") and not os.access(CHROMIUM, os.X_OK):
        pytest.exit(f"ATOM_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}.", returncode=3)


# Fixtures that start server processes (gunicorn, PostgreSQL, Redis): a test
# using one must say so, so that `make test-fast` (-m "not servers") skips it.
SERVER_FIXTURES = {"atom_servers", "private_postgres", "private_redis"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(config, items):
    unmarked = [
        item.nodeid
        for item in items
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ()))
        and "servers" not in item.keywords
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests start server processes; mark them @pytest.mark.servers:\n  "
            + "\n  ".join(unmarked)
        )
    if os.access(CHROMIUM, os.X_OK):
        return
    skip = pytest.mark.skip(
        reason=f"browser test: no Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    browser = CHROMIUM if os.access(CHROMIUM, os.X_OK) else "none (browser tests skipped)"
    return [f"atom: database {engine}; browser {browser}; redis {settings.REDIS_URL or 'off'}"]


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts with this process knowing nothing cached."""
    state.forget()
    counters.reset()
    _forget_shared_counters()
    yield
    state.forget()


def _forget_shared_counters() -> None:
    """With REDIS_URL set for the suite, counts must not leak from test to test.

    Only Atom's own keys go; still, never point the suite at a Redis that
    serves a real installation.
    """
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in ("atom:*", "*atom-axes*"):
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def acme(db):
    company, _owner = make_company("Acme", "owner@acme.example")
    return company


@pytest.fixture
def owner(acme):
    return User.objects.get(email="owner@acme.example")


@pytest.fixture
def admin(acme):
    return add(acme, "admin@acme.example", Role.ADMIN)


@pytest.fixture
def agent(acme):
    return add(acme, "agent@acme.example", Role.AGENT)


@pytest.fixture
def globex(db):
    company, _owner = make_company("Globex", "owner@globex.example")
    return company


@pytest.fixture
def outsider(globex):
    return User.objects.get(email="owner@globex.example")


@pytest.fixture
def acme_token(acme) -> str:
    """Acme's active API token, in clear."""
    return api_tokens.reveal(api_tokens.active_token(acme))


@pytest.fixture
def globex_token(globex) -> str:
    return api_tokens.reveal(api_tokens.active_token(globex))


@pytest.fixture
def as_user(client):
    """Log a user in through the session, with sudo mode like a fresh log-in."""

    def login(user, *, sudo: bool = True):
        client.force_login(user, backend="atom.accounts.backends.EmailBackend")
        if sudo:
            sudo_ends_at(client, time.time() + 900)
        return client

    return login


@pytest.fixture
def atom_servers(transactional_db):
    """Start real `atom serve` processes on the test database; all stop after the test."""
    from tests.servers import AtomServer

    started: list[AtomServer] = []

    def start(workers: int = 2, **env: str) -> AtomServer:
        server = AtomServer(env=env, workers=workers).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
