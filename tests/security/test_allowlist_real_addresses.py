"""End to end with real source addresses and no headers: a server process sees
each connection's own address (127.0.0.2 allowed, 127.0.0.3 refused)."""

import pytest

from atom.security.models import AllowedAddress
from tests.console import Console

pytestmark = pytest.mark.servers


@pytest.fixture
def server(atom_servers, acme):
    AllowedAddress.objects.create(company=acme, network="127.0.0.2", label="Office", position=0)
    return atom_servers(ATOM_ALLOW_PRIVATE_ADDRESSES="1")


def test_it_lets_the_allowed_address_use_the_api(server, acme_token):
    response = server.get(
        "/api/v1/company", headers={"Authorization": f"Bearer {acme_token}"}, source="127.0.0.2"
    )
    assert response.status == 200


def test_it_refuses_another_address_on_the_api(server, acme_token):
    response = server.get(
        "/api/v1/company", headers={"Authorization": f"Bearer {acme_token}"}, source="127.0.0.3"
    )
    assert response.status == 403
    assert response.json() == {
        "error": "ip_not_allowed",
        "message": "Access from your address 127.0.0.3 is not allowed by your company's security settings "
        "(Allowed IP Addresses).",
    }


def test_it_lets_the_allowed_address_log_in_to_the_console(server, owner):
    console = Console(server, source="127.0.0.2")
    assert console.log_in(owner.email).status_code == 302
    assert console.get("/settings/my-company/settings/").status_code == 200


def test_it_refuses_another_address_at_the_console_log_in(server, owner):
    console = Console(server, source="127.0.0.3")
    response = console.log_in(owner.email)
    assert response.status_code == 403
    assert "Access from your address 127.0.0.3 is not allowed" in response.text.replace(
        "&#x27;", "'"
    )
    assert console.get("/").status_code == 302  # not logged in


def test_it_ignores_a_spoofed_forwarded_header_without_trusted_proxies(server, acme_token):
    response = server.get(
        "/api/v1/company",
        headers={"Authorization": f"Bearer {acme_token}", "X-Forwarded-For": "127.0.0.2"},
        source="127.0.0.3",
    )
    assert response.status == 403
