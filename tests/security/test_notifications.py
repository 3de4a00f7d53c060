"""How processes learn of a security change: Redis when set, the database always."""

import logging
import time

from atom.security.models import SecurityGeneration
from atom.security.runtime.notifications import KEY, Watcher
from tests.servers import free_port

REDIS = "redis://127.0.0.1:6379/13"


def bump_database():
    SecurityGeneration.objects.filter(id=1).update(
        value=SecurityGeneration.objects.get(id=1).value + 1
    )


def test_it_sees_a_change_saved_elsewhere_in_the_database_without_redis(db, settings):
    settings.REDIS_URL = None
    watcher = Watcher()
    before = watcher.observe()
    bump_database()
    assert watcher.observe() != before


def test_it_sees_an_announcement_through_redis_without_reading_the_database(
    db, settings, django_assert_num_queries
):
    import redis

    settings.REDIS_URL = REDIS
    redis.Redis.from_url(REDIS).delete(KEY)
    watcher, other_process = Watcher(), Watcher()
    before = watcher.observe()  # reads the database once
    other_process.announce()
    with django_assert_num_queries(0):
        assert watcher.observe() != before


def test_it_still_reads_the_database_as_a_safety_net_with_redis(db, settings):
    settings.REDIS_URL = REDIS
    watcher = Watcher()
    before = watcher.observe()
    bump_database()  # saved, but the announcement never left
    time.sleep(settings.ATOM_DATABASE_SAFETY_INTERVAL)  # the safety interval passes
    assert watcher.observe() != before


def test_it_falls_back_to_the_database_with_one_warning_while_redis_is_down(db, settings, caplog):
    caplog.set_level(logging.WARNING)
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    watcher = Watcher()
    before = watcher.observe()
    watcher.announce()
    bump_database()
    assert watcher.observe() != before
    warnings = [
        r for r in caplog.records if "security changes are read from the database" in r.getMessage()
    ]
    assert len(warnings) == 1
