"""Two admins saving at the same moment, through two server processes."""

import threading

import pytest

from atom.security.models import ApiToken, SecurityPolicy, TokenStatus
from tests.console import Console

pytestmark = pytest.mark.servers

SAVE = "/settings/my-company/settings/security/"


def test_it_leaves_exactly_one_active_token_when_two_admins_save_at_once(
    atom_servers, owner, admin, acme
):
    first, second = atom_servers(), atom_servers()
    people = [Console(first), Console(second)]
    people[0].log_in(owner.email)
    people[1].log_in(admin.email)
    forms = [person.security_form() for person in people]
    pendings = [person.generate_token() for person in people]

    barrier = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def save(index: int) -> None:
        barrier.wait()
        response = people[index].post(
            SAVE, {**forms[index], "pending_token": pendings[index], "old_token_grace": "0"}
        )
        statuses[index] = response.status_code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [302, 409]
    active = ApiToken.objects.filter(company=acme, status=TokenStatus.ACTIVE)
    assert active.count() == 1
    winner = statuses.index(302)
    assert active.get().id == pendings[winner]
    assert SecurityPolicy.objects.get(company=acme).revision == int(forms[0]["revision"]) + 1
