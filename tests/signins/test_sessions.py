"""Where you're signed in: sessions recorded, listed and ended."""

import hashlib

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from atom.accounts.models import Role
from atom.accounts.services import set_active
from atom.audit.actors import Actor
from atom.audit.models import AuditEvent
from atom.signins.models import SignIn
from atom.signins.tracking import live
from tests.helpers import PASSWORD, add

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
SESSIONS = reverse("signins:sessions")
HOME = reverse("home")


def signed_in(email: str, agent: str = CHROME, address: str = "200.1.2.3") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("accounts:login"), {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def key_of(client: Client) -> str:
    return client.cookies["sessionid"].value


def test_it_records_the_session_at_log_in_with_browser_system_and_address(owner):
    client = signed_in("owner@acme.example")
    row = SignIn.objects.get(user=owner)
    assert (row.browser, row.system, row.ip) == ("Chrome 120", "Windows 10", "200.1.2.3")
    assert row.key_digest == hashlib.sha256(key_of(client).encode()).hexdigest()
    assert row.started_at == row.last_seen_at
    assert row.ended_at is None


def test_it_never_stores_the_session_key_in_clear(owner):
    client = signed_in("owner@acme.example")
    row = SignIn.objects.values().get(user=owner)
    assert all(key_of(client) not in str(value) for value in row.values())


def test_it_lists_every_session_and_marks_this_device(owner):
    signed_in("owner@acme.example", FIREFOX, "200.9.9.9")
    client = signed_in("owner@acme.example")
    html = client.get(SESSIONS).content.decode()
    assert "<h1>Where you're signed in</h1>" in html
    assert "Firefox 121" in html and "200.9.9.9" in html
    assert "Chrome 120" in html and "200.1.2.3" in html
    assert html.count(">this device<") == 1
    assert html.index("Chrome 120") < html.index(">this device<") < html.index("Firefox 121")


def test_it_shows_the_page_in_spanish(owner):
    client = signed_in("owner@acme.example")
    client.post(reverse("set_language"), {"language": "es", "next": SESSIONS})
    html = client.get(SESSIONS).content.decode()
    assert "Dónde tiene la sesión iniciada" in html
    assert "este dispositivo" in html


def test_it_signs_out_one_session_and_that_browser_must_log_in_again(owner):
    laptop = signed_in("owner@acme.example", FIREFOX)
    phone = signed_in("owner@acme.example")
    lost = SignIn.objects.get(user=owner, browser="Firefox 121")
    response = phone.post(reverse("signins:session_end", args=[lost.id]))
    assert response.status_code == 302
    assert "Signed out of Firefox 121 on Ubuntu." in phone.get(SESSIONS).content.decode()
    assert laptop.get(HOME)["Location"].startswith(reverse("accounts:login"))
    assert phone.get(HOME).status_code == 200
    lost.refresh_from_db()
    assert lost.end_reason == "signed_out" and lost.ended_at is not None
    event = AuditEvent.objects.get(action="session.ended")
    assert event.details["browser"] == "Firefox 121"


def test_it_signs_out_everywhere_else_and_keeps_this_device(owner):
    others = [signed_in("owner@acme.example", FIREFOX) for _ in range(2)]
    here = signed_in("owner@acme.example")
    response = here.post(reverse("signins:sessions_end_others"))
    assert response.status_code == 302
    assert "You were signed out everywhere else." in here.get(SESSIONS).content.decode()
    for other in others:
        assert other.get(HOME).status_code == 302
    assert here.get(HOME).status_code == 200
    assert SignIn.objects.filter(user=owner, ended_at__isnull=True).count() == 1
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.details == {
        "email": "owner@acme.example",
        "reason": "signed_out_everywhere",
        "count": 2,
    }


def test_it_answers_404_for_someone_elses_session(owner, admin):
    theirs = signed_in("admin@acme.example")
    mine = signed_in("owner@acme.example")
    row = SignIn.objects.get(user=admin)
    assert mine.post(reverse("signins:session_end", args=[row.id])).status_code == 404
    assert theirs.get(HOME).status_code == 200


def test_it_lets_an_admin_sign_a_user_out_everywhere(owner, agent):
    sessions = [signed_in("agent@acme.example") for _ in range(2)]
    boss = signed_in("owner@acme.example")
    response = boss.post(reverse("signins:user_sign_out", args=[agent.id]))
    assert response.status_code == 302
    page = boss.get(reverse("accounts:users")).content.decode()
    assert "agent@acme.example was signed out everywhere." in page
    assert "Sign agent@acme.example out everywhere" in page
    assert all(session.get(HOME).status_code == 302 for session in sessions)
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.actor_user == owner and event.details["reason"] == "signed_out_by_admin"


def test_it_refuses_an_agent_the_sign_out_of_another_user(owner, agent):
    target = signed_in("owner@acme.example")
    client = signed_in("agent@acme.example")
    assert client.post(reverse("signins:user_sign_out", args=[owner.id])).status_code == 403
    assert target.get(HOME).status_code == 200


def test_it_answers_404_for_a_user_of_another_company(owner, outsider):
    target = signed_in("owner@globex.example")
    client = signed_in("owner@acme.example")
    assert client.post(reverse("signins:user_sign_out", args=[outsider.id])).status_code == 404
    assert target.get(HOME).status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(owner):
    other = signed_in("owner@acme.example", FIREFOX)
    here = signed_in("owner@acme.example")
    response = here.post(
        reverse("accounts:password_change"),
        {
            "current_password": PASSWORD,
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )
    assert response.status_code == 302, response.content
    assert other.get(HOME).status_code == 302
    html = here.get(SESSIONS).content.decode()
    assert html.count(">this device<") == 1
    assert "Firefox" not in html
    kept = SignIn.objects.get(user=owner, ended_at__isnull=True)
    assert kept.key_digest == hashlib.sha256(key_of(here).encode()).hexdigest()
    ended = SignIn.objects.get(user=owner, browser="Firefox 121")
    assert ended.end_reason == "password_changed"


def test_deactivating_a_user_ends_their_sessions(owner, admin):
    session = signed_in("admin@acme.example")
    set_active(Actor.for_user(owner), admin, False)
    assert session.get(HOME).status_code == 302
    assert not Session.objects.filter(session_key=key_of(session)).exists()
    assert live(admin) == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AGENT])
def test_every_user_reaches_the_page_from_the_account_links(acme, role):
    add(acme, f"{role}@acme.example", role)
    client = signed_in(f"{role}@acme.example")
    home = client.get(HOME).content.decode()
    assert f'href="{SESSIONS}"' in home
    assert client.get(SESSIONS).status_code == 200


def test_parallel_first_requests_of_one_session_share_one_line(transactional_db, owner):
    # A session opened before its line existed (or by a script) may send
    # several requests at once; each may try to add the line.
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections

    client = Client()
    client.force_login(owner)
    cookie = key_of(client)

    def visit(_):
        try:
            other = Client()
            other.cookies["sessionid"] = cookie
            return other.get(HOME).status_code
        finally:
            close_old_connections()

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(visit, range(8)))
    assert statuses == [200] * 8
    assert SignIn.objects.filter(user=owner).count() == 1
