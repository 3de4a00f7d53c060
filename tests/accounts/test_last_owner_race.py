"""A company always keeps an active owner, even when two requests race.

Each request checks "is this the last active owner?" and then changes one
owner. Without a lock both counted two owners on PostgreSQL and both went
ahead. The services now take the company's policy lock first, so the second
waits for the first to commit and then counts one. On SQLite writers queue
at BEGIN and the race cannot happen; CI runs this file on PostgreSQL too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from atom.accounts.models import Role, User
from atom.accounts.services import UserChangeRefused, change_role, set_active
from atom.audit.actors import Actor
from tests.helpers import add


def race(first: Callable[[], None], second: Callable[[], None]) -> list[BaseException]:
    """Run ``first`` in a transaction held open until ``second`` has reached the database."""
    written = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []

    def hold_first() -> None:
        try:
            with transaction.atomic():
                first()
                written.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            failures.append(exc)
            written.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            second()
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    assert written.wait(10)
    other = threading.Thread(target=run_second)
    other.start()
    # Let the second request reach the database and wait there (or, without
    # the lock, count the owners as committed before the first change).
    time.sleep(0.5)
    release.set()
    holder.join(20)
    other.join(20)
    return failures


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_the_second_of_two_tabs_demoting_both_owners(acme, owner):
    second_owner = add(acme, "second@acme.example", Role.OWNER)

    # One owner, two tabs: the other owner is demoted in one, themself in the other.
    failures = race(
        lambda: change_role(Actor.for_user(fresh(owner)), fresh(second_owner), Role.ADMIN),
        lambda: change_role(Actor.for_user(fresh(owner)), fresh(owner), Role.ADMIN),
    )

    assert [type(failure) for failure in failures] == [UserChangeRefused]
    assert "at least one active owner" in str(failures[0])
    assert User.objects.filter(company=acme, role=Role.OWNER, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_refuses_the_second_of_two_concurrent_deactivations_of_the_only_two_owners(acme, owner):
    second_owner = add(acme, "second@acme.example", Role.OWNER)
    third = add(acme, "third@acme.example", Role.OWNER)
    # Two owners remain active: the owner and the second owner.
    set_active(Actor.for_user(owner), third, False)

    failures = race(
        lambda: set_active(Actor.for_user(fresh(owner)), fresh(second_owner), False),
        lambda: set_active(Actor.for_user(fresh(second_owner)), fresh(owner), False),
    )

    assert len(failures) == 1 and isinstance(failures[0], UserChangeRefused)
    assert User.objects.filter(company=acme, role=Role.OWNER, is_active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_demotion_and_a_deactivation_racing_on_the_two_owners(acme, owner):
    second_owner = add(acme, "second@acme.example", Role.OWNER)

    failures = race(
        lambda: change_role(Actor.for_user(fresh(owner)), fresh(second_owner), Role.AGENT),
        lambda: set_active(Actor.for_user(fresh(second_owner)), fresh(owner), False),
    )

    assert len(failures) == 1 and isinstance(failures[0], UserChangeRefused)
    assert User.objects.filter(company=acme, role=Role.OWNER, is_active=True).count() == 1
