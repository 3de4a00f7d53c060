"""The Activity page in a real browser: sentences, filters kept in the URL, downloads, Spanish."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from atom.audit.dates import format_when
from atom.audit.models import AuditEvent
from tests.audit.events import add_event
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

ACTIVITY = "/settings/my-company/activity/"


@pytest.fixture
def week(acme, owner, admin):
    """Last week at Acme: the owner and an admin changed its security settings.

    The log-in each test makes is the newest event, above these three.
    """
    AuditEvent.objects.filter(company=acme).delete()
    monday = (timezone.now() - timedelta(days=7)).replace(hour=9, minute=30, second=0)
    add_event(
        acme,
        "security.password_size_changed",
        {"from": 15, "to": 12},
        user=owner,
        ip="203.0.113.7",
        at=monday,
    )
    add_event(
        acme,
        "token.activated",
        {
            "last4": "Q2ZX",
            "old_last4": "FMHY",
            "grace_seconds": 604800,
            "old_stops_at": "2026-12-08T13:53:00+00:00",
        },
        user=owner,
        ip="203.0.113.7",
        at=monday.replace(hour=13, minute=53),
    )
    add_event(
        acme,
        "security.allowlist_changed",
        {"added": ["203.0.113.7", "198.51.100.0/24"], "removed": ["192.0.2.1"], "count": 2},
        user=admin,
        ip="203.0.113.7",
        at=monday + timedelta(days=1),
    )
    return monday


def open_activity(page) -> None:
    """Settings > My Company > Activity, through the navigation."""
    nav = page.get_by_role("navigation", name="Main navigation")
    for menu in ("Settings", "My Company"):
        summary = nav.locator("summary", has_text=menu).first
        if summary.locator("xpath=..").get_attribute("open") is None:
            summary.click()
    nav.get_by_role("link", name="Activity").click()


def rows(page):
    return page.locator("#activity tbody tr")


def test_the_owner_reads_the_activity_filters_it_and_downloads_it(page, owner, week):
    login(page, owner.email)
    open_activity(page)
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    expect(rows(page)).to_have_count(4)
    expect(rows(page).nth(0)).to_contain_text("Logged in")
    allowlist = rows(page).nth(1)
    expect(allowlist).to_contain_text(
        "Added 203.0.113.7 and 198.51.100.0/24 to the Allowed IP Addresses; removed 192.0.2.1"
    )
    with translation.override("en"):
        expect(allowlist).to_contain_text(format_when(week + timedelta(days=1)))
    expect(allowlist).to_contain_text("admin@acme.example")
    expect(rows(page).nth(2)).to_contain_text(
        "the old token …FMHY keeps working 7 days, until 8 Dec 2026, 13:53 UTC"
    )
    expect(rows(page).nth(3)).to_contain_text("Password Size changed from 15 to 12")
    assert_accessible(page, "Activity")

    page.get_by_label("Actions").select_option(label="API Token")
    page.get_by_label("Person").select_option(label=owner.email)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"person=\d+&group=api_token"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Saved the new API token …Q2ZX")
    expect(page.get_by_label("Actions")).to_have_value("api_token")

    csv_link = page.get_by_role("link", name="Download CSV")
    jsonl_link = page.get_by_role("link", name="Download JSON Lines")
    expect(csv_link).to_have_attribute(
        "href", re.compile(r"export\.csv\?person=\d+&group=api_token$")
    )
    expect(jsonl_link).to_have_attribute(
        "href", re.compile(r"export\.jsonl\?person=\d+&group=api_token$")
    )
    with page.expect_download() as download:
        jsonl_link.click()
    assert re.fullmatch(
        r"atom-activity-acme-\d{4}-\d{2}-\d{2}\.jsonl", download.value.suggested_filename
    )
    with open(download.value.path(), encoding="utf-8") as exported:
        lines = [json.loads(line) for line in exported]
    assert [line["action"] for line in lines] == ["token.activated"]

    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/activity/$"))
    # The download is in the log too, as a sentence.
    expect(rows(page).first).to_contain_text(
        "Exported the activity as JSON Lines (by owner@acme.example, actions: API Token)"
    )


def test_the_activity_reads_in_spanish_and_explains_a_bad_date(page, owner, week):
    login(page, owner.email)
    page.goto(ACTIVITY)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", name="Actividad")).to_be_visible()
    expect(rows(page).nth(1)).to_contain_text(
        "Agregó 203.0.113.7 y 198.51.100.0/24 a las direcciones IP permitidas; quitó 192.0.2.1"
    )
    expect(rows(page).nth(2)).to_contain_text("hasta el 8 dic 2026, 13:53 UTC")
    with translation.override("es"):
        expect(rows(page).nth(3)).to_contain_text(format_when(week))
    expect(page.get_by_role("link", name="Descargar CSV")).to_be_visible()

    tuesday = (week + timedelta(days=1)).date().isoformat()
    page.get_by_label("Desde").fill(tuesday)
    page.get_by_role("button", name="Filtrar").click()
    expect(page).to_have_url(re.compile(f"since={tuesday}"))
    # Tuesday's allowlist change and today's log-in.
    expect(rows(page)).to_have_count(2)
    assert_accessible(page, "Actividad, filtrada")

    page.goto(ACTIVITY + "?since=02/12/2026")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Escriba la fecha como año-mes-día, por ejemplo 2026-12-08.")
    expect(page.get_by_label("Desde")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("link", name="Descargar CSV")).to_have_count(0)
    assert_accessible(page, "Actividad, fecha errónea")
    alert.get_by_role("link").click()
    expect(page.get_by_label("Desde")).to_be_focused()
