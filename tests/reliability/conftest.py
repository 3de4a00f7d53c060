"""Private PostgreSQL and Redis for fault and scale-out tests, and the cast on them.

These tests use their own cluster whatever DATABASE_URL says, so they run in
both CI passes (SQLite and PostgreSQL); the fixtures remove everything they
started, even when a test fails.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.reliability.cast import TEMPLATE, fresh_database, seed
from tests.reliability.services import (
    PrivatePostgres,
    django_run,
    postgres_bin,
    running_redis,
    unavailable,
)


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of this test run only, with a migrated template database."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        unavailable("no PostgreSQL server binaries (initdb, pg_ctl)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root, and no runuser to start PostgreSQL as its own user")
    cluster = PrivatePostgres(bin_dir)
    try:
        cluster.init()
        cluster.create_database(TEMPLATE)
        django_run(cluster.url(TEMPLATE), "tests.reliability.seed", "--migrate-only")
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def acme_on_postgres(private_postgres):
    """A fresh database on the private cluster with Acme in it."""
    return lambda *args: seed(fresh_database(private_postgres), *args)


@pytest.fixture
def private_redis():
    with running_redis() as server:
        yield server
