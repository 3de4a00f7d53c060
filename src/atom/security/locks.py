"""The one lock order of every write to a company's security state.

Every write service takes, inside its transaction and in this order:

1. the company's ``SecurityPolicy`` row (``lock_policy``), which serializes
   every change to the section (tokens, allowlist, Password Size, rate
   limit, name) whoever makes it, console or `atom` command;
2. then the rows it changes (``ApiToken``, ``AllowedAddress``, ``Company``).

A service that read or deleted rows before taking the policy lock could act
on a stale view: on PostgreSQL a `DELETE` that ran before a concurrent save
committed leaves that save's rows in place, so a "break-glass clear" could
report success and still leave the list it cleared.
"""

from __future__ import annotations

from django.db import transaction

from atom.security.models import SecurityPolicy


def lock_policy(company) -> SecurityPolicy:
    """Lock and return the company's policy row; call inside transaction.atomic()."""
    assert transaction.get_connection().in_atomic_block, "lock_policy needs a transaction"
    return SecurityPolicy.objects.select_for_update().get(company=company)
