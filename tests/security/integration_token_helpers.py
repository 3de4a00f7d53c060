"""Integration tokens for tests: made through the same service the console calls."""

from __future__ import annotations

from atom.audit.actors import Actor
from atom.security import integrations


def issue(
    company,
    name="Shop",
    scopes=("flows:start",),
    *,
    expiry="90",
    on_date="",
    addresses="",
    user=None,
):
    """(row, clear token) of a new integration token of ``company``."""
    new = integrations.check(
        company,
        name=name,
        description="",
        scope_values=scopes,
        expiry=expiry,
        expiry_date=on_date,
        addresses=addresses,
    )
    actor = Actor.for_user(user) if user is not None else Actor.operator()
    return integrations.create(company, new, actor)
