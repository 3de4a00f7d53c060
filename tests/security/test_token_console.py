"""The API Token in the console: masked, reveal, copy, generate, save, grace."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from atom.audit.models import AuditEvent
from atom.security import api_tokens
from atom.security.core import tokens
from atom.security.models import ApiToken, TokenStatus
from tests.helpers import bearer, section_form, sudo_ends_at

SETTINGS = reverse("companies:settings")
REVEAL = reverse("security:token_reveal")
GENERATE = reverse("security:token_generate")
SAVE = reverse("companies:security_save")
JSON = {"HTTP_ACCEPT": "application/json"}


def generate(client):
    return client.post(GENERATE, **JSON).json()


def test_it_shows_the_token_masked_and_never_in_clear(as_user, owner, acme_token):
    html = as_user(owner).get(SETTINGS).content.decode()
    assert acme_token not in html
    assert f"atom_{'•' * 16}{acme_token[-4:]}" in html
    assert "Generate new Token" in html
    assert 'aria-label="Show token"' in html


def test_it_reveals_the_token_in_sudo_mode_and_audits_it(as_user, owner, acme_token):
    response = as_user(owner).post(REVEAL, {"which": "active", "purpose": "show"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"token": acme_token}
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="token.revealed")
    assert acme_token not in str(event.details)
    assert event.details["last4"] == acme_token[-4:]


def test_it_audits_a_copy_separately(as_user, owner, acme_token):
    as_user(owner).post(REVEAL, {"which": "active", "purpose": "copy"}, **JSON)
    assert AuditEvent.objects.filter(action="token.copied").count() == 1


def test_it_asks_for_the_password_outside_sudo_mode(as_user, owner):
    client = as_user(owner, sudo=False)
    response = client.post(REVEAL, {"which": "active"}, **JSON)
    assert response.status_code == 403
    assert response.json()["error"] == "password_required"
    confirm = client.post(reverse("accounts:confirm_password"), {"password": "wrong"}, **JSON)
    assert confirm.status_code == 400
    confirm = client.post(
        reverse("accounts:confirm_password"), {"password": "correct horse battery staple"}, **JSON
    )
    assert confirm.json()["confirmed"] is True
    assert client.post(REVEAL, {"which": "active"}, **JSON).status_code == 200


def test_it_expires_sudo_mode_after_15_minutes(as_user, owner):
    client = as_user(owner)
    sudo_ends_at(client, time.time() - 1)
    assert client.post(REVEAL, {"which": "active"}, **JSON).status_code == 403


@pytest.mark.parametrize("url", [REVEAL, GENERATE])
def test_it_refuses_token_actions_to_an_agent(as_user, agent, url):
    assert as_user(agent).post(url, **JSON).status_code == 403


def test_it_refuses_reveal_by_get(as_user, owner):
    assert as_user(owner).get(REVEAL).status_code == 405


def test_it_generates_a_pending_token_that_works_nowhere(as_user, owner, acme, acme_token, client):
    response = as_user(owner).post(GENERATE, **JSON)
    assert "no-store" in response["Cache-Control"]
    pending = response.json()
    assert pending["masked"].startswith("atom_••••")
    row = ApiToken.objects.get(id=pending["id"])
    assert row.status == TokenStatus.PENDING
    clear = api_tokens.reveal(row)
    # Shown at once, in full, to the admin who made it (in sudo mode).
    assert pending["token"] == clear
    assert client.get("/api/v1/company", **bearer(clear)).status_code == 401
    assert client.get("/api/v1/company", **bearer(acme_token)).status_code == 200
    assert AuditEvent.objects.filter(action="token.generated").exists()


def test_it_reveals_the_pending_token_only_to_who_generated_it(as_user, owner, admin):
    pending = generate(as_user(owner))
    mine = as_user(owner).post(REVEAL, {"which": "pending", "id": pending["id"]}, **JSON)
    assert mine.status_code == 200
    theirs = as_user(admin).post(REVEAL, {"which": "pending", "id": pending["id"]}, **JSON)
    assert theirs.status_code == 404


def test_it_activates_the_pending_token_on_save_and_stops_the_old_one(
    as_user, owner, acme, acme_token
):
    client = as_user(owner)
    pending = generate(client)
    new_token = api_tokens.reveal(ApiToken.objects.get(id=pending["id"]))
    response = client.post(
        SAVE, section_form(acme, pending_token=pending["id"], old_token_grace="0")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get("/api/v1/company", **bearer(acme_token)).status_code == 401
    assert client.get("/api/v1/company", **bearer(new_token)).status_code == 200
    assert ApiToken.objects.filter(company=acme, status=TokenStatus.ACTIVE).count() == 1
    event = AuditEvent.objects.get(action="token.activated")
    assert event.details["grace_seconds"] == 0
    assert new_token not in str(event.details) and acme_token not in str(event.details)


def test_it_keeps_the_old_token_during_the_grace_period_then_refuses_it(
    as_user, owner, acme, acme_token, client
):
    admin_client = as_user(owner)
    pending = generate(admin_client)
    admin_client.post(SAVE, section_form(acme, pending_token=pending["id"], old_token_grace="1h"))
    api = client.__class__()
    assert api.get("/api/v1/company", **bearer(acme_token)).status_code == 200
    body = api.get("/api/v1/company", **bearer(acme_token)).json()
    assert body["token"]["graceEndsAt"] is not None
    page = admin_client.get(SETTINGS).content.decode()
    assert "Old tokens still working" in page
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert api.get("/api/v1/company", **bearer(acme_token)).status_code == 401
        assert api_tokens.expire_due() == 1
    assert AuditEvent.objects.filter(action="token.expired").count() == 1


def test_it_ends_a_grace_period_early(as_user, owner, acme, acme_token, client):
    admin_client = as_user(owner)
    pending = generate(admin_client)
    admin_client.post(SAVE, section_form(acme, pending_token=pending["id"], old_token_grace="7d"))
    old = ApiToken.objects.get(company=acme, status=TokenStatus.GRACE)
    stop = reverse("security:token_end_grace", args=[old.id])
    # Without JavaScript the first press asks, naming the token's last use.
    asked = admin_client.post(stop)
    assert asked.status_code == 200
    assert f"Stop {tokens.mask(acme_token[-4:])} now?" in asked.content.decode()
    assert "It has not been used since it was replaced." in asked.content.decode()
    assert client.get("/api/v1/company", **bearer(acme_token)).status_code == 200

    response = admin_client.post(stop, {"confirmed": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("#token-result")
    assert client.get("/api/v1/company", **bearer(acme_token)).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoked", details__early=True).exists()


def test_it_asks_for_the_password_before_stopping_an_old_token(
    as_user, owner, acme, acme_token, client
):
    admin_client = as_user(owner)
    pending = generate(admin_client)
    admin_client.post(SAVE, section_form(acme, pending_token=pending["id"], old_token_grace="7d"))
    old = ApiToken.objects.get(company=acme, status=TokenStatus.GRACE)
    sudo_ends_at(admin_client, 0)
    stop = reverse("security:token_end_grace", args=[old.id])

    refused = admin_client.post(stop, {"confirmed": "1"}, **JSON)
    assert refused.status_code == 403
    assert refused.json()["error"] == "password_required"
    prompt = admin_client.post(stop, {"confirmed": "1"})
    assert prompt["Location"].startswith("/account/confirm-password/?next=")
    assert ApiToken.objects.get(id=old.id).status == TokenStatus.GRACE
    assert client.get("/api/v1/company", **bearer(acme_token)).status_code == 200


def test_it_refuses_to_end_another_companys_grace_token(as_user, outsider, owner, acme):
    admin_client = as_user(owner)
    pending = generate(admin_client)
    admin_client.post(SAVE, section_form(acme, pending_token=pending["id"], old_token_grace="7d"))
    old = ApiToken.objects.get(company=acme, status=TokenStatus.GRACE)
    assert (
        as_user(outsider).post(reverse("security:token_end_grace", args=[old.id])).status_code
        == 404
    )


def test_it_refuses_to_save_a_new_token_outside_sudo_mode(as_user, owner, acme, acme_token):
    client = as_user(owner)
    pending = generate(client)
    sudo_ends_at(client, 0)
    response = client.post(SAVE, section_form(acme, pending_token=pending["id"]))
    assert response.status_code == 400
    assert (
        "Confirm your password to save these changes: this Save puts a new API token in use."
        in response.content.decode()
    )
    assert api_tokens.active_token(acme).last4 == acme_token[-4:]


def test_it_refuses_a_pending_token_older_than_an_hour(as_user, owner, acme, acme_token):
    client = as_user(owner)
    pending = generate(client)
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        sudo_ends_at(client, time.time() + 600)
        response = client.post(SAVE, section_form(acme, pending_token=pending["id"]))
    assert "more than an hour old" in response.content.decode()
    assert api_tokens.active_token(acme).last4 == acme_token[-4:]


def test_it_discards_the_pending_token_on_purpose_and_audits_it(as_user, owner, acme):
    client = as_user(owner)
    pending = generate(client)
    response = client.post(reverse("security:token_discard"))
    assert response.status_code == 302
    assert ApiToken.objects.get(id=pending["id"]).status == TokenStatus.DISCARDED
    event = AuditEvent.objects.get(action="token.discarded")
    assert event.company == acme and event.actor_user == owner
    assert event.details == {"last4": pending["masked"][-4:]}
    page = client.get(response["Location"]).content.decode()
    assert "The new token was discarded; the current token is unchanged." in page
    assert "This new token is not in use yet." not in page.split("pending-token-notice")[0]


def test_it_audits_the_token_a_newer_generate_replaces(as_user, owner):
    client = as_user(owner)
    first = generate(client)
    generate(client)
    assert ApiToken.objects.get(id=first["id"]).status == TokenStatus.DISCARDED
    assert AuditEvent.objects.get(action="token.discarded").details["last4"] == first["masked"][-4:]


def test_it_keeps_the_pending_token_when_the_page_is_opened_again(as_user, owner, client):
    admin_client = as_user(owner)
    pending = generate(admin_client)
    # Another tab, the Company section's Save: neither loses the new token.
    admin_client.get(SETTINGS)
    admin_client.post(reverse("companies:rename"), {"name": "Acme Two"})
    admin_client.get(SETTINGS + "?pending=²")
    assert ApiToken.objects.get(id=pending["id"]).status == TokenStatus.PENDING
    page = admin_client.get(SETTINGS).content.decode()
    assert f'name="pending_token" id="pending-token-id" value="{pending["id"]}"' in page
    assert not AuditEvent.objects.filter(action="token.discarded").exists()


def test_it_lets_a_pending_token_lapse_after_an_hour(as_user, owner):
    client = as_user(owner)
    pending = generate(client)
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        page = client.get(SETTINGS).content.decode()
    assert f'value="{pending["id"]}"' not in page


def test_it_shows_the_new_token_in_full_after_a_generate_without_javascript(as_user, owner):
    client = as_user(owner)
    response = client.post(GENERATE)
    assert response.status_code == 302
    assert "pending" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    pending = ApiToken.objects.get(status=TokenStatus.PENDING)
    assert f'value="{pending.id}"' in page
    assert "This new token is not in use yet." in page
    assert f">{api_tokens.reveal(pending)}</textarea>" in page


def test_it_shows_the_new_token_masked_once_the_password_is_old(as_user, owner):
    client = as_user(owner)
    client.post(GENERATE)
    pending = ApiToken.objects.get(status=TokenStatus.PENDING)
    sudo_ends_at(client, 0)
    page = client.get(SETTINGS).content.decode()
    assert api_tokens.reveal(pending) not in page
    assert "Confirm your password to see the new token" in page


def test_it_leaves_exactly_one_active_token_when_two_admins_save_new_tokens(
    as_user, owner, admin, acme
):
    first, second = generate(as_user(owner)), generate(as_user(admin))
    stale = section_form(acme, pending_token=second["id"])
    assert (
        as_user(owner).post(SAVE, section_form(acme, pending_token=first["id"])).status_code == 302
    )
    assert as_user(admin).post(SAVE, stale).status_code == 409
    assert ApiToken.objects.filter(company=acme, status=TokenStatus.ACTIVE).count() == 1


def test_it_stores_only_a_digest_a_ciphertext_and_the_last_four(acme, acme_token):
    row = ApiToken.objects.get(company=acme, status=TokenStatus.ACTIVE)
    assert row.digest == tokens.digest(acme_token)
    assert acme_token not in row.ciphertext
    assert row.last4 == acme_token[-4:]
    assert row.created_at is not None


def test_it_links_to_the_password_prompt_when_a_save_needs_it_without_javascript(
    as_user, owner, acme
):
    client = as_user(owner)
    pending = generate(client)["id"]
    sudo_ends_at(client, 0)
    form = section_form(acme, pending_token=pending, password_size="21")
    page = client.post(SAVE, form).content.decode()
    prompt = (
        "/account/confirm-password/?next=/settings/my-company/settings/%3Fdraft%3D1%23security-save"
    )
    assert prompt in page
    confirmed = client.post(prompt, {"password": "correct horse battery staple"})
    assert confirmed["Location"] == "/settings/my-company/settings/?draft=1#security-save"
    # Back on the page, the admin's changes wait to be saved.
    back = client.get(confirmed["Location"]).content.decode()
    assert "your changes are back" in back
    assert 'value="21"' in back
    assert f'id="pending-token-id" value="{pending}"' in back
    assert client.post(SAVE, form).status_code == 302
