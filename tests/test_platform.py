"""Baseline protections and health endpoints."""

import json

from django.urls import reverse


def test_it_answers_healthz_without_the_database(client):
    # No db fixture: pytest-django makes any database access an error here.
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


def test_it_answers_readyz_when_the_database_answers(client, db):
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}


def test_it_sends_a_content_security_policy_without_inline_script(client, db):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_it_forbids_framing(client, db):
    assert client.get(reverse("accounts:login"))["X-Frame-Options"] == "DENY"


def test_it_sets_httponly_lax_session_cookies(client, owner):
    client.post(
        reverse("accounts:login"),
        {"email": owner.email, "password": "correct horse battery staple"},
    )
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_it_has_no_inline_script_on_console_pages(as_user, owner):
    for url in [
        reverse("home"),
        reverse("companies:settings"),
        reverse("accounts:users"),
        reverse("audit:activity"),
    ]:
        html = as_user(owner).get(url).content.decode()
        assert "<script>" not in html
        assert " onclick=" not in html and " onload=" not in html


def test_it_switches_the_console_to_spanish(client, owner):
    client.post(reverse("set_language"), {"language": "es", "next": "/login/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Iniciar sesión" in html


def test_it_picks_spanish_from_the_browser(client, db):
    html = client.get(
        reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es-CO,es;q=0.9"
    ).content.decode()
    assert 'lang="es"' in html


def test_it_hides_settings_from_an_agents_navigation(as_user, agent):
    html = as_user(agent).get("/").content.decode()
    assert "/settings/my-company/settings/" not in html


def test_it_shows_settings_in_an_owners_navigation(as_user, owner):
    html = as_user(owner).get("/").content.decode()
    assert "/settings/my-company/settings/" in html


def _handled(request, error):
    from atom.health import server_error

    try:
        raise error
    except Exception:
        return server_error(request)


def test_it_turns_a_database_outage_under_the_api_into_a_json_503(rf):
    from django.db import OperationalError

    response = _handled(rf.get("/api/v1/company"), OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["error"] == "unavailable"


def test_it_turns_a_database_outage_under_the_console_into_a_plain_503_page(rf):
    from django.db import InterfaceError

    response = _handled(
        rf.get("/settings/my-company/settings/"), InterfaceError("connection already closed")
    )
    assert response.status_code == 503
    assert b"briefly unavailable" in response.content
    assert b"InterfaceError" not in response.content


def test_it_answers_other_errors_with_a_500_and_no_trace(rf):
    response = _handled(rf.get("/webhooks/flows/1"), KeyError("boom"))
    assert response.status_code == 500
    assert json.loads(response.content)["error"] == "server_error"
    assert b"boom" not in response.content
