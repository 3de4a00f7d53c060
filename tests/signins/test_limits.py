"""Idle timeout and Maximum session length: saved in Security Settings, enforced per request."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.security.models import SecurityPolicy
from atom.security.runtime.state import state
from atom.signins.models import SignIn
from tests.helpers import section_form, sudo_ends_at
from tests.signins.test_sessions import signed_in

HOME = reverse("home")
SAVE = reverse("companies:security_save")
PUBLIC = {"REMOTE_ADDR": "200.1.2.3"}
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def limits(company, *, idle: int = 0, length: int = 720) -> None:
    SecurityPolicy.objects.filter(company=company).update(
        idle_timeout_minutes=idle, session_length_minutes=length
    )
    state.forget()


class TestEnforcement:
    def test_it_ends_a_session_idle_longer_than_the_timeout(self, owner, acme):
        limits(acme, idle=15)
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            clock.shift(dt.timedelta(minutes=15, seconds=30))
            response = client.get(reverse("signins:sessions"))
            assert response.status_code == 302
            assert (
                response["Location"]
                == reverse("accounts:login") + "?next=%2Fsettings%2Fmy-account%2Fsessions%2F"
            )
            page = client.get(response["Location"]).content.decode()
        assert "You were signed out because you were inactive for too long." in page
        assert client.get(HOME).status_code == 302
        row = SignIn.objects.get(user=owner)
        assert row.end_reason == "idle"
        event = AuditEvent.objects.get(action="session.timed_out")
        assert event.details == {"email": "owner@acme.example", "limit": "idle"}

    def test_it_keeps_a_session_used_within_the_timeout(self, owner, acme):
        limits(acme, idle=15)
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            for _ in range(4):
                clock.shift(dt.timedelta(minutes=10))
                assert client.get(HOME).status_code == 200

    def test_it_ends_a_session_older_than_the_maximum_length_even_in_use(self, owner, acme):
        limits(acme, length=60)
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            for _ in range(5):
                clock.shift(dt.timedelta(minutes=11))
                assert client.get(HOME).status_code == 200
            clock.shift(dt.timedelta(minutes=6))
            response = client.get(HOME)
            assert response.status_code == 302
            page = client.get(response["Location"]).content.decode()
        assert "your session reached its maximum length" in page
        assert SignIn.objects.get(user=owner).end_reason == "length"

    def test_it_answers_json_to_a_page_script_after_the_limit(self, owner, acme):
        limits(acme, idle=15)
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            clock.shift(dt.timedelta(hours=1))
            response = client.get(HOME, HTTP_ACCEPT="application/json")
        assert response.status_code == 401
        assert response.json()["error"] == "session_ended"

    def test_no_idle_timeout_lets_a_session_rest(self, owner, acme):
        limits(acme, idle=0, length=24 * 60)
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            clock.shift(dt.timedelta(hours=11))
            assert client.get(HOME).status_code == 200


class TestLastActivity:
    def test_it_writes_last_activity_at_most_once_a_minute(self, owner, acme):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            for _ in range(5):
                clock.shift(dt.timedelta(seconds=10))
                client.get(HOME)
            assert SignIn.objects.get(user=owner).last_seen_at == START
            clock.shift(dt.timedelta(seconds=15))
            client.get(HOME)
        assert SignIn.objects.get(user=owner).last_seen_at == START + dt.timedelta(seconds=65)

    def test_it_costs_no_write_between_the_minutes(
        self, owner, acme, django_assert_max_num_queries
    ):
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in("owner@acme.example")
            client.get(HOME)
            clock.shift(dt.timedelta(seconds=5))
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                client.get(HOME)
        writes = [
            q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
        ]
        assert writes == []

    def test_it_remembers_the_language_the_user_reads_the_console_in(self, owner, acme):
        client = signed_in("owner@acme.example")
        client.post(reverse("set_language"), {"language": "es", "next": HOME})
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)):
            client.get(HOME)
        owner.refresh_from_db()
        assert owner.language == "es"


class TestSettings:
    def test_it_saves_both_limits_and_audits_them(self, as_user, owner, acme):
        client = as_user(owner)
        response = client.post(
            SAVE, section_form(acme, idle_timeout="30", session_length="480"), **PUBLIC
        )
        assert response.status_code == 302
        policy = SecurityPolicy.objects.get(company=acme)
        assert (policy.idle_timeout_minutes, policy.session_length_minutes) == (30, 480)
        idle = AuditEvent.objects.get(action="security.idle_timeout_changed")
        assert idle.details == {"from_minutes": 0, "to_minutes": 30}
        length = AuditEvent.objects.get(action="security.session_length_changed")
        assert length.details == {"from_minutes": 720, "to_minutes": 480}
        page = client.get(reverse("companies:settings"), **PUBLIC).content.decode()
        assert '<option value="30" selected>30 minutes</option>' in page
        assert '<option value="480" selected>8 hours</option>' in page

    def test_it_leaves_the_limits_alone_when_a_form_does_not_send_them(self, as_user, owner, acme):
        limits(acme, idle=60, length=240)
        as_user(owner).post(SAVE, section_form(acme, password_size="20"), **PUBLIC)
        policy = SecurityPolicy.objects.get(company=acme)
        assert (policy.idle_timeout_minutes, policy.session_length_minutes) == (60, 240)

    @pytest.mark.parametrize(
        "field,value,message",
        [
            (
                "idle_timeout",
                "5",
                "Idle timeout: choose one of the listed lengths, from 15 minutes",
            ),
            ("idle_timeout", "abc", "Idle timeout: choose one of the listed lengths"),
            ("session_length", "30", "Maximum session length: choose one of the listed lengths"),
            ("session_length", "0", "Maximum session length: choose one of the listed lengths"),
            ("session_length", "99999", "Maximum session length: choose one of the listed lengths"),
        ],
    )
    def test_it_refuses_a_length_off_the_list_and_saves_nothing(
        self, as_user, owner, acme, field, value, message
    ):
        response = as_user(owner).post(
            SAVE, section_form(acme, password_size="20", **{field: value}), **PUBLIC
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert SecurityPolicy.objects.get(company=acme).password_size == 15

    @pytest.mark.parametrize(
        "saved,sent",
        [((15, 720), ("60", "720")), ((15, 720), ("0", "720")), ((0, 60), ("0", "1440"))],
    )
    def test_it_asks_for_the_password_to_make_sessions_last_longer(
        self, as_user, owner, acme, saved, sent
    ):
        limits(acme, idle=saved[0], length=saved[1])
        client = as_user(owner)
        sudo_ends_at(client, 0)
        response = client.post(
            SAVE, section_form(acme, idle_timeout=sent[0], session_length=sent[1]), **PUBLIC
        )
        assert response.status_code == 400
        assert "Confirm your password to save these changes" in response.content.decode()
        policy = SecurityPolicy.objects.get(company=acme)
        assert (policy.idle_timeout_minutes, policy.session_length_minutes) == saved

    def test_it_needs_no_password_to_make_sessions_shorter(self, as_user, owner, acme):
        limits(acme, idle=60, length=720)
        client = as_user(owner)
        sudo_ends_at(client, 0)
        response = client.post(
            SAVE, section_form(acme, idle_timeout="15", session_length="60"), **PUBLIC
        )
        assert response.status_code == 302
        policy = SecurityPolicy.objects.get(company=acme)
        assert (policy.idle_timeout_minutes, policy.session_length_minutes) == (15, 60)

    def test_it_shows_the_fields_in_spanish(self, as_user, owner, acme):
        client = as_user(owner)
        client.post(reverse("set_language"), {"language": "es", "next": HOME})
        page = client.get(reverse("companies:settings"), **PUBLIC).content.decode()
        assert "Tiempo de inactividad" in page
        assert "Duración máxima de la sesión" in page
