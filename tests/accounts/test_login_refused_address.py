"""Log-in from an address the company refuses: no more guesses than from any other.

The chosen behaviour: a wrong password gets the generic answer, the right
one gets "Access from your address ... is not allowed", and both count as
failed log-ins, so the lock-out comes after the same number of attempts
whatever they were; once locked, every attempt gets the same 429.
"""

from django.urls import reverse

from atom.security.changes import announce_change
from atom.security.models import AllowedAddress
from tests.helpers import PASSWORD

LOGIN = reverse("accounts:login")
OFFICE = "200.1.2.3"
ELSEWHERE = "8.8.4.4"
WRONG = "not the password at all"


def allow(company, network):
    AllowedAddress.objects.create(company=company, network=network, position=0)
    announce_change()


def log_in(client, email, password=PASSWORD, address=ELSEWHERE):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=address)


def test_it_counts_right_passwords_from_a_refused_address_toward_the_lock_out(client, owner, acme):
    allow(acme, OFFICE)
    statuses = [log_in(client, owner.email).status_code for _ in range(5)]
    # The fifth attempt reaches the limit and is answered with the lock-out.
    assert statuses == [403, 403, 403, 403, 429]
    assert "_auth_user_id" not in client.session


def test_it_locks_out_after_the_same_number_of_attempts_right_or_wrong(client, owner, acme):
    allow(acme, OFFICE)
    for password in (PASSWORD, WRONG, PASSWORD, WRONG):
        log_in(client, owner.email, password)
    right = log_in(client, owner.email, PASSWORD)
    wrong = log_in(client, owner.email, WRONG)
    assert right.status_code == wrong.status_code == 429
    assert b"Too many failed log-in attempts" in right.content
    assert b"Too many failed log-in attempts" in wrong.content
    assert b"not allowed" not in right.content


def test_it_keeps_the_office_open_while_the_refused_address_is_locked(client, owner, acme):
    allow(acme, OFFICE)
    for _ in range(5):
        log_in(client, owner.email)
    assert log_in(client, owner.email, address=OFFICE).status_code == 302
