from django.urls import reverse

from atom.accounts.models import User
from atom.audit.models import AuditEvent
from tests.helpers import PASSWORD

USERS = reverse("accounts:users")
ADD = reverse("accounts:user_add")
GOOD = "a long enough initial passphrase"


def role_url(user):
    return reverse("accounts:user_role", args=[user.id])


def active_url(user):
    return reverse("accounts:user_active", args=[user.id])


def test_it_lists_the_companys_users_only(as_user, owner, admin, agent, outsider):
    html = as_user(owner).get(USERS).content.decode()
    assert "admin@acme.example" in html and "agent@acme.example" in html
    assert "owner@globex.example" not in html


def test_it_refuses_the_users_page_to_an_agent(as_user, agent):
    assert as_user(agent).get(USERS).status_code == 403
    assert as_user(agent).get(ADD).status_code == 403


def test_it_adds_a_user_and_audits_it(as_user, admin, acme):
    response = as_user(admin).post(
        ADD, {"email": "New@Acme.example", "role": "agent", "password": GOOD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@acme.example")
    assert user.company == acme and user.role == "agent" and user.must_change_password
    event = AuditEvent.objects.get(action="user.added")
    assert event.details == {"email": "new@acme.example", "role": "agent"}
    assert GOOD not in str(event.details)


def test_it_refuses_a_duplicate_email_case_insensitively(as_user, owner, agent):
    response = as_user(owner).post(
        ADD, {"email": "AGENT@acme.example", "role": "agent", "password": GOOD}
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_it_refuses_a_bad_role(as_user, owner):
    response = as_user(owner).post(
        ADD, {"email": "x@acme.example", "role": "root", "password": GOOD}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="x@acme.example").exists()


def test_it_lets_only_an_owner_add_an_owner(as_user, admin):
    response = as_user(admin).post(
        ADD, {"email": "x@acme.example", "role": "owner", "password": GOOD}
    )
    assert "Only an owner can add another owner." in response.content.decode()
    assert not User.objects.filter(email="x@acme.example").exists()


def test_it_changes_a_role_and_audits_it(as_user, owner, agent):
    as_user(owner).post(role_url(agent), {"role": "admin"})
    agent.refresh_from_db()
    assert agent.role == "admin"
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.details == {"email": agent.email, "from": "agent", "to": "admin"}


def test_it_keeps_at_least_one_active_owner(as_user, owner, admin):
    client = as_user(owner)
    client.post(role_url(owner), {"role": "admin"})
    owner.refresh_from_db()
    assert owner.role == "owner"
    page = client.get(USERS).content.decode()
    assert "at least one active owner" in page


def test_it_lets_only_an_owner_demote_an_owner(as_user, owner, admin):
    as_user(admin).post(role_url(owner), {"role": "agent"})
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_it_deactivates_a_user_who_then_cannot_log_in(as_user, owner, agent, client):
    as_user(owner).post(active_url(agent), {"active": "0"})
    agent.refresh_from_db()
    assert not agent.is_active
    assert AuditEvent.objects.filter(action="user.deactivated", details__email=agent.email).exists()
    client.logout()
    response = client.post(reverse("accounts:login"), {"email": agent.email, "password": PASSWORD})
    assert response.status_code == 400


def test_it_ends_a_deactivated_users_open_session(as_user, owner, agent, client):
    from django.test import Client

    agent_client = Client()
    agent_client.force_login(agent, backend="atom.accounts.backends.EmailBackend")
    assert agent_client.get("/").status_code == 200
    as_user(owner).post(active_url(agent), {"active": "0"})
    assert agent_client.get("/").status_code == 302


def test_it_reactivates_a_user(as_user, owner, agent):
    client = as_user(owner)
    client.post(active_url(agent), {"active": "0"})
    client.post(active_url(agent), {"active": "1"})
    agent.refresh_from_db()
    assert agent.is_active


def test_it_refuses_to_deactivate_yourself(as_user, owner):
    as_user(owner).post(active_url(owner), {"active": "0"})
    owner.refresh_from_db()
    assert owner.is_active


def test_it_answers_404_for_another_companys_user(as_user, owner, outsider):
    client = as_user(owner)
    assert client.post(role_url(outsider), {"role": "agent"}).status_code == 404
    assert client.post(active_url(outsider), {"active": "0"}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active and outsider.role == "owner"


def test_it_refuses_role_changes_by_an_agent(as_user, agent, admin):
    assert as_user(agent).post(role_url(admin), {"role": "agent"}).status_code == 403


def test_it_keeps_the_users_page_out_of_caches(as_user, owner):
    client = as_user(owner)
    for page in (USERS, ADD):
        response = client.get(page)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
