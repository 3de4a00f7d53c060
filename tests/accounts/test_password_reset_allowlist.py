"""Password reset follows the Allowed IP Addresses, like log-in, without revealing accounts."""

import re

from django.core import mail
from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.security.changes import announce_change
from atom.security.models import AllowedAddress
from tests.helpers import PASSWORD

RESET = reverse("accounts:password_reset")
OFFICE = "200.1.2.3"
ELSEWHERE = "8.8.4.4"
NEW = "a brand new passphrase for qzv"


def allow(company, network):
    AllowedAddress.objects.create(company=company, network=network, position=0)
    announce_change()


def request_link(client, email, address):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def mailed_link() -> str:
    return re.search(r"https?://[^/]+(/password-reset/\S+)", mail.outbox[-1].body).group(1)


def test_it_sends_no_link_to_a_refused_address_and_answers_as_for_an_unknown_email(
    client, agent, acme
):
    allow(acme, OFFICE)
    refused = request_link(client, agent.email, ELSEWHERE)
    unknown = request_link(client, "nobody@acme.example", ELSEWHERE)
    assert refused.status_code == unknown.status_code == 302
    assert refused["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="security.address_refused", company=acme)
    assert event.details == {"via": "password_reset", "address": ELSEWHERE}


def test_it_still_sends_the_link_to_an_allowed_address(client, agent, acme):
    allow(acme, OFFICE)
    request_link(client, agent.email, OFFICE)
    assert len(mail.outbox) == 1


def test_it_refuses_a_valid_link_opened_from_a_refused_address(client, agent, acme):
    request_link(client, agent.email, OFFICE)
    link = mailed_link()
    allow(acme, OFFICE)

    opened = client.get(link, REMOTE_ADDR=ELSEWHERE)
    assert opened.status_code == 403
    assert f"Access from your address {ELSEWHERE} is not allowed" in opened.content.decode()

    # Opened from the office, the link leads to the form; the form itself
    # still refuses a post from elsewhere.
    form_page = client.get(link, REMOTE_ADDR=OFFICE, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    assert "set-password" in set_url
    posted = client.post(
        set_url, {"new_password1": NEW, "new_password2": NEW}, REMOTE_ADDR=ELSEWHERE
    )
    assert posted.status_code == 403
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)

    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, REMOTE_ADDR=OFFICE)
    assert done["Location"] == reverse("accounts:password_reset_complete")
    agent.refresh_from_db()
    assert agent.check_password(NEW)


def test_it_answers_an_invalid_link_from_a_refused_address_as_invalid(client, agent, acme):
    allow(acme, OFFICE)
    request_link(client, agent.email, OFFICE)
    link = mailed_link()
    forged = re.sub(r"/[^/]+/$", "/bad-token/", link)
    answer = client.get(forged, REMOTE_ADDR=ELSEWHERE)
    assert answer.status_code == 200
    assert "not allowed" not in answer.content.decode()
