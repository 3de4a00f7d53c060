"""Shared counters on Redis: two processes (two RedisCounters) never serve more
than a limit, and answer most requests without a round trip.

Runs against the Redis on 127.0.0.1:6379 (database 15, keys unique to each
test), and is skipped where there is none.
"""

import time
import uuid

import pytest

from atom.security.runtime.counters import LocalCounters, RedisCounters

REDIS = "redis://127.0.0.1:6379/15"


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.2).ping())
    except Exception:  # noqa: BLE001 - any reason means no Redis here
        return False


pytestmark = pytest.mark.skipif(
    not _redis_available(), reason="no Redis on 127.0.0.1:6379 (apt-get install redis-server)"
)


@pytest.fixture
def key():
    return f"test:{uuid.uuid4().hex}"


def hosts(count=2):
    return [RedisCounters(REDIS) for _ in range(count)]


def serve_alternately(counters, key, limit, requests, now):
    served = 0
    for number in range(requests):
        if counters[number % len(counters)].take(key, limit, now) is None:
            served += 1
    return served


def test_two_processes_never_serve_more_than_the_limit_in_a_second(key):
    now = int(time.time()) + 0.1
    served = serve_alternately(hosts(), key, 1000, 1500, now)
    # Each process may leave at most one unused share (1/100th) behind.
    assert 1000 - 2 * 10 <= served <= 1000


def test_a_small_limit_is_exact_across_processes(key):
    now = int(time.time()) + 0.1
    assert serve_alternately(hosts(), key, 3, 10, now) == 3


def test_a_new_second_starts_a_new_count(key):
    first, second = hosts()
    now = int(time.time()) + 0.1
    assert first.take(key, 1, now) is None
    assert second.take(key, 1, now) == 1  # Retry-After: the second's end
    assert second.take(key, 1, now + 1) is None


def test_a_share_saves_round_trips(key):
    counters, other_process = hosts()
    now = int(time.time()) + 0.1
    for _ in range(50):
        assert counters.take(key, 10_000, now) is None
    # One share of 100 covers the 50 requests: the second's shared count
    # shows a single reservation, so a single round trip.
    assert other_process.peek(key, 1, now) == 100


def test_own_failures_count_at_once(key):
    counters = RedisCounters(REDIS)
    for _ in range(3):
        counters.hit(key, 60)
    assert counters.peek(key, 60) == 3


def test_another_processes_failures_count_within_the_propagation_interval(key, settings):
    settings.ATOM_PROPAGATION_INTERVAL = 0.05
    reader, writer = hosts()
    assert reader.peek(key, 60) == 0
    for _ in range(3):
        writer.hit(key, 60)
    time.sleep(0.06)
    assert reader.peek(key, 60) == 3


def test_only_one_process_counts_the_first_event_of_a_window(key):
    first, second = hosts()
    answers = [first.first(key, 60), second.first(key, 60), first.first(key, 60)]
    assert answers == [True, False, False]


def test_local_counters_take_exactly_the_limit():
    counters = LocalCounters()
    now = int(time.time()) + 0.1
    answers = [counters.take("rate:1", 2, now) for _ in range(3)]
    assert answers[:2] == [None, None]
    assert answers[2] == 1


def test_a_redis_outage_falls_back_to_counting_in_the_process(key):
    counters = RedisCounters("redis://127.0.0.1:1/0")  # nothing listens there
    now = int(time.time()) + 0.1
    assert counters.take(key, 1, now) is None
    assert counters.take(key, 1, now) == 1
