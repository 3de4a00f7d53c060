"""Bearer authentication of the Atom API: every malformed header, each with its status and code."""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from atom.security.core import tokens
from atom.security.models import ApiToken
from tests.helpers import bearer

COMPANY = "/api/v1/company"


def call(client, authorization=None, **extra):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    return client.get(COMPANY, **headers, **extra)


def test_it_answers_with_the_tokens_company(client, acme, acme_token):
    response = call(client, f"Bearer {acme_token}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == acme.id
    assert body["name"] == "Acme"
    assert body["slug"] == "acme"
    assert body["token"]["last4"] == acme_token[-4:]
    assert body["token"]["masked"].endswith(acme_token[-4:])
    assert body["token"]["graceEndsAt"] is None
    assert acme_token not in response.content.decode()


def test_it_accepts_the_scheme_in_any_case(client, acme_token):
    assert call(client, f"bearer {acme_token}").status_code == 200
    assert call(client, f"BEARER {acme_token}").status_code == 200


def test_it_answers_401_token_missing_without_a_header(client, acme):
    response = call(client)
    assert response.status_code == 401
    assert response.json()["error"] == "token_missing"
    assert "Authorization: Bearer" in response.json()["message"]
    assert response["WWW-Authenticate"] == 'Bearer realm="atom"'


def test_it_answers_401_token_missing_for_an_empty_header(client, acme):
    assert call(client, "   ").json()["error"] == "token_missing"


def _valid_body_bad_checksum(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


MALFORMED = {
    "no-scheme": lambda t: t,
    "basic-scheme": lambda t: f"Basic {t}",
    "token-scheme": lambda t: f"Token {t}",
    "scheme-only": lambda t: "Bearer",
    "scheme-and-space": lambda t: "Bearer ",
    "two-spaces": lambda t: f"Bearer  {t}",
    "tab": lambda t: f"Bearer\t{t}",
    "trailing-space-inside": lambda t: f"Bearer {t} x",
    "two-tokens": lambda t: f"Bearer {t} {t}",
    "two-tokens-comma": lambda t: f"Bearer {t},{t}",
    "wrong-prefix": lambda t: f"Bearer atam_{t[5:]}",
    "bad-checksum": lambda t: f"Bearer {_valid_body_bad_checksum(t)}",
    "too-short": lambda t: f"Bearer {t[:-1]}",
    "too-long": lambda t: f"Bearer {t}0",
    "non-ascii": lambda t: f"Bearer {t[:-1]}é",
    "quoted": lambda t: f'Bearer "{t}"',
}


@pytest.mark.parametrize("build", MALFORMED.values(), ids=MALFORMED.keys())
def test_it_answers_401_token_invalid_for_a_malformed_header(client, acme_token, build):
    response = call(client, build(acme_token))
    assert response.status_code == 401
    assert response.json()["error"] == "token_invalid"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert acme_token not in response.content.decode()


def test_it_rejects_garbage_without_touching_the_database(
    client, acme_token, django_assert_num_queries
):
    bad = _valid_body_bad_checksum(acme_token)
    call(client, f"Bearer {acme_token}")  # warm the process's view of the database
    with django_assert_num_queries(0):
        assert call(client, f"Bearer {bad}").status_code == 401


def test_it_answers_401_for_an_unknown_well_formed_token(client, acme):
    assert call(client, f"Bearer {tokens.generate()}").json()["error"] == "token_invalid"


def test_it_answers_a_warm_authenticated_call_without_a_query(
    client, acme_token, django_assert_num_queries
):
    call(client, f"Bearer {acme_token}")
    with django_assert_num_queries(0):
        assert call(client, f"Bearer {acme_token}").status_code == 200


def test_it_reaches_only_the_tokens_own_company(client, acme, globex, acme_token, globex_token):
    assert call(client, f"Bearer {acme_token}").json()["id"] == acme.id
    assert call(client, f"Bearer {globex_token}").json()["id"] == globex.id


def test_it_throttles_repeated_failures_from_one_address(client, acme, acme_token):
    for _ in range(settings.ATOM_TOKEN_FAILURE_LIMIT):
        assert call(client, "Bearer nope").status_code == 401
    response = call(client, "Bearer nope")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= settings.ATOM_TOKEN_FAILURE_WINDOW_SECONDS
    # Another address is not affected.
    assert call(client, f"Bearer {acme_token}", REMOTE_ADDR="200.1.2.3").status_code == 200


def test_it_rate_limits_a_company_per_second(client, acme, acme_token):
    acme.api_rate_limit = 3
    acme.save()
    statuses = [call(client, f"Bearer {acme_token}").status_code for _ in range(6)]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    limited = call(client, f"Bearer {acme_token}")
    if limited.status_code == 429:
        assert limited.json()["error"] == "rate_limited"
        assert limited["Retry-After"] == "1"


def test_it_records_last_use_at_most_once_a_minute(
    client, acme, acme_token, django_assert_max_num_queries
):
    call(client, f"Bearer {acme_token}", HTTP_USER_AGENT="integration/1.0", REMOTE_ADDR="200.1.2.3")
    row = ApiToken.objects.get(company=acme, status="active")
    assert row.last_used_ip == "200.1.2.3"
    assert row.last_used_user_agent == "integration/1.0"
    first = row.last_used_at
    call(client, f"Bearer {acme_token}", HTTP_USER_AGENT="other/2.0")
    row.refresh_from_db()
    assert row.last_used_at == first
    assert row.last_used_user_agent == "integration/1.0"


def test_it_never_writes_the_token_to_the_logs(client, acme, acme_token, caplog):
    caplog.set_level(logging.DEBUG)
    call(client, f"Bearer {acme_token}")
    call(client, f"Bearer {_valid_body_bad_checksum(acme_token)}")
    call(client, f"Bearer {acme_token} extra")
    client.get("/api/v1/no-such-endpoint", HTTP_AUTHORIZATION=f"Bearer {acme_token}")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert acme_token[5:-4] not in text


def test_it_cannot_open_console_pages_or_security_settings_with_a_token(acme_token, acme):
    api = Client()
    settings_page = api.get(reverse("companies:settings"), **bearer(acme_token))
    assert settings_page.status_code == 302  # to the log-in page: a token is not a session
    save = api.post(reverse("companies:security_save"), {"password_size": "8"}, **bearer(acme_token))
    assert save.status_code in (302, 403)
    reveal = api.post(reverse("security:token_reveal"), **bearer(acme_token))
    assert reveal.status_code in (302, 403)


def test_it_serves_no_api_endpoint_for_security_settings_users_or_audit(client, acme_token):
    schema = client.get("/api/openapi.json").json()
    paths = " ".join(schema["paths"])
    for word in ("security", "allowlist", "users", "activity", "password", "token"):
        assert word not in paths
    # The one audit endpoint reads, never writes, and needs audit:read, which
    # the company token does not hold: only an integration token chosen for
    # it (a SIEM) reads the log.
    assert [path for path in schema["paths"] if "audit" in path] == ["/api/v1/audit-events"]
    assert list(schema["paths"]["/api/v1/audit-events"]) == ["get"]
    refused = client.get("/api/v1/audit-events", **bearer(acme_token))
    assert refused.status_code == 403


def test_it_publishes_openapi_and_docs(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/company" in schema["paths"]
    assert schema["components"]["securitySchemes"]
    assert client.get("/api/docs").status_code == 200


def test_it_answers_ping_without_a_token(client, db):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_answers_json_404_for_an_unknown_api_path(client, acme_token):
    response = client.get("/api/v1/nothing-here", **bearer(acme_token))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_it_tells_no_one_without_a_token_which_api_paths_exist(client, acme):
    assert client.get("/api/v1/nothing-here").status_code == 401
    assert client.get("/api/v1/company").status_code == 401


def test_it_refuses_a_bad_token_without_a_query_once_warm(client, acme, django_assert_num_queries):
    # A session cookie rides along, as from a browser: it is never loaded.
    client.cookies["sessionid"] = "not-a-session"
    client.get("/api/v1/company", HTTP_AUTHORIZATION="Bearer nope")
    with django_assert_num_queries(0):
        assert client.get("/api/v1/company", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
