"""Exports of the Activity log: CSV and JSON Lines, filtered, audited, streamed."""

import csv
import io
import json
import tracemalloc
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from atom.audit.models import AuditEvent
from tests.audit.events import add_event

CSV = reverse("audit:export_csv")
JSONL = reverse("audit:export_jsonl")


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def jsonl_rows(response) -> list[dict]:
    return [json.loads(line) for line in body(response).splitlines()]


@pytest.fixture
def quiet(acme):
    """Acme without the events of its creation: each test writes the log it reads."""
    AuditEvent.objects.filter(company=acme).delete()
    return acme


@pytest.fixture
def events(quiet, acme, owner, globex):
    add_event(
        acme,
        "security.password_size_changed",
        {"from": 15, "to": 12},
        user=owner,
        ip="203.0.113.7",
        user_agent="Firefox/999",
        at=datetime(2024, 12, 1, 9, 30, tzinfo=UTC),
    )
    add_event(
        acme,
        "token.rotated",
        {"last4": "Q2ZX", "grace_seconds": 86400},
        at=datetime(2024, 12, 5, 10, 0, tzinfo=UTC),
    )
    add_event(globex, "company.renamed", {"from": "Globex", "to": "Initech"})


def test_it_exports_csv_with_one_row_per_event(as_user, owner, events):
    response = as_user(owner).get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="atom-activity-acme-')
    rows = csv_rows(response)
    assert list(rows[0]) == [
        "time",
        "person",
        "actor_type",
        "action",
        "sentence",
        "details",
        "address",
        "user_agent",
    ]
    assert [row["action"] for row in rows] == ["token.rotated", "security.password_size_changed"]
    size = rows[1]
    assert size["time"] == "2024-12-01T09:30:00+00:00"
    assert size["person"] == "owner@acme.example"
    assert size["sentence"] == "Password Size changed from 15 to 12"
    assert json.loads(size["details"]) == {"from": 15, "to": 12}
    assert size["address"] == "203.0.113.7"
    assert size["user_agent"] == "Firefox/999"
    assert rows[0]["person"] == "Operator"
    assert "Initech" not in body(as_user(owner).get(CSV))


def test_it_exports_json_lines(as_user, owner, events):
    response = as_user(owner).get(JSONL)
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    rows = jsonl_rows(response)
    assert rows[1] == {
        "time": "2024-12-01T09:30:00+00:00",
        "person": "owner@acme.example",
        "actor_type": "user",
        "action": "security.password_size_changed",
        "sentence": "Password Size changed from 15 to 12",
        "details": {"from": 15, "to": 12},
        "address": "203.0.113.7",
        "user_agent": "Firefox/999",
    }


def test_it_exports_only_what_the_filters_select(as_user, owner, events):
    client = as_user(owner)
    by_person = csv_rows(client.get(CSV, {"person": owner.id}))
    assert [row["action"] for row in by_person] == ["security.password_size_changed"]
    by_group = jsonl_rows(client.get(JSONL, {"group": "api_token"}))
    assert [row["action"] for row in by_group] == ["token.rotated"]
    by_dates = jsonl_rows(client.get(JSONL, {"since": "2024-12-02", "until": "2024-12-05"}))
    assert [row["action"] for row in by_dates] == ["token.rotated"]
    assert jsonl_rows(client.get(JSONL, {"until": "2024-11-30"})) == []


def test_it_refuses_filters_it_cannot_read(as_user, owner, events):
    response = as_user(owner).get(CSV, {"since": "yesterday"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "From: Write the date as year-month-day" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_it_keeps_a_spreadsheet_from_running_a_cell_as_a_formula(as_user, owner, quiet, acme):
    add_event(
        acme,
        "login.failed",
        {"email": '=HYPERLINK("http://evil.example")@x.example'},
        actor_type="anonymous",
        actor_label="",
        user_agent="=1+2",
    )
    add_event(acme, "logout", actor_type="token", actor_label="@SUM(A1)", user_agent="+cmd")
    add_event(acme, "logout", actor_type="token", actor_label="-2+3", user_agent="\t=1")
    rows = csv_rows(as_user(owner).get(CSV, {"group": "sign_in"}))
    cells = [value for row in rows for value in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+2" in cells
    assert "'@SUM(A1)" in cells
    assert "'-2+3" in cells
    assert "'\t=1" in cells


def test_it_marks_the_export_never_to_be_cached(as_user, owner, events):
    assert as_user(owner).get(JSONL)["Cache-Control"] == "no-store"
    assert as_user(owner).get(CSV, {"since": "bad"})["Cache-Control"] == "no-store"


def test_it_records_who_exported_what(as_user, admin, events):
    as_user(admin).get(CSV, {"group": "api_token", "person": "operator", "since": "2026-12-01"})
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_user == admin
    assert exported.details == {
        "format": "csv",
        "filters": {"person": "operator", "group": "api_token", "since": "2026-12-01"},
    }
    rows = jsonl_rows(as_user(admin).get(JSONL, {"group": "company"}))
    assert rows[0]["sentence"] == (
        "Exported the activity as CSV (by Operator, actions: API Token, from 2026-12-01)"
    )


def test_it_names_the_person_filter_by_email_in_the_audit(as_user, owner, events):
    as_user(owner).get(JSONL, {"person": owner.id})
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.details["filters"] == {"person": "owner@acme.example"}


def test_it_writes_the_sentences_in_the_readers_language(as_user, owner, events):
    rows = jsonl_rows(as_user(owner).get(JSONL, HTTP_ACCEPT_LANGUAGE="es"))
    assert rows[-1]["sentence"] == "Longitud mínima de la contraseña cambiada de 15 a 12"
    assert rows[-1]["person"] == "owner@acme.example"


def test_it_refuses_exports_to_an_agent(as_user, agent, events):
    assert as_user(agent).get(CSV).status_code == 403
    assert as_user(agent).get(JSONL).status_code == 403


def test_it_sends_a_visitor_to_log_in(client, events):
    response = client.get(CSV)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


LARGE = 200_000


def fill(company, user, count: int) -> None:
    """``count`` events in batches, so the test itself never holds them all."""
    batch = 10_000
    for start in range(0, count, batch):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                company=company,
                actor_type="user",
                actor_user=user,
                actor_label=user.email,
                action="security.allowlist_changed" if n % 2 else "security.password_size_changed",
                details={"added": [f"203.0.113.{n % 250}"], "removed": [], "count": 1}
                if n % 2
                else {"from": 8 + n % 50, "to": 9 + n % 50},
                ip="198.51.100.7",
                user_agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
            )
            for n in range(start, min(start + batch, count))
        )


def streamed(client, url: str) -> tuple[int, int, int, int]:
    """Download ``url`` piece by piece, keeping nothing: (bytes, lines, pieces, peak memory)."""
    tracemalloc.start()
    try:
        response = client.get(url)
        size = lines = pieces = 0
        for piece in response.streaming_content:
            size += len(piece)
            lines += piece.count(b"\n")
            pieces += 1
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return size, lines, pieces, peak


def test_it_streams_a_large_log_in_bounded_memory(as_user, owner, quiet, acme):
    fill(acme, owner, LARGE)
    client = as_user(owner)
    # The CSV has a header line; the JSON Lines export holds the CSV export's record.
    for url, expected_lines in ((CSV, LARGE + 1), (JSONL, LARGE + 1)):
        size, lines, pieces, peak = streamed(client, url)
        assert lines == expected_lines
        assert pieces > 100, "the export must leave in pieces, not as one block"
        # Tens of megabytes went out; the process never held more than a few.
        assert size > 40_000_000
        assert peak < 8_000_000, f"{url}: peak {peak:,} bytes while streaming {size:,} bytes"
