"""The cast of the fault and scale-out tests, on a database of the private cluster.

``fresh_database`` copies the migrated template database that the
``private_postgres`` fixture made; ``seed`` runs tests.reliability.seed on it
in a subprocess (this process's Django connection does not reach it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.reliability.services import PrivatePostgres, django_run

# The migrated, empty database that every fresh database copies.
TEMPLATE = "atom_template"


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
