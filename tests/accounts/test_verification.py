"""Every place that checks a password counts toward one lock-out per account and address."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from atom.accounts import verification
from atom.audit.models import AuditEvent
from tests.helpers import PASSWORD

LOGIN = reverse("accounts:login")
CONFIRM = reverse("accounts:confirm_password")
CHANGE = reverse("accounts:password_change")
WRONG = "not the password at all"
NEW = "a brand new passphrase for qzv"


def sudo(client, password, **extra):
    return client.post(CONFIRM, {"password": password}, HTTP_ACCEPT="application/json", **extra)


def change(client, current, **extra):
    return client.post(
        CHANGE,
        {"current_password": current, "new_password1": NEW, "new_password2": NEW},
        **extra,
    )


def log_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def failures(user, where):
    return AuditEvent.objects.filter(
        action="verification.failed", actor_user=user, details__where=where
    )


class TestSudoPrompt:
    def test_it_locks_the_prompt_after_five_wrong_passwords_and_refuses_the_right_one(
        self, as_user, owner
    ):
        client = as_user(owner, sudo=False)
        answers = [sudo(client, WRONG) for _ in range(5)]
        assert [answer.status_code for answer in answers] == [400, 400, 400, 400, 429]
        right = sudo(client, PASSWORD)
        assert right.status_code == 429
        assert right.json()["error"] == "locked_out"
        assert "Wait 15 minutes" in right.json()["message"]
        assert right["Retry-After"] == "900"
        assert "confirmed" not in right.json()

    def test_it_audits_every_wrong_password_without_the_password(self, as_user, owner):
        client = as_user(owner, sudo=False)
        for _ in range(3):
            sudo(client, WRONG)
        events = failures(owner, "sudo")
        assert events.count() == 3
        assert all(event.details["email"] == owner.email for event in events)
        assert WRONG not in str([event.details for event in events])

    def test_it_answers_the_page_with_429_and_the_wait(self, as_user, owner):
        client = as_user(owner, sudo=False)
        for _ in range(5):
            client.post(CONFIRM, {"password": WRONG})
        page = client.post(CONFIRM, {"password": PASSWORD})
        assert page.status_code == 429
        assert page["Retry-After"] == "900"
        assert "Wait 15 minutes and try again." in page.content.decode()

    def test_it_forgets_earlier_mistakes_once_the_password_is_right(self, as_user, owner):
        client = as_user(owner, sudo=False)
        for _ in range(4):
            sudo(client, WRONG)
        assert sudo(client, PASSWORD).json()["confirmed"] is True
        for _ in range(4):
            assert sudo(client, WRONG).status_code == 400

    def test_it_does_not_count_an_empty_password(self, as_user, owner):
        client = as_user(owner, sudo=False)
        for _ in range(6):
            assert sudo(client, "").status_code == 400
        assert sudo(client, PASSWORD).status_code == 200


class TestOneLockOut:
    def test_it_counts_log_in_and_sudo_failures_together(self, client, as_user, owner):
        for _ in range(3):
            log_in(client, owner.email, WRONG)
        signed_in = as_user(owner, sudo=False)
        assert sudo(signed_in, WRONG).status_code == 400
        assert sudo(signed_in, WRONG).status_code == 429
        signed_in.logout()
        # Locked at the log-in too: the right password is refused.
        assert log_in(signed_in, owner.email).status_code == 429

    def test_it_stops_the_sudo_prompt_once_log_in_locked_the_account(self, client, as_user, owner):
        for _ in range(5):
            log_in(client, owner.email, WRONG)
        assert sudo(as_user(owner, sudo=False), PASSWORD).status_code == 429

    def test_it_locks_only_the_address_that_failed(self, as_user, owner):
        client = as_user(owner, sudo=False)
        for _ in range(5):
            sudo(client, WRONG)
        assert sudo(client, PASSWORD, REMOTE_ADDR="8.8.4.4").status_code == 200


class TestChangePassword:
    def test_it_locks_change_password_after_five_wrong_current_passwords(self, as_user, agent):
        client = as_user(agent)
        statuses = [change(client, WRONG).status_code for _ in range(5)]
        assert statuses == [400, 400, 400, 400, 429]
        page = change(client, PASSWORD)
        assert page.status_code == 429
        assert page["Retry-After"] == "900"
        assert "Wait 15 minutes and try again." in page.content.decode()
        agent.refresh_from_db()
        assert agent.check_password(PASSWORD)

    def test_it_answers_a_script_with_json(self, as_user, agent):
        client = as_user(agent)
        for _ in range(5):
            change(client, WRONG)
        answer = change(client, PASSWORD, HTTP_ACCEPT="application/json")
        assert answer.status_code == 429
        assert answer.json()["error"] == "locked_out"

    def test_it_audits_each_wrong_current_password(self, as_user, agent):
        client = as_user(agent)
        for _ in range(2):
            change(client, WRONG)
        assert failures(agent, "password_change").count() == 2

    def test_it_never_stores_the_typed_current_password(self, as_user, agent, settings):
        change(as_user(agent), WRONG)
        stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
        if settings.AXES_HANDLER.endswith("AxesDatabaseHandler"):
            # Without Redis each failure is a row with the rest of the POST data.
            assert "current_password" in stored
        assert WRONG not in stored


class TestTheApi:
    """What another check (a second-factor code) calls."""

    def request(self, user, address="203.0.113.9"):
        request = RequestFactory().post("/", REMOTE_ADDR=address)
        from ipaddress import ip_address

        request.client_ip = ip_address(address)
        request.user = user
        return request

    def test_it_locks_out_after_the_limit_of_recorded_failures(self, owner):
        for _ in range(4):
            verification.record_failure(self.request(owner), owner, where="two_factor")
            assert not verification.is_locked_out(self.request(owner), owner)
        last = self.request(owner)
        verification.record_failure(last, owner, where="two_factor")
        assert verification.is_locked_out(self.request(owner), owner)
        # The caller answers: django-axes' middleware is not told to replace it.
        assert last.axes_locked_out is False
        assert failures(owner, "two_factor").order_by("id").last().details["locked_out"] is True

    def test_it_refuses_the_right_password_while_locked_out_and_says_so_in_the_audit(self, owner):
        for _ in range(5):
            verification.record_failure(self.request(owner), owner, where="two_factor")
        assert not verification.check_password(self.request(owner), owner, PASSWORD, where="sudo")
        assert failures(owner, "sudo").get().details["locked_out"] is True

    def test_it_resets_the_count_on_success(self, owner):
        for _ in range(4):
            verification.record_failure(self.request(owner), owner, where="two_factor")
        verification.record_success(self.request(owner), owner)
        verification.record_failure(self.request(owner), owner, where="two_factor")
        assert not verification.is_locked_out(self.request(owner), owner)

    @pytest.mark.parametrize("where", ["", "Sudo", "two factor", "x" * 41, "sudo\n"])
    def test_it_refuses_a_where_that_is_not_a_short_word(self, owner, where):
        with pytest.raises(ValueError, match="where"):
            verification.record_failure(self.request(owner), owner, where=where)
