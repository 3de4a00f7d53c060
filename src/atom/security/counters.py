"""Counters in fixed time windows: API rate limits and failure throttling.

With REDIS_URL the counts are shared by every process and host. Without it,
or while Redis does not answer, each process counts alone: limits then apply
per process, which is looser but never locks anyone out or fails a request.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

log = logging.getLogger(__name__)

# How long to stop asking Redis after it failed, so an outage costs one
# timeout per interval instead of one per request.
_REDIS_RETRY_AFTER = 5.0


class LocalCounters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, window: int, now: float | None = None) -> tuple[int, int]:
        """Count one event; return (count in this window, seconds until it ends)."""
        now = time.time() if now is None else now
        slot = int(now // window)
        with self._lock:
            current = self._counts.get(key)
            count = current[1] + 1 if current is not None and current[0] == slot else 1
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == slot}
            self._counts[key] = (slot, count)
        return count, max(1, int((slot + 1) * window - now + 0.999))

    def peek(self, key: str, window: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        current = self._counts.get(key)
        if current is None or current[0] != int(now // window):
            return 0
        return current[1]


class RedisCounters:
    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, health_check_interval=30
        )
        self._local = LocalCounters()
        self._down_until = 0.0

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() >= self._down_until:
            log.warning(
                "Redis is not answering (%s); counting rate limits and failures in this "
                "process only until it does.",
                type(exc).__name__,
            )
        self._down_until = time.monotonic() + _REDIS_RETRY_AFTER

    def hit(self, key: str, window: int, now: float | None = None) -> tuple[int, int]:
        now = time.time() if now is None else now
        if time.monotonic() >= self._down_until:
            slot = int(now // window)
            redis_key = f"atom:{key}:{slot}"
            try:
                pipe = self._client.pipeline(transaction=False)
                pipe.incr(redis_key)
                pipe.expire(redis_key, window + 1)
                count, _ = pipe.execute()
                return int(count), max(1, int((slot + 1) * window - now + 0.999))
            except Exception as exc:  # noqa: BLE001 - any Redis failure falls back
                self._failed(exc)
        return self._local.hit(key, window, now)

    def peek(self, key: str, window: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        if time.monotonic() >= self._down_until:
            try:
                value = self._client.get(f"atom:{key}:{int(now // window)}")
                return int(value or 0)
            except Exception as exc:  # noqa: BLE001
                self._failed(exc)
        return self._local.peek(key, window, now)


_counters: LocalCounters | RedisCounters | None = None
_counters_url: str | None = None


def counters() -> LocalCounters | RedisCounters:
    """The process's counters, for the REDIS_URL currently configured."""
    global _counters, _counters_url
    url = settings.REDIS_URL
    if _counters is None or url != _counters_url:
        _counters = RedisCounters(url) if url else LocalCounters()
        _counters_url = url
    return _counters
