"""How a process treats a Redis that stops answering.

Every Redis user of the security core (rate and failure counters, change
notifications, log-in throttling) falls back to something local when Redis
fails. Asking a dead or hung Redis on every request would cost a timeout
each time, so after a failure Redis is left alone for
ATOM_REDIS_RETRY_AFTER_SECONDS, and the fallback is logged once per outage,
not once per request. Every Redis client here gives up on a connection or an
answer after ATOM_REDIS_TIMEOUT.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings


class Outage:
    def __init__(self, log: logging.Logger, fallback: str) -> None:
        self._log = log
        self._fallback = fallback  # what happens instead, for the warning
        self._until = 0.0

    def up(self) -> bool:
        """False while Redis is being left alone after a failure."""
        return time.monotonic() >= self._until

    def failed(self, exc: Exception) -> None:
        if self.up():
            self._log.warning("Redis is not answering (%s); %s", type(exc).__name__, self._fallback)
        self._until = time.monotonic() + settings.ATOM_REDIS_RETRY_AFTER_SECONDS
