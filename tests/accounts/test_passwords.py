"""Password Size enforced wherever a password is set or used (issue: Password Size)."""

import re
import unicodedata

import pytest
from django.core import mail
from django.urls import reverse

from atom.accounts.models import User
from atom.audit.models import AuditEvent
from atom.security.models import SecurityPolicy
from tests.helpers import PASSWORD, sudo_ends_at

CHANGE = reverse("accounts:password_change")


def set_minimum(company, minimum):
    SecurityPolicy.objects.filter(company=company).update(password_size=minimum)
    company.refresh_from_db()


def change(client, new, confirm=None, current=PASSWORD):
    return client.post(
        CHANGE, {"current_password": current, "new_password1": new, "new_password2": confirm or new}
    )


def passphrase(length):
    # Not on the common list, not like any email: "qzv" repeated is fine.
    return ("qzvxw " * 60)[:length]


def test_it_refuses_one_character_less_than_the_minimum(as_user, agent, acme):
    set_minimum(acme, 20)
    response = change(as_user(agent), passphrase(19))
    assert response.status_code == 400
    assert (
        "This password has 19 characters; your company requires at least 20."
        in response.content.decode()
    )
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_it_accepts_exactly_the_minimum(as_user, agent, acme):
    set_minimum(acme, 20)
    response = change(as_user(agent), passphrase(20))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(passphrase(20))
    assert AuditEvent.objects.filter(action="password.changed", actor_user=agent).exists()


def test_it_accepts_256_characters_without_truncating(as_user, agent):
    response = change(as_user(agent), passphrase(256))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(passphrase(256))
    assert not agent.check_password(passphrase(255))


def test_it_refuses_257_characters(as_user, agent):
    response = change(as_user(agent), passphrase(257))
    assert response.status_code == 400
    assert "the most Atom accepts is 256" in response.content.decode()


def test_it_refuses_a_common_password_with_its_own_message(as_user, agent, acme):
    set_minimum(acme, 8)
    response = change(as_user(agent), "password123")
    assert response.status_code == 400
    assert "commonly used passwords" in response.content.decode()


def test_it_refuses_a_password_like_the_email(as_user, agent, acme):
    set_minimum(acme, 8)
    response = change(as_user(agent), "agent@acme.example")
    assert response.status_code == 400
    assert "too similar to your email address" in response.content.decode()


def test_it_refuses_a_confirmation_that_differs(as_user, agent):
    response = change(as_user(agent), passphrase(20), passphrase(21))
    assert response.status_code == 400
    assert "The two passwords are not the same" in response.content.decode()


def test_it_refuses_a_wrong_current_password(as_user, agent):
    response = change(as_user(agent), passphrase(20), current="not my password at all")
    assert response.status_code == 400
    assert "Your current password is not correct." in response.content.decode()


def test_it_has_no_composition_rules(as_user, agent):
    # Only lowercase letters and spaces: long enough is all that counts.
    assert change(as_user(agent), "correct pony staple sunrise").status_code == 302


def test_it_counts_code_points_after_nfkc(as_user, agent, acme):
    set_minimum(acme, 15)
    # 14 code points composed; 28 decomposed. NFKC makes both 14: refused.
    composed = "éééééééééééééé"
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) == 28
    response = change(as_user(agent), decomposed)
    assert response.status_code == 400
    assert "This password has 14 characters" in response.content.decode()


def test_it_logs_in_with_the_password_typed_composed_or_decomposed(client, agent):
    composed = "contraseña añeja del señor"
    agent.set_password(composed)
    agent.save()
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    response = client.post(
        reverse("accounts:login"), {"email": agent.email, "password": decomposed}
    )
    assert response.status_code == 302


def test_it_states_the_rule_and_counts_on_the_page(as_user, agent, acme):
    set_minimum(acme, 18)
    html = as_user(agent).get(CHANGE).content.decode()
    assert "At least 18 characters" in html
    assert 'data-password-minimum="18"' in html
    assert "password-meter.js" in html


class TestRaisedMinimum:
    def test_it_lets_a_short_password_log_in_then_forces_a_change(self, client, agent, acme):
        set_minimum(acme, 40)
        response = client.post(
            reverse("accounts:login"), {"email": agent.email, "password": PASSWORD}
        )
        assert response["Location"] == CHANGE
        agent.refresh_from_db()
        assert agent.must_change_password
        event = AuditEvent.objects.get(action="password.change_required", actor_user=agent)
        assert event.details == {"reason": "policy", "minimum": 40}
        page = client.get(CHANGE).content.decode()
        assert "Your company now requires passwords of at least 40 characters" in page

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/settings/my-company/settings/",
            "/settings/my-company/users/",
            "/account/confirm-password/",
        ],
    )
    def test_it_redirects_every_other_page_until_changed(self, client, agent, owner, acme, path):
        set_minimum(acme, 40)
        user = owner if "settings" in path else agent
        client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == CHANGE

    def test_it_refuses_the_console_json_endpoints_until_changed(self, client, owner, acme):
        set_minimum(acme, 40)
        client.post(reverse("accounts:login"), {"email": owner.email, "password": PASSWORD})
        response = client.post(
            reverse("security:token_reveal"), {"which": "active"}, HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 403
        assert response.json()["error"] == "password_change_required"

    def test_it_lets_the_user_go_on_after_a_good_change(self, client, agent, acme):
        set_minimum(acme, 40)
        client.post(reverse("accounts:login"), {"email": agent.email, "password": PASSWORD})
        assert change(client, passphrase(40)).status_code == 302
        assert client.get("/").status_code == 200
        agent.refresh_from_db()
        assert not agent.must_change_password

    def test_it_does_not_flag_a_password_that_is_long_enough(self, client, agent, acme):
        set_minimum(acme, len(PASSWORD))
        client.post(reverse("accounts:login"), {"email": agent.email, "password": PASSWORD})
        agent.refresh_from_db()
        assert not agent.must_change_password


class TestPasswordReset:
    def test_it_mails_a_link_that_sets_a_new_password_under_the_policy(self, client, agent, acme):
        set_minimum(acme, 20)
        response = client.post(reverse("accounts:password_reset"), {"email": "AGENT@acme.example"})
        assert response["Location"] == reverse("accounts:password_reset_done")
        assert len(mail.outbox) == 1
        link = re.search(r"https?://[^/]+(/password-reset/\S+)", mail.outbox[0].body).group(1)
        form_page = client.get(link, follow=True)
        assert form_page.status_code == 200
        set_url = form_page.redirect_chain[-1][0]
        # The token left the URL for the session (Django's own protection).
        assert "set-password" in set_url
        short = client.post(
            set_url, {"new_password1": passphrase(19), "new_password2": passphrase(19)}
        )
        assert "your company requires at least 20" in short.content.decode()
        done = client.post(
            set_url, {"new_password1": passphrase(20), "new_password2": passphrase(20)}
        )
        assert done["Location"] == reverse("accounts:password_reset_complete")
        agent.refresh_from_db()
        assert agent.check_password(passphrase(20))
        assert AuditEvent.objects.filter(action="password.reset", actor_user=agent).exists()

    def test_it_answers_the_same_for_an_unknown_email(self, client, db):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "nobody@nowhere.example"}
        )
        assert response["Location"] == reverse("accounts:password_reset_done")
        assert mail.outbox == []


class TestAddUser:
    def test_it_refuses_an_initial_password_below_the_minimum(self, as_user, owner, acme):
        set_minimum(acme, 20)
        response = as_user(owner).post(
            reverse("accounts:user_add"),
            {"email": "new@acme.example", "role": "agent", "password": passphrase(19)},
        )
        assert response.status_code == 400
        assert "your company requires at least 20" in response.content.decode()
        assert not User.objects.filter(email="new@acme.example").exists()

    def test_it_makes_a_user_with_an_admin_set_password_change_it_at_first_log_in(
        self, as_user, owner, client
    ):
        as_user(owner).post(
            reverse("accounts:user_add"),
            {"email": "new@acme.example", "role": "agent", "password": passphrase(20)},
        )
        client.logout()
        response = client.post(
            reverse("accounts:login"), {"email": "new@acme.example", "password": passphrase(20)}
        )
        assert response["Location"] == CHANGE
        assert "Your password was set by an admin" in client.get(CHANGE).content.decode()
        assert client.get("/").status_code == 302


def test_it_asks_again_for_the_current_password_of_a_required_change_outside_sudo_mode(
    as_user, agent
):
    agent.must_change_password = True
    agent.password_change_reason = "initial"
    agent.save()
    client = as_user(agent, sudo=True)
    fresh = client.get("/account/password/").content.decode()
    assert 'name="current_password"' not in fresh
    sudo_ends_at(client, 0)
    stale = client.get("/account/password/").content.decode()
    assert 'name="current_password"' in stale


def test_the_password_prompt_says_how_long_a_confirmation_lasts(as_user, agent, settings):
    settings.ATOM_SUDO_MINUTES = 5
    page = as_user(agent, sudo=False).get("/account/confirm-password/").content.decode()
    assert "needs your password from the last 5 minutes" in page
