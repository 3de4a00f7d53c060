"""The log-in throttling cache keeps counting when Redis stops answering."""

import logging

from atom.security.runtime.fallback_cache import RedisWithFallbackCache
from tests.servers import free_port


def test_it_uses_redis_when_it_answers():
    cache = RedisWithFallbackCache(
        "redis://127.0.0.1:6379/14", {"KEY_PREFIX": "atom-test-fallback"}
    )
    cache.clear()
    assert cache.add("failures", 1, 60)
    assert cache.incr("failures") == 2
    other_process = RedisWithFallbackCache(
        "redis://127.0.0.1:6379/14", {"KEY_PREFIX": "atom-test-fallback"}
    )
    assert other_process.get("failures") == 2
    cache.clear()


def test_it_counts_in_process_memory_while_redis_is_down(caplog):
    caplog.set_level(logging.WARNING)
    nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
    cache = RedisWithFallbackCache(nothing_listens, {})
    assert cache.add("failures", 1, 60)
    assert cache.incr("failures") == 2
    assert cache.get("failures") == 2
    warnings = [
        record for record in caplog.records if "Redis is not answering" in record.getMessage()
    ]
    assert len(warnings) == 1
