"""A Django cache on Redis that falls back to this process's memory.

django-axes keeps log-in failure counts here when several hosts serve: on
Redis, a lock-out is shared by every host. If Redis stops answering, counting
goes on per process (looser, logged once per outage) instead of failing
every log-in: an outage of the shared counter must not become an outage of
the console.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from atom.security.runtime import redis_outage

log = logging.getLogger(__name__)


class RedisWithFallbackCache(BaseCache):  # type: ignore[misc]  # Django ships no types
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = {
            "socket_connect_timeout": settings.ATOM_REDIS_TIMEOUT,
            "socket_timeout": settings.ATOM_REDIS_TIMEOUT,
            **params.get("OPTIONS", {}),
        }
        self._redis = RedisCache(server, {**params, "OPTIONS": options})
        self._local = LocMemCache(f"atom-fallback-{id(self)}", params)
        self._outage = redis_outage.Outage(
            log, "log-in throttling counts in this process only until it does."
        )

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._outage.up():
            try:
                return getattr(self._redis, name)(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - any Redis failure falls back
                self._outage.failed(exc)
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, key, value, timeout=300, version=None):  # type: ignore[no-untyped-def]
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):  # type: ignore[no-untyped-def]
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=300, version=None):  # type: ignore[no-untyped-def]
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=300, version=None):  # type: ignore[no-untyped-def]
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):  # type: ignore[no-untyped-def]
        return self._call("delete", key, version)

    def incr(self, key, delta=1, version=None):  # type: ignore[no-untyped-def]
        return self._call("incr", key, delta, version)

    def has_key(self, key, version=None):  # type: ignore[no-untyped-def]
        return self._call("has_key", key, version)

    def clear(self):  # type: ignore[no-untyped-def]
        return self._call("clear")
