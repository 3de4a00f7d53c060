"""The Integration tokens page without a browser: who may, sudo mode, shown once, bad input."""

from django.urls import reverse

from atom.security.models import IntegrationToken
from tests.security.integration_token_helpers import issue

PAGE = "security:integration_tokens"


def create(client, **fields):
    data = {"name": "Shop", "scopes": ["flows:start"], "expiry": "90"}
    data.update(fields)
    return client.post(reverse(PAGE), data)


def test_it_shows_a_new_token_once_in_full_then_only_its_last_4(as_user, owner):
    client = as_user(owner)
    response = create(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    row = IntegrationToken.objects.get(name="Shop")
    page = response.content.decode()
    start = page.index('id="new-token"')
    clear = page[page.index(">", start) + 1 : page.index("</textarea>", start)]
    assert clear.startswith("atomi_") and clear.endswith(row.last4)
    later = client.get(reverse(PAGE)).content.decode()
    assert clear not in later
    assert row.last4 in later and "Shop" in later


def test_it_links_the_page_from_the_api_token_field(as_user, owner):
    page = as_user(owner).get(reverse("companies:settings")).content.decode()
    assert reverse(PAGE) in page


def test_it_asks_for_the_password_before_creating(as_user, owner):
    client = as_user(owner, sudo=False)
    response = create(client)
    assert response.status_code == 302
    assert reverse("accounts:confirm_password") in response["Location"]
    assert not IntegrationToken.objects.exists()


def test_it_lets_an_admin_create_and_refuses_an_agent(as_user, admin, agent):
    assert create(as_user(admin)).status_code == 200
    assert create(as_user(agent), name="Other").status_code == 403
    assert as_user(agent).get(reverse(PAGE)).status_code == 403
    assert list(IntegrationToken.objects.values_list("name", flat=True)) == ["Shop"]


def test_it_keeps_the_input_and_names_each_problem(as_user, owner):
    issue(owner.company, name="Shop")
    response = create(
        as_user(owner),
        name="shop",
        scopes=["flows:start", "flows:delete"],
        expiry="date",
        expiry_date="2020-01-01",
        addresses="1.2.3",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already has a token named shop" in page
    assert "flows:delete is not a scope" in page
    assert "2020-01-01 has already passed" in page
    assert "Allowed IP Addresses: " in page
    assert 'value="shop"' in page
    assert IntegrationToken.objects.count() == 1


def test_it_speaks_spanish(as_user, owner):
    client = as_user(owner)
    client.cookies["django_language"] = "es"
    page = create(client, scopes=[]).content.decode()
    assert "Tokens de integración" in page


def test_it_rotates_and_shows_the_new_secret_once(as_user, owner):
    row, old = issue(owner.company)
    response = as_user(owner).post(
        reverse("security:integration_token_rotate", args=[row.id]), {"grace": "1h"}
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.previous_last4 == old[-4:]
    page = response.content.decode()
    assert row.last4 in page and "atomi_" in page and old not in page


def test_it_asks_before_revoking_then_revokes(as_user, owner):
    row, _clear = issue(owner.company)
    client = as_user(owner)
    url = reverse("security:integration_token_revoke", args=[row.id])
    asked = client.post(url)
    assert asked.status_code == 200 and "Revoke Shop?" in asked.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_it_never_touches_another_companys_token(as_user, owner, globex):
    theirs, _clear = issue(globex)
    client = as_user(owner)
    rotate = reverse("security:integration_token_rotate", args=[theirs.id])
    revoke = reverse("security:integration_token_revoke", args=[theirs.id])
    assert client.post(rotate, {"grace": "0"}).status_code == 404
    assert client.post(revoke, {"confirmed": "1"}).status_code == 404
    assert "Shop" not in client.get(reverse(PAGE)).content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and theirs.rotated_at is None


def test_it_sets_a_maximum_lifetime_and_refuses_one_out_of_range(as_user, owner):
    client = as_user(owner)
    url = reverse("security:integration_token_maximum")
    bad = client.post(url, {"max_lifetime_days": "0"})
    assert bad.status_code == 400
    assert "Maximum lifetime: enter a number of days from 1 to 3650" in bad.content.decode()
    assert client.post(url, {"max_lifetime_days": "30"}).status_code == 302
    page = create(client, expiry="90").content.decode()
    assert "at most 30 days" in page


def test_it_lists_an_expired_and_an_expiring_token_by_status(as_user, owner):
    from datetime import timedelta

    from django.utils import timezone

    expired, _clear = issue(owner.company, name="Old")
    soon, _clear = issue(owner.company, name="Soon")
    IntegrationToken.objects.filter(id=expired.id).update(expires_at=timezone.now())
    IntegrationToken.objects.filter(id=soon.id).update(
        expires_at=timezone.now() + timedelta(days=3)
    )
    page = as_user(owner).get(reverse(PAGE)).content.decode()
    assert "status-expired" in page and "status-expiring" in page
    assert "Rotate Old" not in page and "Revoke Old" in page
    assert "Rotate Soon" in page
