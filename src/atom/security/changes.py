"""Telling every serving process that a company's security state changed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from atom.security.models import SecurityGeneration
from atom.security.runtime.state import state, watcher


def announce_change() -> None:
    """Call inside the transaction that saves a token, allowlist or company change.

    Only write services call this (atom.security.services,
    atom.security.api_tokens, atom.companies.services): each change is
    announced in one place, in the transaction that makes it.
    """
    updated = SecurityGeneration.objects.filter(id=1).update(value=F("value") + 1)
    if not updated:
        SecurityGeneration.objects.get_or_create(id=1, defaults={"value": 1})
    # This process need not wait for its own poll: forget at once, and again
    # after the commit in case a concurrent request reloaded the old rows.
    # Other processes hear of it through Redis when set (after the commit,
    # so they reload the new rows), and from the row itself in any case.
    state.forget()
    transaction.on_commit(state.forget)
    transaction.on_commit(watcher.announce)
