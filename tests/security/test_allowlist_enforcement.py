"""Allowed IP Addresses enforced on the console, the API and the log-in (in-process)."""

from django.urls import reverse

from atom.audit.models import AuditEvent
from atom.security.changes import announce_change
from atom.security.models import AllowedAddress
from tests.helpers import PASSWORD, bearer

OFFICE = "200.1.2.3"
ELSEWHERE = "8.8.4.4"


def allow(company, *networks):
    AllowedAddress.objects.filter(company=company).delete()
    for position, network in enumerate(networks):
        AllowedAddress.objects.create(company=company, network=network, position=position)
    announce_change()


def test_it_refuses_a_log_in_from_an_address_not_allowed_after_a_correct_password(
    client, owner, acme
):
    allow(acme, OFFICE)
    response = client.post(
        reverse("accounts:login"),
        {"email": owner.email, "password": PASSWORD},
        REMOTE_ADDR=ELSEWHERE,
    )
    assert response.status_code == 403
    assert (
        f"Access from your address {ELSEWHERE} is not allowed by your company&#x27;s security settings"
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.address_refused", actor_user=owner).exists()


def test_it_lets_an_allowed_address_log_in(client, owner, acme):
    allow(acme, "200.1.2.0/24")
    response = client.post(
        reverse("accounts:login"), {"email": owner.email, "password": PASSWORD}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 302


def test_it_refuses_an_open_session_at_its_next_request_once_its_address_is_removed(
    as_user, owner, acme
):
    client = as_user(owner)
    allow(acme, OFFICE)
    assert client.get("/", REMOTE_ADDR=OFFICE).status_code == 200
    allow(acme, "1.1.1.1")
    response = client.get("/", REMOTE_ADDR=OFFICE)
    assert response.status_code == 403
    assert f"Access from your address {OFFICE} is not allowed" in response.content.decode()
    # The session is over: coming back from the office needs a new log-in.
    allow(acme, OFFICE)
    assert client.get("/", REMOTE_ADDR=OFFICE).status_code == 302


def test_it_audits_refusals_at_most_once_a_minute_per_address(as_user, owner, acme):
    allow(acme, OFFICE)
    for _ in range(3):
        as_user(owner).get("/", REMOTE_ADDR=ELSEWHERE)
    events = AuditEvent.objects.filter(action="security.address_refused", company=acme)
    assert events.count() == 1
    assert events.get().details == {"via": "console", "address": ELSEWHERE}


def test_it_refuses_the_api_from_an_address_not_allowed(client, acme, acme_token):
    allow(acme, OFFICE)
    response = client.get("/api/v1/company", REMOTE_ADDR=ELSEWHERE, **bearer(acme_token))
    assert response.status_code == 403
    assert response.json()["error"] == "ip_not_allowed"
    assert ELSEWHERE in response.json()["message"]
    assert (
        client.get("/api/v1/company", REMOTE_ADDR=OFFICE, **bearer(acme_token)).status_code == 200
    )


def test_it_checks_the_token_before_the_address(client, acme):
    allow(acme, OFFICE)
    response = client.get(
        "/api/v1/company", REMOTE_ADDR=ELSEWHERE, HTTP_AUTHORIZATION="Bearer nope"
    )
    assert response.status_code == 401


def test_it_matches_an_ipv4_mapped_ipv6_peer_as_its_ipv4_address(client, acme, acme_token):
    allow(acme, OFFICE)
    response = client.get("/api/v1/company", REMOTE_ADDR=f"::ffff:{OFFICE}", **bearer(acme_token))
    assert response.status_code == 200


def test_it_ignores_x_forwarded_for_from_an_untrusted_peer(client, acme, acme_token):
    allow(acme, OFFICE)
    response = client.get(
        "/api/v1/company", REMOTE_ADDR=ELSEWHERE, HTTP_X_FORWARDED_FOR=OFFICE, **bearer(acme_token)
    )
    assert response.status_code == 403


def test_it_uses_the_rightmost_untrusted_hop_behind_a_trusted_proxy(
    client, acme, acme_token, settings
):
    from atom.security.core.client_ip import TrustedProxies

    settings.ATOM_TRUSTED_PROXIES = TrustedProxies.parse("10.0.0.0/8")
    allow(acme, OFFICE)
    spoofed = f"{OFFICE}, {ELSEWHERE}"
    assert (
        client.get(
            "/api/v1/company",
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=spoofed,
            **bearer(acme_token),
        ).status_code
        == 403
    )
    honest = f"{ELSEWHERE}, {OFFICE}"
    assert (
        client.get(
            "/api/v1/company",
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=honest,
            **bearer(acme_token),
        ).status_code
        == 200
    )
    garbage = "not-an-address"
    assert (
        client.get(
            "/api/v1/company",
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=garbage,
            **bearer(acme_token),
        ).status_code
        == 403
    )


def test_it_does_not_restrict_a_company_with_an_empty_list(client, acme, acme_token):
    assert (
        client.get("/api/v1/company", REMOTE_ADDR=ELSEWHERE, **bearer(acme_token)).status_code
        == 200
    )


def test_it_restricts_only_the_company_that_has_a_list(client, acme, globex, globex_token):
    allow(acme, OFFICE)
    assert (
        client.get("/api/v1/company", REMOTE_ADDR=ELSEWHERE, **bearer(globex_token)).status_code
        == 200
    )
