"""How a process learns that another one saved a token or an allowlist.

The database row ``SecurityGeneration`` is the truth: every save raises it in
its own transaction, so whoever sees the new value also sees the change.
Every process polls it (atom.security.runtime.state).

With REDIS_URL, saves are also announced on Redis once committed, and
processes poll Redis, which is cheaper to ask hundreds of times a second
across many hosts; the database row is then read less often, as a safety
net for an announcement that never left (a process killed between its
COMMIT and the announcement, or Redis failing at that moment). While Redis
does not answer, the database row is polled at the full rate again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings

from atom.security.runtime import redis_outage

log = logging.getLogger(__name__)

KEY = "atom:security-generation"


def database_generation() -> int:
    from atom.security.models import SecurityGeneration

    value = SecurityGeneration.objects.filter(id=1).values_list("value", flat=True).first()
    return 0 if value is None else value


class Watcher:
    """What a process compares with what it saw last: a tuple that moves on any change."""

    def __init__(self) -> None:
        self._client: Any = None
        self._client_url: str | None = None
        self._outage = redis_outage.Outage(
            log, "security changes are read from the database only until it does."
        )
        self._database_value = 0
        self._database_read_at = float("-inf")

    def _redis(self) -> Any:
        url = settings.REDIS_URL
        if not url:
            return None
        if self._client is None or url != self._client_url:
            import redis

            self._client = redis.Redis.from_url(
                url,
                socket_connect_timeout=settings.ATOM_REDIS_TIMEOUT,
                socket_timeout=settings.ATOM_REDIS_TIMEOUT,
            )
            self._client_url = url
        return self._client

    def observe(self) -> tuple[int, int]:
        """(database value, Redis value): different from the last call when something changed."""
        now = time.monotonic()
        client = self._redis() if self._outage.up() else None
        redis_value = -1
        if client is not None:
            try:
                redis_value = int(client.get(KEY) or 0)
            except Exception as exc:  # noqa: BLE001 - any Redis failure falls back
                self._outage.failed(exc)
                client = None
        # With Redis answering, the database row is still read every
        # ATOM_DATABASE_SAFETY_INTERVAL, so a lost announcement costs at
        # most that long (within the documented 1-second bound).
        safety = settings.ATOM_DATABASE_SAFETY_INTERVAL
        if client is None or now - self._database_read_at >= safety:
            self._database_value = database_generation()
            self._database_read_at = now
        return self._database_value, redis_value

    def announce(self) -> None:
        """After a COMMIT: tell every process through Redis (the database row already moved)."""
        client = self._redis() if self._outage.up() else None
        if client is None:
            return
        try:
            client.incr(KEY)
        except Exception as exc:  # noqa: BLE001 - the database safety net covers it
            self._outage.failed(exc)
