"""Session limits on real server processes: a Save on one host ends old sessions on every host.

Two `atom serve` processes (gunicorn, two workers each) share the test
database. No test-only setting shortens the limits: the sessions are made
old instead, by moving their recorded start or last activity back in the
shared session store, exactly as time would.
"""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore

from atom.audit.models import AuditEvent
from atom.signins.models import SignIn
from atom.signins.tracking import SEEN, STARTED
from tests.console import Console
from tests.servers import wait_until

pytestmark = pytest.mark.servers

SECURITY = "/settings/my-company/settings/security/"


def age(console: Console, key: str, seconds: float) -> None:
    """Move the session's ``key`` moment back by ``seconds`` in the shared store."""
    session = SessionStore(session_key=console.session.cookies["sessionid"])
    session[key] = session[key] - seconds
    session.save()


def ended(console: Console) -> bool:
    response = console.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login/")


def test_a_shorter_session_length_saved_on_one_host_ends_old_sessions_on_every_host_within_a_second(
    atom_servers, owner, acme
):
    first, second = atom_servers(), atom_servers()
    admin = Console(first)
    assert admin.log_in(owner.email).status_code == 302
    # Four sessions on each host, reaching both of its workers, two hours old.
    old = [Console(server) for server in (first, second) for _ in range(4)]
    for console in old:
        assert console.log_in(owner.email).status_code == 302
        age(console, STARTED, 2 * 3600)
        assert console.get("/").status_code == 200

    form = admin.security_form()
    saved = admin.post(SECURITY, {**form, "session_length": "60"})
    assert saved.status_code == 302, re.findall(r'<ul class="errors".*?</ul>', saved.text, re.S)
    done: set[int] = set()

    def all_ended() -> bool:
        done.update(i for i, console in enumerate(old) if i not in done and ended(console))
        return len(done) == len(old)

    elapsed = wait_until(all_ended, timeout=1.5)
    assert elapsed < 1.0
    assert admin.get("/").status_code == 200  # its own session is minutes old
    assert SignIn.objects.filter(user=owner, end_reason="length").count() == len(old)
    assert AuditEvent.objects.filter(action="session.timed_out").count() == len(old)


def test_an_idle_session_ends_at_its_next_request_on_any_host(atom_servers, owner, acme):
    first, second = atom_servers(), atom_servers()
    admin = Console(first)
    admin.log_in(owner.email)
    saved = admin.post(SECURITY, {**admin.security_form(), "idle_timeout": "15"})
    assert saved.status_code == 302
    idle, busy = Console(second), Console(second)
    idle.log_in(owner.email)
    busy.log_in(owner.email)
    time.sleep(1.0)  # the new limit has reached every process
    age(idle, SEEN, 16 * 60)
    age(busy, SEEN, 14 * 60)
    response = idle.get("/settings/my-account/sessions/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?next=%2Fsettings%2Fmy-account%2Fsessions%2F"
    page = idle.get(response.headers["Location"]).text
    assert "You were signed out because you were inactive for too long." in page
    assert busy.get("/").status_code == 200
    assert SignIn.objects.get(user=owner, end_reason="idle")


def test_signing_out_everywhere_else_on_one_host_ends_the_sessions_on_the_other(
    atom_servers, owner, acme
):
    first, second = atom_servers(), atom_servers()
    here = Console(first)
    here.log_in(owner.email)
    elsewhere = [Console(second) for _ in range(3)]
    for console in elsewhere:
        console.log_in(owner.email)
        assert console.get("/").status_code == 200
    here.get("/settings/my-account/sessions/")
    response = here.post("/settings/my-account/sessions/end-others/")
    assert response.status_code == 302
    # The session store is read on every request: no propagation delay at all.
    assert all(ended(console) for console in elsewhere)
    assert here.get("/").status_code == 200
