import pytest
from django.urls import reverse

from atom.accounts.models import User
from atom.audit.models import AuditEvent
from tests.helpers import PASSWORD

LOGIN = reverse("accounts:login")


def log_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_it_shows_the_log_in_page_with_email_and_password(client, db):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_email">Email</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert ">Log in</button>" in html
    assert "Forgot password?" in html


def test_it_logs_in_with_email_and_password(client, owner):
    response = log_in(client, "owner@acme.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action="login.succeeded")
    assert event.actor_user == owner
    assert event.ip == "127.0.0.1"


def test_it_compares_the_email_case_insensitively(client, owner):
    assert log_in(client, "  OWNER@Acme.Example ").status_code == 302


def test_it_refuses_a_wrong_password_with_a_generic_message(client, owner):
    response = log_in(client, "owner@acme.example", "wrong password here!")
    assert response.status_code == 400
    assert b"Email or password is incorrect." in response.content
    event = AuditEvent.objects.get(action="login.failed")
    assert event.company == owner.company
    assert "wrong password" not in str(event.details)


def test_it_says_the_same_for_an_unknown_email(client, db):
    response = log_in(client, "nobody@acme.example", "wrong password here!")
    assert response.status_code == 400
    assert b"Email or password is incorrect." in response.content


def test_it_refuses_a_deactivated_user(client, agent):
    agent.is_active = False
    agent.save()
    response = log_in(client, agent.email)
    assert response.status_code == 400
    assert b"Email or password is incorrect." in response.content


def test_it_gives_a_new_session_key_at_log_in(client, owner):
    client.get(LOGIN)
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    log_in(client, owner.email)
    assert client.session.session_key != before


def test_it_follows_a_local_next_after_log_in(client, owner):
    response = client.post(
        LOGIN + "?next=/settings/my-company/users/", {"email": owner.email, "password": PASSWORD}
    )
    assert response["Location"] == "/settings/my-company/users/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http:evil.example"]
)
def test_it_never_redirects_off_site_after_log_in(client, owner, target):
    response = client.post(f"{LOGIN}?next={target}", {"email": owner.email, "password": PASSWORD})
    assert response["Location"] == reverse("home")


def test_it_locks_out_after_five_failures_for_one_account_and_address(client, owner):
    for _ in range(5):
        log_in(client, owner.email, "wrong password here!")
    response = log_in(client, owner.email)
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert AuditEvent.objects.filter(action="login.locked_out", company=owner.company).exists()
    # The same account from another address is not locked out.
    assert log_in(client, owner.email, REMOTE_ADDR="8.8.4.4").status_code == 302


def test_it_logs_out_only_by_post_and_audits_it(as_user, owner):
    client = as_user(owner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_user=owner).exists()
    assert client.get(reverse("home")).status_code == 302


def test_it_requires_csrf_on_log_in(owner):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"email": owner.email, "password": PASSWORD})
    assert response.status_code == 403


def test_it_stores_emails_folded(acme):
    user = User.objects.create_user(
        email="Mixed.Case@Acme.Example", company=acme, role="agent", password=PASSWORD
    )
    assert user.email == "mixed.case@acme.example"


def test_it_hashes_passwords_with_argon2id(owner):
    assert owner.password.startswith("argon2$argon2id$")
