"""Integration tokens' write services and the `atom token` command: create, rotate, revoke."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone, translation

from atom.audit.actors import Actor
from atom.audit.models import AuditEvent
from atom.security import integrations
from atom.security.models import AllowedAddress, IntegrationToken
from tests.helpers import bearer
from tests.security.integration_token_helpers import issue


@pytest.fixture(autouse=True)
def _english():
    # The services word their refusals in the active language; these tests
    # read the English, whatever a test before them left active.
    with translation.override("en"):
        yield


def refused(company, **fields):
    values = {
        "name": "Shop",
        "description": "",
        "scope_values": ["flows:start"],
        "expiry": "90",
        "expiry_date": "",
        "addresses": "",
    }
    values.update(fields)
    with pytest.raises(integrations.Refused) as caught:
        integrations.check(company, **values)
    assert not IntegrationToken.objects.filter(company=company).exclude(name="Taken").exists()
    return caught.value.problems


def test_it_stores_only_the_digest_and_last_4(acme, owner):
    row, clear = issue(acme, user=owner)
    assert clear.startswith("atomi_")
    stored = IntegrationToken.objects.filter(id=row.id).values().get()
    assert clear not in str(stored)
    assert stored["last4"] == clear[-4:]
    assert stored["created_by_label"] == owner.email


def test_it_audits_a_creation_without_the_secret(acme, owner):
    row, clear = issue(acme, scopes=["flows:start", "templates:send"], user=owner)
    event = AuditEvent.objects.get(company=acme, action="integration.created")
    assert event.details["name"] == "Shop"
    assert event.details["scopes"] == ["flows:start", "templates:send"]
    assert clear not in str(event.details)


def test_it_refuses_an_unknown_scope_naming_it(acme):
    problems = refused(acme, scope_values=["flows:start", "contacts:delete"])
    assert "contacts:delete" in problems["scopes"][0]


def test_it_refuses_a_token_without_scopes(acme):
    assert "at least one scope" in refused(acme, scope_values=[])["scopes"][0]


def test_it_refuses_an_expiry_in_the_past(acme):
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    problems = refused(acme, expiry="date", expiry_date=yesterday)
    assert yesterday in problems["expiry"][0]
    assert "already passed" in problems["expiry"][0]


def test_it_refuses_an_expiry_beyond_the_companys_maximum(acme, owner):
    integrations.set_max_lifetime(acme, 30, Actor.for_user(owner))
    problems = refused(acme, expiry="90")
    assert "at most 30 days" in problems["expiry"][0]
    assert "at most 30 days" in refused(acme, expiry="never")["expiry"][0]
    row, _clear = issue(acme, expiry="30")
    assert row.expires_at is not None


def test_it_refuses_a_duplicate_name_in_any_case(acme):
    issue(acme, name="Taken")
    problems = refused(acme, name="taken")
    assert "already has a token named taken" in problems["name"][0]


def test_it_gives_a_revoked_tokens_name_back(acme):
    row, _clear = issue(acme, name="Shop")
    integrations.revoke(acme, row.id, Actor.operator())
    again, _clear = issue(acme, name="Shop")
    assert again.id != row.id


def test_it_lets_a_name_be_used_by_another_company(acme, globex):
    issue(acme, name="Shop")
    row, _clear = issue(globex, name="Shop")
    assert row.company == globex


@override_settings(ATOM_ALLOW_PRIVATE_ADDRESSES=True)  # documentation addresses
def test_it_refuses_an_own_list_wider_than_the_companys(acme):
    AllowedAddress.objects.create(company=acme, network="203.0.113.0/24", position=1)
    problems = refused(acme, addresses="203.0.113.5\n198.51.100.0/24\n203.0.0.0/16")
    assert len(problems["addresses"]) == 2
    assert (
        "198.51.100.0/24 is not inside your company's Allowed IP Addresses"
        in (problems["addresses"][0])
    )
    assert "203.0.0.0/16" in problems["addresses"][1]


def test_it_refuses_an_own_entry_with_the_company_lists_strict_messages(acme):
    from atom.security.core import allowlist
    from atom.security.forms import entry_message

    company_list = allowlist.parse_lines("010.0.0.1")
    expected = entry_message(company_list.errors[0])
    problems = refused(acme, addresses="8.8.8.8\n010.0.0.1")
    assert problems["addresses"] == [f"Allowed IP Addresses: {expected}"]
    assert "010" in expected


def test_it_names_every_problem_at_once(acme):
    problems = refused(acme, name="", scope_values=["nope"], expiry="12", addresses="1.2.3")
    assert set(problems) == {"name", "scopes", "expiry", "addresses"}


def test_it_rotates_keeping_the_old_secret_for_the_grace_period(client, acme):
    row, old = issue(acme, scopes=["company:read"])
    rotated, new = integrations.rotate(acme, row.id, timedelta(hours=1), Actor.operator())
    assert rotated.id == row.id and new != old
    assert client.get("/api/v1/company", **bearer(new)).status_code == 200
    assert client.get("/api/v1/company", **bearer(old)).status_code == 200
    IntegrationToken.objects.filter(id=row.id).update(
        previous_ends_at=timezone.now() - timedelta(seconds=1)
    )
    # Changed behind the services' back, so this process is told by hand;
    # a real grace end needs no announcement (the clock is compared).
    from atom.security.runtime.state import state

    state.forget()
    assert client.get("/api/v1/company", **bearer(old)).status_code == 401
    assert client.get("/api/v1/company", **bearer(new)).status_code == 200


def test_it_rotates_now_stopping_the_old_secret_at_once(client, acme):
    row, old = issue(acme, scopes=["company:read"])
    assert client.get("/api/v1/company", **bearer(old)).status_code == 200
    _rotated, new = integrations.rotate(acme, row.id, timedelta(0), Actor.operator())
    assert client.get("/api/v1/company", **bearer(old)).status_code == 401
    assert client.get("/api/v1/company", **bearer(new)).status_code == 200
    event = AuditEvent.objects.get(company=acme, action="integration.rotated")
    assert event.details["grace_seconds"] == 0
    assert new not in str(event.details) and old not in str(event.details)


def test_it_rotates_one_token_without_touching_the_others(client, acme):
    shop, shop_token = issue(acme, name="Shop", scopes=["company:read"])
    _crm, crm_token = issue(acme, name="CRM", scopes=["company:read"])
    integrations.rotate(acme, shop.id, timedelta(0), Actor.operator())
    assert client.get("/api/v1/company", **bearer(crm_token)).status_code == 200
    assert client.get("/api/v1/company", **bearer(shop_token)).status_code == 401


def test_it_never_rotates_or_revokes_another_companys_token(acme, globex):
    theirs, _clear = issue(globex)
    assert integrations.rotate(acme, theirs.id, timedelta(0), Actor.operator()) is None
    assert integrations.revoke(acme, theirs.id, Actor.operator()) is None
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_it_reminds_seven_days_and_one_day_before_and_records_the_expiry_once(acme):
    row, _clear = issue(acme, expiry="30")
    now = timezone.now()
    assert integrations.remind_and_expire(now) == (0, 0)
    in_seven = row.expires_at - timedelta(days=7)
    assert integrations.remind_and_expire(in_seven) == (1, 0)
    assert integrations.remind_and_expire(in_seven + timedelta(hours=1)) == (0, 0)
    assert integrations.remind_and_expire(row.expires_at - timedelta(hours=23)) == (1, 0)
    assert integrations.remind_and_expire(row.expires_at) == (0, 1)
    assert integrations.remind_and_expire(row.expires_at + timedelta(days=1)) == (0, 0)
    days = list(
        AuditEvent.objects.filter(action="integration.expiring")
        .order_by("id")
        .values_list("details__days", flat=True)
    )
    assert days == [7, 1]


def test_it_sets_and_audits_the_maximum_lifetime(acme, owner):
    assert integrations.set_max_lifetime(acme, 90, Actor.for_user(owner))
    assert not integrations.set_max_lifetime(acme, 90, Actor.for_user(owner))
    assert integrations.max_lifetime(acme) == 90
    event = AuditEvent.objects.get(action="integration.max_lifetime_changed")
    assert event.details == {"from": None, "to": 90}


def run(*args):
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_it_creates_lists_and_revokes_from_the_command_line(acme):
    created = run(
        "create",
        "--company",
        "acme",
        "--name",
        "BI export",
        "--scope",
        "flows:read",
        "--scope",
        "flow-runs:read",
        "--expires",
        "30",
    )
    clear = created.strip().splitlines()[-1]
    assert clear.startswith("atomi_")
    listed = run("list", "--company", "acme")
    assert "BI export" in listed and "flows:read,flow-runs:read" in listed
    assert clear not in listed
    assert "Revoked" in run("revoke", "--company", "acme", "--name", "BI export")
    assert "revoked" in run("list", "--company", "acme")
    event = AuditEvent.objects.get(action="integration.revoked")
    assert event.actor_type == "operator"


def test_it_refuses_bad_input_at_the_command_line_with_the_same_messages(acme):
    with pytest.raises(CommandError, match="flows:write is not a scope"):
        run("create", "--company", "acme", "--name", "X", "--scope", "flows:write")
    with pytest.raises(CommandError, match="already passed"):
        run(
            "create",
            "--company",
            "acme",
            "--name",
            "X",
            "--scope",
            "flows:read",
            "--expires",
            "2020-01-01",
        )
    assert not IntegrationToken.objects.exists()


def test_it_refuses_to_revoke_an_unknown_name(acme):
    with pytest.raises(CommandError, match="no live integration token named"):
        run("revoke", "--company", "acme", "--name", "Nothing")


def test_it_does_not_rotate_an_expired_token(acme):
    row, _clear = issue(acme)
    IntegrationToken.objects.filter(id=row.id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert integrations.rotate(acme, row.id, timedelta(0), Actor.operator()) is None
    assert not AuditEvent.objects.filter(action="integration.rotated").exists()
