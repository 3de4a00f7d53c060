"""Private PostgreSQL and Redis for fault and scale-out tests, and the cast on them.

These tests use their own cluster whatever DATABASE_URL says, so they run in
both CI passes (SQLite and PostgreSQL); the fixtures remove everything they
started, even when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass

import pytest

from tests.reliability.services import (
    PrivatePostgres,
    django_run,
    postgres_bin,
    running_redis,
    unavailable,
)

TEMPLATE = "atom_template"


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


@dataclass
class Cast:
    """What tests.reliability.seed created: a company, its owner, token and flow."""

    database_url: str
    company_id: int
    slug: str
    owner: str
    token: str
    flow_id: int


def seed(database_url: str, *args: str) -> Cast:
    """A company (with owner, token and flow) on the database at ``database_url``."""
    seeded = json.loads(django_run(database_url, "tests.reliability.seed", *args))
    return Cast(database_url=database_url, **seeded)


def fresh_database(cluster: PrivatePostgres) -> str:
    """A new, migrated, empty database on the private cluster: its URL."""
    return cluster.url(cluster.create_database(template=TEMPLATE))


@pytest.fixture
def acme_on_postgres(private_postgres):
    """A fresh database on the private cluster with Acme in it."""
    return lambda *args: seed(fresh_database(private_postgres), *args)


@pytest.fixture
def private_redis():
    with running_redis() as server:
        yield server
