"""The company API token used from an address never seen for it: audited once, and the admins told."""

import pytest

from atom.audit.models import AuditEvent
from atom.mail.models import SecurityEmail
from atom.security.models import ApiTokenAddress
from tests.helpers import bearer

COMPANY = "/api/v1/company"


@pytest.fixture(autouse=True)
def every_request_counts(settings):
    # The gate writes a token's use at most once per interval and address.
    settings.ATOM_LAST_USE_INTERVAL_SECONDS = 1


def test_it_records_the_first_address_without_mailing_anyone(client, acme, acme_token):
    assert client.get(COMPANY, REMOTE_ADDR="200.1.2.3", **bearer(acme_token)).status_code == 200
    event = AuditEvent.objects.get(action="token.new_address", company=acme)
    assert event.details["address"] == "200.1.2.3" and event.actor_type == "system"
    assert SecurityEmail.objects.filter(event="token.new_address").count() == 0


def test_it_tells_the_owners_and_admins_once_of_each_later_new_address(
    client, acme, acme_token, owner, admin, agent
):
    for address in ("200.1.2.3", "200.1.2.3", "200.9.9.9", "200.9.9.9", "200.1.2.3"):
        assert client.get(COMPANY, REMOTE_ADDR=address, **bearer(acme_token)).status_code == 200
    assert ApiTokenAddress.objects.count() == 2
    assert AuditEvent.objects.filter(action="token.new_address").count() == 2
    emails = SecurityEmail.objects.filter(event="token.new_address")
    assert {email.recipient for email in emails} == {owner, admin}
    body = emails.first().body
    assert "200.9.9.9" in body and acme_token not in body and acme_token[-4:] in body
