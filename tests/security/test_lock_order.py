"""Every writer takes the company's policy lock first (atom.security.locks).

On PostgreSQL a writer that deleted rows before taking the lock acted on
what was committed when its DELETE ran: a console save committing while a
break-glass clear waited for the lock survived the clear that reported
success. On SQLite, writers queue at BEGIN and this cannot happen; the test
runs on both, and CI runs it on PostgreSQL.
"""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from atom.audit.actors import Actor
from atom.security import services
from atom.security.core import allowlist
from atom.security.models import AllowedAddress, SecurityPolicy


def _entries(*texts: str) -> list[allowlist.Entry]:
    return [allowlist.parse_entry(text, allow_private=False) for text in texts]


@pytest.mark.django_db(transaction=True)
def test_it_clears_an_allowlist_that_a_console_save_committed_while_the_clear_waited(
    acme, owner
):
    services.replace_allowlist(acme, _entries("200.1.2.3"), Actor.for_user(owner))
    written = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []

    def console_save() -> None:
        try:
            # The save's rows are written, its transaction not yet committed.
            with transaction.atomic():
                services.replace_allowlist(
                    acme, _entries("200.1.2.3", "200.1.2.4"), Actor.for_user(owner)
                )
                written.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    def break_glass_clear() -> None:
        try:
            call_command("allowlist", "clear", "--company", acme.slug, stdout=io.StringIO())
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    saver = threading.Thread(target=console_save)
    saver.start()
    assert written.wait(10), failures
    clearer = threading.Thread(target=break_glass_clear)
    clearer.start()
    # Let the clear reach the database and wait there (or, were it to read
    # before locking, act on the list as committed before the save).
    time.sleep(0.5)
    release.set()
    saver.join(20)
    clearer.join(20)

    assert failures == []
    assert list(AllowedAddress.objects.filter(company=acme)) == []
    policy = SecurityPolicy.objects.get(company=acme)
    # The initial save, the console save and the clear: one revision each.
    assert policy.revision == 4


@pytest.mark.django_db(transaction=True)
def test_it_applies_two_password_size_changes_one_after_the_other(acme, owner):
    barrier = threading.Barrier(2)

    def change(size: int) -> None:
        try:
            barrier.wait(5)
            services.set_password_size(acme, size, Actor.for_user(owner))
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(size,)) for size in (12, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    policy = SecurityPolicy.objects.get(company=acme)
    assert policy.password_size in (12, 20)
    assert policy.revision == 3
