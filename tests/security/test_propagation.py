"""A Save on one server process is enforced by another within 1 second.

Two `atom serve` processes (gunicorn, two workers each) share the test
database, as two hosts share one PostgreSQL in production. Each test warms
the second server first, so it has the old state cached, then saves through
the first and measures how long the second keeps answering the old way.
"""

import re

import pytest

from atom.security import api_tokens
from atom.security.models import ApiToken
from tests.console import Console
from tests.servers import call_api, wait_until, warm

pytestmark = pytest.mark.servers


def test_it_enforces_a_new_token_on_another_process_within_a_second(
    atom_servers, owner, acme, acme_token
):
    first, second = atom_servers(), atom_servers()
    warm(second, acme_token)
    console = Console(first)
    assert console.log_in(owner.email).status_code == 302
    form = console.security_form()  # the page is open; Generate does not reload it
    pending = console.generate_token()
    new_token = api_tokens.reveal(ApiToken.objects.get(id=pending))
    assert call_api(second, new_token).status == 401  # pending: valid nowhere

    saved = console.post(
        "/settings/my-company/settings/security/",
        {**form, "pending_token": pending, "old_token_grace": "0"},
    )
    assert saved.status_code == 302, re.findall(r'<ul class="errors".*?</ul>', saved.text, re.S)
    refused_after = wait_until(
        lambda: all(call_api(second, acme_token).status == 401 for _ in range(4)), timeout=1.0
    )
    accepted_after = wait_until(
        lambda: all(call_api(second, new_token).status == 200 for _ in range(4)), timeout=1.0
    )
    assert refused_after < 1.0 and accepted_after < 1.0


def test_it_enforces_an_allowlist_on_another_process_within_a_second(
    atom_servers, owner, acme, acme_token
):
    env = {"ATOM_ALLOW_PRIVATE_ADDRESSES": "1"}
    first, second = atom_servers(**env), atom_servers(**env)
    for _ in range(8):
        assert call_api(second, acme_token, source="127.0.0.2").status == 200
    console = Console(first)
    console.log_in(owner.email)
    form = console.security_form()
    saved = console.post(
        "/settings/my-company/settings/security/", {**form, "allowed_addresses": "127.0.0.1 Here"}
    )
    assert saved.status_code == 302, re.findall(r'<ul class="errors".*?</ul>', saved.text, re.S)
    elapsed = wait_until(
        lambda: all(
            call_api(second, acme_token, source="127.0.0.2").status == 403 for _ in range(4)
        ),
        timeout=1.0,
    )
    assert elapsed < 1.0
    assert call_api(second, acme_token, source="127.0.0.1").status == 200


def test_it_enforces_an_early_end_of_grace_on_another_process_within_a_second(
    atom_servers, owner, acme, acme_token
):
    first, second = atom_servers(), atom_servers()
    console = Console(first)
    console.log_in(owner.email)
    form = console.security_form()
    pending = console.generate_token()
    console.post(
        "/settings/my-company/settings/security/",
        {**form, "pending_token": pending, "old_token_grace": "7d"},
    )
    warm(second, acme_token)  # the old token still works in its grace period
    old = ApiToken.objects.get(company=acme, status="grace")
    console.post(
        f"/settings/my-company/settings/security/token/{old.id}/end-grace/", {"confirmed": "1"}
    )
    elapsed = wait_until(
        lambda: all(call_api(second, acme_token).status == 401 for _ in range(4)), timeout=1.0
    )
    assert elapsed < 1.0
