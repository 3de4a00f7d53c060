"""One lock-out and one end of sessions for every process and host (real `atom serve` processes).

Two servers with two workers each share the test database: failures counted
by any process lock the account out from that address on all of them, and a
deactivation saved on one host ends the user's sessions on the other.
"""

import pytest

from tests.console import Console
from tests.helpers import PASSWORD

pytestmark = pytest.mark.servers

CONFIRM = "/account/confirm-password/"
WRONG = "not the password at all"


def sudo(console: Console, password: str):
    return console.post(CONFIRM, {"password": password}, json=True)


def test_failures_on_two_hosts_add_up_to_one_lock_out(atom_servers, owner):
    first, second = atom_servers(), atom_servers()
    here, there = Console(first), Console(second)
    assert here.log_in(owner.email).status_code == 302
    assert there.log_in(owner.email).status_code == 302

    assert [sudo(here, WRONG).status_code for _ in range(3)] == [400, 400, 400]
    assert [sudo(there, WRONG).status_code for _ in range(2)] == [400, 429]

    for console in (here, there):
        refused = sudo(console, PASSWORD)
        assert refused.status_code == 429
        assert refused.json()["error"] == "locked_out"
        assert refused.headers["Retry-After"] == "900"
    # The log-in of that account from that address is locked too.
    assert Console(second).log_in(owner.email).status_code == 429


def test_a_deactivation_on_one_host_ends_the_session_on_the_other(atom_servers, owner, admin):
    first, second = atom_servers(), atom_servers()
    owner_console, admin_console = Console(first), Console(second)
    assert owner_console.log_in(owner.email).status_code == 302
    assert admin_console.log_in(admin.email).status_code == 302
    assert admin_console.get("/").status_code == 200

    active = f"/settings/my-company/users/{admin.id}/active/"
    assert owner_console.post(active, {"active": "0"}).status_code == 302
    assert owner_console.post(active, {"active": "1"}).status_code == 302

    back = admin_console.get("/")
    assert back.status_code == 302
    assert back.headers["Location"].startswith("/login/")
