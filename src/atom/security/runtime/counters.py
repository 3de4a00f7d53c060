"""Counters in fixed time windows: API rate limits and failure throttling.

With REDIS_URL the counts are shared by every process and host. Without it,
or while Redis does not answer, each process counts alone: limits then apply
per process, which is looser but never locks anyone out or fails a request.

Every API call reads a failure count and takes from a rate limit, and a
Redis round trip costs a worker more CPU than the rest of the gate together
(~150 µs against ~6 µs: docs/benchmarks.md). So on Redis the common case
asks nothing:

* ``peek`` answers from a copy at most ATOM_PROPAGATION_INTERVAL old (this
  process's own failures update it at once): a failure limit reached
  through another host is enforced here within the bound that every other
  security change has. Counts only grow within a window, so a copy that
  has reached a limit is never wrong.
* ``take`` reserves a share of the company's limit per round trip
  (1/100th of it, at least 1) and serves requests from the share. Shares
  are reserved from the shared count before use, so the hosts together
  never serve more than the limit; an unused share at the end of a second
  serves nobody, so they may serve up to one share per process less.
  Limits under 200 a second reserve one request at a time: exact.
* ``first`` remembers that this window's event was already counted, since
  the answer can only be False from then on.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings

from atom.security.runtime import redis_outage

log = logging.getLogger(__name__)


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
            if len(self._counts) > settings.ATOM_COUNTER_KEYS_REMEMBERED:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == slot}
            self._counts[key] = (slot, count)
        return count, max(1, int((slot + 1) * window - now + 0.999))

    def peek(self, key: str, window: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        current = self._counts.get(key)
        if current is None or current[0] != int(now // window):
            return 0
        return current[1]

    def take(self, key: str, limit: int, now: float) -> int | None:
        """Count one request against ``limit`` a second: None if it may be
        served, else the seconds until the limit allows it."""
        count, retry_after = self.hit(key, 1, now)
        return None if count <= limit else retry_after

    def first(self, key: str, window: int, now: float | None = None) -> bool:
        """Count one event; True only for the window's first."""
        return self.hit(key, window, now)[0] == 1


# Reserve a share of a company's rate limit and read back how much of the
# second's limit was left for it, in one atomic round trip.
_RESERVE = """
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if total == tonumber(ARGV[1]) then
    redis.call('EXPIRE', KEYS[1], 2)
end
return total
"""
_SHARE = 100


class RedisCounters:
    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(
            url,
            socket_connect_timeout=settings.ATOM_REDIS_TIMEOUT,
            socket_timeout=settings.ATOM_REDIS_TIMEOUT,
            health_check_interval=30,
        )
        self._reserve = self._client.register_script(_RESERVE)
        self._local = LocalCounters()
        self._outage = redis_outage.Outage(
            log, "counting rate limits and failures in this process only until it does."
        )
        # key -> (window slot, when read (monotonic), count)
        self._copies: dict[str, tuple[int, float, int]] = {}
        # key -> (second, limit, requests left of the share this process reserved)
        self._shares: dict[str, tuple[int, int, int]] = {}
        # key -> the second whose limit ran out
        self._spent: dict[str, int] = {}
        # key -> the window slot whose first event is already counted
        self._counted: dict[str, int] = {}

    @staticmethod
    def _bounded(memo: dict[str, Any]) -> None:
        # Many client addresses (an attack from many hosts) must not grow
        # memory without limit: forgetting only costs a round trip.
        if len(memo) > settings.ATOM_COUNTER_KEYS_REMEMBERED:
            memo.clear()

    def hit(self, key: str, window: int, now: float | None = None) -> tuple[int, int]:
        now = time.time() if now is None else now
        if self._outage.up():
            slot = int(now // window)
            redis_key = f"atom:{key}:{slot}"
            try:
                pipe = self._client.pipeline(transaction=False)
                pipe.incr(redis_key)
                pipe.expire(redis_key, window + 1)
                count, _ = pipe.execute()
            except Exception as exc:  # noqa: BLE001 - any Redis failure falls back
                self._outage.failed(exc)
            else:
                self._bounded(self._copies)
                self._copies[key] = (slot, time.monotonic(), int(count))
                return int(count), max(1, int((slot + 1) * window - now + 0.999))
        return self._local.hit(key, window, now)

    def peek(self, key: str, window: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        if self._outage.up():
            slot = int(now // window)
            copy = self._copies.get(key)
            if (
                copy is not None
                and copy[0] == slot
                and time.monotonic() - copy[1] < settings.ATOM_PROPAGATION_INTERVAL
            ):
                return copy[2]
            try:
                value = self._client.get(f"atom:{key}:{slot}")
            except Exception as exc:  # noqa: BLE001
                self._outage.failed(exc)
            else:
                self._bounded(self._copies)
                self._copies[key] = (slot, time.monotonic(), int(value or 0))
                return int(value or 0)
        return self._local.peek(key, window, now)

    def take(self, key: str, limit: int, now: float) -> int | None:
        second = int(now)
        retry_after = max(1, int(second + 1 - now + 0.999))
        if self._spent.get(key) == second:
            return retry_after
        share = self._shares.get(key)
        # A share reserved under another limit (just changed) is not used.
        if share is not None and share[:2] == (second, limit) and share[2] > 0:
            self._shares[key] = (second, limit, share[2] - 1)
            return None
        if self._outage.up():
            size = max(1, limit // _SHARE)
            try:
                total = int(self._reserve(keys=[f"atom:{key}:{second}"], args=[size]))
            except Exception as exc:  # noqa: BLE001 - any Redis failure falls back
                self._outage.failed(exc)
            else:
                # What was left of the limit before this reservation, up to its size.
                granted = min(size, max(0, limit - (total - size)))
                self._bounded(self._shares)
                self._bounded(self._spent)
                if granted == 0:
                    self._spent[key] = second
                    return retry_after
                self._shares[key] = (second, limit, granted - 1)
                return None
        return self._local.take(key, limit, now)

    def first(self, key: str, window: int, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        slot = int(now // window)
        if self._counted.get(key) == slot:
            return False
        self._bounded(self._counted)
        self._counted[key] = slot
        return self.hit(key, window, now)[0] == 1


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


def reset() -> None:
    """Forget this process's counters: the next ``counters()`` starts from zero.

    For the test suite, where one process runs every test and no test may
    find the failures or requests counted by the test before it.
    """
    global _counters, _counters_url
    _counters = None
    _counters_url = None
